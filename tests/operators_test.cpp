// Tests of the condition operators and combinators (src/eval/evaluate.cpp):
// every operator on text, number, bool and list-of-strings values, missing
// values (which satisfy only `missing`), empty strings, zero, wrong-type
// values (always false), case sensitivity (default, per condition and via
// Config::options.case_sensitive), and all / any / not.
//
// Each table case builds a Qualifier with one fit rule worth 1 point whose
// `when` is the condition under test, so fit == 1 exactly when it held.
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

/// The lead every operator case reads. Missing: seniority, company.industry,
/// location.*, contact.email (so email_domain / free_email are missing),
/// created_at (so days_since_created is missing), discovery.*, attributes.nope.
Lead operator_lead() {
  return LeadBuilder("op-lead")
      .name("Ada", "Lovelace")
      .phone("+33 1 00 00 00 00")
      .title("Head of Marketing")
      .company("")  // present but empty
      .employees(120)
      .revenue(0)  // present zero
      .do_not_email(true)
      .do_not_call(false)
      .attr("n", 5)
      .attr("zero", 0)
      .attr("s", "5")
      .attr("blank", "")
      .attr("b", true)
      .attr("tags", Strings{"Enterprise", "EMEA"})
      .attr("no_tags", Strings{})
      .attr("note", "Needs a CRM, fast: budget-approved")
      .build();
}

Condition with_case(Condition c, bool case_sensitive) {
  c.case_sensitive = case_sensitive;
  return c;
}

struct OpCase {
  std::string name;
  Condition condition;
  bool held;
  bool config_case_sensitive = false;
};

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

bool holds(const Condition& condition, const Lead& lead, bool config_case_sensitive) {
  Config config;
  config.options.case_sensitive = config_case_sensitive;
  config.add(Rule::fit("probe", condition, 1));
  const Qualifier q = build_ok(std::move(config));
  const double fit = q.qualify(lead, as_of()).fit;
  EXPECT_TRUE(fit == 0 || fit == 1) << fit;
  return fit == 1;
}

class Operators : public ::testing::TestWithParam<OpCase> {};

TEST_P(Operators, HoldsExactlyWhenExpected) {
  const OpCase& c = GetParam();
  EXPECT_EQ(holds(c.condition, operator_lead(), c.config_case_sensitive), c.held);
}

std::string case_name(const ::testing::TestParamInfo<OpCase>& param_info) {
  return param_info.param.name;
}

// ---- text: job_title = "Head of Marketing" ------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    Text, Operators,
    ::testing::Values(
        OpCase{"eq_ignores_case", field("job_title").eq("head of MARKETING"), true},
        OpCase{"eq_other", field("job_title").eq("Head"), false},
        OpCase{"ne_other", field("job_title").ne("CEO"), true},
        OpCase{"ne_same_other_case", field("job_title").ne("HEAD OF MARKETING"), false},
        OpCase{"in_member", field("job_title").in(Strings{"CEO", "head of marketing"}), true},
        OpCase{"in_not_member", field("job_title").in(Strings{"CEO", "Head of"}), false},
        OpCase{"not_in_not_member", field("job_title").not_in(Strings{"CEO"}), true},
        OpCase{"not_in_member", field("job_title").not_in(Strings{"CTO", "HEAD of marketing"}),
               false},
        OpCase{"contains_substring", field("job_title").contains("D OF MARK"), true},
        OpCase{"contains_absent", field("job_title").contains("sales"), false},
        OpCase{"contains_any_whole_word", field("job_title").contains_any({"cto", "marketing"}),
               true},
        OpCase{"contains_any_phrase", field("job_title").contains_any({"HEAD OF"}), true},
        OpCase{"contains_any_word_prefix_only", field("job_title").contains_any({"market", "mark"}),
               false},
        OpCase{"contains_any_inside_word", field("job_title").contains_any({"ead", "keting"}),
               false},
        OpCase{"contains_any_phrase_cut_mid_word", field("job_title").contains_any({"head o"}),
               false},
        OpCase{"starts_with", field("job_title").starts_with("HEAD of"), true},
        OpCase{"starts_with_no", field("job_title").starts_with("Marketing"), false},
        OpCase{"ends_with", field("job_title").ends_with("marketing"), true},
        OpCase{"ends_with_no", field("job_title").ends_with("Head"), false},
        OpCase{"ends_with_longer_than_value", field("job_title").ends_with("The Head of Marketing"),
               false},
        OpCase{"exists", field("job_title").exists(), true},
        OpCase{"missing", field("job_title").missing(), false},
        // contains_any is word-aware: punctuation and string ends are word boundaries.
        OpCase{"contains_any_punctuation_boundary", field("attributes.note").contains_any({"crm"}),
               true},
        OpCase{"contains_any_hyphen_boundary", field("attributes.note").contains_any({"budget"}),
               true},
        OpCase{"contains_any_at_start", field("attributes.note").contains_any({"needs"}), true},
        OpCase{"contains_any_at_end", field("attributes.note").contains_any({"approved"}), true},
        OpCase{"contains_any_plural_is_another_word",
               field("attributes.note").contains_any({"need"}), false}),
    case_name);

