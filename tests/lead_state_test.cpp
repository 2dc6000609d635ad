// LeadState: incremental scoring equals full recomputation; lifecycle policy,
// stage history, sales feedback, event hygiene, persistence, model change.
#include "leadscore/lead_state.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/numbered.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/random_leads.hpp"

namespace leadscore {
namespace {

using namespace std::chrono_literals;
using test::as_of;
using test::days_ago;

Instant plus_days(Instant t, double days) {
  return t + std::chrono::milliseconds(std::llround(days * 86400000.0));
}

::testing::AssertionResult close(double a, double b) {
  const double tol = 1e-9 * std::max(std::fabs(a), std::fabs(b));
  if (std::fabs(a - b) <= tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs " << b << " (diff " << (a - b) << ")";
}

::testing::AssertionResult same(const Qualification& inc, const Qualification& full) {
  if (!close(inc.fit, full.fit)) return ::testing::AssertionFailure() << "fit differs";
  if (!close(inc.engagement, full.engagement))
    return ::testing::AssertionFailure()
           << "engagement " << inc.engagement << " vs " << full.engagement;
  if (!close(inc.total, full.total)) return ::testing::AssertionFailure() << "total differs";
  if (inc.stage != full.stage)
    return ::testing::AssertionFailure() << "stage " << inc.stage << " vs " << full.stage;
  if (inc.grade != full.grade) return ::testing::AssertionFailure() << "grade differs";
  if (inc.disqualified != full.disqualified || inc.reason != full.reason)
    return ::testing::AssertionFailure() << "disqualification differs";
  return ::testing::AssertionSuccess();
}

/// A random configuration heavy on time treatment: every combination of
/// window, per-day cap, decay and rule cap, and every aggregate measure.
Config random_time_config(std::mt19937& rng) {
  using cond::events;
  using cond::field;
  auto below = [&rng](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
  const std::vector<std::string> types = {"page_view",   "email_open",       "email_click",
                                          "form_submit", "product_usage",    "demo_request",
                                          "email_reply", "webinar_attended", "custom_event"};
  Config c = Config{};
  c.add(Rule::fit("title", field("job_title").contains_any({"ceo", "head", "vp"}), 20));
  c.add(Rule::fit("size", field("company.employees").gte(50), 15));
  const std::size_t n = 3 + below(8);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> t;
    if (below(5) != 0) t.push_back(types[below(static_cast<std::uint32_t>(types.size()))]);
    if (below(3) == 0) t.push_back(types[below(static_cast<std::uint32_t>(types.size()))]);
    const double points = std::vector<double>{1, 2.5, 3, 7, -4, 0.3}[below(6)];
    Rule r = Rule::behavior(test::numbered("b", i), t, points);
    if (below(2)) r.within(std::vector<double>{0.5, 3, 7, 14, 30}[below(5)]);
    if (below(2)) r.per_day(static_cast<int>(1 + below(3)));
    if (below(2)) r.decay(std::vector<double>{0.25, 2, 10, 45}[below(4)]);
    if (below(2)) r.cap(std::vector<double>{5, 12, 40}[below(3)]);
    if (t.size() == 1 && t[0] == "product_usage" && below(2))
      r.only_where(field("duration").gte(12));
    if (t.size() == 1 && t[0] == "email_open" && below(2)) {
      r.implied({"email_click"}, below(2) ? "campaign" : "");
    }
    c.add(r);
  }
  const std::vector<Condition> aggs = {
      events({"page_view"}).within(7).count().gte(2),
      events().within(14).distinct_days().gte(3),
      events({"product_usage"}).within(10).sum("duration").gte(40),
      events({"product_usage"}).sum("duration").gte(60),
      events({"email_open", "email_click"}).days_since_last().lte(5),
      events({"demo_request"}).within(20).days_since_last().lte(3),
      events({"form_submit"}).count().gte(2),
      events().within(2).distinct_days().gte(2),
  };
  for (std::size_t i = 0; i < 3; ++i) {
    c.add(Rule::engagement(test::numbered("e", i),
                           aggs[below(static_cast<std::uint32_t>(aggs.size()))],
                           std::vector<double>{5, 10, -8}[below(3)]));
  }
  c.add(Rule::knockout("bounce", events({"email_bounce"}).within(30).count().gte(1), "bounced"));
  Stage hot;
  hot.name = "SQL";
  hot.when = cond::any(
      {field("score.engagement").gte(25), aggs[below(static_cast<std::uint32_t>(aggs.size()))]});
  c.add(hot);
  Stage warm;
  warm.name = "MQL";
  warm.when = field("score.total").gte(8);
  c.add(warm);
  return c;
}

std::vector<Event> time_order(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.at < b.at; });
  return events;
}

/// Applies the events one by one (in the given order) and compares the
/// state with a full recomputation at random instants.
void check_stream(const Qualifier& q, const Lead& lead, std::mt19937& rng, bool in_order,
                  std::size_t& checks) {
  Lead profile = lead;
  profile.events.clear();
  LeadState state(q, profile);
  const std::vector<Event> events = in_order ? time_order(lead.events) : lead.events;
  Instant newest{};
  bool any = false;
  for (std::size_t i = 0; i < events.size(); ++i) {
    state.apply(events[i]);
    if (!any || events[i].at > newest) newest = events[i].at;
    any = true;
    if (rng() % 4 != 0 && i + 1 != events.size()) continue;
    // At or after the newest event: the incremental path.
    const Instant at = plus_days(newest, static_cast<double>(rng() % 4000) / 100.0);
    const Qualification inc = state.score(at);
    const Qualification full = q.qualify(state.lead(), at);
    ASSERT_TRUE(same(inc, full)) << "lead " << lead.id << " after " << (i + 1) << " events, as_of "
                                 << format_instant(at);
    ++checks;
  }
  // Earlier than the newest event: recomputed from the history.
  if (any) {
    const Instant at = plus_days(newest, -static_cast<double>(rng() % 2000) / 100.0);
    ASSERT_TRUE(same(state.score(at), q.qualify(state.lead(), at)));
    ++checks;
  }
}

TEST(LeadStateEquivalence, IncrementalEqualsFullRecomputationOnRandomStreams) {
  std::mt19937 rng(20261122);
  std::vector<Qualifier> qualifiers;
  qualifiers.push_back(Qualifier::with_default_config());
  qualifiers.push_back(Qualifier::build(test::rich_config()).value());
  for (int i = 0; i < 40; ++i)
    qualifiers.push_back(Qualifier::build(random_time_config(rng)).value());
  test::RandomLeads gen(7);
  std::size_t checks = 0;
  std::size_t streams = 0;
  for (std::size_t qi = 0; qi < qualifiers.size(); ++qi) {
    for (int k = 0; k < 60; ++k) {
      const Lead lead = gen.lead(60);
      check_stream(qualifiers[qi], lead, rng, /*in_order=*/true, checks);
      if (k % 3 == 0) check_stream(qualifiers[qi], lead, rng, /*in_order=*/false, checks);
      ++streams;
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(streams, 2000U);
  EXPECT_GT(checks, 10000U);
}

TEST(LeadStateEquivalence, LateEventsReplayTheirRules) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  EXPECT_EQ(state.apply(test::ev("email_open", days_ago(1))), ApplyResult::applied);
  EXPECT_EQ(state.apply(test::ev("email_open", days_ago(3))), ApplyResult::replayed);
  EXPECT_EQ(state.apply(test::ev("email_open", days_ago(1) + 1s)), ApplyResult::applied);
  EXPECT_TRUE(same(state.score(as_of()), q.qualify(state.lead(), as_of())));
  EXPECT_EQ(state.lead().events.size(), 3U);
}

/// The implied_by pairing of a lead, computed the plain way: per rule, the
/// events it counts (no window, no cap): those of its type that no other
/// event of an implied_by type pairs with (same first `campaign` value, or
/// the same UTC day).
std::vector<std::size_t> counted_by_scan(const Lead& lead) {
  const auto campaign = [](const Event& e) { return e.property("campaign"); };
  const auto pairs = [&](const Event& a, const Event& b, bool by_day) {
    if (by_day) return day_number(a.at) == day_number(b.at);
    const PropertyValue* x = campaign(a);
    const PropertyValue* y = campaign(b);
    return x != nullptr && y != nullptr && *x == *y;
  };
  struct R {
    std::string type;
    std::vector<std::string> by;
    bool by_day;
  };
  const std::vector<R> rules = {{"email_open", {"email_click", "form_submit"}, false},
                                {"page_view", {"email_click"}, true},
                                {"email_click", {"form_submit"}, false}};
  std::vector<std::size_t> counted;
  for (const R& r : rules) {
    std::size_t n = 0;
    for (const Event& e : lead.events) {
      if (e.type != r.type) continue;
      bool implied = false;
      for (const Event& f : lead.events) {
        implied =
            implied || (&f != &e && std::find(r.by.begin(), r.by.end(), f.type) != r.by.end() &&
                        pairs(f, e, r.by_day));
      }
      n += implied ? 0 : 1;
    }
    counted.push_back(n);
  }
  return counted;
}

std::vector<std::size_t> counted_of(const Explanation& ex) {
  const std::vector<std::string> ids = {"opens", "views", "clicks"};
  std::vector<std::size_t> counted(ids.size(), 0);
  for (const auto& c : ex.contributions) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (c.rule_id == ids[i]) counted[i] = c.counted_events;
    }
  }
  return counted;
}

