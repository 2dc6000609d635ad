// Every enum <-> name pair of the formats (private): the names written in
// configurations, leads, mappings, results and lead states. Each enum's
// table lists its names in the order messages and suggestions show them.
// The public to_string / parse_* functions (leadscore/config.hpp, lead.hpp,
// qualifier.hpp, lead_state.hpp, csv.hpp) are implemented from these tables
// in names.cpp; code that needs a list of names (did-you-mean candidates,
// "expected one of ...") takes it from kNames<E>.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/csv.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore::detail {

template <class E>
struct Named {
  E value;
  std::string_view name;
};

/// The names of enum E: `static constexpr Named<E> table[]`.
template <class E>
struct EnumNames;

template <>
struct EnumNames<Op> {
  static constexpr Named<Op> table[] = {{Op::eq, "eq"},
                                        {Op::ne, "ne"},
                                        {Op::in, "in"},
                                        {Op::not_in, "not_in"},
                                        {Op::lt, "lt"},
                                        {Op::lte, "lte"},
                                        {Op::gt, "gt"},
                                        {Op::gte, "gte"},
                                        {Op::between, "between"},
                                        {Op::exists, "exists"},
                                        {Op::missing, "missing"},
                                        {Op::contains, "contains"},
                                        {Op::contains_any, "contains_any"},
                                        {Op::starts_with, "starts_with"},
                                        {Op::ends_with, "ends_with"}};
};

template <>
struct EnumNames<Measure> {
  static constexpr Named<Measure> table[] = {{Measure::count, "count"},
                                             {Measure::distinct_days, "distinct_days"},
                                             {Measure::days_since_last, "days_since_last"},
                                             {Measure::sum, "sum"}};
};

template <>
struct EnumNames<RuleKind> {
  static constexpr Named<RuleKind> table[] = {{RuleKind::fit, "fit"},
                                              {RuleKind::behavior, "behavior"},
                                              {RuleKind::engagement, "engagement"},
                                              {RuleKind::knockout, "knockout"}};
};

/// The key that makes a JSON condition of each kind ("field", "measure",
/// "all", "any", "not"); the JSON pointers of nested conditions use it.
template <>
struct EnumNames<Condition::Kind> {
  static constexpr Named<Condition::Kind> table[] = {{Condition::Kind::compare, "field"},
                                                     {Condition::Kind::aggregate, "measure"},
                                                     {Condition::Kind::all, "all"},
                                                     {Condition::Kind::any, "any"},
                                                     {Condition::Kind::negate, "not"}};
};

template <>
struct EnumNames<Regression> {
  static constexpr Named<Regression> table[] = {{Regression::monotonic, "monotonic"},
                                                {Regression::hysteresis, "hysteresis"},
                                                {Regression::immediate, "immediate"}};
};

template <>
struct EnumNames<SalesStatus> {
  static constexpr Named<SalesStatus> table[] = {{SalesStatus::none, "none"},
                                                 {SalesStatus::accepted, "accepted"},
                                                 {SalesStatus::rejected, "rejected"},
                                                 {SalesStatus::won, "won"},
                                                 {SalesStatus::lost, "lost"}};
};

/// Listed inbound first: the order of every message that names them.
template <>
struct EnumNames<Origin> {
  static constexpr Named<Origin> table[] = {
      {Origin::inbound, "inbound"}, {Origin::outbound, "outbound"}, {Origin::unknown, "unknown"}};
};

template <>
struct EnumNames<EnrichmentLevel> {
  static constexpr Named<EnrichmentLevel> table[] = {
      {EnrichmentLevel::incomplete, "incomplete"},
      {EnrichmentLevel::non_enriched, "non_enriched"},
      {EnrichmentLevel::enriched, "enriched"}};
};

template <>
struct EnumNames<TransitionCause> {
  static constexpr Named<TransitionCause> table[] = {
      {TransitionCause::qualified, "qualified"},
      {TransitionCause::demoted, "demoted"},
      {TransitionCause::recycled, "recycled"},
      {TransitionCause::feedback, "feedback"},
      {TransitionCause::disqualified, "disqualified"},
      {TransitionCause::requalified, "requalified"},
      {TransitionCause::rescored, "rescored"}};
};

template <>
struct EnumNames<ApplyResult> {
  static constexpr Named<ApplyResult> table[] = {{ApplyResult::applied, "applied"},
                                                 {ApplyResult::replayed, "replayed"},
                                                 {ApplyResult::duplicate, "duplicate"},
                                                 {ApplyResult::automated, "automated"}};
};

/// Column types of a CSV mapping. parse_value_type also takes "boolean".
template <>
struct EnumNames<ValueType> {
  static constexpr Named<ValueType> table[] = {
      {ValueType::string, "string"},   {ValueType::number, "number"},
      {ValueType::boolean, "bool"},    {ValueType::list, "list"},
      {ValueType::instant, "instant"}, {ValueType::origin, "origin"}};
};

/// The names of E alone, in table order.
template <class E>
inline constexpr auto kNames = [] {
  std::array<std::string_view, std::size(EnumNames<E>::table)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = EnumNames<E>::table[i].name;
  return out;
}();

/// The same as a vector, for suggest() and the JSON readers' key lists.
template <class E>
std::vector<std::string_view> name_list() {
  return {kNames<E>.begin(), kNames<E>.end()};
}

/// The name of `value`, or `fallback` for a value outside the enum.
template <class E>
constexpr std::string_view name_of(E value, std::string_view fallback = "?") noexcept {
  for (const Named<E>& n : EnumNames<E>::table) {
    if (n.value == value) return n.name;
  }
  return fallback;
}

/// The value named exactly `text`.
template <class E>
constexpr std::optional<E> parse_name(std::string_view text) noexcept {
  for (const Named<E>& n : EnumNames<E>::table) {
    if (n.name == text) return n.value;
  }
  return std::nullopt;
}

}  // namespace leadscore::detail
