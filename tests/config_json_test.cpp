// Tests of the configuration JSON format (docs/configuration.md):
// config_from_json / parse_config (every structural error with its code,
// pointer and message), to_json / to_json_text (round trips), the
// operator / measure / rule kind names, and the Qualifier factories that
// read JSON text and files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore {
namespace {

using nlohmann::json;

std::vector<Diagnostic> errors_of(std::string_view text, const Limits& limits = {}) {
  const Result<Config> result = parse_config(text, limits);
  EXPECT_FALSE(result.ok()) << text;
  return result.diagnostics();
}

Config parsed(std::string_view text) {
  const Result<Config> result = parse_config(text);
  EXPECT_TRUE(result.ok()) << to_string(result.diagnostics());
  EXPECT_TRUE(result.diagnostics().empty()) << to_string(result.diagnostics());
  return result.ok() ? *result : Config{};
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

TEST(ConfigNames, OperatorsRoundTrip) {
  const std::vector<std::pair<Op, std::string_view>> all = {{Op::eq, "eq"},
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
  for (const auto& [op, name] : all) {
    EXPECT_EQ(to_string(op), name);
    EXPECT_EQ(parse_op(name), op) << name;
  }
  EXPECT_EQ(parse_op("GTE"), std::nullopt);
  EXPECT_EQ(parse_op("gte "), std::nullopt);
  EXPECT_EQ(parse_op(""), std::nullopt);
}

TEST(ConfigNames, MeasuresAndRuleKinds) {
  EXPECT_EQ(to_string(Measure::count), "count");
  EXPECT_EQ(to_string(Measure::distinct_days), "distinct_days");
  EXPECT_EQ(to_string(Measure::days_since_last), "days_since_last");
  EXPECT_EQ(to_string(Measure::sum), "sum");
  EXPECT_EQ(parse_measure("distinct_days"), Measure::distinct_days);
  EXPECT_EQ(parse_measure("days_since_last"), Measure::days_since_last);
  EXPECT_EQ(parse_measure("Count"), std::nullopt);

  EXPECT_EQ(to_string(RuleKind::fit), "fit");
  EXPECT_EQ(to_string(RuleKind::behavior), "behavior");
  EXPECT_EQ(to_string(RuleKind::engagement), "engagement");
  EXPECT_EQ(to_string(RuleKind::knockout), "knockout");
  EXPECT_EQ(parse_rule_kind("knockout"), RuleKind::knockout);
  EXPECT_EQ(parse_rule_kind("behaviour"), std::nullopt);
}

// ---------------------------------------------------------------------------
// Reading valid configurations
// ---------------------------------------------------------------------------

TEST(ConfigRead, EmptyObjectIsTheDefaultConfig) {
  EXPECT_EQ(parsed("{}"), Config{});
  EXPECT_EQ(parsed("{\"version\": 1}"), Config{});
  EXPECT_EQ(parsed("{\"version\": 1.0}"), Config{});
}

TEST(ConfigRead, ConditionForms) {
  const Config c = parsed(R"({"rules": [
    {"id": "r1", "kind": "fit", "points": 5,
     "when": {"all": [
       {"field": "company.employees", "op": "between", "value": [50, 500]},
       {"field": "job_title", "op": "contains_any", "value": ["vp", "head of"], "case_sensitive": true},
       {"not": {"field": "free_email", "op": "eq", "value": true}},
       {"any": []},
       {"field": "company.name", "op": "exists"},
       {"measure": "distinct_days", "event": "page_view", "within_days": 14, "op": "gte", "value": 3},
       {"measure": "sum", "event": ["product_usage", "trial_signup"], "property": "duration",
        "where": {"field": "feature", "op": "eq", "value": "export"}, "op": "gt", "value": 60.5}
     ]}}]})");
  ASSERT_EQ(c.rules.size(), 1u);
  const Condition& w = c.rules[0].when;
  ASSERT_EQ(w.kind, Condition::Kind::all);
  ASSERT_EQ(w.children.size(), 7u);
  EXPECT_EQ(w.children[0], cond::field("company.employees").between(50, 500));
  Condition title = cond::field("job_title").contains_any({"vp", "head of"});
  title.case_sensitive = true;
  EXPECT_EQ(w.children[1], title);
  EXPECT_EQ(w.children[2], cond::negate(cond::field("free_email").eq(true)));
  EXPECT_EQ(w.children[3], cond::any({}));
  EXPECT_EQ(w.children[4], cond::field("company.name").exists());
  EXPECT_EQ(w.children[5], cond::events({"page_view"}).within(14).distinct_days().gte(3));
  EXPECT_EQ(w.children[6], cond::events({"product_usage", "trial_signup"})
                               .sum("duration")
                               .where(cond::field("feature").eq("export"))
                               .gt(60.5));
}

TEST(ConfigRead, OperandShapes) {
  const Config c = parsed(R"({"stages": [{"name": "s", "when": {"all": [
    {"field": "a", "op": "eq", "value": false},
    {"field": "a", "op": "eq", "value": 3},
    {"field": "a", "op": "eq", "value": "x"},
    {"field": "a", "op": "in", "value": ["x", "y"]},
    {"field": "a", "op": "in", "value": [1, 2.5]},
    {"field": "a", "op": "in", "value": []}]}}]})");
  ASSERT_EQ(c.stages.size(), 1u);
  const auto& k = c.stages[0].when.children;
  ASSERT_EQ(k.size(), 6u);
  EXPECT_EQ(k[0].value, Operand(false));
  EXPECT_EQ(k[1].value, Operand(3.0));
  EXPECT_EQ(k[2].value, Operand(std::string("x")));
  EXPECT_EQ(k[3].value, Operand(std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(k[4].value, Operand(std::vector<double>{1, 2.5}));
  EXPECT_EQ(k[5].value, Operand(std::vector<std::string>{}));
}

TEST(ConfigRead, BehaviorRuleEventAndWhereForms) {
  const Config c = parsed(R"({"rules": [
    {"id": "visits", "kind": "behavior", "event": "page_view", "points": 2,
     "where": {"field": "url", "op": "contains", "value": "/pricing"},
     "max_points": 20, "max_per_day": 3, "within_days": 30, "half_life_days": 14},
    {"id": "anything", "kind": "behavior", "points": 1},
    {"id": "two", "kind": "behavior", "event": ["email_open", "email_click"], "points": 1,
     "where": [{"field": "type", "op": "ne", "value": "x"}, {"field": "campaign", "op": "exists"}]}]})");
  ASSERT_EQ(c.rules.size(), 3u);
  const Rule expected = Rule::behavior("visits", {"page_view"}, 2)
                            .only_where(cond::field("url").contains("/pricing"))
                            .cap(20)
                            .per_day(3)
                            .within(30)
                            .decay(14);
  EXPECT_EQ(c.rules[0], expected);
  EXPECT_EQ(c.rules[1], Rule::behavior("anything", {}, 1));
  EXPECT_EQ(c.rules[2].event_types, (std::vector<std::string>{"email_open", "email_click"}));
  ASSERT_EQ(c.rules[2].where.size(), 2u);
  EXPECT_EQ(c.rules[2].where[1], cond::field("campaign").exists());
}

