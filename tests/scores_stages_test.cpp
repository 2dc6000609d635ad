// Tests of scores (clamping, weights, integer millionths, event-order
// independence), grades (bands and the matrix label), stages (precedence,
// fallback, origin-specific thresholds, conditions over scores, grades,
// attributes, derived facts and events) and the derived facts themselves
// (Qualifier::derive).
#include <algorithm>
#include <functional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/random_leads.hpp"
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

// ---------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------

Config score_config() {
  return config_with({
      Rule::fit("title", field("job_title").exists(), 70),
      Rule::fit("company", field("company.name").exists(), 30),
      Rule::fit("no_email", field("contact.email").missing(), -150),
      Rule::engagement("active", field("event_count").gte(1), 40),
      Rule::behavior("unsubscribed", {"unsubscribe"}, -100),
  });
}

TEST(Scores, FitIsClampedToItsCeiling) {
  Config c = score_config();
  c.scores.fit.max = 90;
  const Qualifier q = build_ok(c);
  const Lead lead = LeadBuilder().email("a@b.io").title("CEO").company("Acme").build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result.fit, 90);
  EXPECT_EQ(ex.fit_unclamped, 100);
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 90);
}

TEST(Scores, FloorIsZeroByDefault) {
  const Qualifier q = build_ok(score_config());
  const Lead lead =
      LeadBuilder().title("CEO").event("unsubscribe", days_ago(1)).build();  // no email
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result.fit, 0);
  EXPECT_EQ(ex.fit_unclamped, -80);
  EXPECT_EQ(ex.result.engagement, 0);
  EXPECT_EQ(ex.engagement_unclamped, -60);
  EXPECT_EQ(ex.result.total, 0);
}

TEST(Scores, ConfiguredFloors) {
  Config c = score_config();
  c.scores.fit.min = -20;
  c.scores.engagement.min = -1000;
  const Qualifier q = build_ok(c);
  const Lead lead = LeadBuilder().title("CEO").event("unsubscribe", days_ago(1)).build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(r.fit, -20);
  EXPECT_EQ(r.engagement, -60);
  EXPECT_EQ(r.total, -80);
}

TEST(Scores, EngagementIsClampedToItsCeiling) {
  Config c = score_config();
  c.scores.engagement.max = 25;
  const Qualifier q = build_ok(c);
  const Qualification r =
      q.qualify(LeadBuilder().email("a@b.io").event("page_view", days_ago(1)).build(), as_of());
  EXPECT_EQ(r.engagement, 25);
}

TEST(Scores, TotalIsTheWeightedSumOfTheClampedScores) {
  Config c = score_config();
  c.scores.fit.max = 90;
  c.scores.engagement.max = 25;
  c.scores.weights = {0.5, 2};
  const Qualifier q = build_ok(c);
  const Lead lead = LeadBuilder()
                        .email("a@b.io")
                        .title("CEO")
                        .company("Acme")
                        .event("page_view", days_ago(1))
                        .build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(r.fit, 90);
  EXPECT_EQ(r.engagement, 25);
  EXPECT_EQ(r.total, 95);
}

TEST(Scores, PointsAreSummedInIntegerMillionths) {
  // In binary floating point 0.1 + 0.2 != 0.3 and 0.1 + 0.1 + 0.1 != 0.3;
  // summed as integer millionths both are exactly 0.3.
  ASSERT_NE(0.1 + 0.2, 0.3);
  ASSERT_NE(0.1 + 0.1 + 0.1, 0.3);
  const Qualifier q = build_ok(config_with({
      Rule::fit("a", field("job_title").exists(), 0.1),
      Rule::fit("b", field("seniority").exists(), 0.2),
      Rule::behavior("c", {"page_view"}, 0.1),
  }));
  const Lead lead =
      LeadBuilder().title("x").seniority("y").events("page_view", 3, days_ago(3)).build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(r.fit, 0.3);
  EXPECT_EQ(r.engagement, 0.3);
}

