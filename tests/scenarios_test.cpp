// End-to-end scenarios of DOMAIN.md against the built-in configuration
// (default_config(), src/model/default_config.cpp):
//   1. startup free trial -> PQL
//   2. consulting newsletter subscriber -> MQL, then SQL after a positive reply
//   3. agency ad-form lead -> MQL, then SQL once discovery establishes budget,
//      timeline and fit
//   4. outbound purchased-list lead that never engages stays "lead"
//   5. competitor / student knocked out with the reason
// The expected scores are worked out by hand from the default rules.
#include <cmath>
#include <string>
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

/// points * 2^(-age / half_life), rounded to millionths like the engine.
double decayed(double points, double age_days, double half_life_days) {
  return std::round(points * std::exp2(-age_days / half_life_days) * 1e6) / 1e6;
}

class Scenario : public ::testing::Test {
 protected:
  const Qualifier q_ = Qualifier::with_default_config();

  Qualification qualify(const Lead& lead) const {
    const Qualification r = q_.qualify(lead, as_of());
    EXPECT_TRUE(identical(q_.explain(lead, as_of()).result, r));
    return r;
  }
};

// ---------------------------------------------------------------------------
// 1. Startup, mobile app: landing-page form -> free trial -> PQL
// ---------------------------------------------------------------------------

// Fit: decision maker "CTO" 25 + 12 employees 10 + software 15 + business
// email 10 + enriched (company name, industry, size, title) 10 = 70.
LeadBuilder trial_user() {
  LeadBuilder b("maya");
  b.name("Maya", "Chen")
      .email("maya@tasklane.io")
      .title("CTO")
      .company("Tasklane")
      .industry("software");
  b.employees(12).inbound().source("web_form").created(days_ago(14));
  b.event("product_usage", days_ago(10))
      .event("product_usage", days_ago(8))
      .event("product_usage", days_ago(6));
  b.event("product_usage", days_ago(4)).event("product_usage", days_ago(2));
  return b;
}

TEST_F(Scenario, StartupFreeTrialBecomesPql) {
  const Lead lead = trial_user()
                        .event("trial_signup", days_ago(12))
                        .event(ev("paid_feature_inquiry", days_ago(1)).prop("feature", "sso"))
                        .build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.stage, "PQL");
  EXPECT_EQ(r.stage_index, 0);
  EXPECT_FALSE(r.disqualified);
  EXPECT_EQ(r.fit, 70);
  // trial 15 + 5 sessions x 2 + paid-feature question 20 + active on 3+ days
  // in 14: 10 + 5 sessions in 14 days: 10.
  EXPECT_EQ(r.engagement, 65);
  EXPECT_EQ(r.total, 135);
  EXPECT_EQ(r.grade, "B2");
  EXPECT_FALSE(q_.explain(lead, as_of()).next.has_value());  // top stage
}

TEST_F(Scenario, TrialWithoutAPaidFeatureQuestionIsOnlyAnMql) {
  const Lead lead = trial_user().event("trial_signup", days_ago(12)).build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.engagement, 45);
  EXPECT_EQ(r.stage, "MQL");
  const Explanation ex = q_.explain(lead, as_of());
  // PQL was tried first: the trial and the usage held, the paid-feature question did not.
  ASSERT_EQ(ex.stages.size(), 3u);
  EXPECT_EQ(ex.stages[0].stage, "PQL");
  const ConditionTrace& pql = ex.stages[0].condition;
  ASSERT_EQ(pql.children.size(), 3u);
  EXPECT_TRUE(pql.children[0].held);
  EXPECT_EQ(pql.children[1].text, "count(paid_feature_inquiry, within 30d) >= 1");
  EXPECT_EQ(pql.children[1].actual, "0");
  EXPECT_FALSE(pql.children[1].held);
  EXPECT_TRUE(pql.children[2].held);
  // The stage just above MQL is SQL.
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "SQL");
}

TEST_F(Scenario, TrialPlanAttributeCountsAsATrial) {
  const Lead lead =
      trial_user().attr("plan", "Trial").event("paid_feature_inquiry", days_ago(1)).build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.stage, "PQL");
  EXPECT_EQ(r.engagement, 50);
}

