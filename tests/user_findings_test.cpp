// The library's side of issue 13 (what users hit): stage lints, email
// domains, explanation wording, type notes, the model diff with clamped
// scores, the events an evaluation leaves out. Each test names its item.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/model_diff.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"

namespace leadscore {
namespace {

Qualifier build(const std::string& json) {
  Result<Qualifier> q = Qualifier::from_json_text(json);
  EXPECT_TRUE(q.ok()) << to_string(q.diagnostics());
  return std::move(q).value();
}

std::vector<std::string> warnings_of(const Qualifier& q, const std::string& code) {
  std::vector<std::string> out;
  for (const Diagnostic& d : q.warnings()) {
    if (d.code == code) out.push_back(d.pointer + ": " + d.message);
  }
  return out;
}

// ---- item 4: stages that can never be reached --------------------------------

TEST(UserFindings, AStageAfterAWeakerOneIsUnreachable) {
  const Qualifier q = build(R"({"rules": [{"id": "r", "kind": "fit", "points": 100,
      "when": {"field": "job_title", "op": "exists"}}],
    "stages": [{"name": "MQL", "when": {"field": "score.total", "op": "gte", "value": 50}},
               {"name": "SQL", "when": {"all": [{"field": "score.total", "op": "gte", "value": 70},
                                                {"field": "discovery.budget", "op": "exists"}]}}]})");
  const std::vector<std::string> w = warnings_of(q, "unreachable_stage");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_EQ(w[0],
            "/stages/1: stage 'SQL' can never be reached: every lead that meets it meets the "
            "earlier stage 'MQL' first (the first stage that holds wins: list the stricter stage "
            "first)");
  // In the right order, no warning.
  const Qualifier ok = build(R"({"rules": [{"id": "r", "kind": "fit", "points": 100,
      "when": {"field": "job_title", "op": "exists"}}],
    "stages": [{"name": "SQL", "when": {"field": "score.total", "op": "gte", "value": 70}},
               {"name": "MQL", "when": {"field": "score.total", "op": "gte", "value": 50}}]})");
  EXPECT_TRUE(warnings_of(ok, "unreachable_stage").empty());
  EXPECT_TRUE(warnings_of(ok, "unreachable_threshold").empty());
  // The default configuration has neither.
  EXPECT_TRUE(warnings_of(Qualifier::with_default_config(), "unreachable_stage").empty());
  EXPECT_TRUE(warnings_of(Qualifier::with_default_config(), "unreachable_threshold").empty());
}

TEST(UserFindings, AThresholdAboveTheHighestReachableScoreIsFlagged) {
  const Qualifier q = build(R"({"rules": [
      {"id": "a", "kind": "fit", "points": 30, "when": {"field": "job_title", "op": "exists"}},
      {"id": "b", "kind": "fit", "points": 20, "when": {"field": "company.name", "op": "exists"}},
      {"id": "v", "kind": "behavior", "event": "page_view", "points": 1, "max_points": 10}],
    "stages": [{"name": "SQL", "when": {"field": "score.total", "op": "gte", "value": 61}},
               {"name": "MQL", "when": {"field": "score.fit", "op": "gte", "value": 50}}]})");
  const std::vector<std::string> w = warnings_of(q, "unreachable_threshold");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_EQ(w[0],
            "/stages/0: stage 'SQL' asks for score.total >= 61, but the highest reachable "
            "score.total is 60 (from the rules' positive points, caps and the score bounds)");
}

// ---- item 7: white space around an email address -------------------------------

TEST(UserFindings, TheEmailDomainIgnoresSpacesAroundTheAddress) {
  const Qualifier q = Qualifier::with_default_config();
  Lead lead;
  lead.id = "x";
  lead.contact.email = " a@example.com\t";
  const DerivedFacts f = q.derive(lead, test::as_of());
  EXPECT_EQ(f.email_domain, "example.com");
  const Qualification r = q.qualify(lead, test::as_of());
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.reason, "invalid_contact");
}

// ---- item 8: explanation wording --------------------------------------------------

TEST(UserFindings, EvidenceOfANegationNamesWhatDidNotHold) {
  const Qualifier q = Qualifier::with_default_config();
  Lead lead;
  lead.id = "m";
  lead.job_title = "Sales Manager";
  const Explanation e = q.explain(lead, test::as_of());
  bool found = false;
  for (const Contribution& c : e.contributions) {
    if (c.rule_id != "manager") continue;
    found = true;
    EXPECT_EQ(c.evidence.find("; not ("), std::string::npos);
    EXPECT_NE(c.evidence.find("; not job_title contains_any [\"ceo\""), std::string::npos)
        << c.evidence;
    EXPECT_NE(c.evidence.substr(c.evidence.size() - 5), "; not") << c.evidence;
  }
  EXPECT_TRUE(found);
}

