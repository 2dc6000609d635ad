// Tests of calibration (leadscore/calibrate.hpp): weights recovered from
// synthetic outcomes drawn from known weights, recovered thresholds,
// determinism, the report formats, and the real UCI Bank Marketing data end
// to end (holdout ROC AUC); and rule_hits(), the features of each lead as
// the engine evaluates them (src/calibrate/rule_hits.hpp).
#include "leadscore/calibrate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "calibrate/rule_hits.hpp"
#include "support/numbered.hpp"

namespace leadscore {
namespace {

// A small deterministic generator (no std::*_distribution: their output
// differs between standard libraries).
struct Lcg {
  std::uint64_t state;
  double uniform() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  }
};

struct Data {
  std::vector<Lead> leads;
  std::unique_ptr<bool[]> outcomes;
  std::size_t size = 0;
  std::span<const bool> y() const { return {outcomes.get(), size}; }
};

// True model: logit = -2 + 1.0 [a] + 2.0 [c = p] + 0.5 [c = q]; plus a noise
// attribute "n" (uniform 0..100) that has no effect.
Data synthetic(std::size_t n, std::uint64_t seed) {
  Data d;
  d.size = n;
  d.outcomes.reset(new bool[n]);
  Lcg rng{seed};
  const char* cs[] = {"p", "q", "r"};
  for (std::size_t i = 0; i < n; ++i) {
    Lead l;
    l.id = std::to_string(i);
    const bool a = rng.uniform() < 0.5;
    const auto c = static_cast<std::size_t>(rng.uniform() * 3) % 3;
    l.attributes["a"] = a;
    l.attributes["c"] = std::string(cs[c]);
    l.attributes["n"] = std::floor(rng.uniform() * 100);
    const double logit = -2 + (a ? 1.0 : 0.0) + (c == 0 ? 2.0 : 0.0) + (c == 1 ? 0.5 : 0.0);
    d.outcomes[i] = rng.uniform() < 1 / (1 + std::exp(-logit));
    d.leads.push_back(std::move(l));
  }
  return d;
}

Config synthetic_config() {
  Config c;
  c.name = "synthetic";
  c.scores.fit.max = 100;
  c.add(Rule::fit("a", cond::field("attributes.a").eq(true), 10));
  c.add(Rule::fit("p", cond::field("attributes.c").eq("p"), 10));
  c.add(Rule::fit("q", cond::field("attributes.c").eq("q"), 10));
  Stage sql;
  sql.name = "SQL";
  sql.when = cond::field("score.total").gte(20);
  c.add(sql);
  return c;
}

const LearnedRule& learned(const CalibrationReport& r, const std::string& id) {
  for (const auto& lr : r.rules) {
    if (lr.rule_id == id) return lr;
  }
  throw std::runtime_error("no learned rule " + id);
}

// The weight of a learned rule, 0 when the rule is not in the model.
double weight_or_zero(const CalibrationReport& r, const std::string& id) {
  for (const auto& lr : r.rules) {
    if (lr.rule_id == id) return lr.weight;
  }
  return 0;
}

// The steps of the search that tried pairs (not single attributes).
std::vector<InteractionStep> pair_steps(const CalibrationReport& r) {
  std::vector<InteractionStep> out;
  for (const InteractionStep& s : r.interaction_search) {
    if (!s.b.empty()) out.push_back(s);
  }
  return out;
}

const Instant kAsOf = *parse_instant("2024-01-01");

TEST(Calibrate, RecoversKnownWeightsAndThresholds) {
  const Data d = synthetic(20000, 42);
  CalibrationOptions o;
  o.auto_candidates = false;
  o.l2 = 0.1;
  o.target_precisions = {0.58};
  o.capacities = {1000};
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  const double wa = learned(rep, "a").weight;
  const double wp = learned(rep, "p").weight;
  const double wq = learned(rep, "q").weight;
  EXPECT_NEAR(wa, 1.0, 0.15);
  EXPECT_NEAR(wp / wa, 2.0, 0.3);
  EXPECT_NEAR(wq / wa, 0.5, 0.15);
  EXPECT_NEAR(rep.intercept, -2.0, 0.15);
  // Integer points keep the ratios, and the best lead has the configured
  // fit maximum (100 points).
  const double pa = learned(rep, "a").points;
  const double pp = learned(rep, "p").points;
  EXPECT_EQ(pa + pp, 100);
  EXPECT_NEAR(pp / pa, 2.0, 0.3);
  for (const auto& rule : r->config.rules)
    EXPECT_EQ(rule.points, std::round(rule.points)) << rule.id;
  // Precision 0.58: the p-groups (73% and 50%, mixed ~61.5%) qualify, adding
  // a&q (38%) would not: the threshold is p's points alone.
  ASSERT_EQ(rep.thresholds.size(), 2u);
  EXPECT_TRUE(rep.thresholds[0].reachable);
  EXPECT_EQ(rep.thresholds[0].threshold, pp);
  EXPECT_NEAR(rep.thresholds[0].expected_conversion, 0.615, 0.03);
  EXPECT_NEAR(rep.thresholds[0].volume_share, 1.0 / 3, 0.03);
  // Top 1000: the a&p group alone (~1/6 of the training leads) is larger.
  EXPECT_EQ(rep.thresholds[1].threshold, pa + pp);
  EXPECT_GE(rep.thresholds[1].volume, 1000u);
  // Chosen on the training leads, measured on the holdout: recount with the
  // calibrated configuration on the held-out leads (index mod 10 < 3).
  const Qualifier cq = Qualifier::build(r->config).value();
  for (const ThresholdRecommendation& t : rep.thresholds) {
    ASSERT_TRUE(t.holdout.has_value()) << t.goal;
    ThresholdOutcome expect;
    for (std::size_t i = 0; i < d.size; i += 1) {
      if (i % 10 >= 3) continue;
      ++expect.leads;
      if (cq.qualify(d.leads[i], kAsOf).total >= t.threshold) {
        ++expect.volume;
        if (d.outcomes[i]) ++expect.positives;
      }
    }
    EXPECT_EQ(t.holdout->leads, rep.holdout_leads);
    EXPECT_EQ(t.holdout->leads, expect.leads);
    EXPECT_EQ(t.holdout->volume, expect.volume) << t.goal;
    EXPECT_EQ(t.holdout->positives, expect.positives) << t.goal;
    EXPECT_DOUBLE_EQ(t.holdout->conversion,
                     static_cast<double>(expect.positives) / static_cast<double>(expect.volume));
    // The honest estimate is close to the training figure on this data.
    EXPECT_NEAR(t.holdout->conversion, t.expected_conversion, 0.05) << t.goal;
    EXPECT_NEAR(t.holdout->volume_share, t.volume_share, 0.03) << t.goal;
  }
  EXPECT_TRUE(rep.thresholds[1].holdout_meets_goal);  // capacity goals always do
  EXPECT_EQ(rep.thresholds[0].holdout_meets_goal, rep.thresholds[0].holdout->conversion >= 0.58);
  // The stage keeps (at least) its training volume: originally a&p and a&q
  // (20 points, 1/3 of the leads); calibrated, the top third ends inside the
  // "p alone" or the "a&q" group, and ties are kept together.
  ASSERT_EQ(r->config.stages.size(), 1u);
  const double* sql = std::get_if<double>(&r->config.stages[0].when.value);
  ASSERT_NE(sql, nullptr);
  const double pq = learned(rep, "q").points;
  EXPECT_TRUE(*sql == pp || *sql == pa + pq) << *sql;
  EXPECT_GE(rep.calibrated_training.stages[0].leads, rep.original_training.stages[0].leads);
  // The calibrated configuration ranks as well as the truth (holdout AUC).
  EXPECT_GT(rep.calibrated_holdout.auc, rep.original_holdout.auc);
  EXPECT_GT(rep.calibrated_holdout.auc, 0.70);
  // It builds, and its description notes the calibration with the as-of.
  EXPECT_TRUE(Qualifier::build(r->config).ok());
  EXPECT_NE(r->config.description.find("as of 2024-01-01T00:00:00Z"), std::string::npos);
  EXPECT_EQ(rep.as_of, "2024-01-01T00:00:00Z");
}

TEST(Calibrate, CandidatesBecomeRulesAndNoiseGetsLittle) {
  // Start from a configuration that knows only "a": the candidates on c
  // must find p and q.
  Config c;
  c.scores.fit.max = 100;
  c.add(Rule::fit("a", cond::field("attributes.a").eq(true), 10));
  const Data d = synthetic(20000, 7);
  CalibrationOptions o;
  o.l2 = 1;
  o.bins = 4;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  // One-hot values of one attribute share the weight with its complement
  // (L2): compare differences. The candidates of a add nothing to the rule
  // "a" and need not be selected.
  const double wa = learned(rep, "a").weight - weight_or_zero(rep, "cal.a.false");
  const double wp = learned(rep, "cal.c.p").weight - learned(rep, "cal.c.r").weight;
  const double wq = learned(rep, "cal.c.q").weight - learned(rep, "cal.c.r").weight;
  EXPECT_NEAR(wp / wa, 2.0, 0.3);
  EXPECT_NEAR(wq / wa, 0.5, 0.2);
  // "a eq true" duplicates the existing rule and is left out; noise bins
  // earn small weights.
  for (const auto& lr : rep.rules) {
    EXPECT_NE(lr.rule_id, "cal.a.true");
    if (lr.rule_id.rfind("cal.n.", 0) == 0) {
      EXPECT_LT(std::fabs(lr.weight), 0.15) << lr.rule_id;
    }
  }
  bool has_p_rule = false;
  for (const auto& rule : r->config.rules) has_p_rule = has_p_rule || rule.id == "cal.c.p";
  EXPECT_TRUE(has_p_rule);
  EXPECT_GT(rep.rules_added, 0u);
  // c is not used by the configuration: it shows up in the suggestions,
  // p with the strongest lift.
  ASSERT_FALSE(rep.suggestions.empty());
  EXPECT_EQ(rep.suggestions.front().description, "attributes.c eq \"p\"");
  EXPECT_GT(rep.suggestions.front().lift, 1.5);
  EXPECT_GE(rep.suggestions.front().support, o.min_support);
  EXPECT_EQ(rep.suggestions.size(), rep.suggestions_found);  // below the default cap of 25
  for (std::size_t k = 1; k < rep.suggestions.size(); ++k)
    EXPECT_GE(rep.suggestions[k - 1].lift, rep.suggestions[k].lift);
  // No interaction in the true model: the search tries the best pair and
  // stops without adding it.
  EXPECT_TRUE(rep.interactions.empty());
  const std::vector<InteractionStep> pairs = pair_steps(rep);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_FALSE(pairs[0].selected);
  EXPECT_LT(pairs[0].z, o.interaction_min_z);
}

TEST(Calibrate, SuggestionCapIsAnOption) {
  Config c;
  c.scores.fit.max = 100;
  c.add(Rule::fit("a", cond::field("attributes.a").eq(true), 10));
  const Data d = synthetic(6000, 11);
  CalibrationOptions o;
  o.bins = 4;
  o.auto_interactions = 0;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> all = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(all.ok()) << to_string(all.diagnostics());
  const std::size_t found = all->report.suggestions_found;
  ASSERT_GE(found, 4u);  // c: 3 values, n: 4 bins
  ASSERT_EQ(all->report.suggestions.size(), found);
  o.max_suggestions = 2;
  Result<Calibration> two = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->report.suggestions_found, found);
  ASSERT_EQ(two->report.suggestions.size(), 2u);
  // The same ranking, cut: the best two, with their support counts.
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(two->report.suggestions[k].description, all->report.suggestions[k].description);
    EXPECT_EQ(two->report.suggestions[k].support, all->report.suggestions[k].support);
    EXPECT_GE(two->report.suggestions[k].support, o.min_support);
  }
  EXPECT_NE(to_text(two->report).find("2 of " + std::to_string(found) + " shown"),
            std::string::npos);
  o.max_suggestions = 0;
  Result<Calibration> none = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->report.suggestions.empty());
  EXPECT_EQ(none->report.suggestions_found, found);
  // The cap changes the report only, not the calibrated configuration.
  EXPECT_EQ(to_json_text(none->config), to_json_text(all->config));
}

