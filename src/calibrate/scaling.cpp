// Scaling: weights to integer points, the calibrated rules and score bounds
// (calibrate/scaling.hpp).
#include "calibrate/scaling.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

namespace leadscore::calibration {
namespace {

// Does a feature of `f_kind` count in the score of `kind` (fit, or the
// engagement score of engagement and behaviour rules)?
bool counts_in(RuleKind kind, RuleKind f_kind) {
  return kind == RuleKind::fit ? f_kind == RuleKind::fit : f_kind != RuleKind::fit;
}

// The highest (maximum) or lowest achievable logit of one score: original
// rules add up; the candidates of one group exclude each other, so only the
// best (or worst) of each group counts.
double achievable(const std::vector<Feature>& features, const std::vector<double>& weight,
                  RuleKind kind, bool maximum) {
  double total = 0;
  std::map<std::string, double> group_best;
  for (std::size_t j = 0; j < features.size(); ++j) {
    const Feature& f = features[j];
    if (!counts_in(kind, f.kind) || weight[j] == 0) continue;
    double w = weight[j];
    if (f.kind == RuleKind::behavior) w *= f.cap_events > 0 ? f.cap_events : 1;
    const double contribution = maximum ? std::max(0.0, w) : std::min(0.0, w);
    if (f.candidate) {
      auto [it, inserted] = group_best.emplace(f.group, contribution);
      if (!inserted)
        it->second =
            maximum ? std::max(it->second, contribution) : std::min(it->second, contribution);
    } else {
      total += contribution;
    }
  }
  for (const auto& [g, v] : group_best) total += v;
  return total;
}

}  // namespace

double points_per_logit(const std::vector<Feature>& features, const std::vector<double>& weight,
                        const std::vector<SparseRow>& rows, const std::vector<std::size_t>& train,
                        const Config& config, const CalibrationOptions& options) {
  // The scale comes from the best training lead (rules that never hold
  // together, such as two values of one attribute, do not inflate it).
  double fit_max_logit = 0;
  double eng_max_logit = 0;
  for (std::size_t i : train) {
    double fit_sum = 0;
    double eng_sum = 0;
    for (const auto& [j, v] : rows[i])
      (features[j].kind == RuleKind::fit ? fit_sum : eng_sum) += weight[j] * v;
    fit_max_logit = std::max(fit_max_logit, fit_sum);
    eng_max_logit = std::max(eng_max_logit, eng_sum);
  }
  const Weights& w = config.scores.weights;
  if (fit_max_logit > 1e-9) {
    const double target = options.max_fit_points.value_or(config.scores.fit.max.value_or(100));
    return target * w.fit / fit_max_logit;
  }
  if (eng_max_logit > 1e-9) {
    return config.scores.engagement.max.value_or(100) * w.engagement / eng_max_logit;
  }
  return 100;
}

std::vector<double> integer_points(const std::vector<Feature>& features,
                                   const std::vector<double>& weight, double points_per_logit,
                                   const Weights& weights) {
  std::vector<double> points(features.size(), 0.0);
  for (std::size_t j = 0; j < features.size(); ++j) {
    const double per = features[j].kind == RuleKind::fit ? weights.fit : weights.engagement;
    points[j] = std::round(weight[j] * points_per_logit / per);
    if (points[j] == 0) points[j] = 0;  // no -0
  }
  return points;
}

RuleChanges calibrated_rules(const Config& config, const FeatureSet& set,
                             const std::vector<double>& points, Config& out) {
  const std::vector<Feature>& features = set.features;
  RuleChanges changes;
  out.rules.clear();
  std::size_t j = 0;
  for (const Rule& rule : config.rules) {
    if (rule.kind == RuleKind::knockout) {
      out.rules.push_back(rule);
      continue;
    }
    const std::size_t fj = j++;
    if (features[fj].support == 0) {
      out.rules.push_back(rule);
      ++changes.kept;
      continue;
    }
    if (points[fj] == 0) {
      ++changes.dropped;
      continue;
    }
    Rule copy = rule;
    copy.points = points[fj];
    if (rule.kind == RuleKind::behavior) {
      copy.max_points.reset();
      if (features[fj].cap_events > 0)
        copy.max_points = features[fj].cap_events * std::fabs(points[fj]);
    }
    out.rules.push_back(std::move(copy));
  }
  for (std::size_t fj = set.original; fj < features.size(); ++fj) {
    if (points[fj] == 0) continue;
    Rule rule = features[fj].rule;
    rule.points = points[fj];
    rule.description = "Calibrated: " + rule.description;
    out.rules.push_back(std::move(rule));
    ++changes.added;
  }
  return changes;
}

void widen_bounds(const std::vector<Feature>& features, const std::vector<double>& weight,
                  double points_per_logit, Config& out) {
  auto widen = [&](ScoreBounds& b, RuleKind kind, double per) {
    const double lo =
        std::round(achievable(features, weight, kind, false) * points_per_logit / per);
    const double hi = std::round(achievable(features, weight, kind, true) * points_per_logit / per);
    bool unbounded = false;
    for (const auto& f : features) {
      if (counts_in(kind, f.kind) && f.kind == RuleKind::behavior && f.cap_events <= 0)
        unbounded = true;
    }
    b.min = std::min(b.min, lo);
    if (b.max && !unbounded) b.max = std::max(*b.max, hi);
  };
  const Weights w = out.scores.weights;
  widen(out.scores.fit, RuleKind::fit, w.fit);
  widen(out.scores.engagement, RuleKind::engagement, w.engagement);
}

}  // namespace leadscore::calibration
