// The public to_string / parse_* functions, from the name tables of names.hpp.
#include "core/names.hpp"

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "core/text.hpp"

namespace leadscore {

namespace {

using detail::EnumNames;
using detail::name_of;
using detail::parse_name;

/// Whether E's table names each value from 0 to `last` exactly once.
template <class E>
constexpr bool names_every_value(E last) {
  constexpr auto& table = EnumNames<E>::table;
  if (std::size(table) != static_cast<std::size_t>(last) + 1) return false;
  for (std::size_t i = 0; i < std::size(table); ++i) {
    std::size_t seen = 0;
    for (const auto& n : table) seen += static_cast<std::size_t>(n.value) == i ? 1 : 0;
    if (seen != 1) return false;
  }
  return true;
}

static_assert(names_every_value(Op::ends_with));
static_assert(names_every_value(Measure::sum));
static_assert(names_every_value(RuleKind::knockout));
static_assert(names_every_value(Condition::Kind::negate));
static_assert(names_every_value(Regression::immediate));
static_assert(names_every_value(SalesStatus::lost));
static_assert(names_every_value(Origin::outbound));
static_assert(names_every_value(EnrichmentLevel::enriched));
static_assert(names_every_value(TransitionCause::rescored));
static_assert(names_every_value(ApplyResult::automated));
static_assert(names_every_value(ValueType::origin));

}  // namespace

// Names out of an enum's range keep the spellings they always had: "?",
// or the enum's default value.
std::string_view to_string(Op v) noexcept { return name_of(v); }
std::string_view to_string(Measure v) noexcept { return name_of(v); }
std::string_view to_string(RuleKind v) noexcept { return name_of(v); }
std::string_view to_string(Regression v) noexcept { return name_of(v); }
std::string_view to_string(SalesStatus v) noexcept { return name_of(v); }
std::string_view to_string(Origin v) noexcept { return name_of(v, "unknown"); }
std::string_view to_string(EnrichmentLevel v) noexcept { return name_of(v, "incomplete"); }
std::string_view to_string(TransitionCause v) noexcept { return name_of(v); }
std::string_view to_string(ApplyResult v) noexcept { return name_of(v); }
std::string_view to_string(ValueType v) noexcept { return name_of(v, "string"); }

std::optional<Op> parse_op(std::string_view s) noexcept { return parse_name<Op>(s); }
std::optional<Measure> parse_measure(std::string_view s) noexcept { return parse_name<Measure>(s); }
std::optional<RuleKind> parse_rule_kind(std::string_view s) noexcept {
  return parse_name<RuleKind>(s);
}
std::optional<Regression> parse_regression(std::string_view s) noexcept {
  return parse_name<Regression>(s);
}
std::optional<SalesStatus> parse_sales_status(std::string_view s) noexcept {
  return parse_name<SalesStatus>(s);
}
std::optional<TransitionCause> parse_transition_cause(std::string_view s) noexcept {
  return parse_name<TransitionCause>(s);
}

/// The one name read case-insensitively (CRM exports write "Inbound").
std::optional<Origin> parse_origin(std::string_view s) noexcept {
  for (const auto& n : EnumNames<Origin>::table) {
    if (detail::iequals(s, n.name)) return n.value;
  }
  return std::nullopt;
}

}  // namespace leadscore
