// The single evaluator behind qualify(), explain(), LeadState and
// calibration's rule hits (src/eval/evaluator.hpp).
//
// The lead's events go through the accumulators of src/eval/accumulate.cpp
// (or arrive accumulated, from LeadState); then fit, engagement and knockout
// rules, scores and grades are evaluated, and stage classification is one
// explicit last step that also receives the lifecycle facts. With no
// listener nothing is allocated: all working state lives in fixed-size
// buffers on the stack, sized by the hard limits in limits.hpp.
//
// Points are accumulated as integers in millionths of a point, so the sum of
// a rule's events is exact and independent of event order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/text.hpp"
#include "eval/evaluator.hpp"
#include "explain/explain.hpp"
#include "model/model.hpp"

namespace leadscore::detail {
namespace {

/// A lead with nothing: the events of a bound lead that has none, and the
/// lead of event-context evaluation (event_matches).
const Lead kNoLead{};

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

/// Phrases the direct search takes on a short text (Folded's buffer);
/// more phrases, or a longer text, go through the node's automaton, whose
/// cost is linear in the text whatever the number of phrases.
constexpr std::size_t kDirectPhrases = 8;
constexpr std::size_t kDirectBytes = 256;

bool contains_any(const Node& n, std::string_view s) noexcept {
  if (n.texts.size() <= kDirectPhrases && s.size() <= kDirectBytes) {
    const Folded f(s, n.ci);
    if (f.fits()) {  // at most 8 searches of a text of at most 256 bytes
      for (const auto& phrase : n.texts) {
        if (contains_word_folded(f.view(), phrase)) return true;
      }
      return false;
    }
  }
  return n.phrases.matches(s);
}

/// `v` is text; with its folded hash known (a bound attribute), ci `eq` /
/// `in` compare hashes first and the text only when they are equal.
bool compare_text(const Node& n, const Val& v) noexcept {
  const std::string_view s = v.s;
  const bool hashed = v.hashed && n.ci;
  switch (n.op) {
    case Op::eq:
      if (hashed && v.hash() != n.text_hash) return false;
      return n.operand == OperandKind::text && text_equals(s, n.text, n.ci);
    case Op::ne:
      if (hashed && v.hash() != n.text_hash) return n.operand == OperandKind::text;
      return n.operand == OperandKind::text && !text_equals(s, n.text, n.ci);
    case Op::in:
      if (hashed && n.set.case_insensitive()) {
        return n.operand == OperandKind::texts && n.set.find(s, v.hash()) >= 0;
      }
      return n.operand == OperandKind::texts && n.set.contains(s);
    case Op::not_in:
      if (hashed && n.set.case_insensitive()) {
        return n.operand == OperandKind::texts && n.set.find(s, v.hash()) < 0;
      }
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
    case Op::contains_any:
      return contains_any(n, s);
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
    case Op::contains_any:  // one lookup per item, whatever the number of phrases
      for (const auto& e : list) {
        if (n.set.contains(e)) return true;
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
      return compare_text(n, v);
    case Val::T::number:
      return compare_number(n, v.n());
    case Val::T::boolean:
      if (n.operand != OperandKind::boolean) return false;
      if (n.op == Op::eq) return v.b == n.operand_b;
      if (n.op == Op::ne) return v.b != n.operand_b;
      return false;
    case Val::T::list:
      return compare_list(n, *v.list());
    default:
      return false;
  }
}

Val number_of(std::optional<double> d) noexcept {
  Val v;
  if (d) {
    v.t = Val::T::number;
    v.set_n(*d);
  }
  return v;
}
Val number(double d) noexcept {
  Val v;
  v.t = Val::T::number;
  v.set_n(d);
  return v;
}
Val text(std::string_view s) noexcept {
  Val v;
  v.t = Val::T::text;
  v.s = s;
  return v;
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
  std::size_t events_duplicate = 0;
  std::size_t events_automated = 0;

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
    f.events_duplicate = events_duplicate;
    f.events_automated = events_automated;
    return f;
  }
};

/// A lead's value bound to `slot`: a text compared with the slot's
/// dictionary carries its folded hash and its id there.
Val bound_value(const ValueSlot& slot, Val v) noexcept {
  if (v.t == Val::T::text) bind_text(slot, v.s, v);
  return v;
}

/// Calls out(slot, value) for the first min(slots, kBoundSlots) value slots
/// of `m`, with `lead`'s value (missing when absent). Attribute slots and
/// the lead's attributes are both in name order: one merge pass, or a
/// lookup per slot when the lead has many more attributes than the model
/// reads. Lead fields are read through the field table.
template <class Out>
void for_each_value_slot(const Model& m, const Lead& lead, Out&& out) noexcept {
  const std::size_t n = std::min(m.value_slots.size(), kBoundSlots);
  const std::size_t na = std::min<std::size_t>(m.attribute_slot_count, n);
  const auto& attributes = lead.attributes;
  if (attributes.size() > 4 * na) {
    for (std::size_t i = 0; i < na; ++i) {
      const ValueSlot& slot = m.value_slots[i];
      const auto it = attributes.find(std::string_view(slot.name));
      out(i, it == attributes.end() ? Val{} : bound_value(slot, val_of(it->second)));
    }
  } else {
    auto it = attributes.begin();
    for (std::size_t i = 0; i < na; ++i) {
      const ValueSlot& slot = m.value_slots[i];
      int order = 1;  // of the lead's current attribute name against the slot's
      while (it != attributes.end() && (order = it->first.compare(slot.name)) < 0) ++it;
      out(i, order == 0 ? bound_value(slot, val_of(it->second)) : Val{});
    }
  }
  for (std::size_t i = na; i < n; ++i) {
    const ValueSlot& slot = m.value_slots[i];
    out(i, bound_value(slot, lead_field(slot.field).access.read(lead, {})));
  }
}

class Evaluator final : public EvalView {
 public:
  Evaluator(const Model& m, const Lead& lead, Instant as_of, Scratch* scratch,
            const EvalRequest& request) noexcept
      : m_(m), lead_(lead), as_of_(as_of), s_(scratch), req_(request) {}