// True model with an interaction: logit = -2.5 + 1.0 [a] + 1.5 [c = p]
// + 2.0 [c = r and m >= 50]; n is noise.
// n leads with ids "0", "1", ...: `fill` sets a lead's attributes from the
// generator and returns its true logit, from which its outcome is drawn.
Data draw_leads(std::size_t n, std::uint64_t seed, const std::function<double(Lead&, Lcg&)>& fill) {
  Data d;
  d.size = n;
  d.outcomes.reset(new bool[n]);
  Lcg rng{seed};
  for (std::size_t i = 0; i < n; ++i) {
    Lead l;
    l.id = std::to_string(i);
    const double logit = fill(l, rng);
    d.outcomes[i] = rng.uniform() < 1 / (1 + std::exp(-logit));
    d.leads.push_back(std::move(l));
  }
  return d;
}

Data synthetic_interaction(std::size_t n, std::uint64_t seed) {
  return draw_leads(n, seed, [](Lead& l, Lcg& rng) {
    const char* cs[] = {"p", "q", "r"};
    const bool a = rng.uniform() < 0.5;
    const auto c = static_cast<std::size_t>(rng.uniform() * 3) % 3;
    const double m = std::floor(rng.uniform() * 100);
    l.attributes["a"] = a;
    l.attributes["c"] = std::string(cs[c]);
    l.attributes["m"] = m;
    l.attributes["n"] = std::floor(rng.uniform() * 100);
    return -2.5 + (a ? 1.0 : 0.0) + (c == 0 ? 1.5 : 0.0) + (c == 2 && m >= 50 ? 2.0 : 0.0);
  });
}

TEST(Calibrate, FindsInteractionsOnTheTrainingLeadsOnly) {
  Config c;
  c.scores.fit.max = 100;
  c.add(Rule::fit("a", cond::field("attributes.a").eq(true), 10));
  const Data d = synthetic_interaction(12000, 21);
  const Instant as_of[] = {kAsOf};
  CalibrationOptions o;
  o.bins = 4;
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  // The search finds c x m first, confirms it by the refit, and stops at the
  // next (noise) pair.
  ASSERT_EQ(rep.interactions.size(), 1u) << to_text(rep);
  EXPECT_EQ(rep.interactions[0], "c x m");
  const std::vector<InteractionStep> pairs = pair_steps(rep);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_TRUE(pairs[0].selected);
  EXPECT_GE(pairs[0].z, o.interaction_min_z);
  EXPECT_LT(pairs[0].cv_log_loss_after, pairs[0].cv_log_loss_before);
  EXPECT_FALSE(pairs[1].selected);
  EXPECT_EQ(rep.cv_folds, 5u);
  // The pair's rules read as a conjunction, e.g. c is "r" and m 50 or more.
  bool has_pair_rule = false;
  for (const auto& rule : r->config.rules) {
    if (rule.id.rfind("cal.c.r.m.", 0) == 0 && rule.points > 0 &&
        rule.when.kind == Condition::Kind::all)
      has_pair_rule = true;
  }
  EXPECT_TRUE(has_pair_rule);
  // It ranks the holdout better than without the search.
  CalibrationOptions off = o;
  off.auto_interactions = 0;
  Result<Calibration> plain = calibrate(c, d.leads, d.y(), as_of, off);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(pair_steps(plain->report).empty());
  EXPECT_GT(rep.calibrated_holdout.auc, plain->report.calibrated_holdout.auc + 0.01);
  // Nothing is chosen by looking at the holdout: with every held-out outcome
  // flipped, the rules, points and stages are the same (only the holdout
  // figures in the description and the report change).
  std::unique_ptr<bool[]> flipped(new bool[d.size]);
  for (std::size_t i = 0; i < d.size; ++i) flipped[i] = i % 10 < 3 ? !d.outcomes[i] : d.outcomes[i];
  Result<Calibration> f =
      calibrate(c, d.leads, std::span<const bool>(flipped.get(), d.size), as_of, o);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->config.rules, r->config.rules);
  EXPECT_EQ(f->config.stages, r->config.stages);
  EXPECT_EQ(f->report.interactions, rep.interactions);
  // Explicit pairs are kept, and the search does not try them again.
  CalibrationOptions given = o;
  given.interactions = {{"m", "c"}};
  Result<Calibration> g = calibrate(c, d.leads, d.y(), as_of, given);
  ASSERT_TRUE(g.ok());
  ASSERT_FALSE(g->report.interactions.empty());
  EXPECT_EQ(g->report.interactions[0], "m x c");
  for (const auto& step : g->report.interaction_search) {
    EXPECT_FALSE((step.a == "c" && step.b == "m") || (step.a == "m" && step.b == "c"));
  }
}