TEST(ConfigRead, IntegralFloatsAreIntegers) {
  const Config c = parsed(R"({"options": {"enrichment": {"min_fields": 4.0}},
    "rules": [{"id": "r", "kind": "behavior", "max_per_day": 2.0}]})");
  EXPECT_EQ(c.options.enrichment.min_fields, 4u);
  EXPECT_EQ(c.rules[0].max_per_day, 2);
}

TEST(ConfigRead, KeepsDefaultsOfOmittedKeys) {
  const Config c = parsed(R"({"options": {"case_sensitive": true}, "scores": {"fit": {"max": 100}},
                              "stages": [{"name": "MQL"}]})");
  EXPECT_TRUE(c.options.case_sensitive);
  EXPECT_FALSE(c.options.free_email_domains.has_value());
  EXPECT_EQ(c.options.enrichment, Enrichment{});
  EXPECT_EQ(c.options.fallback_stage, "lead");
  EXPECT_EQ(c.scores.fit.min, 0);
  EXPECT_EQ(c.scores.fit.max, 100);
  EXPECT_EQ(c.scores.engagement, ScoreBounds{});
  EXPECT_EQ(c.scores.weights, Weights{});
  EXPECT_EQ(c.grades, Grades{});
  ASSERT_EQ(c.stages.size(), 1u);
  EXPECT_EQ(c.stages[0].when, Condition{});
}

TEST(ConfigRead, ByOriginInCanonicalOrder) {
  const Config c = parsed(R"({"stages": [{"name": "SQL",
    "by_origin": {"outbound": {"field": "x", "op": "exists"}, "inbound": {"field": "y", "op": "exists"},
                  "unknown": {"all": []}}}]})");
  ASSERT_EQ(c.stages[0].by_origin.size(), 3u);
  EXPECT_EQ(c.stages[0].by_origin[0].first, Origin::inbound);
  EXPECT_EQ(c.stages[0].by_origin[0].second, cond::field("y").exists());
  EXPECT_EQ(c.stages[0].by_origin[1].first, Origin::outbound);
  EXPECT_EQ(c.stages[0].by_origin[2].first, Origin::unknown);
}

// ---------------------------------------------------------------------------
// Every structural error: code, pointer, message, suggestion
// ---------------------------------------------------------------------------

struct ErrorCase {
  std::string name;
  std::string text;
  std::string code;
  std::string pointer;
  std::string message;  // substring
  std::string suggestion = {};
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

class ConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrors, ReportsOneDiagnostic) {
  const ErrorCase& c = GetParam();
  const auto d = errors_of(c.text);
  ASSERT_EQ(d.size(), 1u) << to_string(d);
  EXPECT_EQ(d[0].code, c.code) << d[0].to_string();
  EXPECT_EQ(d[0].pointer, c.pointer) << d[0].to_string();
  EXPECT_NE(d[0].message.find(c.message), std::string::npos) << d[0].to_string();
  EXPECT_EQ(d[0].suggestion, c.suggestion) << d[0].to_string();
  EXPECT_TRUE(d[0].is_error());
  EXPECT_GT(d[0].line, 0u) << d[0].to_string();
}

const std::string kRule = R"("id": "r", "kind": "fit")";

