// Tests of the Qualifier facade (src/eval/qualifier.cpp): qualify / explain
// agreement on generated leads, the contents of an explanation (evidence,
// stage checks, the gap to the next stage), zero heap allocations in
// qualify(), qualify_all determinism across thread counts, as_of handling,
// and value semantics (copies share the compiled model).
#include "leadscore/qualifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"

#include "support/alloc_counter.hpp"
#include "support/lead_builder.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/random_leads.hpp"
#include "support/vocabulary.hpp"

namespace leadscore {
namespace {

using namespace test::vocabulary;

Stage stage(std::string name, Condition when) {
  Stage s;
  s.name = std::move(name);
  s.when = std::move(when);
  return s;
}

// ---------------------------------------------------------------------------
// qualify / explain agreement
// ---------------------------------------------------------------------------

/// Checks the explanation's internal consistency against its result.
void expect_consistent(const Qualifier& q, const Explanation& ex) {
  const Config& config = q.config();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < config.rules.size(); ++i) index[config.rules[i].id] = i;
  double fit = 0;
  double engagement = 0;
  std::size_t previous = 0;
  bool first = true;
  for (const Contribution& c : ex.contributions) {
    ASSERT_TRUE(index.count(c.rule_id)) << c.rule_id;
    const std::size_t i = index[c.rule_id];
    EXPECT_TRUE(first || i > previous) << "contributions are in configuration order";
    previous = i;
    first = false;
    EXPECT_EQ(c.kind, config.rules[i].kind);
    (c.kind == RuleKind::fit ? fit : engagement) += c.points;
    if (c.kind == RuleKind::behavior) {
      EXPECT_EQ(c.matched_events, c.counted_events + c.over_daily_cap + c.outside_window)
          << c.rule_id;
      EXPECT_GT(c.matched_events, 0u);
      if (!config.rules[i].half_life_days) {
        EXPECT_EQ(c.decay_factor_sum, static_cast<double>(c.counted_events));
      }
      EXPECT_EQ(c.capped, c.points != c.uncapped_points);
    }
  }
  EXPECT_NEAR(fit, ex.fit_unclamped, 1e-6);
  EXPECT_NEAR(engagement, ex.engagement_unclamped, 1e-6);
  const Qualification& r = ex.result;
  if (r.disqualified) {
    EXPECT_TRUE(ex.stages.empty());
    ASSERT_FALSE(ex.knockouts.empty());
    EXPECT_EQ(ex.knockouts[0], r.knockout_rule);
    EXPECT_EQ(r.stage_index, -1);
  } else {
    EXPECT_TRUE(ex.knockouts.empty());
    const std::size_t tried =
        r.stage_index < 0 ? config.stages.size() : static_cast<std::size_t>(r.stage_index) + 1;
    ASSERT_EQ(ex.stages.size(), tried);
    for (std::size_t s = 0; s < tried; ++s) {
      EXPECT_EQ(ex.stages[s].stage, config.stages[s].name);
      EXPECT_EQ(ex.stages[s].held, r.stage_index >= 0 && s + 1 == tried);
      EXPECT_EQ(ex.stages[s].condition.held, ex.stages[s].held);
    }
  }
  EXPECT_EQ(ex.next.has_value(), !config.stages.empty() && r.stage_index != 0);
  if (ex.next) {
    EXPECT_FALSE(ex.next->missing.empty()) << "a stage not reached lacks something";
  }
}

TEST(QualifyExplain, AgreeOnGeneratedLeads) {
  const Qualifier default_q = Qualifier::with_default_config();
  const Qualifier rich_q = build_ok(test::rich_config());
  test::RandomLeads gen(42);
  std::size_t disqualified = 0;
  std::map<std::string, int> stages;
  for (int i = 0; i < 400; ++i) {
    const Lead lead = gen.lead(40);
    for (const Instant at : {as_of(), days_ago(20)}) {
      for (const Qualifier* q : {&default_q, &rich_q}) {
        const Qualification r = q->qualify(lead, at);
        const Explanation ex = q->explain(lead, at);
        ASSERT_TRUE(identical(ex.result, r)) << "lead " << i;
        expect_consistent(*q, ex);
        if (r.disqualified) ++disqualified;
        ++stages[std::string(r.stage)];
      }
    }
  }
  // The generator reaches every branch: knockouts and every stage.
  EXPECT_GT(disqualified, 100u);
  for (const char* s : {"PQL", "SQL", "MQL", "lead", "nurture", "new"})
    EXPECT_GT(stages[s], 10) << s;
}

// ---------------------------------------------------------------------------
// Explanation contents
// ---------------------------------------------------------------------------

Config explain_config() {
  Config c;
  c.add(Rule::fit("title", field("job_title").contains_any({"ceo"}), 30));
  c.add(Rule::fit("size", field("company.employees").gte(50), 20));
  c.add(Rule::behavior("views", {"page_view"}, 4).decay(7).cap(5).per_day(1).within(30));
  c.add(Rule::engagement("active", events().within(14).distinct_days().gte(3), 10));
  c.add(Rule::engagement("demo", events({"demo_request"}).within(30).count().gte(1), 40));
  c.add(stage("SQL", all({field("score.engagement").gte(50),
                          events({"demo_request"}).within(30).count().gte(1)})));
  c.add(stage("MQL", field("score.fit").gte(40)));
  return c;
}

// page views at 40 days (outside the window), 14 days (factor 1/4), 7 days
// (1/2), 6.9 days (same UTC day as the 7-day one: over the daily cap) and 0
// days (1): 4 * (1/4 + 1/2 + 1) = 7, capped at 5. Active on 3 distinct days
// in the last 14 (the 14-day-old view is inside: windows are inclusive).
Lead explained_lead(double employees) {
  return LeadBuilder("explained")
      .title("CEO")
      .employees(employees)
      .event("page_view", days_ago(40))
      .event("page_view", days_ago(14))
      .event("page_view", days_ago(7))
      .event("page_view", days_ago(6.9))
      .event("page_view", as_of())
      .build();
}

TEST(Explanation, ContributionsCarryTheirEvidence) {
  const Qualifier q = build_ok(explain_config());
  const Explanation ex = q.explain(explained_lead(10), as_of());
  EXPECT_EQ(ex.result.fit, 30);
  EXPECT_EQ(ex.result.engagement, 15);
  EXPECT_EQ(ex.result.total, 45);
  EXPECT_EQ(ex.result.grade, "C4");
  EXPECT_EQ(ex.fit_unclamped, 30);
  EXPECT_EQ(ex.engagement_unclamped, 15);
  EXPECT_TRUE(ex.knockouts.empty());
  EXPECT_EQ(ex.facts.events_considered, 5u);

  ASSERT_EQ(ex.contributions.size(), 3u);
  const Contribution& title = ex.contributions[0];
  EXPECT_EQ(title.rule_id, "title");
  EXPECT_EQ(title.kind, RuleKind::fit);
  EXPECT_EQ(title.points, 30);
  EXPECT_EQ(title.evidence, "job_title contains_any [\"ceo\"] (is \"CEO\")");
  EXPECT_FALSE(title.aggregate_value.has_value());

  const Contribution& views = ex.contributions[1];
  EXPECT_EQ(views.rule_id, "views");
  EXPECT_EQ(views.kind, RuleKind::behavior);
  // points, uncapped, capped; events matched, counted, over the daily cap, outside the window;
  // decay factor sum
  EXPECT_EQ(test::behavior_counts(views), (test::BehaviorCounts{5, 7, true, 5, 3, 1, 1, 1.75}));
  EXPECT_EQ(views.evidence,
            "3 events x 4 pts, decayed (half-life 7d, factor sum 1.75), 1 outside the window, 1 "
            "over the daily cap, "
            "capped at 5");

  const Contribution& active = ex.contributions[2];
  EXPECT_EQ(active.rule_id, "active");
  EXPECT_EQ(active.kind, RuleKind::engagement);
  EXPECT_EQ(active.points, 10);
  ASSERT_TRUE(active.aggregate_value.has_value());
  EXPECT_EQ(*active.aggregate_value, 3);
  EXPECT_EQ(active.evidence, "distinct_days(any event, within 14d) >= 3 (is 3)");
}

TEST(Explanation, StageChecksAndTheGapToTheNextStage) {
  const Qualifier q = build_ok(explain_config());
  const Explanation ex = q.explain(explained_lead(10), as_of());
  EXPECT_EQ(ex.result.stage, "lead");
  ASSERT_EQ(ex.stages.size(), 2u);
  const StageCheck& sql = ex.stages[0];
  EXPECT_EQ(sql.stage, "SQL");
  EXPECT_FALSE(sql.held);
  EXPECT_FALSE(sql.by_origin);
  EXPECT_EQ(sql.condition.text, "all of");
  ASSERT_EQ(sql.condition.children.size(), 2u);
  EXPECT_EQ(sql.condition.children[0].text, "score.engagement >= 50");
  EXPECT_EQ(sql.condition.children[0].actual, "15");
  EXPECT_FALSE(sql.condition.children[0].held);
  EXPECT_EQ(sql.condition.children[1].text, "count(demo_request, within 30d) >= 1");
  EXPECT_EQ(sql.condition.children[1].actual, "0");
  const StageCheck& mql = ex.stages[1];
  EXPECT_EQ(mql.stage, "MQL");
  EXPECT_FALSE(mql.held);
  EXPECT_EQ(mql.condition.text, "score.fit >= 40");
  EXPECT_EQ(mql.condition.actual, "30");
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "MQL");
  EXPECT_EQ(ex.next->missing, (Strings{"score.fit is 30, needs >= 40 (10 more)"}));