TEST(Calibrate, ReportExplainsTheInteractionsKeptAndTheRulesMerged) {
  // The hand rule is_r (c is "r") holds for the same training leads as the
  // candidate cal.c.r: the candidate is merged into it (named in the
  // report), and the pair c x m the search keeps is explained: how
  // it was chosen, its rules in the model, their points, the strongest one.
  Config c;
  c.scores.fit.max = 100;
  c.add(Rule::fit("is_r", cond::field("attributes.c").eq("r"), 10));
  static const Data d = synthetic_interaction(12000, 21);
  const auto run = [&c](CalibrationOptions o) {
    o.bins = 4;
    const Instant as_of[] = {kAsOf};
    return calibrate(c, d.leads, d.y(), as_of, o);
  };
  Result<Calibration> r = run({});
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  const std::string text = to_text(rep);
  ASSERT_EQ(rep.merged.size(), 1u) << text;
  EXPECT_EQ(rep.merged[0].rfind("cal.c.r -> is_r (", 0), 0u) << rep.merged[0];
  for (const Rule& rule : r->config.rules) EXPECT_NE(rule.id, "cal.c.r");
  EXPECT_NE(text.find("rules merged"), std::string::npos) << text;
  ASSERT_EQ(rep.interactions, std::vector<std::string>{"c x m"}) << text;
  ASSERT_EQ(rep.interactions_explained.size(), 1u);
  const std::string& why = rep.interactions_explained[0];
  EXPECT_EQ(why.rfind("c x m: chosen by the search (", 0), 0u) << why;
  std::size_t pair_rules = 0;
  for (const Rule& rule : r->config.rules)
    pair_rules += rule.id.rfind("cal.c.", 0) == 0 && rule.id.find(".m.") != std::string::npos;
  ASSERT_GT(pair_rules, 0u);
  EXPECT_NE(why.find("; " + std::to_string(pair_rules) + " rules in the model, "),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("strongest cal.c."), std::string::npos) << why;
  EXPECT_NE(text.find("  " + why), std::string::npos);
  const std::string json = to_json_text(rep);
  EXPECT_NE(json.find("\"explained\""), std::string::npos);
  EXPECT_NE(json.find("\"merged\""), std::string::npos);
  // A pair given with --interact says so.
  CalibrationOptions given;
  given.interactions = {{"c", "m"}};
  Result<Calibration> g = run(given);
  ASSERT_TRUE(g.ok());
  ASSERT_FALSE(g->report.interactions_explained.empty());
  EXPECT_EQ(g->report.interactions_explained[0].rfind("c x m: given (--interact)", 0), 0u)
      << g->report.interactions_explained[0];
}

// Two known pairs and pure noise: logit = -2.5 + 1.0 [a] + 2.0 [c = r and
// m >= 50] + 1.5 [g = x and h < 25]; n1 (numbers), n2 (five strings) and
// n3 (booleans) are random and have no effect.
Data synthetic_pairs_and_noise(std::size_t n, std::uint64_t seed) {
  return draw_leads(n, seed, [](Lead& l, Lcg& rng) {
    const char* cs[] = {"p", "q", "r"};
    const char* gs[] = {"x", "y", "z"};
    const char* noise[] = {"u", "v", "w", "s", "t"};
    const bool a = rng.uniform() < 0.5;
    const auto c = static_cast<std::size_t>(rng.uniform() * 3) % 3;
    const double m = std::floor(rng.uniform() * 100);
    const auto g = static_cast<std::size_t>(rng.uniform() * 3) % 3;
    const double h = std::floor(rng.uniform() * 100);
    l.attributes["a"] = a;
    l.attributes["c"] = std::string(cs[c]);
    l.attributes["m"] = m;
    l.attributes["g"] = std::string(gs[g]);
    l.attributes["h"] = h;
    l.attributes["n1"] = std::floor(rng.uniform() * 1000);
    l.attributes["n2"] = std::string(noise[static_cast<std::size_t>(rng.uniform() * 5) % 5]);
    l.attributes["n3"] = rng.uniform() < 0.5;
    return -2.5 + (a ? 1.0 : 0.0) + (c == 2 && m >= 50 ? 2.0 : 0.0) +
           (g == 0 && h < 25 ? 1.5 : 0.0);
  });
}

TEST(Calibrate, FindsKnownPairsAndGivesNoiseNoRule) {
  // From a configuration without rules: every rule comes from the search.
  const Config c;
  const Data d = synthetic_pairs_and_noise(10000, 5);
  const Instant as_of[] = {kAsOf};
  const CalibrationOptions o;
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  // Both pairs are found (the numeric attribute second).
  const auto has_pair = [&](const std::string& name) {
    return std::find(rep.interactions.begin(), rep.interactions.end(), name) !=
           rep.interactions.end();
  };
  EXPECT_TRUE(has_pair("c x m")) << to_text(rep);
  EXPECT_TRUE(has_pair("g x h")) << to_text(rep);
  // The noise attributes get no rule, on their own or in a pair.
  for (const auto& rule : r->config.rules) {
    EXPECT_EQ(rule.id.find("n1"), std::string::npos) << rule.id;
    EXPECT_EQ(rule.id.find("n2"), std::string::npos) << rule.id;
    EXPECT_EQ(rule.id.find("n3"), std::string::npos) << rule.id;
  }
  for (const auto& x : rep.interactions) EXPECT_EQ(x.find('n'), std::string::npos) << x;
  // The search tried them and left them out; a is in as an attribute.
  bool a_selected = false;
  for (const InteractionStep& step : rep.interaction_search) {
    if (step.b.empty() && step.a == "a") a_selected = step.selected;
    if (step.a.rfind("n", 0) == 0 || step.b.rfind("n", 0) == 0) {
      EXPECT_FALSE(step.selected) << step.a << " " << step.b;
    }
  }
  EXPECT_TRUE(a_selected) << to_text(rep);
  // Without the selection, every candidate is in the regression and the
  // noise attributes earn rules (L2 alone does not round them all to 0).
  CalibrationOptions all = o;
  all.select_candidates = false;
  all.auto_interactions = 0;
  Result<Calibration> every = calibrate(c, d.leads, d.y(), as_of, all);
  ASSERT_TRUE(every.ok());
  std::size_t noise_rules = 0;
  for (const auto& rule : every->config.rules) noise_rules += rule.id.rfind("cal.n", 0) == 0;
  EXPECT_GT(noise_rules, 0u);
}

TEST(Calibrate, BoostingFitsThePairsAndGivesNoiseNoRule) {
  // The same synthetic history with the weights fitted by cyclic boosting:
  // both pairs in the model, no noise rule, a holdout AUC close to IRLS's,
  // and the same configuration byte for byte whatever the threads.
  const Config c;
  const Data d = synthetic_pairs_and_noise(10000, 5);
  const Instant as_of[] = {kAsOf};
  CalibrationOptions o;
  o.fit = CalibrationFit::boosting;
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  EXPECT_EQ(rep.fit, "boosting");
  EXPECT_GT(rep.boosting_rounds, 0u);
  EXPECT_LE(rep.boosting_rounds, 200u);
  EXPECT_EQ(static_cast<std::size_t>(rep.iterations), rep.boosting_rounds);
  const auto has_pair = [&](const std::string& name) {
    return std::find(rep.interactions.begin(), rep.interactions.end(), name) !=
           rep.interactions.end();
  };
  EXPECT_TRUE(has_pair("c x m")) << to_text(rep);
  EXPECT_TRUE(has_pair("g x h")) << to_text(rep);
  std::size_t pair_rules = 0;
  for (const auto& rule : r->config.rules) {
    EXPECT_EQ(rule.id.find("cal.n"), std::string::npos) << rule.id;
    pair_rules += rule.id.rfind("cal.c.", 0) == 0 && rule.id.find(".m.") != std::string::npos;
  }
  EXPECT_GT(pair_rules, 0u) << to_json_text(r->config);
  o.fit = CalibrationFit::irls;
  Result<Calibration> irls = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(irls.ok());
  EXPECT_EQ(irls->report.fit, "irls");
  EXPECT_NEAR(rep.calibrated_holdout.auc, irls->report.calibrated_holdout.auc, 0.01);
  o.fit = CalibrationFit::boosting;
  o.threads = 3;
  Result<Calibration> threaded = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(threaded.ok());
  EXPECT_EQ(to_json_text(threaded->config), to_json_text(r->config));
  // automatic: both cross-validated, the figures reported, boosting kept
  // only when significantly better.
  o.fit = CalibrationFit::automatic;
  Result<Calibration> automatic = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(automatic.ok());
  const CalibrationReport& a = automatic->report;
  EXPECT_GT(a.cv_log_loss_irls, 0);
  EXPECT_GT(a.cv_log_loss_boosting, 0);
  EXPECT_EQ(a.fit,
            a.boosting_z >= 2 && a.cv_log_loss_boosting < a.cv_log_loss_irls ? "boosting" : "irls");
  EXPECT_NE(to_text(a).find("fit: " + a.fit), std::string::npos) << to_text(a);
}

