// Tests of the four rule kinds (src/eval/evaluate.cpp): fit, behavior (points per
// event, `where`, any type, max_points incl. negative points, max_per_day,
// within_days, half_life_days and their combinations), engagement (count,
// distinct_days, days_since_last, sum; windows; `where`) and knockout.
#include <algorithm>
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
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

/// The contribution of rule `id` in an explanation (fails when absent).
const Contribution& contribution(const Explanation& ex, const std::string& id) {
  for (const auto& c : ex.contributions) {
    if (c.rule_id == id) return c;
  }
  ADD_FAILURE() << "no contribution from rule " << id;
  static const Contribution none;
  return none;
}

bool has_contribution(const Explanation& ex, const std::string& id) {
  return std::any_of(ex.contributions.begin(), ex.contributions.end(),
                     [&](const Contribution& c) { return c.rule_id == id; });
}

/// A configuration whose engagement score may go negative, so negative
/// points are visible in the clamped score.
Config signed_engagement(std::vector<Rule> rules) {
  Config c = config_with(std::move(rules));
  c.scores.engagement.min = -1000;
  return c;
}

// ---------------------------------------------------------------------------
// Fit
// ---------------------------------------------------------------------------

TEST(FitRule, AddsPointsWhenItsConditionHolds) {
  const Qualifier q = build_ok(config_with({
      Rule::fit("title", field("job_title").contains_any({"ceo"}), 25),
      Rule::fit("size", field("company.employees").gte(50), 20),
      Rule::fit("industry", field("company.industry").eq("software"), 15),
      Rule::fit("no_company", field("company.name").missing(), -10),
  }));
  const Lead lead = LeadBuilder().title("CEO").employees(80).company("Acme").build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_EQ(r.fit, 45);
  EXPECT_EQ(r.engagement, 0);
  EXPECT_EQ(r.total, 45);

  const Explanation ex = q.explain(lead, as_of());
  ASSERT_EQ(ex.contributions.size(), 2u);
  EXPECT_EQ(ex.contributions[0].rule_id, "title");
  EXPECT_EQ(ex.contributions[0].kind, RuleKind::fit);
  EXPECT_EQ(ex.contributions[0].points, 25);
  EXPECT_EQ(ex.contributions[0].evidence, "job_title contains_any [\"ceo\"] (is \"CEO\")");
  EXPECT_EQ(ex.contributions[1].rule_id, "size");
  EXPECT_EQ(ex.contributions[1].evidence, "company.employees >= 50 (is 80)");
}

TEST(FitRule, NegativePointsSubtract) {
  const Qualifier q = build_ok(config_with({
      Rule::fit("title", field("job_title").exists(), 25),
      Rule::fit("no_company", field("company.name").missing(), -10),
  }));
  EXPECT_EQ(q.qualify(LeadBuilder().title("CEO").build(), as_of()).fit, 15);
}

// ---------------------------------------------------------------------------
// Behavior
// ---------------------------------------------------------------------------

TEST(BehaviorRule, PointsPerMatchingEvent) {
  const Qualifier q = build_ok(config_with({Rule::behavior("views", {"page_view"}, 3)}));
  const Lead lead = LeadBuilder()
                        .events("page_view", 4, days_ago(4))
                        .event("email_open", days_ago(1))
                        .event("Page_View", days_ago(1))  // event types are exact
                        .build();
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 12);
  const Explanation ex = q.explain(lead, as_of());
  const Contribution& c = contribution(ex, "views");
  EXPECT_EQ(c.kind, RuleKind::behavior);
  // points, uncapped, capped; events matched, counted, over the daily cap, outside the window;
  // decay factor sum
  EXPECT_EQ(test::behavior_counts(c), (test::BehaviorCounts{12, 12, false, 4, 4, 0, 0, 4}));
  EXPECT_EQ(c.evidence, "4 events x 3 pts");
}

TEST(BehaviorRule, RuleWithoutMatchingEventsContributesNothing) {
  const Qualifier q = build_ok(config_with({Rule::behavior("views", {"page_view"}, 3)}));
  const Lead lead = LeadBuilder().event("email_open", days_ago(1)).build();
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 0);
  EXPECT_TRUE(q.explain(lead, as_of()).contributions.empty());
}

