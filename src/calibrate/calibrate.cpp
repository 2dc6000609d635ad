// calibrate(): rule points and stage thresholds learned from outcomes
// (leadscore/calibrate.hpp, docs/calibration.md), as a pipeline of steps.
// Each step lives in its own file of src/calibrate/: features (the
// configuration's rules, candidate rules and the feature matrix; rule_hits
// asks the engine which rules hold), interactions (the pair search),
// fitting (IRLS, the only file that sees Eigen), scaling (weights to
// integer points), thresholds (stage thresholds, recommendations), metrics,
// suggestions, and report (text, JSON, HTML).
#include "leadscore/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/qualifier.hpp"

#include "calibrate/boosting.hpp"
#include "calibrate/common.hpp"
#include "calibrate/features.hpp"
#include "calibrate/fitting.hpp"
#include "calibrate/interactions.hpp"
#include "calibrate/metrics.hpp"
#include "calibrate/nesting.hpp"
#include "calibrate/scaling.hpp"
#include "calibrate/suggestions.hpp"
#include "calibrate/thresholds.hpp"

namespace leadscore {
namespace calibration {
namespace {

// Every goal names a stage of the configuration, with a value in (0, 1].
void check_stage_goals(const Config& config,
                       const std::vector<std::pair<std::string, double>>& goals,
                       const std::string& option, const std::string& what,
                       std::vector<Diagnostic>& errors) {
  for (const auto& [stage, value] : goals) {
    const std::string& name = stage;  // clang 14 cannot capture a structured binding
    const bool known = std::any_of(config.stages.begin(), config.stages.end(),
                                   [&name](const Stage& s) { return s.name == name; });
    if (!known) errors.push_back(calibration_error(option + ": no stage named '" + stage + "'"));
    if (!(value > 0 && value <= 1))
      errors.push_back(
          calibration_error(option + ": the " + what + " of '" + stage + "' must be in (0, 1]"));
  }
}

std::vector<Diagnostic> check_inputs(const Config& config, std::size_t leads, std::size_t outcomes,
                                     std::size_t as_of, const CalibrationOptions& options) {
  std::vector<Diagnostic> errors;
  if (outcomes != leads) {
    errors.push_back(calibration_error("outcomes has " + std::to_string(outcomes) +
                                       " entries for " + std::to_string(leads) + " leads"));
  }
  if (as_of != 1 && as_of != leads) {
    errors.push_back(calibration_error("as_of needs one instant or one per lead"));
  }
  if (!(options.l2 >= 0) || !std::isfinite(options.l2))
    errors.push_back(calibration_error("l2 must be >= 0"));
  if (options.holdout_every == 0 || options.holdout_below >= options.holdout_every) {
    if (options.holdout_below != 0) {
      errors.push_back(calibration_error("holdout_below must be smaller than holdout_every"));
    }
  }
  check_stage_goals(config, options.stage_shares, "stage_shares", "share", errors);
  check_stage_goals(config, options.stage_precisions, "stage_precisions", "precision", errors);
  if (config.scores.weights.fit <= 0 || config.scores.weights.engagement <= 0) {
    errors.push_back(calibration_error("calibration needs positive score weights (scores.weights)",
                                       "/scores/weights"));
  }
  return errors;
}

// Lead i is held out when i % holdout_every < holdout_below; of the others,
// every train_stride-th is a training lead.
struct Split {
  std::vector<std::size_t> train, holdout;
  std::size_t train_positives = 0;
};

Split split_leads(std::span<const bool> outcomes, const CalibrationOptions& options) {
  Split split;
  std::size_t train_seen = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const bool held =
        options.holdout_below > 0 && (i % options.holdout_every) < options.holdout_below;
    if (held) {
      split.holdout.push_back(i);
    } else if (train_seen++ % std::max<std::size_t>(1, options.train_stride) == 0) {
      split.train.push_back(i);
    }
  }
  for (std::size_t i : split.train) split.train_positives += outcomes[i] ? 1u : 0u;
  return split;
}

std::vector<Qualification> qualify_subset(const Qualifier& q, std::span<const Lead> leads,
                                          const std::vector<std::size_t>& subset,
                                          std::span<const Instant> as_of, unsigned threads) {
  std::vector<Qualification> out(subset.size());
  parallel_for(subset.size(), threads, [&](std::size_t k) {
    const std::size_t i = subset[k];
    out[k] = q.qualify(leads[i], as_of_at(as_of, i));
  });
  return out;
}

std::vector<bool> outcomes_of(std::span<const bool> outcomes,
                              const std::vector<std::size_t>& subset) {
  std::vector<bool> y(subset.size());
  for (std::size_t k = 0; k < subset.size(); ++k) y[k] = outcomes[subset[k]];
  return y;
}

// The features of a calibration before the interaction search.
struct Training {
  FeatureSet set;
  FeatureMatrix matrix;
  Design design;
};

// The configuration's rules, the candidates and the given interactions,
// evaluated on every lead; support and duplicates counted on the training
// leads; the training design.
Result<Training> prepare_features(const Config& config, std::span<const Lead> leads,
                                  std::span<const bool> outcomes, std::span<const Instant> as_of,
                                  const std::vector<std::size_t>& train, const UsedNames& used,
                                  const CalibrationOptions& options) {
  std::vector<Diagnostic> errors;
  Training t;
  t.set = rule_features(config);
  add_candidates(t.set, candidate_attributes(options, leads, train, used.fields), leads, train,
                 options, errors);
  add_given_interactions(t.set, options, errors);
  if ((options.auto_interactions > 0 || options.select_candidates) && options.cv_folds < 2) {
    errors.push_back(calibration_error("cv_folds must be at least 2"));
  }
  if (!errors.empty()) return errors;

  t.matrix.rows.resize(leads.size());
  const std::size_t rules_end =
      t.set.crossed.empty() ? t.set.features.size() : t.set.crossed.front().first;
  if (auto ds =
          evaluate_rules(config, t.set, 0, rules_end, leads, as_of, options.threads, t.matrix);
      !ds.empty())
    return ds;
  for (const Interaction& x : t.set.crossed)
    evaluate_interaction(t.set, x, options.threads, t.matrix);
  classify(t.set, t.matrix, train, 0, options.min_support);

  t.design.y.resize(train.size());
  for (std::size_t k = 0; k < train.size(); ++k) t.design.y[k] = outcomes[train[k]] ? 1.0 : 0.0;
  build_design(t.set.features, t.matrix, train, t.design);
  return t;
}

// The fit of the weights (CalibrationOptions::fit): boosting with its
// rounds, or IRLS.
struct FitMethod {
  bool boosting = false;
  std::size_t rounds = 0;
};

// With CalibrationFit::automatic, boosting and IRLS are cross-validated on
// the training leads (the folds of the search); boosting is kept only when
// its log-loss is significantly lower (paired z >= kBoostingMinZ), else
// IRLS. The choice and the figures go to the report.
FitMethod choose_fit(const Training& t, const CalibrationOptions& options, CalibrationReport& rep) {
  FitMethod m;
  const bool can_cv = options.cv_folds >= 2 && t.design.rows.size() >= options.cv_folds;
  if (options.fit != CalibrationFit::irls && can_cv) {
    const auto folds = fold_rows(t.design.rows.size(), options.cv_folds);
    const BoostingChoice b =
        choose_rounds(t.design, column_terms(t.set.features, t.design), folds, options);
    rep.cv_log_loss_boosting = b.cv_log_loss;
    m.rounds = b.rounds;
    if (options.fit == CalibrationFit::automatic) {
      const CrossValidation irls = cross_validate(t.design, folds, options);
      rep.cv_log_loss_irls = irls.mean;
      std::vector<double> gain(irls.loss.size());
      for (std::size_t k = 0; k < gain.size(); ++k) gain[k] = irls.loss[k] - b.loss[k];
      double mean = 0;
      rep.boosting_z = paired_z(gain, mean);
      m.boosting = mean > 0 && rep.boosting_z >= kBoostingMinZ;
    } else {
      m.boosting = true;
    }
  } else if (options.fit == CalibrationFit::boosting) {
    m.boosting = true;
    m.rounds = kBoostingRounds;
  }
  rep.fit = m.boosting ? "boosting" : "irls";
  rep.boosting_rounds = m.boosting ? m.rounds : 0;
  return m;
}

// The final fit on all training leads and its integer points.
struct Learned {
  Fit fit;
  std::vector<double> weight;  // per feature (0: not in the design)
  double points_per_logit = 0;
  std::vector<double> points;  // per feature
  std::size_t pruned = 0;      // rules taken out for options.max_rules
  std::vector<Nesting> nestings;
};

Learned fit_points(const Config& config, const Training& t, const std::vector<std::size_t>& train,
                   const CalibrationOptions& options, const FitMethod& method) {
  Learned l;
  l.fit = method.boosting
              ? fit_boosting(t.design.rows, t.design.y, {}, t.design.active.size(),
                             column_terms(t.set.features, t.design), options.l2, method.rounds)
              : fit_logistic(t.design.rows, t.design.y, {}, t.design.active.size(), options.l2,
                             options.max_iterations, options.tolerance);
  l.weight.assign(t.set.features.size(), 0.0);
  for (std::size_t c = 0; c < t.design.active.size(); ++c)
    l.weight[t.design.active[c]] = l.fit.weights[c];
  l.nestings = find_nestings(t.set.features, t.design);
  center_nestings(l.nestings, t.set.features, l.weight);
  l.points_per_logit =
      points_per_logit(t.set.features, l.weight, t.matrix.rows, train, config, options);
  l.points = integer_points(t.set.features, l.weight, l.points_per_logit, config.scores.weights);
  return l;
}

// Rules of the fitted model: features with non-zero points (rules kept for
// lack of evidence are not counted).
std::size_t rule_count(const Training& t, const Learned& l) {
  std::size_t n = 0;
  for (std::size_t j = 0; j < t.set.features.size(); ++j)
    n += t.set.features[j].active && t.set.features[j].support > 0 && l.points[j] != 0;
  return n;
}

// Takes out of the design every feature that earned 0 points and the
// `count` weakest rules: the smallest w^2 * sum(mu (1 - mu) x^2) (the
// log-likelihood the weight is worth, to second order); ties to the later
// feature.
std::size_t prune_weakest(Training& t, const Learned& l, std::size_t count) {
  std::vector<double> curvature(t.design.active.size(), 0.0);
  for (const SparseRow& row : t.design.rows) {
    const double mu = sigmoid(linear_predictor(l.fit, row));
    for (const auto& [c, v] : row) curvature[c] += mu * (1 - mu) * v * v;
  }
  std::vector<std::pair<double, std::size_t>> rules;
  for (std::size_t c = 0; c < t.design.active.size(); ++c) {
    const std::size_t j = t.design.active[c];
    if (t.set.features[j].support == 0) continue;
    if (l.points[j] == 0) {
      t.set.features[j].active = false;
    } else {
      rules.emplace_back(l.weight[j] * l.weight[j] * curvature[c], t.set.features.size() - j);
    }
  }
  std::sort(rules.begin(), rules.end());
  const std::size_t pruned = std::min(count, rules.size());
  for (std::size_t r = 0; r < pruned; ++r)
    t.set.features[t.set.features.size() - rules[r].second].active = false;
  return pruned;
}

// The final fit; with options.max_rules, the weakest rules are taken out
// (half the excess at a time, refitting in between) until at most
// max_rules remain.
// Takes the weakest rules out (half the excess at a time, refitting in
// between) until at most `limit` remain.
void prune_to(const Config& config, Training& t, const std::vector<std::size_t>& train,
              const CalibrationOptions& options, const FitMethod& method, std::size_t limit,
              Learned& l) {
  for (std::size_t n = rule_count(t, l); limit > 0 && n > limit; n = rule_count(t, l)) {
    const std::size_t pruned = l.pruned + prune_weakest(t, l, (n - limit + 1) / 2);
    build_design(t.set.features, t.matrix, train, t.design);
    l = fit_points(config, t, train, options, method);
    l.pruned = pruned;
  }
}

Learned learn_points(const Config& config, Training& t, const std::vector<std::size_t>& train,
                     const CalibrationOptions& options, const FitMethod& method) {
  Learned l = fit_points(config, t, train, options, method);
  prune_to(config, t, train, options, method, options.max_rules, l);
  return l;
}

// The ROC AUC of the model's points (as the engine scores them) on the
// training leads and on the holdout.
ModelSize measure_size(const Config& config, const Training& t, const Learned& l,
                       std::span<const Lead> leads, std::span<const bool> outcomes,
                       std::span<const Instant> as_of, const Split& split,
                       const CalibrationOptions& options) {
  ModelSize m;
  m.rules = rule_count(t, l);
  Config c = config;
  calibrated_rules(config, t.set, l.points, c);
  widen_bounds(t.set.features, l.weight, l.points_per_logit, c);
  const Result<Qualifier> q = Qualifier::build(c);
  if (!q) return m;
  const auto auc = [&](const std::vector<std::size_t>& subset) {
    const std::vector<Qualification> qs = qualify_subset(*q, leads, subset, as_of, options.threads);
    std::vector<double> scores(qs.size());
    for (std::size_t k = 0; k < qs.size(); ++k) scores[k] = qs[k].total;
    const std::vector<bool> y = outcomes_of(outcomes, subset);
    const std::unique_ptr<bool[]> yb = bool_array(y);
    return roc_auc(scores, std::span<const bool>(yb.get(), y.size()));
  };
  m.training_auc = auc(split.train);
  if (!split.holdout.empty()) m.holdout_auc = auc(split.holdout);
  return m;
}

// AUC against model size: the model, then smaller ones (half the rules
// each time, down to 2), each refitted after taking out the weakest rules.
// The model itself is left as it was.
std::vector<ModelSize> size_curve(const Config& config, Training& t, const Learned& final_model,
                                  std::span<const Lead> leads, std::span<const bool> outcomes,
                                  std::span<const Instant> as_of, const Split& split,
                                  const CalibrationOptions& options, const FitMethod& method) {
  std::vector<ModelSize> out{
      measure_size(config, t, final_model, leads, outcomes, as_of, split, options)};
  std::vector<bool> active(t.set.features.size());
  for (std::size_t j = 0; j < active.size(); ++j) active[j] = t.set.features[j].active;
  Learned l = final_model;
  for (std::size_t limit = out.front().rules / 2; limit >= 2; limit /= 2) {
    prune_to(config, t, split.train, options, method, limit, l);
    out.push_back(measure_size(config, t, l, leads, outcomes, as_of, split, options));
  }
  for (std::size_t j = 0; j < active.size(); ++j) t.set.features[j].active = active[j];
  build_design(t.set.features, t.matrix, split.train, t.design);
  return out;
}

// Stage thresholds of `out` mapped by quantile on the training leads
// (train_original: the original configuration's results on them).
std::vector<Diagnostic> map_stages(const std::vector<Qualification>& train_original,
                                   std::span<const Lead> leads, std::span<const bool> outcomes,
                                   std::span<const Instant> as_of,
                                   const std::vector<std::size_t>& train,
                                   const CalibrationOptions& options, Config& out,
                                   std::vector<std::string>& changes) {
  Result<Qualifier> first = Qualifier::build(out);
  if (!first) {
    std::vector<Diagnostic> ds = errors_of(first.diagnostics());
    for (auto& d : ds) d.message = "calibrated configuration: " + d.message;
    return ds;
  }
  const std::vector<Qualification> calibrated =
      qualify_subset(*first, leads, train, as_of, options.threads);
  map_stage_thresholds(train_original, calibrated, out, changes);
  if (options.apply_thresholds) {
    std::vector<double> totals;
    totals.reserve(calibrated.size());
    for (const Qualification& q : calibrated) totals.push_back(q.total);
    const std::vector<bool> y = outcomes_of(outcomes, train);
    const std::unique_ptr<bool[]> yb = bool_array(y);
    apply_stage_goals(stage_goals(totals, std::span<const bool>(yb.get(), y.size()), options), out,
                      changes);
  }
  return {};
}

// The nestings of the final model, for the report: "month_may (12 points):
// 9 rules of month x day nested, 3 merged (0 points): a, b, c".
void describe_nestings(const std::vector<Feature>& features, const Learned& l,
                       CalibrationReport& rep) {
  for (const Nesting& n : l.nestings) {
    std::string merged;
    std::size_t merged_count = 0;
    for (std::size_t j : n.inner) {
      if (l.points[j] != 0) continue;
      merged += (merged_count++ ? ", " : "") + features[j].rule_id;
    }
    const Feature& outer = features[n.outer];
    const std::string& group = features[n.inner.front()].group;
    const std::size_t star = group.find('*');
    const std::string source = star == std::string::npos
                                   ? attribute_name(group)
                                   : attribute_name(group.substr(0, star)) + " x " +
                                         attribute_name(group.substr(star + 1));
    std::string line = outer.rule_id + " (" + fmt(l.points[n.outer]) +
                       " points, the average of its leads): " + std::to_string(n.inner.size()) +
                       " rules of " + source + " nested, each with its difference";
    if (merged_count > 0)
      line +=
          "; " + std::to_string(merged_count) + " merged into it (difference 0 points): " + merged;
    rep.nested.push_back(std::move(line));
  }
}

// Why each pair is in the model and what it became: "month x day: chosen
// by the search (73 cells, 5-fold CV log-loss 0.29586 -> 0.28714, z 10.5);
// 41 rules in the model, -22 to 35 points; strongest cal.month.mar.day.16_18
// (35 points: month is "mar" and day 16 to 18)".
void describe_interactions(const FeatureSet& set, const Learned& l, CalibrationReport& rep) {
  for (std::size_t i = 0; i < set.crossed.size(); ++i) {
    const Interaction& x = set.crossed[i];
    const std::size_t end =
        i + 1 < set.crossed.size() ? set.crossed[i + 1].first : set.features.size();
    const std::string a = attribute_name(x.a), b = attribute_name(x.b);
    std::string line = a + " x " + b + ": ";
    const auto step =
        std::find_if(rep.interaction_search.begin(), rep.interaction_search.end(),
                     [&](const InteractionStep& s) { return s.selected && s.a == a && s.b == b; });
    if (step == rep.interaction_search.end()) {
      line += "given (--interact)";
    } else {
      line += "chosen by the search (" + std::to_string(step->cells) + " cells, " +
              std::to_string(rep.cv_folds) + "-fold CV log-loss " +
              fmt_fixed(step->cv_log_loss_before, 5) + " -> " +
              fmt_fixed(step->cv_log_loss_after, 5) + ", z " + fmt_fixed(step->z, 1) + ")";
    }
    std::size_t kept = 0, strongest = x.first;
    double lo = 0, hi = 0;
    for (std::size_t j = x.first; j < end; ++j) {
      const Feature& f = set.features[j];
      if (!f.active || f.support == 0 || l.points[j] == 0) continue;
      lo = kept ? std::min(lo, l.points[j]) : l.points[j];
      hi = kept ? std::max(hi, l.points[j]) : l.points[j];
      if (kept++ == 0 || std::fabs(l.points[j]) > std::fabs(l.points[strongest])) strongest = j;
    }
    line += "; " + std::to_string(kept) + " rules in the model";
    if (kept > 0) {
      const Feature& s = set.features[strongest];
      line += ", " + fmt(lo) + " to " + fmt(hi) + " points; strongest " + s.rule_id + " (" +
              fmt(l.points[strongest]) + " points: " + s.rule.description + ")";
    }
    rep.interactions_explained.push_back(std::move(line));
  }
}

// Candidates merged into an earlier rule with the same training leads, for
// the attributes and pairs in the model (another of their rules is active).
void describe_merges(const std::vector<Feature>& features, CalibrationReport& rep) {
  std::set<std::string> in_model;
  for (const Feature& f : features) {
    if (f.candidate && f.active && f.support > 0) in_model.insert(f.group);
  }
  for (const Feature& f : features) {
    if (f.same_as == Feature::kNone || !in_model.count(f.group)) continue;
    rep.merged.push_back(f.rule_id + " -> " + features[f.same_as].rule_id + " (" +
                         std::to_string(f.support) + " training leads, the same)");
  }
}

// The report's description of the data and the model.
void describe_model(const Config& config, const Training& t, const Learned& l,
                    const RuleChanges& changes, std::span<const Lead> leads,
                    std::span<const bool> outcomes, std::span<const Instant> as_of,
                    const Split& split, const CalibrationOptions& options, CalibrationReport& rep) {
  rep.as_of = format_instant(as_of.empty() ? Instant{} : as_of[0]);
  rep.leads = leads.size();
  rep.training_leads = split.train.size();
  rep.training_positives = split.train_positives;
  rep.holdout_leads = split.holdout.size();
  for (std::size_t i : split.holdout) rep.holdout_positives += outcomes[i] ? 1u : 0u;
  rep.l2 = options.l2;
  rep.iterations = l.fit.iterations;
  rep.converged = l.fit.converged;
  rep.intercept = l.fit.intercept;
  rep.points_per_logit = l.points_per_logit;
  rep.features = t.design.active.size();
  rep.candidate_features = t.set.features.size() - t.set.original;
  rep.rules_added = changes.added;
  rep.rules_dropped = changes.dropped;
  rep.rules_kept = changes.kept;
  rep.rules_pruned = l.pruned;
  for (std::size_t j = 0; j < t.set.features.size(); ++j) {
    const Feature& f = t.set.features[j];
    if (f.candidate && !f.active) continue;
    LearnedRule lr;
    lr.rule_id = f.rule_id;
    lr.kind = f.kind;
    lr.candidate = f.candidate;
    lr.original_points = f.candidate ? 0 : config.rules[f.rule_index].points;
    lr.weight = l.weight[j];
    lr.points = l.points[j];
    lr.support = f.support;
    lr.no_evidence = !f.candidate && f.support == 0;
    if (lr.no_evidence) lr.points = lr.original_points;
    rep.rules.push_back(std::move(lr));
  }
  describe_nestings(t.set.features, l, rep);
  describe_interactions(t.set, l, rep);
  describe_merges(t.set.features, rep);
}

std::vector<double> totals(const std::vector<Qualification>& qs) {
  std::vector<double> scores(qs.size());
  for (std::size_t k = 0; k < qs.size(); ++k) scores[k] = qs[k].total;
  return scores;
}

// Metrics of both configurations on both splits, and the threshold
// recommendations (chosen on the training leads, measured on the holdout).
void measure(const Qualifier& original, const Qualifier& calibrated,
             const std::vector<Qualification>& train_original, const Learned& l,
             std::span<const Lead> leads, std::span<const bool> outcomes,
             std::span<const Instant> as_of, const Split& split, const CalibrationOptions& options,
             CalibrationReport& rep) {
  const double ppl = l.points_per_logit;
  const double icpt = l.fit.intercept;
  const auto predicted = [ppl, icpt](double total) { return sigmoid(icpt + total / ppl); };
  const std::vector<std::string_view> original_stages = original.stage_names();
  const std::vector<std::string_view> calibrated_stages = calibrated.stage_names();
  const std::vector<bool> train_y = outcomes_of(outcomes, split.train);
  const std::vector<Qualification> train_calibrated =
      qualify_subset(calibrated, leads, split.train, as_of, options.threads);
  rep.original_training = split_metrics(train_original, train_y, original_stages, {});
  rep.calibrated_training = split_metrics(train_calibrated, train_y, calibrated_stages, predicted);
  const std::vector<bool> holdout_y = outcomes_of(outcomes, split.holdout);
  std::vector<Qualification> holdout_calibrated;
  if (!split.holdout.empty()) {
    rep.original_holdout =
        split_metrics(qualify_subset(original, leads, split.holdout, as_of, options.threads),
                      holdout_y, original_stages, {});
    holdout_calibrated = qualify_subset(calibrated, leads, split.holdout, as_of, options.threads);
    rep.calibrated_holdout =
        split_metrics(holdout_calibrated, holdout_y, calibrated_stages, predicted);
  }
  const std::unique_ptr<bool[]> ty = bool_array(train_y);
  const std::unique_ptr<bool[]> hy = bool_array(holdout_y);
  rep.thresholds = recommend_thresholds(
      totals(train_calibrated), std::span<const bool>(ty.get(), train_y.size()),
      totals(holdout_calibrated), std::span<const bool>(hy.get(), holdout_y.size()), options);
}

// The calibration noted in the description (Config has no metadata block).
std::string calibration_note(const CalibrationReport& rep, const CalibrationOptions& options) {
  std::string note = "Calibrated by leadscore on " + std::to_string(rep.training_leads) +
                     " training leads (" + std::to_string(rep.training_positives) +
                     " converted), as of " + rep.as_of + ", l2 " + fmt(options.l2) + ", " +
                     fmt_fixed(rep.points_per_logit, 3) + " points per log-odds unit";
  if (!rep.interactions.empty()) {
    note += ", interactions ";
    for (std::size_t i = 0; i < rep.interactions.size(); ++i)
      note += (i ? ", " : "") + rep.interactions[i];
  }
  if (rep.holdout_leads > 0) {
    note += "; holdout ROC AUC " + fmt_fixed(rep.original_holdout.auc, 4) + " (original) -> " +
            fmt_fixed(rep.calibrated_holdout.auc, 4) + " (calibrated) on " +
            std::to_string(rep.holdout_leads) + " leads";
  }
  return note + ".";
}

}  // namespace
}  // namespace calibration

