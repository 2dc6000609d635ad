// Tests of Qualifier::build's validation (src/compile/compile.cpp): every error path
// with its code, JSON pointer, message and suggestion; all problems reported
// at once; limits (small Limits values keep these fast); warnings
// (rule_never_fires, rule_never_scores, unreachable_stage,
// unknown_event_type, unreachable_grade); Result::value() throwing Error.
#include <cmath>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/numbered.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Config with_fit(Condition when) { return config_with({Rule::fit("r", std::move(when), 1)}); }
Config with_rule(Rule rule) { return config_with({std::move(rule)}); }
Config with_stage(Condition when) {
  Config c;
  Stage s;
  s.name = "S";
  s.when = std::move(when);
  c.add(s);
  return c;
}
Rule fit_rule() { return Rule::fit("f", field("job_title").exists(), 1); }
Rule behavior_rule() { return Rule::behavior("b", {"page_view"}, 1); }

struct ErrorCase {
  std::string name;
  std::function<Config()> make;
  std::string code;
  std::string pointer;
  std::string message;
  std::string suggestion;
  Limits limits;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

ErrorCase err(std::string name, std::function<Config()> make, std::string code, std::string pointer,
              std::string message, std::string suggestion = {}, Limits limits = {}) {
  return ErrorCase{std::move(name),    std::move(make),       std::move(code), std::move(pointer),
                   std::move(message), std::move(suggestion), limits};
}

/// The configuration of a table case: a default Config changed by `edit`.
std::function<Config()> config_where(std::function<void(Config&)> edit) {
  return [edit = std::move(edit)] {
    Config c;
    edit(c);
    return c;
  };
}

/// The configuration of a table case: one rule, `base` changed by `edit`.
std::function<Config()> rule_where(Rule base, std::function<void(Rule&)> edit) {
  return [base = std::move(base), edit = std::move(edit)] {
    Rule r = base;
    edit(r);
    return with_rule(std::move(r));
  };
}

Limits limits_with(const std::function<void(Limits&)>& set) {
  Limits l;
  set(l);
  return l;
}

/// A Limits case: `make` goes over the limit that `lower` sets.
ErrorCase limit_err(std::string name, std::function<Config()> make, std::string pointer,
                    std::string message, const std::function<void(Limits&)>& lower) {
  return err(std::move(name), std::move(make), "limit_exceeded", std::move(pointer),
             std::move(message), "", limits_with(lower));
}

std::string error_case_name(const ::testing::TestParamInfo<ErrorCase>& param_info) {
  return param_info.param.name;
}

class BuildErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(BuildErrors, ReportsTheErrorWithCodePointerAndMessage) {
  const ErrorCase& c = GetParam();
  BuildOptions options;
  options.limits = c.limits;
  const Result<Qualifier> result = Qualifier::build(c.make(), options);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(has_errors(result.diagnostics()));
  std::vector<Diagnostic> errors;
  for (const auto& d : result.diagnostics()) {
    if (d.is_error()) errors.push_back(d);
  }
  ASSERT_EQ(errors.size(), 1u) << to_string(result.diagnostics());
  const Diagnostic& d = errors[0];
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_EQ(d.code, c.code);
  EXPECT_EQ(d.pointer, c.pointer);
  EXPECT_EQ(d.message, c.message);
  EXPECT_EQ(d.suggestion, c.suggestion);
}

// ---- top level, scores ----------------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    TopLevel, BuildErrors,
    ::testing::Values(
        err("version", config_where([](Config& c) { c.version = 2; }), "unsupported_version",
            "/version", "configuration format version 2 is not supported (expected 1)"),
        err("fit_floor_nan", config_where([](Config& c) { c.scores.fit.min = kNaN; }),
            "invalid_value", "/scores/fit/min", "the score floor must be a finite number"),
        err("engagement_ceiling_infinite",
            config_where([](Config& c) { c.scores.engagement.max = kInf; }), "invalid_value",
            "/scores/engagement/max", "the score ceiling must be a finite number"),
        err("ceiling_below_floor", config_where([](Config& c) {
              c.scores.fit.min = 10;
              c.scores.fit.max = 5;
            }),
            "invalid_value", "/scores/fit/max", "the fit ceiling 5 is below its floor 10"),
        err("fit_weight_infinite", config_where([](Config& c) { c.scores.weights.fit = -kInf; }),
            "invalid_value", "/scores/weights/fit", "the fit weight must be a finite number"),
        err("engagement_weight_nan",
            config_where([](Config& c) { c.scores.weights.engagement = kNaN; }), "invalid_value",
            "/scores/weights/engagement", "the engagement weight must be a finite number")),
    error_case_name);

