// Thresholds on the total score: the public recommendation helpers, stage
// thresholds mapped by quantile, and the report's recommendations
// (leadscore/calibrate.hpp, calibrate/thresholds.hpp).
#include "calibrate/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <utility>

#include "calibrate/common.hpp"

namespace leadscore {
namespace {

// Distinct scores best first with cumulative volume and positives.
struct Cumulative {
  std::vector<double> threshold;
  std::vector<std::size_t> volume, positives;
};

Cumulative cumulate(std::span<const double> scores, std::span<const bool> outcomes) {
  const std::size_t n = std::min(scores.size(), outcomes.size());
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  Cumulative c;
  std::size_t vol = 0, pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[idx[j]] == scores[idx[i]]) {
      ++vol;
      if (outcomes[idx[j]]) ++pos;
      ++j;
    }
    c.threshold.push_back(scores[idx[i]]);
    c.volume.push_back(vol);
    c.positives.push_back(pos);
    i = j;
  }
  return c;
}

ThresholdRecommendation at(const Cumulative& c, std::size_t k, std::size_t n) {
  ThresholdRecommendation r;
  r.threshold = c.threshold[k];
  r.volume = c.volume[k];
  r.volume_share = n ? static_cast<double>(r.volume) / static_cast<double>(n) : 0;
  r.expected_conversion =
      r.volume ? static_cast<double>(c.positives[k]) / static_cast<double>(r.volume) : 0;
  return r;
}

}  // namespace

ThresholdRecommendation recommend_threshold_for_precision(std::span<const double> scores,
                                                          std::span<const bool> outcomes,
                                                          double precision) {
  const Cumulative c = cumulate(scores, outcomes);
  ThresholdRecommendation r;
  r.goal = "precision >= " + calibration::fmt(precision);
  if (c.threshold.empty()) {
    r.reachable = false;
    return r;
  }
  const std::size_t n = c.volume.back();
  std::optional<std::size_t> lowest;
  std::size_t best = 0;
  double best_precision = -1;
  for (std::size_t k = 0; k < c.threshold.size(); ++k) {
    const double p = static_cast<double>(c.positives[k]) / static_cast<double>(c.volume[k]);
    if (p >= precision) lowest = k;
    if (p > best_precision) {
      best_precision = p;
      best = k;
    }
  }
  const std::string goal = r.goal;
  r = at(c, lowest.value_or(best), n);
  r.goal = goal;
  r.reachable = lowest.has_value();
  return r;
}

ThresholdRecommendation recommend_threshold_for_capacity(std::span<const double> scores,
                                                         std::span<const bool> outcomes,
                                                         std::size_t capacity) {
  const Cumulative c = cumulate(scores, outcomes);
  ThresholdRecommendation r;
  r.goal = "top " + std::to_string(capacity);
  if (c.threshold.empty() || capacity == 0) {
    r.reachable = false;
    return r;
  }
  std::size_t k = 0;
  while (k + 1 < c.threshold.size() && c.volume[k] < capacity) ++k;
  const std::string goal = r.goal;
  r = at(c, k, c.volume.back());
  r.goal = goal;
  return r;
}

ThresholdOutcome evaluate_threshold(std::span<const double> scores, std::span<const bool> outcomes,
                                    double threshold) {
  ThresholdOutcome o;
  o.leads = std::min(scores.size(), outcomes.size());
  for (std::size_t i = 0; i < o.leads; ++i) {
    if (scores[i] >= threshold) {
      ++o.volume;
      if (outcomes[i]) ++o.positives;
    }
  }
  o.volume_share = o.leads ? static_cast<double>(o.volume) / static_cast<double>(o.leads) : 0;
  o.conversion = o.volume ? static_cast<double>(o.positives) / static_cast<double>(o.volume) : 0;
  return o;
}