  Qualification run(EvalListener* listener, bool all_facts) {
    derive_static(all_facts || listener != nullptr);
    bind_values();
    accumulate_events();
    Qualification q;
    const Totals totals = score_rules(listener);
    finish_scores(q, totals);
    classify(q, totals.knockout, listener);
    if (listener) {
      listener->on_result(q, static_cast<double>(totals.fit) / 1e6,
                          static_cast<double>(totals.engagement) / 1e6, *this);
    }
    return q;
  }

  [[nodiscard]] const Facts& facts() const noexcept { return facts_; }

  bool where_holds(CodeRange where, const Event& e) noexcept;

  // ---- EvalView -----------------------------------------------------------
  [[nodiscard]] const Model& model() const noexcept override { return m_; }
  [[nodiscard]] const Lead& lead() const noexcept override { return lead_; }
  bool holds(std::uint32_t node) override { return eval(node, nullptr); }
  Val leaf(std::uint32_t node) override { return leaf_value(m_.nodes[node]); }
  Val aggregate(std::uint32_t a) override { return aggregate_value(a); }

 private:
  struct Totals {
    std::int64_t fit = 0;         ///< micro-points, before clamping
    std::int64_t engagement = 0;  ///< micro-points, before clamping
    int knockout = -1;            ///< first knockout rule that held
  };

  /// The lead's values by slot (Model::value_slots): bound once per
  /// evaluation (or given bound by the request), so conditions never look
  /// them up by name.
  void bind_values() noexcept {
    if (req_.values) {
      vals_ = req_.values;
      return;
    }
    if (m_.value_slots.empty() || s_ == nullptr) return;
    static_assert(std::is_trivially_copyable_v<Val> && std::is_trivially_destructible_v<Val>);
    Scratch::RawVal* raw = s_->values;
    for_each_value_slot(m_, lead_, [raw](std::size_t i, const Val& v) {
      ::new (static_cast<void*>(raw[i].bytes)) Val(v);
    });
    vals_ = std::launder(reinterpret_cast<const Val*>(raw[0].bytes));
  }

