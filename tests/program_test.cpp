// Tests of the compiled form (src/compile/program.cpp, docs/design.md "The
// compiled form"): value slots, the dictionary of compared texts per slot,
// and the flat program. qualify() runs the flat steps, explain() walks the
// condition tree for its traces, qualify(BoundLead) reads pre-bound slots:
// every case below is checked through all three, against a hand-computed
// expectation.
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/numbered.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

/// The fit score of `lead` by qualify(), checked equal to explain()'s and
/// to qualify() on the bound lead.
double fit_of(const Qualifier& q, const Lead& lead) {
  const Qualification flat = q.qualify(lead, as_of());
  const Explanation tree = q.explain(lead, as_of());
  const BoundLead bound = q.bind(lead);
  EXPECT_TRUE(identical(flat, tree.result)) << "qualify() and explain() disagree";
  EXPECT_TRUE(identical(flat, q.qualify(bound, as_of()))) << "bound lead disagrees";
  return flat.fit;
}

/// Rules worth 1, 2, 4, ... so the fit score says which held.
Qualifier powers_of_two(const std::vector<Condition>& conditions, bool case_sensitive = false) {
  Config config;
  config.options.case_sensitive = case_sensitive;
  double points = 1;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    config.add(Rule::fit(test::numbered("r", i), conditions[i], points));
    points *= 2;
  }
  config.scores.fit.max = std::nullopt;
  return build_ok(std::move(config));
}

TEST(CompiledForm, TextIdsAgreeWithTextComparisonOnEveryValueType) {
  // One slot (attributes.tier) compared by eq, ne, in and not_in, with
  // overlapping texts (the dictionary holds each once) and a case-sensitive
  // eq that must not use the ids.
  Condition exact = field("attributes.tier").eq("Gold");
  exact.case_sensitive = true;
  const Qualifier q = powers_of_two({
      field("attributes.tier").eq("gold"),                     // 1
      field("attributes.tier").ne("GOLD"),                     // 2
      field("attributes.tier").in(Strings{"Gold", "silver"}),  // 4
      field("attributes.tier").not_in(Strings{"silver"}),      // 8
      exact,                                                   // 16
  });
  EXPECT_EQ(fit_of(q, LeadBuilder("a").attr("tier", "GOLD").build()), 1 + 4 + 8);
  EXPECT_EQ(fit_of(q, LeadBuilder("b").attr("tier", "Gold").build()), 1 + 4 + 8 + 16);
  EXPECT_EQ(fit_of(q, LeadBuilder("c").attr("tier", "Silver").build()), 2 + 4);
  EXPECT_EQ(fit_of(q, LeadBuilder("d").attr("tier", "bronze").build()), 2 + 8);
  // A number, a boolean, a missing value: no text operator holds.
  EXPECT_EQ(fit_of(q, LeadBuilder("e").attr("tier", 5).build()), 0);
  EXPECT_EQ(fit_of(q, LeadBuilder("f").attr("tier", true).build()), 0);
  EXPECT_EQ(fit_of(q, LeadBuilder("g").build()), 0);
  // A list: in holds when an element is in the list; not_in when none is.
  EXPECT_EQ(fit_of(q, LeadBuilder("h").attr("tier", Strings{"x", "SILVER"}).build()), 4);
  EXPECT_EQ(fit_of(q, LeadBuilder("i").attr("tier", Strings{"x"}).build()), 8);
}

TEST(CompiledForm, NumberIntervalsKeepTheirEnds) {
  const Qualifier q = powers_of_two({
      field("attributes.n").lt(10),          // 1
      field("attributes.n").lte(10),         // 2
      field("attributes.n").gt(10),          // 4
      field("attributes.n").gte(10),         // 8
      field("attributes.n").between(5, 10),  // 16
      field("attributes.n").eq(10.0),        // 32
      field("attributes.n").ne(10.0),        // 64
  });
  EXPECT_EQ(fit_of(q, LeadBuilder("a").attr("n", 10).build()), 2 + 8 + 16 + 32);
  EXPECT_EQ(fit_of(q, LeadBuilder("b").attr("n", 5).build()), 1 + 2 + 16 + 64);
  EXPECT_EQ(fit_of(q, LeadBuilder("c").attr("n", 11).build()), 4 + 8 + 64);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(fit_of(q, LeadBuilder("d").attr("n", Value(-inf)).build()), 1 + 2 + 64);
  EXPECT_EQ(fit_of(q, LeadBuilder("e").attr("n", Value(inf)).build()), 4 + 8 + 64);
  // Text that looks like a number is text: no numeric operator holds.
  EXPECT_EQ(fit_of(q, LeadBuilder("f").attr("n", "10").build()), 0);
}

TEST(CompiledForm, NestedGroupsShortCircuitToTheSameResult) {
  // any(all(a, not b), c), all(any(a, b), not(c)), all(a), not(not(c)), over
  // every mix of a, b, c.
  const Condition a = field("attributes.a").eq("yes");
  const Condition b = field("company.industry").in(Strings{"software", "saas"});
  const Condition c = field("company.employees").gte(100);
  const Qualifier q = powers_of_two(
      {any({all({a, negate(b)}), c}), all({any({a, b}), negate(c)}), all({a}), negate(negate(c))});
  for (int mask = 0; mask < 8; ++mask) {
    const bool ha = (mask & 1) != 0, hb = (mask & 2) != 0, hc = (mask & 4) != 0;
    LeadBuilder lead(test::numbered("m", mask));
    lead.attr("a", ha ? "YES" : "no").industry(hb ? "SaaS" : "retail").employees(hc ? 500 : 5);
    const double want =
        ((ha && !hb) || hc ? 1 : 0) + ((ha || hb) && !hc ? 2 : 0) + (ha ? 4 : 0) + (hc ? 8 : 0);
    EXPECT_EQ(fit_of(q, lead.build()), want) << "a=" << ha << " b=" << hb << " c=" << hc;
  }
}