TEST(UserFindings, AParallelStageIsNotTheNextStep) {
  const Qualifier q = Qualifier::with_default_config();
  Lead sql = parse_lead(R"({"id": "s", "job_title": "VP Sales", "contact": {"email": "vp@acme.io"},
      "company": {"name": "Acme", "domain": "acme.io", "employees": 400, "industry": "software"}})")
                 .value();
  sql.events.push_back(test::ev("demo_request", test::days_ago(1)));
  const Explanation e = q.explain(sql, test::as_of());
  ASSERT_EQ(e.result.stage, "SQL");
  ASSERT_TRUE(e.next);
  EXPECT_EQ(e.next->stage, "PQL");
  EXPECT_FALSE(e.next->step);
  EXPECT_NE(e.to_text().find("other stage PQL (not the next step up) would need:"),
            std::string::npos)
      << e.to_text();
  // A lead at MQL: SQL is the next step.
  Lead mql = sql;
  mql.company.employees = 60;
  mql.job_title = "Sales Manager";
  mql.events = {test::ev("form_submit", test::days_ago(1))};
  const Explanation m = q.explain(mql, test::as_of());
  if (m.result.stage == "MQL") {
    ASSERT_TRUE(m.next);
    EXPECT_EQ(m.next->stage, "SQL");
    EXPECT_TRUE(m.next->step);
  }
}

// ---- item 2: values typed otherwise than the rule expects ---------------------------

TEST(UserFindings, ExplainNotesANumberRuleOnText) {
  const Qualifier q = build(R"({"rules": [{"id": "big_team", "kind": "fit", "points": 10,
      "when": {"field": "attributes.seats", "op": "gte", "value": 10}}]})");
  Lead lead;
  lead.id = "t";
  lead.attributes["seats"] = Value(std::string("12"));
  const Explanation e = q.explain(lead, test::as_of());
  ASSERT_EQ(e.type_notes.size(), 1U);
  EXPECT_EQ(e.type_notes[0],
            "attributes.seats is text \"12\", rule 'big_team' expects a number "
            "(attributes.seats >= 10)");
  lead.attributes["seats"] = Value(12.0);
  EXPECT_TRUE(q.explain(lead, test::as_of()).type_notes.empty());
}

// ---- item 9: a clamp in the model diff ------------------------------------------------

TEST(UserFindings, DiffReasonsSayWhatTheClampLeft) {
  const std::string rules = R"("rules": [
      {"id": "base", "kind": "fit", "points": 100, "when": {"field": "job_title", "op": "exists"}},
      {"id": "enterprise", "kind": "fit", "points": POINTS,
       "when": {"field": "company.employees", "op": "gte", "value": 1000}}],
    "scores": {"fit": {"max": 100}},)";
  auto config = [&](const std::string& points, const std::string& threshold) {
    std::string r = rules;
    r.replace(r.find("POINTS"), 6, points);
    return "{" + r +
           R"( "stages": [{"name": "SQL", "when": {"field": "score.fit", "op": "gte", "value": )" +
           threshold + "}}]}";
  };
  const Qualifier before = build(config("0", "101"));
  const Qualifier after = build(config("5", "100"));
  Lead lead;
  lead.id = "big";
  lead.job_title = "CTO";
  lead.company.employees = 5000;
  const std::vector<Lead> leads{lead};
  const ModelDiff d = diff_models(before, after, leads, test::as_of());
  ASSERT_EQ(d.changes.size(), 1U);
  const std::vector<std::string>& reasons = d.changes[0].reasons;
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons[0], "enterprise: 0 -> 5 (+5; fit moves by 0 after clamping)");
}

// ---- item 16: the events an evaluation leaves out -----------------------------------------

TEST(UserFindings, FactsCountRepeatedAndAutomatedEvents) {
  const Qualifier q = Qualifier::with_default_config();
  Lead lead;
  lead.id = "e";
  lead.events.push_back(test::ev("form_submit", test::days_ago(2)).id("x"));
  lead.events.push_back(test::ev("form_submit", test::days_ago(1)).id("x"));
  Event bot = test::ev("email_click", test::days_ago(1));
  bot.automated = true;
  lead.events.push_back(bot);
  lead.events.push_back(test::ev("page_view", test::as_of() + std::chrono::hours(1)));
  const DerivedFacts f = q.derive(lead, test::as_of());
  EXPECT_EQ(f.events_considered, 1U);
  EXPECT_EQ(f.events_duplicate, 1U);
  EXPECT_EQ(f.events_automated, 1U);
  EXPECT_EQ(f.events_after_as_of, 1U);
  EXPECT_EQ(ignored_events_text(f), "1 after as_of, 1 repeated delivery (same id), 1 automated");
  EXPECT_NE(q.explain(lead, test::as_of()).to_text().find("(ignored: 1 after as_of"),
            std::string::npos);
}

}  // namespace
}  // namespace leadscore