  /// Runs flat steps of Model::program (model.hpp). Without `totals`, one
  /// condition's steps and its result; with them, the scoring run over
  /// every rule (Model::rules_code): points summed as each rule ends.
  bool run_code(CodeRange code, Totals* totals = nullptr) const noexcept {
    const Instr* prog = m_.program.data();
    bool r = true;
    std::uint32_t pc = code.begin;
    while (pc < code.end) {
      const Instr& in = prog[pc++];
      switch (in.code) {
        case Instr::Code::text_eq: {
          const Val& v = vals_[in.slot];
          r = v.t == Val::T::text && v.id == static_cast<std::int32_t>(in.arg);
          break;
        }
        case Instr::Code::text_ne: {
          const Val& v = vals_[in.slot];
          r = v.t == Val::T::text && v.id != static_cast<std::int32_t>(in.arg);
          break;
        }
        case Instr::Code::text_in:
        case Instr::Code::text_not_in:
          r = text_in_flat(in, in.code == Instr::Code::text_in);
          break;
        case Instr::Code::number: {
          const Val& v = vals_[in.slot];
          r = v.t == Val::T::number && (in.lo_open ? v.n() > in.lo : v.n() >= in.lo) &&
              (in.hi_open ? v.n() < in.hi : v.n() <= in.hi);
          break;
        }
        case Instr::Code::number_ne: {
          const Val& v = vals_[in.slot];
          r = v.t == Val::T::number && !std::isnan(v.n()) && v.n() != in.lo;
          break;
        }
        case Instr::Code::leaf: {
          const Node& n = m_.nodes[in.node];
          r = compare(n, leaf_value(n));
          break;
        }
        case Instr::Code::constant:
          r = in.lo_open;
          break;
        case Instr::Code::negate:
          r = !r;
          break;
        case Instr::Code::jump_if_false:
          if (!r) pc = in.arg;
          continue;
        case Instr::Code::jump_if_true:
          if (r) pc = in.arg;
          continue;
        case Instr::Code::rule_end:
          break;
        case Instr::Code::behavior:
          if (totals) add_behavior(*totals, in.rule);
          continue;
      }
      if (totals && r && in.end != Instr::End::none) add_points(*totals, in);
    }
    return r;
  }

  /// The points of the one-step fit rules that hold (Model::simple_fit):
  /// one loop per step code, each step decided and added without a branch
  /// on the lead's values (a list value for text_in / text_not_in aside):
  /// the outcomes are as good as random from lead to lead, and a branch on
  /// them costs a misprediction in two.
  [[nodiscard]] std::int64_t simple_fit_points() const noexcept {
    using C = Instr::Code;
    const auto& by = m_.simple_fit;
    const auto steps = [&by](C c) -> const std::vector<Instr>& {
      return by[static_cast<std::size_t>(c)];
    };
    std::int64_t sum = 0;
    const auto add = [&sum](bool held, const Instr& in) {
      sum += in.points_micro & -static_cast<std::int64_t>(held);
    };
    for (const Instr& in : steps(C::text_eq)) {
      const Val& v = vals_[in.slot];
      add((v.t == Val::T::text) & (v.id == static_cast<std::int32_t>(in.arg)), in);
    }
    for (const Instr& in : steps(C::text_ne)) {
      const Val& v = vals_[in.slot];
      add((v.t == Val::T::text) & (v.id != static_cast<std::int32_t>(in.arg)), in);
    }
    for (const Instr& in : steps(C::text_in)) add(text_in_flat(in, true), in);
    for (const Instr& in : steps(C::text_not_in)) add(text_in_flat(in, false), in);
    for (const Instr& in : steps(C::number)) {
      const Val& v = vals_[in.slot];
      const double x = v.n();
      const bool above = (x > in.lo) | (!in.lo_open & (x == in.lo));
      const bool below = (x < in.hi) | (!in.hi_open & (x == in.hi));
      add((v.t == Val::T::number) & above & below, in);
    }
    for (const Instr& in : steps(C::number_ne)) {
      const Val& v = vals_[in.slot];
      const double x = v.n();
      add((v.t == Val::T::number) & (x == x) & (x != in.lo), in);
    }
    return sum;
  }