TEST_F(Scenario, QualificationIsContinuous) {
  // A day and a half earlier the paid-feature question had not happened yet.
  const Lead lead = trial_user()
                        .event("trial_signup", days_ago(12))
                        .event("paid_feature_inquiry", days_ago(1))
                        .build();
  const Qualification before = q_.qualify(lead, days_ago(1.5));
  EXPECT_EQ(before.stage, "MQL");
  EXPECT_EQ(before.engagement, 45);
  EXPECT_EQ(q_.qualify(lead, as_of()).stage, "PQL");
}

// ---------------------------------------------------------------------------
// 2. Consulting firm: blog -> newsletter -> consultation offer -> positive reply
// ---------------------------------------------------------------------------

// Fit: "Head of" 25 + 80 employees 20 + consulting 15 + business email 10 +
// enriched 10 = 80.
LeadBuilder subscriber() {
  LeadBuilder b("jean");
  b.name("Jean", "Dupont").email("jean.dupont@atelier-conseil.fr").title("Head of Operations");
  b.company("Atelier Conseil").industry("consulting").employees(80).country("FR");
  b.inbound().source("newsletter").created(days_ago(30));
  b.event(ev("page_view", days_ago(30)).prop("url", "/blog/lead-nurturing"));
  b.event("newsletter_signup", days_ago(28));
  b.event("email_open", days_ago(20)).event("email_open", days_ago(10));
  b.event(ev("email_click", days_ago(10)).prop("url", "/offers/consultation"));
  return b;
}

// page view 1 x 2^-1 + newsletter 10 x 2^(-28/90) + 2 opens + click 3 x 2^(-1/3)
double subscriber_engagement() {
  return decayed(1, 30, 30) + decayed(10, 28, 90) + 2 + decayed(3, 10, 30);
}

TEST_F(Scenario, NewsletterSubscriberIsAnMql) {
  const Lead lead = subscriber().build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.stage, "MQL");
  EXPECT_EQ(r.stage_index, 2);
  EXPECT_EQ(r.fit, 80);
  EXPECT_NEAR(r.engagement, subscriber_engagement(), 1e-9);
  EXPECT_LT(r.engagement, 30);  // an MQL through the newsletter, not through engagement
  EXPECT_EQ(r.grade, "A4");
  const Explanation ex = q_.explain(lead, as_of());
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "SQL");
  // Of the three ways into SQL, one with the fewest missing conditions.
  EXPECT_EQ(ex.next->missing, (Strings{"count(demo_request|contact_sales|meeting_booked, within "
                                       "30d) is 0, needs >= 1 (1 more)"}));
}

TEST_F(Scenario, PositiveReplyToAConsultationOfferMakesAnSql) {
  const Lead lead =
      subscriber().event(ev("email_reply", days_ago(2)).prop("sentiment", "positive")).build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.stage, "SQL");
  EXPECT_EQ(r.stage_index, 1);
  EXPECT_NEAR(r.engagement, subscriber_engagement() + 25, 1e-9);

  const Lead shouting =
      subscriber().event(ev("email_reply", days_ago(2)).prop("sentiment", "Positive")).build();
  EXPECT_EQ(qualify(shouting).stage, "SQL");
}

TEST_F(Scenario, NegativeOrOldReplyDoesNotQualify) {
  const Lead negative =
      subscriber().event(ev("email_reply", days_ago(2)).prop("sentiment", "negative")).build();
  const Qualification r = qualify(negative);
  EXPECT_EQ(r.stage, "MQL");
  EXPECT_NEAR(r.engagement, subscriber_engagement(), 1e-9);

  const Lead unlabelled = subscriber().event("email_reply", days_ago(2)).build();
  EXPECT_EQ(qualify(unlabelled).stage, "MQL");

  // A positive reply 45 days ago still scores (60-day window) but is too old for SQL (30 days).
  const Lead old =
      subscriber().event(ev("email_reply", days_ago(45)).prop("sentiment", "positive")).build();
  const Qualification old_r = qualify(old);
  EXPECT_EQ(old_r.stage, "MQL");
  EXPECT_NEAR(old_r.engagement, subscriber_engagement() + 25, 1e-9);
}

// ---------------------------------------------------------------------------
// 3. Digital marketing agency: ad -> landing-page form -> discovery call
// ---------------------------------------------------------------------------