// Leads with many impliers pair through sorted tables rather than a scan
// (issue 12, round two): same events implied as the plain scan, for
// qualify() and LeadState, with text and number values (-0 and +0 equal,
// NaN equal to nothing), missing and repeated properties, and a type that
// is implied by one rule and implies for another (email_click).
TEST(LeadStateEquivalence, ImpliedByPairingWithManyImpliersEqualsTheScan) {
  Config c;
  c.add(Rule::behavior("opens", {"email_open"}, 1)
            .implied({"email_click", "form_submit"}, "campaign"));
  c.add(Rule::behavior("views", {"page_view"}, 1).implied({"email_click"}, ""));
  c.add(Rule::behavior("clicks", {"email_click"}, 1).implied({"form_submit"}, "campaign"));
  const Qualifier q = Qualifier::build(c).value();
  std::mt19937 rng(1212);
  const std::vector<std::string> types = {"email_open", "email_click", "form_submit", "page_view"};
  const std::vector<PropertyValue> values = {
      std::string("a"), std::string("b"), std::string("c"), std::string(""), 0.0, -0.0, 1.0,
      std::nan("")};
  std::size_t implied_seen = 0;
  for (int k = 0; k < 150; ++k) {
    Lead lead;
    lead.id = test::numbered("L", k);
    const std::size_t n = 10 + rng() % 140;
    for (std::size_t i = 0; i < n; ++i) {
      Event e = test::ev(types[rng() % types.size()],
                         plus_days(as_of(), -static_cast<double>(rng() % 3000) / 100.0 - 0.01));
      // none, one or two properties (of two `campaign`, the first counts)
      for (auto p = static_cast<std::uint32_t>(rng() % 3); p > 0; --p) {
        const bool campaign = p == 1 || rng() % 2 == 0;
        const PropertyValue& value = values[rng() % values.size()];
        e.properties.emplace_back(campaign ? "campaign" : "x", value);
      }
      lead.events.push_back(std::move(e));
    }
    const std::vector<std::size_t> expected = counted_by_scan(lead);
    ASSERT_EQ(counted_of(q.explain(lead, as_of())), expected) << lead.id;
    Lead profile = lead;
    profile.events.clear();
    LeadState state(q, profile);
    for (const Event& e : lead.events) state.apply(e);
    ASSERT_EQ(counted_of(state.explain(as_of())), expected) << lead.id;
    for (const Event& e : lead.events) implied_seen += e.type == "email_open" ? 1U : 0U;
    implied_seen -= expected[0];
  }
  EXPECT_GT(implied_seen, 100U);  // the pairing was exercised
}

