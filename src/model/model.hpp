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
#include "model/phrase_matcher.hpp"
#include "model/string_set.hpp"

namespace leadscore::detail {

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
  /// A compare node reading a lead field or attribute: its index in
  /// Model::value_slots; kNoSlot otherwise.
  std::uint32_t slot = 0xffffffffU;
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  std::string name;             ///< attribute / property name
  std::string text;             ///< operand text (lower-cased when ci)
  std::uint64_t text_hash = 0;  ///< StringSet::hash(text, true), for ci eq / ne
  std::vector<std::string>
      texts;                    ///< operand list (lower-cased when ci), for contains_any / list ops
  StringSet set;                ///< in / not_in over texts; contains_any over a list's items
  PhraseMatcher phrases;        ///< contains_any over a text
  std::vector<double> numbers;  ///< in / not_in over numbers (sorted)
  std::string display;          ///< readable form, e.g. "company.employees >= 50"
  std::string field_name;       ///< field path as written
};

/// A condition's steps: Model::program[begin, end).
struct CodeRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

/// An event aggregate (one per `measure` condition).
struct Aggregate {
  Measure measure = Measure::count;
  bool any_type = true;
  std::vector<std::uint32_t> where;  ///< root nodes (event context), all must hold
  CodeRange where_code;              ///< `where` as steps of the flat program
  std::int64_t window_ms = -1;       ///< -1 = all history
  std::int64_t window_days = 0;      ///< distinct_days bitset width in days
  std::uint32_t bit_offset = 0;      ///< first word in the bitset buffer
  std::uint32_t bit_words = 0;
  std::string property;
};

inline constexpr std::uint32_t kNoSlot = 0xffffffffU;
/// Value slots bound per evaluation; conditions on further slots read the
/// lead directly.
inline constexpr std::size_t kBoundSlots = 256;

/// A value the conditions read from the lead itself (a lead field or
/// attributes.<name>), bound once per evaluation, never looked up per
/// condition (docs/design.md, "The compiled form").
struct ValueSlot {
  FieldId field = FieldId::attribute;
  std::string name;  ///< the attribute name (attributes only)
  /// Every case-insensitive text an `eq`, `ne`, `in` or `not_in` compares
  /// this value with (lower case): a bound text value carries its index
  /// here (Val::id), so those conditions compare small integers.
  StringSet texts;
};

/// One step of the flat program (Model::program). A condition is a run of
/// steps over one boolean register `r`; `all` / `any` short-circuit with
/// forward jumps, so there is neither recursion nor a tree walk.
struct Instr {
  enum class Code : std::uint8_t {
    text_eq,        ///< r = value of `slot` is text with id `arg`
    text_ne,        ///< r = value of `slot` is text with an id other than `arg`
    text_in,        ///< r = text whose id is in the bit set at Model::program_bits[arg]
                    ///<     (a list value: compare(node))
    text_not_in,    ///< the negation of text_in for text values (a list value: compare(node))
    number,         ///< r = value of `slot` is a number in [lo, hi] (open where lo_open / hi_open)
    number_ne,      ///< r = value of `slot` is a number other than lo (NaN: false)
    leaf,           ///< r = compare(node, its value): every other leaf
    constant,       ///< r = lo_open
    negate,         ///< r = !r
    jump_if_false,  ///< to `arg` when !r
    jump_if_true,   ///< to `arg` when r
    rule_end,       ///< the end of a rule's condition (jumps land here); see `end`
    behavior,       ///< scoring: add behaviour rule `rule`'s capped total to engagement
  };
  /// What scoring does with r after this step: the last step of a rule's
  /// condition adds the rule's points (or records the knockout) when r.
  enum class End : std::uint8_t { none, fit, engagement, knockout };
  Code code = Code::leaf;
  End end = End::none;
  bool lo_open = false;
  bool hi_open = false;
  std::uint32_t slot = kNoSlot;
  std::uint32_t arg = 0;
  std::uint32_t node = 0;  ///< the condition node this step stands for
  std::uint32_t rule = 0;  ///< with `end` or `behavior`: the rule's index
  double lo = 0;
  double hi = 0;
  std::int64_t points_micro = 0;  ///< with `end`: the rule's points
};

/// Step codes that read one value and decide alone (text_eq to number_ne).
inline constexpr std::size_t kSimpleCodes = static_cast<std::size_t>(Instr::Code::number_ne) + 1;

struct CompiledRule {
  RuleKind kind = RuleKind::fit;
  std::uint32_t when = 0;         ///< root node (fit, engagement, knockout)
  CodeRange code;                 ///< `when` as steps of the flat program
  std::int64_t points_micro = 0;  ///< points in millionths
  double points = 0;
  // behaviour
  std::uint32_t behavior_slot = 0;
  bool any_type = true;
  std::vector<std::uint32_t> where;  ///< root nodes (event context), all must hold
  CodeRange where_code;              ///< `where` as steps of the flat program
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
  std::array<CodeRange, 3> code{};  ///< root[o] as steps of the flat program
};

struct Model {
  Config config;
  Limits limits;
  std::vector<Diagnostic> warnings;

  std::vector<Node> nodes;
  /// Every lead field and attribute a condition reads, once: attributes
  /// first, in name order (a lead's attributes, also in name order, bind in
  /// one merge pass), then lead fields. A node reading one holds its index
  /// (Node::slot).
  std::vector<ValueSlot> value_slots;
  std::uint32_t attribute_slot_count = 0;  ///< value_slots[0, this) are attributes
  /// Rule and stage conditions compiled to flat steps (Instr). The first
  /// `rules_code` steps score every rule in configuration order in one run.
  std::vector<Instr> program;
  CodeRange rules_code;
  /// Fit rules whose condition is one value step (text_eq ... number_ne),
  /// by step code: the scoring run leaves them out of `rules_code` and sums
  /// them in one tight loop per code, without dispatch or branches. Only
  /// when the fit points of all rules cannot overflow in any order (the sum
  /// of their magnitudes fits), so the total is the same in every order.
  std::array<std::vector<Instr>, kSimpleCodes> simple_fit;
  bool reads_enrichment = false;            ///< a condition reads enrichment or completeness
  bool reads_email = false;                 ///< a condition reads email_domain or free_email
  std::vector<std::uint64_t> program_bits;  ///< id sets of text_in / text_not_in
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
  /// Per type id (0..other_type()): whether some rule's implied_by names it.
  std::vector<bool> implier_type;
  bool has_aggregates = false;

  StringSet free_email;
  std::vector<FieldId> enrichment_fields;
  std::vector<std::string> enrichment_attr_names;
  /// Attribute names the evaluator reads from the lead itself (those
  /// enrichment counts, when a condition reads enrichment or completeness):
  /// readers that bind attributes to slots keep these in the lead too.
  std::vector<std::string> attributes_read_by_name;

  // grades: labels and matrix labels owned here
  std::vector<double> fit_mins, engagement_mins;
  std::vector<std::string> fit_labels, engagement_labels, matrix_labels;
  std::string fallback_stage;
};

// ---- micro-points (compile, the evaluator, the accumulators) ----------------

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

/// Compiles and validates; returns the model or the diagnostics.
Result<std::shared_ptr<const Model>> compile(Config config, const Limits& limits);

}  // namespace leadscore::detail