// ---- event types, options, grades ---------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    OptionsAndGrades, BuildErrors,
    ::testing::Values(
        err(
            "empty_event_type", [] { return with_rule(Rule::behavior("b", {""}, 1)); },
            "invalid_value", "/rules/0/event", "an event type may not be empty"),
        err(
            "empty_event_type_in_list",
            [] {
              return with_rule(Rule::behavior("b", {"page_view", ""}, 1));
            },
            "invalid_value", "/rules/0/event/1", "an event type may not be empty"),
        err(
            "empty_aggregate_event_type", [] { return with_stage(events({""}).count().gte(1)); },
            "invalid_value", "/stages/0/when/event", "an event type may not be empty"),
        err("empty_free_email_domain", config_where([](Config& c) {
              c.options.free_email_domains = Strings{"gmail.com", ""};
            }),
            "invalid_value", "/options/free_email_domains/1", "a domain may not be empty"),
        err("misspelt_enrichment_field", config_where([](Config& c) {
              c.options.enrichment.fields = {"company.name", "company.employes"};
              c.options.enrichment.min_fields = 1;
            }),
            "unknown_field", "/options/enrichment/fields/1",
            "'company.employes' is not a lead field that enrichment can count",
            "company.employees"),
        err("derived_fact_as_enrichment_field", config_where([](Config& c) {
              c.options.enrichment.fields = {"completeness"};
              c.options.enrichment.min_fields = 0;
            }),
            "unknown_field", "/options/enrichment/fields/0",
            "'completeness' is not a lead field that enrichment can count"),
        err("min_fields_above_field_count", config_where([](Config& c) {
              c.options.enrichment.fields = {"company.name"};
              c.options.enrichment.min_fields = 2;
            }),
            "invalid_value", "/options/enrichment/min_fields",
            "min_fields 2 is more than the 1 enrichment fields listed"),
        err("empty_fallback_stage", config_where([](Config& c) { c.options.fallback_stage = ""; }),
            "invalid_value", "/options/fallback_stage", "the fallback stage needs a name"),
        err("no_grade_bands", config_where([](Config& c) { c.grades.fit = {}; }), "invalid_value",
            "/grades/fit", "at least one grade band is needed"),
        err("empty_grade_label", config_where([](Config& c) {
              c.grades.engagement = {{"1", 50}, {"", 0}};
            }),
            "invalid_value", "/grades/engagement/1/label", "a grade band needs a label"),
        err("duplicate_grade_label", config_where([](Config& c) {
              c.grades.fit = {{"A", 50}, {"A", 0}};
            }),
            "duplicate_label", "/grades/fit/1/label", "grade label 'A' is used twice"),
        err("bands_increasing", config_where([](Config& c) {
              c.grades.fit = {{"A", 50}, {"B", 60}};
            }),
            "band_order", "/grades/fit/1/min",
            "grade bands must be listed best first with strictly decreasing min: 60 follows 50"),
        err("bands_equal", config_where([](Config& c) {
              c.grades.engagement = {{"1", 50}, {"2", 50}};
            }),
            "band_order", "/grades/engagement/1/min",
            "grade bands must be listed best first with strictly decreasing min: 50 follows 50"),
        err("band_min_nan", config_where([](Config& c) {
              c.grades.fit = {{"A", kNaN}};
            }),
            "invalid_value", "/grades/fit/0/min", "a band minimum must be a finite number")),
    error_case_name);