// ---------------------------------------------------------------------------
// Event hygiene
// ---------------------------------------------------------------------------

TEST(LeadStateHygiene, RepeatedDeliveryCountsOnce) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  Event e = test::ev("webinar_attended", days_ago(2));
  e.id = "evt-1";
  EXPECT_EQ(state.apply(e), ApplyResult::applied);
  EXPECT_EQ(state.apply(e), ApplyResult::duplicate);
  EXPECT_EQ(state.lead().events.size(), 1U);
  // qualify() on a lead carrying the repeat counts it once too.
  Lead twice;
  twice.events = {e, e};
  Lead once;
  once.events = {e};
  EXPECT_EQ(q.qualify(twice, as_of()), q.qualify(once, as_of()));
  EXPECT_EQ(state.score(as_of()).engagement, q.qualify(once, as_of()).engagement);
  EXPECT_GT(q.qualify(once, as_of()).engagement, 0);
}

// Two deliveries of one id at different instants: the earlier counts,
// whatever the order they arrive in, in qualify() and in LeadState (issue 13,
// item 1: lead O-a scored 0 and O-b 3.92).
TEST(LeadStateHygiene, TheEarlierCopyOfAnIdCountsWhateverTheOrder) {
  const Qualifier q = Qualifier::with_default_config();
  const Instant at = parse_instant("2026-11-20T12:00:00Z").value();
  Event early = test::ev("form_submit", parse_instant("2026-11-10T00:00:00Z").value());
  Event late = early;
  early.at = parse_instant("2026-10-01T00:00:00Z").value();
  early.id = late.id = "y";
  const auto lead_of = [](std::vector<Event> events) {
    Lead l;
    l.events = std::move(events);
    return l;
  };
  // Either order scores as the earlier copy alone; at the same instant, the
  // smaller content ("demo_request" < "form_submit") counts.
  Event other = late;
  other.type = "demo_request";
  const Lead only_early = lead_of({early});
  for (const auto& [x, y, alone] :
       {std::tuple{late, early, early}, std::tuple{late, other, other}}) {
    const Qualification want = q.qualify(lead_of({alone}), at);
    EXPECT_TRUE(test::identical(q.qualify(lead_of({x, y}), at), want));
    EXPECT_TRUE(test::identical(q.qualify(lead_of({y, x}), at), want));
  }
  const Lead b = lead_of({late, early});

  LeadState s1(q, Lead{});
  EXPECT_EQ(s1.apply(late), ApplyResult::applied);
  EXPECT_EQ(s1.apply(early), ApplyResult::replayed);  // it counts instead
  EXPECT_EQ(s1.apply(late), ApplyResult::duplicate);
  LeadState s2(q, Lead{});
  EXPECT_EQ(s2.apply(early), ApplyResult::applied);
  EXPECT_EQ(s2.apply(late), ApplyResult::duplicate);
  EXPECT_TRUE(test::identical(s1.score(at), s2.score(at)));
  EXPECT_TRUE(test::identical(s1.score(at), q.qualify(only_early, at)));
  EXPECT_EQ(s1.lead().events, only_early.events);
  EXPECT_TRUE(test::identical(LeadState(q, b).score(at), q.qualify(only_early, at)));
}