// ---- empty string: company.name = "", attributes.blank = "" ---------------------------
INSTANTIATE_TEST_SUITE_P(
    EmptyString, Operators,
    ::testing::Values(OpCase{"exists", field("company.name").exists(), true},
                      OpCase{"missing", field("company.name").missing(), false},
                      OpCase{"eq_empty", field("company.name").eq(""), true},
                      OpCase{"ne_empty", field("company.name").ne(""), false},
                      OpCase{"eq_text", field("company.name").eq("Acme"), false},
                      OpCase{"ne_text", field("company.name").ne("Acme"), true},
                      OpCase{"in_list_with_empty", field("company.name").in(Strings{"", "Acme"}),
                             true},
                      OpCase{"contains_any", field("company.name").contains_any({"acme"}), false},
                      OpCase{"starts_with_text", field("company.name").starts_with("A"), false},
                      OpCase{"attribute_eq_empty", field("attributes.blank").eq(""), true},
                      OpCase{"attribute_exists", field("attributes.blank").exists(), true}),
    case_name);

// ---- missing values satisfy only `missing` ----------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    MissingValue, Operators,
    ::testing::Values(OpCase{"text_eq", field("seniority").eq("vp"), false},
                      OpCase{"text_ne", field("seniority").ne("vp"), false},
                      OpCase{"text_in", field("seniority").in(Strings{"vp"}), false},
                      OpCase{"text_not_in", field("seniority").not_in(Strings{"vp"}), false},
                      OpCase{"text_contains", field("seniority").contains("v"), false},
                      OpCase{"text_contains_any", field("seniority").contains_any({"vp"}), false},
                      OpCase{"text_starts_with", field("seniority").starts_with("v"), false},
                      OpCase{"text_ends_with", field("seniority").ends_with("p"), false},
                      OpCase{"text_exists", field("seniority").exists(), false},
                      OpCase{"text_missing", field("seniority").missing(), true},
                      OpCase{"number_eq", field("days_since_created").eq(0.0), false},
                      OpCase{"number_ne", field("days_since_created").ne(0.0), false},
                      OpCase{"number_lt", field("days_since_created").lt(1e9), false},
                      OpCase{"number_lte", field("days_since_created").lte(1e9), false},
                      OpCase{"number_gt", field("days_since_created").gt(-1e9), false},
                      OpCase{"number_gte", field("days_since_created").gte(-1e9), false},
                      OpCase{"number_between", field("days_since_created").between(-1e9, 1e9),
                             false},
                      OpCase{"number_in", field("attributes.nope").in(Numbers{0, 1}), false},
                      OpCase{"number_not_in", field("attributes.nope").not_in(Numbers{1}), false},
                      OpCase{"number_exists", field("days_since_created").exists(), false},
                      OpCase{"number_missing", field("days_since_created").missing(), true},
                      OpCase{"bool_eq_false", field("free_email").eq(false), false},
                      OpCase{"bool_eq_true", field("free_email").eq(true), false},
                      OpCase{"bool_ne_true", field("free_email").ne(true), false},
                      OpCase{"bool_missing", field("free_email").missing(), true},
                      OpCase{"attribute_eq", field("attributes.nope").eq("x"), false},
                      OpCase{"attribute_ne", field("attributes.nope").ne("x"), false},
                      OpCase{"attribute_exists", field("attributes.nope").exists(), false},
                      OpCase{"attribute_missing", field("attributes.nope").missing(), true},
                      OpCase{"discovery_exists", field("discovery.budget").exists(), false},
                      OpCase{"discovery_missing", field("discovery.budget").missing(), true},
                      OpCase{"not_of_missing_eq_holds", negate(field("seniority").eq("vp")), true}),
    case_name);

