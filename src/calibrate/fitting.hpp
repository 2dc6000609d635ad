// L2-regularised logistic regression by Newton's method (IRLS), and the
// cross-validation of a design. fitting.cpp is the only calibration code
// that sees Eigen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "leadscore/calibrate.hpp"

#include "calibrate/common.hpp"

namespace leadscore::calibration {

struct Fit {
  double intercept = 0;
  std::vector<double> weights;
  int iterations = 0;
  bool converged = false;
};

/// Minimises sum_i log_loss(eta_i, y_i) + l2/2 |w|^2 over the rows `use`
/// (all rows when empty), eta_i = intercept + w . row_i, p weights. `start`
/// (intercept then weights, p + 1 values) warm-starts the solver; without
/// it the intercept starts at the log-odds of the base rate.
Fit fit_logistic(const std::vector<SparseRow>& rows, const std::vector<double>& y,
                 const std::vector<std::uint32_t>& use, std::size_t p, double l2,
                 int max_iterations, double tolerance, const std::vector<double>* start = nullptr);

/// The intercept, then the weights.
std::vector<double> packed(const Fit& f);

/// intercept + weights . row
double linear_predictor(const Fit& f, const SparseRow& row);

/// The training design of the regression: the active features as columns.
struct Design {
  std::vector<std::int64_t> column;  // feature -> column (-1: not in the design)
  std::vector<std::size_t> active;   // column -> feature
  std::vector<SparseRow> rows;       // per training lead, by column
  std::vector<double> y;             // per training lead, 0 or 1
};

/// Cross-validation of a design: per fold, the model fitted on the other
/// folds and its linear predictor on every training lead; per lead, the
/// log-loss of the model that did not see it.
struct CrossValidation {
  std::vector<Fit> fits;
  std::vector<std::size_t> active;       // column -> feature of the fits
  std::vector<std::vector<double>> eta;  // [fold][k]
  std::vector<double> loss;              // [k], out of fold
  double mean = 0;
};

/// Training lead k is in fold k mod folds: per fold, the leads it is fitted on.
std::vector<std::vector<std::uint32_t>> fold_rows(std::size_t n, std::size_t folds);

/// Cross-validates the design over fold_rows(...) (one fit per fold, on
/// options.threads threads; Newton tolerance 1e-6), warm-started from
/// `warm` (the same folds, other columns: matched by feature) when given.
CrossValidation cross_validate(const Design& design,
                               const std::vector<std::vector<std::uint32_t>>& fit_rows,
                               const CalibrationOptions& options,
                               const CrossValidation* warm = nullptr);

}  // namespace leadscore::calibration