TEST(LeadStateHygiene, AutomatedEventsIgnoredByDefault) {
  Event click = test::ev("email_click", days_ago(1));
  click.automated = true;
  Lead lead;
  lead.events = {click};
  const Qualifier q = Qualifier::with_default_config();
  EXPECT_EQ(q.qualify(lead, as_of()).engagement, 0);
  LeadState state(q, Lead{});
  EXPECT_EQ(state.apply(click), ApplyResult::automated);
  EXPECT_TRUE(state.lead().events.empty());

  Config counted = default_config();
  counted.options.ignore_automated = false;
  const Qualifier q2 = Qualifier::build(counted).value();
  EXPECT_GT(q2.qualify(lead, as_of()).engagement, 0);
  LeadState state2(q2, Lead{});
  EXPECT_EQ(state2.apply(click), ApplyResult::applied);
  EXPECT_EQ(state2.score(as_of()).engagement, q2.qualify(lead, as_of()).engagement);
}

TEST(LeadStateHygiene, AutomatedFlagRoundTripsThroughJson) {
  Lead lead;
  Event e = test::ev("email_open", days_ago(1));
  e.automated = true;
  lead.events = {e};
  const std::string text = to_json_text(lead);
  EXPECT_NE(text.find("\"automated\":true"), std::string::npos);
  EXPECT_EQ(parse_lead(text).value(), lead);
  const auto bad = parse_lead(
      R"({"id":"x","events":[{"type":"x","at":"2026-01-01T00:00:00Z","automated":"yes"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.diagnostics()[0].pointer, "/events/0/automated");
}

TEST(LeadStateHygiene, AClickImpliesTheOpen) {
  Config c = default_config();
  for (Rule& r : c.rules) {
    if (r.id == "email_opens") r.implied({"email_click"}, "campaign");
  }
  const Qualifier q = Qualifier::build(c).value();
  auto mail = [](const char* type, Instant at, const char* campaign) {
    Event e = test::ev(type, at);
    e.properties.emplace_back("campaign", PropertyValue(std::string(campaign)));
    return e;
  };
  Lead lead;
  lead.id = "L";
  lead.events = {mail("email_open", days_ago(5), "spring"), mail("email_open", days_ago(4), "fall"),
                 mail("email_click", days_ago(5) + 1h, "spring")};
  const Explanation ex = q.explain(lead, as_of());
  bool seen = false;
  for (const auto& contribution : ex.contributions) {
    if (contribution.rule_id != "email_opens") continue;
    seen = true;
    EXPECT_EQ(contribution.counted_events, 1U);  // "fall" only: "spring" was clicked
    EXPECT_NE(contribution.evidence.find("1 implied by another event"), std::string::npos)
        << contribution.evidence;
  }
  EXPECT_TRUE(seen);
  // Incrementally: the click arrives after the open it implies.
  LeadState state(q, Lead{});
  for (const Event& e : time_order(lead.events)) state.apply(e);
  EXPECT_TRUE(same(state.score(as_of()), q.qualify(lead, as_of())));
  EXPECT_EQ(state.explain(as_of()).contributions, ex.contributions);

  // JSON form, and validation.
  const std::string text = to_json_text(c);
  EXPECT_NE(text.find("\"implied_by\""), std::string::npos);
  EXPECT_EQ(parse_config(text).value(), c);
  const auto bad = parse_config(R"({"rules": [{"id": "x", "kind": "fit",
      "when": {"field": "job_title", "op": "exists"}, "points": 1,
      "implied_by": {"event": "email_click"}}]})");
  ASSERT_TRUE(bad.ok());
  const auto built = Qualifier::build(bad.value());
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.diagnostics()[0].code, "unexpected_key");
  EXPECT_EQ(built.diagnostics()[0].pointer, "/rules/0/implied_by");
}

// ---------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------

Lead fitting_lead() {
  return test::LeadBuilder("acme-1")
      .name("Ada", "Lovelace")
      .email("ada@acme.io")
      .title("Head of Marketing")
      .employees(250)
      .industry("software")
      .country("FR")
      .build();
}

Config lifecycle_config(Regression regression) {
  Config c = default_config();
  c.lifecycle = Lifecycle{};
  c.lifecycle.regression = regression;
  return c;
}

