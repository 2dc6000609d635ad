// Thresholds on the total score (private part): stage thresholds mapped
// from the original configuration to the calibrated one, and the threshold
// recommendations of the report. The recommendation functions themselves
// are public (leadscore/calibrate.hpp).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/config.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore::calibration {

/// Maps every score.total / score.fit / score.engagement comparison in the
/// stage conditions of `out` (by quantile: the new threshold selects as many
/// training leads under `calibrated` as the old one did under `original`,
/// ties kept together) and records each change ("SQL: score.total gte 80 ->
/// 57") in `changes`. original[k] and calibrated[k] are the same lead.
void map_stage_thresholds(const std::vector<Qualification>& original,
                          const std::vector<Qualification>& calibrated, Config& out,
                          std::vector<std::string>& changes);

/// The total threshold that selects the best `share` of the training totals
/// (at least one lead; ties kept together).
double share_threshold(std::span<const double> train_totals, double share);

/// A stage goal: the total threshold a stage gets.
struct StageGoal {
  std::string stage, label;  // label: "SQL (share 0.2)", "SQL (precision 0.6)"
  double threshold = 0;
};

/// The goals of options.stage_shares (share_threshold of the training
/// totals), then of options.stage_precisions (the lowest total whose
/// training leads at or above it convert at the precision at least; when no
/// total does, the most precise one).
std::vector<StageGoal> stage_goals(std::span<const double> train_totals,
                                   std::span<const bool> train_y,
                                   const CalibrationOptions& options);

/// Sets the total threshold of each goal's stage in `out`: every
/// score.total gte/gt comparison of its conditions becomes "gte
/// threshold"; a stage without one gets all [condition, score.total gte
/// threshold]. Records each change.
void apply_stage_goals(const std::vector<StageGoal>& goals, Config& out,
                       std::vector<std::string>& changes);

/// The recommendations for options.target_precisions, then
/// options.capacities, then options.stage_shares, then
/// options.stage_precisions: chosen on the training scores, and measured on
/// the holdout scores when there is a holdout.
std::vector<ThresholdRecommendation> recommend_thresholds(std::span<const double> train_scores,
                                                          std::span<const bool> train_y,
                                                          std::span<const double> holdout_scores,
                                                          std::span<const bool> holdout_y,
                                                          const CalibrationOptions& options);

}  // namespace leadscore::calibration