INSTANTIATE_TEST_SUITE_P(
    Structure, ConfigErrors,
    ::testing::Values(
        // document
        ErrorCase{"root_not_object", "[]", "wrong_type", "",
                  "expected a configuration object, got array"},
        ErrorCase{"unknown_top_key", R"({"rulez": []})", "unknown_key", "/rulez",
                  "unknown key 'rulez'", "rules"},
        ErrorCase{"unknown_top_key_far", R"({"zzzzzzzz": 1})", "unknown_key", "/zzzzzzzz",
                  "expected version, name, description, options, scores, grades, rules, stages or "
                  "lifecycle"},
        ErrorCase{"version_two", R"({"version": 2})", "unsupported_version", "/version",
                  "unsupported configuration version 2"},
        ErrorCase{"version_fraction", R"({"version": 1.5})", "unsupported_version", "/version",
                  "version 1.5"},
        ErrorCase{"version_string", R"({"version": "1"})", "wrong_type", "/version",
                  "expected an integer (1), got string"},
        ErrorCase{"name_number", R"({"name": 5})", "wrong_type", "/name",
                  "expected a string, got number"},
        ErrorCase{"description_null", R"({"description": null})", "wrong_type", "/description",
                  "expected a string, got null"},
        // options
        ErrorCase{"options_array", R"({"options": []})", "wrong_type", "/options",
                  "expected an object, got array"},
        ErrorCase{"options_misspelt", R"({"options": {"case_sensitiv": true}})", "unknown_key",
                  "/options/case_sensitiv", "unknown key 'case_sensitiv' in options",
                  "case_sensitive"},
        ErrorCase{"case_sensitive_string", R"({"options": {"case_sensitive": "yes"}})",
                  "wrong_type", "/options/case_sensitive",
                  "expected a boolean (true or false), got string"},
        ErrorCase{"free_email_not_list", R"({"options": {"free_email_domains": "gmail.com"}})",
                  "wrong_type", "/options/free_email_domains",
                  "expected an array of strings, got string"},
        ErrorCase{"free_email_element", R"({"options": {"free_email_domains": ["a.com", 3]}})",
                  "wrong_type", "/options/free_email_domains/1", "expected a string, got number"},
        ErrorCase{"enrichment_key", R"({"options": {"enrichment": {"min_field": 2}}})",
                  "unknown_key", "/options/enrichment/min_field", "unknown key 'min_field'",
                  "min_fields"},
        ErrorCase{"min_fields_fraction", R"({"options": {"enrichment": {"min_fields": 2.5}}})",
                  "invalid_value", "/options/enrichment/min_fields",
                  "expected an integer, got 2.5"},
        ErrorCase{"min_fields_negative", R"({"options": {"enrichment": {"min_fields": -1}}})",
                  "invalid_value", "/options/enrichment/min_fields",
                  "expected an integer from 0 to"},
        ErrorCase{"min_fields_string", R"({"options": {"enrichment": {"min_fields": "3"}}})",
                  "wrong_type", "/options/enrichment/min_fields",
                  "expected an integer, got string"},
        ErrorCase{"fallback_number", R"({"options": {"fallback_stage": 1}})", "wrong_type",
                  "/options/fallback_stage", "expected a string, got number"},
        // scores and grades
        ErrorCase{"bounds_key", R"({"scores": {"fit": {"maximum": 100}}})", "unknown_key",
                  "/scores/fit/maximum", "unknown key 'maximum' in score bounds"},
        ErrorCase{"bounds_max_string", R"({"scores": {"engagement": {"max": "100"}}})",
                  "wrong_type", "/scores/engagement/max", "expected a number, got string"},
        ErrorCase{"weights_key", R"({"scores": {"weights": {"fitt": 2}}})", "unknown_key",
                  "/scores/weights/fitt", "unknown key 'fitt' in weights", "fit"},
        ErrorCase{"grades_not_array", R"({"grades": {"fit": {"A": 75}}})", "wrong_type",
                  "/grades/fit", "expected an array of grade bands, got object"},
        ErrorCase{"band_not_object", R"({"grades": {"engagement": [["1", 75]]}})", "wrong_type",
                  "/grades/engagement/0", "expected a grade band object"},
        ErrorCase{"band_key", R"({"grades": {"fit": [{"label": "A", "minimum": 75}]}})",
                  "unknown_key", "/grades/fit/0/minimum", "unknown key 'minimum' in a grade band"},
        ErrorCase{"band_label_number", R"({"grades": {"fit": [{"label": 1, "min": 75}]}})",
                  "wrong_type", "/grades/fit/0/label", "expected a string, got number"},
        // rules
        ErrorCase{"rules_object", R"({"rules": {}})", "wrong_type", "/rules",
                  "expected an array of rules, got object"},
        ErrorCase{"rule_string", R"({"rules": ["r"]})", "wrong_type", "/rules/0",
                  "expected a rule object, got string"},
        ErrorCase{"rule_misspelt_points", R"({"rules": [{)" + kRule + R"(, "pionts": 10}]})",
                  "unknown_key", "/rules/0/pionts", "unknown key 'pionts' in a rule", "points"},
        ErrorCase{"rule_missing_id", R"({"rules": [{"kind": "fit"}]})", "missing_key",
                  "/rules/0/id", "a rule needs an 'id'"},
        ErrorCase{"rule_missing_kind", R"({"rules": [{"id": "x"}]})", "missing_key",
                  "/rules/0/kind", "a rule needs a 'kind' (fit, behavior, engagement or knockout)"},
        ErrorCase{"rule_unknown_kind", R"({"rules": [{"id": "x", "kind": "fitt"}]})",
                  "unknown_rule_kind", "/rules/0/kind", "unknown rule kind 'fitt'", "fit"},
        ErrorCase{"rule_kind_british", R"({"rules": [{"id": "x", "kind": "behaviour"}]})",
                  "unknown_rule_kind", "/rules/0/kind",
                  "expected fit, behavior, engagement or knockout", "behavior"},
        ErrorCase{"rule_kind_number", R"({"rules": [{"id": "x", "kind": 1}]})", "wrong_type",
                  "/rules/0/kind", "got number"},
        ErrorCase{"points_string", R"({"rules": [{)" + kRule + R"(, "points": "10"}]})",
                  "wrong_type", "/rules/0/points", "expected a number, got string"},
        ErrorCase{"max_per_day_fraction",
                  R"({"rules": [{"id": "b", "kind": "behavior", "max_per_day": 1.5}]})",
                  "invalid_value", "/rules/0/max_per_day", "expected an integer, got 1.5"},
        ErrorCase{"max_per_day_huge",
                  R"({"rules": [{"id": "b", "kind": "behavior", "max_per_day": 1e12}]})",
                  "invalid_value", "/rules/0/max_per_day", "expected an integer from"},
        ErrorCase{"event_number", R"({"rules": [{"id": "b", "kind": "behavior", "event": 3}]})",
                  "wrong_type", "/rules/0/event",
                  "expected a string or an array of strings, got number"},
        ErrorCase{"event_element",
                  R"({"rules": [{"id": "b", "kind": "behavior", "event": ["a", null]}]})",
                  "wrong_type", "/rules/0/event/1", "expected a string, got null"},
        ErrorCase{"where_string", R"({"rules": [{"id": "b", "kind": "behavior", "where": "url"}]})",
                  "wrong_type", "/rules/0/where",
                  "expected a condition or an array of conditions, got string"},
        ErrorCase{"reason_bool", R"({"rules": [{"id": "k", "kind": "knockout", "reason": true}]})",
                  "wrong_type", "/rules/0/reason", "expected a string, got boolean"},
        // conditions
        ErrorCase{"when_array", R"({"rules": [{)" + kRule + R"(, "when": []}]})", "wrong_type",
                  "/rules/0/when", "expected a condition object, got array"},
        ErrorCase{"no_discriminator", R"({"rules": [{)" + kRule + R"(, "when": {"op": "eq"}}]})",
                  "invalid_condition", "/rules/0/when",
                  "a condition needs one of 'field', 'measure', 'all', 'any' or 'not'"},
        ErrorCase{
            "two_discriminators",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "all": [], "op": "exists"}}]})",
            "invalid_condition", "/rules/0/when", "this one has field and all"},
        ErrorCase{"misspelt_discriminator",
                  R"({"rules": [{)" + kRule + R"(, "when": {"feild": "x", "op": "exists"}}]})",
                  "unknown_key", "/rules/0/when/feild", "unknown key 'feild' in a condition",
                  "field"},
        ErrorCase{
            "unknown_operator",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": "gtee", "value": 1}}]})",
            "unknown_operator", "/rules/0/when/op", "unknown operator 'gtee'", "gte"},
        ErrorCase{
            "operator_far",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": ">=", "value": 1}}]})",
            "unknown_operator", "/rules/0/when/op",
            "expected eq, ne, in, not_in, lt, lte, gt, gte, between, exists, missing, contains, "
            "contains_any, starts_with or ends_with"},
        ErrorCase{"operator_number",
                  R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": 1, "value": 1}}]})",
                  "wrong_type", "/rules/0/when/op", "expected an operator name, got number"},
        ErrorCase{"missing_op",
                  R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "value": 1}}]})",
                  "missing_key", "/rules/0/when/op", "a condition needs an 'op'"},
        ErrorCase{"missing_value",
                  R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": "gte"}}]})",
                  "missing_key", "/rules/0/when/value", "operator 'gte' needs a 'value'"},
        ErrorCase{
            "misspelt_value",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": "gte", "valeu": 1}}]})",
            "unknown_key", "/rules/0/when/valeu", "unknown key 'valeu' in a field condition",
            "value"},
        ErrorCase{"value_with_exists",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "exists", "value": 1}}]})",
                  "invalid_value", "/rules/0/when/value", "operator 'exists' takes no value"},
        ErrorCase{"value_with_missing",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "missing", "value": null}}]})",
                  "invalid_value", "/rules/0/when/value", "operator 'missing' takes no value"},
        ErrorCase{
            "value_null",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": "eq", "value": null}}]})",
            "invalid_value", "/rules/0/when/value",
            "expected a boolean, a number, a string, or an array of strings or of numbers, got "
            "null"},
        ErrorCase{
            "value_object",
            R"({"rules": [{)" + kRule + R"(, "when": {"field": "x", "op": "eq", "value": {}}}]})",
            "invalid_value", "/rules/0/when/value", "got an object"},
        ErrorCase{"value_mixed",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "in", "value": ["a", 1]}}]})",
                  "invalid_value", "/rules/0/when/value/1",
                  "a value list holds only strings or only numbers: expected a string (the list "
                  "starts with "
                  "strings), got a number"},
        ErrorCase{"value_nested_list",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "in", "value": [[1]]}}]})",
                  "invalid_value", "/rules/0/when/value/0",
                  "expected a string or a number, got an array"},
        ErrorCase{"field_number",
                  R"({"rules": [{)" + kRule + R"(, "when": {"field": 7, "op": "exists"}}]})",
                  "wrong_type", "/rules/0/when/field", "expected a string, got number"},
        ErrorCase{"case_sensitive_number",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "exists", "case_sensitive": 1}}]})",
                  "wrong_type", "/rules/0/when/case_sensitive", "expected a boolean"},
        ErrorCase{"compare_with_measure_key",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"field": "x", "op": "exists", "within_days": 3}}]})",
                  "unknown_key", "/rules/0/when/within_days", "in a field condition"},
        ErrorCase{"all_not_array",
                  R"({"rules": [{)" + kRule + R"(, "when": {"all": {"field": "x"}}}]})",
                  "wrong_type", "/rules/0/when/all", "expected an array of conditions, got object"},
        ErrorCase{"all_extra_key",
                  R"({"rules": [{)" + kRule + R"(, "when": {"all": [], "op": "eq"}}]})",
                  "unknown_key", "/rules/0/when/op", "in an 'all' condition"},
        ErrorCase{
            "nested_child_error",
            R"({"rules": [{)" + kRule +
                R"(, "when": {"any": [{"all": []}, {"not": {"field": "x", "op": "gtee", "value": 1}}]}}]})",
            "unknown_operator", "/rules/0/when/any/1/not/op", "unknown operator 'gtee'", "gte"},
        ErrorCase{"not_array", R"({"rules": [{)" + kRule + R"(, "when": {"not": []}}]})",
                  "wrong_type", "/rules/0/when/not", "expected a condition object, got array"},
        ErrorCase{"unknown_measure",
                  R"({"rules": [{)" + kRule +
                      R"(, "when": {"measure": "cout", "op": "gte", "value": 1}}]})",
                  "unknown_measure", "/rules/0/when/measure", "unknown measure 'cout'", "count"},
        ErrorCase{
            "measure_number",
            R"({"rules": [{)" + kRule + R"(, "when": {"measure": 1, "op": "gte", "value": 1}}]})",
            "wrong_type", "/rules/0/when/measure",
            "expected a measure (count, distinct_days, days_since_last or sum), got number"},
        ErrorCase{
            "measure_within_string",
            R"({"rules": [{)" + kRule +
                R"(, "when": {"measure": "count", "within_days": "7", "op": "gte", "value": 1}}]})",
            "wrong_type", "/rules/0/when/within_days", "expected a number, got string"},
        ErrorCase{
            "measure_where_error",
            R"({"rules": [{)" + kRule +
                R"(, "when": {"measure": "count", "where": [{"field": "url", "op": "contain", "value": "x"}], "op": "gte", "value": 1}}]})",
            "unknown_operator", "/rules/0/when/where/0/op", "unknown operator 'contain'",
            "contains"},
        ErrorCase{
            "measure_case_sensitive",
            R"({"rules": [{)" + kRule +
                R"(, "when": {"measure": "count", "op": "gte", "value": 1, "case_sensitive": true}}]})",
            "unknown_key", "/rules/0/when/case_sensitive", "in a measure condition"},
        // stages
        ErrorCase{"stages_object", R"({"stages": {"name": "x"}})", "wrong_type", "/stages",
                  "expected an array of stages, got object"},
        ErrorCase{"stage_missing_name", R"({"stages": [{"when": {"all": []}}]})", "missing_key",
                  "/stages/0/name", "a stage needs a 'name'"},
        ErrorCase{"stage_misspelt_name", R"({"stages": [{"nmae": "x"}]})", "unknown_key",
                  "/stages/0/nmae", "unknown key 'nmae' in a stage", "name"},
        ErrorCase{"stage_key", R"({"stages": [{"name": "x", "by_orign": {}}]})", "unknown_key",
                  "/stages/0/by_orign", "unknown key 'by_orign'", "by_origin"},
        ErrorCase{"by_origin_array", R"({"stages": [{"name": "x", "by_origin": []}]})",
                  "wrong_type", "/stages/0/by_origin", "expected an object mapping an origin"},
        ErrorCase{"unknown_origin",
                  R"({"stages": [{"name": "x", "by_origin": {"inbond": {"all": []}}}]})",
                  "unknown_origin", "/stages/0/by_origin/inbond",
                  "unknown origin 'inbond' (expected inbound, outbound or unknown)", "inbound"},
        ErrorCase{"origin_case",
                  R"({"stages": [{"name": "x", "by_origin": {"Outbound": {"all": []}}}]})",
                  "unknown_origin", "/stages/0/by_origin/Outbound", "unknown origin 'Outbound'",
                  "outbound"},
        ErrorCase{"by_origin_condition",
                  R"({"stages": [{"name": "x", "by_origin": {"inbound": {"field": "x"}}}]})",
                  "missing_key", "/stages/0/by_origin/inbound/op", "a condition needs an 'op'"},
        ErrorCase{"pointer_escaping", R"({"options": {"a/b~c": 1}})", "unknown_key",
                  "/options/a~1b~0c", "unknown key 'a/b~c'"}),
    [](const ::testing::TestParamInfo<ErrorCase>& param_info) { return param_info.param.name; });