  // With 60 employees the lead is an MQL, and SQL is what it lacks.
  const Explanation mql_ex = q.explain(explained_lead(60), as_of());
  EXPECT_EQ(mql_ex.result.stage, "MQL");
  EXPECT_EQ(mql_ex.result.stage_index, 1);
  ASSERT_TRUE(mql_ex.next.has_value());
  EXPECT_EQ(mql_ex.next->stage, "SQL");
  EXPECT_EQ(mql_ex.next->missing,
            (Strings{"score.engagement is 15, needs >= 50 (35 more)",
                     "count(demo_request, within 30d) is 0, needs >= 1 (1 more)"}));
}

TEST(Explanation, MissingLinesForAnyNotAndLessThan) {
  Config c;
  c.add(stage("top", any({all({field("score.fit").gte(90), field("score.engagement").gte(90)}),
                          field("attributes.vip").eq(true)})));
  c.add(stage("mid", all({negate(field("attributes.blocked").eq(true)),
                          field("days_since_last_activity").lt(5), field("job_title").eq("CEO")})));
  const Qualifier q = build_ok(c);

  const Lead blocked = LeadBuilder().attr("blocked", true).event("page_view", days_ago(10)).build();
  Explanation ex = q.explain(blocked, as_of());
  EXPECT_EQ(ex.result.stage, "lead");
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "mid");
  EXPECT_EQ(ex.next->missing, (Strings{"not (attributes.blocked == true), but it holds",
                                       "days_since_last_activity is 10, needs < 5 (5 less)",
                                       "job_title is missing, needs == \"CEO\""}));

  // For `any`, the alternative with the fewest missing conditions is shown.
  const Lead mid =
      LeadBuilder().title("ceo").attr("blocked", false).event("page_view", days_ago(1)).build();
  ex = q.explain(mid, as_of());
  EXPECT_EQ(ex.result.stage, "mid");
  ASSERT_TRUE(ex.next.has_value());
  EXPECT_EQ(ex.next->stage, "top");
  EXPECT_EQ(ex.next->missing, (Strings{"attributes.vip is missing, needs == true"}));
}

