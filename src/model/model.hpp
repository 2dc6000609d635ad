// The compiled, immutable model behind a Qualifier (private).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

#include "model/fields.hpp"

namespace leadscore::detail {

/// Open-addressing hash set of strings, optionally ASCII-case-insensitive.
/// Lookups take a string_view and never allocate.
class StringSet {
 public:
  StringSet() = default;
  StringSet(const std::vector<std::string>& items, bool case_insensitive);
  [[nodiscard]] bool contains(std::string_view key) const noexcept;
  /// Index of `key` in the original item order, or -1.
  [[nodiscard]] int find(std::string_view key) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return keys_.empty(); }
  [[nodiscard]] const std::vector<std::string>& keys() const noexcept { return keys_; }

 private:
  [[nodiscard]] std::uint64_t hash(std::string_view key) const noexcept;
  std::vector<std::string> keys_;
  std::vector<std::int32_t> slots_;  // -1 = empty, else index into keys_
  std::uint64_t mask_ = 0;
  bool ci_ = false;
};

enum class OperandKind : std::uint8_t { none, boolean, number, text, texts, numbers, range };

/// A compiled condition node. Children are contiguous in Model::child_ids.
struct Node {
  Condition::Kind kind = Condition::Kind::all;
  Op op = Op::exists;
  FieldId field = FieldId::id;
  OperandKind operand = OperandKind::none;
  bool ci = true;  ///< case-insensitive string matching
  bool operand_b = false;
  double num = 0;         ///< number operand, or range low
  double num2 = 0;        ///< range high
  std::uint32_t arg = 0;  ///< aggregate slot, or event type id for event_count_type
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  std::string name;  ///< attribute / property name
  std::string text;  ///< operand text (lower-cased when ci)
  std::vector<std::string>
      texts;                    ///< operand list (lower-cased when ci), for contains_any / list ops
  StringSet set;                ///< in / not_in over texts
  std::vector<double> numbers;  ///< in / not_in over numbers (sorted)
  std::string display;          ///< readable form, e.g. "company.employees >= 50"
  std::string field_name;       ///< field path as written
};

/// An event aggregate (one per `measure` condition).
struct Aggregate {
  Measure measure = Measure::count;
  bool any_type = true;
  std::vector<std::uint32_t> where;  ///< root nodes (event context), all must hold
  std::int64_t window_ms = -1;       ///< -1 = all history
  std::int64_t window_days = 0;      ///< distinct_days bitset width in days
  std::uint32_t bit_offset = 0;      ///< first word in the bitset buffer
  std::uint32_t bit_words = 0;
  std::string property;
};

struct CompiledRule {
  RuleKind kind = RuleKind::fit;
  std::uint32_t when = 0;         ///< root node (fit, engagement, knockout)
  std::int64_t points_micro = 0;  ///< points in millionths
  double points = 0;
  // behaviour
  std::uint32_t behavior_slot = 0;
  bool any_type = true;
  std::vector<std::uint32_t> where;  ///< root nodes (event context)
  bool has_cap = false;
  std::int64_t cap_micro = 0;
  std::uint32_t max_per_day = 0;  ///< 0 = no cap
  std::int64_t window_ms = -1;
  double half_life_days = 0;                 ///< 0 = no decay
  std::vector<std::uint32_t> implied_types;  ///< implied_by event type ids
  std::string implied_same;                  ///< property that pairs them ("" = same UTC day)
  std::int32_t first_aggregate = -1;  ///< engagement: first aggregate in `when`, for evidence
};

struct CompiledStage {
  std::array<std::uint32_t, 3> root{};  ///< by Origin (unknown, inbound, outbound)
  std::array<bool, 3> by_origin{};
};

struct Model {
  Config config;
  Limits limits;
  std::vector<Diagnostic> warnings;

  std::vector<Node> nodes;
  std::vector<std::uint32_t> child_ids;
  std::vector<Aggregate> aggregates;
  std::uint32_t bit_words_total = 0;
  std::vector<CompiledRule> rules;            ///< same order as config.rules
  std::vector<std::uint32_t> behavior_rules;  ///< indices into rules
  std::vector<CompiledStage> stages;

  StringSet event_types;  ///< interned types; id = index; unknown types get other_type()
  std::uint32_t other_type() const noexcept {
    return static_cast<std::uint32_t>(event_types.keys().size());
  }
  /// Per type id (0..other_type()), the behaviour rule indices and aggregate
  /// indices interested in it, flattened: [offsets[t], offsets[t+1]).
  std::vector<std::uint32_t> rule_sub_offsets, rule_subs;
  std::vector<std::uint32_t> agg_sub_offsets, agg_subs;
  bool has_daily_caps = false;
  bool has_implications = false;
  bool has_aggregates = false;

  StringSet free_email;
  std::vector<FieldId> enrichment_fields;
  std::vector<std::string> enrichment_attr_names;

  // grades: labels and matrix labels owned here
  std::vector<double> fit_mins, engagement_mins;
  std::vector<std::string> fit_labels, engagement_labels, matrix_labels;
  std::string fallback_stage;
};

// ---- evaluation working state (shared by evaluate.cpp and lead_state.cpp) --

