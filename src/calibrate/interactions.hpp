// The automatic interaction search: greedy forward selection of pairs of
// candidate attributes by cross-validated log-loss on the training leads
// (docs/calibration.md#interactions).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "leadscore/calibrate.hpp"

#include "calibrate/features.hpp"
#include "calibrate/fitting.hpp"

namespace leadscore::calibration {

/// Runs the search when options.auto_interactions > 0 and there are at
/// least two candidate attributes: each selected pair is added to `set`
/// (add_interaction), its cells to the matrix (classified on the training
/// leads) and to the design; a pair the refit does not confirm is taken out
/// again and ends the search. Every step is recorded in
/// report.interaction_search, the folds in report.cv_folds. The holdout is
/// never looked at: only the training leads `train` and their design.
/// Warnings for candidate attributes that are almost a function of the
/// outcome on the training leads: scoring each lead by the training
/// conversion of its value or bin (no value: a level of its own) gives a
/// ROC AUC above `max_auc` (a column written after the outcome, such as a
/// call's duration, or the label under another name).
std::vector<std::string> leakage_warnings(const FeatureSet& set, const FeatureMatrix& matrix,
                                          const std::vector<std::size_t>& train,
                                          const std::vector<double>& y, double max_auc = 0.95);

void search_interactions(FeatureSet& set, FeatureMatrix& matrix, Design& design,
                         const std::vector<std::size_t>& train, const CalibrationOptions& options,
                         CalibrationReport& report);

}  // namespace leadscore::calibration