TEST(BehaviorRule, WhereFiltersOnEventProperties) {
  const Qualifier q = build_ok(config_with({
      Rule::behavior("pricing", {"page_view"}, 5).only_where(field("url").contains("/pricing")),
      Rule::behavior("long_sessions", {"product_usage"}, 1)
          .only_where(field("duration").gte(30))
          .only_where(field("feature").in(Strings{"export", "sso"})),
  }));
  const Lead lead =
      LeadBuilder()
          .event(ev("page_view", days_ago(1)).prop("url", "/pricing"))
          .event(ev("page_view", days_ago(1)).prop("url", "/PRICING/enterprise"))
          .event(ev("page_view", days_ago(1)).prop("url", "/blog"))
          .event(ev("page_view", days_ago(1)))                    // no url: missing
          .event(ev("page_view", days_ago(1)).prop("url", 42.0))  // wrong type
          .event(ev("product_usage", days_ago(2)).prop("duration", 45.0).prop("feature", "export"))
          .event(ev("product_usage", days_ago(2)).prop("duration", 30.0).prop("feature", "SSO"))
          .event(ev("product_usage", days_ago(2)).prop("duration", 29.9).prop("feature", "export"))
          .event(ev("product_usage", days_ago(2)).prop("duration", 60.0))
          .event(ev("product_usage", days_ago(2)).prop("duration", "long").prop("feature", "sso"))
          .build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(contribution(ex, "pricing").points, 10);
  EXPECT_EQ(contribution(ex, "pricing").matched_events, 2u);
  EXPECT_EQ(contribution(ex, "long_sessions").points, 2);
  EXPECT_EQ(contribution(ex, "long_sessions").matched_events, 2u);
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 12);
}

TEST(BehaviorRule, FirstPropertyOfTheNameWins) {
  const Qualifier q = build_ok(config_with(
      {Rule::behavior("pricing", {"page_view"}, 5).only_where(field("url").eq("/pricing"))}));
  const Lead first =
      LeadBuilder()
          .event(ev("page_view", days_ago(1)).prop("url", "/pricing").prop("url", "/blog"))
          .build();
  const Lead second =
      LeadBuilder()
          .event(ev("page_view", days_ago(1)).prop("url", "/blog").prop("url", "/pricing"))
          .build();
  EXPECT_EQ(q.qualify(first, as_of()).engagement, 5);
  EXPECT_EQ(q.qualify(second, as_of()).engagement, 0);
}

TEST(BehaviorRule, EmptyEventTypesMeansAnyType) {
  const Qualifier q = build_ok(config_with({
      Rule::behavior("anything", {}, 1),
      Rule::behavior("email", {}, 10).only_where(field("type").starts_with("email_")),
  }));
  const Lead lead = LeadBuilder()
                        .event("page_view", days_ago(1))
                        .event("demo_request", days_ago(2))
                        .event("custom_thing", days_ago(3))  // a type no rule names
                        .event("email_open", days_ago(4))
                        .event("EMAIL_click", days_ago(5))
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(contribution(ex, "anything").points, 5);
  EXPECT_EQ(contribution(ex, "email").points, 20);
  EXPECT_EQ(ex.result.engagement, 25);
}

TEST(BehaviorRule, MaxPointsCapsTheRuleTotal) {
  const Qualifier q = build_ok(signed_engagement({
      Rule::behavior("clicks", {"email_click"}, 4).cap(10),
      Rule::behavior("opens", {"email_open"}, 4).cap(8),
  }));
  const Lead lead = LeadBuilder()
                        .events("email_click", 5, days_ago(5))
                        .events("email_open", 2, days_ago(5))  // exactly at the cap: not capped
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  const Contribution& clicks = contribution(ex, "clicks");
  EXPECT_EQ(clicks.points, 10);
  EXPECT_EQ(clicks.uncapped_points, 20);
  EXPECT_TRUE(clicks.capped);
  EXPECT_EQ(clicks.counted_events, 5u);
  EXPECT_EQ(clicks.evidence, "5 events x 4 pts, capped at 10");
  const Contribution& opens = contribution(ex, "opens");
  EXPECT_EQ(opens.points, 8);
  EXPECT_FALSE(opens.capped);
  EXPECT_EQ(ex.result.engagement, 18);
}