TEST(Explanation, ToTextIsAReadableReport) {
  const Qualifier q = build_ok(explain_config());
  const std::string text = q.explain(explained_lead(10), as_of()).to_text();
  EXPECT_EQ(text.rfind("stage lead  grade C4  fit 30  engagement 15  total 45\n", 0), 0u) << text;
  for (const char* line :
       {"views: 3 events x 4 pts, decayed", "  SQL: not met\n", "next stage MQL needs:\n",
        "  - score.fit is 30, needs >= 40 (10 more)\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n---\n" << text;
  }
}

// ---------------------------------------------------------------------------
// Zero heap allocations
// ---------------------------------------------------------------------------

/// 50 events of many types over the last 40 days, not in time order, several
/// on the same day (so the daily caps take their unsorted path).
Lead fifty_event_lead() {
  static const char* const kTypes[] = {
      "page_view",        "page_view",   "email_open",       "product_usage", "form_submit",
      "content_download", "email_click", "webinar_attended", "custom_event",  "demo_request"};
  LeadBuilder b("fifty");
  b.name("Ada", "Lovelace")
      .email("ada@analytical.io")
      .title("Head of Engineering")
      .company("Analytical");
  b.industry("software").employees(250).country("GB").origin(Origin::inbound).created(days_ago(90));
  b.attr("plan", "trial").attr("tags", Strings{"vip"});
  for (int i = 0; i < 50; ++i) {
    const double age = static_cast<double>((i * 37) % 40) + 0.1 * static_cast<double>(i % 7);
    test::EventBuilder e = ev(kTypes[i % 10], days_ago(age));
    if (i % 10 < 2) e.prop("url", i % 3 ? "/pricing" : "/docs/start");
    if (i % 10 == 3) e.prop("duration", static_cast<double>(10 + i));
    b.event(e);
  }
  return b.build();
}

// Attribute conditions read the lead's attributes by slot, bound once per
// evaluation (one merge pass over both name-ordered lists, or one lookup per
// slot when the lead has many more attributes): both paths, case folding
// through the precomputed hashes, and missing attributes.
TEST(AttributeSlots, BothBindingPathsAndCaseFolding) {
  Config c;
  c.add(Rule::fit("plan",
                  field("attributes.plan").in(std::vector<std::string>{"Pro", "ENTERPRISE"}), 10));
  c.add(Rule::fit("region", field("attributes.region").eq("émea"), 5));
  c.add(Rule::fit("seats", field("attributes.seats").gte(10), 3));
  c.add(Rule::fit("no_owner", field("attributes.owner").missing(), 1));
  Condition exact = field("attributes.code").eq("AbC");
  exact.case_sensitive = true;
  c.add(Rule::fit("exact", exact, 2));
  const Qualifier q = build_ok(c);
  Lead lead = test::LeadBuilder("slots");
  lead.attributes["plan"] = std::string("enterprise");
  lead.attributes["region"] = std::string("ÉMEA");
  lead.attributes["seats"] = 12.0;
  lead.attributes["code"] = std::string("abc");
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 19);  // merge pass: 10 + 5 + 3 + 1 (code differs in case)
  EXPECT_EQ(q.qualify(q.bind(lead), as_of()).fit, 19);
  for (int i = 0; i < 40; ++i) lead.attributes["extra_" + std::to_string(i)] = 1.0;
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 19);  // many attributes: a lookup per slot
  EXPECT_EQ(q.qualify(q.bind(lead), as_of()).fit, 19);
  lead.attributes["code"] = std::string("AbC");
  lead.attributes["owner"] = std::string("ada");
  lead.attributes["plan"] = std::string("basic");
  EXPECT_EQ(q.qualify(lead, as_of()).fit, 10);  // 5 + 3 + 2
  EXPECT_EQ(q.qualify(q.bind(lead), as_of()).fit, 10);
}

