// Property tests over random configurations and leads
// (tests/support/random_config.hpp, seeded: every run sees the same cases).
//
//   - the order of a lead's events does not matter;
//   - events after as_of change nothing;
//   - an event matching a positive-points behaviour rule without cap, window,
//     daily cap or decay adds exactly its points to that rule and never lowers
//     the engagement or total score;
//   - the JSON round trips of leads and configurations are the identity;
//   - a naive reference evaluator (tests/support/reference_evaluator.hpp),
//     walking the Config directly, agrees with Qualifier::qualify() and
//     derive() on every case: exactly, except that a decayed behaviour rule's
//     total is compared with a tolerance (1e-9 relative + 1e-6 absolute),
//     and everything downstream of it is then compared exactly using the
//     library's total for that rule.
//
// Sizes are chosen so that each test takes well under a few seconds in a
// Debug build (they also run under ASan + UBSan at -O0).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "support/qualifier_helpers.hpp"
#include "support/random_config.hpp"
#include "support/random_leads.hpp"
#include "support/reference_evaluator.hpp"

namespace leadscore {
namespace {

using test::Generator;
using test::MtSource;

/// A random configuration that builds, and its Qualifier.
struct Case {
  Config config;
  Qualifier qualifier;
};

/// Draws configurations until one builds (most do on the first draw).
Case buildable(Generator<MtSource>& gen, std::size_t max_rules = 12) {
  for (int attempt = 0;; ++attempt) {
    Config c = gen.config(max_rules, 4);
    auto built = Qualifier::build(c);
    if (built.ok()) return Case{std::move(c), std::move(built).value()};
    if (attempt > 50) {
      ADD_FAILURE() << "the generator gives no buildable configuration:\n"
                    << to_string(built.diagnostics());
      return Case{Config{}, Qualifier::build(Config{}).value()};
    }
  }
}

/// The same events in another order (Fisher-Yates with the generator).
void shuffle_events(Lead& lead, Generator<MtSource>& gen) {
  auto& e = lead.events;
  for (std::size_t i = e.size(); i > 1; --i) {
    std::swap(e[i - 1], e[gen.below(static_cast<std::uint32_t>(i))]);
  }
}

std::string describe(const Config& config, const Lead& lead) {
  return "configuration:\n" + to_json_text(config) + "\nlead:\n" + to_json_text(lead);
}

/// What for_each_case() draws.
struct Draws {
  std::uint32_t seed = 0;
  int configs = 0;             ///< buildable configurations
  int leads = 0;               ///< leads per configuration
  std::size_t max_events = 0;  ///< per lead
  bool duplicate_ids = false;  ///< Generator::duplicate_ids
};

/// Draws buildable configurations and leads from one generator, in a fixed
/// order, and calls check(case, lead, gen) for each lead (check may draw
/// more from gen). Stops at the first fatal failure, as an ASSERT in the
/// test body would.
template <class Check>
void for_each_case(const Draws& draws, Check check) {
  MtSource source(draws.seed);
  Generator<MtSource> gen(source, test::as_of());
  gen.duplicate_ids = draws.duplicate_ids;
  for (int i = 0; i < draws.configs; ++i) {
    const Case c = buildable(gen);
    for (int k = 0; k < draws.leads; ++k) {
      const Lead lead = gen.lead(draws.max_events);
      check(c, lead, gen);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// ---------------------------------------------------------------------------

TEST(PropertyTest, GeneratedConfigurationsMostlyBuild) {
  MtSource source(1);
  Generator<MtSource> gen(source, test::as_of());
  int built = 0;
  for (int i = 0; i < 200; ++i) built += Qualifier::build(gen.config()).ok() ? 1 : 0;
  // Invalid draws are rare by design; the properties below need buildable ones.
  EXPECT_GE(built, 150);
}

TEST(PropertyTest, EventOrderDoesNotMatter) {
  for_each_case(
      {.seed = 2, .configs = 150, .leads = 3, .max_events = 30},
      [](const Case& c, const Lead& lead, Generator<MtSource>& gen) {
        const Qualification expected = c.qualifier.qualify(lead, test::as_of());
        for (int p = 0; p < 3; ++p) {
          Lead shuffled = lead;
          shuffle_events(shuffled, gen);
          ASSERT_TRUE(test::identical(expected, c.qualifier.qualify(shuffled, test::as_of())))
              << describe(c.config, lead);
        }
      });
}

// Events sharing an id but not their time or content: which copy counts
// does not depend on their order either (issue 13, item 1).
TEST(PropertyTest, EventOrderDoesNotMatterWithRepeatedIds) {
  for_each_case(
      {.seed = 12, .configs = 150, .leads = 3, .max_events = 30, .duplicate_ids = true},
      [](const Case& c, const Lead& lead, Generator<MtSource>& gen) {
        const Qualification expected = c.qualifier.qualify(lead, test::as_of());
        for (int p = 0; p < 3; ++p) {
          Lead shuffled = lead;
          shuffle_events(shuffled, gen);
          ASSERT_TRUE(test::identical(expected, c.qualifier.qualify(shuffled, test::as_of())))
              << describe(c.config, lead);
        }
      });
}

TEST(PropertyTest, EventsAfterAsOfChangeNothing) {
  for_each_case(
      {.seed = 3, .configs = 150, .leads = 3, .max_events = 20},
      [](const Case& c, const Lead& lead, Generator<MtSource>& gen) {
        const Qualification expected = c.qualifier.qualify(lead, test::as_of());
        const DerivedFacts facts = c.qualifier.derive(lead, test::as_of());
        Lead later = lead;
        const std::size_t added = 1 + gen.below(5);
        for (std::size_t n = 0; n < added; ++n) {
          Event e = gen.event(test::as_of());
          e.automated = false;
          // 1 ms to 10 days after as_of.
          e.at = test::as_of() + std::chrono::milliseconds(
                                     1 + static_cast<std::int64_t>(gen.below(10 * 24)) * 3'600'000);
          later.events.insert(
              later.events.begin() + gen.below(static_cast<std::uint32_t>(later.events.size() + 1)),
              std::move(e));
        }
        ASSERT_TRUE(test::identical(expected, c.qualifier.qualify(later, test::as_of())))
            << describe(c.config, later);
        const DerivedFacts after = c.qualifier.derive(later, test::as_of());
        EXPECT_EQ(after.events_after_as_of, facts.events_after_as_of + added);
        EXPECT_EQ(after.events_considered, facts.events_considered);
        EXPECT_EQ(after.days_since_last_activity, facts.days_since_last_activity);
      });
}

/// The uncapped total of rule `id` in millionths (0 when it matched nothing).
std::int64_t rule_micro(const Explanation& e, const std::string& id) {
  for (const auto& c : e.contributions) {
    if (c.rule_id == id) return std::llround(c.uncapped_points * 1e6);
  }
  return 0;
}

TEST(PropertyTest, AMatchingEventNeverLowersTheScore) {
  MtSource source(4);
  Generator<MtSource> gen(source, test::as_of());
  int checked = 0;
  for (int i = 0; i < 150; ++i) {
    Config config = gen.config(12, 3);
    // A score that can only grow with events: no fit or engagement rules
    // (their conditions may read event counts), behaviour rules with
    // non-negative points, and no decay on a daily-capped rule (a new,
    // earlier event of the day would replace a later, less decayed one).
    std::erase_if(config.rules, [](const Rule& r) {
      return r.kind == RuleKind::fit || r.kind == RuleKind::engagement;
    });
    for (Rule& r : config.rules) {
      r.points = std::fabs(r.points);
      if (r.max_per_day) r.half_life_days.reset();
    }
    // The rule under test: positive points, no cap, window, daily cap or decay.
    Rule plain = gen.behavior_rule("plain");
    plain.points = 1 + gen.below(20) * 0.5;
    plain.max_points.reset();
    plain.max_per_day.reset();
    plain.within_days.reset();
    plain.half_life_days.reset();
    config.rules.insert(
        config.rules.begin() + gen.below(static_cast<std::uint32_t>(config.rules.size() + 1)),
        plain);
    auto built = Qualifier::build(config);
    if (!built.ok()) continue;
    const Qualifier& q = *built;
    for (int k = 0; k < 3; ++k) {
      const Lead lead = gen.lead(20);
      // An event the rule counts: one of its types, at or before as_of,
      // satisfying its `where` (drawn until one does).
      std::optional<Event> added;
      for (int attempt = 0; attempt < 40 && !added; ++attempt) {
        Event e = gen.event(test::as_of());
        if (!plain.event_types.empty()) e.type = gen.pick(plain.event_types);
        e.automated = false;
        if (e.at > test::as_of()) e.at = test::as_of();
        test::reference::Evaluator ref(config, lead, test::as_of());
        if (ref.event_matches(plain.where, e)) added = std::move(e);
      }
      if (!added) continue;
      Lead more = lead;
      more.events.insert(
          more.events.begin() + gen.below(static_cast<std::uint32_t>(more.events.size() + 1)),
          *added);
      const Explanation before = q.explain(lead, test::as_of());
      const Explanation after = q.explain(more, test::as_of());
      EXPECT_EQ(rule_micro(after, "plain") - rule_micro(before, "plain"),
                std::llround(plain.points * 1e6))
          << describe(config, more);
      EXPECT_GE(after.engagement_unclamped, before.engagement_unclamped) << describe(config, more);
      EXPECT_GE(after.result.engagement, before.result.engagement) << describe(config, more);
      EXPECT_GE(after.result.total, before.result.total) << describe(config, more);
      ++checked;
    }
  }
  EXPECT_GE(checked, 200);
}

TEST(PropertyTest, LeadJsonRoundTripIsIdentity) {
  MtSource source(5);
  Generator<MtSource> gen(source, test::as_of());
  gen.duplicate_ids = true;
  test::RandomLeads random(5);
  for (int i = 0; i < 300; ++i) {
    const Lead lead = i % 2 == 0 ? gen.lead(20) : random.lead(20);
    const std::string text = to_json_text(lead);
    auto parsed = parse_lead(text);
    ASSERT_TRUE(parsed.ok()) << text << "\n" << to_string(parsed.diagnostics());
    ASSERT_EQ(*parsed, lead) << text;
    ASSERT_EQ(to_json_text(*parsed), text);
  }
}

TEST(PropertyTest, ConfigJsonRoundTripIsIdentity) {
  MtSource source(6);
  Generator<MtSource> gen(source, test::as_of());
  std::vector<Config> configs{default_config(), test::rich_config()};
  for (int i = 0; i < 150; ++i) configs.push_back(gen.config());
  for (const Config& config : configs) {
    const std::string text = to_json_text(config);
    auto parsed = parse_config(text);
    ASSERT_TRUE(parsed.ok()) << text << "\n" << to_string(parsed.diagnostics());
    ASSERT_EQ(*parsed, config) << text;
    ASSERT_EQ(to_json_text(*parsed), text);
    // And the Qualifiers built from both are the same.
    auto a = Qualifier::build(config);
    auto b = Qualifier::build(*parsed);
    ASSERT_EQ(a.ok(), b.ok());
    ASSERT_EQ(a.diagnostics(), b.diagnostics());
  }
}

// ---------------------------------------------------------------------------
// The reference evaluator
// ---------------------------------------------------------------------------

/// Compares one lead; returns "" or what differs.
std::string compare_with_reference(const Config& config, const Qualifier& q, const Lead& lead,
                                   Instant as_of) {
  std::ostringstream diff;
  const Explanation ex = q.explain(lead, as_of);
  const Qualification got = q.qualify(lead, as_of);
  if (!test::identical(got, ex.result)) diff << "explain().result != qualify()\n";

  // Derived facts.
  test::reference::Evaluator facts_ref(config, lead, as_of);
  const DerivedFacts want = facts_ref.facts();
  const DerivedFacts facts = q.derive(lead, as_of);
  if (facts.enrichment != want.enrichment) diff << "enrichment differs\n";
  if (facts.completeness != want.completeness) diff << "completeness differs\n";
  if (facts.email_domain != want.email_domain) diff << "email_domain differs\n";
  if (facts.free_email != want.free_email) diff << "free_email differs\n";
  if (facts.days_since_created != want.days_since_created) diff << "days_since_created differs\n";
  if (facts.days_since_last_activity != want.days_since_last_activity)
    diff << "days_since_last_activity differs\n";
  if (facts.events_considered != want.events_considered)
    diff << "events_considered " << facts.events_considered << " vs " << want.events_considered
         << "\n";
  if (facts.events_after_as_of != want.events_after_as_of) diff << "events_after_as_of differs\n";

  // Behaviour rules, one by one; decayed ones within the tolerance.
  const test::reference::Outcome first = test::reference::evaluate(config, lead, as_of);
  std::map<std::size_t, std::int64_t> decayed;
  for (const auto& [r, ref_micro] : first.behavior_micro) {
    const std::int64_t lib = rule_micro(ex, config.rules[r].id);
    if (config.rules[r].half_life_days) {
      decayed[r] = lib;
      const double real = first.decayed_points.at(r);
      const bool within =
          std::fabs(static_cast<double>(lib) / 1e6 - real) <= 1e-9 * std::fabs(real) + 1e-6;
      if (!within) {
        diff << "decayed rule " << config.rules[r].id << ": library "
             << static_cast<double>(lib) / 1e6 << ", reference " << real << "\n";
      }
    } else if (lib != ref_micro) {
      diff << "behaviour rule " << config.rules[r].id << ": library " << lib << " micro, reference "
           << ref_micro << "\n";
    }
  }

  // Everything else exactly, with the library's decayed totals.
  const test::reference::Outcome ref = test::reference::evaluate(config, lead, as_of, &decayed);
  auto same = [](double a, double b) { return test::bits(a) == test::bits(b); };
  if (!same(got.fit, ref.fit)) diff << "fit " << got.fit << " vs " << ref.fit << "\n";
  if (!same(got.engagement, ref.engagement))
    diff << "engagement " << got.engagement << " vs " << ref.engagement << "\n";
  if (!same(got.total, ref.total)) diff << "total " << got.total << " vs " << ref.total << "\n";
  if (!same(ex.fit_unclamped, ref.fit_unclamped)) diff << "fit_unclamped differs\n";
  if (!same(ex.engagement_unclamped, ref.engagement_unclamped))
    diff << "engagement_unclamped differs\n";
  if (got.fit_grade != ref.fit_grade)
    diff << "fit grade " << got.fit_grade << " vs " << ref.fit_grade << "\n";
  if (got.engagement_grade != ref.engagement_grade) diff << "engagement grade differs\n";
  if (got.grade != ref.grade) diff << "grade " << got.grade << " vs " << ref.grade << "\n";
  if (got.stage != ref.stage || got.stage_index != ref.stage_index)
    diff << "stage " << got.stage << " vs " << ref.stage << "\n";
  if (got.disqualified != ref.disqualified || got.reason != ref.reason ||
      got.knockout_rule != ref.knockout_rule)
    diff << "knockout " << got.knockout_rule << " vs " << ref.knockout_rule << "\n";
  return diff.str();
}

TEST(PropertyTest, ReferenceEvaluatorAgreesOnRandomCases) {
  int leads = 0;
  // How varied the cases are: a reference that agrees only on zeros proves little.
  int fit = 0, engagement = 0, staged = 0, disqualified = 0, decayed = 0, capped = 0;
  const Draws draws{.seed = 7, .configs = 250, .leads = 4, .max_events = 30, .duplicate_ids = true};
  for_each_case(draws, [&](const Case& c, const Lead& lead, Generator<MtSource>&) {
    const std::string diff = compare_with_reference(c.config, c.qualifier, lead, test::as_of());
    ASSERT_EQ(diff, "") << describe(c.config, lead);
    ++leads;
    const Explanation e = c.qualifier.explain(lead, test::as_of());
    fit += e.fit_unclamped != 0 ? 1 : 0;
    engagement += e.engagement_unclamped != 0 ? 1 : 0;
    staged += e.result.stage_index >= 0 ? 1 : 0;
    disqualified += e.result.disqualified ? 1 : 0;
    for (const auto& contribution : e.contributions) {
      decayed +=
          contribution.counted_events > 0 &&
                  contribution.decay_factor_sum != static_cast<double>(contribution.counted_events)
              ? 1
              : 0;
      capped += contribution.capped ? 1 : 0;
    }
  });
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(leads, 1000);
  EXPECT_GE(fit, 300);
  EXPECT_GE(engagement, 300);
  EXPECT_GE(staged, 150);
  EXPECT_GE(disqualified, 100);
  EXPECT_GE(decayed, 100);
  EXPECT_GE(capped, 30);
  std::printf(
      "reference cases: %d leads, fit %d, engagement %d, at a stage %d, disqualified %d, "
      "decayed rules %d, capped rules %d\n",
      leads, fit, engagement, staged, disqualified, decayed, capped);
}

TEST(PropertyTest, ReferenceEvaluatorAgreesOnTheDefaultAndRichConfigurations) {
  test::RandomLeads random(8);
  for (const Config& config : {default_config(), test::rich_config()}) {
    const Qualifier q = test::build_ok(config);
    for (int k = 0; k < 150; ++k) {
      const Lead lead = random.lead(40);
      const std::string diff = compare_with_reference(config, q, lead, test::as_of());
      ASSERT_EQ(diff, "") << describe(config, lead);
    }
  }
}

}  // namespace
}  // namespace leadscore

namespace leadscore {
namespace {

// Qualifier::bind + qualify(BoundLead) is qualify(Lead) with the attribute
// lookups done once: identical results on every random case, including
// leads bound by another Qualifier (qualified from their lead).
TEST(PropertyTest, BoundLeadsQualifyLikeTheirLeads) {
  MtSource source(11);
  Generator<MtSource> gen(source, test::as_of());
  int with_attributes = 0;
  for (int i = 0; i < 150; ++i) {
    const Case c = buildable(gen);
    const Case other = buildable(gen);
    for (int k = 0; k < 3; ++k) {
      const Lead lead = gen.lead(20);
      with_attributes += lead.attributes.empty() ? 0 : 1;
      const BoundLead bound = c.qualifier.bind(lead);
      EXPECT_EQ(&bound.lead(), &lead);
      ASSERT_TRUE(test::identical(c.qualifier.qualify(lead, test::as_of()),
                                  c.qualifier.qualify(bound, test::as_of())))
          << describe(c.config, lead);
      const BoundLead foreign = other.qualifier.bind(lead);
      ASSERT_TRUE(test::identical(c.qualifier.qualify(lead, test::as_of()),
                                  c.qualifier.qualify(foreign, test::as_of())))
          << describe(c.config, lead);
    }
  }
  EXPECT_GT(with_attributes, 100);  // the property is exercised on attributes
}

}  // namespace
}  // namespace leadscore