TEST(Scores, EventOrderNeverChangesAResult) {
  const Qualifier default_q = build_ok(default_config());
  const Qualifier rich_q = build_ok(test::rich_config());
  test::RandomLeads gen(99);
  std::mt19937 rng(5);
  for (int i = 0; i < 150; ++i) {
    const Lead lead = gen.lead(40);
    const Qualification d = default_q.qualify(lead, as_of());
    const Qualification r = rich_q.qualify(lead, as_of());
    for (int s = 0; s < 3; ++s) {
      Lead shuffled = lead;
      std::shuffle(shuffled.events.begin(), shuffled.events.end(), rng);
      ASSERT_TRUE(identical(default_q.qualify(shuffled, as_of()), d)) << "lead " << i;
      ASSERT_TRUE(identical(rich_q.qualify(shuffled, as_of()), r)) << "lead " << i;
    }
    // Time order (the sorted fast path of the daily caps) agrees too.
    Lead sorted = lead;
    std::stable_sort(sorted.events.begin(), sorted.events.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
    ASSERT_TRUE(identical(default_q.qualify(sorted, as_of()), d)) << "lead " << i;
    ASSERT_TRUE(identical(rich_q.qualify(sorted, as_of()), r)) << "lead " << i;
  }
}

// ---------------------------------------------------------------------------
// Grades
// ---------------------------------------------------------------------------

Config graded(double fit_points, double engagement_points) {
  Config c = config_with({Rule::fit("f", field("id").exists(), fit_points)});
  c.add(Rule::engagement("e", field("id").exists(), engagement_points));
  return c;
}

TEST(Grades, DefaultBandsAndMatrixLabel) {
  struct Case {
    double fit, engagement;
    const char* fit_grade;
    const char* engagement_grade;
    const char* grade;
  };
  const Case cases[] = {
      {60, 55, "B", "2", "B2"}, {75, 75, "A", "1", "A1"},   {74.999999, 74.999999, "B", "2", "B2"},
      {25, 24, "C", "4", "C4"}, {0.5, 100, "D", "1", "D1"}, {100, 50, "A", "2", "A2"},
  };
  for (const Case& c : cases) {
    const Qualifier q = build_ok(graded(c.fit, c.engagement));
    const Qualification r = q.qualify(LeadBuilder("x").build(), as_of());
    EXPECT_EQ(r.fit, c.fit);
    EXPECT_EQ(r.fit_grade, c.fit_grade) << c.fit;
    EXPECT_EQ(r.engagement_grade, c.engagement_grade) << c.engagement;
    EXPECT_EQ(r.grade, c.grade);
  }
}

TEST(Grades, ScoreBelowEveryBandGetsTheLastLabel) {
  Config c = graded(10, 5);
  c.grades.fit = {{"A", 80}, {"B", 60}};
  c.grades.engagement = {{"hot", 50}, {"cold", 20}};
  const Qualifier q = build_ok(c);
  const Qualification r = q.qualify(LeadBuilder("x").build(), as_of());
  EXPECT_EQ(r.fit_grade, "B");
  EXPECT_EQ(r.engagement_grade, "cold");
  EXPECT_EQ(r.grade, "Bcold");
}

TEST(Grades, NegativeScoreBelowTheLowestBand) {
  Config c = graded(-30, -5);
  c.scores.fit.min = -20;
  c.scores.engagement.min = -100;
  const Qualifier q = build_ok(c);
  const Qualification r = q.qualify(LeadBuilder("x").build(), as_of());
  EXPECT_EQ(r.fit, -20);
  EXPECT_EQ(r.engagement, -5);
  EXPECT_EQ(r.grade, "D4");
}

// ---------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------

Stage stage(std::string name, Condition when) {
  Stage s;
  s.name = std::move(name);
  s.when = std::move(when);
  return s;
}

TEST(Stages, FirstStageThatHoldsWins) {
  Config c;
  c.add(Rule::fit("f20", field("attributes.fit").eq(20.0), 20));
  c.add(Rule::fit("f7", field("attributes.fit").eq(7.0), 7));
  c.add(stage("A", field("score.fit").gte(10)));
  c.add(stage("B", field("score.fit").gte(5)));
  const Qualifier q = build_ok(c);

  const Qualification a = q.qualify(LeadBuilder().attr("fit", 20).build(), as_of());
  EXPECT_EQ(a.stage, "A");
  EXPECT_EQ(a.stage_index, 0);
  const Qualification b = q.qualify(LeadBuilder().attr("fit", 7).build(), as_of());
  EXPECT_EQ(b.stage, "B");
  EXPECT_EQ(b.stage_index, 1);
  const Qualification none = q.qualify(LeadBuilder().build(), as_of());
  EXPECT_EQ(none.stage, "lead");
  EXPECT_EQ(none.stage_index, -1);

  // Stages are tried in order up to the one that held.
  const Explanation ex_a = q.explain(LeadBuilder().attr("fit", 20).build(), as_of());
  ASSERT_EQ(ex_a.stages.size(), 1u);
  EXPECT_EQ(ex_a.stages[0].stage, "A");
  EXPECT_TRUE(ex_a.stages[0].held);
  const Explanation ex_b = q.explain(LeadBuilder().attr("fit", 7).build(), as_of());
  ASSERT_EQ(ex_b.stages.size(), 2u);
  EXPECT_FALSE(ex_b.stages[0].held);
  EXPECT_TRUE(ex_b.stages[1].held);
  ASSERT_TRUE(ex_b.next.has_value());
  EXPECT_EQ(ex_b.next->stage, "A");
  EXPECT_EQ(ex_b.next->missing, (Strings{"score.fit is 7, needs >= 10 (3 more)"}));

  EXPECT_EQ(q.stage_names(), (std::vector<std::string_view>{"A", "B", "lead"}));
}

TEST(Stages, ConfiguredFallbackStage) {
  Config c;
  c.options.fallback_stage = "nurture";
  c.add(stage("hot", field("attributes.hot").eq(true)));
  const Qualifier q = build_ok(c);
  EXPECT_EQ(q.qualify(LeadBuilder().build(), as_of()).stage, "nurture");
  EXPECT_EQ(q.qualify(LeadBuilder().attr("hot", true).build(), as_of()).stage, "hot");
  EXPECT_EQ(q.stage_names(), (std::vector<std::string_view>{"hot", "nurture"}));
}

TEST(Stages, NoStagesAtAll) {
  const Qualifier q = build_ok(config_with({Rule::fit("f", field("id").exists(), 1)}));
  const Explanation ex = q.explain(LeadBuilder("x").build(), as_of());
  EXPECT_EQ(ex.result.stage, "lead");
  EXPECT_TRUE(ex.stages.empty());
  EXPECT_FALSE(ex.next.has_value());
}

TEST(Stages, OriginSpecificThresholds) {
  Config c;
  c.add(Rule::fit("f30", field("attributes.fit").eq(30.0), 30));
  c.add(Rule::fit("f45", field("attributes.fit").eq(45.0), 45));
  c.add(Rule::fit("f15", field("attributes.fit").eq(15.0), 15));
  Stage mql = stage("MQL", field("score.fit").gte(20));
  mql.by_origin.emplace_back(Origin::outbound, field("score.fit").gte(40));
  mql.by_origin.emplace_back(Origin::inbound, field("score.fit").gte(10));
  c.add(mql);
  const Qualifier q = build_ok(c);

  auto stage_of = [&](int fit, Origin origin) {
    return std::string(
        q.qualify(LeadBuilder().attr("fit", fit).origin(origin).build(), as_of()).stage);
  };
  EXPECT_EQ(stage_of(30, Origin::inbound), "MQL");
  EXPECT_EQ(stage_of(30, Origin::outbound), "lead");
  EXPECT_EQ(stage_of(30, Origin::unknown), "MQL");  // the general condition
  EXPECT_EQ(stage_of(45, Origin::outbound), "MQL");
  EXPECT_EQ(stage_of(15, Origin::inbound), "MQL");
  EXPECT_EQ(stage_of(15, Origin::unknown), "lead");

  const Explanation out = q.explain(LeadBuilder().attr("fit", 30).outbound().build(), as_of());
  ASSERT_EQ(out.stages.size(), 1u);
  EXPECT_TRUE(out.stages[0].by_origin);
  EXPECT_EQ(out.stages[0].condition.text, "score.fit >= 40");
  ASSERT_TRUE(out.next.has_value());
  EXPECT_EQ(out.next->missing, (Strings{"score.fit is 30, needs >= 40 (10 more)"}));
  const Explanation unknown = q.explain(LeadBuilder().attr("fit", 30).build(), as_of());
  EXPECT_FALSE(unknown.stages[0].by_origin);
  EXPECT_EQ(unknown.stages[0].condition.text, "score.fit >= 20");
}

// One stage "S" with the condition under test, over a configuration that
// gives fit 60 to a lead with a job title and engagement 30 to a lead with
// any event: such a lead is graded "B3".
struct StageCase {
  std::string name;
  Condition when;
  std::function<Lead()> lead;
  bool reaches;
};

void PrintTo(const StageCase& c, std::ostream* os) { *os << c.name; }

std::string stage_case_name(const ::testing::TestParamInfo<StageCase>& param_info) {
  return param_info.param.name;
}

class StageConditions : public ::testing::TestWithParam<StageCase> {};

TEST_P(StageConditions, ReachTheStageExactlyWhenTheConditionHolds) {
  const StageCase& sc = GetParam();
  Config c = config_with({Rule::fit("title", field("job_title").exists(), 60),
                          Rule::engagement("active", field("event_count").gte(1), 30)});
  c.add(stage("S", sc.when));
  const Qualifier q = build_ok(c);
  const Qualification r = q.qualify(sc.lead(), as_of());
  EXPECT_EQ(r.stage == "S", sc.reaches) << "stage " << r.stage << ", grade " << r.grade;
}

Lead titled_active() { return LeadBuilder().title("CEO").event("page_view", days_ago(2)).build(); }

INSTANTIATE_TEST_SUITE_P(
    Over, StageConditions,
    ::testing::Values(
        StageCase{"score_fit_gte", field("score.fit").gte(60), titled_active, true},
        StageCase{"score_fit_gt", field("score.fit").gt(60), titled_active, false},
        StageCase{"score_engagement_eq", field("score.engagement").eq(30.0), titled_active, true},
        StageCase{"score_total", field("score.total").eq(90.0), titled_active, true},
        StageCase{"score_total_without_events", field("score.total").eq(90.0),
                  [] { return LeadBuilder().title("CEO").build(); }, false},
        StageCase{"grade", field("grade").eq("B3"), titled_active, true},
        StageCase{"grade_fit_ignores_case", field("grade.fit").eq("b"), titled_active, true},
        StageCase{"grade_engagement_in", field("grade.engagement").in(Strings{"1", "2"}),
                  titled_active, false},
        StageCase{"attribute", field("attributes.plan").eq("enterprise"),
                  [] { return LeadBuilder().attr("plan", "Enterprise").build(); }, true},
        StageCase{"attribute_missing", field("attributes.plan").eq("enterprise"),
                  [] { return Lead{}; }, false},
        StageCase{"origin", field("origin").eq("outbound"),
                  [] { return LeadBuilder().outbound().build(); }, true},
        StageCase{"origin_unknown", field("origin").eq("unknown"), [] { return Lead{}; }, true},
        StageCase{"source", field("source").in(Strings{"referral", "trade_show"}),
                  [] { return LeadBuilder().source("referral").build(); }, true},
        StageCase{"enrichment", field("enrichment").eq("non_enriched"),
                  [] { return LeadBuilder().name("Ada", "L").email("ada@acme.io").build(); }, true},
        StageCase{"free_email", field("free_email").eq(true),
                  [] { return LeadBuilder().email("someone@gmail.com").build(); }, true},
        StageCase{"email_domain", field("email_domain").ends_with(".edu"),
                  [] { return LeadBuilder().email("prof@mit.edu").build(); }, true},
        StageCase{"days_since_created", field("days_since_created").lt(7),
                  [] { return LeadBuilder().created(days_ago(3)).build(); }, true},
        StageCase{"days_since_created_old", field("days_since_created").lt(7),
                  [] { return LeadBuilder().created(days_ago(10)).build(); }, false},
        StageCase{"days_since_last_activity", field("days_since_last_activity").lte(3),
                  titled_active, true},
        StageCase{"completeness", field("completeness").gte(0.25),
                  [] { return LeadBuilder().company("Acme").title("CEO").city("Paris").build(); },
                  true},
        StageCase{"completeness_low", field("completeness").gte(0.25),
                  [] { return LeadBuilder().company("Acme").title("CEO").build(); }, false},
        StageCase{"event_count", field("event_count").gte(3),
                  [] { return LeadBuilder().events("email_open", 3, days_ago(9)).build(); }, true},
        StageCase{"event_count_type", field("event_count.webinar_attended").gte(1),
                  [] { return LeadBuilder().event("webinar_attended", days_ago(200)).build(); },
                  true},
        StageCase{"demo_within_30_days", events({"demo_request"}).within(30).count().gte(1),
                  [] { return LeadBuilder().event("demo_request", days_ago(10)).build(); }, true},
        StageCase{"demo_31_days_ago", events({"demo_request"}).within(30).count().gte(1),
                  [] { return LeadBuilder().event("demo_request", days_ago(31)).build(); }, false},
        StageCase{"demo_after_as_of", events({"demo_request"}).within(30).count().gte(1),
                  [] { return LeadBuilder().event("demo_request", days_ago(-1)).build(); }, false},
        StageCase{
            "score_and_event",
            all({field("score.total").gte(70), events({"demo_request"}).within(30).count().gte(1),
                 field("discovery.budget").exists()}),
            [] {
              return LeadBuilder()
                  .title("CEO")
                  .budget("10k")
                  .event("demo_request", days_ago(1))
                  .build();
            },
            true}),
    stage_case_name);

// ---------------------------------------------------------------------------
// Derived facts
// ---------------------------------------------------------------------------

class DerivedFactsTest : public ::testing::Test {
 protected:
  Qualifier q_ = build_ok(Config{});
  DerivedFacts facts(const Lead& lead) const { return q_.derive(lead, as_of()); }
};

TEST_F(DerivedFactsTest, EnrichmentLevels) {
  // No name, or no contact method: incomplete.
  EXPECT_EQ(facts(LeadBuilder().email("a@acme.io").company("Acme").build()).enrichment,
            EnrichmentLevel::incomplete);
  EXPECT_EQ(facts(LeadBuilder().name("Ada", "L").company("Acme").build()).enrichment,
            EnrichmentLevel::incomplete);
  EXPECT_EQ(facts(LeadBuilder().first_name("").email("a@acme.io").build()).enrichment,
            EnrichmentLevel::incomplete);
  // A name and one contact method: non-enriched.
  EXPECT_EQ(facts(LeadBuilder().first_name("Ada").email("a@acme.io").build()).enrichment,
            EnrichmentLevel::non_enriched);
  EXPECT_EQ(facts(LeadBuilder().last_name("L").phone("+33 1").company("Acme").title("CTO").build())
                .enrichment,
            EnrichmentLevel::non_enriched);
  // Plus three of the enrichment fields: enriched.
  EXPECT_EQ(facts(LeadBuilder()
                      .first_name("Ada")
                      .email("a@acme.io")
                      .company("Acme")
                      .title("CTO")
                      .country("FR")
                      .build())
                .enrichment,
            EnrichmentLevel::enriched);
  // An empty string is not a present field.
  EXPECT_EQ(facts(LeadBuilder()
                      .first_name("Ada")
                      .email("a@acme.io")
                      .company("")
                      .title("CTO")
                      .country("FR")
                      .build())
                .enrichment,
            EnrichmentLevel::non_enriched);
  EXPECT_EQ(to_string(EnrichmentLevel::non_enriched), "non_enriched");
}

TEST_F(DerivedFactsTest, CompletenessIsTheShareOfEnrichmentFieldsPresent) {
  EXPECT_EQ(facts(Lead{}).completeness, 0);
  EXPECT_EQ(facts(LeadBuilder().company("Acme").title("CTO").country("FR").build()).completeness,
            3.0 / 11.0);
  const Lead all_fields = LeadBuilder()
                              .secondary_email("b@acme.io")
                              .secondary_phone("+1")
                              .company("Acme")
                              .domain("acme.io")
                              .industry("software")
                              .employees(0)  // zero is present
                              .title("CTO")
                              .seniority("c_level")
                              .department("IT")
                              .country("FR")
                              .city("Paris")
                              .build();
  EXPECT_EQ(facts(all_fields).completeness, 1);
}

TEST_F(DerivedFactsTest, ConfigurableEnrichmentFields) {
  Config c;
  c.options.enrichment.fields = {"company.name", "attributes.linkedin"};
  c.options.enrichment.min_fields = 2;
  const Qualifier q = build_ok(c);
  const Lead both = LeadBuilder()
                        .name("Ada", "L")
                        .email("a@acme.io")
                        .company("Acme")
                        .attr("linkedin", "in/ada")
                        .build();
  DerivedFacts f = q.derive(both, as_of());
  EXPECT_EQ(f.enrichment, EnrichmentLevel::enriched);
  EXPECT_EQ(f.completeness, 1);
  const Lead one =
      LeadBuilder().name("Ada", "L").email("a@acme.io").company("Acme").title("CTO").build();
  f = q.derive(one, as_of());
  EXPECT_EQ(f.enrichment, EnrichmentLevel::non_enriched);
  EXPECT_EQ(f.completeness, 0.5);
  // The same lead is enriched by the default field list.
  EXPECT_EQ(facts(both).enrichment, EnrichmentLevel::non_enriched);
}

TEST_F(DerivedFactsTest, EmailDomain) {
  DerivedFacts f = facts(LeadBuilder().email("Jane.Doe@Sub.Acme.IO").build());
  EXPECT_EQ(f.email_domain, "Sub.Acme.IO");
  EXPECT_FALSE(f.free_email);
  f = facts(LeadBuilder().email("odd@name@corp.fr").build());
  EXPECT_EQ(f.email_domain, "corp.fr");
  for (const char* bad : {"no-at-sign", "trailing@", ""}) {
    f = facts(LeadBuilder().email(bad).build());
    EXPECT_EQ(f.email_domain, std::nullopt) << bad;
    EXPECT_FALSE(f.free_email) << bad;
  }
  EXPECT_EQ(facts(Lead{}).email_domain, std::nullopt);
}

TEST_F(DerivedFactsTest, FreeEmailDefaultList) {
  EXPECT_TRUE(facts(LeadBuilder().email("x@gmail.com").build()).free_email);
  EXPECT_TRUE(facts(LeadBuilder().email("x@GMail.COM").build()).free_email);
  EXPECT_TRUE(facts(LeadBuilder().email("x@wanadoo.fr").build()).free_email);
  EXPECT_FALSE(facts(LeadBuilder().email("x@gmail.com.evil.io").build()).free_email);
  EXPECT_FALSE(facts(LeadBuilder().email("x@acme.io").build()).free_email);
  EXPECT_FALSE(
      facts(LeadBuilder().secondary_email("x@gmail.com").build()).free_email);  // primary only
}

TEST_F(DerivedFactsTest, FreeEmailOverriddenList) {
  Config c;
  c.options.free_email_domains = Strings{"corp-mail.test", "freebie.io"};
  const Qualifier q = build_ok(c);
  EXPECT_FALSE(q.derive(LeadBuilder().email("x@gmail.com").build(), as_of()).free_email);
  EXPECT_TRUE(q.derive(LeadBuilder().email("x@Corp-Mail.TEST").build(), as_of()).free_email);

  Config none;
  none.options.free_email_domains = Strings{};
  EXPECT_FALSE(
      build_ok(none).derive(LeadBuilder().email("x@gmail.com").build(), as_of()).free_email);
}

TEST_F(DerivedFactsTest, DaysSinceCreated) {
  EXPECT_EQ(facts(LeadBuilder().created(days_ago(10.5)).build()).days_since_created, 10.5);
  EXPECT_EQ(facts(LeadBuilder().created(as_of()).build()).days_since_created, 0);
  EXPECT_EQ(facts(LeadBuilder().created(days_ago(-2)).build()).days_since_created, -2);
  EXPECT_FALSE(facts(Lead{}).days_since_created.has_value());
}

TEST_F(DerivedFactsTest, DaysSinceLastActivityAndEventsAfterAsOf) {
  const Lead lead = LeadBuilder()
                        .event("page_view", days_ago(8))
                        .event("email_open", days_ago(3))
                        .event("demo_request", days_ago(-2))  // after as_of
                        .event("page_view", days_ago(-0.001))
                        .build();
  const DerivedFacts f = facts(lead);
  EXPECT_EQ(f.days_since_last_activity, 3);
  EXPECT_EQ(f.events_considered, 2u);
  EXPECT_EQ(f.events_after_as_of, 2u);

  const DerivedFacts later = q_.derive(lead, days_ago(-3));
  EXPECT_EQ(later.days_since_last_activity, 1);
  EXPECT_EQ(later.events_considered, 4u);
  EXPECT_EQ(later.events_after_as_of, 0u);

  EXPECT_EQ(facts(LeadBuilder().event("x", as_of()).build()).days_since_last_activity, 0);
  const DerivedFacts none = facts(Lead{});
  EXPECT_FALSE(none.days_since_last_activity.has_value());
  EXPECT_EQ(none.events_considered, 0u);
}

TEST_F(DerivedFactsTest, ExplainReportsTheSameFacts) {
  const Qualifier q = build_ok(default_config());
  test::RandomLeads gen(3);
  for (int i = 0; i < 50; ++i) {
    const Lead lead = gen.lead();
    const DerivedFacts a = q.derive(lead, as_of());
    const DerivedFacts b = q.explain(lead, as_of()).facts;
    EXPECT_EQ(test::facts_fields(a), test::facts_fields(b));
  }
}

}  // namespace
}  // namespace leadscore