TEST(LeadStateLifecycle, JourneyRecordsEveryTransitionWithItsCauses) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::monotonic)).value();
  LeadState state(q, fitting_lead());
  const Instant t0 = test::utc(2026, 3, 1, 9);
  auto first = state.observe(t0);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].from, "");
  EXPECT_EQ(first[0].to, "lead");
  state.apply(test::ev("newsletter_signup", t0 + 1h));
  auto mql = state.observe(t0 + 2h);
  ASSERT_EQ(mql.size(), 1U);
  EXPECT_EQ(mql[0].from, "lead");
  EXPECT_EQ(mql[0].to, "MQL");
  EXPECT_EQ(mql[0].cause, TransitionCause::qualified);
  EXPECT_FALSE(mql[0].conditions.empty());
  EXPECT_NE(std::find(mql[0].rules.begin(), mql[0].rules.end(), "newsletter"), mql[0].rules.end());
  state.apply(test::ev("demo_request", t0 + 24h));
  auto sql = state.observe(t0 + 25h);
  ASSERT_EQ(sql.size(), 1U);
  EXPECT_EQ(sql[0].to, "SQL");
  EXPECT_EQ(state.stage(), "SQL");
  EXPECT_EQ(state.stage_entered_at(), t0 + 25h);
  EXPECT_DOUBLE_EQ(state.days_in_stage(t0 + 25h + 48h), 2.0);
  EXPECT_EQ(state.history().size(), 3U);
  EXPECT_TRUE(state.observe(t0 + 26h).empty());  // nothing new
}

Instant sql_lead(LeadState& state, Instant t0) {
  state.observe(t0);
  state.apply(test::ev("demo_request", t0 + 1h));
  state.observe(t0 + 2h);
  EXPECT_EQ(state.stage(), "SQL");
  return t0 + 2h;
}

TEST(LeadStateLifecycle, MonotonicNeverMovesDown) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::monotonic)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  // The demo request leaves the 30-day window: SQL's condition fails.
  EXPECT_NE(state.score(plus_days(t, 45)).stage, "SQL");
  EXPECT_TRUE(state.observe(plus_days(t, 45)).empty());
  EXPECT_EQ(state.stage(), "SQL");
}

TEST(LeadStateLifecycle, ImmediateFollowsTheComputedStage) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::immediate)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  auto moved = state.observe(plus_days(t, 45));
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].cause, TransitionCause::demoted);
  EXPECT_EQ(moved[0].from, "SQL");
  EXPECT_EQ(moved[0].to, state.score(plus_days(t, 45)).stage);
  EXPECT_FALSE(moved[0].conditions.empty());  // what stopped holding
}

TEST(LeadStateLifecycle, HysteresisDemotesOnlyAfterTheConditionFailedLongEnough) {
  Config c = lifecycle_config(Regression::hysteresis);
  c.lifecycle.demote_after_days = 7;
  const Qualifier q = Qualifier::build(c).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  const Instant fail = plus_days(t, 31);  // window passed
  EXPECT_TRUE(state.observe(fail).empty());
  EXPECT_TRUE(state.observe(plus_days(fail, 3)).empty());
  EXPECT_EQ(state.stage(), "SQL");
  auto moved = state.observe(plus_days(fail, 7));
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].cause, TransitionCause::demoted);
}

TEST(LeadStateLifecycle, HysteresisDoesNotFlap) {
  Config c = lifecycle_config(Regression::hysteresis);
  c.lifecycle.demote_after_days = 7;
  const Qualifier q = Qualifier::build(c).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  Instant now = plus_days(t, 31);
  // Fails for 5 days, recovers (a new demo request), fails again for 5 days:
  // never 7 consecutive days, never demoted.
  EXPECT_TRUE(state.observe(now).empty());
  EXPECT_TRUE(state.observe(plus_days(now, 5)).empty());
  state.apply(test::ev("demo_request", plus_days(now, 5) + 1h));
  EXPECT_TRUE(state.observe(plus_days(now, 5) + 2h).empty());
  now = plus_days(now, 5) + 2h;
  EXPECT_TRUE(state.observe(plus_days(now, 31)).empty());
  EXPECT_TRUE(state.observe(plus_days(now, 36)).empty());
  EXPECT_EQ(state.stage(), "SQL");
  EXPECT_EQ(state.history().size(), 2U);  // lead, SQL: no flapping
}