TEST(ConfigErrors, AllProblemsAreReportedAtOnce) {
  const auto d = errors_of(R"({
  "version": 1,
  "rules": [
    {"id": "a", "kind": "fit", "pionts": 10},
    {"id": "b", "kind": "fitt", "points": 5},
    {"id": "c", "kind": "fit", "when": {"field": "x", "op": "gtee", "value": 1}}
  ]
})");
  ASSERT_EQ(d.size(), 3u) << to_string(d);
  EXPECT_EQ(d[0].code, "unknown_key");
  EXPECT_EQ(d[0].pointer, "/rules/0/pionts");
  EXPECT_EQ(d[0].suggestion, "points");
  EXPECT_EQ(d[0].line, 4u);
  EXPECT_EQ(d[0].column, 42u);
  EXPECT_EQ(d[1].code, "unknown_rule_kind");
  EXPECT_EQ(d[1].pointer, "/rules/1/kind");
  EXPECT_EQ(d[1].suggestion, "fit");
  EXPECT_EQ(d[1].line, 5u);
  EXPECT_EQ(d[1].column, 25u);
  EXPECT_EQ(d[2].code, "unknown_operator");
  EXPECT_EQ(d[2].pointer, "/rules/2/when/op");
  EXPECT_EQ(d[2].suggestion, "gte");
  EXPECT_EQ(d[2].line, 6u);
  EXPECT_EQ(d[2].column, 61u);
  EXPECT_EQ(d[2].to_string(),
            "6:61: error[unknown_operator] at /rules/2/when/op: unknown operator 'gtee' (expected "
            "eq, ne, "
            "in, not_in, lt, lte, gt, gte, between, exists, missing, contains, contains_any, "
            "starts_with or "
            "ends_with) (did you mean 'gte'?)");
}

