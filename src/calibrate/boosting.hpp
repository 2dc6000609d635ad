// Cyclic boosting of the model's terms (docs/calibration.md#boosting): the
// explainable-boosting-machine way of fitting an additive model with pairs.
// A term is one rule of the configuration, or the bin table of one
// candidate attribute, or the cell table of one pair (its cells exclude
// each other); round after round, every term in turn takes a small Newton
// step per cell on the current predictions of all the others, so the
// shapes are fitted jointly; the number of rounds is chosen by
// cross-validation on the training leads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "leadscore/calibrate.hpp"

#include "calibrate/common.hpp"
#include "calibrate/features.hpp"
#include "calibrate/fitting.hpp"

namespace leadscore::calibration {

/// Learning rate of a boosting step (a fraction of the cell's Newton step).
inline constexpr double kBoostingRate = 0.5;
/// Boosting replaces IRLS (CalibrationFit::automatic) only when it lowers
/// the cross-validated log-loss significantly: paired z over the training
/// leads at least this.
inline constexpr double kBoostingMinZ = 2;
/// Rounds tried at most; the cross-validation checks every kBoostingCheck.
inline constexpr std::size_t kBoostingRounds = 200;
inline constexpr std::size_t kBoostingCheck = 10;

/// The term of each design column: the columns of one candidate attribute
/// or of one pair share a term (Feature::group); every other column is a
/// term of its own. Terms are numbered in column order.
std::vector<std::uint32_t> column_terms(const std::vector<Feature>& features, const Design& design);

/// Fits intercept and weights by `rounds` rounds of cyclic boosting on the
/// rows `use` (all when empty): each round, every term in turn moves each
/// of its columns by rate * (Newton step of the penalised log-loss, L2
/// penalty l2), then the intercept takes a full Newton step. Deterministic.
Fit fit_boosting(const std::vector<SparseRow>& rows, const std::vector<double>& y,
                 const std::vector<std::uint32_t>& use, std::size_t p,
                 const std::vector<std::uint32_t>& term_of, double l2, std::size_t rounds,
                 double rate = kBoostingRate);

/// The number of rounds (a multiple of kBoostingCheck, at most
/// kBoostingRounds) with the lowest mean out-of-fold log-loss over the
/// folds of fit_rows (one boosting run per fold, on options.threads
/// threads; the result does not depend on them), that log-loss and the
/// out-of-fold log-loss of each training lead.
struct BoostingChoice {
  std::size_t rounds = 0;
  double cv_log_loss = 0;
  std::vector<double> loss;  // per training lead, out of fold, at `rounds`
};
BoostingChoice choose_rounds(const Design& design, const std::vector<std::uint32_t>& term_of,
                             const std::vector<std::vector<std::uint32_t>>& fit_rows,
                             const CalibrationOptions& options);

}  // namespace leadscore::calibration