TEST(BehaviorRule, MaxPointsCapsTheMagnitudeOfNegativePoints) {
  const Qualifier q = build_ok(signed_engagement({
      Rule::behavior("unsubscribed", {"unsubscribe"}, -20).cap(30),
      Rule::behavior("bounces", {"email_bounce"}, -5).cap(30),
  }));
  const Lead lead = LeadBuilder()
                        .events("unsubscribe", 3, days_ago(10))
                        .events("email_bounce", 2, days_ago(3))
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  const Contribution& u = contribution(ex, "unsubscribed");
  EXPECT_EQ(u.points, -30);
  EXPECT_EQ(u.uncapped_points, -60);
  EXPECT_TRUE(u.capped);
  const Contribution& b = contribution(ex, "bounces");
  EXPECT_EQ(b.points, -10);
  EXPECT_FALSE(b.capped);
  EXPECT_EQ(ex.result.engagement, -40);
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, -40);
}

// max_per_day keeps the earliest events of each UTC day. With a one-day
// half-life the kept event is visible in the score: at as_of 2026-03-10T00:00
//   03-09 00:00 (1 day old)     -> 8 * 2^-1    = 4
//   03-09 12:00 (0.5 day old)   -> dropped
//   03-08 06:00 (1.75 days old) -> 8 * 2^-1.75 = 2.378414 (2.378414230...)
//   03-08 18:00 (1.25 days old) -> dropped
TEST(BehaviorRule, MaxPerDayKeepsTheEarliestEventsOfEachUtcDay) {
  const Qualifier q =
      build_ok(config_with({Rule::behavior("visits", {"page_view"}, 8).per_day(1).decay(1)}));
  const Instant at = utc(2026, 3, 10);
  const std::vector<Instant> times = {utc(2026, 3, 8, 6), utc(2026, 3, 8, 18), utc(2026, 3, 9, 0),
                                      utc(2026, 3, 9, 12)};
  std::vector<std::vector<std::size_t>> orders = {
      {0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}};
  for (const auto& order : orders) {
    LeadBuilder b;
    for (std::size_t i : order) b.event("page_view", times[i]);
    const Explanation ex = q.explain(b.build(), at);
    EXPECT_EQ(ex.result.engagement, 6.378414)
        << "order " << order[0] << order[1] << order[2] << order[3];
    const Contribution& c = contribution(ex, "visits");
    EXPECT_EQ(c.matched_events, 4u);
    EXPECT_EQ(c.counted_events, 2u);
    EXPECT_EQ(c.over_daily_cap, 2u);
    EXPECT_DOUBLE_EQ(c.decay_factor_sum, 0.5 + 0.29730177875068026);
  }
}

TEST(BehaviorRule, MaxPerDayCountsTiesAndOnlyEventsTheRuleAccepts) {
  const Qualifier q = build_ok(config_with({
      Rule::behavior("pricing", {"page_view"}, 5)
          .only_where(field("url").eq("/pricing"))
          .per_day(2),
  }));
  // Three pricing views at the same instant, plus blog views earlier that
  // day which the rule does not count (they must not use up the daily cap).
  const Instant t = days_ago(1);
  // First round in time order, second round reversed (the unsorted path).
  std::vector<Event> evs = {ev("page_view", t - std::chrono::hours(3)).prop("url", "/blog"),
                            ev("page_view", t - std::chrono::hours(2)).prop("url", "/blog"),
                            ev("page_view", t).prop("url", "/pricing"),
                            ev("page_view", t).prop("url", "/pricing"),
                            ev("page_view", t).prop("url", "/pricing")};
  for (int round = 0; round < 2; ++round) {
    Lead lead;
    lead.events = evs;
    const Explanation ex = q.explain(lead, as_of());
    const Contribution& c = contribution(ex, "pricing");
    EXPECT_EQ(c.matched_events, 3u);
    EXPECT_EQ(c.counted_events, 2u);
    EXPECT_EQ(c.over_daily_cap, 1u);
    EXPECT_EQ(c.points, 10);
    EXPECT_EQ(c.evidence, "2 events x 5 pts, 1 over the daily cap");
    std::reverse(evs.begin(), evs.end());
  }
}