TEST(Calibrate, NoPointsForAValueSupportedOnlyByItsOpposite) {
  // Every lead has "search"; only 9 have search = true, and they all
  // convert. "search eq true" lacks support (9 < 30), so "search eq false"
  // would carry their effect: it holds for every lead but those 9, and its
  // points would only say what the 9 do. Neither value gets a rule, with or
  // without the attribute selection.
  Data d = synthetic(4000, 21);
  for (std::size_t i = 0; i < d.size; ++i) {
    const bool searched = i % 400 == 7 && i < 3600;  // 9 leads
    d.leads[i].attributes["search"] = searched;
    if (searched) d.outcomes[i] = true;
  }
  const Instant as_of[] = {kAsOf};
  for (const bool select : {true, false}) {
    CalibrationOptions o;
    o.select_candidates = select;
    o.auto_interactions = 0;
    Result<Calibration> r = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
    ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
    for (const Rule& rule : r->config.rules)
      EXPECT_EQ(rule.id.find("cal.search"), std::string::npos) << rule.id << " " << rule.points;
    for (const LearnedRule& lr : r->report.rules) {
      if (lr.rule_id.find("cal.search") != std::string::npos) {
        EXPECT_EQ(lr.points, 0) << lr.rule_id;
      }
    }
  }
}

TEST(Calibrate, NestedRulesReadAsTheirOwnEffect) {
  // A hand rule "pq" (c is p or q) and the candidate values of c: cal.c.p
  // and cal.c.q split its leads exactly, so the regression alone could
  // share their effect with "pq" in any proportion (the hand rule flipping
  // sign against its sub-rules). Nested, "pq" carries the average of its
  // leads and each value its difference: their support-weighted points add
  // up to 0 (up to rounding), and the report names the nesting.
  Config c;
  c.scores.fit.max = 100;
  c.add(Rule::fit("a", cond::field("attributes.a").eq(true), 10));
  c.add(Rule::fit(
      "pq", cond::any({cond::field("attributes.c").eq("p"), cond::field("attributes.c").eq("q")}),
      -15));
  const Data d = synthetic(6000, 17);
  CalibrationOptions o;
  o.auto_interactions = 0;
  const Instant as_of[] = {kAsOf};
  for (const CalibrationFit fit : {CalibrationFit::irls, CalibrationFit::boosting}) {
    o.fit = fit;
    Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
    ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
    const LearnedRule& pq = learned(r->report, "pq");
    const LearnedRule& p = learned(r->report, "cal.c.p");
    const LearnedRule& q = learned(r->report, "cal.c.q");
    const double support = static_cast<double>(p.support + q.support);
    EXPECT_EQ(p.support + q.support, pq.support);
    // True effects: p +2.0, q +0.5 log-odds: the profile's average is
    // positive, p above it, q below it.
    EXPECT_GT(pq.points, 0) << to_text(r->report);
    EXPECT_GT(p.points, 0) << to_text(r->report);
    EXPECT_LT(q.points, 0) << to_text(r->report);
    EXPECT_LE(std::fabs(static_cast<double>(p.support) * p.points +
                        static_cast<double>(q.support) * q.points),
              0.5 * support)
        << to_text(r->report);
    ASSERT_EQ(r->report.nested.size(), 1u) << to_text(r->report);
    EXPECT_EQ(r->report.nested[0].rfind("pq (", 0), 0u) << r->report.nested[0];
    EXPECT_NE(to_text(r->report).find("nested rules"), std::string::npos);
  }
}

TEST(Calibrate, RulesWithoutEvidenceKeepTheirPoints) {
  // No lead has an event or the "source_page" attribute: the history says
  // nothing about these rules, so they keep their points, marked.
  Config c = synthetic_config();
  Rule meeting = Rule::behavior("meeting_booked", {"meeting_booked"}, 30);
  meeting.max_points = 60;
  c.add(std::move(meeting));
  c.add(Rule::engagement("pricing_page", cond::field("attributes.source_page").eq("pricing"), 12));
  c.add(Rule::fit("unsubscribed", cond::field("attributes.unsubscribed").eq(true), -20));
  const Data d = synthetic(4000, 9);
  CalibrationOptions o;
  o.auto_candidates = false;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  for (const char* id : {"meeting_booked", "pricing_page", "unsubscribed"}) {
    const auto it = std::find_if(r->config.rules.begin(), r->config.rules.end(),
                                 [&](const Rule& rule) { return rule.id == id; });
    ASSERT_NE(it, r->config.rules.end()) << id;
    const auto original = std::find_if(c.rules.begin(), c.rules.end(),
                                       [&](const Rule& rule) { return rule.id == id; });
    EXPECT_EQ(*it, *original) << id;
    EXPECT_TRUE(learned(r->report, id).no_evidence) << id;
    EXPECT_EQ(learned(r->report, id).points, original->points) << id;
  }
  EXPECT_FALSE(learned(r->report, "a").no_evidence);
  EXPECT_EQ(r->report.rules_kept, 3u);
  EXPECT_NE(to_text(r->report).find("kept: no evidence"), std::string::npos);
}

TEST(Calibrate, MaxRulesKeepsTheStrongestRules) {
  const Data d = synthetic(4000, 13);
  CalibrationOptions o;
  o.bins = 4;
  o.auto_interactions = 0;
  const Instant as_of[] = {kAsOf};
  const auto scoring_rules = [](const Config& c) {
    return static_cast<std::size_t>(
        std::count_if(c.rules.begin(), c.rules.end(),
                      [](const Rule& r) { return r.kind != RuleKind::knockout; }));
  };
  Result<Calibration> full = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(full.ok()) << to_string(full.diagnostics());
  ASSERT_GT(scoring_rules(full->config), 2u);
  o.max_rules = 2;
  Result<Calibration> two = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(two.ok()) << to_string(two.diagnostics());
  EXPECT_LE(scoring_rules(two->config), 2u) << to_json_text(two->config);
  // The two strongest effects of the true model (c = p: 2.0, a: 1.0) stay.
  std::set<std::string> ids;
  for (const Rule& r : two->config.rules) ids.insert(r.id);
  EXPECT_TRUE(ids.count("p")) << to_json_text(two->config);
  EXPECT_TRUE(ids.count("a")) << to_json_text(two->config);
  EXPECT_GT(two->report.calibrated_holdout.auc, 0.68);
  // The report shows the AUC against the model size: the model first (its
  // rule count and its holdout AUC), then smaller refitted models (here
  // with every candidate in the regression: more rules).
  o.max_rules = 120;
  o.select_candidates = false;
  Result<Calibration> every = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(every.ok()) << to_string(every.diagnostics());
  const std::vector<ModelSize>& sizes = every->report.model_sizes;
  ASSERT_GE(sizes.size(), 2u) << to_text(every->report);
  EXPECT_EQ(sizes[0].rules, scoring_rules(every->config));
  EXPECT_DOUBLE_EQ(sizes[0].holdout_auc, every->report.calibrated_holdout.auc);
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    EXPECT_LE(sizes[i].rules, sizes[i - 1].rules / 2);
    EXPECT_GT(sizes[i].holdout_auc, 0.5);
  }
  EXPECT_NE(to_text(every->report).find("ROC AUC against model size"), std::string::npos);
  EXPECT_NE(to_json_text(every->report).find("\"model_sizes\""), std::string::npos);
}