TEST(LeadStateLifecycle, HysteresisMarginKeepsALeadJustBelowTheThreshold) {
  Config c = default_config();
  c.stages.clear();
  Stage hot;
  hot.name = "MQL";
  hot.when = cond::field("score.engagement").gte(20);
  c.add(hot);
  c.lifecycle = Lifecycle{};
  c.lifecycle.regression = Regression::hysteresis;
  c.lifecycle.demote_margin = 5;
  const Qualifier q = Qualifier::build(c).value();
  LeadState state(q, fitting_lead());
  const Instant t0 = test::utc(2026, 3, 1);
  state.apply(test::ev("webinar_attended", t0));       // 12, decays (half-life 60 days)
  state.apply(test::ev("webinar_attended", t0 + 1h));  // 24 points, capped at 24
  state.observe(t0 + 2h);
  ASSERT_EQ(state.stage(), "MQL");
  // 20 days later: 24 * 2^(-20/60) = 19.05: below 20, within the margin.
  EXPECT_LT(state.score(plus_days(t0, 20)).engagement, 20);
  EXPECT_TRUE(state.observe(plus_days(t0, 20)).empty());
  // 60 days later: 12 points: below 20 - 5.
  auto moved = state.observe(plus_days(t0, 60));
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].to, "lead");
}

Config recycle_config(double hold_days) {
  Config c = lifecycle_config(Regression::monotonic);
  RecycleRule r;
  r.id = "sql_aging";
  r.stage = "SQL";
  r.after_days = 14;
  r.unless = {"accepted"};
  r.to = "MQL";
  r.hold_days = hold_days;
  c.lifecycle.recycle.push_back(r);
  return c;
}

TEST(LeadStateLifecycle, RecycleRuleSendsAnUnacceptedSqlBack) {
  const Qualifier q = Qualifier::build(recycle_config(30)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  EXPECT_TRUE(state.observe(plus_days(t, 13)).empty());
  auto moved = state.observe(plus_days(t, 14));
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].cause, TransitionCause::recycled);
  EXPECT_EQ(moved[0].reason, "sql_aging");
  EXPECT_EQ(moved[0].from, "SQL");
  EXPECT_EQ(moved[0].to, "MQL");
  EXPECT_EQ(moved[0].rules, std::vector<std::string>{"sql_aging"});
  // The hold keeps it from going straight back to SQL on a new request.
  state.apply(test::ev("demo_request", plus_days(t, 15)));
  EXPECT_TRUE(state.observe(plus_days(t, 15) + 1h).empty());
  EXPECT_EQ(state.stage(), "MQL");
  // After the hold, the new request qualifies it again.
  state.apply(test::ev("contact_sales", plus_days(t, 45)));
  auto back = state.observe(plus_days(t, 45) + 1h);
  ASSERT_EQ(back.size(), 1U);
  EXPECT_EQ(back[0].to, "SQL");
}

TEST(LeadStateLifecycle, AcceptedLeadsAreNotRecycledNorDemoted) {
  const Qualifier q = Qualifier::build(recycle_config(0)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  const Transition& fb = state.feedback(SalesStatus::accepted, plus_days(t, 2), "call booked");
  EXPECT_EQ(fb.cause, TransitionCause::feedback);
  EXPECT_EQ(fb.reason, "accepted: call booked");
  EXPECT_EQ(fb.from, "SQL");
  EXPECT_EQ(fb.to, "SQL");
  EXPECT_TRUE(state.observe(plus_days(t, 20)).empty());
  EXPECT_TRUE(state.observe(plus_days(t, 60)).empty());
  EXPECT_EQ(state.stage(), "SQL");
  EXPECT_EQ(state.sales_status(), SalesStatus::accepted);
}

TEST(LeadStateLifecycle, RejectedWonAndLostFeedback) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::monotonic)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  const Transition& rejected = state.feedback(SalesStatus::rejected, plus_days(t, 1), "no budget");
  EXPECT_EQ(rejected.to, "lead");
  EXPECT_EQ(rejected.reason, "rejected: no budget");
  // Held at "lead" for 30 days even though SQL's condition still holds.
  EXPECT_EQ(state.score(plus_days(t, 2)).stage, "SQL");
  EXPECT_TRUE(state.observe(plus_days(t, 2)).empty());
  EXPECT_EQ(state.stage(), "lead");

  LeadState won(q, fitting_lead());
  const Instant t2 = sql_lead(won, test::utc(2026, 3, 1));
  EXPECT_EQ(won.feedback(SalesStatus::won, plus_days(t2, 5)).to, "customer");
  won.apply(test::ev("email_bounce", plus_days(t2, 6)));
  EXPECT_TRUE(won.observe(plus_days(t2, 7)).empty());  // terminal
  EXPECT_EQ(won.stage(), "customer");
  EXPECT_EQ(won.feedback(SalesStatus::lost, plus_days(t2, 400), "churned").to, "lead");
  EXPECT_EQ(won.sales_status(), SalesStatus::lost);
}

