// Tests of calibration (leadscore/calibrate.hpp): weights recovered from
// synthetic outcomes drawn from known weights, recovered thresholds,
// determinism, the report formats, and the real UCI Bank Marketing data end
// to end (holdout ROC AUC).
#include "leadscore/calibrate.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

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
  // (L2): compare differences.
  const double wa = learned(rep, "a").weight - learned(rep, "cal.a.false").weight;
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
  CalibrationOptions o;
  o.holdout_every = 10;
  o.holdout_below = 3;
  o.l2 = 5;
  o.interactions = {{"month", "day"}};
  o.target_precisions = {0.6};
  o.threads = 2;
  // Debug builds: train on every third training row (the docs figure uses all).
  o.train_stride = 3;
  const Instant as_of[] = {kAsOf};
  Result<Calibration> r =
      calibrate(*config, leads, std::span<const bool>(y.get(), outcomes.size()), as_of, o);
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  const CalibrationReport& rep = r->report;
  std::printf(
      "bank-marketing holdout ROC AUC: original %.4f, calibrated %.4f (%zu training leads, %zu "
      "held out)\n",
      rep.original_holdout.auc, rep.calibrated_holdout.auc, rep.training_leads, rep.holdout_leads);
  EXPECT_EQ(rep.holdout_leads,
            (leads.size() / 10) * 3 + std::min<std::size_t>(leads.size() % 10, 3));
  EXPECT_GT(rep.original_holdout.auc, 0.70);
  EXPECT_GE(rep.calibrated_holdout.auc, 0.78);
  EXPECT_GT(rep.calibrated_holdout.auc, rep.original_holdout.auc + 0.02);
  // Still a readable list of integer-point rules that builds.
  EXPECT_TRUE(Qualifier::build(r->config).ok());
  for (const auto& rule : r->config.rules)
    EXPECT_EQ(rule.points, std::round(rule.points)) << rule.id;
  // The best decile converts far above the base rate.
  ASSERT_EQ(rep.calibrated_holdout.deciles.size(), 10u);
  EXPECT_GT(rep.calibrated_holdout.deciles[0].lift, 3.5);
}

}  // namespace
}  // namespace leadscore
