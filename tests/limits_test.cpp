// Hostile input: huge strings, deep nesting, millions of events, enormous
// numbers, NaN and infinities (in JSON and in the C++ API), invalid UTF-8 and
// duplicate keys. Each case ends in a clear error (code, pointer, position,
// the limit named) or in documented, defined behaviour; nothing crashes,
// hangs or allocates without bound (leadscore/limits.hpp, docs/errors.md).
#include "leadscore/limits.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/qualifier.hpp"

#include "support/alloc_counter.hpp"
#include "support/lead_builder.hpp"
#include "support/numbered.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/reference_evaluator.hpp"

namespace leadscore {
namespace {

using test::as_of;
using ::testing::HasSubstr;

/// The only diagnostic of a failed result, which must have `code` at `pointer`.
template <class T>
Diagnostic single_error(const Result<T>& result, std::string_view code, std::string_view pointer) {
  EXPECT_FALSE(result.ok());
  const auto& ds = result.diagnostics();
  if (ds.empty()) {
    ADD_FAILURE() << "no diagnostic";
    return {};
  }
  EXPECT_EQ(ds.size(), 1u) << to_string(ds);
  EXPECT_EQ(ds[0].code, code) << to_string(ds);
  EXPECT_EQ(ds[0].pointer, pointer) << to_string(ds);
  EXPECT_TRUE(ds[0].is_error());
  return ds[0];
}

/// The first diagnostic with `code`, which must exist.
template <class T>
Diagnostic find_error(const Result<T>& result, std::string_view code, std::string_view pointer) {
  EXPECT_FALSE(result.ok());
  for (const auto& d : result.diagnostics()) {
    if (d.code == code && d.pointer == pointer) return d;
  }
  ADD_FAILURE() << "no " << code << " at " << pointer << " in:\n"
                << to_string(result.diagnostics());
  return {};
}

std::string nested(std::size_t depth, std::string_view open, std::string_view inner,
                   std::string_view close) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += open;
  out += inner;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

// ---------------------------------------------------------------------------
// Huge strings
// ---------------------------------------------------------------------------

TEST(LimitsTest, HugeStringInALeadIsLimitExceeded) {
  const std::string text = R"({"id": "a", "job_title": ")" + std::string(70'000, 'x') + R"("})";
  const auto d = single_error(parse_lead(text), "limit_exceeded", "/job_title");
  EXPECT_THAT(d.message, HasSubstr("string of 70000 bytes is longer than 65536"));
  EXPECT_THAT(d.message, HasSubstr("Limits::max_string_length"));
  EXPECT_EQ(d.line, 1u);
  EXPECT_EQ(d.column, 26u);  // the value's opening quote
}

TEST(LimitsTest, HugeKeyInALeadIsLimitExceeded) {
  const std::string text =
      R"({"id": "a", "attributes": {")" + std::string(70'000, 'k') + R"(": 1}})";
  const auto d = single_error(parse_lead(text), "limit_exceeded", "/attributes");
  EXPECT_THAT(d.message, HasSubstr("object key of 70000 bytes"));
}

TEST(LimitsTest, HugeStringInAConfigurationIsLimitExceeded) {
  const std::string text = R"({"description": ")" + std::string(70'000, 'x') + R"("})";
  const auto d = single_error(parse_config(text), "limit_exceeded", "/description");
  EXPECT_THAT(d.message, HasSubstr("Limits::max_string_length"));
}

TEST(LimitsTest, HugeStringsBuiltInCppAreCheckedWhenBuilding) {
  Config c;
  c.add(Rule::fit(std::string(70'000, 'r'), cond::field("job_title").eq(std::string(70'000, 'v')),
                  1));
  const auto errors = test::build_errors(c);
  ASSERT_EQ(test::with_code(errors, "limit_exceeded").size(), 1u) << to_string(errors);
  EXPECT_EQ(test::with_code(errors, "limit_exceeded")[0].pointer, "/rules/0/id");
  EXPECT_THAT(test::with_code(errors, "limit_exceeded")[0].message,
              HasSubstr("Limits::max_string_length"));
}

TEST(LimitsTest, HugeStringsInALeadBuiltInCppAreScored) {
  // The library does not limit the Lead values an application builds: a
  // 4 MiB title is compared like any other (the long-value paths of
  // contains / contains_any / ends_with), with no heap allocation.
  Config c;
  c.add(Rule::fit("vp", cond::field("job_title").contains_any({"vp sales"}), 10));
  c.add(Rule::fit("has", cond::field("job_title").contains("ZZZ"), 1));
  c.add(Rule::fit("tail", cond::field("job_title").ends_with("end"), 100));
  const Qualifier q = test::build_ok(c);
  Lead lead;
  lead.job_title = std::string(4u << 20, 'a') + " VP Sales zzz END";
  test::AllocationCounter counter;
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_EQ(r.fit, 111);
}

// ---------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------

TEST(LimitsTest, ConditionsNestedTooDeepAreLimitExceeded) {
  // 33 levels of "not": one more than Limits::max_condition_depth.
  const std::string when = nested(33, R"({"not": )", R"({"field": "id", "op": "exists"})", "}");
  const std::string text =
      R"({"rules": [{"id": "deep", "kind": "fit", "points": 1, "when": )" + when + "}]}";
  auto built = Qualifier::from_json_text(text);
  ASSERT_FALSE(built.ok());
  bool found = false;
  for (const auto& d : built.diagnostics()) {
    if (d.code == "limit_exceeded" &&
        d.message.find("Limits::max_condition_depth") != std::string::npos) {
      found = true;
      EXPECT_EQ(d.pointer.rfind("/rules/0/when/not/not", 0), 0u) << d.pointer;
      EXPECT_GT(d.line, 0u);
    }
  }
  EXPECT_TRUE(found) << to_string(built.diagnostics());
  // 32 levels are fine.
  const std::string ok_when = nested(31, R"({"not": )", R"({"field": "id", "op": "exists"})", "}");
  EXPECT_TRUE(
      Qualifier::from_json_text(
          R"({"rules": [{"id": "deep", "kind": "fit", "points": 1, "when": )" + ok_when + "}]}")
          .ok());
}

TEST(LimitsTest, AbsurdJsonNestingStopsTheReader) {
  // 100000 open brackets: the reader stops at its depth guard, no stack overflow.
  const std::string brackets(100'000, '[');
  const auto lead =
      single_error(parse_lead(brackets), "limit_exceeded", nested(64, "/0", "", "").c_str());
  EXPECT_THAT(lead.message, HasSubstr("nesting deeper than 64 levels"));
  const auto config = parse_config(brackets);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.diagnostics()[0].code, "limit_exceeded");
  EXPECT_THAT(config.diagnostics()[0].message, HasSubstr("nesting deeper than 72 levels"));
  const auto objects = parse_config(nested(50'000, R"({"not": )", "{}", "}"));
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.diagnostics()[0].code, "limit_exceeded");
}

TEST(LimitsTest, DeepConditionsBuiltInCppAreLimitExceeded) {
  Condition c = cond::field("id").exists();
  for (int i = 0; i < 2000; ++i) c = Condition::negate(std::move(c));
  Config config;
  config.add(Rule::fit("deep", std::move(c), 1));
  const auto errors = test::build_errors(config);
  const auto limit = test::with_code(errors, "limit_exceeded");
  ASSERT_EQ(limit.size(), 1u) << to_string(errors);
  EXPECT_THAT(limit[0].message, HasSubstr("Limits::max_condition_depth"));
  EXPECT_EQ(limit[0].pointer, "/rules/0/when" + nested(32, "/not", "", ""));
}

// ---------------------------------------------------------------------------
// Many events, rules, values
// ---------------------------------------------------------------------------

TEST(LimitsTest, AMillionEventsAreScoredWithoutAllocation) {
  // Built in C++ (the JSON reader caps a lead at Limits::max_events_per_lead):
  // one pass, no heap allocation, the same result in any order of events.
  const Qualifier q = Qualifier::with_default_config();
  Lead lead = test::LeadBuilder("many").name("Ada", "L").email("ada@acme.io").title("VP Sales");
  constexpr std::size_t kEvents = 1'000'000;
  lead.events.reserve(kEvents);
  static const char* const kTypes[] = {"page_view", "email_open", "product_usage", "form_submit"};
  for (std::size_t i = 0; i < kEvents; ++i) {
    Event e;
    e.type = kTypes[i % 4];
    // In time order (documented linear case), over the last ~58 days.
    e.at = as_of() - std::chrono::seconds(static_cast<std::int64_t>(kEvents - i) * 5);
    lead.events.push_back(std::move(e));
  }
  test::AllocationCounter counter;
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(r.engagement, 0);
  const DerivedFacts facts = q.derive(lead, as_of());
  EXPECT_EQ(facts.events_considered, kEvents);
}

TEST(LimitsTest, UnsortedEventsBeyondTheSortBufferAreScoredTheSame) {
  // Daily-capped rules rank unsorted events through a 4096-entry stack
  // index; beyond that, by comparison. Both give the sorted result.
  Config c;
  c.add(Rule::behavior("views", {"page_view"}, 1).per_day(3));
  const Qualifier q = test::build_ok(c);
  Lead sorted;
  for (int i = 0; i < 4200; ++i) {
    sorted.events.push_back(test::ev("page_view", test::days_ago(i / 10.0)).build());
  }
  Lead reversed = sorted;
  std::reverse(reversed.events.begin(), reversed.events.end());
  const Qualification a = q.qualify(sorted, as_of());
  EXPECT_TRUE(test::identical(a, q.qualify(reversed, as_of())));
  // 3 per UTC day, as the naive reference evaluator counts them.
  EXPECT_EQ(a.engagement, test::reference::evaluate(c, sorted, as_of()).engagement);
  EXPECT_GT(a.engagement, 3 * 419);
}

TEST(LimitsTest, TooManyEventsInLeadJsonIsLimitExceeded) {
  Limits limits;
  limits.max_events_per_lead = 100;
  std::string text = R"({"id": "a", "events": [)";
  for (int i = 0; i < 101; ++i)
    text += std::string(i ? "," : "") + R"({"type": "x", "at": "2026-01-01"})";
  text += "]}";
  const auto d = single_error(parse_lead(text, limits), "limit_exceeded", "/events");
  EXPECT_THAT(d.message, HasSubstr("max_events_per_lead"));
  EXPECT_THAT(d.message, HasSubstr("101"));
}

TEST(LimitsTest, TooManyPropertiesAndAttributesAreLimitExceeded) {
  Limits limits;
  limits.max_properties = 3;
  const std::string props = R"({"a": 1, "b": 2, "c": 3, "d": 4})";
  const auto events = parse_lead(
      R"({"id": "a", "events": [{"type": "x", "at": "2026-01-01", "properties": )" + props + "}]}",
      limits);
  const auto d = single_error(events, "limit_exceeded", "/events/0/properties");
  EXPECT_THAT(d.message, HasSubstr("max_properties"));
  const auto attributes = parse_lead(R"({"id": "a", "attributes": )" + props + "}", limits);
  EXPECT_THAT(single_error(attributes, "limit_exceeded", "/attributes").message,
              HasSubstr("max_properties"));
}

TEST(LimitsTest, OversizedTextIsRejectedBeforeParsing) {
  Limits limits;
  limits.max_lead_bytes = 100;
  limits.max_config_bytes = 100;
  const std::string big = R"({"id": ")" + std::string(200, 'x') + R"("})";
  const auto lead = single_error(parse_lead(big, limits), "limit_exceeded", "");
  EXPECT_THAT(lead.message, HasSubstr("larger than"));
  const auto config =
      single_error(parse_config(R"({"name": ")" + std::string(200, 'x') + R"("})", limits),
                   "limit_exceeded", "");
  EXPECT_THAT(config.message, HasSubstr("Limits::max_config_bytes"));
}

TEST(LimitsTest, ConfigurationCountLimits) {
  Limits limits;
  limits.max_rules = 2;
  limits.max_stages = 1;
  limits.max_set_size = 3;
  const std::string text = R"({
    "rules": [
      {"id": "a", "kind": "fit", "points": 1, "when": {"field": "job_title", "op": "in", "value": ["a", "b", "c", "d"]}},
      {"id": "b", "kind": "fit", "points": 1, "when": {"field": "id", "op": "exists"}},
      {"id": "c", "kind": "fit", "points": 1, "when": {"field": "id", "op": "exists"}}
    ],
    "stages": [{"name": "A"}, {"name": "B"}]
  })";
  const auto parsed = parse_config(text, limits);
  EXPECT_THAT(find_error(parsed, "limit_exceeded", "/rules").message,
              HasSubstr("Limits::max_rules"));
  EXPECT_THAT(find_error(parsed, "limit_exceeded", "/stages").message,
              HasSubstr("Limits::max_stages"));
  // (Over max_rules, the rules are not read, so the set-size check is
  // shown on its own.)
  const auto sets = parse_config(
      R"({"rules": [{"id": "a", "kind": "fit", "points": 1, "when": {"field": "job_title", "op": "in", "value": ["a", "b", "c", "d"]}}]})",
      limits);
  EXPECT_THAT(single_error(sets, "limit_exceeded", "/rules/0/when/value").message,
              HasSubstr("Limits::max_set_size"));
}

TEST(LimitsTest, HardCapsOfTheEvaluator) {
  // Behaviour rules, aggregates, event types and distinct_days windows have
  // hard caps (stack buffers); Limits cannot raise them.
  BuildOptions generous;
  generous.limits.max_behavior_rules = 100'000;
  generous.limits.max_aggregates = 100'000;
  generous.limits.max_event_types = 100'000;
  generous.limits.max_distinct_days_window = 1e9;

  Config behavior;
  for (std::size_t i = 0; i <= kHardMaxBehaviorRules; ++i) {
    behavior.add(Rule::behavior(test::numbered("b", i), {"x"}, 1));
  }
  auto errors = test::build_errors(behavior, generous);
  ASSERT_EQ(test::with_code(errors, "limit_exceeded").size(), 1u);
  EXPECT_EQ(test::with_code(errors, "limit_exceeded")[0].pointer, "/rules/1024");

  Config aggregates;
  std::vector<Condition> many;
  for (std::size_t i = 0; i <= kHardMaxAggregates; ++i)
    many.push_back(cond::events({"x"}).count().gte(1));
  aggregates.add(Rule::engagement("e", cond::any(std::move(many)), 1));
  errors = test::build_errors(aggregates, generous);
  ASSERT_FALSE(test::with_code(errors, "limit_exceeded").empty());
  EXPECT_THAT(test::with_code(errors, "limit_exceeded")[0].message,
              HasSubstr("Limits::max_aggregates"));

  Config types;
  std::vector<std::string> names;
  for (std::size_t i = 0; i <= kHardMaxEventTypes; ++i) names.push_back(test::numbered("t", i));
  types.add(Rule::behavior("b", names, 1));
  errors = test::build_errors(types, generous);
  ASSERT_FALSE(test::with_code(errors, "limit_exceeded").empty());
  EXPECT_THAT(test::with_code(errors, "limit_exceeded")[0].message,
              HasSubstr("Limits::max_event_types"));

  Config window;
  window.add(Rule::engagement("w", cond::events().within(3661).distinct_days().gte(1), 1));
  errors = test::build_errors(window, generous);
  ASSERT_EQ(test::with_code(errors, "limit_exceeded").size(), 1u) << to_string(errors);
  EXPECT_EQ(test::with_code(errors, "limit_exceeded")[0].pointer, "/rules/0/when/within_days");
}

// ---------------------------------------------------------------------------
// Enormous numbers
// ---------------------------------------------------------------------------

TEST(LimitsTest, NumbersBeyondADoubleAreSyntaxErrors) {
  const auto d = single_error(parse_lead(R"({"id": "a", "company": {"employees": 1e309}})"),
                              "json_syntax", "/company");
  EXPECT_THAT(d.message, HasSubstr("number overflow"));
  EXPECT_EQ(d.column, 38u);
}

TEST(LimitsTest, EnormousButFiniteNumbers) {
  // In a lead: accepted and compared.
  auto lead =
      parse_lead(R"({"id": "a", "company": {"employees": 1e308, "annual_revenue": -1e308}})");
  ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
  Config c;
  c.add(Rule::fit("big", cond::field("company.employees").gt(1e300), 5));
  c.add(Rule::fit("small", cond::field("company.annual_revenue").lt(-1e300), 7));
  EXPECT_EQ(test::build_ok(c).qualify(*lead, as_of()).fit, 12);

  // Points beyond +-1e9 are invalid.
  auto built = Qualifier::from_json_text(
      R"({"rules": [{"id": "a", "kind": "fit", "points": 1e308, "when": {"field": "id", "op": "exists"}}]})");
  const auto d = single_error(built, "invalid_value", "/rules/0/points");
  EXPECT_EQ(d.message, "points must be within [-1e9, 1e9]");
  EXPECT_EQ(d.line, 1u);
  EXPECT_EQ(d.column, 49u);

  // A cap of 1e300 caps nothing; huge bounds and weights saturate.
  Config cap;
  cap.add(Rule::behavior("b", {"x"}, 2).cap(1e300));
  cap.scores.weights.fit = 1e300;
  cap.scores.engagement.max = 1e300;
  Lead one;
  one.events.push_back(test::ev("x", test::days_ago(1)).build());
  const Qualification r = test::build_ok(cap).qualify(one, as_of());
  EXPECT_EQ(r.engagement, 2);
  EXPECT_EQ(r.total, 2);
}

// Sums that leave the range of 64-bit millionths saturate (the evaluator
// adds int64 millionths with overflow checks; before, this was signed
// overflow, undefined behaviour, which UBSan reported): two events whose
// summed property is 1e308 (valid JSON), 10,000 fit rules of 1e9 points
// (within the default limits), a 1e9-point behaviour rule counting 10,000
// events. Expected: finite, saturated scores.
TEST(LimitsTest, SumsBeyondInt64MillionthsSaturate) {
  Config sum;
  // The sum saturates at the int64 range of millionths (about 9.2e12).
  sum.add(Rule::engagement("usage", cond::events({"x"}).sum("d").gt(9e12), 1));
  Lead usage;
  for (int i = 0; i < 3; ++i) {
    usage.events.push_back(test::ev("x", test::days_ago(1)).prop("d", 1e308).build());
  }
  EXPECT_EQ(test::build_ok(sum).qualify(usage, as_of()).engagement, 1);

  Config fit;
  for (int i = 0; i < 10'000; ++i) {
    fit.add(Rule::fit(test::numbered("f", i), cond::field("id").exists(), 1e9));
  }
  const Qualification f = test::build_ok(fit).qualify(Lead{}, as_of());
  EXPECT_TRUE(std::isfinite(f.fit));
  EXPECT_GT(f.fit, 9e12);

  Config behavior;
  behavior.add(Rule::behavior("b", {"x"}, 1e9));
  Lead many;
  for (int i = 0; i < 10'000; ++i) many.events.push_back(test::ev("x", test::days_ago(1)).build());
  const Qualification b = test::build_ok(behavior).qualify(many, as_of());
  EXPECT_GT(b.engagement, 9e12);
}

// ---------------------------------------------------------------------------
// NaN and infinities
// ---------------------------------------------------------------------------

TEST(LimitsTest, NanAndInfinityAreNotJson) {
  for (const char* literal : {"NaN", "Infinity", "-Infinity", "nan", "inf"}) {
    const std::string text =
        std::string(R"({"id": "a", "company": {"employees": )") + literal + "}}";
    const auto lead = parse_lead(text);
    ASSERT_FALSE(lead.ok()) << literal;
    EXPECT_EQ(lead.diagnostics()[0].code, "json_syntax") << literal;
    EXPECT_EQ(lead.diagnostics()[0].pointer, "/company") << literal;
    EXPECT_EQ(lead.diagnostics()[0].line, 1u);
    const auto config =
        parse_config(std::string(R"({"scores": {"weights": {"fit": )") + literal + "}}}");
    ASSERT_FALSE(config.ok()) << literal;
    EXPECT_EQ(config.diagnostics()[0].code, "json_syntax") << literal;
  }
}

TEST(LimitsTest, NanAndInfinityInNlohmannValuesAreInvalid) {
  const nlohmann::json lead = {{"id", "a"}, {"company", {{"employees", std::nan("")}}}};
  const auto l = single_error(lead_from_json(lead), "invalid_value", "/company/employees");
  EXPECT_THAT(l.message, HasSubstr("finite"));
  nlohmann::json config = nlohmann::json::parse(
      R"({"rules": [{"id": "a", "kind": "fit", "points": 1, "when": {"field": "id", "op": "exists"}}]})");
  config["rules"][0]["points"] = std::numeric_limits<double>::infinity();
  const auto c = single_error(config_from_json(config), "invalid_value", "/rules/0/points");
  EXPECT_THAT(c.message, HasSubstr("finite"));
}

TEST(LimitsTest, NanAndInfinityInACppConfigurationAreInvalid) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  Config c;
  c.add(Rule::fit("p", cond::field("id").exists(), nan));
  c.add(Rule::behavior("cap", {"x"}, 1).cap(inf).within(nan).decay(-inf));
  c.add(Rule::fit("eq", cond::field("company.employees").eq(nan), 1));
  c.add(Rule::fit("in", cond::field("company.employees").in(std::vector<double>{1, nan, 3}), 1));
  c.add(Rule::fit("between", cond::field("company.employees").between(-inf, inf), 1));
  c.add(Rule::engagement("agg", cond::events().count().gte(nan), 1));
  c.scores.weights.fit = nan;
  c.scores.fit.max = inf;
  c.grades.fit = {{"A", nan}, {"B", 0}};
  const auto errors = test::build_errors(c);
  const std::vector<std::string> expected{
      "/rules/0/points",         "/rules/1/max_points", "/rules/1/within_days",
      "/rules/1/half_life_days", "/rules/2/when/value", "/rules/3/when/value/1",
      "/rules/4/when/value/0",   "/rules/5/when/value", "/scores/weights/fit",
      "/scores/fit/max",         "/grades/fit/0/min"};
  for (const auto& pointer : expected) {
    bool found = false;
    for (const auto& d : errors)
      found = found || (d.pointer == pointer && d.code == "invalid_value");
    EXPECT_TRUE(found) << "no invalid_value at " << pointer << " in:\n" << to_string(errors);
  }
}

TEST(LimitsTest, NanAndInfinityInACppLeadHaveDefinedResults) {
  // A NaN value is present (exists holds) but satisfies no comparison, not
  // even ne; an infinity compares as the largest number; a NaN property adds
  // nothing to a sum.
  Config c;
  c.add(Rule::fit("exists", cond::field("company.employees").exists(), 1));
  c.add(Rule::fit("ne", cond::field("company.employees").ne(5.0), 10));
  c.add(Rule::fit("gte", cond::field("company.employees").gte(0), 100));
  c.add(Rule::fit("inf", cond::field("company.annual_revenue").gt(1e308), 1000));
  c.add(Rule::engagement("sum", cond::events({"usage"}).sum("minutes").gte(5), 10'000));
  const Qualifier q = test::build_ok(c);
  Lead lead;
  lead.company.employees = std::nan("");
  lead.company.annual_revenue = std::numeric_limits<double>::infinity();
  lead.events.push_back(test::ev("usage", test::days_ago(1)).prop("minutes", std::nan("")).build());
  lead.events.push_back(test::ev("usage", test::days_ago(1)).prop("minutes", 5.0).build());
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(r.fit, 1001);
  EXPECT_EQ(r.engagement, 10'000);
  EXPECT_TRUE(test::identical(r, q.explain(lead, as_of()).result));
  // Written as JSON, a non-finite number becomes null, which reads back as absent.
  const std::string json = to_json_text(lead);
  EXPECT_THAT(json, HasSubstr(R"("employees":null)"));
  auto back = parse_lead(json);
  ASSERT_TRUE(back.ok()) << to_string(back.diagnostics());
  EXPECT_FALSE(back->company.employees.has_value());
}

// ---------------------------------------------------------------------------
// Invalid UTF-8
// ---------------------------------------------------------------------------

TEST(LimitsTest, InvalidUtf8InJsonIsASyntaxError) {
  const auto bad =
      single_error(parse_lead("{\"id\": \"a\",\n \"job_title\": \"\xC3\x28\"}"), "json_syntax", "");
  EXPECT_EQ(bad.message, "invalid UTF-8: byte 0x28 is not part of a well-formed UTF-8 sequence");
  EXPECT_EQ(bad.line, 2u);
  EXPECT_EQ(bad.column, 17u);  // the byte that cannot continue the sequence
  // Overlong form, surrogate, beyond U+10FFFF, lone continuation byte.
  for (const char* seq : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"}) {
    const auto r = parse_config(std::string("{\"name\": \"") + seq + "\"}");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics()[0].code, "json_syntax");
    EXPECT_THAT(r.diagnostics()[0].message, HasSubstr("invalid UTF-8"));
  }
  // Text that ends inside a multi-byte sequence (found by fuzz/lead_json.cpp:
  // the reader used to read one byte past the end to name it).
  const auto truncated = single_error(parse_lead("{\"id\": \"a\xE3"), "json_syntax", "");
  EXPECT_EQ(truncated.message, "invalid UTF-8: the text ends inside a multi-byte sequence");
  EXPECT_EQ(truncated.line, 1u);
  EXPECT_EQ(truncated.column, 11u);  // just after the last character
}

TEST(LimitsTest, InvalidUtf8InCsvIsReportedPerField) {
  CsvReader reader("id,title\n1,ok\n2,bad\xFF\n3,fine\n");
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(reader.next(r));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "invalid_utf8");
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].column, 2u);
  ASSERT_TRUE(reader.next(r));  // reading goes on
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.fields[1], "fine");
}

