// The automatic interaction search: greedy forward selection of pairs of
// candidate attributes by cross-validated log-loss on the training leads
// (docs/calibration.md#interactions).
#pragma once

#include <cstddef>
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
void search_interactions(FeatureSet& set, FeatureMatrix& matrix, Design& design,
                         const std::vector<std::size_t>& train, const CalibrationOptions& options,
                         CalibrationReport& report);

}  // namespace leadscore::calibration