/// Exact, order-independent accumulator of decay factors in (0, 1]: each
/// factor is rounded to a multiple of 2^-62 and summed as a 128-bit integer.
__extension__ typedef unsigned __int128 FactorSum;
inline constexpr int kFactorBits = 62;  // 0x1p62 below

/// Millionths of a point, rounded; saturates instead of overflowing.
inline std::int64_t to_micro(double v) noexcept {
  const double scaled = v * 1e6;
  if (!(scaled < 9.2e18)) return scaled != scaled ? 0 : INT64_C(9200000000000000000);
  if (!(scaled > -9.2e18)) return -INT64_C(9200000000000000000);
  return std::llround(scaled);
}

/// Saturating arithmetic on micro-points: sums of huge points (1e9 points
/// x 10,000 rules, property sums near 1e308) stop at the int64 range
/// instead of overflowing.
inline std::int64_t sat_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? INT64_MAX : INT64_MIN;
}
inline std::int64_t sat_sub(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (!__builtin_sub_overflow(a, b, &r)) return r;
  return b < 0 ? INT64_MAX : INT64_MIN;
}
inline std::int64_t sat_mul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (!__builtin_mul_overflow(a, b, &r)) return r;
  return (a > 0) == (b > 0) ? INT64_MAX : INT64_MIN;
}

/// Per behaviour rule, what the events contributed.
struct RuleAcc {
  std::int64_t sum;  ///< micro-points (decayed rules: set by finish_decay)
  std::uint32_t matched, counted, over, outside, implied;
  std::int64_t day;
  std::uint32_t day_n;
  double factor_sum;  ///< sum of decay factors (counted events without decay)
  FactorSum factor_fx;
};

/// Folds a decayed rule's exact factor sum into its points: the rule's total
/// is points x (sum of factors), rounded to the millionth once.
inline void finish_decay(RuleAcc& acc, double points) noexcept {
  acc.factor_sum = static_cast<double>(acc.factor_fx) * 0x1p-62;
  acc.sum = to_micro(points * acc.factor_sum);
}
inline FactorSum to_factor_fx(double factor) noexcept {
  return static_cast<FactorSum>(std::llround(factor * 0x1p62));
}

struct AggAcc {
  std::int64_t sum;
  std::int64_t last;
  std::uint32_t count;
  bool any;
  std::uint32_t days;  ///< distinct_days result
};

/// Leads with per-day-capped rules whose events are not in time order are
/// walked through a sorted index when they have at most this many events
/// (linear after an in-place sort); beyond it each capped event is ranked
/// against the others (quadratic).
inline constexpr std::size_t kSortedEventsBuffer = 4096;

struct Scratch {
  RuleAcc rules[kHardMaxBehaviorRules];
  AggAcc aggs[kHardMaxAggregates];
  std::uint64_t bits[2048];
  std::uint32_t type_counts[kHardMaxEventTypes + 1];
  std::uint32_t order[kSortedEventsBuffer];
  std::uint64_t skip[kSortedEventsBuffer / 64];  ///< repeated or automated events
  std::uint32_t implier[kSortedEventsBuffer];    ///< events of implied_by types
};

/// What the events of a lead add up to, when a caller (LeadState) computed
/// the accumulators in Scratch itself instead of walking the events.
struct EventSummary {
  std::size_t considered = 0;
  std::size_t after_as_of = 0;
  bool any = false;
  Instant last{};
};

/// Lifecycle facts visible to stage conditions (stage.current,
/// stage.days_in_stage, sales.status) when qualifying through a LeadState.
struct StageContext {
  std::string_view current;
  double days_in_stage = 0;
  std::string_view sales_status;  ///< "" = none
};

struct EvalInput {
  const EventSummary* events = nullptr;  ///< non-null: Scratch is pre-filled
  const StageContext* stage = nullptr;
  /// When >= 0, also evaluates stage `margin_stage`'s condition with the
  /// scores raised by `margin` (hysteresis) into *margin_held.
  int margin_stage = -1;
  double margin = 0;
  bool* margin_held = nullptr;
};

/// Whether `a` (an event of an implied rule) and `b` (an event of one of its
/// implied_by types) are paired: same value of the `same` property, or the
/// same UTC day when the rule names no property.
bool implies(const CompiledRule& rule, const Event& implying, const Event& event) noexcept;

/// Whether `event` satisfies every `where` root (event-context conditions).
bool event_matches(const Model& model, const std::vector<std::uint32_t>& where, const Event& event);
/// The interned id of an event type (other_type() when not named).
std::uint32_t event_type_id(const Model& model, std::string_view type) noexcept;

/// evaluate() over a caller-filled Scratch (see EvalInput).
Qualification evaluate_with(const Model& model, const Lead& lead, Instant as_of, Scratch& scratch,
                            const EvalInput& input, Explanation* explanation) noexcept(false);

/// Compiles and validates; returns the model or the diagnostics.
Result<std::shared_ptr<const Model>> compile(Config config, const Limits& limits);

/// The single evaluator. With `explanation` null it allocates nothing.
Qualification evaluate(const Model& model, const Lead& lead, Instant as_of,
                       Explanation* explanation, DerivedFacts* facts_out = nullptr) noexcept(false);

}  // namespace leadscore::detail