// ---- operators and operands
// ----------------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    Operands, BuildErrors,
    ::testing::Values(
        err(
            "eq_without_value", [] { return with_fit(Condition::compare("job_title", Op::eq)); },
            "invalid_value", "/rules/0/when/value",
            "operator eq expects a string, number or boolean, got nothing"),
        err(
            "eq_number_field_text", [] { return with_fit(field("company.employees").eq("many")); },
            "invalid_value", "/rules/0/when/value", "operator eq expects a number, got a string"),
        err(
            "eq_text_field_number", [] { return with_fit(field("job_title").eq(5.0)); },
            "invalid_value", "/rules/0/when/value", "operator eq expects a string, got a number"),
        err(
            "eq_bool_field_text", [] { return with_fit(field("consent.do_not_email").eq("yes")); },
            "invalid_value", "/rules/0/when/value", "operator eq expects a boolean, got a string"),
        err(
            "ne_list", [] { return with_fit(field("attributes.x").ne(Operand(Strings{"a"}))); },
            "invalid_value", "/rules/0/when/value",
            "operator ne expects a string, number or boolean, got a list of strings"),
        err(
            "exists_with_value",
            [] { return with_fit(Condition::compare("job_title", Op::exists, std::string("x"))); },
            "invalid_value", "/rules/0/when/value",
            "operator exists expects no value, got a string"),
        err(
            "missing_with_value",
            [] { return with_fit(Condition::compare("job_title", Op::missing, true)); },
            "invalid_value", "/rules/0/when/value",
            "operator missing expects no value, got a boolean"),
        err(
            "in_empty_list", [] { return with_fit(field("job_title").in(Strings{})); },
            "invalid_value", "/rules/0/when/value",
            "operator in expects a non-empty list of strings or numbers, got a list of strings"),
        err(
            "in_scalar",
            [] { return with_fit(Condition::compare("job_title", Op::in, std::string("x"))); },
            "invalid_value", "/rules/0/when/value",
            "operator in expects a non-empty list of strings or numbers, got a string"),
        err(
            "in_number_field_texts",
            [] { return with_fit(field("company.employees").in(Strings{"a"})); }, "invalid_value",
            "/rules/0/when/value", "operator in expects a list of numbers, got a list of strings"),
        err(
            "not_in_text_field_numbers",
            [] { return with_fit(field("job_title").not_in(Numbers{1})); }, "invalid_value",
            "/rules/0/when/value",
            "operator not_in expects a list of strings, got a list of numbers"),
        err(
            "in_bool_field",
            [] { return with_fit(field("consent.do_not_email").in(Strings{"x"})); },
            "type_mismatch", "/rules/0/when/op",
            "operator in needs text or a number; 'consent.do_not_email' is a boolean"),
        err(
            "gt_text_field", [] { return with_fit(field("job_title").gt(5)); }, "type_mismatch",
            "/rules/0/when/op", "operator gt needs a number; 'job_title' is text"),
        err(
            "lte_bool_field", [] { return with_fit(field("free_email").lte(1)); }, "type_mismatch",
            "/rules/0/when/op", "operator lte needs a number; 'free_email' is a boolean"),
        err(
            "gt_text_operand",
            [] {
              return with_fit(Condition::compare("company.employees", Op::gt, std::string("5")));
            },
            "invalid_value", "/rules/0/when/value", "operator gt expects a number, got a string"),
        err(
            "between_one_number",
            [] {
              return with_fit(Condition::compare("company.employees", Op::between, Numbers{1}));
            },
            "invalid_value", "/rules/0/when/value",
            "operator between expects [low, high], got a list of numbers"),
        err(
            "between_reversed", [] { return with_fit(field("company.employees").between(10, 5)); },
            "invalid_value", "/rules/0/when/value", "between needs low <= high, got [10, 5]"),
        err(
            "between_text_field", [] { return with_fit(field("job_title").between(1, 2)); },
            "type_mismatch", "/rules/0/when/op",
            "operator between needs a number; 'job_title' is text"),
        err(
            "contains_number_field",
            [] { return with_fit(field("company.employees").contains("5")); }, "type_mismatch",
            "/rules/0/when/op", "operator contains needs text; 'company.employees' is a number"),
        err(
            "contains_list",
            [] { return with_fit(Condition::compare("job_title", Op::contains, Strings{"a"})); },
            "invalid_value", "/rules/0/when/value",
            "operator contains expects a string, got a list of strings"),
        err(
            "starts_with_bool_field",
            [] { return with_fit(field("consent.do_not_call").starts_with("t")); }, "type_mismatch",
            "/rules/0/when/op",
            "operator starts_with needs text; 'consent.do_not_call' is a boolean"),
        err(
            "ends_with_number_operand",
            [] { return with_fit(Condition::compare("job_title", Op::ends_with, 5.0)); },
            "invalid_value", "/rules/0/when/value",
            "operator ends_with expects a string, got a number"),
        err(
            "contains_any_empty", [] { return with_fit(field("job_title").contains_any({})); },
            "invalid_value", "/rules/0/when/value",
            "operator contains_any expects a non-empty list of strings, got a list of strings"),
        err(
            "contains_any_number_field",
            [] { return with_fit(field("days_since_created").contains_any({"a"})); },
            "type_mismatch", "/rules/0/when/op",
            "operator contains_any needs text; 'days_since_created' is a number"),
        err(
            "enrichment_value", [] { return with_fit(field("enrichment").eq("enrichd")); },
            "invalid_value", "/rules/0/when/value",
            "'enrichd' is not a value of enrichment (expected one of incomplete, non_enriched, "
            "enriched)",
            "enriched"),
        err(
            "origin_value_in_list",
            [] {
              return with_fit(field("origin").in(Strings{"inbound", "outbond"}));
            },
            "invalid_value", "/rules/0/when/value/1",
            "'outbond' is not a value of origin (expected one of inbound, outbound, unknown)",
            "outbound")),
    error_case_name);