TEST(ZeroAllocation, CounterCountsEveryFormOfOperatorNew) {
  test::AllocationCounter counter;
  ::operator delete(::operator new(16));
  ::operator delete[](::operator new[](16));
  ::operator delete (::operator new (16, std::align_val_t{64}), std::align_val_t{64});
  ::operator delete[](::operator new[](16, std::align_val_t{64}), std::align_val_t{64});
  ::operator delete(::operator new(16, std::nothrow));
  ::operator delete[](::operator new[](16, std::nothrow));
  ::operator delete (::operator new (16, std::align_val_t{128}, std::nothrow),
                     std::align_val_t{128});
  ::operator delete[](::operator new[](16, std::align_val_t{128}, std::nothrow),
                      std::align_val_t{128});
  EXPECT_EQ(counter.allocations(), 8u);
  void* aligned = ::operator new (100, std::align_val_t{256});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 256, 0u);
  ::operator delete (aligned, 100, std::align_val_t{256});
  EXPECT_EQ(counter.allocations(), 9u);
}

TEST(ZeroAllocation, QualifyDoesNotAllocate) {
  const Qualifier default_q = Qualifier::with_default_config();
  const Qualifier rich_q = build_ok(test::rich_config());
  ASSERT_EQ(rich_q.config().rules.size(), 30u);
  const Lead lead = fifty_event_lead();
  Lead sorted = lead;
  std::sort(sorted.events.begin(), sorted.events.end(),
            [](const Event& a, const Event& b) { return a.at < b.at; });
  const std::vector<Lead> batch = {lead, sorted, Lead{}};
  std::vector<Qualification> out(batch.size());
  Qualification r1, r2, r3, r4, r5;
  DerivedFacts facts;

  std::size_t allocations = 0;
  {
    test::AllocationCounter counter;
    r1 = default_q.qualify(lead, as_of());
    r2 = rich_q.qualify(lead, as_of());
    r3 = default_q.qualify(sorted, as_of());
    r4 = rich_q.qualify(sorted, days_ago(10));
    r5 = rich_q.qualify(batch[2], as_of());
    allocations = counter.allocations();
  }
  EXPECT_EQ(allocations, 0u);
  // bind() allocates once; qualify() on the bound lead does not.
  const BoundLead bound = rich_q.bind(lead);
  Qualification r6;
  {
    test::AllocationCounter counter;
    r6 = rich_q.qualify(bound, as_of());
    allocations = counter.allocations();
  }
  EXPECT_EQ(allocations, 0u);
  EXPECT_TRUE(identical(r6, r2));
  // derive() returns owned strings and qualify_all() may allocate: outside the guarantee.
  facts = rich_q.derive(lead, as_of());
  rich_q.qualify_all(batch, as_of(), out, 1);

  // The calls did real work.
  EXPECT_EQ(lead.events.size(), 50u);
  EXPECT_GT(r1.engagement, 0);
  EXPECT_GT(r2.fit, 0);
  EXPECT_TRUE(identical(r1, r3));
  EXPECT_EQ(facts.events_considered, 50u);
  EXPECT_TRUE(identical(out[0], r2));
  EXPECT_TRUE(identical(out[2], r5));

  // explain() is allowed to allocate (and does): the counter is live.
  test::AllocationCounter counter;
  const Explanation ex = default_q.explain(lead, as_of());
  EXPECT_GT(counter.allocations(), 0u);
  EXPECT_TRUE(identical(ex.result, r1));
}