// ---- numbers: company.employees = 120, company.annual_revenue = 0 ------------------------
INSTANTIATE_TEST_SUITE_P(
    Number, Operators,
    ::testing::Values(
        OpCase{"eq", field("company.employees").eq(120.0), true},
        OpCase{"eq_other", field("company.employees").eq(121.0), false},
        OpCase{"ne_other", field("company.employees").ne(121.0), true},
        OpCase{"ne_same", field("company.employees").ne(120.0), false},
        OpCase{"lt_above", field("company.employees").lt(121), true},
        OpCase{"lt_equal", field("company.employees").lt(120), false},
        OpCase{"lte_equal", field("company.employees").lte(120), true},
        OpCase{"lte_below", field("company.employees").lte(119.5), false},
        OpCase{"gt_below", field("company.employees").gt(119), true},
        OpCase{"gt_equal", field("company.employees").gt(120), false},
        OpCase{"gte_equal", field("company.employees").gte(120), true},
        OpCase{"gte_above", field("company.employees").gte(120.5), false},
        OpCase{"between_inclusive_high", field("company.employees").between(100, 120), true},
        OpCase{"between_point", field("company.employees").between(120, 120), true},
        OpCase{"between_inclusive_low", field("company.employees").between(120, 500), true},
        OpCase{"between_above", field("company.employees").between(121, 200), false},
        OpCase{"between_below", field("company.employees").between(0, 119), false},
        OpCase{"in_member", field("company.employees").in(Numbers{500, 120, 50}), true},
        OpCase{"in_not_member", field("company.employees").in(Numbers{50, 119}), false},
        OpCase{"not_in_not_member", field("company.employees").not_in(Numbers{50}), true},
        OpCase{"not_in_member", field("company.employees").not_in(Numbers{7, 120}), false},
        OpCase{"exists", field("company.employees").exists(), true},
        OpCase{"missing", field("company.employees").missing(), false},
        OpCase{"zero_exists", field("company.annual_revenue").exists(), true},
        OpCase{"zero_missing", field("company.annual_revenue").missing(), false},
        OpCase{"zero_eq_zero", field("company.annual_revenue").eq(0.0), true},
        OpCase{"zero_ne_zero", field("company.annual_revenue").ne(0.0), false},
        OpCase{"zero_lt_one", field("company.annual_revenue").lt(1), true},
        OpCase{"zero_gt_zero", field("company.annual_revenue").gt(0), false},
        OpCase{"zero_gte_zero", field("company.annual_revenue").gte(0), true},
        OpCase{"zero_attribute_eq", field("attributes.zero").eq(0.0), true},
        OpCase{"attribute_number_gte", field("attributes.n").gte(5), true},
        OpCase{"attribute_number_between", field("attributes.n").between(4.5, 5.5), true}),
    case_name);

// ---- booleans: do_not_email = true, do_not_call = false -----------------------------------
INSTANTIATE_TEST_SUITE_P(
    Bool, Operators,
    ::testing::Values(OpCase{"true_eq_true", field("consent.do_not_email").eq(true), true},
                      OpCase{"true_eq_false", field("consent.do_not_email").eq(false), false},
                      OpCase{"true_ne_false", field("consent.do_not_email").ne(false), true},
                      OpCase{"true_ne_true", field("consent.do_not_email").ne(true), false},
                      OpCase{"false_eq_false", field("consent.do_not_call").eq(false), true},
                      OpCase{"false_eq_true", field("consent.do_not_call").eq(true), false},
                      OpCase{"false_exists", field("consent.do_not_call").exists(), true},
                      OpCase{"false_missing", field("consent.do_not_call").missing(), false},
                      OpCase{"attribute_eq_true", field("attributes.b").eq(true), true},
                      OpCase{"attribute_ne_true", field("attributes.b").ne(true), false}),
    case_name);