TEST(LimitsTest, InvalidUtf8InCppValuesIsScoredAndWrittenReplaced) {
  // The library compares bytes; writing JSON replaces bad bytes with U+FFFD.
  Config c;
  c.add(Rule::fit("r", cond::field("job_title").eq("a\xFF"), 1));
  c.name = "bad \xFF name";
  const Qualifier q = test::build_ok(c);
  Lead lead;
  lead.job_title = "A\xFF";
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 1);
  const std::string lead_json = to_json_text(lead);
  EXPECT_THAT(lead_json, HasSubstr("\xEF\xBF\xBD"));
  EXPECT_TRUE(parse_lead(lead_json).ok());
  const std::string config_json = to_json_text(c);
  EXPECT_THAT(config_json, HasSubstr("\xEF\xBF\xBD"));
  EXPECT_TRUE(parse_config(config_json).ok());
}

// ---------------------------------------------------------------------------
// Duplicate keys
// ---------------------------------------------------------------------------

TEST(LimitsTest, DuplicateKeysAreRejectedEverywhere) {
  const auto lead =
      single_error(parse_lead("{\"id\": \"a\",\n \"id\": \"b\"}"), "duplicate_key", "/id");
  EXPECT_EQ(lead.message, "duplicate key 'id' (each key may appear only once in an object)");
  EXPECT_EQ(lead.line, 2u);
  EXPECT_EQ(lead.column, 2u);

  const auto property = parse_lead(
      R"({"id": "a", "events": [{"type": "x", "at": "2026-01-01", "properties": {"u": 1, "u": 2}}]})");
  EXPECT_EQ(single_error(property, "duplicate_key", "/events/0/properties/u").column, 81u);

  const auto config = parse_config(R"({"rules": [{"id": "a", "id": "b", "kind": "fit"}]})");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.diagnostics()[0].code, "duplicate_key");
  EXPECT_EQ(config.diagnostics()[0].pointer, "/rules/0/id");

  const auto mapping = parse_mapping(R"({"fields": {"contact.email": "a", "contact.email": "b"}})");
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.diagnostics()[0].code, "duplicate_key");
  EXPECT_EQ(mapping.diagnostics()[0].pointer, "/fields/contact.email");
}

TEST(LimitsTest, OversizedCsvRecordIsSkipped) {
  CsvOptions options;
  options.max_record_bytes = 1000;
  const std::string text = "id,title\n1," + std::string(5000, 'x') + "\n2,ok\n";
  CsvReader reader(text, options);
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].code, "limit_exceeded");
  EXPECT_EQ(r.errors[0].line, 2u);
  ASSERT_TRUE(reader.next(r));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.fields[1], "ok");
}

}  // namespace
}  // namespace leadscore