TEST(CompiledForm, ConditionsBeyondTheBoundSlotsStillHold) {
  // 300 attributes read, more than the 256 slots bound per evaluation.
  Config config;
  for (int i = 0; i < 300; ++i) {
    const std::string name = "attributes.a" + std::to_string(1000 + i);
    config.add(Rule::fit(test::numbered("r", i), field(name).eq("on"), 1));
  }
  config.scores.fit.max = std::nullopt;
  const Qualifier q = build_ok(std::move(config));
  LeadBuilder lead("many");
  for (int i = 0; i < 300; i += 3) lead.attr(test::numbered("a", 1000 + i), "ON");
  EXPECT_EQ(fit_of(q, lead.build()), 100);
}

TEST(CompiledForm, OneStepFitRulesSummedApartGiveTheSameScores) {
  // One-step fit rules (eq, ne, in, not_in, ranges, number ne) are summed in
  // loops of their own, apart from rules with groups (whose jumps move with
  // them) and engagement rules; interleaved here, each worth a power of two.
  const Condition a = field("attributes.a").eq("yes");
  const Condition b = field("company.industry").in(Strings{"software", "saas"});
  const Condition c = field("company.employees").gte(100);
  const Qualifier q = powers_of_two({a, any({a, c}), field("attributes.a").ne("yes"), negate(b),
                                     all({b, negate(c)}),
                                     field("company.industry").not_in(Strings{"software", "saas"}),
                                     field("company.employees").between(10, 200), b, c,
                                     field("company.employees").ne(Operand(500.0))});
  for (int mask = 0; mask < 27; ++mask) {
    const int ma = mask % 3, mb = mask / 3 % 3, mc = mask / 9;
    LeadBuilder lead(test::numbered("m", mask));
    if (ma > 0) lead.attr("a", ma == 1 ? "YES" : "no");
    if (mb > 0) lead.industry(mb == 1 ? "SaaS" : "retail");
    if (mc > 0) lead.employees(mc == 1 ? 500 : 50);
    const bool ha = ma == 1, hb = mb == 1, hc = mc == 1;
    const double want = (ha ? 1 : 0) + (ha || hc ? 2 : 0) + (ma == 2 ? 4 : 0) + (!hb ? 8 : 0) +
                        (hb && !hc ? 16 : 0) + (mb == 2 ? 32 : 0) + (mc == 2 ? 64 : 0) +
                        (hb ? 128 : 0) + (hc ? 256 : 0) + (mc == 2 ? 512 : 0);
    EXPECT_EQ(fit_of(q, lead.build()), want) << "mask " << mask;
  }
}

TEST(CompiledForm, FitPointsThatCouldOverflowKeepTheConfigurationOrder) {
  // 9,300 one-step rules of 1e9 points (more than int64 micro-points hold)
  // after one of -1e9: summed in order, the total saturates; summing apart
  // would differ (or overflow), so such a model keeps every rule in order.
  Config config;
  config.add(Rule::fit("minus", field("attributes.a").eq("yes"), -1e9));
  for (int i = 0; i < 9300; ++i) {
    config.add(Rule::fit(test::numbered("r", i), field("attributes.a").eq("yes"), 1e9));
  }
  config.scores.fit.max = std::nullopt;
  const Qualifier q = build_ok(std::move(config));
  const double fit = fit_of(q, LeadBuilder("x").attr("a", "yes").build());
  EXPECT_EQ(fit, static_cast<double>(std::numeric_limits<std::int64_t>::max()) / 1e6);
}

TEST(CompiledForm, KnockoutsAndStagesRunAsSteps) {
  Config config;
  config.add(Rule::fit("big", field("company.employees").gte(100), 40));
  config.add(Rule::knockout("student", field("attributes.role").in(Strings{"student"}), "student"));
  config.add(Rule::knockout("competitor", field("attributes.kind").eq("competitor"), "competitor"));
  Stage sql_stage;
  sql_stage.name = "SQL";
  sql_stage.when = all({field("score.fit").gte(40), field("attributes.role").ne("intern")});
  config.add(std::move(sql_stage));
  const Qualifier q = build_ok(std::move(config));
  const Lead sql = LeadBuilder("s").employees(500).attr("role", "buyer").build();
  EXPECT_EQ(q.qualify(sql, as_of()).stage, "SQL");
  const Lead intern = LeadBuilder("i").employees(500).attr("role", "Intern").build();
  EXPECT_EQ(q.qualify(intern, as_of()).stage, "lead");
  // The first knockout in configuration order wins, whatever else held.
  const Lead both =
      LeadBuilder("b").employees(500).attr("role", "Student").attr("kind", "competitor").build();
  const Qualification r = q.qualify(both, as_of());
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.knockout_rule, "student");
  EXPECT_TRUE(identical(r, q.explain(both, as_of()).result));
}

}  // namespace
}  // namespace leadscore