// ---- lists of strings: attributes.tags = ["Enterprise", "EMEA"], attributes.no_tags = [] ---
INSTANTIATE_TEST_SUITE_P(
    List, Operators,
    ::testing::Values(
        OpCase{"contains_element", field("attributes.tags").contains("enterprise"), true},
        OpCase{"contains_is_element_equality", field("attributes.tags").contains("Enter"), false},
        OpCase{"contains_any_element", field("attributes.tags").contains_any({"apac", "emea"}),
               true},
        OpCase{"contains_any_none", field("attributes.tags").contains_any({"apac", "ent"}), false},
        OpCase{"in_some_element", field("attributes.tags").in(Strings{"emea", "x"}), true},
        OpCase{"in_no_element", field("attributes.tags").in(Strings{"x", "y"}), false},
        OpCase{"not_in_no_element", field("attributes.tags").not_in(Strings{"x"}), true},
        OpCase{"not_in_some_element", field("attributes.tags").not_in(Strings{"x", "EMEA"}), false},
        OpCase{"eq_is_wrong_type", field("attributes.tags").eq("Enterprise"), false},
        OpCase{"ne_is_wrong_type", field("attributes.tags").ne("x"), false},
        OpCase{"starts_with_is_wrong_type", field("attributes.tags").starts_with("Ent"), false},
        OpCase{"exists", field("attributes.tags").exists(), true},
        OpCase{"missing", field("attributes.tags").missing(), false},
        OpCase{"empty_exists", field("attributes.no_tags").exists(), true},
        OpCase{"empty_missing", field("attributes.no_tags").missing(), false},
        OpCase{"empty_contains", field("attributes.no_tags").contains("x"), false},
        OpCase{"empty_contains_any", field("attributes.no_tags").contains_any({"x"}), false},
        OpCase{"empty_in", field("attributes.no_tags").in(Strings{"x"}), false},
        OpCase{"empty_not_in", field("attributes.no_tags").not_in(Strings{"x"}), true}),
    case_name);

// ---- wrong-type values are false (attributes are typed at evaluation time) -----------------
INSTANTIATE_TEST_SUITE_P(
    WrongType, Operators,
    ::testing::Values(
        // number 5
        OpCase{"number_eq_text", field("attributes.n").eq("5"), false},
        OpCase{"number_ne_text", field("attributes.n").ne("x"), false},
        OpCase{"number_eq_bool", field("attributes.n").eq(true), false},
        OpCase{"number_contains", field("attributes.n").contains("5"), false},
        OpCase{"number_starts_with", field("attributes.n").starts_with("5"), false},
        OpCase{"number_in_texts", field("attributes.n").in(Strings{"5"}), false},
        OpCase{"number_not_in_texts", field("attributes.n").not_in(Strings{"7"}), false},
        OpCase{"number_contains_any", field("attributes.n").contains_any({"5"}), false},
        OpCase{"number_eq_number_control", field("attributes.n").eq(5.0), true},
        // text "5"
        OpCase{"text_eq_number", field("attributes.s").eq(5.0), false},
        OpCase{"text_ne_number", field("attributes.s").ne(6.0), false},
        OpCase{"text_gt", field("attributes.s").gt(1), false},
        OpCase{"text_lte", field("attributes.s").lte(10), false},
        OpCase{"text_between", field("attributes.s").between(0, 10), false},
        OpCase{"text_in_numbers", field("attributes.s").in(Numbers{5}), false},
        OpCase{"text_not_in_numbers", field("attributes.s").not_in(Numbers{7}), false},
        OpCase{"text_eq_bool", field("attributes.s").eq(true), false},
        OpCase{"text_eq_text_control", field("attributes.s").eq("5"), true},
        // bool true
        OpCase{"bool_eq_text", field("attributes.b").eq("true"), false},
        OpCase{"bool_eq_number", field("attributes.b").eq(1.0), false},
        OpCase{"bool_gt", field("attributes.b").gt(0), false},
        OpCase{"bool_in", field("attributes.b").in(Strings{"true"}), false},
        OpCase{"bool_contains", field("attributes.b").contains("t"), false},
        // list
        OpCase{"list_gt", field("attributes.tags").gt(1), false},
        OpCase{"list_eq_number", field("attributes.tags").eq(2.0), false},
        OpCase{"list_between", field("attributes.tags").between(0, 10), false},
        OpCase{"list_in_numbers", field("attributes.tags").in(Numbers{1}), false},
        OpCase{"list_not_in_numbers", field("attributes.tags").not_in(Numbers{1}), false},
        // discovery fields are dynamic too
        OpCase{"discovery_missing_gt", field("discovery.budget").gt(0), false}),
    case_name);