  /// text_in (`member` true) or text_not_in (false): a text answers by
  /// whether its id is in the step's bit set, without a branch (an id
  /// outside the dictionary reads bit 0 of the set and is masked out); a
  /// list compares each element (compare()); any other value never holds.
  [[nodiscard]] bool text_in_flat(const Instr& in, bool member) const noexcept {
    const Val& v = vals_[in.slot];
    if (v.t == Val::T::list) [[unlikely]] {
      return compare(m_.nodes[in.node], v);
    }
    const bool is_text = v.t == Val::T::text;
    const bool known = is_text & (v.id >= 0);
    const std::uint32_t id =
        static_cast<std::uint32_t>(v.id) & (0U - static_cast<std::uint32_t>(known));
    const bool in_set = known & (((m_.program_bits[in.arg + id / 64] >> (id % 64)) & 1U) != 0);
    return is_text & (in_set == member);
  }

  /// A rule whose condition held: its points, or the first knockout.
  static void add_points(Totals& t, const Instr& in) noexcept {
    switch (in.end) {
      case Instr::End::fit:
        t.fit = sat_add(t.fit, in.points_micro);
        break;
      case Instr::End::engagement:
        t.engagement = sat_add(t.engagement, in.points_micro);
        break;
      case Instr::End::knockout:
        if (t.knockout < 0) t.knockout = static_cast<int>(in.rule);
        break;
      case Instr::End::none:
        break;
    }
  }

  /// Behaviour rule `r`'s total after its cap, to engagement.
  void add_behavior(Totals& t, std::uint32_t r) const noexcept {
    const CompiledRule& cr = m_.rules[r];
    bool capped = false;
    t.engagement = sat_add(t.engagement, capped_total(cr, s_->rules[cr.behavior_slot], capped));
  }

  /// Whether a rule or stage condition holds: its flat steps, or, when a
  /// trace is wanted, the condition tree (the same leaves, and every child
  /// visited for the explanation).
  bool holds(std::uint32_t root, CodeRange code, ConditionTrace* trace) {
    return trace ? eval(root, trace) : run_code(code);
  }

  /// The lead's events into the Scratch accumulators (or, from LeadState,
  /// accumulators already there), and the facts they give.
  void accumulate_events() {
    EventSummary summary;
    if (req_.events) {
      summary = *req_.events;
    } else {
      EventAccumulator acc(
          m_, *s_,
          [](const void* self, CodeRange where, const Event& e) {
            return const_cast<Evaluator*>(static_cast<const Evaluator*>(self))
                ->where_holds(where, e);
          },
          this);
      // A bound lead without events is not read for its (empty) list.
      summary = acc.run(req_.facts && !req_.facts->has_events ? kNoLead : lead_, as_of_);
    }
    facts_.events_considered = summary.considered;
    facts_.events_after_as_of = summary.after_as_of;
    facts_.events_duplicate = summary.duplicate;
    facts_.events_automated = summary.automated;
    if (summary.any) facts_.days_since_last_activity = days_between(summary.last, as_of_);
  }

  /// A behaviour rule's total after its cap, in micro-points.
  static std::int64_t capped_total(const CompiledRule& cr, const RuleAcc& acc, bool& capped) {
    capped = false;
    if (cr.has_cap) {
      if (cr.points_micro >= 0 && acc.sum > cr.cap_micro) {
        capped = true;
        return cr.cap_micro;
      }
      if (cr.points_micro < 0 && acc.sum < -cr.cap_micro) {
        capped = true;
        return -cr.cap_micro;
      }
    }
    return acc.sum;
  }

  /// Every rule in configuration order: points summed, first knockout kept.
  Totals score_rules(EvalListener* listener) {
    Totals t;
    if (!listener) {  // the fast path: every rule in one run of the program
      run_code(m_.rules_code, &t);
      t.fit += simple_fit_points();  // exact: Model::simple_fit
      return t;
    }
    const bool traces = listener->wants_traces();
    for (std::size_t r = 0; r < m_.rules.size(); ++r) {
      const CompiledRule& cr = m_.rules[r];
      if (cr.kind == RuleKind::behavior) {
        const RuleAcc& acc = s_->rules[cr.behavior_slot];
        bool capped = false;
        const std::int64_t total = capped_total(cr, acc, capped);
        t.engagement = sat_add(t.engagement, total);
        if (acc.matched > 0) listener->on_behavior_rule(r, acc, total, capped);
        continue;
      }
      std::optional<ConditionTrace> trace;
      if (traces) trace.emplace();
      const bool held = holds(cr.when, cr.code, trace ? &*trace : nullptr);
      if (held) add_points(t, m_.program[cr.code.end - 1]);
      listener->on_condition_rule(r, held, trace ? &*trace : nullptr, *this);
    }
    return t;
  }