TEST(Calibrate, WarnsAboutLeakageAndEmptyStages) {
  // "result" is written after the outcome (the label under another name);
  // the stage "hot" needs more points than any lead can have.
  Data d = synthetic(3000, 17);
  for (std::size_t i = 0; i < d.size; ++i)
    d.leads[i].attributes["result"] = std::string(d.outcomes[i] ? "won" : "lost");
  Config c = synthetic_config();
  Stage hot;
  hot.name = "hot";
  hot.when = cond::field("score.total").gte(100000);
  c.stages.insert(c.stages.begin(), hot);
  CalibrationOptions o;
  o.auto_interactions = 0;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const std::vector<std::string>& w = r->report.warnings;
  const auto mentions = [&](const std::string& text) {
    return std::any_of(w.begin(), w.end(),
                       [&](const std::string& s) { return s.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(mentions("attribute 'result' is almost a function of the outcome"))
      << to_text(r->report);
  EXPECT_FALSE(mentions("attribute 'c'"));
  EXPECT_FALSE(mentions("attribute 'n'"));
  EXPECT_TRUE(mentions("stage 'hot' selects no training lead")) << to_text(r->report);
  EXPECT_FALSE(mentions("stage 'SQL'"));
  EXPECT_NE(to_text(r->report).find("warnings:"), std::string::npos);
}

TEST(Calibrate, StageSharesPlaceAndApplyThresholdsFromAnyStart) {
  // Stages but no rules: every original total is 0, so keeping each stage's
  // training volume leaves SQL empty; shares place the thresholds instead.
  Config c;
  Stage sql;
  sql.name = "SQL";
  sql.when = cond::field("score.total").gte(50);
  Stage mql;  // no score.total comparison: applying adds one
  mql.name = "MQL";
  c.stages = {sql, mql};
  const Data d = synthetic_pairs_and_noise(4000, 7);
  const Instant as_of[] = {kAsOf};
  CalibrationOptions o;
  o.stage_shares = {{"SQL", 0.2}, {"MQL", 0.3}};
  const auto share_of = [](const CalibrationReport& rep, const std::string& stage) {
    std::size_t leads = 0, in = 0;
    for (const StageRow& s : rep.calibrated_training.stages) {
      leads += s.leads;
      if (s.stage == stage) in = s.leads;
    }
    return static_cast<double>(in) / static_cast<double>(leads);
  };
  // Reported, not applied: SQL still selects no training lead.
  Result<Calibration> reported = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(reported.ok()) << to_string(reported.diagnostics());
  EXPECT_EQ(share_of(reported->report, "SQL"), 0.0);
  const std::vector<ThresholdRecommendation>& t = reported->report.thresholds;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].goal, "stage SQL: share 0.2");
  EXPECT_GE(t[0].volume_share, 0.2);
  EXPECT_LT(t[0].volume_share, 0.25);
  ASSERT_TRUE(t[0].holdout.has_value());
  EXPECT_GT(t[0].holdout->volume, 0u);
  EXPECT_GE(t[1].volume_share, 0.3);
  // Applied: the stages select their shares of the training leads (ties
  // kept together: at least the share, never much more).
  o.apply_thresholds = true;
  Result<Calibration> applied = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(applied.ok()) << to_string(applied.diagnostics());
  const CalibrationReport& rep = applied->report;
  const double sql_share = share_of(rep, "SQL");
  EXPECT_GE(sql_share, 0.2) << to_text(rep);
  EXPECT_LT(sql_share, 0.25) << to_text(rep);
  const double both = sql_share + share_of(rep, "MQL");
  EXPECT_GE(both, 0.3) << to_text(rep);
  EXPECT_LT(both, 0.35) << to_text(rep);
  EXPECT_EQ(applied->config.stages[0].when.op, Op::gte);
  EXPECT_EQ(std::get<double>(applied->config.stages[0].when.value), t[0].threshold);
  for (const std::string& w : rep.warnings) EXPECT_EQ(w.find("selects no"), std::string::npos) << w;
  // An unknown stage or a share outside (0, 1] is an error.
  o.stage_shares = {{"hot", 0.1}};
  EXPECT_FALSE(calibrate(c, d.leads, d.y(), as_of, o).ok());
  o.stage_shares = {{"SQL", 0.0}};
  EXPECT_FALSE(calibrate(c, d.leads, d.y(), as_of, o).ok());
}

TEST(Calibrate, StagePrecisionsPlaceAndApplyThresholds) {
  // Stages but no rules; SQL by target precision: its threshold is the
  // lowest total whose training leads at or above it convert at 60% at
  // least, and MQL takes 40% of the leads.
  Config c;
  Stage sql;
  sql.name = "SQL";
  sql.when = cond::field("score.total").gte(50);
  Stage mql;
  mql.name = "MQL";
  c.stages = {sql, mql};
  const Data d = synthetic_pairs_and_noise(4000, 7);
  const Instant as_of[] = {kAsOf};
  CalibrationOptions o;
  o.stage_precisions = {{"SQL", 0.6}};
  o.stage_shares = {{"MQL", 0.4}};
  o.apply_thresholds = true;
  Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  const std::vector<ThresholdRecommendation>& t = rep.thresholds;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].goal, "stage MQL: share 0.4");
  EXPECT_EQ(t[1].goal, "stage SQL: precision 0.6");
  ASSERT_TRUE(t[1].reachable);
  EXPECT_GE(t[1].expected_conversion, 0.6);
  ASSERT_TRUE(t[1].holdout.has_value());
  // The lowest such threshold: one total lower converts below 60% (or
  // there is none lower).
  EXPECT_EQ(std::get<double>(r->config.stages[0].when.value), t[1].threshold);
  const StageRow* row = nullptr;
  for (const StageRow& s : rep.calibrated_training.stages) {
    if (s.stage == "SQL") row = &s;
  }
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->leads, t[1].volume) << to_text(rep);
  EXPECT_GE(static_cast<double>(row->positives) / static_cast<double>(row->leads), 0.6);
  EXPECT_NE(to_text(rep).find("SQL (precision 0.6)"), std::string::npos) << to_text(rep);
  // An unknown stage or a precision outside (0, 1] is an error.
  o.stage_precisions = {{"hot", 0.5}};
  EXPECT_FALSE(calibrate(c, d.leads, d.y(), as_of, o).ok());
  o.stage_precisions = {{"SQL", 1.5}};
  EXPECT_FALSE(calibrate(c, d.leads, d.y(), as_of, o).ok());
}

TEST(Calibrate, StandardLeadFieldsAreCandidates) {
  // The outcome depends on the source and the company size, standard lead
  // fields (a CSV column mapped to `source` is one): they get rules; the
  // origin, the same for every lead, does not.
  const Data d = draw_leads(6000, 11, [](Lead& l, Lcg& rng) {
    const bool web = rng.uniform() < 0.5;
    l.source = std::string(web ? "web" : "event");
    l.origin = Origin::inbound;
    const double employees = std::floor(rng.uniform() * 1000);
    l.company.employees = employees;
    return -2.0 + (web ? 1.5 : 0.0) + (employees >= 500 ? 1.0 : 0.0);
  });
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(Config{}, d.leads, d.y(), as_of, CalibrationOptions{});
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  bool source = false, employees = false;
  for (const auto& rule : r->config.rules) {
    source = source || rule.when.field == "source";
    employees = employees || rule.id.rfind("cal.company.employees", 0) == 0;
    EXPECT_NE(rule.when.field, "origin") << rule.id;
  }
  EXPECT_TRUE(source) << to_text(r->report);
  EXPECT_TRUE(employees) << to_text(r->report);
}

TEST(Calibrate, IsDeterministicWhateverTheThreads) {
  const Data d = synthetic(6000, 3);
  CalibrationOptions o;
  o.interactions = {{"c", "n"}};
  const Instant as_of[] = {kAsOf};
  Result<Calibration> a = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  o.threads = 3;
  Result<Calibration> b = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(a.ok()) << to_string(a.diagnostics());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_json_text(a->config), to_json_text(b->config));
  EXPECT_EQ(to_json_text(a->report), to_json_text(b->report));
  // And the calibrated configuration round-trips through JSON.
  Result<Config> parsed = parse_config(to_json_text(a->config));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, a->config);
}