// ---- case sensitivity ------------------------------------------------------------------------
INSTANTIATE_TEST_SUITE_P(
    CaseSensitive, Operators,
    ::testing::Values(
        // per condition
        OpCase{"eq_other_case", with_case(field("job_title").eq("head of marketing"), true), false},
        OpCase{"eq_same_case", with_case(field("job_title").eq("Head of Marketing"), true), true},
        OpCase{"ne_other_case", with_case(field("job_title").ne("head of marketing"), true), true},
        OpCase{"in_other_case",
               with_case(field("job_title").in(Strings{"head of marketing"}), true), false},
        OpCase{"in_same_case", with_case(field("job_title").in(Strings{"Head of Marketing"}), true),
               true},
        OpCase{"not_in_other_case",
               with_case(field("job_title").not_in(Strings{"HEAD OF MARKETING"}), true), true},
        OpCase{"contains_other_case", with_case(field("job_title").contains("marketing"), true),
               false},
        OpCase{"contains_same_case", with_case(field("job_title").contains("Marketing"), true),
               true},
        OpCase{"contains_any_other_case",
               with_case(field("job_title").contains_any({"MARKETING"}), true), false},
        OpCase{"contains_any_same_case",
               with_case(field("job_title").contains_any({"Marketing"}), true), true},
        OpCase{"starts_with_other_case", with_case(field("job_title").starts_with("head"), true),
               false},
        OpCase{"ends_with_same_case", with_case(field("job_title").ends_with("Marketing"), true),
               true},
        OpCase{"list_contains_other_case",
               with_case(field("attributes.tags").contains("enterprise"), true), false},
        OpCase{"list_in_other_case", with_case(field("attributes.tags").in(Strings{"emea"}), true),
               false},
        OpCase{"list_in_same_case", with_case(field("attributes.tags").in(Strings{"EMEA"}), true),
               true},
        OpCase{"list_contains_any_other_case",
               with_case(field("attributes.tags").contains_any({"emea"}), true), false},
        // explicit case-insensitive per condition is the default behaviour
        OpCase{"explicit_insensitive", with_case(field("job_title").eq("HEAD OF MARKETING"), false),
               true},
        // configuration-wide option, and the per-condition override of it
        OpCase{"config_eq_other_case", field("job_title").eq("head of marketing"), false, true},
        OpCase{"config_eq_same_case", field("job_title").eq("Head of Marketing"), true, true},
        OpCase{"config_in_other_case", field("job_title").in(Strings{"HEAD OF MARKETING"}), false,
               true},
        OpCase{"config_contains_any_other_case", field("job_title").contains_any({"marketing"}),
               false, true},
        OpCase{"config_list_contains_other_case", field("attributes.tags").contains("emea"), false,
               true},
        OpCase{"config_overridden_by_condition",
               with_case(field("job_title").eq("head of marketing"), false), true, true}),
    case_name);

// ---- combinators -------------------------------------------------------------------------------

TEST(Combinators, PowersOfTwoShowWhichConditionsHeld) {
  const Condition title = field("job_title").exists();                // true
  const Condition big = field("company.employees").gte(200);          // false
  const Condition seniority = field("seniority").exists();            // false
  const Condition marketing = field("job_title").contains("market");  // true
  Config config;
  config.add(Rule::fit("r0_all_of_empty_all", all({Condition{}}), 1));    // true
  config.add(Rule::fit("r1_empty_any", any({}), 2));                      // false
  config.add(Rule::fit("r2_not_empty_any", negate(any({})), 4));          // true
  config.add(Rule::fit("r3_not_empty_all", negate(Condition{}), 8));      // false
  config.add(Rule::fit("r4_all_true", all({title, marketing}), 16));      // true
  config.add(Rule::fit("r5_all_one_false", all({title, big}), 32));       // false
  config.add(Rule::fit("r6_any_one_true", any({big, marketing}), 64));    // true
  config.add(Rule::fit("r7_any_all_false", any({big, seniority}), 128));  // false
  config.add(Rule::fit("r8_not_false", negate(seniority), 256));          // true
  config.add(Rule::fit("r9_not_true", negate(title), 512));               // false
  config.add(
      Rule::fit("r10_nested", all({any({big, title}), negate(all({title, big}))}), 1024));  // true
  config.add(Rule::fit("r11_nested_false", any({all({title, big}), negate(any({marketing}))}),
                       2048));  // false
  const Result<Qualifier> built = Qualifier::build(config);
  ASSERT_TRUE(built.ok()) << to_string(built.diagnostics());
  const Qualifier& q = *built;

  const Lead lead = operator_lead();
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 1 + 4 + 16 + 64 + 256 + 1024);

  const Explanation ex = q.explain(lead, as_of());
  std::vector<std::string> held;
  for (const auto& c : ex.contributions) held.push_back(c.rule_id);
  EXPECT_EQ(held, (Strings{"r0_all_of_empty_all", "r2_not_empty_any", "r4_all_true",
                           "r6_any_one_true", "r8_not_false", "r10_nested"}));

  // The two constant-false rules are flagged when the configuration is built.
  std::vector<std::string> never_fires;
  for (const auto& w : q.warnings()) {
    if (w.code == "rule_never_fires") never_fires.push_back(w.pointer);
  }
  EXPECT_EQ(never_fires, (Strings{"/rules/1/when", "/rules/3/when"}));
}