TEST(ConfigErrors, SeveralProblemsInOneCondition) {
  const auto d = errors_of(
      R"({"rules": [{"id": "r", "kind": "fit", "when": {"field": 1, "op": "gte", "value": {}, "x": 2}}]})");
  ASSERT_EQ(d.size(), 3u) << to_string(d);
  EXPECT_EQ(d[0].code, "unknown_key");
  EXPECT_EQ(d[0].pointer, "/rules/0/when/x");
  EXPECT_EQ(d[1].code, "wrong_type");
  EXPECT_EQ(d[1].pointer, "/rules/0/when/field");
  EXPECT_EQ(d[2].code, "invalid_value");
  EXPECT_EQ(d[2].pointer, "/rules/0/when/value");
}

TEST(ConfigErrors, MissingIdAndKindTogether) {
  const auto d = errors_of(R"({"rules": [{"points": 1}], "stages": [{}]})");
  ASSERT_EQ(d.size(), 3u) << to_string(d);
  EXPECT_EQ(d[0].pointer, "/rules/0/id");
  EXPECT_EQ(d[1].pointer, "/rules/0/kind");
  EXPECT_EQ(d[2].pointer, "/stages/0/name");
  for (const Diagnostic& x : d) EXPECT_EQ(x.code, "missing_key");
}

TEST(ConfigErrors, FromJsonValueHasPointersButNoPositions) {
  const json j = {{"rules", json::array({{{"id", "r"}, {"kind", "fit"}, {"points", "x"}}})}};
  const Result<Config> r = config_from_json(j);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  EXPECT_EQ(r.diagnostics()[0].code, "wrong_type");
  EXPECT_EQ(r.diagnostics()[0].pointer, "/rules/0/points");
  EXPECT_EQ(r.diagnostics()[0].line, 0u);
}