TEST(BehaviorRule, MaxPerDaySortedAndShuffledInputAgree) {
  const Qualifier q = build_ok(signed_engagement({
      Rule::behavior("views", {"page_view"}, 1.5).per_day(2).decay(3),
      Rule::behavior("pricing", {"page_view"}, 4)
          .only_where(field("url").contains("pricing"))
          .per_day(1)
          .within(9),
      Rule::behavior("anything", {}, -0.25).per_day(3),
  }));
  std::mt19937 rng(1234);
  for (int lead_no = 0; lead_no < 40; ++lead_no) {
    std::vector<Event> sorted;
    for (int i = 0; i < 30; ++i) {
      const double age =
          static_cast<double>(rng() % (20 * 24)) / 24.0;  // hour granularity: many same-day events
      Event e = ev(rng() % 4 == 0 ? "email_open" : "page_view", days_ago(age))
                    .prop("url", rng() % 2 ? "/pricing" : "/blog");
      sorted.push_back(std::move(e));
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
    Lead in_order;
    in_order.events = sorted;
    const Qualification expected = q.qualify(in_order, as_of());
    const Explanation expected_ex = q.explain(in_order, as_of());
    for (int shuffle = 0; shuffle < 3; ++shuffle) {
      Lead shuffled = in_order;
      std::shuffle(shuffled.events.begin(), shuffled.events.end(), rng);
      EXPECT_TRUE(identical(q.qualify(shuffled, as_of()), expected));
      const Explanation ex = q.explain(shuffled, as_of());
      ASSERT_EQ(ex.contributions.size(), expected_ex.contributions.size());
      for (std::size_t i = 0; i < ex.contributions.size(); ++i) {
        EXPECT_EQ(ex.contributions[i].counted_events, expected_ex.contributions[i].counted_events);
        EXPECT_EQ(ex.contributions[i].over_daily_cap, expected_ex.contributions[i].over_daily_cap);
        EXPECT_EQ(test::bits(ex.contributions[i].points),
                  test::bits(expected_ex.contributions[i].points));
      }
    }
  }
}

TEST(BehaviorRule, WithinDaysCountsOnlyTheWindowEndingAtAsOf) {
  const Qualifier q =
      build_ok(config_with({Rule::behavior("recent", {"page_view"}, 1).within(30)}));
  const Lead lead = LeadBuilder()
                        .event("page_view", days_ago(0))
                        .event("page_view", days_ago(5))
                        .event("page_view", days_ago(29.9))
                        .event("page_view", days_ago(30))  // exactly 30 days: inside
                        .event("page_view", days_ago(30.001))
                        .event("page_view", days_ago(45))
                        .event("page_view", days_ago(-1))  // after as_of: ignored altogether
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result.engagement, 4);
  const Contribution& c = contribution(ex, "recent");
  EXPECT_EQ(c.matched_events, 6u);
  EXPECT_EQ(c.counted_events, 4u);
  EXPECT_EQ(c.outside_window, 2u);
  EXPECT_EQ(c.evidence, "4 events x 1 pts, 2 outside the window");
  EXPECT_EQ(ex.facts.events_after_as_of, 1u);
}

// points 10, half-life 7: an event 14 days old is worth 10 * 2^-2 = 2.5,
// 7 days old 5, at as_of 10.
TEST(BehaviorRule, HalfLifeDecaysEachEventsPoints) {
  const Qualifier q =
      build_ok(config_with({Rule::behavior("webinar", {"webinar_attended"}, 10).decay(7)}));
  EXPECT_EQ(
      q.qualify(LeadBuilder().event("webinar_attended", days_ago(14)).build(), as_of()).engagement,
      2.5);
  EXPECT_EQ(
      q.qualify(LeadBuilder().event("webinar_attended", days_ago(7)).build(), as_of()).engagement,
      5);
  EXPECT_EQ(q.qualify(LeadBuilder().event("webinar_attended", as_of()).build(), as_of()).engagement,
            10);
  EXPECT_EQ(
      q.qualify(LeadBuilder().event("webinar_attended", days_ago(28)).build(), as_of()).engagement,
      0.625);

  const Lead three = LeadBuilder()
                         .event("webinar_attended", days_ago(14))
                         .event("webinar_attended", days_ago(7))
                         .event("webinar_attended", as_of())
                         .build();
  const Explanation ex = q.explain(three, as_of());
  EXPECT_EQ(ex.result.engagement, 17.5);
  const Contribution& c = contribution(ex, "webinar");
  EXPECT_EQ(c.decay_factor_sum, 1.75);
  EXPECT_EQ(c.counted_events, 3u);
  EXPECT_EQ(c.evidence, "3 events x 10 pts, decayed (half-life 7d, factor sum 1.75)");
}