TEST(Combinators, EmptyAllHoldsAndEmptyAnyDoesNotAsStageConditions) {
  Config config;
  Stage never;
  never.name = "never";
  never.when = any({});
  Stage always;
  always.name = "always";  // default `when` is an empty all
  config.add(never).add(always);
  const Qualifier q = build_ok(config);
  const Qualification r = q.qualify(operator_lead(), as_of());
  EXPECT_EQ(r.stage, "always");
  EXPECT_EQ(r.stage_index, 1);
  const Explanation ex = q.explain(operator_lead(), as_of());
  ASSERT_EQ(ex.stages.size(), 2u);
  EXPECT_FALSE(ex.stages[0].held);
  EXPECT_EQ(ex.stages[0].condition.text, "never");
  EXPECT_TRUE(ex.stages[1].held);
  EXPECT_EQ(ex.stages[1].condition.text, "always");
}

TEST(Combinators, TraceRecordsEveryChildAndItsValue) {
  Config config;
  Stage s;
  s.name = "probe";
  s.when = all({field("company.employees").gte(100),
                any({field("seniority").eq("vp"), negate(field("job_title").missing())})});
  config.add(s);
  const Qualifier q = build_ok(config);
  const Explanation ex = q.explain(operator_lead(), as_of());
  ASSERT_EQ(ex.stages.size(), 1u);
  const ConditionTrace& t = ex.stages[0].condition;
  EXPECT_TRUE(t.held);
  EXPECT_EQ(t.text, "all of");
  ASSERT_EQ(t.children.size(), 2u);
  EXPECT_EQ(t.children[0].text, "company.employees >= 100");
  EXPECT_EQ(t.children[0].actual, "120");
  EXPECT_TRUE(t.children[0].held);
  const ConditionTrace& a = t.children[1];
  EXPECT_EQ(a.text, "any of");
  EXPECT_TRUE(a.held);
  ASSERT_EQ(a.children.size(), 2u);
  EXPECT_EQ(a.children[0].text, "seniority == \"vp\"");
  EXPECT_EQ(a.children[0].actual, "missing");
  EXPECT_FALSE(a.children[0].held);
  EXPECT_EQ(a.children[1].text, "not");
  EXPECT_TRUE(a.children[1].held);
  ASSERT_EQ(a.children[1].children.size(), 1u);
  EXPECT_EQ(a.children[1].children[0].text, "job_title missing");
  EXPECT_EQ(a.children[1].children[0].actual, "\"Head of Marketing\"");
  EXPECT_FALSE(a.children[1].children[0].held);
}

}  // namespace
}  // namespace leadscore

// Case folding covers the Latin-1 accented capitals encoded in UTF-8, so the
// French job titles of the domain match their lower-case spelling.
TEST(CaseFolding, LatinOneCapitalsFoldToLowerCase) {
  using namespace leadscore;
  Config c;
  c.add(Rule::fit("student", cond::field("job_title").contains_any({"étudiant"}), 1));
  c.add(Rule::fit("exact", cond::field("location.city").eq("orléans"), 2));
  auto built = Qualifier::build(c);
  ASSERT_TRUE(built.ok()) << to_string(built.diagnostics());
  Lead lead;
  lead.id = "x";
  lead.job_title = "ÉTUDIANT en master";
  lead.location.city = "ORLÉANS";
  const Instant as_of = *parse_instant("2026-11-20T00:00:00Z");
  EXPECT_EQ(built->qualify(lead, as_of).fit, 3.0);
  lead.job_title = "Étudiante";  // not the same word
  EXPECT_EQ(built->qualify(lead, as_of).fit, 2.0);
}