// ---- condition structure and fields ------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    Conditions, BuildErrors,
    ::testing::Values(
        err(
            "not_with_two_children",
            [] {
              Condition n = negate(field("job_title").exists());
              n.children.push_back(field("seniority").exists());
              return with_fit(n);
            },
            "invalid_condition", "/rules/0/when/not", "'not' takes exactly one condition"),
        err(
            "not_without_child",
            [] {
              Condition n;
              n.kind = Condition::Kind::negate;
              return with_fit(n);
            },
            "invalid_condition", "/rules/0/when/not", "'not' takes exactly one condition"),
        err(
            "misspelt_field", [] { return with_fit(field("company.employes").gte(50)); },
            "unknown_field", "/rules/0/when/field", "unknown field 'company.employes'",
            "company.employees"),
        err(
            "misspelt_nested_field",
            [] {
              return with_fit(any({field("job_title").exists(), field("job_tilte").exists()}));
            },
            "unknown_field", "/rules/0/when/any/1/field", "unknown field 'job_tilte'", "job_title"),
        err(
            "bare_attributes", [] { return with_fit(field("attributes").exists()); },
            "unknown_field", "/rules/0/when/field",
            "unknown field 'attributes' (write attributes.<name> or event_count.<type>)"),
        err(
            "score_in_a_rule", [] { return with_fit(field("score.fit").gte(5)); },
            "field_not_allowed", "/rules/0/when/field",
            "'score.fit' is only available in stage conditions (scores are computed from the "
            "rules)"),
        err(
            "misspelt_stage_field", [] { return with_stage(field("score.engagment").gte(5)); },
            "unknown_field", "/stages/0/when/field", "unknown field 'score.engagment'",
            "score.engagement"),
        err(
            "misspelt_field_under_not", [] { return with_fit(negate(field("seniorty").exists())); },
            "unknown_field", "/rules/0/when/not/field", "unknown field 'seniorty'", "seniority"),
        err(
            "misspelt_field_in_origin_condition",
            [] {
              Config c = with_stage(field("score.fit").gte(5));
              c.stages[0].by_origin.emplace_back(
                  Origin::inbound, all({field("score.fit").gte(1), field("grade.fitt").eq("A")}));
              return c;
            },
            "unknown_field", "/stages/0/by_origin/inbound/all/1/field",
            "unknown field 'grade.fitt'", "grade.fit"),
        err(
            "empty_property_name",
            [] {
              return with_rule(behavior_rule().only_where(Condition::compare("", Op::exists)));
            },
            "invalid_value", "/rules/0/where/0/field", "a property name may not be empty"),
        err(
            "aggregate_in_behavior_where",
            [] { return with_rule(behavior_rule().only_where(events().count().gte(1))); },
            "invalid_condition", "/rules/0/where/0",
            "an event aggregate cannot be nested inside 'where'"),
        err(
            "aggregate_in_aggregate_where",
            [] {
              return with_rule(
                  Rule::engagement("e", events().where(events().count().gte(1)).count().gte(1), 1));
            },
            "invalid_condition", "/rules/0/when/where/0",
            "an event aggregate cannot be nested inside 'where'"),
        err(
            "aggregate_window_zero", [] { return with_fit(events().within(0).count().gte(1)); },
            "invalid_value", "/rules/0/when/within_days",
            "within_days must be a number of days in (0, 36500]"),
        err(
            "sum_without_property",
            [] { return with_fit(events({"product_usage"}).sum("").gte(1)); }, "missing_key",
            "/rules/0/when/property", "measure 'sum' needs the numeric 'property' to add up"),
        err(
            "property_on_count",
            [] {
              Condition c = events().count().gte(1);
              c.property = "duration";
              return with_fit(c);
            },
            "invalid_value", "/rules/0/when/property", "'property' is only used by measure 'sum'"),
        err(
            "distinct_days_without_window",
            [] { return with_fit(events().distinct_days().gte(3)); }, "missing_key",
            "/rules/0/when/within_days",
            "measure 'distinct_days' needs 'within_days' (at most 3660)"),
        err(
            "aggregate_text_operand",
            [] { return with_fit(events().count().is(Op::eq, std::string("3"))); }, "invalid_value",
            "/rules/0/when/value", "an aggregate compares with a number, got a string"),
        err(
            "aggregate_contains",
            [] { return with_fit(events().count().is(Op::contains, std::string("x"))); },
            "type_mismatch", "/rules/0/when/op",
            "operator contains does not apply to an aggregate (use eq, ne, lt, lte, gt, gte, "
            "between, exists or "
            "missing)"),
        err(
            "aggregate_between_reversed", [] { return with_fit(events().count().between(5, 1)); },
            "invalid_value", "/rules/0/when/value", "between needs low <= high, got [5, 1]"),
        err(
            "aggregate_exists_with_value",
            [] { return with_fit(events().count().is(Op::exists, 1.0)); }, "invalid_value",
            "/rules/0/when/value", "operator exists expects no value")),
    error_case_name);

