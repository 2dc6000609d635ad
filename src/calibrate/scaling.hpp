// Scaling (docs/calibration.md#scaling): logistic-regression weights to
// integer points and back, and the calibrated configuration's rules and
// score bounds.
#pragma once

#include <cstddef>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/config.hpp"

#include "calibrate/common.hpp"
#include "calibrate/features.hpp"

namespace leadscore::calibration {

/// Points per log-odds unit: the best training lead's fit score (weights
/// times features, summed over fit features) becomes
/// options.max_fit_points, else the configuration's fit maximum, else 100
/// (times the fit score weight). Without a positive fit logit, the
/// engagement maximum (else 100) plays that role; without either, 100.
double points_per_logit(const std::vector<Feature>& features, const std::vector<double>& weight,
                        const std::vector<SparseRow>& rows, const std::vector<std::size_t>& train,
                        const Config& config, const CalibrationOptions& options);

/// points[j] = round(weight[j] * points_per_logit / the weight of the
/// feature's score) (never -0).
std::vector<double> integer_points(const std::vector<Feature>& features,
                                   const std::vector<double>& weight, double points_per_logit,
                                   const Weights& weights);

/// Rules the calibration added and dropped.
struct RuleChanges {
  std::size_t added = 0, dropped = 0, kept = 0;
};

/// Replaces out.rules by the calibrated rules: knockout rules unchanged,
/// each scoring rule with its learned points (0 points: dropped; a
/// behaviour rule keeps its cap in events; a rule with no evidence, support
/// 0, unchanged), then each candidate with non-zero points ("Calibrated: "
/// description).
RuleChanges calibrated_rules(const Config& config, const FeatureSet& set,
                             const std::vector<double>& points, Config& out);

/// Widens out's fit and engagement bounds to the range the learned points
/// can reach (an uncapped behaviour rule leaves the maximum as it is), so
/// that no clamp cuts the learned sum.
void widen_bounds(const std::vector<Feature>& features, const std::vector<double>& weight,
                  double points_per_logit, Config& out);

}  // namespace leadscore::calibration