  /// Clamped scores, total and grades.
  void finish_scores(Qualification& q, const Totals& t) const noexcept {
    const Scores& sc = m_.config.scores;
    q.fit = clamp(static_cast<double>(t.fit) / 1e6, sc.fit);
    q.engagement = clamp(static_cast<double>(t.engagement) / 1e6, sc.engagement);
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
  }

  /// Stage classification, the last step: the first stage whose condition
  /// (for the lead's origin) holds, over the scores and the lifecycle facts
  /// of the request; a disqualified lead stays at the fallback stage.
  void classify(Qualification& q, int knockout, EvalListener* listener) {
    q_ = &q;
    stage_ = req_.stage.context;
    q.stage = m_.fallback_stage;
    q.stage_index = -1;
    const auto o = static_cast<std::size_t>(req_.facts ? req_.facts->origin : lead_.origin);
    if (knockout >= 0) {
      const Rule& rule = m_.config.rules[static_cast<std::size_t>(knockout)];
      q.disqualified = true;
      q.reason = rule.reason;
      q.knockout_rule = rule.id;
    } else {
      const bool traces = listener && listener->wants_traces();
      for (std::size_t s = 0; s < m_.stages.size(); ++s) {
        if (!listener) {  // the fast path: no trace object at all
          if (run_code(m_.stages[s].code[o])) {
            q.stage = m_.config.stages[s].name;
            q.stage_index = static_cast<int>(s);
            break;
          }
          continue;
        }
        std::optional<ConditionTrace> trace;
        if (traces) trace.emplace();
        const CompiledStage& cs = m_.stages[s];
        const bool held = holds(cs.root[o], cs.code[o], trace ? &*trace : nullptr);
        if (listener)
          listener->on_stage(s, held, trace ? &*trace : nullptr, m_.stages[s].by_origin[o]);
        if (held) {
          q.stage = m_.config.stages[s].name;
          q.stage_index = static_cast<int>(s);
          break;
        }
      }
    }
    const StageQuery& sq = req_.stage;
    if (sq.margin_stage >= 0 && sq.margin_held &&
        static_cast<std::size_t>(sq.margin_stage) < m_.stages.size()) {
      score_bias_ = sq.margin;
      *sq.margin_held = run_code(m_.stages[static_cast<std::size_t>(sq.margin_stage)].code[o]);
      score_bias_ = 0;
    }
  }

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
    const LeadAccess& access = lead_field(id).access;
    return access.present != nullptr && access.present(lead_, attr);
  }

  /// The facts of the lead alone; enrichment and e-mail facts only when
  /// `all` or a condition reads them (Model::reads_enrichment, reads_email).
  void derive_static(bool all) noexcept {
    const std::optional<Instant>& created = req_.facts ? req_.facts->created_at : lead_.created_at;
    if (created) facts_.days_since_created = days_between(*created, as_of_);
    if (all || m_.reads_enrichment) derive_enrichment();
    if (all || m_.reads_email) derive_email();
  }

  void derive_enrichment() noexcept {
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
  }

  void derive_email() noexcept {
    if (const auto& email = lead_.contact.email) {
      // White space around the address is ignored, as the CSV mapper trims it.
      constexpr std::string_view kSpace = " \t\r\n\v\f";
      std::string_view e = *email;
      e.remove_prefix(std::min(e.size(), e.find_first_not_of(kSpace)));
      e.remove_suffix(e.size() - std::min(e.size(), e.find_last_not_of(kSpace) + 1));
      const std::size_t at = e.rfind('@');
      if (at != std::string_view::npos && at + 1 < e.size()) {
        facts_.email_domain = e.substr(at + 1);
        facts_.has_email_domain = true;
        facts_.free_email = m_.free_email.contains(facts_.email_domain);
      }
    }
  }