TEST(BehaviorRule, WindowAndDecayAndCapCombine) {
  const Qualifier q = build_ok(config_with({
      Rule::behavior("content", {"content_download"}, 10).within(30).decay(10),
      Rule::behavior("content_capped", {"content_download"}, 10).within(30).decay(10).cap(6),
  }));
  const Lead lead = LeadBuilder()
                        .event("content_download", days_ago(10))  // 5
                        .event("content_download", days_ago(20))  // 2.5
                        .event("content_download", days_ago(40))  // outside the window
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  const Contribution& c = contribution(ex, "content");
  EXPECT_EQ(c.points, 7.5);
  EXPECT_EQ(c.matched_events, 3u);
  EXPECT_EQ(c.counted_events, 2u);
  EXPECT_EQ(c.outside_window, 1u);
  EXPECT_EQ(c.decay_factor_sum, 0.75);
  EXPECT_EQ(c.evidence,
            "2 events x 10 pts, decayed (half-life 10d, factor sum 0.75), 1 outside the window");
  const Contribution& capped = contribution(ex, "content_capped");
  EXPECT_EQ(capped.points, 6);
  EXPECT_EQ(capped.uncapped_points, 7.5);
  EXPECT_TRUE(capped.capped);
  EXPECT_EQ(ex.result.engagement, 13.5);
}

TEST(BehaviorRule, EventsAfterAsOfAreIgnored) {
  const Qualifier q = build_ok(config_with({Rule::behavior("demo", {"demo_request"}, 30)}));
  const Lead lead = LeadBuilder().event("demo_request", days_ago(-0.5)).build();
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 0);
  EXPECT_EQ(q.qualify(lead, days_ago(-1)).engagement, 30);
  EXPECT_EQ(q.qualify(lead, days_ago(-0.5)).engagement, 30);  // at as_of exactly: counted
}

// ---------------------------------------------------------------------------
// Engagement
// ---------------------------------------------------------------------------

TEST(EngagementRule, CountOfEventsInAWindow) {
  const Qualifier q = build_ok(config_with({
      Rule::engagement("three_views", events({"page_view"}).within(7).count().gte(3), 10),
  }));
  const Lead three = LeadBuilder()
                         .event("page_view", days_ago(1))
                         .event("page_view", days_ago(2))
                         .event("page_view", days_ago(6.5))
                         .event("page_view", days_ago(8))  // outside the window
                         .event("email_open", days_ago(1))
                         .build();
  const Explanation ex = q.explain(three, as_of());
  EXPECT_EQ(ex.result.engagement, 10);
  const Contribution& c = contribution(ex, "three_views");
  EXPECT_EQ(c.kind, RuleKind::engagement);
  EXPECT_EQ(c.points, 10);
  ASSERT_TRUE(c.aggregate_value.has_value());
  EXPECT_EQ(*c.aggregate_value, 3);
  EXPECT_EQ(c.evidence, "count(page_view, within 7d) >= 3 (is 3)");

  const Lead two =
      LeadBuilder().event("page_view", days_ago(1)).event("page_view", days_ago(8)).build();
  EXPECT_EQ(q.qualify(two, as_of()).engagement, 0);
}

TEST(EngagementRule, CountWithWhereAndSeveralTypes) {
  const Qualifier q = build_ok(config_with({
      Rule::engagement(
          "docs_reader",
          events({"page_view"}).where(field("url").starts_with("/docs")).count().gte(2), 4),
      Rule::engagement("hand_raiser",
                       events({"demo_request", "contact_sales"}).within(30).count().eq(2), 7),
  }));
  const Lead lead = LeadBuilder()
                        .event(ev("page_view", days_ago(100)).prop("url", "/docs/a"))
                        .event(ev("page_view", days_ago(1)).prop("url", "/DOCS/b"))
                        .event(ev("page_view", days_ago(1)).prop("url", "/blog/docs"))
                        .event("demo_request", days_ago(3))
                        .event("contact_sales", days_ago(29))
                        .event("contact_sales", days_ago(31))
                        .build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result.engagement, 11);
  EXPECT_EQ(*contribution(ex, "docs_reader").aggregate_value, 2);
  EXPECT_EQ(*contribution(ex, "hand_raiser").aggregate_value, 2);
}