// ---- rules
// ---------------------------------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    Rules, BuildErrors,
    ::testing::Values(
        err(
            "missing_id", [] { return with_rule(Rule::fit("", field("job_title").exists(), 1)); },
            "missing_key", "/rules/0/id", "every rule needs an id"),
        err(
            "invalid_id",
            [] { return with_rule(Rule::fit("bad id!", field("job_title").exists(), 1)); },
            "invalid_value", "/rules/0/id",
            "rule id 'bad id!' may only use letters, digits, _ . : -"),
        err(
            "duplicate_id",
            [] {
              return config_with(
                  {Rule::fit("a", field("job_title").exists(), 1), Rule::behavior("a", {"x"}, 1)});
            },
            "duplicate_rule_id", "/rules/1/id", "rule id 'a' is already used by /rules/0"),
        err(
            "points_nan",
            [] { return with_rule(Rule::fit("f", field("job_title").exists(), kNaN)); },
            "invalid_value", "/rules/0/points", "points must be a finite number"),
        err(
            "points_too_large", [] { return with_rule(Rule::behavior("b", {"x"}, -2e9)); },
            "invalid_value", "/rules/0/points", "points must be within [-1e9, 1e9]"),
        err("behavior_with_when",
            rule_where(behavior_rule(), [](Rule& r) { r.when = field("job_title").exists(); }),
            "unexpected_key", "/rules/0/when",
            "behavior rules have no 'when': use 'event' and 'where'"),
        err(
            "max_points_zero", [] { return with_rule(behavior_rule().cap(0)); }, "invalid_value",
            "/rules/0/max_points",
            "max_points must be a positive number (it caps the magnitude of the rule's total)"),
        err(
            "max_points_negative",
            [] { return with_rule(Rule::behavior("b", {"x"}, -5).cap(-10)); }, "invalid_value",
            "/rules/0/max_points",
            "max_points must be a positive number (it caps the magnitude of the rule's total)"),
        err(
            "max_per_day_zero", [] { return with_rule(behavior_rule().per_day(0)); },
            "invalid_value", "/rules/0/max_per_day", "max_per_day must be at least 1"),
        err(
            "within_days_zero", [] { return with_rule(behavior_rule().within(0)); },
            "invalid_value", "/rules/0/within_days",
            "within_days must be a number of days in (0, 36500]"),
        err(
            "within_days_too_long", [] { return with_rule(behavior_rule().within(40000)); },
            "invalid_value", "/rules/0/within_days",
            "within_days must be a number of days in (0, 36500]"),
        err(
            "half_life_zero", [] { return with_rule(behavior_rule().decay(0)); }, "invalid_value",
            "/rules/0/half_life_days", "half_life_days must be a positive number of days"),
        err("behavior_with_reason", rule_where(behavior_rule(), [](Rule& r) { r.reason = "spam"; }),
            "unexpected_key", "/rules/0/reason", "only knockout rules have a 'reason'"),
        err("fit_with_event",
            rule_where(fit_rule(), [](Rule& r) { r.event_types = {"page_view"}; }),
            "unexpected_key", "/rules/0/event",
            "'event' is only used by behavior rules, not by fit rules"),
        err("engagement_with_where",
            rule_where(Rule::engagement("e", field("event_count").gte(1), 1),
                       [](Rule& r) { r.where.push_back(field("url").exists()); }),
            "unexpected_key", "/rules/0/where",
            "'where' is only used by behavior rules, not by engagement rules"),
        err("knockout_with_max_points",
            rule_where(Rule::knockout("k", field("job_title").exists(), "why"),
                       [](Rule& r) { r.max_points = 5; }),
            "unexpected_key", "/rules/0/max_points",
            "'max_points' is only used by behavior rules, not by knockout rules"),
        err("fit_with_max_per_day", rule_where(fit_rule(), [](Rule& r) { r.max_per_day = 1; }),
            "unexpected_key", "/rules/0/max_per_day",
            "'max_per_day' is only used by behavior rules, not by fit rules"),
        err("fit_with_within_days", rule_where(fit_rule(), [](Rule& r) { r.within_days = 3; }),
            "unexpected_key", "/rules/0/within_days",
            "'within_days' is only used by behavior rules, not by fit rules"),
        err("fit_with_half_life", rule_where(fit_rule(), [](Rule& r) { r.half_life_days = 3; }),
            "unexpected_key", "/rules/0/half_life_days",
            "'half_life_days' is only used by behavior rules, not by fit rules"),
        err(
            "fit_without_when", [] { return with_rule(Rule::fit("f", Condition{}, 5)); },
            "missing_key", "/rules/0/when", "fit rules need a 'when' condition"),
        err(
            "knockout_without_when",
            [] { return with_rule(Rule::knockout("k", Condition{}, "why")); }, "missing_key",
            "/rules/0/when", "knockout rules need a 'when' condition"),
        err(
            "knockout_without_reason",
            [] { return with_rule(Rule::knockout("k", field("job_title").exists(), "")); },
            "missing_key", "/rules/0/reason", "knockout rules need a 'reason' code"),
        err("knockout_with_points",
            rule_where(Rule::knockout("k", field("job_title").exists(), "why"),
                       [](Rule& r) { r.points = 5; }),
            "unexpected_key", "/rules/0/points", "knockout rules disqualify; they have no points"),
        err("fit_with_reason", rule_where(fit_rule(), [](Rule& r) { r.reason = "why"; }),
            "unexpected_key", "/rules/0/reason", "only knockout rules have a 'reason'")),
    error_case_name);