TEST(LeadStateLifecycle, DisqualificationAndRequalification) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::monotonic)).value();
  Lead lead = fitting_lead();
  LeadState state(q, lead);
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  Lead competitor = lead;
  competitor.attributes["competitor"] = Value(true);
  state.set_profile(competitor);
  auto out = state.observe(plus_days(t, 1));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].cause, TransitionCause::disqualified);
  EXPECT_EQ(out[0].reason, "competitor");
  EXPECT_EQ(out[0].rules, std::vector<std::string>{"competitor"});
  EXPECT_TRUE(state.disqualified());
  EXPECT_EQ(state.lead().events.size(), 1U);  // events kept across set_profile
  state.set_profile(lead);
  auto back = state.observe(plus_days(t, 2));
  ASSERT_EQ(back.size(), 1U);
  EXPECT_EQ(back[0].cause, TransitionCause::requalified);
  EXPECT_EQ(back[0].to, "SQL");
}

TEST(LeadStateLifecycle, StageConditionsSeeTimeInStage) {
  Config c = default_config();
  c.lifecycle = Lifecycle{};
  Stage stale;
  stale.name = "stale_SQL";
  stale.when = cond::all(
      {cond::field("stage.current").eq("SQL"), cond::field("stage.days_in_stage").gt(90)});
  c.stages.insert(c.stages.begin(), stale);
  const Qualifier q = Qualifier::build(c).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  EXPECT_TRUE(state.observe(plus_days(t, 90)).empty());
  auto moved = state.observe(plus_days(t, 91));
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].to, "stale_SQL");
  // Plain qualify() has no lifecycle: those fields are missing there.
  EXPECT_NE(q.qualify(state.lead(), plus_days(t, 91)).stage, "stale_SQL");
}

TEST(LeadStateLifecycle, ObservationsDoNotGoBackInTime) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, fitting_lead());
  state.observe(test::utc(2026, 3, 10));
  state.apply(test::ev("demo_request", test::utc(2026, 3, 1)));
  EXPECT_TRUE(state.observe(test::utc(2026, 3, 2)).empty());
  EXPECT_EQ(state.last_observed(), test::utc(2026, 3, 10));
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

TEST(LeadStateConfig, LifecycleRoundTripsAndIsValidated) {
  const Config c = recycle_config(30);
  const std::string text = to_json_text(c);
  const auto parsed = parse_config(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value(), c);

  const auto bad_policy = parse_config(R"({"lifecycle": {"regression": "hysteresys"}})");
  ASSERT_FALSE(bad_policy.ok());
  EXPECT_EQ(bad_policy.diagnostics()[0].code, "invalid_value");
  EXPECT_EQ(bad_policy.diagnostics()[0].pointer, "/lifecycle/regression");
  EXPECT_EQ(bad_policy.diagnostics()[0].suggestion, "hysteresis");

  const auto bad = Qualifier::from_json_text(R"({
    "stages": [{"name": "SQL", "when": {"field": "score.total", "op": "gte", "value": 50}}],
    "lifecycle": {"recycle": [{"id": "aging", "stage": "SQLL", "after_days": 0, "to": "lead",
                               "unless": ["acepted"]}]}
  })");
  ASSERT_FALSE(bad.ok());
  const auto has = [&](const std::string& code, const std::string& pointer) {
    for (const auto& d : bad.diagnostics()) {
      if (d.code == code && d.pointer == pointer) return d.line > 0;
    }
    return false;
  };
  EXPECT_TRUE(has("unknown_stage", "/lifecycle/recycle/0/stage")) << to_string(bad.diagnostics());
  EXPECT_TRUE(has("invalid_value", "/lifecycle/recycle/0/after_days"));
  EXPECT_TRUE(has("invalid_value", "/lifecycle/recycle/0/unless/0"));
}

// ---------------------------------------------------------------------------
// Persistence and model change
// ---------------------------------------------------------------------------

