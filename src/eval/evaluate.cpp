// The single evaluator behind qualify() and explain().
//
// One pass over the lead's events feeds every behaviour rule and event
// aggregate interested in the event's type; then fit, engagement and
// knockout rules, scores, grades and stages are evaluated. With a null
// Explanation nothing is allocated: all working state lives in fixed-size
// buffers on the stack, sized by the hard limits in limits.hpp.
//
// Points are accumulated as integers in millionths of a point, so the sum of
// a rule's events is exact and independent of event order.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/model.hpp"
#include "core/text.hpp"

namespace leadscore::detail {
namespace {

bool text_equals(std::string_view a, std::string_view b, bool ci) noexcept {
  return ci ? iequals(a, b) : a == b;
}

std::size_t find_text(std::string_view hay, std::string_view needle, std::size_t from,
                      bool ci) noexcept {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() &&
           (ci ? folded_at(hay, i + j) == folded_at(needle, j) : hay[i + j] == needle[j])) {
      ++j;
    }
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool contains_word(std::string_view hay, std::string_view phrase, bool ci) noexcept {
  if (phrase.empty()) return false;
  std::size_t pos = 0;
  while ((pos = find_text(hay, phrase, pos, ci)) != std::string_view::npos) {
    const bool left = pos == 0 || !is_word_char(hay[pos - 1]);
    const std::size_t end = pos + phrase.size();
    const bool right = end == hay.size() || !is_word_char(hay[end]);
    if (left && right) return true;
    ++pos;
  }
  return false;
}

/// Case folding done once per compared value, on the stack: the operands of
/// a case-insensitive node are already lower case (compile.cpp folds them),
/// so after folding the value every phrase search is a plain byte
/// comparison. Values longer than the buffer take the old path.
class Folded {
 public:
  Folded(std::string_view s, bool ci) noexcept {
    if (!ci) {
      view_ = s;
    } else if (s.size() <= sizeof buf_) {
      for (std::size_t i = 0; i < s.size(); ++i) buf_[i] = folded_at(s, i);
      view_ = std::string_view(buf_, s.size());
    } else {
      fits_ = false;
    }
  }
  [[nodiscard]] bool fits() const noexcept { return fits_; }
  [[nodiscard]] std::string_view view() const noexcept { return view_; }