// Fit before discovery: "Head of" 25 + 30 employees 10 + retail (not a target
// industry) 0 + business email 10 + enriched 10 = 55.
LeadBuilder ad_form_lead(const std::string& title) {
  LeadBuilder b("sam");
  b.name("Sam", "Rivera")
      .email("sam@brightside-shoes.com")
      .title(title)
      .company("Brightside Shoes");
  b.industry("retail").employees(30).inbound().source("paid_ads").created(days_ago(3));
  b.event(ev("page_view", days_ago(2)).prop("url", "/landing/spring-offer"));
  b.event(ev("form_submit", days_ago(2)).prop("form", "quote-request"));
  return b;
}

TEST_F(Scenario, AdFormLeadIsAnMqlBeforeDiscovery) {
  const Qualification r = qualify(ad_form_lead("Head of Growth").build());
  EXPECT_EQ(r.stage, "MQL");
  EXPECT_EQ(r.fit, 55);
  EXPECT_NEAR(r.engagement, decayed(1, 2, 30) + decayed(5, 2, 30), 1e-9);
}

TEST_F(Scenario, DiscoveryEstablishingBudgetTimelineAndFitMakesAnSql) {
  const Lead lead =
      ad_form_lead("Head of Growth").budget("20k/year").timeline("next quarter").build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.fit, 70);  // + budget 10 + timeline 5
  EXPECT_EQ(r.stage, "SQL");
  EXPECT_EQ(r.stage_index, 1);
  const Explanation ex = q_.explain(lead, as_of());
  ASSERT_EQ(ex.stages.size(), 2u);
  const ConditionTrace& sql = ex.stages[1].condition;
  ASSERT_EQ(sql.children.size(), 3u);
  EXPECT_FALSE(sql.children[0].held);  // asked for sales
  EXPECT_FALSE(sql.children[1].held);  // positive reply
  EXPECT_TRUE(sql.children[2].held);   // discovery: budget, timeline, fit >= 60
}

TEST_F(Scenario, DiscoveryWithoutTheFitOrTheTimelineDoesNotQualify) {
  // A manager-level contact: fit 10 + 10 + 10 + 10 + budget 10 + timeline 5 = 55 < 60.
  const Qualification manager = qualify(
      ad_form_lead("Marketing Manager").budget("20k/year").timeline("next quarter").build());
  EXPECT_EQ(manager.fit, 55);
  EXPECT_EQ(manager.stage, "MQL");

  const Qualification no_timeline = qualify(ad_form_lead("Head of Growth").budget(20000.0).build());
  EXPECT_EQ(no_timeline.fit, 65);
  EXPECT_EQ(no_timeline.stage, "MQL");
}

// ---------------------------------------------------------------------------
// 4. Outbound purchased-list lead that never engages
// ---------------------------------------------------------------------------

// Fit: CEO 25 + 450 employees 20 + logistics 0 + business email 10 + enriched 10 = 65.
LeadBuilder purchased_lead() {
  LeadBuilder b("olivia");
  b.name("Olivia", "Park")
      .email("o.park@northwind-logistics.com")
      .title("CEO")
      .company("Northwind Logistics");
  b.industry("logistics").employees(450).outbound().source("purchased_list").created(days_ago(60));
  return b;
}

TEST_F(Scenario, PurchasedListLeadThatNeverEngagesStaysALead) {
  const Lead lead = purchased_lead().build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.stage, "lead");
  EXPECT_EQ(r.stage_index, -1);
  EXPECT_FALSE(r.disqualified);
  EXPECT_EQ(r.fit, 65);
  EXPECT_EQ(r.engagement, 0);
  EXPECT_EQ(r.grade, "B4");

  const Explanation ex = q_.explain(lead, as_of());
  EXPECT_EQ(ex.engagement_unclamped, 0);  // no activity at all is not "inactive for 30 days"
  ASSERT_EQ(ex.stages.size(), 3u);
  EXPECT_FALSE(ex.stages[0].by_origin);  // PQL has one condition for every origin
  EXPECT_TRUE(ex.stages[1].by_origin);   // SQL and MQL are stricter for outbound leads
  EXPECT_TRUE(ex.stages[2].by_origin);
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "MQL");
  EXPECT_EQ(ex.next->missing, (Strings{"score.engagement is 0, needs >= 20 (20 more)"}));
}