TEST(EngagementRule, DistinctUtcDays) {
  const Qualifier q = build_ok(
      config_with({Rule::engagement("active", events().within(14).distinct_days().gte(3), 10)}));
  // Three events on the same UTC day (2026-03-14) and one outside the window.
  const Lead same_day = LeadBuilder()
                            .event("page_view", days_ago(1))     // 03-14 12:00
                            .event("email_open", days_ago(1.2))  // 03-14 07:12
                            .event("page_view", days_ago(1.4))   // 03-14 02:24
                            .event("page_view", days_ago(20))
                            .build();
  Explanation ex = q.explain(same_day, as_of());
  EXPECT_EQ(ex.result.engagement, 0);
  EXPECT_FALSE(has_contribution(ex, "active"));

  // Two minutes apart, but on either side of midnight UTC: two days.
  const Lead three_days = LeadBuilder()
                              .event("page_view", utc(2026, 3, 14, 23, 59))
                              .event("form_submit", utc(2026, 3, 15, 0, 1))
                              .event("custom_thing", utc(2026, 3, 2, 13))  // 12.96 days old: inside
                              .build();
  ex = q.explain(three_days, as_of());
  EXPECT_EQ(ex.result.engagement, 10);
  EXPECT_EQ(*contribution(ex, "active").aggregate_value, 3);
}

TEST(EngagementRule, DaysSinceLastEvent) {
  const Qualifier q = build_ok(signed_engagement({
      Rule::engagement("dormant", events().days_since_last().gte(7), -5),
      Rule::engagement("never_active", events().days_since_last().missing(), 1),
      Rule::engagement("recent_demo", events({"demo_request"}).days_since_last().lte(3), 8),
  }));
  const Lead dormant =
      LeadBuilder().event("page_view", days_ago(10)).event("page_view", days_ago(12.5)).build();
  Explanation ex = q.explain(dormant, as_of());
  EXPECT_EQ(ex.result.engagement, -5);
  EXPECT_EQ(*contribution(ex, "dormant").aggregate_value, 10);

  const Lead none = LeadBuilder().build();
  ex = q.explain(none, as_of());
  EXPECT_EQ(ex.result.engagement, 1);
  EXPECT_FALSE(contribution(ex, "never_active").aggregate_value.has_value());  // missing

  const Lead demo =
      LeadBuilder().event("demo_request", days_ago(2.5)).event("page_view", days_ago(1)).build();
  ex = q.explain(demo, as_of());
  EXPECT_EQ(ex.result.engagement, 8);
  EXPECT_EQ(*contribution(ex, "recent_demo").aggregate_value, 2.5);
}

TEST(EngagementRule, SumOfANumericProperty) {
  const Qualifier q = build_ok(config_with({
      Rule::engagement("usage_time", events({"product_usage"}).within(30).sum("duration").gte(75),
                       6),
  }));
  const Lead lead =
      LeadBuilder()
          .event(ev("product_usage", days_ago(1)).prop("duration", 30.0))
          .event(ev("product_usage", days_ago(2)).prop("duration", 45.5))
          .event(ev("product_usage", days_ago(3)))                           // no duration: adds 0
          .event(ev("product_usage", days_ago(3)).prop("duration", "long"))  // text: adds 0
          .event(ev("product_usage", days_ago(40)).prop("duration", 100.0))  // outside the window
          .event(ev("page_view", days_ago(1)).prop("duration", 500.0))       // other type
          .build();
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result.engagement, 6);
  EXPECT_EQ(*contribution(ex, "usage_time").aggregate_value, 75.5);

  const Lead short_use =
      LeadBuilder().event(ev("product_usage", days_ago(1)).prop("duration", 74.999)).build();
  EXPECT_EQ(q.qualify(short_use, as_of()).engagement, 0);
}

TEST(EngagementRule, EventCountFields) {
  const Qualifier q = build_ok(config_with({
      Rule::engagement("busy", field("event_count").gte(3), 2),
      Rule::engagement("webinar_fan", field("event_count.webinar_attended").eq(2.0), 3),
      Rule::engagement("no_demo", field("event_count.demo_request").eq(0.0), 5),
  }));
  const Lead lead = LeadBuilder()
                        .event("webinar_attended", days_ago(50))
                        .event("webinar_attended", days_ago(400))
                        .event("page_view", days_ago(1))
                        .event("webinar_attended", days_ago(-2))  // after as_of: not counted
                        .build();
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 10);
}