TEST(ConfigErrors, NonFiniteNumbersFromJsonValues) {
  json j = {{"scores", {{"weights", {{"fit", std::nan("")}}}}}};
  Result<Config> r = config_from_json(j);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  EXPECT_EQ(r.diagnostics()[0].code, "invalid_value");
  EXPECT_EQ(r.diagnostics()[0].pointer, "/scores/weights/fit");
  EXPECT_NE(r.diagnostics()[0].message.find("expected a finite number"), std::string::npos);

  j = {
      {"stages",
       json::array(
           {{{"name", "s"},
             {"when", {{"field", "x"}, {"op", "in"}, {"value", json::array({1.0, HUGE_VAL})}}}}})}};
  r = config_from_json(j);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  EXPECT_EQ(r.diagnostics()[0].code, "invalid_value");
  EXPECT_EQ(r.diagnostics()[0].pointer, "/stages/0/when/value/1");
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

TEST(ConfigLimits, MaxRules) {
  Limits limits;
  limits.max_rules = 2;
  const std::string text =
      R"({"rules": [{"id": "a", "kind": "fit"}, {"id": "b", "kind": "fit"}, {"id": "c", "kind": "fit"}]})";
  const auto d = errors_of(text, limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/rules");
  EXPECT_EQ(d[0].message, "more than 2 rules (Limits::max_rules)");
  limits.max_rules = 3;
  EXPECT_TRUE(parse_config(text, limits).ok());
}

TEST(ConfigLimits, MaxStages) {
  Limits limits;
  limits.max_stages = 1;
  const auto d = errors_of(R"({"stages": [{"name": "a"}, {"name": "b"}]})", limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/stages");
  EXPECT_EQ(d[0].message, "more than 1 stages (Limits::max_stages)");
}

TEST(ConfigLimits, MaxConditionDepth) {
  Limits limits;
  limits.max_condition_depth = 3;
  // Depth 3 is fine.
  EXPECT_TRUE(
      parse_config(R"({"stages": [{"name": "s", "when": {"not": {"not": {"all": []}}}}]})", limits)
          .ok());
  const auto d = errors_of(
      R"({"stages": [{"name": "s", "when": {"not": {"not": {"not": {"all": []}}}}}]})", limits);
  ASSERT_EQ(d.size(), 1u) << to_string(d);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/stages/0/when/not/not/not");
  EXPECT_EQ(d[0].message, "condition nested deeper than 3 levels (Limits::max_condition_depth)");
}

TEST(ConfigLimits, WhereCountsAsANestingLevel) {
  Limits limits;
  limits.max_condition_depth = 1;
  const auto d = errors_of(
      R"({"rules": [{"id": "r", "kind": "fit", "when": {"measure": "count", "where": {"field": "url", "op": "exists"}, "op": "gte", "value": 1}}]})",
      limits);
  ASSERT_EQ(d.size(), 1u) << to_string(d);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/rules/0/when/where");
}

TEST(ConfigLimits, MaxSetSize) {
  Limits limits;
  limits.max_set_size = 2;
  const auto d = errors_of(R"({"options": {"free_email_domains": ["a", "b", "c"]},
      "rules": [{"id": "r", "kind": "fit", "when": {"field": "x", "op": "in", "value": [1, 2, 3]}}]})",
                           limits);
  ASSERT_EQ(d.size(), 2u) << to_string(d);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/options/free_email_domains");
  EXPECT_EQ(d[0].message, "more than 2 elements (Limits::max_set_size)");
  EXPECT_EQ(d[1].code, "limit_exceeded");
  EXPECT_EQ(d[1].pointer, "/rules/0/when/value");
  EXPECT_EQ(d[1].message, "more than 2 values (Limits::max_set_size)");
}

TEST(ConfigLimits, MaxStringLengthOnJsonValues) {
  Limits limits;
  limits.max_string_length = 4;
  const json j = {{"name", "abcde"}};
  const Result<Config> r = config_from_json(j, limits);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u);
  EXPECT_EQ(r.diagnostics()[0].code, "limit_exceeded");
  EXPECT_EQ(r.diagnostics()[0].pointer, "/name");
  EXPECT_EQ(r.diagnostics()[0].message,
            "string of 5 bytes is longer than 4 (Limits::max_string_length)");
}

TEST(ConfigLimits, MaxConfigBytes) {
  Limits limits;
  limits.max_config_bytes = 4;
  const auto d = errors_of("{   }", limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "");
  EXPECT_EQ(d[0].message, "configuration of 5 bytes is larger than 4 (Limits::max_config_bytes)");
}

// ---------------------------------------------------------------------------
// Writing and round trips
// ---------------------------------------------------------------------------

/// A configuration that uses every key of the format.
Config rich_config() {
  Config c;
  c.name = "rich";
  c.description = "Every key of the format";
  c.options.case_sensitive = true;
  c.options.free_email_domains = std::vector<std::string>{"gmail.com", "example.org"};
  c.options.enrichment.fields = {"company.name", "job_title", "location.country"};
  c.options.enrichment.min_fields = 2;
  c.options.fallback_stage = "new";
  c.scores.fit = {-10, 100};
  c.scores.engagement = {0, 150.5};
  c.scores.weights = {0.6, 0.4};
  c.grades.fit = {{"A", 80}, {"B", 40.5}, {"C", -5}};
  c.grades.engagement = {{"hot", 60}, {"cold", 0}};

  Condition title = cond::field("job_title").contains_any({"vp", "head of"});
  title.case_sensitive = false;
  c.add(Rule::fit("size", cond::field("company.employees").between(50, 5000), 20)
            .describe("core market"));
  c.add(Rule::fit(
      "title",
      cond::any({title, cond::field("seniority").in(std::vector<std::string>{"vp", "c_level"})}),
      15));
  c.add(Rule::fit("revenue",
                  cond::field("company.annual_revenue").in(std::vector<double>{1e6, 2.5e6}), 1.25));
  c.add(Rule::fit("always", Condition{}, 1));
  c.add(Rule::fit(
      "flags",
      cond::all({cond::field("free_email").eq(false), cond::field("source").ne("purchased_list"),
                 cond::field("company.domain").ends_with(".io"),
                 cond::field("contact.email").starts_with("ceo@"),
                 cond::field("company.name").contains("labs"),
                 cond::field("company.industry").not_in(std::vector<std::string>{"education"}),
                 cond::field("company.employees").lt(10000), cond::field("completeness").lte(1),
                 cond::field("days_since_created").gt(-1), cond::field("department").missing()}),
      -3));
  c.add(Rule::behavior("pricing", {"page_view"}, 5)
            .describe("pricing page visits")
            .only_where(cond::field("url").contains("/pricing"))
            .only_where(cond::field("type").eq("page_view"))
            .cap(25)
            .per_day(2)
            .within(30)
            .decay(14));
  c.add(Rule::behavior("emails", {"email_open", "email_click"}, 1));
  c.add(Rule::behavior("anything", {}, 0.5));
  c.add(Rule::engagement("active", cond::events({"page_view"}).within(14).distinct_days().gte(3),
                         10));
  c.add(Rule::engagement("inactive", cond::events().days_since_last().gte(30), -20));
  c.add(Rule::engagement(
      "usage",
      cond::events({"product_usage"})
          .sum("duration")
          .within(7.5)
          .where(cond::field("feature").in(std::vector<std::string>{"export", "api"}))
          .between(60, 600),
      12));
  c.add(Rule::engagement("quiet", cond::events({"email_bounce"}).count().missing(), 1));
  c.add(Rule::knockout("competitor",
                       cond::field("email_domain").in(std::vector<std::string>{"rival.com"}),
                       "competitor")
            .describe("works for a competitor"));

  Stage pql;
  pql.name = "PQL";
  pql.description = "asks about paid features";
  pql.when = cond::events({"paid_feature_inquiry"}).within(30).count().gte(1);
  c.add(pql);
  Stage sql;
  sql.name = "SQL";
  sql.when = cond::field("score.total").gte(70);
  sql.by_origin = {{Origin::inbound, cond::field("score.total").gte(60)},
                   {Origin::outbound,
                    cond::all({cond::field("score.fit").gte(70),
                               cond::field("grade").in(std::vector<std::string>{"A1", "A2"})})},
                   {Origin::unknown, cond::negate(cond::field("grade.fit").eq("D"))}};
  c.add(sql);
  Stage mql;
  mql.name = "MQL";
  mql.when = cond::field("score.engagement").gte(25);
  c.add(mql);
  return c;
}