  // ---- events -----------------------------------------------------------
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
        return number(days_between(Instant(std::chrono::milliseconds(acc.last)), as_of_));
      case Measure::distinct_days:
        return number(acc.days);
    }
    return Val{};
  }

  // ---- fields -----------------------------------------------------------
  Val field(const Node& n) const noexcept {
    if (vals_ && n.slot != kNoSlot) return vals_[n.slot];
    if (const LeadAccess& access = lead_field(n.field).access; access.read) {
      return access.read(lead_, n.name);
    }
    switch (n.field) {
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
        return stage_ && !stage_->current.empty() ? text(stage_->current) : Val{};
      case FieldId::days_in_stage:
        return stage_ && !stage_->current.empty() ? number(stage_->days_in_stage) : Val{};
      case FieldId::sales_status:
        return stage_ && !stage_->sales_status.empty() ? text(stage_->sales_status) : Val{};
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
      default:  // the lead's own fields: read through the table above
        break;
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
          trace->actual = render_value(v);
        }
        return held;
      }
    }
    return false;
  }

  const Model& m_;
  const Lead& lead_;
  Instant as_of_;
  Scratch* s_;  ///< null only for event-context evaluation (event_matches)
  const EvalRequest& req_;
  double score_bias_ = 0;  ///< added to every score while checking a hysteresis margin
  Facts facts_{};
  const Event* event_ = nullptr;
  const Qualification* q_ = nullptr;     ///< set by classify(): scores for stage conditions
  const StageContext* stage_ = nullptr;  ///< set by classify(): lifecycle facts
  const Val* vals_ = nullptr;            ///< the lead's values by slot, once bound
};

/// The `where` steps of a rule or aggregate on event `e` (leaf steps
/// reading the event's fields); an empty range holds.
bool Evaluator::where_holds(CodeRange where, const Event& e) noexcept {
  if (where.begin == where.end) return true;
  const Event* saved = event_;
  event_ = &e;
  const bool ok = run_code(where);
  event_ = saved;
  return ok;
}

}  // namespace

Qualification evaluate(const Model& model, const Lead& lead, Instant as_of, Scratch& scratch,
                       const EvalRequest& request, EvalListener* listener,
                       DerivedFacts* facts_out) {
  Evaluator ev(model, lead, as_of, &scratch, request);
  Qualification q = ev.run(listener, facts_out != nullptr);
  if (facts_out) *facts_out = ev.facts().to_public();
  return q;
}

Qualification evaluate(const Model& model, const Lead& lead, Instant as_of) {
  Scratch scratch;  // uninitialised on purpose: only the used prefix is reset
  const EvalRequest request;
  Evaluator ev(model, lead, as_of, &scratch, request);
  return ev.run(nullptr, false);
}

namespace {
BoundFacts facts_of(const Lead& lead) noexcept {
  BoundFacts f;
  f.created_at = lead.created_at;
  f.origin = lead.origin;
  f.has_events = !lead.events.empty();
  return f;
}
}  // namespace

void bind_lead(const Model& model, const Lead& lead, BoundValues& out) {
  out.model = &model;
  out.lead = &lead;
  out.facts = facts_of(lead);
  out.values.assign(std::min(model.value_slots.size(), kBoundSlots), Val{});
  for_each_value_slot(model, lead, [&out](std::size_t i, const Val& v) { out.values[i] = v; });
}

Val bind_value(const ValueSlot& slot, const Val& v) noexcept { return bound_value(slot, v); }

void bind_text(const ValueSlot& slot, std::string_view text, Val& out) noexcept {
  out = Val{};
  out.t = Val::T::text;
  out.s = text;
  // A text of a size no dictionary entry has is none of them (id -1).
  if (!slot.texts.empty() && slot.texts.may_hold_size(text.size())) {
    out.set_hash(StringSet::hash(text, true));
    out.hashed = true;
    out.id = slot.texts.find(text, out.hash());
  }
}

void bind_lead_fields(const Model& model, const Lead& lead, BoundValues& out) noexcept {
  out.facts = facts_of(lead);
  const std::size_t n = std::min(model.value_slots.size(), kBoundSlots);
  for (std::size_t i = std::min<std::size_t>(model.attribute_slot_count, n); i < n; ++i) {
    const ValueSlot& slot = model.value_slots[i];
    out.values[i] = bound_value(slot, lead_field(slot.field).access.read(lead, {}));
  }
}

bool event_matches(const Model& model, CodeRange where, const Event& event) {
  if (where.begin == where.end) return true;
  const EvalRequest request;
  Evaluator ev(model, kNoLead, event.at, nullptr, request);
  return ev.where_holds(where, event);
}

}  // namespace leadscore::detail