// ---- stages
// ----------------------------------------------------------------------------------------
Stage named(std::string name, Condition when) {
  Stage s;
  s.name = std::move(name);
  s.when = std::move(when);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Stages, BuildErrors,
    ::testing::Values(
        err("stage_without_name",
            config_where([](Config& c) { c.add(named("", field("score.fit").gte(1))); }),
            "missing_key", "/stages/0/name", "every stage needs a name"),
        err("stage_defined_twice", config_where([](Config& c) {
              c.add(named("MQL", field("score.fit").gte(50)))
                  .add(named("MQL", field("score.fit").gte(20)));
            }),
            "duplicate_stage", "/stages/1/name", "stage 'MQL' is defined twice"),
        err("stage_named_like_the_fallback",
            config_where([](Config& c) { c.add(named("lead", field("score.fit").gte(1))); }),
            "duplicate_stage", "/stages/0/name",
            "stage 'lead' has the name of the fallback stage (options.fallback_stage)"),
        err("origin_given_twice", config_where([](Config& c) {
              Stage s = named("MQL", field("score.fit").gte(50));
              s.by_origin.emplace_back(Origin::outbound, field("score.fit").gte(60));
              s.by_origin.emplace_back(Origin::outbound, field("score.fit").gte(70));
              c.add(s);
            }),
            "duplicate_key", "/stages/0/by_origin/outbound", "origin 'outbound' is given twice")),
    error_case_name);

// ---- limits
// ---------------------------------------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    LimitValues, BuildErrors,
    ::testing::Values(
        limit_err(
            "max_rules",
            [] {
              return config_with(
                  {fit_rule(), behavior_rule(), Rule::fit("g", field("id").exists(), 1)});
            },
            "/rules", "more than 2 rules (Limits::max_rules)", [](Limits& l) { l.max_rules = 2; }),
        limit_err("max_stages", config_where([](Config& c) {
                    c.add(named("A", field("score.fit").gte(50)))
                        .add(named("B", field("score.fit").gte(20)));
                  }),
                  "/stages", "more than 1 stages (Limits::max_stages)",
                  [](Limits& l) { l.max_stages = 1; }),
        limit_err(
            "max_behavior_rules",
            [] {
              return config_with({behavior_rule(), Rule::behavior("c", {"form_submit"}, 2)});
            },
            "/rules/1", "more than 1 behavior rules (Limits::max_behavior_rules)",
            [](Limits& l) { l.max_behavior_rules = 1; }),
        limit_err(
            "max_aggregates",
            [] {
              return config_with({Rule::engagement("a", events().count().gte(1), 1),
                                  Rule::engagement("b", events({"page_view"}).count().gte(2), 1)});
            },
            "/rules/1/when", "more than 1 event aggregates (Limits::max_aggregates)",
            [](Limits& l) { l.max_aggregates = 1; }),
        limit_err(
            "max_event_types",
            [] {
              return config_with({Rule::behavior("b", {"page_view", "form_submit"}, 1),
                                  Rule::engagement("e", events({"email_open"}).count().gte(1), 1)});
            },
            "/rules",
            "the configuration names 3 event types, more than 2 (Limits::max_event_types)",
            [](Limits& l) { l.max_event_types = 2; }),
        limit_err(
            "max_set_size_in",
            [] {
              return with_fit(field("job_title").in(Strings{"a", "b", "c", "d"}));
            },
            "/rules/0/when/value", "list of 4 values is longer than 3 (Limits::max_set_size)",
            [](Limits& l) { l.max_set_size = 3; }),
        limit_err(
            "max_set_size_contains_any",
            [] {
              return with_fit(field("job_title").contains_any({"a", "b", "c", "d"}));
            },
            "/rules/0/when/value", "list longer than Limits::max_set_size",
            [](Limits& l) { l.max_set_size = 3; }),
        limit_err("max_set_size_free_email_domains", config_where([](Config& c) {
                    c.options.free_email_domains = Strings{"a.io", "b.io", "c.io", "d.io"};
                  }),
                  "/options/free_email_domains", "more than 3 domains (Limits::max_set_size)",
                  [](Limits& l) { l.max_set_size = 3; }),
        limit_err(
            "max_condition_depth",
            [] { return with_fit(all({all({field("job_title").exists()})})); },
            "/rules/0/when/all/0/all/0",
            "condition nested deeper than 2 levels (Limits::max_condition_depth)",
            [](Limits& l) { l.max_condition_depth = 2; }),
        limit_err(
            "max_string_length",
            [] { return with_rule(Rule::fit("abcdefghijklmn", field("id").exists(), 1)); },
            "/rules/0/id", "string of 14 characters is longer than 8 (Limits::max_string_length)",
            [](Limits& l) { l.max_string_length = 8; }),
        limit_err(
            "distinct_days_window",
            [] { return with_fit(events().within(14).distinct_days().gte(3)); },
            "/rules/0/when/within_days",
            "distinct_days window of 14 days is longer than 10 (Limits::max_distinct_days_window)",
            [](Limits& l) { l.max_distinct_days_window = 10; }),
        limit_err(
            "distinct_days_window_hard_cap",
            [] { return with_fit(events().within(3661).distinct_days().gte(3)); },
            "/rules/0/when/within_days",
            "distinct_days window of 3661 days is longer than 3660 "
            "(Limits::max_distinct_days_window)",
            [](Limits& l) { l.max_distinct_days_window = 1e6; }),
        err(
            "distinct_days_windows_in_total",
            [] {
              // Each 3660-day window takes 58 words of 64 days; 36 of them
              // exceed the 2048-word evaluation buffer.
              Config c;
              for (int i = 0; i < 36; ++i) {
                c.add(Rule::engagement(test::numbered("e", i),
                                       events().within(3660).distinct_days().gte(1), 1));
              }
              return c;
            },
            "limit_exceeded", "/rules/35/when/within_days",
            "the distinct_days windows of this configuration add up to more than 131072 days")),
    error_case_name);