// ---------------------------------------------------------------------------
// qualify_all
// ---------------------------------------------------------------------------

TEST(QualifyAll, ThreadCountNeverChangesResults) {
  test::RandomLeads gen(2024);
  const std::vector<Lead> leads = gen.leads(5000, 24);
  const Qualifier default_q = Qualifier::with_default_config();
  const Qualifier rich_q = build_ok(test::rich_config());
  for (const Qualifier* q : {&default_q, &rich_q}) {
    std::vector<Qualification> expected;
    expected.reserve(leads.size());
    for (const Lead& l : leads) expected.push_back(q->qualify(l, as_of()));
    for (const unsigned threads : {1u, 2u, 3u, 8u, 0u}) {
      const std::vector<Qualification> got = q->qualify_all(leads, as_of(), threads);
      ASSERT_EQ(got.size(), leads.size());
      for (std::size_t i = 0; i < leads.size(); ++i) {
        ASSERT_TRUE(identical(got[i], expected[i]))
            << "lead " << i << ", " << threads << " threads";
      }
    }
    std::vector<Qualification> out(leads.size());
    q->qualify_all(leads, as_of(), out, 3);
    for (std::size_t i = 0; i < leads.size(); ++i) ASSERT_TRUE(identical(out[i], expected[i])) << i;
  }
}

TEST(QualifyAll, SmallBatchesAndEmptyInput) {
  const Qualifier q = Qualifier::with_default_config();
  test::RandomLeads gen(8);
  const std::vector<Lead> leads = gen.leads(7);
  const std::vector<Qualification> got = q.qualify_all(leads, as_of(), 8);
  ASSERT_EQ(got.size(), 7u);
  for (std::size_t i = 0; i < leads.size(); ++i)
    EXPECT_TRUE(identical(got[i], q.qualify(leads[i], as_of())));
  EXPECT_TRUE(q.qualify_all(std::span<const Lead>{}, as_of(), 4).empty());
}

