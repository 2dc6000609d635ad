// Metrics of calibration (private): the logistic link and the log-loss per
// lead, and the figures of one configuration on one data split (ROC AUC,
// deciles, stages, histogram). roc_auc() and lift_by_decile() are public
// (leadscore/calibrate.hpp).
#pragma once

#include <cmath>
#include <functional>
#include <string_view>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore::calibration {

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// log(1 + e^eta) - y * eta (y is 0 or 1), computed stably: the log-loss of
/// a lead with linear predictor eta.
inline double log_loss(double eta, double y) {
  const double soft = eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
  return soft - y * eta;
}

/// Improvement per lead d (before - after): its mean (in `mean`) and the
/// paired z, the mean over its standard error (0 when d does not vary).
double paired_z(const std::vector<double>& d, double& mean);

/// AUC, deciles (with `predicted`, the mean predicted conversion of each),
/// conversion per stage (stage_index -1 counts as the last stage) and a
/// 20-bin histogram of the total score of `qs` against outcomes y.
SplitMetrics split_metrics(const std::vector<Qualification>& qs, const std::vector<bool>& y,
                           const std::vector<std::string_view>& stage_names,
                           const std::function<double(double)>& predicted);

}  // namespace leadscore::calibration
