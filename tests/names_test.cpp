// Tests of the enum name tables (src/core/names.hpp): every name
// round-trips through the public to_string / parse_* functions.
#include "core/names.hpp"

#include <optional>
#include <set>
#include <string_view>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/csv.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore {
namespace {

template <class E>
void expect_names_round_trip() {
  std::set<std::string_view> seen;
  for (const auto& [value, name] : detail::EnumNames<E>::table) {
    EXPECT_EQ(detail::name_of(value), name);
    EXPECT_EQ(detail::parse_name<E>(name), value) << name;
    EXPECT_EQ(to_string(value), name);
    EXPECT_TRUE(seen.insert(name).second) << "twice: " << name;
  }
  EXPECT_EQ(detail::parse_name<E>("no_such_name"), std::nullopt);
}

TEST(Names, EveryNameRoundTrips) {
  expect_names_round_trip<Op>();
  expect_names_round_trip<Measure>();
  expect_names_round_trip<RuleKind>();
  expect_names_round_trip<Regression>();
  expect_names_round_trip<SalesStatus>();
  expect_names_round_trip<Origin>();
  expect_names_round_trip<EnrichmentLevel>();
  expect_names_round_trip<TransitionCause>();
  expect_names_round_trip<ApplyResult>();
  expect_names_round_trip<ValueType>();
  for (const auto& [kind, key] : detail::EnumNames<Condition::Kind>::table) {
    EXPECT_EQ(detail::parse_name<Condition::Kind>(key), kind);
  }
}

TEST(Names, PublicParsersUseTheTables) {
  for (const auto& [value, name] : detail::EnumNames<Op>::table) EXPECT_EQ(parse_op(name), value);
  for (const auto& [value, name] : detail::EnumNames<Measure>::table) {
    EXPECT_EQ(parse_measure(name), value);
  }
  for (const auto& [value, name] : detail::EnumNames<RuleKind>::table) {
    EXPECT_EQ(parse_rule_kind(name), value);
  }
  for (const auto& [value, name] : detail::EnumNames<Regression>::table) {
    EXPECT_EQ(parse_regression(name), value);
  }
  for (const auto& [value, name] : detail::EnumNames<SalesStatus>::table) {
    EXPECT_EQ(parse_sales_status(name), value);
  }
  for (const auto& [value, name] : detail::EnumNames<TransitionCause>::table) {
    EXPECT_EQ(parse_transition_cause(name), value);
  }
  // Origins are read case-insensitively; the other names exactly.
  EXPECT_EQ(parse_origin("Inbound"), Origin::inbound);
  EXPECT_EQ(parse_op("EQ"), std::nullopt);
  // Values outside an enum keep their old spellings.
  EXPECT_EQ(to_string(static_cast<Op>(200)), "?");
  EXPECT_EQ(to_string(static_cast<Origin>(200)), "unknown");
  EXPECT_EQ(to_string(static_cast<EnrichmentLevel>(200)), "incomplete");
  EXPECT_EQ(to_string(static_cast<ValueType>(200)), "string");
  // Messages list origins inbound first.
  EXPECT_EQ(detail::kNames<Origin>.front(), "inbound");
}

}  // namespace
}  // namespace leadscore