TEST(QualifyAll, MismatchedOutputSpanThrows) {
  const Qualifier q = Qualifier::with_default_config();
  const std::vector<Lead> leads(5);
  std::vector<Qualification> out(4);
  try {
    q.qualify_all(leads, as_of(), out, 2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "qualify_all: output span size 4 differs from the number of leads 5");
  }
  std::vector<Qualification> longer(6);
  EXPECT_THROW(q.qualify_all(leads, as_of(), longer, 1), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// as_of
// ---------------------------------------------------------------------------

TEST(AsOf, EventsAfterAsOfChangeNothing) {
  const Qualifier default_q = Qualifier::with_default_config();
  const Qualifier rich_q = build_ok(test::rich_config());
  test::RandomLeads gen(77);
  for (int i = 0; i < 200; ++i) {
    const Lead lead = gen.lead(40);
    Lead past_only = lead;
    std::erase_if(past_only.events, [](const Event& e) { return e.at > as_of(); });
    const std::size_t future = lead.events.size() - past_only.events.size();
    for (const Qualifier* q : {&default_q, &rich_q}) {
      ASSERT_TRUE(identical(q->qualify(lead, as_of()), q->qualify(past_only, as_of())))
          << "lead " << i;
      const DerivedFacts f = q->derive(lead, as_of());
      EXPECT_EQ(f.events_after_as_of, future);
      EXPECT_EQ(f.events_considered, past_only.events.size());
    }
  }
}

TEST(AsOf, ScoresAndStagesFollowTime) {
  Config c;
  c.add(Rule::behavior("webinar", {"webinar_attended"}, 12).decay(60));
  c.add(Rule::behavior("demo", {"demo_request"}, 30).within(90));
  c.add(stage("hot", events({"demo_request"}).within(30).count().gte(1)));
  const Qualifier q = build_ok(c);
  const Instant t = test::utc(2026, 1, 10, 9, 30);
  const Lead lead =
      LeadBuilder().event("webinar_attended", t).event("demo_request", t).created(t).build();
  const auto at = [&](double days_after) { return q.qualify(lead, days_ago(-days_after, t)); };
  EXPECT_EQ(at(-0.001).engagement, 0);
  EXPECT_EQ(at(-0.001).stage, "lead");
  EXPECT_EQ(at(0).engagement, 42);
  EXPECT_EQ(at(0).stage, "hot");
  EXPECT_EQ(at(30).stage, "hot");
  EXPECT_EQ(at(30.5).stage, "lead");
  EXPECT_EQ(at(60).engagement, 36);  // 12 / 2 + 30
  EXPECT_EQ(at(120).engagement, 3);  // 12 / 4, the demo is out of its 90-day window
  EXPECT_EQ(q.derive(lead, days_ago(-2.25, t)).days_since_created, 2.25);
}

TEST(AsOf, SameInputsGiveBitIdenticalResults) {
  const Qualifier q = Qualifier::with_default_config();
  const Lead lead = fifty_event_lead();
  const Qualification a = q.qualify(lead, as_of());
  const Qualifier copy = q;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(identical(copy.qualify(lead, as_of()), a));
}

// ---------------------------------------------------------------------------
// Value semantics
// ---------------------------------------------------------------------------

static_assert(std::is_copy_constructible_v<Qualifier>);
static_assert(std::is_copy_assignable_v<Qualifier>);
static_assert(std::is_nothrow_move_constructible_v<Qualifier>);
static_assert(!std::is_default_constructible_v<Qualifier>);

TEST(QualifierValue, CopiesShareTheCompiledModel) {
  const Qualifier a = build_ok(explain_config());
  const Qualifier b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(&a.config(), &b.config());
  EXPECT_EQ(&a.warnings(), &b.warnings());
  const Lead lead = explained_lead(60);
  const Qualification ra = a.qualify(lead, as_of());
  const Qualification rb = b.qualify(lead, as_of());
  EXPECT_TRUE(identical(ra, rb));
  EXPECT_EQ(ra.stage.data(), rb.stage.data());  // views into the one model
  EXPECT_EQ(ra.grade.data(), rb.grade.data());

  Qualifier c = Qualifier::with_default_config();
  EXPECT_NE(&c.config(), &a.config());
  c = a;
  EXPECT_EQ(&c.config(), &a.config());
  Qualifier moved = std::move(c);
  EXPECT_EQ(&moved.config(), &a.config());
}

TEST(QualifierValue, ResultsStayValidWhileAnyCopyLives) {
  const Lead lead = explained_lead(60);
  std::optional<Qualifier> original(build_ok(explain_config()));
  const Qualifier copy = *original;
  const Qualification r = original->qualify(lead, as_of());
  original.reset();  // the copy keeps the model (and the result's views) alive
  EXPECT_EQ(r.stage, "MQL");
  EXPECT_EQ(r.grade, "B4");
  EXPECT_TRUE(identical(copy.qualify(lead, as_of()), r));
}

TEST(QualifierValue, DefaultConfigurationQualifier) {
  const Qualifier a = Qualifier::with_default_config();
  const Qualifier b = Qualifier::with_default_config();
  EXPECT_EQ(&a.config(), &b.config());
  EXPECT_EQ(a.config(), default_config());
  EXPECT_EQ(a.stage_names(), (std::vector<std::string_view>{"PQL", "SQL", "MQL", "lead"}));
}

TEST(QualifierValue, BuildKeepsTheConfiguration) {
  const Config config = explain_config();
  const Qualifier q = build_ok(config);
  EXPECT_EQ(q.config(), config);
  EXPECT_TRUE(q.warnings().empty());
}

}  // namespace
}  // namespace leadscore