namespace calibration {
namespace {

// Maps a threshold on an original score to the calibrated score that selects
// the same number of training leads.
struct ScoreMap {
  std::vector<double> original;    // ascending
  std::vector<double> calibrated;  // ascending
  double map_at_or_above(double v) const {
    const auto k = static_cast<std::size_t>(original.end() -
                                            std::lower_bound(original.begin(), original.end(), v));
    if (k == 0) return calibrated.empty() ? v : calibrated.back() + 1;
    return calibrated[calibrated.size() - k];
  }
  double map_at_or_below(double v) const {
    const auto k = static_cast<std::size_t>(std::upper_bound(original.begin(), original.end(), v) -
                                            original.begin());
    if (k == 0) return calibrated.empty() ? v : calibrated.front() - 1;
    return calibrated[k - 1];
  }
};

void map_stage_condition(Condition& c, const std::map<std::string, ScoreMap>& maps,
                         const std::string& stage, std::vector<std::string>& changes) {
  for (auto& ch : c.children) map_stage_condition(ch, maps, stage, changes);
  if (c.kind != Condition::Kind::compare) return;
  const auto it = maps.find(c.field);
  if (it == maps.end()) return;
  const ScoreMap& sm = it->second;
  std::string before = c.field + " " + std::string(to_string(c.op)) + " ";
  if (const double* v = std::get_if<double>(&c.value)) {
    const double old = *v;
    double now = old;
    switch (c.op) {
      case Op::gte:
        now = sm.map_at_or_above(old);
        break;
      case Op::gt:
        now = sm.map_at_or_above(std::nextafter(old, HUGE_VAL)) - 1;
        break;
      case Op::lte:
        now = sm.map_at_or_below(old);
        break;
      case Op::lt:
        now = sm.map_at_or_below(std::nextafter(old, -HUGE_VAL)) + 1;
        break;
      default:
        return;
    }
    c.value = now;
    changes.push_back(stage + ": " + before + fmt(old) + " -> " + fmt(now));
  } else if (auto* list = std::get_if<std::vector<double>>(&c.value);
             list && c.op == Op::between && list->size() == 2) {
    const double lo = (*list)[0], hi = (*list)[1];
    (*list)[0] = sm.map_at_or_above(lo);
    (*list)[1] = sm.map_at_or_below(hi);
    changes.push_back(stage + ": " + before + "[" + fmt(lo) + ", " + fmt(hi) + "] -> [" +
                      fmt((*list)[0]) + ", " + fmt((*list)[1]) + "]");
  }
}

double score_of(const Qualification& q, std::string_view field) {
  return field == "score.total" ? q.total : field == "score.fit" ? q.fit : q.engagement;
}

}  // namespace

void map_stage_thresholds(const std::vector<Qualification>& original,
                          const std::vector<Qualification>& calibrated, Config& out,
                          std::vector<std::string>& changes) {
  std::map<std::string, ScoreMap> maps;
  for (const char* field : {"score.total", "score.fit", "score.engagement"}) {
    ScoreMap sm;
    for (std::size_t k = 0; k < original.size(); ++k) {
      sm.original.push_back(score_of(original[k], field));
      sm.calibrated.push_back(score_of(calibrated[k], field));
    }
    std::sort(sm.original.begin(), sm.original.end());
    std::sort(sm.calibrated.begin(), sm.calibrated.end());
    maps.emplace(field, std::move(sm));
  }
  for (Stage& stage : out.stages) {
    map_stage_condition(stage.when, maps, stage.name, changes);
    for (auto& [origin, c] : stage.by_origin) {
      map_stage_condition(c, maps, stage.name + " (" + std::string(to_string(origin)) + ")",
                          changes);
    }
  }
}

double share_threshold(std::span<const double> train_totals, double share) {
  if (train_totals.empty()) return 0;
  std::vector<double> sorted(train_totals.begin(), train_totals.end());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const auto n = static_cast<double>(sorted.size());
  const auto k = static_cast<std::size_t>(std::clamp(std::ceil(share * n), 1.0, n));
  return sorted[k - 1];
}

namespace {

// Sets every score.total gte/gt comparison under c to "gte t"; returns how
// many it set.
std::size_t set_total_threshold(Condition& c, double t, const std::string& stage,
                                std::vector<std::string>& changes) {
  std::size_t set = 0;
  for (auto& ch : c.children) set += set_total_threshold(ch, t, stage, changes);
  if (c.kind != Condition::Kind::compare || c.field != "score.total" ||
      (c.op != Op::gte && c.op != Op::gt))
    return set;
  const double* old = std::get_if<double>(&c.value);
  if (!old) return set;
  changes.push_back(stage + ": score.total " + std::string(to_string(c.op)) + " " + fmt(*old) +
                    " -> gte " + fmt(t));
  c.op = Op::gte;
  c.value = t;
  return set + 1;
}

}  // namespace

std::vector<StageGoal> stage_goals(std::span<const double> train_totals,
                                   std::span<const bool> train_y,
                                   const CalibrationOptions& options) {
  std::vector<StageGoal> out;
  for (const auto& [name, share] : options.stage_shares)
    out.push_back(
        {name, name + " (share " + fmt(share) + ")", share_threshold(train_totals, share)});
  for (const auto& [name, precision] : options.stage_precisions) {
    const ThresholdRecommendation r =
        recommend_threshold_for_precision(train_totals, train_y, precision);
    out.push_back({name, name + " (precision " + fmt(precision) + ")", r.threshold});
  }
  return out;
}

void apply_stage_goals(const std::vector<StageGoal>& goals, Config& out,
                       std::vector<std::string>& changes) {
  for (const StageGoal& goal : goals) {
    const double t = goal.threshold;
    for (Stage& stage : out.stages) {
      if (stage.name != goal.stage) continue;
      if (set_total_threshold(stage.when, t, goal.label, changes) == 0) {
        Condition at = Condition::compare("score.total", Op::gte, t);
        if (stage.when.kind == Condition::Kind::all) {
          stage.when.children.push_back(std::move(at));
        } else {
          stage.when = Condition::all({std::move(stage.when), std::move(at)});
        }
        changes.push_back(goal.label + ": score.total gte " + fmt(t) + " added");
      }
      for (auto& [origin, c] : stage.by_origin) set_total_threshold(c, t, goal.label, changes);
    }
  }
}

std::vector<ThresholdRecommendation> recommend_thresholds(std::span<const double> train_scores,
                                                          std::span<const bool> train_y,
                                                          std::span<const double> holdout_scores,
                                                          std::span<const bool> holdout_y,
                                                          const CalibrationOptions& options) {
  std::vector<ThresholdRecommendation> out;
  auto measure = [&](ThresholdRecommendation r, std::optional<double> precision) {
    if (!holdout_scores.empty()) {
      r.holdout = evaluate_threshold(holdout_scores, holdout_y, r.threshold);
      r.holdout_meets_goal =
          !precision || (r.holdout->volume > 0 && r.holdout->conversion >= *precision);
    }
    out.push_back(std::move(r));
  };
  for (double p : options.target_precisions)
    measure(recommend_threshold_for_precision(train_scores, train_y, p), p);
  for (std::size_t c : options.capacities)
    measure(recommend_threshold_for_capacity(train_scores, train_y, c), std::nullopt);
  for (const auto& [stage, share] : options.stage_shares) {
    const double t = share_threshold(train_scores, share);
    ThresholdRecommendation r;
    r.goal = "stage " + stage + ": share " + fmt(share);
    const ThresholdOutcome o = evaluate_threshold(train_scores, train_y, t);
    r.threshold = t;
    r.volume = o.volume;
    r.volume_share = o.volume_share;
    r.expected_conversion = o.conversion;
    measure(std::move(r), std::nullopt);
  }
  for (const auto& [stage, precision] : options.stage_precisions) {
    ThresholdRecommendation r = recommend_threshold_for_precision(train_scores, train_y, precision);
    r.goal = "stage " + stage + ": precision " + fmt(precision);
    measure(std::move(r), precision);
  }
  return out;
}

}  // namespace calibration
}  // namespace leadscore