TEST(ConfigWrite, RichConfigRoundTripsThroughJsonValue) {
  const Config c = rich_config();
  const Result<Config> back = config_from_json(to_json(c));
  ASSERT_TRUE(back.ok()) << to_string(back.diagnostics());
  EXPECT_TRUE(back.diagnostics().empty());
  EXPECT_EQ(*back, c);
}

TEST(ConfigWrite, RichConfigRoundTripsThroughText) {
  const Config c = rich_config();
  const std::string text = to_json_text(c);
  const Result<Config> back = parse_config(text);
  ASSERT_TRUE(back.ok()) << to_string(back.diagnostics()) << text;
  EXPECT_EQ(*back, c);
  // Writing again gives the same text.
  EXPECT_EQ(to_json_text(*back), text);
}

TEST(ConfigWrite, DefaultConfigRoundTrips) {
  const Config c = default_config();
  const Result<Config> from_value = config_from_json(to_json(c));
  ASSERT_TRUE(from_value.ok()) << to_string(from_value.diagnostics());
  EXPECT_EQ(*from_value, c);
  const Result<Config> from_text = parse_config(to_json_text(c));
  ASSERT_TRUE(from_text.ok()) << to_string(from_text.diagnostics());
  EXPECT_EQ(*from_text, c);
}

TEST(ConfigWrite, DefaultConfigTextBuildsAQualifier) {
  const Result<Qualifier> q = Qualifier::from_json_text(to_json_text(default_config()));
  ASSERT_TRUE(q.ok()) << to_string(q.diagnostics());
  EXPECT_EQ(q->config(), default_config());
}

TEST(ConfigWrite, IntegralNumbersPrintAsIntegers) {
  Config c;
  c.add(Rule::fit("a", cond::field("company.employees").gte(50), 10));
  c.add(Rule::fit("b", cond::field("completeness").between(0.25, 1), 2.5));
  const json j = to_json(c);
  EXPECT_TRUE(j["rules"][0]["points"].is_number_integer());
  EXPECT_EQ(j["rules"][0]["points"].dump(), "10");
  EXPECT_EQ(j["rules"][0]["when"]["value"].dump(), "50");
  EXPECT_EQ(j["rules"][1]["points"].dump(), "2.5");
  EXPECT_EQ(j["rules"][1]["when"]["value"].dump(), "[0.25,1]");
  const std::string text = to_json_text(c);
  EXPECT_NE(text.find("\"points\": 10\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("10.0"), std::string::npos) << text;
}

TEST(ConfigWrite, ReadableOutput) {
  Config c;
  c.add(Rule::fit("a", cond::field("company.employees").exists(), 10));
  c.add(Rule::behavior("b", {"page_view"}, 1));
  c.add(Rule::knockout("k", cond::field("email_domain").eq("rival.com"), "competitor"));
  const json j = to_json(c);
  // Empty or unset optional keys are left out.
  EXPECT_FALSE(j.contains("name"));
  EXPECT_FALSE(j.contains("description"));
  EXPECT_FALSE(j["options"].contains("free_email_domains"));
  EXPECT_FALSE(j["scores"]["fit"].contains("max"));
  EXPECT_EQ(j["rules"][0], json::parse(R"({"id": "a", "kind": "fit", "points": 10,
      "when": {"field": "company.employees", "op": "exists"}})"));
  EXPECT_EQ(j["rules"][1],
            json::parse(R"({"id": "b", "kind": "behavior", "event": "page_view", "points": 1})"));
  EXPECT_EQ(j["rules"][2], json::parse(R"({"id": "k", "kind": "knockout", "reason": "competitor",
      "when": {"field": "email_domain", "op": "eq", "value": "rival.com"}})"));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["options"]["fallback_stage"], "lead");
  // The text keeps the documented key order: id and kind first.
  const std::string text = to_json_text(c);
  EXPECT_LT(text.find("\"id\": \"a\""), text.find("\"kind\": \"fit\""));
  EXPECT_LT(text.find("\"kind\": \"fit\""), text.find("\"when\""));
  EXPECT_LT(text.find("\"version\""), text.find("\"rules\""));
  EXPECT_NE(text.find("\n  \"rules\": ["), std::string::npos) << text;
}

TEST(ConfigWrite, KeysOfAnotherKindAreWrittenNotDropped) {
  Rule r = Rule::fit("a", Condition{}, 1);
  r.max_per_day = 2;
  r.reason = "x";
  Config c;
  c.add(r);
  const json j = to_json(c);
  EXPECT_EQ(j["rules"][0]["max_per_day"], 2);
  EXPECT_EQ(j["rules"][0]["reason"], "x");
  const Result<Config> back = config_from_json(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
}

// ---------------------------------------------------------------------------
// Qualifier factories
// ---------------------------------------------------------------------------

TEST(ConfigQualifier, FromJsonTextStructuralErrorsAreLocated) {
  const Result<Qualifier> q =
      Qualifier::from_json_text("{\n  \"rules\": [{\"id\": \"r\", \"kind\": \"fitt\"}]\n}");
  ASSERT_FALSE(q.ok());
  ASSERT_EQ(q.diagnostics().size(), 1u);
  EXPECT_EQ(q.diagnostics()[0].code, "unknown_rule_kind");
  EXPECT_EQ(q.diagnostics()[0].line, 2u);
  EXPECT_EQ(q.diagnostics()[0].column, 33u);
}

TEST(ConfigQualifier, FromJsonTextLocatesTheCompilersDiagnostics) {
  const std::string text =
      "{\"rules\": [\n"
      "  {\"id\": \"r\", \"kind\": \"fit\", \"points\": 5,\n"
      "   \"when\": {\"field\": \"company.employes\", \"op\": \"gte\", \"value\": 50}}\n"
      "]}";
  const Result<Qualifier> q = Qualifier::from_json_text(text);
  ASSERT_FALSE(q.ok());
  ASSERT_FALSE(q.diagnostics().empty());
  const Diagnostic& d = q.diagnostics()[0];
  EXPECT_EQ(d.pointer, "/rules/0/when/field");
  EXPECT_EQ(d.line, 3u) << d.to_string();
  EXPECT_EQ(d.column, 22u) << d.to_string();
  EXPECT_EQ(d.suggestion, "company.employees");
}

TEST(ConfigQualifier, FromJsonValue) {
  const json j = json::parse(R"({"rules": [{"id": "size", "kind": "fit", "points": 20,
      "when": {"field": "company.employees", "op": "gte", "value": 50}}],
      "stages": [{"name": "MQL", "when": {"field": "score.fit", "op": "gte", "value": 10}}]})");
  const Result<Qualifier> q = qualifier_from_json(j);
  ASSERT_TRUE(q.ok()) << to_string(q.diagnostics());
  EXPECT_EQ(q->config().rules.size(), 1u);

  const Result<Qualifier> bad = qualifier_from_json(json::parse(R"({"rules": 1})"));
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.diagnostics().size(), 1u);
  EXPECT_EQ(bad.diagnostics()[0].code, "wrong_type");
}