Result<Calibration> calibrate(const Config& config, std::span<const Lead> leads,
                              std::span<const bool> outcomes, std::span<const Instant> as_of,
                              const CalibrationOptions& options) {
  using namespace calibration;
  std::vector<Diagnostic> errors =
      check_inputs(config, leads.size(), outcomes.size(), as_of.size(), options);
  Result<Qualifier> original = Qualifier::build(config);
  if (!original) {
    for (auto& d : errors_of(original.diagnostics())) errors.push_back(std::move(d));
  }
  if (!errors.empty()) return errors;

  const Split split = split_leads(outcomes, options);
  if (split.train.empty() || split.train_positives == 0 ||
      split.train_positives == split.train.size()) {
    return std::vector<Diagnostic>{calibration_error(
        "the training leads need both outcomes (" + std::to_string(split.train.size()) +
        " leads, " + std::to_string(split.train_positives) + " converted)")};
  }
  const UsedNames used = used_names(config);
  Result<Training> prepared =
      prepare_features(config, leads, outcomes, as_of, split.train, used, options);
  if (!prepared) return prepared.diagnostics();
  Training& t = *prepared;

  Calibration result;
  CalibrationReport& rep = result.report;
  rep.warnings = leakage_warnings(t.set, t.matrix, split.train, t.design.y);
  search_interactions(t.set, t.matrix, t.design, split.train, options, rep);
  rep.interactions = t.set.interaction_names;
  const FitMethod method = choose_fit(t, options, rep);
  const Learned learned = learn_points(config, t, split.train, options, method);
  rep.model_sizes = size_curve(config, t, learned, leads, outcomes, as_of, split, options, method);

  Config& out = result.config;
  out = config;
  const RuleChanges changes = calibrated_rules(config, t.set, learned.points, out);
  widen_bounds(t.set.features, learned.weight, learned.points_per_logit, out);
  const std::vector<Qualification> train_original =
      qualify_subset(*original, leads, split.train, as_of, options.threads);
  if (auto ds = map_stages(train_original, leads, outcomes, as_of, split.train, options, out,
                           rep.stage_changes);
      !ds.empty())
    return ds;
  Result<Qualifier> calibrated = Qualifier::build(out);
  if (!calibrated) return calibrated.diagnostics();

  describe_model(config, t, learned, changes, leads, outcomes, as_of, split, options, rep);
  measure(*original, *calibrated, train_original, learned, leads, outcomes, as_of, split, options,
          rep);
  for (const StageRow& s : rep.calibrated_training.stages) {
    if (s.leads == 0)
      rep.warnings.push_back("calibrated stage '" + s.stage + "' selects no training lead");
  }
  std::vector<RuleSuggestion> suggestions =
      rule_suggestions(t.set, t.matrix, used, leads, as_of, split.train,
                       outcomes_of(outcomes, split.train), options);
  rep.suggestions_found = suggestions.size();
  if (suggestions.size() > options.max_suggestions) suggestions.resize(options.max_suggestions);
  rep.suggestions = std::move(suggestions);

  const std::string note = calibration_note(rep, options);
  out.description = out.description.empty() ? note : out.description + "\n" + note;
  return result;
}

}  // namespace leadscore