TEST(Calibrate, ReportsErrorsInsteadOfCalibrating) {
  const Data d = synthetic(100, 1);
  const Instant as_of[] = {kAsOf};
  std::unique_ptr<bool[]> zeros(new bool[100]());
  Result<Calibration> r =
      calibrate(synthetic_config(), d.leads, std::span<const bool>(zeros.get(), 100), as_of);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().front().code, "calibration_error");
  Result<Calibration> mismatch =
      calibrate(synthetic_config(), d.leads, std::span<const bool>(zeros.get(), 50), as_of);
  ASSERT_FALSE(mismatch.ok());
  Config broken = synthetic_config();
  broken.rules[0].when.field = "attributes";
  EXPECT_FALSE(calibrate(broken, d.leads, d.y(), as_of).ok());
}

TEST(Calibrate, AucAndThresholdHelpers) {
  const double s[] = {1, 2, 3, 4};
  const bool y[] = {false, false, true, true};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 1.0);
  const bool y2[] = {true, false, true, false};
  EXPECT_DOUBLE_EQ(roc_auc(s, y2), 0.25);
  const double tied[] = {1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(tied, y), 0.5);
  const ThresholdRecommendation p = recommend_threshold_for_precision(s, y2, 0.5);
  EXPECT_EQ(p.threshold, 1);  // all four: 2/4 = 0.5
  EXPECT_EQ(p.volume, 4u);
  const ThresholdRecommendation hi = recommend_threshold_for_precision(s, y2, 0.9);
  EXPECT_EQ(hi.threshold, 3);  // 1/2 is the best it gets
  EXPECT_FALSE(hi.reachable);
  const ThresholdRecommendation top = recommend_threshold_for_capacity(s, y, 2);
  EXPECT_EQ(top.threshold, 3);
  EXPECT_DOUBLE_EQ(top.expected_conversion, 1.0);
}

TEST(Calibrate, ReportFormats) {
  const Data d = synthetic(4000, 5);
  CalibrationOptions o;
  o.target_precisions = {0.5};
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r = calibrate(synthetic_config(), d.leads, d.y(), as_of, o);
  ASSERT_TRUE(r.ok());
  const std::string text = to_text(r->report);
  EXPECT_NE(text.find("ROC AUC"), std::string::npos);
  EXPECT_NE(text.find("holdout"), std::string::npos);
  EXPECT_NE(text.find("precision >= 0.5"), std::string::npos);
  const std::string json = to_json_text(r->report);
  EXPECT_NE(json.find("\"calibrated_holdout\""), std::string::npos);
  const std::string html = to_html(r->report);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained, no network
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
}

TEST(Calibrate, LiftByDecile) {
  // Scores 1..20; converted: the four best (17..20) and the worst (1).
  std::vector<double> s;
  bool y[20];
  for (int i = 0; i < 20; ++i) {
    s.push_back(i + 1);
    y[i] = i >= 16 || i == 0;
  }
  const std::vector<DecileRow> rows = lift_by_decile(s, y);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0].leads, 2u);
  EXPECT_EQ(rows[0].max_total, 20);
  EXPECT_EQ(rows[0].min_total, 19);
  EXPECT_EQ(rows[0].positives, 2u);
  EXPECT_DOUBLE_EQ(rows[0].observed, 1.0);
  EXPECT_DOUBLE_EQ(rows[0].lift, 4.0);  // base rate 5/20
  EXPECT_EQ(rows[1].positives, 2u);
  EXPECT_EQ(rows[2].positives, 0u);
  EXPECT_DOUBLE_EQ(rows[2].lift, 0.0);
  EXPECT_EQ(rows[9].min_total, 1);
  EXPECT_EQ(rows[9].max_total, 2);
  EXPECT_DOUBLE_EQ(rows[9].observed, 0.5);
  EXPECT_DOUBLE_EQ(rows[9].lift, 2.0);
  for (const DecileRow& r : rows) EXPECT_EQ(r.predicted, 0);
  // Uneven sizes: decile d holds leads [d*n/10, (d+1)*n/10).
  const std::vector<DecileRow> twelve = lift_by_decile(std::span(s).first(12), y);
  ASSERT_EQ(twelve.size(), 10u);
  std::size_t total = 0;
  for (const DecileRow& r : twelve) total += r.leads;
  EXPECT_EQ(total, 12u);
  EXPECT_EQ(twelve[0].leads, 1u);
  EXPECT_EQ(twelve[4].leads, 2u);
  EXPECT_EQ(twelve[0].max_total, 12);
  // Ties keep input order: with equal scores the first lead is in decile 1.
  const double tied[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  const bool first_only[10] = {true};
  const std::vector<DecileRow> t = lift_by_decile(tied, first_only);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].positives, 1u);
  EXPECT_EQ(t[9].positives, 0u);
  // Fewer than 10 leads: no deciles.
  EXPECT_TRUE(lift_by_decile(std::span(s).first(9), y).empty());
}

TEST(Calibrate, ParseOutcomeReadsLabelTexts) {
  for (const char* t : {"yes", "YES", "Yes", "true", "TRUE", "True", "1", "y", "Y", "t", "T",
                        " yes", "yes ", "yes\r", "\tTrue \t", " 1 \r"}) {
    EXPECT_EQ(parse_outcome(t), std::optional<bool>(true)) << "'" << t << "'";
  }
  for (const char* t :
       {"no", "NO", "No", "false", "FALSE", "0", "n", "N", "f", "F", " no\r", "\t0", "False  "}) {
    EXPECT_EQ(parse_outcome(t), std::optional<bool>(false)) << "'" << t << "'";
  }
  // Anything else is no usable outcome (not "false").
  for (const char* t : {"", " ", "\r", "maybe", "2", "-1", "1.0", "00", "yes!", "ye", "yess", "oui",
                        "nope", "y e s", "\nyes", "yes\n", "\ryes", "\"yes\""}) {
    EXPECT_EQ(parse_outcome(t), std::nullopt) << "'" << t << "'";
  }
  EXPECT_EQ(parse_outcome(std::string_view("yes\0", 4)), std::nullopt);
}

TEST(Calibrate, OutcomeOfAnAttributeValue) {
  EXPECT_EQ(outcome_of(Value{std::string("Yes")}), std::optional<bool>(true));
  EXPECT_EQ(outcome_of(Value{std::string(" false\r")}), std::optional<bool>(false));
  EXPECT_EQ(outcome_of(Value{std::string("maybe")}), std::nullopt);
  EXPECT_EQ(outcome_of(Value{std::string()}), std::nullopt);
  EXPECT_EQ(outcome_of(Value{true}), std::optional<bool>(true));
  EXPECT_EQ(outcome_of(Value{false}), std::optional<bool>(false));
  EXPECT_EQ(outcome_of(Value{1.0}), std::optional<bool>(true));
  EXPECT_EQ(outcome_of(Value{2.5}), std::optional<bool>(true));
  EXPECT_EQ(outcome_of(Value{-1.0}), std::optional<bool>(true));
  EXPECT_EQ(outcome_of(Value{0.0}), std::optional<bool>(false));
  EXPECT_EQ(outcome_of(Value{-0.0}), std::optional<bool>(false));
  EXPECT_EQ(outcome_of(Value{std::vector<std::string>{"yes"}}), std::nullopt);
}