#ifdef LEADSCORE_SOURCE_DIR
/// The first ```json block after `heading` in a file of docs/.
std::string doc_example(const std::string& file, std::string_view heading) {
  std::ifstream in(std::string(LEADSCORE_SOURCE_DIR) + "/docs/" + file, std::ios::binary);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t at = doc.find(heading);
  if (at == std::string::npos) return {};
  const std::size_t begin = doc.find("```json\n", at);
  if (begin == std::string::npos) return {};
  const std::size_t end = doc.find("\n```", begin + 8);
  if (end == std::string::npos) return {};
  return doc.substr(begin + 8, end - begin - 8);
}

TEST(ConfigDocs, CompleteExampleBuildsWithoutWarnings) {
  const std::string text = doc_example("configuration.md", "## A complete example");
  ASSERT_FALSE(text.empty()) << "docs/configuration.md has no complete example";
  const Result<Qualifier> q = Qualifier::from_json_text(text);
  ASSERT_TRUE(q.ok()) << to_string(q.diagnostics());
  EXPECT_TRUE(q.diagnostics().empty()) << to_string(q.diagnostics());
  EXPECT_EQ(q->config().rules.size(), 15u);
  EXPECT_EQ(q->stage_names(), (std::vector<std::string_view>{"PQL", "SQL", "MQL", "lead"}));
  // And it survives a round trip.
  const Result<Config> back = parse_config(to_json_text(q->config()));
  ASSERT_TRUE(back.ok()) << to_string(back.diagnostics());
  EXPECT_EQ(*back, q->config());
}

TEST(ConfigDocs, StagesExampleParses) {
  const std::string text = doc_example("configuration.md", "## Stages");
  ASSERT_FALSE(text.empty());
  const Result<Config> c = parse_config("{" + text + "}");
  ASSERT_TRUE(c.ok()) << to_string(c.diagnostics());
  ASSERT_EQ(c->stages.size(), 3u);
  EXPECT_EQ(c->stages[1].by_origin.size(), 1u);
  EXPECT_EQ(c->stages[1].by_origin[0].first, Origin::outbound);
}
#endif

class TempFile {
 public:
  explicit TempFile(std::string_view contents) {
    path_ = std::filesystem::temp_directory_path() /
            ("leadscore_config_json_test_" +
             std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
    std::ofstream out(path_, std::ios::binary);
    out << contents;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(ConfigQualifier, FromJsonFile) {
  const TempFile file(R"({"rules": [{"id": "size", "kind": "fit", "points": 20,
      "when": {"field": "company.employees", "op": "gte", "value": 50}}]})");
  const Result<Qualifier> q = Qualifier::from_json_file(file.path());
  ASSERT_TRUE(q.ok()) << to_string(q.diagnostics());
  EXPECT_EQ(q->config().rules[0].id, "size");
}

TEST(ConfigQualifier, FromJsonFileErrorsAreLocated) {
  const TempFile file("{\n\n  \"rules\": [{\"id\": \"r\", \"kind\": \"fit\", \"pionts\": 2}]}");
  const Result<Qualifier> q = Qualifier::from_json_file(file.path());
  ASSERT_FALSE(q.ok());
  ASSERT_EQ(q.diagnostics().size(), 1u);
  EXPECT_EQ(q.diagnostics()[0].code, "unknown_key");
  EXPECT_EQ(q.diagnostics()[0].line, 3u);
  EXPECT_EQ(q.diagnostics()[0].column, 50u);
}

TEST(ConfigQualifier, MissingFileIsAnIoError) {
  const std::filesystem::path path = "/nonexistent/leadscore/scoring.json";
  const Result<Qualifier> q = Qualifier::from_json_file(path);
  ASSERT_FALSE(q.ok());
  ASSERT_EQ(q.diagnostics().size(), 1u);
  EXPECT_EQ(q.diagnostics()[0].code, "io_error");
  EXPECT_EQ(q.diagnostics()[0].pointer, "");
  EXPECT_NE(q.diagnostics()[0].message.find("/nonexistent/leadscore/scoring.json"),
            std::string::npos);
  EXPECT_NE(q.diagnostics()[0].message.find("no such file"), std::string::npos);
}

TEST(ConfigQualifier, DirectoryIsAnIoError) {
  const Result<Qualifier> q = Qualifier::from_json_file(std::filesystem::temp_directory_path());
  ASSERT_FALSE(q.ok());
  ASSERT_EQ(q.diagnostics().size(), 1u);
  EXPECT_EQ(q.diagnostics()[0].code, "io_error");
  EXPECT_NE(q.diagnostics()[0].message.find("directory"), std::string::npos);
}

TEST(ConfigQualifier, FileLargerThanTheLimit) {
  const TempFile file("{\"name\": \"0123456789\"}");
  BuildOptions options;
  options.limits.max_config_bytes = 8;
  const Result<Qualifier> q = Qualifier::from_json_file(file.path(), options);
  ASSERT_FALSE(q.ok());
  ASSERT_EQ(q.diagnostics().size(), 1u);
  EXPECT_EQ(q.diagnostics()[0].code, "limit_exceeded");
  EXPECT_NE(q.diagnostics()[0].message.find("Limits::max_config_bytes"), std::string::npos);
}

}  // namespace
}  // namespace leadscore