TEST_F(Scenario, OpeningColdEmailsIsNotEnoughForAnOutboundMql) {
  // Opens on 3 distinct days: 3 x 1 + active on 3 days in 14: 10 = 13 < 20.
  const Lead lead = purchased_lead()
                        .event("email_open", days_ago(5))
                        .event("email_open", days_ago(3))
                        .event("email_open", days_ago(3.1))  // same day: the daily cap keeps one
                        .event("email_open", days_ago(1))
                        .build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.engagement, 13);
  EXPECT_EQ(r.stage, "lead");
  const Explanation ex = q_.explain(lead, as_of());
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->missing, (Strings{"score.engagement is 13, needs >= 20 (7 more)"}));

  // The same lead found through inbound content would not be an MQL either
  // without a form, a download, a webinar or a newsletter; with one it is.
  const Lead inbound = purchased_lead().inbound().event("content_download", days_ago(1)).build();
  EXPECT_EQ(qualify(inbound).stage, "MQL");
}

// ---------------------------------------------------------------------------
// 5. Knockouts: competitor, student
// ---------------------------------------------------------------------------

// Without the knockout this lead is an SQL: fit 80, a demo request.
LeadBuilder hot_lead() {
  LeadBuilder b("alex");
  b.name("Alex", "Kim")
      .email("alex@rivalsoft.io")
      .title("VP Product")
      .company("RivalSoft")
      .industry("software");
  b.employees(300).inbound().source("web_form").event("demo_request", days_ago(3));
  return b;
}

TEST_F(Scenario, HotLeadWithoutKnockoutIsAnSql) {
  const Qualification r = qualify(hot_lead().attr("competitor", false).build());
  EXPECT_EQ(r.stage, "SQL");
  EXPECT_EQ(r.fit, 80);
  EXPECT_EQ(r.engagement, 30);
}

TEST_F(Scenario, CompetitorIsKnockedOut) {
  const Lead lead = hot_lead().attr("competitor", true).build();
  const Qualification r = qualify(lead);
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.stage, "lead");
  EXPECT_EQ(r.reason, "competitor");
  EXPECT_EQ(r.knockout_rule, "competitor");
  EXPECT_EQ(r.fit, 80);
  EXPECT_EQ(r.engagement, 30);
  const Explanation ex = q_.explain(lead, as_of());
  EXPECT_EQ(ex.knockouts, (Strings{"competitor"}));
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "MQL");
  // The lead meets MQL's conditions: the knockout is all that stands in the way.
  EXPECT_EQ(ex.next->missing, (Strings{"disqualified by rule 'competitor' (reason competitor): no "
                                       "stage above lead while it holds"}));
  EXPECT_NE(ex.to_text().find("disqualified: competitor (rule competitor)\n"), std::string::npos);
}

TEST_F(Scenario, StudentIsKnockedOut) {
  const Lead student = LeadBuilder("lea")
                           .name("Lea", "Martin")
                           .email("lea.martin@etu.univ-paris.fr")
                           .title("Student")
                           .company("Universite Paris Cite")
                           .inbound()
                           .source("content_download")
                           .event("content_download", days_ago(5))
                           .event("webinar_attended", days_ago(3))
                           .build();
  const Qualification r = qualify(student);
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.stage, "lead");
  EXPECT_EQ(r.reason, "student");
  EXPECT_EQ(r.knockout_rule, "student");

  for (const char* title :
       {"Marketing intern", "INTERNSHIP - growth", "étudiant en master", "Stagiaire RH"}) {
    const Qualification k = qualify(LeadBuilder().title(title).build());
    EXPECT_EQ(k.reason, "student") << title;
  }
  // Word-aware: an internal role is not an intern.
  EXPECT_FALSE(
      qualify(LeadBuilder().title("Internal Communications Manager").build()).disqualified);
}

TEST_F(Scenario, FirstKnockoutGivesTheReasonAndExplainListsThemAll) {
  const Lead lead = hot_lead()
                        .attr("competitor", true)
                        .title("Student")
                        .event("email_bounce", days_ago(1))
                        .build();
  const Qualification r = qualify(lead);
  EXPECT_EQ(r.reason, "competitor");
  EXPECT_EQ(q_.explain(lead, as_of()).knockouts,
            (Strings{"competitor", "student", "bounced_email"}));
}

TEST_F(Scenario, OtherDefaultKnockouts) {
  EXPECT_EQ(qualify(hot_lead().email("alex@Example.com").build()).reason, "invalid_contact");
  EXPECT_EQ(qualify(hot_lead().do_not_email(true).do_not_call(true).build()).reason,
            "do_not_contact");
  EXPECT_FALSE(qualify(hot_lead().do_not_email(true).do_not_call(false).build()).disqualified);
}

}  // namespace
}  // namespace leadscore