TEST(Calibrate, EscapeHtml) {
  EXPECT_EQ(escape_html(""), "");
  EXPECT_EQ(escape_html("plain text, caf\xc3\xa9"), "plain text, caf\xc3\xa9");
  EXPECT_EQ(escape_html("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'");
  EXPECT_EQ(escape_html("&amp;"), "&amp;amp;");  // escapes once more, never decodes
  // The calibration report's page escapes what it shows.
  CalibrationReport r;
  r.as_of = "<b>&\"";
  const std::string html = to_html(r);
  EXPECT_NE(html.find("As of &lt;b&gt;&amp;&quot;;"), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
}

// ---- rule_hits(): the features of each lead, from the engine ----------------

using calibration::SparseRow;

// Leads with events of every kind the behaviour rules treat specially: old
// and future ones, repeated ids, automated ones, campaigns (implied_by),
// pricing pages (where); each lead has its own as_of.
struct EventLeads {
  std::vector<Lead> leads;
  std::vector<Instant> as_of;
};

EventLeads event_leads(std::size_t n, std::uint64_t seed) {
  EventLeads d;
  Lcg rng{seed};
  const char* types[] = {"view", "open", "click", "download", "demo", "other"};
  const char* campaigns[] = {"c1", "c2", "c3"};
  for (std::size_t i = 0; i < n; ++i) {
    Lead l;
    l.id = std::to_string(i);
    l.attributes["a"] = rng.uniform() < 0.5;
    l.attributes["n"] = std::floor(rng.uniform() * 100);
    if (rng.uniform() < 0.7) l.contact.email = rng.uniform() < 0.5 ? "x@gmail.com" : "x@acme.com";
    const Instant as_of = kAsOf + std::chrono::hours(static_cast<int>(i % 200));
    const auto events = static_cast<std::size_t>(rng.uniform() * 25);
    for (std::size_t k = 0; k < events; ++k) {
      Event e;
      e.type = types[static_cast<std::size_t>(rng.uniform() * 6) % 6];
      const double days_before = rng.uniform() * 130 - 5;  // some after as_of
      e.at = as_of - std::chrono::milliseconds(static_cast<std::int64_t>(days_before * 86400000));
      if (rng.uniform() < 0.2) e.id = test::numbered("e", static_cast<int>(rng.uniform() * 8));
      e.automated = rng.uniform() < 0.05;
      e.properties.emplace_back(
          "campaign", std::string(campaigns[static_cast<std::size_t>(rng.uniform() * 3) % 3]));
      e.properties.emplace_back("url", std::string(rng.uniform() < 0.3 ? "/pricing" : "/home"));
      l.events.push_back(std::move(e));
    }
    d.leads.push_back(std::move(l));
    d.as_of.push_back(as_of);
  }
  return d;
}

// Feature rules of every kind (behaviour rules with points 1, as calibration
// evaluates them, and one with other points).
std::vector<Rule> event_feature_rules() {
  using cond::events;
  using cond::field;
  return {
      Rule::fit("a", field("attributes.a").eq(true), 1),
      Rule::fit("n_mid", field("attributes.n").between(20, 60), 1),
      Rule::fit("business", field("free_email").eq(false), 1),
      Rule::behavior("views", {"view"}, 1).cap(5).per_day(2).decay(30),
      Rule::behavior("pricing", {"view"}, 1).only_where(field("url").eq("/pricing")).within(60),
      Rule::engagement("demo_30d", events({"demo"}).within(30).count().gte(1), 1),
      Rule::behavior("opens", {"open"}, 1).implied({"click"}, "campaign"),
      Rule::behavior("opens_day", {"open"}, 1).implied({"click"}).decay(20),
      Rule::behavior("clicks", {"click"}, 1).cap(4).within(90).decay(45),
      Rule::engagement("active", events().within(60).distinct_days().gte(3), 1),
      Rule::behavior("anything", {}, 1).cap(50),
      Rule::behavior("downloads", {"download"}, 2.5).cap(7).per_day(1),
      Rule::engagement("quiet", field("days_since_last_activity").gte(10), 1),
      Rule::behavior("demo", {"demo"}, 1).per_day(1),
  };
}

// What the engine's explain() says each rule adds, as rule_hits() reports it.
SparseRow expected_hits(const Qualifier& q, const Lead& lead, Instant as_of, std::uint32_t first) {
  std::map<std::string, std::uint32_t> index;
  for (std::size_t k = 0; k < q.config().rules.size(); ++k)
    index[q.config().rules[k].id] = first + static_cast<std::uint32_t>(k);
  SparseRow row;
  for (const Contribution& c : q.explain(lead, as_of).contributions) {
    const double value = c.kind == RuleKind::behavior ? c.points : 1.0;
    if (value != 0) row.emplace_back(index.at(c.rule_id), value);
  }
  std::sort(row.begin(), row.end());
  return row;
}

TEST(RuleHits, AreWhatTheEngineComputesForEveryRuleKind) {
  const EventLeads d = event_leads(1500, 11);
  const std::vector<Rule> rules = event_feature_rules();
  Config config;
  config.rules = rules;
  const Qualifier q = Qualifier::build(config).value();
  constexpr std::uint32_t kFirst = 7;
  std::vector<SparseRow> one(d.leads.size(), SparseRow{{0, 42.0}});  // rows are appended to
  ASSERT_TRUE(calibration::rule_hits(config, rules, kFirst, d.leads, d.as_of, 1, one).empty());
  std::size_t behaviour_values = 0, condition_values = 0, fractional = 0;
  for (std::size_t i = 0; i < d.leads.size(); ++i) {
    SparseRow expected{{0, 42.0}};
    const SparseRow hits = expected_hits(q, d.leads[i], d.as_of[i], kFirst);
    expected.insert(expected.end(), hits.begin(), hits.end());
    ASSERT_EQ(one[i], expected) << "lead " << i;
    for (const auto& [j, v] : hits) {
      const bool behaviour = rules[j - kFirst].kind == RuleKind::behavior;
      ++(behaviour ? behaviour_values : condition_values);
      if (v != std::floor(v)) ++fractional;
    }
  }
  // Every kind of rule took part (decay gives fractional values).
  EXPECT_GT(behaviour_values, 1000u);
  EXPECT_GT(condition_values, 1000u);
  EXPECT_GT(fractional, 100u);
  // The same rows whatever the threads, with one instant for every lead too.
  std::vector<SparseRow> three(d.leads.size(), SparseRow{{0, 42.0}});
  ASSERT_TRUE(calibration::rule_hits(config, rules, kFirst, d.leads, d.as_of, 3, three).empty());
  EXPECT_EQ(one, three);
  const Instant single[] = {kAsOf};
  std::vector<SparseRow> a(d.leads.size()), b(d.leads.size());
  ASSERT_TRUE(calibration::rule_hits(config, rules, kFirst, d.leads, single, 1, a).empty());
  ASSERT_TRUE(calibration::rule_hits(config, rules, kFirst, d.leads, single, 0, b).empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[5], expected_hits(q, d.leads[5], kAsOf, kFirst));
}

TEST(RuleHits, MoreRulesThanOneConfigurationMayHold) {
  // 1,030 behaviour rules (the hard cap is 1,024 per configuration) and
  // 9,000 fit rules: 10,030 rules (Limits::max_rules is 10,000).
  std::vector<Rule> rules;
  for (int k = 0; k < 1030; ++k)
    rules.push_back(
        Rule::behavior("b" + std::to_string(k), {"t" + std::to_string(k % 5)}, 1).cap(k % 7 + 1));
  for (int k = 0; k < 9000; ++k)
    rules.push_back(Rule::fit("f" + std::to_string(k),
                              cond::field("attributes.n").eq(static_cast<double>(k % 100)), 1));
  ASSERT_GT(rules.size(), Limits{}.max_rules);
  std::vector<Lead> leads(12);
  for (std::size_t i = 0; i < leads.size(); ++i) {
    leads[i].attributes["n"] = static_cast<double>(i * 7 % 100);
    for (std::size_t e = 0; e < i; ++e) {
      Event ev;
      ev.type = "t" + std::to_string(i % 5);
      ev.at = kAsOf - std::chrono::hours(static_cast<int>(e + 1));
      leads[i].events.push_back(ev);
    }
  }
  const Instant as_of[] = {kAsOf};
  std::vector<SparseRow> rows(leads.size());
  ASSERT_TRUE(calibration::rule_hits(Config{}, rules, 0, leads, as_of, 1, rows).empty());
  for (std::size_t i = 0; i < leads.size(); ++i) {
    SparseRow expected;
    for (std::uint32_t k = 0; k < 1030; ++k) {
      const double cap = static_cast<double>(k % 7 + 1);
      if (i > 0 && k % 5 == i % 5) expected.emplace_back(k, std::min(cap, static_cast<double>(i)));
    }
    for (std::uint32_t k = 0; k < 9000; ++k) {
      if (k % 100 == i * 7 % 100) expected.emplace_back(1030 + k, 1.0);
    }
    EXPECT_EQ(rows[i], expected) << "lead " << i;
  }
}

TEST(RuleHits, ARuleTheEngineRejectsIsAnError) {
  const std::vector<Rule> rules = {Rule::fit("ok", cond::field("attributes.a").eq(true), 1),
                                   Rule::fit("bad", cond::field("no.such.field").eq(1.0), 1)};
  std::vector<Lead> leads(2);
  const Instant as_of[] = {kAsOf};
  std::vector<SparseRow> rows(2, SparseRow{{0, 1.0}});
  const std::vector<Diagnostic> errors =
      calibration::rule_hits(Config{}, rules, 1, leads, as_of, 1, rows);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message.rfind("calibration feature rule: ", 0), 0u) << errors[0].message;
  EXPECT_EQ(rows, std::vector<SparseRow>(2, SparseRow{{0, 1.0}}));
}

// ---------------------------------------------------------------------------
// The UCI Bank Marketing data, end to end.
// ---------------------------------------------------------------------------

std::filesystem::path source_dir() {
  if (const char* s = std::getenv("LEADSCORE_SOURCE_DIR")) return s;
#ifdef LEADSCORE_SOURCE_DIR
  return LEADSCORE_SOURCE_DIR;
#else
  return ".";
#endif
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Calibrate, BankMarketingHoldoutAuc) {
  const char* shared = std::getenv("LEADSCORE_SHARED_DIR");
  const std::filesystem::path csv =
      std::filesystem::path(shared ? shared : "../shared") / "data" / "bank-marketing.csv";
  if (!std::filesystem::exists(csv)) {
    GTEST_SKIP() << csv << " is absent (the shared data folder; set LEADSCORE_SHARED_DIR)";
  }
  const std::filesystem::path examples = source_dir() / "examples" / "data";
  Result<Mapping> mapping = parse_mapping(slurp(examples / "bank-marketing-calibration.map.json"));
  ASSERT_TRUE(mapping.ok()) << to_string(mapping.diagnostics());
  // The mapping leaves `duration` out: it leaks the outcome.
  for (const auto& f : mapping->fields) EXPECT_NE(f.column, "duration");
  Result<Config> config = parse_config(slurp(examples / "bank-marketing.config.json"));
  ASSERT_TRUE(config.ok()) << to_string(config.diagnostics());

  std::ifstream in(csv, std::ios::binary);
  CsvReader reader(in);
  Result<std::vector<std::string>> header = reader.read_header();
  ASSERT_TRUE(header.ok());
  Result<CsvLeadMapper> mapper = CsvLeadMapper::create(*mapping, *header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  const std::optional<std::size_t> y_column = mapper->column_index("y");
  ASSERT_TRUE(y_column.has_value());
  std::vector<Lead> leads;
  std::vector<char> outcomes;
  CsvRecord record;
  while (reader.next(record)) {
    Result<Lead> lead = mapper->map(record, kAsOf);
    ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
    leads.push_back(std::move(lead).value());
    outcomes.push_back(record.fields[*y_column] == "yes" ? 1 : 0);
  }
  ASSERT_GT(leads.size(), 45000u);
  std::unique_ptr<bool[]> y(new bool[outcomes.size()]);
  for (std::size_t i = 0; i < outcomes.size(); ++i) y[i] = outcomes[i] != 0;

  // 70/30 split by row index: rows with index mod 10 < 3 are the test set.
  // DEFAULT options otherwise (the holdout split is the default too): the
  // issue's target, holdout ROC AUC >= 0.78, with nothing chosen on the
  // holdout. On all 31,647 training rows; this is the heaviest test of the
  // suite (about 20 s of CPU in a Debug build), so it runs once, on two
  // threads (the results do not depend on them).
  CalibrationOptions o;
  EXPECT_EQ(o.holdout_every, 10u);
  EXPECT_EQ(o.holdout_below, 3u);
  o.target_precisions = {0.6};
  o.capacities = {2000};
  o.threads = 2;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r =
      calibrate(*config, leads, std::span<const bool>(y.get(), outcomes.size()), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  std::printf(
      "bank-marketing holdout ROC AUC, default options: original %.4f, calibrated %.4f (%zu "
      "training leads, %zu held out; interactions:",
      rep.original_holdout.auc, rep.calibrated_holdout.auc, rep.training_leads, rep.holdout_leads);
  for (const auto& x : rep.interactions) std::printf(" %s;", x.c_str());
  std::printf(" %zu rules added)\n", rep.rules_added);
  EXPECT_EQ(rep.training_leads, leads.size() - rep.holdout_leads);
  EXPECT_EQ(rep.holdout_leads,
            (leads.size() / 10) * 3 + std::min<std::size_t>(leads.size() % 10, 3));
  EXPECT_GT(rep.original_holdout.auc, 0.70);
  EXPECT_GE(rep.calibrated_holdout.auc, 0.78);
  EXPECT_GT(rep.calibrated_holdout.auc, rep.original_holdout.auc + 0.03);
  // The default found the campaign-date interaction (month x day) on the
  // training leads.
  ASSERT_FALSE(rep.interactions.empty());
  EXPECT_EQ(rep.interactions[0], "month x day");
  EXPECT_LE(rep.interactions.size(), o.auto_interactions);
  EXPECT_EQ(rep.interactions_explained.size(), rep.interactions.size());
  // A term the refit does not confirm is taken out and the search goes on
  // with the others (on this data: education, then job and the pairs).
  std::size_t not_confirmed = 0;
  for (std::size_t k = 0; k < rep.interaction_search.size(); ++k) {
    if (rep.interaction_search[k].note != "not confirmed by the refit") continue;
    ++not_confirmed;
    EXPECT_LT(k + 1, rep.interaction_search.size()) << to_text(rep);
  }
  EXPECT_GT(not_confirmed, 0u) << to_text(rep);
  // Still a readable list of integer-point rules that builds, of at most
  // max_rules (default 120) scoring rules.
  EXPECT_TRUE(Qualifier::build(r->config).ok());
  EXPECT_LE(std::count_if(r->config.rules.begin(), r->config.rules.end(),
                          [](const Rule& rule) { return rule.kind != RuleKind::knockout; }),
            120);
  for (const auto& rule : r->config.rules)
    EXPECT_EQ(rule.points, std::round(rule.points)) << rule.id;
  // The best decile converts far above the base rate.
  ASSERT_EQ(rep.calibrated_holdout.deciles.size(), 10u);
  EXPECT_GT(rep.calibrated_holdout.deciles[0].lift, 3.5);
  // Thresholds: chosen on the training leads, measured on the holdout; the
  // holdout estimate is within a few points of the training figure.
  ASSERT_EQ(rep.thresholds.size(), 2u);
  for (const ThresholdRecommendation& t : rep.thresholds) {
    ASSERT_TRUE(t.holdout.has_value()) << t.goal;
    EXPECT_EQ(t.holdout->leads, rep.holdout_leads);
    EXPECT_GT(t.holdout->volume, 0u);
    EXPECT_NEAR(t.holdout->conversion, t.expected_conversion, 0.06) << t.goal;
    EXPECT_NEAR(t.holdout->volume_share, t.volume_share, 0.02) << t.goal;
  }
  EXPECT_TRUE(rep.thresholds[0].reachable);
  EXPECT_GE(rep.thresholds[0].expected_conversion, 0.6);
  EXPECT_GE(rep.thresholds[1].volume, 2000u);
  const std::string text = to_text(rep);
  EXPECT_NE(text.find("chosen on the training leads"), std::string::npos);
  // Suggestions: at most the default cap, ranked by lift, with support.
  EXPECT_LE(rep.suggestions.size(), 25u);
  EXPECT_GE(rep.suggestions_found, rep.suggestions.size());
  for (std::size_t k = 0; k < rep.suggestions.size(); ++k) {
    EXPECT_GE(rep.suggestions[k].support, o.min_support);
    if (k > 0) {
      EXPECT_GE(rep.suggestions[k - 1].lift, rep.suggestions[k].lift);
    }
  }
}

TEST(Calibrate, NoiseAttributesGetNoRuleWhateverTheSeed) {
  // The attribute threshold (attribute_min_z, lower than the pairs') holds
  // on many draws: over seeds 1 to 40 the best refit z of a noise attribute
  // was 1.29 (seed 16), below the default 1.5.
  const Config c;
  const Instant as_of[] = {kAsOf};
  CalibrationOptions o;
  o.auto_interactions = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    const Data d = synthetic_pairs_and_noise(10000, seed);
    Result<Calibration> r = calibrate(c, d.leads, d.y(), as_of, o);
    ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
    for (const auto& rule : r->config.rules) {
      EXPECT_NE(rule.id.rfind("cal.n", 0), 0u) << "seed " << seed << ": " << rule.id;
    }
    bool a_selected = false;
    for (const InteractionStep& step : r->report.interaction_search)
      a_selected = a_selected || (step.a == "a" && step.selected);
    EXPECT_TRUE(a_selected) << "seed " << seed;
  }
}

}  // namespace
}  // namespace leadscore