// ---------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------

TEST(BuildDiagnostics, AllProblemsAreReportedAtOnceInDocumentOrder) {
  Config c;
  c.version = 3;
  c.add(Rule::fit("size", field("company.employes").gte(50), 20));
  c.add(Rule::fit("size", field("job_title").exists(), 10));
  c.add(Rule::behavior("demo", {"demo_requst"}, 30).per_day(0));
  c.add(Rule::knockout("student", field("job_title").contains_any({"student"}), ""));
  c.add(named("", field("score.fit").gte(10)));
  const std::vector<Diagnostic> d = test::build_errors(c);
  std::vector<std::string> seen;
  for (const auto& x : d)
    seen.push_back(std::string(x.is_error() ? "error " : "warning ") + x.code + " " + x.pointer);
  EXPECT_EQ(seen, (Strings{
                      "error unsupported_version /version",
                      "warning unknown_event_type /rules/2/event",
                      "error unknown_field /rules/0/when/field",
                      "error duplicate_rule_id /rules/1/id",
                      "error invalid_value /rules/2/max_per_day",
                      "error missing_key /rules/3/reason",
                      "error missing_key /stages/0/name",
                  }));
}

TEST(BuildDiagnostics, DidYouMeanForAMisspeltField) {
  const std::vector<Diagnostic> d = test::build_errors(with_fit(field("company.employes").gte(50)));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].suggestion, "company.employees");
  EXPECT_EQ(
      d[0].to_string(),
      "error[unknown_field] at /rules/0/when/field: unknown field 'company.employes' (did you mean "
      "'company.employees'?)");
}

TEST(BuildDiagnostics, FarFromEveryFieldHasNoSuggestion) {
  const std::vector<Diagnostic> d = test::build_errors(with_fit(field("shoe_size").gte(42)));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "unknown_field");
  EXPECT_EQ(d[0].suggestion, "");
}