TEST(EngagementRule, RuleOverAttributesAndFacts) {
  const Qualifier q = build_ok(config_with({
      Rule::engagement("recently_active", field("days_since_last_activity").lt(2), 4),
      Rule::engagement("vip", field("attributes.vip").eq(true), 6),
  }));
  EXPECT_EQ(
      q.qualify(LeadBuilder().attr("vip", true).event("page_view", days_ago(1.5)).build(), as_of())
          .engagement,
      10);
  EXPECT_EQ(
      q.qualify(LeadBuilder().attr("vip", false).event("page_view", days_ago(2)).build(), as_of())
          .engagement,
      0);
}

// ---------------------------------------------------------------------------
// Knockout
// ---------------------------------------------------------------------------

Config knockout_config() {
  Config c;
  c.add(Rule::fit("title", field("job_title").exists(), 80));
  c.add(Rule::behavior("demo", {"demo_request"}, 50));
  c.add(Rule::knockout("k_competitor", field("attributes.competitor").eq(true), "competitor"));
  c.add(Rule::knockout("k_student", field("job_title").contains_any({"student", "intern"}),
                       "student"));
  c.add(Rule::knockout("k_bounce", events({"email_bounce"}).count().gte(1), "bounced_email"));
  Stage sql;
  sql.name = "SQL";
  sql.when = field("score.fit").gte(50);
  c.add(sql);
  return c;
}

TEST(KnockoutRule, DisqualifiedLeadStaysAtTheFallbackStageWhateverItsScore) {
  const Qualifier q = build_ok(knockout_config());
  const Lead lead = LeadBuilder()
                        .title("Student ambassador")
                        .attr("competitor", true)
                        .event("demo_request", days_ago(1))
                        .build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.stage, "lead");
  EXPECT_EQ(r.stage_index, -1);
  EXPECT_EQ(r.reason, "competitor");
  EXPECT_EQ(r.knockout_rule, "k_competitor");
  EXPECT_EQ(r.fit, 80);  // scores are still computed
  EXPECT_EQ(r.engagement, 50);

  const Explanation ex = q.explain(lead, as_of());
  EXPECT_EQ(ex.result, r);
  EXPECT_EQ(ex.knockouts, (Strings{"k_competitor", "k_student"}));
  EXPECT_TRUE(ex.stages.empty());  // no stage is tried
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "SQL");
  EXPECT_EQ(ex.next->missing, (Strings{"disqualified by rule 'k_competitor' (reason competitor): "
                                       "no stage above lead while it holds"}));
}

TEST(KnockoutRule, FirstKnockoutInConfigurationOrderGivesTheReason) {
  const Qualifier q = build_ok(knockout_config());
  const Lead student_bounced =
      LeadBuilder().title("intern").event("email_bounce", days_ago(3)).build();
  const Qualification r = q.qualify(student_bounced, as_of());
  EXPECT_EQ(r.reason, "student");
  EXPECT_EQ(r.knockout_rule, "k_student");
  EXPECT_EQ(q.explain(student_bounced, as_of()).knockouts, (Strings{"k_student", "k_bounce"}));

  // Reordering the rules changes which one is reported.
  Config reordered = knockout_config();
  std::swap(reordered.rules[3], reordered.rules[4]);
  const Qualifier q2 = build_ok(reordered);
  EXPECT_EQ(q2.qualify(student_bounced, as_of()).reason, "bounced_email");
  EXPECT_EQ(q2.explain(student_bounced, as_of()).knockouts, (Strings{"k_bounce", "k_student"}));
}

TEST(KnockoutRule, NotDisqualifiedHasNoReason) {
  const Qualifier q = build_ok(knockout_config());
  const Lead lead = LeadBuilder().title("CTO").attr("competitor", false).build();
  const Qualification r = q.qualify(lead, as_of());
  EXPECT_FALSE(r.disqualified);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.knockout_rule, "");
  EXPECT_EQ(r.stage, "SQL");
  EXPECT_EQ(r.stage_index, 0);
  const Explanation ex = q.explain(lead, as_of());
  EXPECT_TRUE(ex.knockouts.empty());
  EXPECT_FALSE(ex.next.has_value());  // already at the top stage
}

TEST(KnockoutRule, KnockoutsDoNotAppearAsContributions) {
  const Qualifier q = build_ok(knockout_config());
  const Explanation ex = q.explain(LeadBuilder().title("Student").build(), as_of());
  ASSERT_EQ(ex.contributions.size(), 1u);
  EXPECT_EQ(ex.contributions[0].rule_id, "title");
}

}  // namespace
}  // namespace leadscore