 private:
  char buf_[256];
  std::string_view view_;
  bool fits_ = true;
};

/// Plain search for short strings, inline (no memchr/memcmp calls, which
/// cost more than they save on values of a few dozen characters).
std::size_t find_plain(std::string_view hay, std::string_view needle, std::size_t from) noexcept {
  if (needle.empty() || needle.size() > hay.size()) return std::string_view::npos;
  const char first = needle[0];
  const std::size_t last = hay.size() - needle.size();
  for (std::size_t i = from; i <= last; ++i) {
    if (hay[i] != first) continue;
    std::size_t j = 1;
    while (j < needle.size() && hay[i + j] == needle[j]) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

/// contains_word() on a folded value with a folded phrase.
bool contains_word_folded(std::string_view hay, std::string_view phrase) noexcept {
  if (phrase.empty()) return false;
  for (std::size_t pos = find_plain(hay, phrase, 0); pos != std::string_view::npos;
       pos = find_plain(hay, phrase, pos + 1)) {
    const bool left = pos == 0 || !is_word_char(hay[pos - 1]);
    const std::size_t end = pos + phrase.size();
    const bool right = end == hay.size() || !is_word_char(hay[end]);
    if (left && right) return true;
  }
  return false;
}

bool compare_text(const Node& n, std::string_view s) noexcept {
  switch (n.op) {
    case Op::eq:
      return n.operand == OperandKind::text && text_equals(s, n.text, n.ci);
    case Op::ne:
      return n.operand == OperandKind::text && !text_equals(s, n.text, n.ci);
    case Op::in:
      return n.operand == OperandKind::texts && n.set.contains(s);
    case Op::not_in:
      return n.operand == OperandKind::texts && !n.set.contains(s);
    case Op::contains: {
      const Folded f(s, n.ci);
      if (!f.fits()) return find_text(s, n.text, 0, n.ci) != std::string_view::npos;
      return n.text.empty() || find_plain(f.view(), n.text, 0) != std::string_view::npos;
    }
    case Op::starts_with:
      return s.size() >= n.text.size() && text_equals(s.substr(0, n.text.size()), n.text, n.ci);
    case Op::ends_with:
      return s.size() >= n.text.size() &&
             text_equals(s.substr(s.size() - n.text.size()), n.text, n.ci);
    case Op::contains_any: {
      const Folded f(s, n.ci);
      for (const auto& phrase : n.texts) {
        if (f.fits() ? contains_word_folded(f.view(), phrase) : contains_word(s, phrase, n.ci))
          return true;
      }
      return false;
    }
    default:
      return false;
  }
}

bool compare_number(const Node& n, double x) noexcept {
  if (std::isnan(x)) return false;
  switch (n.op) {
    case Op::eq:
      return n.operand == OperandKind::number && x == n.num;
    case Op::ne:
      return n.operand == OperandKind::number && x != n.num;
    case Op::lt:
      return n.operand == OperandKind::number && x < n.num;
    case Op::lte:
      return n.operand == OperandKind::number && x <= n.num;
    case Op::gt:
      return n.operand == OperandKind::number && x > n.num;
    case Op::gte:
      return n.operand == OperandKind::number && x >= n.num;
    case Op::between:
      return n.operand == OperandKind::range && x >= n.num && x <= n.num2;
    case Op::in:
      return n.operand == OperandKind::numbers &&
             std::binary_search(n.numbers.begin(), n.numbers.end(), x);
    case Op::not_in:
      return n.operand == OperandKind::numbers &&
             !std::binary_search(n.numbers.begin(), n.numbers.end(), x);
    default:
      return false;
  }
}

bool compare_list(const Node& n, const std::vector<std::string>& list) noexcept {
  switch (n.op) {
    case Op::contains:
      for (const auto& e : list) {
        if (text_equals(e, n.text, n.ci)) return true;
      }
      return false;
    case Op::contains_any:
      for (const auto& e : list) {
        for (const auto& t : n.texts) {
          if (text_equals(e, t, n.ci)) return true;
        }
      }
      return false;
    case Op::in:
      if (n.operand != OperandKind::texts) return false;
      for (const auto& e : list) {
        if (n.set.contains(e)) return true;
      }
      return false;
    case Op::not_in:
      if (n.operand != OperandKind::texts) return false;
      for (const auto& e : list) {
        if (n.set.contains(e)) return false;
      }
      return true;
    default:
      return false;
  }
}

bool compare(const Node& n, const Val& v) noexcept {
  if (n.op == Op::missing) return v.t == Val::T::missing;
  if (v.t == Val::T::missing) return false;
  if (n.op == Op::exists) return true;
  switch (v.t) {
    case Val::T::text:
      return compare_text(n, v.s);
    case Val::T::number:
      return compare_number(n, v.n);
    case Val::T::boolean:
      if (n.operand != OperandKind::boolean) return false;
      if (n.op == Op::eq) return v.b == n.operand_b;
      if (n.op == Op::ne) return v.b != n.operand_b;
      return false;
    case Val::T::list:
      return compare_list(n, *v.list);
    default:
      return false;
  }
}

Val text_of(const std::optional<std::string>& s) noexcept {
  Val v;
  if (s) {
    v.t = Val::T::text;
    v.s = *s;
  }
  return v;
}
Val number_of(std::optional<double> d) noexcept {
  Val v;
  if (d) {
    v.t = Val::T::number;
    v.n = *d;
  }
  return v;
}
Val number(double d) noexcept {
  Val v;
  v.t = Val::T::number;
  v.n = d;
  return v;
}
Val boolean_of(std::optional<bool> b) noexcept {
  Val v;
  if (b) {
    v.t = Val::T::boolean;
    v.b = *b;
  }
  return v;
}
Val text(std::string_view s) noexcept {
  Val v;
  v.t = Val::T::text;
  v.s = s;
  return v;
}
Val value_of(const Value& value) noexcept {
  Val v;
  if (const auto* s = std::get_if<std::string>(&value)) {
    v.t = Val::T::text;
    v.s = *s;
  } else if (const auto* d = std::get_if<double>(&value)) {
    v.t = Val::T::number;
    v.n = *d;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    v.t = Val::T::boolean;
    v.b = *b;
  } else {
    v.t = Val::T::list;
    v.list = &std::get<std::vector<std::string>>(value);
  }
  return v;
}
Val value_of(const std::optional<Value>& value) noexcept {
  return value ? value_of(*value) : Val{};
}

bool present(const std::optional<std::string>& s) noexcept { return s && !s->empty(); }

/// DerivedFacts without owned strings, for the allocation-free path.
struct Facts {
  EnrichmentLevel enrichment = EnrichmentLevel::incomplete;
  double completeness = 0;
  std::string_view email_domain;
  bool has_email_domain = false;
  bool free_email = false;
  std::optional<double> days_since_created;
  std::optional<double> days_since_last_activity;
  std::size_t events_considered = 0;
  std::size_t events_after_as_of = 0;

  [[nodiscard]] DerivedFacts to_public() const {
    DerivedFacts f;
    f.enrichment = enrichment;
    f.completeness = completeness;
    if (has_email_domain) f.email_domain = std::string(email_domain);
    f.free_email = free_email;
    f.days_since_created = days_since_created;
    f.days_since_last_activity = days_since_last_activity;
    f.events_considered = events_considered;
    f.events_after_as_of = events_after_as_of;
    return f;
  }
};

class Evaluator {
 public:
  Evaluator(const Model& m, const Lead& lead, Instant as_of, Scratch* scratch, Explanation* ex,
            const EvalInput& in)
      : m_(m), lead_(lead), as_of_(as_of), s_(scratch), ex_(ex), in_(in) {}

  Qualification run() {
    derive_static();
    if (in_.events) {
      facts_.events_considered = in_.events->considered;
      facts_.events_after_as_of = in_.events->after_as_of;
      if (in_.events->any) facts_.days_since_last_activity = days_between(in_.events->last, as_of_);
    } else {
      process_events();
    }
    Qualification q;
    std::int64_t fit_micro = 0;
    std::int64_t eng_micro = 0;
    int knockout = -1;
    for (std::size_t r = 0; r < m_.rules.size(); ++r) {
      const CompiledRule& cr = m_.rules[r];
      if (cr.kind == RuleKind::behavior) {
        const RuleAcc& acc = s_->rules[cr.behavior_slot];
        std::int64_t total = acc.sum;
        bool capped = false;
        if (cr.has_cap) {
          if (cr.points_micro >= 0 && total > cr.cap_micro) {
            total = cr.cap_micro;
            capped = true;
          } else if (cr.points_micro < 0 && total < -cr.cap_micro) {
            total = -cr.cap_micro;
            capped = true;
          }
        }
        eng_micro = sat_add(eng_micro, total);
        if (ex_ && acc.matched > 0) record_behavior(r, acc, total, capped);
        continue;
      }
      if (!ex_) {  // fast path: no trace object at all
        if (eval(cr.when, nullptr)) {
          if (cr.kind == RuleKind::fit)
            fit_micro = sat_add(fit_micro, cr.points_micro);
          else if (cr.kind == RuleKind::engagement)
            eng_micro = sat_add(eng_micro, cr.points_micro);
          else if (cr.kind == RuleKind::knockout && knockout < 0)
            knockout = static_cast<int>(r);
        }
        continue;
      }
      std::optional<ConditionTrace> trace;
      trace.emplace();
      const bool held = eval(cr.when, &*trace);
      if (!held) continue;
      switch (cr.kind) {
        case RuleKind::fit:
          fit_micro = sat_add(fit_micro, cr.points_micro);
          break;
        case RuleKind::engagement:
          eng_micro = sat_add(eng_micro, cr.points_micro);
          break;
        case RuleKind::knockout:
          if (knockout < 0) knockout = static_cast<int>(r);
          if (ex_) ex_->knockouts.push_back(m_.config.rules[r].id);
          break;
        default:
          break;
      }
      if (ex_ && cr.kind != RuleKind::knockout) record_condition_rule(r, std::move(*trace));
    }
    const Scores& sc = m_.config.scores;
    const double fit_raw = static_cast<double>(fit_micro) / 1e6;
    const double eng_raw = static_cast<double>(eng_micro) / 1e6;
    q.fit = clamp(fit_raw, sc.fit);
    q.engagement = clamp(eng_raw, sc.engagement);
    // Rounded to the millionth like the scores, so that weights such as 0.7
    // do not print as 125.10771299999999.
    q.total = static_cast<double>(
                  to_micro(sc.weights.fit * q.fit + sc.weights.engagement * q.engagement)) /
              1e6;
    const std::size_t fg = band(m_.fit_mins, q.fit);
    const std::size_t eg = band(m_.engagement_mins, q.engagement);
    q.fit_grade = m_.fit_labels[fg];
    q.engagement_grade = m_.engagement_labels[eg];
    q.grade = m_.matrix_labels[fg * m_.engagement_labels.size() + eg];
    q_ = &q;
    q.stage = m_.fallback_stage;
    q.stage_index = -1;
    if (knockout >= 0) {
      q.disqualified = true;
      q.reason = m_.config.rules[static_cast<std::size_t>(knockout)].reason;
      q.knockout_rule = m_.config.rules[static_cast<std::size_t>(knockout)].id;
    } else {
      const auto o = static_cast<std::size_t>(lead_.origin);
      for (std::size_t s = 0; s < m_.stages.size(); ++s) {
        bool held;
        if (ex_) {
          StageCheck check;
          held = eval(m_.stages[s].root[o], &check.condition);
          check.stage = m_.config.stages[s].name;
          check.held = held;
          check.by_origin = m_.stages[s].by_origin[o];
          ex_->stages.push_back(std::move(check));
        } else {
          held = eval(m_.stages[s].root[o], nullptr);
        }
        if (held) {
          q.stage = m_.config.stages[s].name;
          q.stage_index = static_cast<int>(s);
          break;
        }
      }
    }
    if (in_.margin_stage >= 0 && in_.margin_held &&
        static_cast<std::size_t>(in_.margin_stage) < m_.stages.size()) {
      score_bias_ = in_.margin;
      *in_.margin_held = eval(m_.stages[static_cast<std::size_t>(in_.margin_stage)]
                                  .root[static_cast<std::size_t>(lead_.origin)],
                              nullptr);
      score_bias_ = 0;
    }
    if (ex_) {
      ex_->fit_unclamped = fit_raw;
      ex_->engagement_unclamped = eng_raw;
      explain_next(q);
    }
    return q;
  }

  [[nodiscard]] const Facts& facts() const noexcept { return facts_; }

  bool where_holds(const std::vector<std::uint32_t>& where, const Event& e) noexcept;

 private:
  static double clamp(double v, const ScoreBounds& b) noexcept {
    if (v < b.min) v = b.min;
    if (b.max && v > *b.max) v = *b.max;
    return v;
  }
  static std::size_t band(const std::vector<double>& mins, double score) noexcept {
    for (std::size_t i = 0; i < mins.size(); ++i) {
      if (score >= mins[i]) return i;
    }
    return mins.size() - 1;
  }

  // ---- derived facts ----------------------------------------------------
  bool field_present(FieldId id, const std::string& attr) const noexcept {
    const Contact& c = lead_.contact;
    switch (id) {
      case FieldId::id:
        return !lead_.id.empty();
      case FieldId::first_name:
        return present(c.first_name);
      case FieldId::last_name:
        return present(c.last_name);
      case FieldId::email:
        return present(c.email);
      case FieldId::secondary_email:
        return present(c.secondary_email);
      case FieldId::phone:
        return present(c.phone);
      case FieldId::secondary_phone:
        return present(c.secondary_phone);
      case FieldId::company_name:
        return present(lead_.company.name);
      case FieldId::company_domain:
        return present(lead_.company.domain);
      case FieldId::company_industry:
        return present(lead_.company.industry);
      case FieldId::company_employees:
        return lead_.company.employees.has_value();
      case FieldId::company_revenue:
        return lead_.company.annual_revenue.has_value();
      case FieldId::job_title:
        return present(lead_.job_title);
      case FieldId::seniority:
        return present(lead_.seniority);
      case FieldId::department:
        return present(lead_.department);
      case FieldId::country:
        return present(lead_.location.country);
      case FieldId::region:
        return present(lead_.location.region);
      case FieldId::city:
        return present(lead_.location.city);
      case FieldId::origin:
        return lead_.origin != Origin::unknown;
      case FieldId::source:
        return present(lead_.source);
      case FieldId::do_not_email:
        return lead_.consent.do_not_email.has_value();
      case FieldId::do_not_call:
        return lead_.consent.do_not_call.has_value();
      case FieldId::budget:
        return lead_.discovery.budget.has_value();
      case FieldId::authority:
        return lead_.discovery.authority.has_value();
      case FieldId::need:
        return lead_.discovery.need.has_value();
      case FieldId::timeline:
        return lead_.discovery.timeline.has_value();
      case FieldId::attribute:
        return lead_.attributes.find(std::string_view(attr)) != lead_.attributes.end();
      default:
        return false;
    }
  }

  void derive_static() noexcept {
    const Contact& c = lead_.contact;
    const bool named = present(c.first_name) || present(c.last_name);
    const bool reachable = present(c.email) || present(c.phone) || present(c.secondary_email) ||
                           present(c.secondary_phone);
    std::size_t count = 0;
    for (std::size_t i = 0; i < m_.enrichment_fields.size(); ++i) {
      if (field_present(m_.enrichment_fields[i], m_.enrichment_attr_names[i])) ++count;
    }
    const std::size_t total = m_.enrichment_fields.size();
    facts_.completeness =
        total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
    if (!named || !reachable) {
      facts_.enrichment = EnrichmentLevel::incomplete;
    } else if (count >= m_.config.options.enrichment.min_fields) {
      facts_.enrichment = EnrichmentLevel::enriched;
    } else {
      facts_.enrichment = EnrichmentLevel::non_enriched;
    }
    if (c.email) {
      const std::string_view e = *c.email;
      const std::size_t at = e.rfind('@');
      if (at != std::string_view::npos && at + 1 < e.size()) {
        facts_.email_domain = e.substr(at + 1);
        facts_.has_email_domain = true;
        facts_.free_email = m_.free_email.contains(facts_.email_domain);
      }
    }
    if (lead_.created_at) facts_.days_since_created = days_between(*lead_.created_at, as_of_);
  }

  // ---- events -----------------------------------------------------------
  bool where_holds_impl(const std::vector<std::uint32_t>& where, const Event& e) noexcept {
    if (where.empty()) return true;
    const Event* saved = event_;
    event_ = &e;
    bool ok = true;
    for (std::uint32_t id : where) {
      if (!eval(id, nullptr)) {
        ok = false;
        break;
      }
    }
    event_ = saved;
    return ok;
  }

  std::uint32_t type_of(const Event& e) const noexcept {
    const int id = m_.event_types.find(e.type);
    return id < 0 ? m_.other_type() : static_cast<std::uint32_t>(id);
  }

  // Rank of event `idx` among the rule's countable events of its UTC day
  // (earlier first, ties by input order). Used when events are not sorted.
  std::uint32_t rank_in_day(const CompiledRule& cr, std::size_t idx) noexcept {
    const Event& e = lead_.events[idx];
    const std::int64_t day = day_number(e.at);
    std::uint32_t rank = 0;
    for (std::size_t j = 0; j < lead_.events.size(); ++j) {
      if (j == idx || skipped(j)) continue;
      const Event& f = lead_.events[j];
      if (f.at > as_of_ || day_number(f.at) != day) continue;
      if (!(f.at < e.at || (f.at == e.at && j < idx))) continue;
      if (cr.window_ms >= 0 && (as_of_ - f.at).count() > cr.window_ms) continue;
      if (!rule_accepts(cr, type_of(f))) continue;
      if (!where_holds(cr.where, f)) continue;
      if (!cr.implied_types.empty() && implied(cr, f)) continue;
      ++rank;
    }
    return rank;
  }

  bool rule_accepts(const CompiledRule& cr, std::uint32_t t) const noexcept {
    const std::uint32_t slot = cr.behavior_slot;
    for (std::uint32_t k = m_.rule_sub_offsets[t]; k < m_.rule_sub_offsets[t + 1]; ++k) {
      if (m_.rule_subs[k] == slot) return true;
    }
    return false;
  }

  // ---- event hygiene ----------------------------------------------------
  // Repeated deliveries (same non-empty event id: the first in input order
  // counts) and, unless the configuration says otherwise, events flagged
  // `automated` take no part in anything.
  [[nodiscard]] bool skipped(std::size_t idx) const noexcept {
    if (!any_skipped_) return false;
    if (idx < kSortedEventsBuffer) return (s_->skip[idx / 64] >> (idx % 64)) & 1U;
    return skip_heap_[idx - kSortedEventsBuffer];
  }
  void set_skipped(std::size_t idx) {
    any_skipped_ = true;
    if (idx < kSortedEventsBuffer) {
      s_->skip[idx / 64] |= std::uint64_t{1} << (idx % 64);
    } else {
      skip_heap_[idx - kSortedEventsBuffer] = true;
    }
  }
  static std::uint64_t hash_id(std::string_view id) noexcept {
    std::uint64_t h = 14695981039346656037ULL;
    for (const char c : id) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    return h;
  }
  void mark_skipped() {
    const auto& events = lead_.events;
    const std::size_t n = events.size();
    const bool drop_automated = m_.config.options.ignore_automated;
    bool need = false;
    for (const Event& e : events) {
      if (!e.id.empty() || (drop_automated && e.automated)) {
        need = true;
        break;
      }
    }
    if (!need) return;
    std::fill_n(s_->skip, (std::min(n, kSortedEventsBuffer) + 63) / 64, std::uint64_t{0});
    if (n > kSortedEventsBuffer) skip_heap_.assign(n - kSortedEventsBuffer, false);
    for (std::size_t i = 0; i < n; ++i) {
      if (drop_automated && events[i].automated) set_skipped(i);
    }
    if (n <= kSortedEventsBuffer) {
      std::size_t k = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (events[i].id.empty()) continue;
        // The implier and order buffers are free until after this pass.
        s_->implier[i] = static_cast<std::uint32_t>(hash_id(events[i].id));
        s_->order[k++] = static_cast<std::uint32_t>(i);
      }
      const auto* hashes = s_->implier;
      std::uint32_t* ids = s_->order;
      std::sort(ids, ids + k, [hashes](std::uint32_t a, std::uint32_t b) {
        return hashes[a] < hashes[b] || (hashes[a] == hashes[b] && a < b);
      });
      for (std::size_t g = 0; g < k;) {
        std::size_t end = g + 1;
        while (end < k && hashes[ids[end]] == hashes[ids[g]]) ++end;
        for (std::size_t j = g + 1; j < end; ++j) {
          for (std::size_t i = g; i < j; ++i) {
            if (events[ids[i]].id == events[ids[j]].id) {
              set_skipped(ids[j]);
              break;
            }
          }
        }
        g = end;
      }
    } else {
      std::unordered_set<std::string_view> seen;
      for (std::size_t i = 0; i < n; ++i) {
        if (!events[i].id.empty() && !seen.insert(events[i].id).second) set_skipped(i);
      }
    }
  }

  // ---- implied events ("a click implies the open") ----------------------
  void collect_impliers() noexcept {
    n_impliers_ = 0;
    impliers_listed_ = false;
    if (!m_.has_implications) return;
    const std::size_t n = lead_.events.size();
    if (n > kSortedEventsBuffer) return;  // scan every event instead
    for (std::size_t i = 0; i < n; ++i) {
      const Event& e = lead_.events[i];
      if (skipped(i) || e.at > as_of_) continue;
      const std::uint32_t t = type_of(e);
      bool wanted = false;
      for (const std::uint32_t slot_rule : m_.behavior_rules) {
        const auto& types = m_.rules[slot_rule].implied_types;
        if (std::find(types.begin(), types.end(), t) != types.end()) {
          wanted = true;
          break;
        }
      }
      if (wanted) s_->implier[n_impliers_++] = static_cast<std::uint32_t>(i);
    }
    impliers_listed_ = true;
  }

  /// Whether an event of an implied_by type, at or before as_of, pairs with `e`.
  bool implied(const CompiledRule& cr, const Event& e) const noexcept {
    auto pairs = [&](std::size_t j) {
      const Event& f = lead_.events[j];
      if (&f == &e || f.at > as_of_ || skipped(j)) return false;
      const std::uint32_t t = type_of(f);
      if (std::find(cr.implied_types.begin(), cr.implied_types.end(), t) == cr.implied_types.end())
        return false;
      return implies(cr, f, e);
    };
    if (impliers_listed_) {
      for (std::size_t k = 0; k < n_impliers_; ++k) {
        if (pairs(s_->implier[k])) return true;
      }
      return false;
    }
    for (std::size_t j = 0; j < lead_.events.size(); ++j) {
      if (pairs(j)) return true;
    }
    return false;
  }

  void process_events() noexcept {
    const std::size_t n_rules = m_.behavior_rules.size();
    for (std::size_t i = 0; i < n_rules; ++i) {
      s_->rules[i] = RuleAcc{0, 0, 0, 0, 0, 0, INT64_MIN, 0, 0.0, 0};
    }
    for (std::size_t i = 0; i < m_.aggregates.size(); ++i) s_->aggs[i] = AggAcc{0, 0, 0, false, 0};
    std::fill_n(s_->bits, m_.bit_words_total, std::uint64_t{0});
    const std::uint32_t n_types = m_.other_type() + 1;
    std::fill_n(s_->type_counts, n_types, std::uint32_t{0});

    mark_skipped();
    collect_impliers();
    bool sorted = true;
    if (m_.has_daily_caps) {
      for (std::size_t i = 1; i < lead_.events.size(); ++i) {
        if (lead_.events[i].at < lead_.events[i - 1].at) {
          sorted = false;
          break;
        }
      }
    }
    const std::size_t n_events = lead_.events.size();
    bool use_order = false;
    if (!sorted && n_events <= kSortedEventsBuffer) {
      for (std::size_t i = 0; i < n_events; ++i) s_->order[i] = static_cast<std::uint32_t>(i);
      const auto& events = lead_.events;
      std::sort(s_->order, s_->order + n_events, [&events](std::uint32_t a, std::uint32_t b) {
        return events[a].at < events[b].at || (events[a].at == events[b].at && a < b);
      });
      use_order = true;
      sorted = true;
    }
    const std::int64_t as_of_day = day_number(as_of_);
    bool any_event = false;
    Instant last{};
    for (std::size_t pos = 0; pos < n_events; ++pos) {
      const std::size_t idx = use_order ? s_->order[pos] : pos;
      const Event& e = lead_.events[idx];
      if (skipped(idx)) continue;
      if (e.at > as_of_) {
        ++facts_.events_after_as_of;
        continue;
      }
      ++facts_.events_considered;
      if (!any_event || e.at > last) last = e.at;
      any_event = true;
      const std::uint32_t t = type_of(e);
      ++s_->type_counts[t];
      const std::int64_t age_ms = (as_of_ - e.at).count();

      for (std::uint32_t k = m_.rule_sub_offsets[t]; k < m_.rule_sub_offsets[t + 1]; ++k) {
        const std::uint32_t slot = m_.rule_subs[k];
        const CompiledRule& cr = m_.rules[m_.behavior_rules[slot]];
        if (!cr.where.empty() && !where_holds(cr.where, e)) continue;
        RuleAcc& acc = s_->rules[slot];
        ++acc.matched;
        if (cr.window_ms >= 0 && age_ms > cr.window_ms) {
          ++acc.outside;
          continue;
        }
        if (!cr.implied_types.empty() && implied(cr, e)) {
          ++acc.implied;
          continue;
        }
        if (cr.max_per_day > 0) {
          if (sorted) {
            const std::int64_t day = day_number(e.at);
            if (day != acc.day) {
              acc.day = day;
              acc.day_n = 0;
            }
            if (acc.day_n >= cr.max_per_day) {
              ++acc.over;
              continue;
            }
            ++acc.day_n;
          } else if (rank_in_day(cr, idx) >= cr.max_per_day) {
            ++acc.over;
            continue;
          }
        }
        ++acc.counted;
        if (cr.half_life_days > 0) {
          const double age_days = static_cast<double>(age_ms) / static_cast<double>(kMillisPerDay);
          acc.factor_fx += to_factor_fx(std::exp2(-age_days / cr.half_life_days));
        } else {
          acc.factor_sum += 1.0;
          acc.sum = sat_add(acc.sum, cr.points_micro);
        }
      }

      for (std::uint32_t k = m_.agg_sub_offsets[t]; k < m_.agg_sub_offsets[t + 1]; ++k) {
        const std::uint32_t a = m_.agg_subs[k];
        const Aggregate& ag = m_.aggregates[a];
        if (ag.window_ms >= 0 && age_ms > ag.window_ms) continue;
        if (!ag.where.empty() && !where_holds(ag.where, e)) continue;
        AggAcc& acc = s_->aggs[a];
        ++acc.count;
        const std::int64_t ms = e.at.time_since_epoch().count();
        if (!acc.any || ms > acc.last) acc.last = ms;
        acc.any = true;
        if (ag.measure == Measure::sum) {
          if (const PropertyValue* pv = e.property(ag.property)) {
            if (const double* d = std::get_if<double>(pv)) acc.sum = sat_add(acc.sum, to_micro(*d));
          }
        } else if (ag.measure == Measure::distinct_days && ag.bit_words > 0) {
          const std::int64_t offset = as_of_day - day_number(e.at);
          if (offset >= 0 && offset < ag.window_days) {
            const auto bit = static_cast<std::uint64_t>(offset);
            s_->bits[ag.bit_offset + bit / 64] |= std::uint64_t{1} << (bit % 64);
          }
        }
      }
    }
    if (any_event) facts_.days_since_last_activity = days_between(last, as_of_);
    for (std::size_t slot = 0; slot < n_rules; ++slot) {
      const CompiledRule& cr = m_.rules[m_.behavior_rules[slot]];
      if (cr.half_life_days > 0) finish_decay(s_->rules[slot], cr.points);
    }
    for (std::size_t a = 0; a < m_.aggregates.size(); ++a) {
      const Aggregate& ag = m_.aggregates[a];
      if (ag.measure != Measure::distinct_days) continue;
      std::uint32_t days = 0;
      for (std::uint32_t w = 0; w < ag.bit_words; ++w)
        days += static_cast<std::uint32_t>(std::popcount(s_->bits[ag.bit_offset + w]));
      s_->aggs[a].days = days;
    }
  }

  Val aggregate_value(std::uint32_t a) const noexcept {
    const Aggregate& ag = m_.aggregates[a];
    const AggAcc& acc = s_->aggs[a];
    switch (ag.measure) {
      case Measure::count:
        return number(acc.count);
      case Measure::sum:
        return number(static_cast<double>(acc.sum) / 1e6);
      case Measure::days_since_last:
        if (!acc.any) return Val{};
        return number(static_cast<double>(as_of_.time_since_epoch().count() - acc.last) /
                      static_cast<double>(kMillisPerDay));
      case Measure::distinct_days:
        return number(acc.days);
    }
    return Val{};
  }

  // ---- fields -----------------------------------------------------------
  Val field(const Node& n) const noexcept {
    const Contact& c = lead_.contact;
    switch (n.field) {
      case FieldId::id:
        return text(lead_.id);
      case FieldId::first_name:
        return text_of(c.first_name);
      case FieldId::last_name:
        return text_of(c.last_name);
      case FieldId::email:
        return text_of(c.email);
      case FieldId::secondary_email:
        return text_of(c.secondary_email);
      case FieldId::phone:
        return text_of(c.phone);
      case FieldId::secondary_phone:
        return text_of(c.secondary_phone);
      case FieldId::company_name:
        return text_of(lead_.company.name);
      case FieldId::company_domain:
        return text_of(lead_.company.domain);
      case FieldId::company_industry:
        return text_of(lead_.company.industry);
      case FieldId::company_employees:
        return number_of(lead_.company.employees);
      case FieldId::company_revenue:
        return number_of(lead_.company.annual_revenue);
      case FieldId::job_title:
        return text_of(lead_.job_title);
      case FieldId::seniority:
        return text_of(lead_.seniority);
      case FieldId::department:
        return text_of(lead_.department);
      case FieldId::country:
        return text_of(lead_.location.country);
      case FieldId::region:
        return text_of(lead_.location.region);
      case FieldId::city:
        return text_of(lead_.location.city);
      case FieldId::origin:
        return text(to_string(lead_.origin));
      case FieldId::source:
        return text_of(lead_.source);
      case FieldId::do_not_email:
        return boolean_of(lead_.consent.do_not_email);
      case FieldId::do_not_call:
        return boolean_of(lead_.consent.do_not_call);
      case FieldId::budget:
        return value_of(lead_.discovery.budget);
      case FieldId::authority:
        return value_of(lead_.discovery.authority);
      case FieldId::need:
        return value_of(lead_.discovery.need);
      case FieldId::timeline:
        return value_of(lead_.discovery.timeline);
      case FieldId::attribute: {
        const auto it = lead_.attributes.find(std::string_view(n.name));
        return it == lead_.attributes.end() ? Val{} : value_of(it->second);
      }
      case FieldId::enrichment:
        return text(to_string(facts_.enrichment));
      case FieldId::completeness:
        return number(facts_.completeness);
      case FieldId::email_domain:
        return facts_.has_email_domain ? text(facts_.email_domain) : Val{};
      case FieldId::free_email: {
        Val v;
        if (facts_.has_email_domain) {
          v.t = Val::T::boolean;
          v.b = facts_.free_email;
        }
        return v;
      }
      case FieldId::days_since_created:
        return number_of(facts_.days_since_created);
      case FieldId::days_since_last_activity:
        return number_of(facts_.days_since_last_activity);
      case FieldId::event_count:
        return number(static_cast<double>(facts_.events_considered));
      case FieldId::event_count_type:
        return number(s_->type_counts[n.arg]);
      case FieldId::score_fit:
        return q_ ? number(q_->fit + score_bias_) : Val{};
      case FieldId::score_engagement:
        return q_ ? number(q_->engagement + score_bias_) : Val{};
      case FieldId::score_total:
        return q_ ? number(q_->total + score_bias_) : Val{};
      case FieldId::stage_current:
        return in_.stage && !in_.stage->current.empty() ? text(in_.stage->current) : Val{};
      case FieldId::days_in_stage:
        return in_.stage && !in_.stage->current.empty() ? number(in_.stage->days_in_stage) : Val{};
      case FieldId::sales_status:
        return in_.stage && !in_.stage->sales_status.empty() ? text(in_.stage->sales_status)
                                                             : Val{};
      case FieldId::grade_fit:
        return q_ ? text(q_->fit_grade) : Val{};
      case FieldId::grade_engagement:
        return q_ ? text(q_->engagement_grade) : Val{};
      case FieldId::grade:
        return q_ ? text(q_->grade) : Val{};
      case FieldId::event_type:
        return event_ ? text(event_->type) : Val{};
      case FieldId::event_property: {
        if (!event_) return Val{};
        const PropertyValue* pv = event_->property(n.name);
        if (!pv) return Val{};
        if (const auto* s = std::get_if<std::string>(pv)) return text(*s);
        return number(std::get<double>(*pv));
      }
    }
    return Val{};
  }

  Val leaf_value(const Node& n) const noexcept {
    return n.kind == Condition::Kind::aggregate ? aggregate_value(n.arg) : field(n);
  }

  // ---- conditions -------------------------------------------------------
  bool eval(std::uint32_t id, ConditionTrace* trace) {
    const Node& n = m_.nodes[id];
    if (trace) trace->text = n.display;
    switch (n.kind) {
      case Condition::Kind::all:
      case Condition::Kind::any: {
        const bool is_all = n.kind == Condition::Kind::all;
        bool result = is_all;
        for (std::uint32_t i = 0; i < n.child_count; ++i) {
          ConditionTrace* child = nullptr;
          if (trace) child = &trace->children.emplace_back();
          const bool held = eval(m_.child_ids[n.first_child + i], child);
          if (is_all && !held) {
            result = false;
            if (!trace) break;
          }
          if (!is_all && held) {
            result = true;
            if (!trace) break;
          }
        }
        if (trace) trace->held = result;
        return result;
      }
      case Condition::Kind::negate: {
        ConditionTrace* child = nullptr;
        if (trace) child = &trace->children.emplace_back();
        const bool held = n.child_count == 1 && !eval(m_.child_ids[n.first_child], child);
        if (trace) trace->held = held;
        return held;
      }
      case Condition::Kind::compare:
      case Condition::Kind::aggregate: {
        const Val v = leaf_value(n);
        const bool held = compare(n, v);
        if (trace) {
          trace->held = held;
          trace->actual = render(v);
        }
        return held;
      }
    }
    return false;
  }

  static std::string render(const Val& v) {
    switch (v.t) {
      case Val::T::missing:
        return "missing";
      case Val::T::text:
        return "\"" + std::string(v.s) + "\"";
      case Val::T::number:
        return format_number(v.n);
      case Val::T::boolean:
        return v.b ? "true" : "false";
      case Val::T::list: {
        std::string out = "[";
        for (std::size_t i = 0; i < v.list->size(); ++i)
          out += (i ? ", \"" : "\"") + (*v.list)[i] + "\"";
        return out + "]";
      }
    }
    return "";
  }

  // ---- explanation ------------------------------------------------------
  void record_behavior(std::size_t r, const RuleAcc& acc, std::int64_t total, bool capped) {
    const CompiledRule& cr = m_.rules[r];
    Contribution c;
    c.rule_id = m_.config.rules[r].id;
    c.kind = RuleKind::behavior;
    c.points = static_cast<double>(total) / 1e6;
    c.uncapped_points = static_cast<double>(acc.sum) / 1e6;
    c.capped = capped;
    c.matched_events = acc.matched;
    c.counted_events = acc.counted;
    c.over_daily_cap = acc.over;
    c.outside_window = acc.outside;
    c.decay_factor_sum = acc.factor_sum;
    std::string ev = std::to_string(acc.counted) + (acc.counted == 1 ? " event" : " events") +
                     " x " + format_number(cr.points) + " pts";
    if (cr.half_life_days > 0) {
      ev += ", decayed (half-life " + format_number(cr.half_life_days) + "d, factor sum " +
            format_number(acc.factor_sum) + ")";
    }
    if (acc.outside) ev += ", " + std::to_string(acc.outside) + " outside the window";
    if (acc.over) ev += ", " + std::to_string(acc.over) + " over the daily cap";
    if (acc.implied) ev += ", " + std::to_string(acc.implied) + " implied by another event";
    if (capped) ev += ", capped at " + format_number(static_cast<double>(cr.cap_micro) / 1e6);
    c.evidence = std::move(ev);
    ex_->contributions.push_back(std::move(c));
  }

  void record_condition_rule(std::size_t r, ConditionTrace trace) {
    const CompiledRule& cr = m_.rules[r];
    Contribution c;
    c.rule_id = m_.config.rules[r].id;
    c.kind = cr.kind;
    c.points = cr.points;
    c.uncapped_points = cr.points;
    if (cr.first_aggregate >= 0) {
      const Val v = aggregate_value(static_cast<std::uint32_t>(cr.first_aggregate));
      if (v.t == Val::T::number) c.aggregate_value = v.n;
    }
    c.evidence = summarize(trace);
    ex_->contributions.push_back(std::move(c));
  }

  static std::string summarize(const ConditionTrace& t) {
    if (t.children.empty()) {
      return t.actual.empty() ? t.text : t.text + " (is " + t.actual + ")";
    }
    std::string out;
    for (const auto& child : t.children) {
      if (child.held) out += (out.empty() ? "" : "; ") + summarize(child);
    }
    return out.empty() ? t.text : out;
  }

  void missing_for(std::uint32_t id, std::vector<std::string>& out) {
    // Nothing is missing from a condition that holds (the next stage of a
    // disqualified lead was never tried, so its condition may hold).
    if (eval(id, nullptr)) return;
    const Node& n = m_.nodes[id];
    switch (n.kind) {
      case Condition::Kind::all:
        for (std::uint32_t i = 0; i < n.child_count; ++i) {
          const std::uint32_t c = m_.child_ids[n.first_child + i];
          if (!eval(c, nullptr)) missing_for(c, out);
        }
        if (n.child_count == 0 && !eval(id, nullptr)) out.push_back("never holds");
        return;
      case Condition::Kind::any: {
        std::vector<std::string> best;
        bool have = false;
        for (std::uint32_t i = 0; i < n.child_count; ++i) {
          std::vector<std::string> lines;
          missing_for(m_.child_ids[n.first_child + i], lines);
          if (!have || lines.size() < best.size()) {
            best = std::move(lines);
            have = true;
          }
        }
        if (!have) out.push_back("never holds (empty 'any')");
        for (auto& l : best) out.push_back(std::move(l));
        return;
      }
      case Condition::Kind::negate: {
        const Node& child = m_.nodes[m_.child_ids[n.first_child]];
        out.push_back("not (" + child.display + "), but it holds");
        return;
      }
      default: {
        const Val v = leaf_value(n);
        std::string line = n.field_name + " is " + render(v) + ", needs " +
                           n.display.substr(n.field_name.size() + 1);
        if (v.t == Val::T::number && n.operand == OperandKind::number) {
          double gap = 0;
          if (n.op == Op::gte || n.op == Op::gt) gap = n.num - v.n;
          if (n.op == Op::lte || n.op == Op::lt) gap = v.n - n.num;
          if (gap > 0)
            line += " (" + format_number(gap) +
                    (n.op == Op::gte || n.op == Op::gt ? " more)" : " less)");
        }
        out.push_back(std::move(line));
        return;
      }
    }
  }

  void explain_next(const Qualification& q) {
    if (m_.stages.empty()) return;
    std::size_t next;
    if (q.stage_index < 0) {
      next = m_.stages.size() - 1;
    } else if (q.stage_index == 0) {
      return;
    } else {
      next = static_cast<std::size_t>(q.stage_index) - 1;
    }
    NextStage ns;
    ns.stage = m_.config.stages[next].name;
    if (q.disqualified) {
      ns.missing.push_back("disqualified by rule '" + std::string(q.knockout_rule) + "' (reason " +
                           std::string(q.reason) + "): no stage above " + m_.fallback_stage +
                           " while it holds");
    }
    missing_for(m_.stages[next].root[static_cast<std::size_t>(lead_.origin)], ns.missing);
    ex_->next = std::move(ns);
  }

  const Model& m_;
  const Lead& lead_;
  Instant as_of_;
  Scratch* s_;  ///< null only for event-context evaluation (event_matches)
  Explanation* ex_;
  const EvalInput& in_;
  bool any_skipped_ = false;
  bool impliers_listed_ = false;
  std::size_t n_impliers_ = 0;
  std::vector<bool> skip_heap_;
  double score_bias_ = 0;
  Facts facts_{};
  const Event* event_ = nullptr;
  const Qualification* q_ = nullptr;
};

}  // namespace

bool implies(const CompiledRule& rule, const Event& implying, const Event& event) noexcept {
  if (rule.implied_same.empty()) return day_number(implying.at) == day_number(event.at);
  const PropertyValue* a = implying.property(rule.implied_same);
  const PropertyValue* b = event.property(rule.implied_same);
  return a && b && *a == *b;
}

namespace {

bool Evaluator::where_holds(const std::vector<std::uint32_t>& where, const Event& e) noexcept {
  return where_holds_impl(where, e);
}

}  // namespace

Qualification evaluate_with(const Model& model, const Lead& lead, Instant as_of, Scratch& scratch,
                            const EvalInput& input, Explanation* explanation) {
  Evaluator ev(model, lead, as_of, &scratch, explanation, input);
  Qualification q = ev.run();
  if (explanation) explanation->facts = ev.facts().to_public();
  return q;
}

Qualification evaluate(const Model& model, const Lead& lead, Instant as_of,
                       Explanation* explanation, DerivedFacts* facts_out) {
  Scratch scratch;  // uninitialised on purpose: only the used prefix is reset
  const EvalInput input;
  Evaluator ev(model, lead, as_of, &scratch, explanation, input);
  Qualification q = ev.run();
  if (explanation) explanation->facts = ev.facts().to_public();
  if (facts_out) *facts_out = ev.facts().to_public();
  return q;
}

bool event_matches(const Model& model, const std::vector<std::uint32_t>& where,
                   const Event& event) {
  if (where.empty()) return true;
  static const Lead kNoLead{};
  const EvalInput input;
  Evaluator ev(model, kNoLead, event.at, nullptr, nullptr, input);
  return ev.where_holds(where, event);
}

std::uint32_t event_type_id(const Model& model, std::string_view type) noexcept {
  const int id = model.event_types.find(type);
  return id < 0 ? model.other_type() : static_cast<std::uint32_t>(id);
}

}  // namespace leadscore::detail