TEST(BuildDiagnostics, ValueThrowsErrorCarryingTheDiagnostics) {
  Result<Qualifier> result = Qualifier::build(with_fit(field("company.employes").gte(50)));
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(static_cast<bool>(result));
  try {
    (void)result.value();
    FAIL() << "value() did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.diagnostics(), result.diagnostics());
    EXPECT_NE(std::string(e.what()).find("error[unknown_field] at /rules/0/when/field"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)std::move(result).value(), Error);
  const Result<Qualifier> const_result = Qualifier::build(with_fit(field("nope").exists()));
  EXPECT_THROW((void)const_result.value(), Error);
  EXPECT_THROW((void)const_result->config(), Error);
}

TEST(BuildDiagnostics, DefaultConfigurationBuildsWithoutWarnings) {
  const Result<Qualifier> result = Qualifier::build(default_config());
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_TRUE(result.diagnostics().empty()) << to_string(result.diagnostics());
  EXPECT_TRUE(Qualifier::with_default_config().warnings().empty());
}

// ---------------------------------------------------------------------------
// Warnings: the configuration builds, and the warnings are reported both in
// the result and by Qualifier::warnings().
// ---------------------------------------------------------------------------

std::vector<Diagnostic> warnings_of(Config c) {
  const Result<Qualifier> result = Qualifier::build(std::move(c));
  EXPECT_TRUE(result.ok()) << to_string(result.diagnostics());
  if (!result.ok()) return {};
  EXPECT_EQ(result.diagnostics(), result->warnings());
  for (const auto& d : result.diagnostics())
    EXPECT_EQ(d.severity, Severity::warning) << d.to_string();
  return result.diagnostics();
}

TEST(BuildWarnings, RuleThatCanNeverFire) {
  const auto w = warnings_of(config_with({
      Rule::fit("impossible",
                all({field("company.employees").gte(50), field("company.employees").lt(30)}), 10),
      Rule::fit("possible",
                all({field("company.employees").gte(30), field("company.employees").lt(50)}), 10),
      Rule::fit("point",
                all({field("company.employees").gte(30), field("company.employees").lte(30)}), 10),
      Rule::fit("open_point",
                all({field("company.employees").gt(30), field("company.employees").lte(30)}), 10),
      Rule::fit("other_fields",
                all({field("company.employees").gte(50), field("company.annual_revenue").lt(30)}),
                10),
      Rule::behavior("views", {"page_view"}, 1)
          .only_where(all({field("duration").between(10, 20), field("duration").gt(20)})),
  }));
  ASSERT_EQ(w.size(), 3u) << to_string(w);
  EXPECT_EQ(test::code_pointer_message(w),
            (Strings{"rule_never_fires /rules/0/when: this condition can never hold, so rule "
                     "'impossible' never fires",
                     "rule_never_fires /rules/3/when: this condition can never hold, so rule "
                     "'open_point' never fires",
                     "rule_never_fires /rules/5/where/0: this condition can never hold, so rule "
                     "'views' never fires"}));
}

TEST(BuildWarnings, RuleThatNeverScores) {
  const auto w = warnings_of(config_with({
      Rule::fit("zero", field("job_title").exists(), 0),
      Rule::behavior("nothing", {"page_view"}, 0),
      Rule::knockout("k", field("job_title").eq("x"),
                     "why"),  // knockouts have no points: no warning
  }));
  ASSERT_EQ(w.size(), 2u) << to_string(w);
  EXPECT_EQ(test::code_pointer_message(w),
            (Strings{"rule_never_scores /rules/0/points: rule 'zero' adds 0 points",
                     "rule_never_scores /rules/1/points: rule 'nothing' adds 0 points per event"}));
}

TEST(BuildWarnings, StageAfterOneThatAlwaysHoldsIsUnreachable) {
  Config c;
  c.add(named("everyone", Condition{}));
  c.add(named("never_reached", field("score.fit").gte(50)));
  const auto w = warnings_of(c);
  ASSERT_EQ(w.size(), 1u) << to_string(w);
  EXPECT_EQ(test::code_pointer_message(w),
            (Strings{"unreachable_stage /stages/1: stage 'never_reached' can never be reached (its "
                     "condition can never hold, or an earlier stage always holds)"}));
}

TEST(BuildWarnings, StageWhoseConditionCanNeverHoldIsUnreachable) {
  Config c;
  c.add(named("contradiction", all({field("score.fit").gte(50), field("score.fit").lt(30)})));
  c.add(named("fine", field("score.fit").gte(10)));
  const auto w = warnings_of(c);
  ASSERT_EQ(w.size(), 1u) << to_string(w);
  EXPECT_EQ(w[0].code, "unreachable_stage");
  EXPECT_EQ(w[0].pointer, "/stages/0");
}

TEST(BuildWarnings, StageReachableForSomeOriginIsNotFlagged) {
  Config c;
  Stage first = named("first", Condition{});  // always, except for outbound leads
  first.by_origin.emplace_back(Origin::outbound, field("score.fit").gte(50));
  c.add(first);
  c.add(named("second", field("score.fit").gte(10)));
  EXPECT_TRUE(warnings_of(c).empty());
}

TEST(BuildWarnings, NearMissEventType) {
  const auto w = warnings_of(config_with({
      Rule::behavior("demo", {"demo_requst"}, 30),
      Rule::behavior("custom", {"invoice_paid"}, 5),  // far from every standard type: no warning
  }));
  ASSERT_EQ(w.size(), 1u) << to_string(w);
  EXPECT_EQ(w[0].code, "unknown_event_type");
  EXPECT_EQ(w[0].pointer, "/rules/0/event");
  EXPECT_EQ(w[0].suggestion, "demo_request");
  EXPECT_EQ(
      w[0].message,
      "event type 'demo_requst' is not a standard type; it only matches events spelt exactly so");

  // In an aggregate of a stage, and in a list of types.
  Config c;
  c.add(named("S", events({"page_view", "webinar_atended"}).count().gte(1)));
  const auto w2 = warnings_of(c);
  ASSERT_EQ(w2.size(), 1u) << to_string(w2);
  EXPECT_EQ(w2[0].pointer, "/stages/0/when/event/1");
  EXPECT_EQ(w2[0].suggestion, "webinar_attended");
}

TEST(BuildWarnings, NearMissEventTypeIsNotFlaggedWhenTheStandardTypeIsAlsoUsed) {
  EXPECT_TRUE(warnings_of(config_with({Rule::behavior("a", {"demo_request"}, 30),
                                       Rule::behavior("b", {"demo_requests"}, 30)}))
                  .empty());
}

TEST(BuildWarnings, GradeBandAboveTheScoreCeiling) {
  Config c;
  c.scores.fit.max = 60;
  const auto w = warnings_of(c);
  ASSERT_EQ(w.size(), 1u) << to_string(w);
  EXPECT_EQ(test::code_pointer_message(w),
            (Strings{"unreachable_grade /grades/fit/0/min: band minimum 75 is above the score "
                     "ceiling 60"}));
}

}  // namespace
}  // namespace leadscore
