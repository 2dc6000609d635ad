// LeadState: incremental scoring of one lead, stage lifecycle and history.
//
// What is LeadState's own: the event ledger (the lead's events that take
// part, with their ids for deduplication), the lifecycle policy and the
// history of transitions. Event accumulation is the shared module of
// src/eval/accumulate.hpp: apply() feeds each event to a StreamAccumulator
// (in time order; an event older than the newest applied one, or one that
// may imply events already counted, replays the ledger), and score(as_of)
// reads it into the evaluator's Scratch, then runs the same evaluator as
// Qualifier::qualify() with the lifecycle facts given to its stage step.
#include "leadscore/lead_state.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/limits.hpp"

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "eval/accumulate.hpp"
#include "eval/evaluator.hpp"
#include "explain/explain.hpp"
#include "json/json_util.hpp"
#include "lifecycle/saved_state.hpp"
#include "model/model.hpp"

namespace leadscore {

namespace detail {

namespace {

constexpr double kDayMs = static_cast<double>(kMillisPerDay);

std::int64_t ms_of(Instant t) noexcept { return t.time_since_epoch().count(); }

// ---- what a saved state can hold ----------------------------------------------
// to_json() must always write a state that from_json() reads back, so every
// change is checked against the limits from_json() reads with (Limits{}):
// events per lead, string lengths, properties, instants of years 0001..9999,
// and the size of the text (the lead within max_lead_bytes, the history
// within half of it). Breaking one throws leadscore::Error and changes nothing.

[[noreturn]] void fail(std::string_view code, std::string pointer, std::string message) {
  throw Error(std::vector<Diagnostic>{make_error(code, std::move(pointer), std::move(message))});
}

void check_instant(Instant t, std::string_view what, std::string pointer) {
  if (in_instant_range(t)) return;
  fail("invalid_value", std::move(pointer),
       std::string(what) + " " + format_instant(t) +
           " is outside years 0001..9999: a saved state could not be read back");
}

/// A string of a lead: at most max_string_length bytes. Returns its JSON bytes.
std::size_t checked_string(std::string_view s, std::string_view what, const std::string& pointer) {
  const Limits limits;
  if (s.size() > limits.max_string_length) {
    fail("limit_exceeded", pointer,
         std::string(what) + " of " + std::to_string(s.size()) +
             " bytes is longer than the limit max_string_length = " +
             std::to_string(limits.max_string_length));
  }
  return json_string_bytes(s);
}

/// Checks one event as from_json() would read it back; returns its JSON
/// bytes (an upper bound).
std::size_t checked_event_bytes(const Event& e, std::size_t index) {
  const Limits limits;
  // The common case first, without building the JSON pointers that only an
  // error message needs (apply() runs this for every event).
  const auto fits = [&limits](std::string_view t) { return t.size() <= limits.max_string_length; };
  bool ok = in_instant_range(e.at) && fits(e.type) && fits(e.id) &&
            e.properties.size() <= limits.max_properties;
  constexpr std::size_t kEventOverhead = 96;  // braces, keys, the instant, "automated"
  std::size_t bytes = kEventOverhead + json_string_bytes(e.type) + json_string_bytes(e.id);
  for (const auto& [key, value] : e.properties) {
    const std::string* text = std::get_if<std::string>(&value);
    ok = ok && fits(key) && (text == nullptr || fits(*text));
    bytes += 4 + json_string_bytes(key) + (text ? json_string_bytes(*text) : 32);
  }
  if (ok) return bytes;
  const std::string p = "/lead/events/" + std::to_string(index);
  check_instant(e.at, "the event's instant", p + "/at");
  bytes = kEventOverhead + checked_string(e.type, "event type", p + "/type") +
          checked_string(e.id, "event id", p + "/id");
  if (e.properties.size() > limits.max_properties) {
    fail("limit_exceeded", p + "/properties",
         "number of properties (" + std::to_string(e.properties.size()) +
             ") exceeds the limit max_properties = " + std::to_string(limits.max_properties));
  }
  for (const auto& [key, value] : e.properties) {
    const std::string at = p + "/properties/" + pointer_escape(key);
    bytes += 4 + checked_string(key, "property name", at);
    const std::string* text = std::get_if<std::string>(&value);
    bytes += text ? checked_string(*text, "property value", at) : 32;
  }
  return bytes;
}

/// Checks a lead's profile (its events aside) as from_json() would read it
/// back; returns its JSON bytes.
std::size_t checked_profile_bytes(const Lead& profile) {
  const nlohmann::json j = to_json(profile);
  auto read = lead_from_json(j, Limits{});
  if (!read.ok()) {
    std::vector<Diagnostic> errors = read.diagnostics();
    for (Diagnostic& d : errors) d.pointer = "/lead" + d.pointer;
    throw Error(std::move(errors));
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

/// JSON bytes of a history entry, at most.
std::size_t transition_bytes(const Transition& t) noexcept {
  constexpr std::size_t kTransitionOverhead = 256;  // keys, the instant, cause, three numbers
  std::size_t n = kTransitionOverhead + json_string_bytes(t.from) + json_string_bytes(t.to) +
                  json_string_bytes(t.reason);
  for (const auto& c : t.conditions) n += 1 + json_string_bytes(c);
  for (const auto& r : t.rules) n += 1 + json_string_bytes(r);
  return n;
}

/// `t` plus `days` (a hold's end), saturated at kLastInstant.
Instant plus_days(Instant t, double days) noexcept {
  const double ms = days * kDayMs;
  if (!(ms < 9e18)) return kLastInstant;
  std::int64_t end = 0;
  if (__builtin_add_overflow(ms_of(t), std::llround(ms), &end)) return kLastInstant;
  return std::min(Instant(std::chrono::milliseconds(end)), kLastInstant);
}

}  // namespace

struct Hold {
  Instant until{};
  int rank = 0;  ///< no promotion above this stage rank while it lasts
};

struct StateData : LifecycleFields {
  Qualifier qualifier;
  std::shared_ptr<const Model> model;
  Lead lead;  ///< lead.events is the ledger: the events that take part, in applied order
  // event tracking. The accumulators follow the ledger lazily: an event
  // older than the newest one (or of an implied_by type) marks them stale,
  // and the next read rebuilds them once, in O(n log n), so that feeding n
  // events in any order costs O(n log n) in all (docs/lifecycle.md).
  mutable StreamAccumulator acc;
  mutable std::vector<std::uint32_t> impliers;  ///< ledger indices of events of implied_by types
  mutable ImplierTables implier_tables;         ///< the pairing of many impliers (of `impliers`)
  mutable bool stale = false;                   ///< acc and impliers lag behind the ledger
  std::int64_t newest = 0;                      ///< newest instant in the ledger (when not empty)
  SeenIds ids;  ///< event ids in the ledger (the copy that counts_before() the others counts)
  std::size_t lead_bytes = 0;     ///< JSON bytes of the lead, at most (profile and events)
  std::size_t profile_bytes = 0;  ///< the profile's part of lead_bytes
  std::size_t history_bytes = 0;  ///< JSON bytes of the history, at most
  // lifecycle (the rest is in LifecycleFields)
  std::optional<Hold> hold;

  StateData(Qualifier q, std::shared_ptr<const Model> m)
      : qualifier(std::move(q)), model(std::move(m)), acc(*model) {}

  // ---- event ledger --------------------------------------------------------

  [[nodiscard]] Impliers implier_events() const noexcept {
    return Impliers{lead.events, impliers, &implier_tables};
  }

  /// Feeds one ledger event to the accumulators.
  void feed(std::size_t i) const {
    const Event& e = lead.events[i];
    const std::uint32_t type = event_type_id(*model, e.type);
    acc.feed(e, type, implier_events());
  }

  /// Rebuilds the accumulators from the ledger, in time order (stable).
  void rebuild() const {
    stale = false;
    acc.clear();
    impliers.clear();
    implier_tables.clear();
    for (std::size_t i = 0; i < lead.events.size(); ++i) {
      if (is_implier_type(*model, event_type_id(*model, lead.events[i].type))) {
        impliers.push_back(static_cast<std::uint32_t>(i));
      }
    }
    std::vector<std::uint32_t> order(lead.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
      return lead.events[a].at < lead.events[b].at;
    });
    for (const std::uint32_t i : order) feed(i);
  }

  bool ignored(const Event& e) const { return ignored_event(*model, e); }

  /// The JSON bytes the lead has with one more event of `event_bytes`;
  /// throws when the ledger is full or the lead would outgrow max_lead_bytes.
  [[nodiscard]] std::size_t grown_lead_bytes(std::size_t event_bytes) const {
    const Limits limits;
    if (lead.events.size() >= limits.max_events_per_lead) {
      fail("limit_exceeded", "/lead/events",
           "number of events would exceed the limit max_events_per_lead = " +
               std::to_string(limits.max_events_per_lead) +
               " (a saved state could not be read back)");
    }
    const std::size_t bytes = lead_bytes + event_bytes;
    check_lead_bytes(bytes);
    return bytes;
  }

  /// Throws unless a lead of `bytes` JSON bytes could be read back.
  static void check_lead_bytes(std::size_t bytes) {
    const Limits limits;
    if (bytes > limits.max_lead_bytes) {
      fail("limit_exceeded", "/lead/events",
           "the lead's JSON text would exceed the limit max_lead_bytes = " +
               std::to_string(limits.max_lead_bytes) +
               " bytes (a saved state could not be read back)");
    }
  }

  /// Puts `e`, an earlier copy of the id of ledger entry `i`, in its place:
  /// the copy that counts_before() the others counts, whatever the order.
  void replace_event(std::size_t i, Event e) {
    const std::size_t bytes =
        lead_bytes - checked_event_bytes(lead.events[i], i) + checked_event_bytes(e, i);
    check_lead_bytes(bytes);
    lead_bytes = bytes;
    ids.record(e, i);
    lead.events[i] = std::move(e);
    stale = true;  // newest stays an upper bound: later events may be rebuilt needlessly
  }

  /// Adds an event that takes part (checked, not a repeated id) to the ledger.
  void push(Event e, std::size_t bytes) {
    ids.record(e, lead.events.size());
    lead_bytes = bytes;
    const std::int64_t ms = ms_of(e.at);
    if (lead.events.empty() || ms > newest) newest = ms;
    lead.events.push_back(std::move(e));
  }

  ApplyResult apply(Event e) {
    if (ignored(e)) return ApplyResult::automated;
    std::size_t replace = 0;
    switch (ids.check(e, lead.events, &replace)) {
      case SeenIds::Admit::drop:
        return ApplyResult::duplicate;
      case SeenIds::Admit::replace:
        replace_event(replace, std::move(e));
        return ApplyResult::replayed;
      case SeenIds::Admit::keep:
        break;
    }
    const std::size_t bytes = grown_lead_bytes(checked_event_bytes(e, lead.events.size()));
    const bool late = !lead.events.empty() && ms_of(e.at) < newest;
    push(std::move(e), bytes);
    // An event of an implied_by type may pair with events already counted
    // ("the click implies the open"); an older one must be counted in time
    // order. Either way the accumulators are rebuilt at the next read.
    // Events at the same instant keep the order in which they were applied,
    // which is also their order in lead.events, as qualify() sees them.
    if (late || stale || is_implier_type(*model, event_type_id(*model, lead.events.back().type))) {
      stale = true;
    } else {
      feed(lead.events.size() - 1);
    }
    return late ? ApplyResult::replayed : ApplyResult::applied;
  }

  /// Sets the profile (its events aside), checked as from_json() reads it.
  void set_profile(Lead profile) {
    profile.events.clear();
    const std::size_t bytes = checked_profile_bytes(profile);
    if (lead_bytes - profile_bytes + bytes > Limits{}.max_lead_bytes) {
      fail("limit_exceeded", "/lead",
           "the lead's JSON text would exceed the limit max_lead_bytes = " +
               std::to_string(Limits{}.max_lead_bytes) + " bytes");
    }
    profile.events = std::move(lead.events);
    lead = std::move(profile);
    lead_bytes = lead_bytes - profile_bytes + bytes;
    profile_bytes = bytes;
  }

  /// Loads `source`: its profile, then its own events (constructor,
  /// from_json, rescore).
  void load(Lead source) {
    std::vector<Event> events = std::move(source.events);
    source.events.clear();
    lead.events.clear();
    ids.clear();
    lead_bytes = profile_bytes = 0;
    set_profile(std::move(source));
    for (Event& e : events) {
      if (ignored(e)) continue;
      std::size_t replace = 0;
      const SeenIds::Admit admit = ids.check(e, lead.events, &replace);
      if (admit == SeenIds::Admit::drop) continue;
      if (admit == SeenIds::Admit::replace) {
        replace_event(replace, std::move(e));
        continue;
      }
      const std::size_t bytes = grown_lead_bytes(checked_event_bytes(e, lead.events.size()));
      push(std::move(e), bytes);
    }
    rebuild();
  }

  /// The accumulators, up to date with the ledger.
  const StreamAccumulator& fresh() const {
    if (stale) rebuild();
    return acc;
  }

  /// Instants that observe(), feedback() and rescore() record must read
  /// back, and the history must stay within its share of the saved text.
  void check_recordable(Instant at) const {
    check_instant(at, "the instant", "");
    const std::size_t budget = Limits{}.max_lead_bytes / 2;
    if (history_bytes > budget) {
      fail("limit_exceeded", "/history",
           "the history's JSON text exceeds " + std::to_string(budget) +
               " bytes (half of max_lead_bytes): a saved state could not be read back");
    }
  }

  // ---- reading ---------------------------------------------------------------

  [[nodiscard]] StageContext context(Instant as_of) const {
    StageContext ctx;
    ctx.current = stage;
    ctx.days_in_stage = entered ? days_between(*entered, as_of) : 0.0;
    if (sales != SalesStatus::none) ctx.sales_status = to_string(sales);
    return ctx;
  }

  /// Qualification (and optionally explanation / hysteresis check) at as_of.
  Qualification evaluate(Instant as_of, Explanation* ex, int margin_stage = -1,
                         bool* margin_held = nullptr) const {
    const StageContext ctx = context(as_of);
    EvalRequest request;
    request.stage.context = &ctx;
    request.stage.margin_stage = margin_stage;
    request.stage.margin = model->config.lifecycle.demote_margin;
    request.stage.margin_held = margin_held;
    Scratch scratch;  // uninitialised: the accumulators and the evaluator set what they use
    EventSummary summary;
    if (lead.events.empty() || ms_of(as_of) >= newest) {
      fresh().read(as_of, scratch, summary);
      request.events = &summary;
    }  // else earlier than the newest event: from the ledger, like qualify()
    std::optional<RecordingListener> recorder;
    if (ex) recorder.emplace(*model, *ex);
    return detail::evaluate(*model, lead, as_of, scratch, request, recorder ? &*recorder : nullptr,
                            ex ? &ex->facts : nullptr);
  }

  // ---- lifecycle -----------------------------------------------------------

  /// Rank of a stage name: configured stages 0.., the fallback after them;
  /// the won stage (and unknown names) rank -1 (above everything).
  [[nodiscard]] int rank(std::string_view name) const {
    const auto& stages = model->config.stages;
    for (std::size_t i = 0; i < stages.size(); ++i) {
      if (stages[i].name == name) return static_cast<int>(i);
    }
    if (name == model->fallback_stage) return static_cast<int>(stages.size());
    return -1;
  }

  Transition& record(std::string to, Instant at, TransitionCause cause, const Qualification& q) {
    Transition t;
    t.from = stage;
    t.to = std::move(to);
    t.at = at;
    t.cause = cause;
    t.fit = q.fit;
    t.engagement = q.engagement;
    t.total = q.total;
    if (t.to != stage) {
      stage = t.to;
      entered = at;
      failing_since.reset();
    }
    history.push_back(std::move(t));
    return history.back();
  }

  /// Counts the entries from `from` on into history_bytes.
  void count_history(std::size_t from) noexcept {
    for (std::size_t i = from; i < history.size(); ++i)
      history_bytes += transition_bytes(history[i]);
  }

  /// The held leaf conditions of a stage's trace, and the rules that scored.
  void explain_into(Transition& t, Instant as_of, int stage_index, bool held) const {
    Explanation ex;
    (void)evaluate(as_of, &ex);
    for (const auto& c : ex.contributions) {
      if (c.points != 0 && c.kind != RuleKind::knockout) t.rules.push_back(c.rule_id);
    }
    if (stage_index < 0) return;
    const std::string& name = model->config.stages[static_cast<std::size_t>(stage_index)].name;
    for (const auto& check : ex.stages) {
      if (check.stage != name) continue;
      collect(check.condition, held, t.conditions);
    }
    if (!held && t.conditions.empty() && ex.next) t.conditions = ex.next->missing;
  }

  static void collect(const ConditionTrace& trace, bool held, std::vector<std::string>& out) {
    collect_conditions(trace, held, out);
  }

  std::size_t observe(Instant as_of) {
    if (observed && as_of < *observed) return 0;
    const std::size_t before = history.size();
    observed = as_of;
    const Lifecycle& lc = model->config.lifecycle;
    if (sales == SalesStatus::won) return 0;  // terminal
    const Qualification q = evaluate(as_of, nullptr);
    const int n_stages = static_cast<int>(model->config.stages.size());

    if (stage.empty()) {  // first observation
      if (q.disqualified) {
        disqualified = true;
        Transition& t = record(std::string(q.stage), as_of, TransitionCause::disqualified, q);
        t.reason = std::string(q.reason);
        t.rules.push_back(std::string(q.knockout_rule));
      } else {
        Transition& t = record(std::string(q.stage), as_of, TransitionCause::qualified, q);
        explain_into(t, as_of, q.stage_index, true);
      }
      return history.size() - before;
    }
    if (q.disqualified) {
      if (!disqualified) {
        disqualified = true;
        Transition& t = record(std::string(q.stage), as_of, TransitionCause::disqualified, q);
        t.reason = std::string(q.reason);
        t.rules.push_back(std::string(q.knockout_rule));
      }
      return history.size() - before;
    }
    if (disqualified) {
      disqualified = false;
      Transition& t = record(std::string(q.stage), as_of, TransitionCause::requalified, q);
      explain_into(t, as_of, q.stage_index, true);
      return history.size() - before;
    }

    const int current = rank(stage);
    // Recycle rules, in order; the first that applies moves the lead.
    for (const RecycleRule& r : lc.recycle) {
      if (r.stage != stage || !entered) continue;
      const double days = days_between(*entered, as_of);
      if (days < r.after_days) continue;
      bool stopped = false;
      for (const auto& u : r.unless) {
        if (parse_sales_status(u) == sales && sales != SalesStatus::none) stopped = true;
      }
      if (stopped) continue;
      Transition& t = record(r.to, as_of, TransitionCause::recycled, q);
      t.reason = r.reason.empty() ? r.id : r.reason;
      t.rules.push_back(r.id);
      t.conditions.push_back("in " + r.stage + " for " + format_days(days) + " days (limit " +
                             format_days(r.after_days) + ")");
      if (r.hold_days > 0) {
        hold = Hold{plus_days(as_of, r.hold_days), rank(r.to)};
      }
      if (sales == SalesStatus::rejected || sales == SalesStatus::lost) sales = SalesStatus::none;
      return history.size() - before;
    }

    int computed = q.stage_index < 0 ? n_stages : q.stage_index;
    if (hold && as_of < hold->until) {
      computed = std::max(computed, hold->rank);
    } else {
      hold.reset();
    }
    if (computed < current || current < 0) {
      const std::string to = computed >= n_stages
                                 ? model->fallback_stage
                                 : model->config.stages[static_cast<std::size_t>(computed)].name;
      if (to == stage) return 0;
      Transition& t = record(to, as_of, TransitionCause::qualified, q);
      explain_into(t, as_of, computed < n_stages ? computed : -1, true);
      if (sales == SalesStatus::rejected || sales == SalesStatus::lost) sales = SalesStatus::none;
      return history.size() - before;
    }
    if (computed == current) {
      failing_since.reset();
      return 0;
    }
    // computed > current: the current stage's condition does not hold.
    if (sales == SalesStatus::accepted) return 0;  // accepted by sales: locked
    bool demote = false;
    switch (lc.regression) {
      case Regression::monotonic:
        return 0;
      case Regression::immediate:
        demote = true;
        break;
      case Regression::hysteresis: {
        bool held_with_margin = false;
        if (current < n_stages && lc.demote_margin > 0) {
          (void)evaluate(as_of, nullptr, current, &held_with_margin);
        }
        if (held_with_margin) {
          failing_since.reset();
          return 0;
        }
        if (!failing_since) failing_since = as_of;
        demote = days_between(*failing_since, as_of) >= lc.demote_after_days;
        break;
      }
    }
    if (!demote) return 0;
    const std::string to = computed >= n_stages
                               ? model->fallback_stage
                               : model->config.stages[static_cast<std::size_t>(computed)].name;
    const int from_index = current;
    Transition& t = record(to, as_of, TransitionCause::demoted, q);
    explain_into(t, as_of, from_index < n_stages ? from_index : -1, false);
    return history.size() - before;
  }

  static std::string format_days(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", d);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  }

  Transition& feedback(SalesStatus status, Instant at, std::string reason) {
    const FeedbackPolicy& fb = model->config.lifecycle.feedback;
    const Qualification q = evaluate(at, nullptr);
    std::string to = stage.empty() ? std::string(q.stage) : stage;
    double hold_days = 0;
    switch (status) {
      case SalesStatus::rejected:
        to = fb.rejected_stage.empty() ? model->fallback_stage : fb.rejected_stage;
        hold_days = fb.rejected_hold_days;
        break;
      case SalesStatus::lost:
        to = fb.lost_stage.empty() ? model->fallback_stage : fb.lost_stage;
        hold_days = fb.lost_hold_days;
        break;
      case SalesStatus::won:
        to = fb.won_stage;
        break;
      default:
        break;
    }
    sales = status;
    if (hold_days > 0) {
      hold = Hold{plus_days(at, hold_days), rank(to)};
    } else if (status == SalesStatus::won || status == SalesStatus::accepted) {
      hold.reset();
    }
    if (!observed || *observed < at) observed = at;
    Transition& t = record(std::move(to), at, TransitionCause::feedback, q);
    t.reason = std::string(to_string(status));
    if (!reason.empty()) t.reason += ": " + reason;
    return t;
  }
};

}  // namespace detail

// ---------------------------------------------------------------------------
// LeadState
// ---------------------------------------------------------------------------

LeadState::LeadState(Qualifier qualifier, Lead lead) {
  auto model = detail::model_of(qualifier);
  d_ = std::make_unique<detail::StateData>(std::move(qualifier), std::move(model));
  d_->load(std::move(lead));
}

LeadState::LeadState(const LeadState& other)
    : d_(other.d_ ? std::make_unique<detail::StateData>(*other.d_) : nullptr) {}
LeadState& LeadState::operator=(const LeadState& other) {
  if (this != &other) d_ = other.d_ ? std::make_unique<detail::StateData>(*other.d_) : nullptr;
  return *this;
}
LeadState::LeadState(LeadState&&) noexcept = default;
LeadState& LeadState::operator=(LeadState&&) noexcept = default;
LeadState::~LeadState() = default;

ApplyResult LeadState::apply(Event event) { return d_->apply(std::move(event)); }

void LeadState::set_profile(Lead profile) { d_->set_profile(std::move(profile)); }

const Lead& LeadState::lead() const noexcept { return d_->lead; }
const Qualifier& LeadState::qualifier() const noexcept { return d_->qualifier; }

Qualification LeadState::score(Instant as_of) const { return d_->evaluate(as_of, nullptr); }

Explanation LeadState::explain(Instant as_of) const {
  Explanation ex;
  ex.result = d_->evaluate(as_of, &ex);
  return ex;
}

std::span<const Transition> LeadState::observe(Instant as_of) {
  d_->check_recordable(as_of);
  const std::size_t added = d_->observe(as_of);
  d_->count_history(d_->history.size() - added);
  return std::span<const Transition>(d_->history).subspan(d_->history.size() - added);
}

const Transition& LeadState::feedback(SalesStatus status, Instant at, std::string reason) {
  d_->check_recordable(at);
  (void)detail::checked_string(reason, "feedback reason", "");
  const Transition& t = d_->feedback(status, at, std::move(reason));
  d_->count_history(d_->history.size() - 1);
  return t;
}

std::string_view LeadState::stage() const noexcept { return d_->stage; }
std::optional<Instant> LeadState::stage_entered_at() const noexcept { return d_->entered; }
double LeadState::days_in_stage(Instant as_of) const noexcept {
  return d_->context(as_of).days_in_stage;
}
SalesStatus LeadState::sales_status() const noexcept { return d_->sales; }
bool LeadState::disqualified() const noexcept { return d_->disqualified; }
const std::vector<Transition>& LeadState::history() const noexcept { return d_->history; }
std::optional<Instant> LeadState::last_observed() const noexcept { return d_->observed; }

std::optional<Transition> LeadState::rescore(Qualifier next, Instant as_of) {
  detail::StateData& d = *d_;
  d.check_recordable(as_of);
  const bool keep_stage = d.sales == SalesStatus::won;
  auto model = detail::model_of(next);
  d.qualifier = std::move(next);
  d.model = std::move(model);
  d.acc = detail::StreamAccumulator(*d.model);
  Lead lead = std::move(d.lead);
  d.load(std::move(lead));
  if (keep_stage || d.stage.empty()) return std::nullopt;
  const Qualification q = d.evaluate(as_of, nullptr);
  const int n_stages = static_cast<int>(d.model->config.stages.size());
  int computed = q.stage_index < 0 ? n_stages : q.stage_index;
  if (d.hold && as_of < d.hold->until) computed = std::max(computed, d.hold->rank);
  const std::string to = computed >= n_stages
                             ? d.model->fallback_stage
                             : d.model->config.stages[static_cast<std::size_t>(computed)].name;
  const bool was_disqualified = d.disqualified;
  d.disqualified = q.disqualified;
  if (to == d.stage && was_disqualified == q.disqualified) return std::nullopt;
  const std::size_t before = d.history.size();
  Transition& t = d.record(to, as_of, TransitionCause::rescored, q);
  t.reason = "configuration " + config_fingerprint(d.model->config);
  if (q.disqualified) {
    t.rules.push_back(std::string(q.knockout_rule));
  } else {
    d.explain_into(t, as_of, computed < n_stages ? computed : -1, true);
  }
  if (!d.observed || *d.observed < as_of) d.observed = as_of;
  d.count_history(before);
  return t;
}

// ---------------------------------------------------------------------------
// Persistence: to_json() and from_json() are in src/json/state_json.cpp; they
// save and restore the lifecycle fields through these two.
// ---------------------------------------------------------------------------

detail::SavedState LeadState::saved_state() const {
  const detail::StateData& d = *d_;
  detail::SavedState s;
  static_cast<detail::LifecycleFields&>(s) = d;
  if (d.hold) {
    const auto& stages = d.model->config.stages;
    s.hold_until = d.hold->until;
    s.hold_stage = d.hold->rank >= static_cast<int>(stages.size())
                       ? d.model->fallback_stage
                       : stages[static_cast<std::size_t>(d.hold->rank)].name;
  }
  return s;
}

void LeadState::restore(detail::SavedState saved) {
  detail::StateData& d = *d_;
  d.hold.reset();
  if (saved.hold_until) {
    d.hold =
        detail::Hold{*saved.hold_until, saved.hold_stage.empty() ? 0 : d.rank(saved.hold_stage)};
  }
  static_cast<detail::LifecycleFields&>(d) = std::move(saved);
  d.history_bytes = 0;
  d.count_history(0);
}

}  // namespace leadscore