TEST(LeadStatePersistence, RoundTripsThroughJson) {
  const Qualifier q = Qualifier::build(recycle_config(30)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  state.feedback(SalesStatus::rejected, plus_days(t, 1), "timing");
  Event dup = test::ev("email_open", plus_days(t, 2));
  dup.id = "m-1";
  state.apply(dup);
  const std::string saved = state.to_json();
  auto loaded = LeadState::from_json(q, saved);
  ASSERT_TRUE(loaded.ok()) << to_string(loaded.diagnostics());
  EXPECT_TRUE(loaded.diagnostics().empty());
  EXPECT_EQ(loaded->to_json(), saved);
  EXPECT_EQ(loaded->history(), state.history());
  EXPECT_EQ(loaded->stage(), "lead");
  EXPECT_EQ(loaded->sales_status(), SalesStatus::rejected);
  EXPECT_EQ(loaded->apply(dup), ApplyResult::duplicate);  // ids survive
  EXPECT_EQ(loaded->score(plus_days(t, 3)), state.score(plus_days(t, 3)));
}

TEST(LeadStatePersistence, TheHoldOfARecycledLeadSurvivesTheRoundTrip) {
  const Qualifier q = Qualifier::build(recycle_config(30)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  ASSERT_EQ(state.observe(plus_days(t, 14)).size(), 1U);  // recycled to MQL, held 30 days
  auto loaded = LeadState::from_json(q, state.to_json());
  ASSERT_TRUE(loaded.ok()) << to_string(loaded.diagnostics());
  LeadState& back = *loaded;
  EXPECT_EQ(back.stage(), "MQL");
  back.apply(test::ev("demo_request", plus_days(t, 15)));
  EXPECT_TRUE(back.observe(plus_days(t, 15) + 1h).empty());  // still held at MQL
  back.apply(test::ev("contact_sales", plus_days(t, 45)));
  const auto moved = back.observe(plus_days(t, 45) + 1h);
  ASSERT_EQ(moved.size(), 1U);
  EXPECT_EQ(moved[0].to, "SQL");

  // A hold stage the configuration does not have is refused.
  std::string saved = state.to_json();
  const std::size_t at = saved.find("\"hold\":{\"stage\":\"MQL\"");
  ASSERT_NE(at, std::string::npos) << saved;
  saved.replace(at, 21, "\"hold\":{\"stage\":\"Nurture\"");
  auto refused = LeadState::from_json(q, saved);
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.diagnostics().size(), 1U) << to_string(refused.diagnostics());
  EXPECT_EQ(refused.diagnostics()[0].code, "state_unknown_stage");
  EXPECT_EQ(refused.diagnostics()[0].pointer, "/hold/stage");
  EXPECT_GT(refused.diagnostics()[0].line, 0U);
}

TEST(LeadStatePersistence, LoadsUnderANewConfigurationOrFailsClearly) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, fitting_lead());
  sql_lead(state, test::utc(2026, 3, 1));
  const std::string saved = state.to_json();

  Config next = default_config();
  next.rules[0].points += 5;
  auto moved = LeadState::from_json(Qualifier::build(next).value(), saved);
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved.diagnostics().size(), 1U);
  EXPECT_EQ(moved.diagnostics()[0].code, "config_changed");

  Config renamed = default_config();
  renamed.stages[1].name = "Sales-qualified";
  renamed.lifecycle.recycle.clear();
  auto failed = LeadState::from_json(Qualifier::build(renamed).value(), saved);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.diagnostics()[0].code, "state_unknown_stage");
  EXPECT_EQ(failed.diagnostics()[0].pointer, "/stage");
  EXPECT_GT(failed.diagnostics()[0].line, 0U);

  std::string future = saved;
  future.replace(future.find("\"version\":1"), 11, "\"version\":2");
  auto v2 = LeadState::from_json(q, future);
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.diagnostics()[0].code, "unsupported_version");

  auto broken = LeadState::from_json(q, "{\"format\": \"leadscore.lead_state\",");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.diagnostics()[0].code, "json_syntax");
}

TEST(LeadStateModelChange, RescoreRecordsTheChange) {
  const Qualifier q = Qualifier::build(lifecycle_config(Regression::monotonic)).value();
  LeadState state(q, fitting_lead());
  const Instant t = sql_lead(state, test::utc(2026, 3, 1));
  Config stricter = lifecycle_config(Regression::monotonic);
  for (Stage& s : stricter.stages) {
    if (s.name == "SQL") {
      s.when = cond::field("score.fit").gte(1000);
      s.by_origin.clear();
    }
  }
  const auto change = state.rescore(Qualifier::build(stricter).value(), plus_days(t, 1));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->cause, TransitionCause::rescored);
  EXPECT_EQ(change->from, "SQL");
  EXPECT_EQ(state.stage(), change->to);
  EXPECT_NE(change->to, "SQL");
}

TEST(LeadStateModelChange, DiffReportNamesTheLeadsAndTheRules) {
  const Qualifier before = Qualifier::with_default_config();
  Config c = default_config();
  for (Rule& r : c.rules) {
    if (r.id == "trial_signup") {
      r.points = 40;
      r.max_points = 40;
    }
  }
  const Qualifier after = Qualifier::build(c).value();
  Lead a = fitting_lead();
  a.events.push_back(test::ev("trial_signup", days_ago(1)));
  Lead b = fitting_lead();
  b.id = "acme-2";
  const std::vector<Lead> leads = {a, b};
  const ModelDiff diff = diff_models(before, after, leads, as_of());
  EXPECT_EQ(diff.leads, 2U);
  EXPECT_EQ(diff.score_changes, 1U);
  const std::string text = diff.to_text();
  ASSERT_EQ(diff.stage_changes, 1U) << text;
  EXPECT_EQ(diff.changes[0].lead_id, "acme-1");
  EXPECT_EQ(diff.changes[0].stage_before, "lead");
  EXPECT_EQ(diff.changes[0].stage_after, "MQL");
  EXPECT_NE(text.find("trial_signup: 15 -> 40 (+25)"), std::string::npos) << text;
  EXPECT_NE(text.find("lead -> MQL: 1"), std::string::npos) << text;
  EXPECT_NE(diff.to_json().find("\"stage_changes\""), std::string::npos);
}

}  // namespace
}  // namespace leadscore
