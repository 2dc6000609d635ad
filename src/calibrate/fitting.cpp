// L2-regularised logistic regression by Newton's method (IRLS) and the
// cross-validation of a design (calibrate/fitting.hpp). The only
// calibration file that includes Eigen.
#include "calibrate/fitting.hpp"

#include <algorithm>
#include <cmath>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "calibrate/metrics.hpp"

namespace leadscore::calibration {
namespace {

// Newton tolerance of the cross-validation fits (they only score leads).
constexpr double kCvTolerance = 1e-6;

// The rows of a fit: all rows, or the listed ones.
struct RowSet {
  const std::vector<SparseRow>& rows;
  const std::vector<std::uint32_t>& use;
  std::size_t size() const { return use.empty() ? rows.size() : use.size(); }
  std::size_t at(std::size_t k) const { return use.empty() ? k : use[k]; }
};

double objective(const RowSet& set, const std::vector<double>& y, double l2,
                 const Eigen::VectorXd& b) {
  const double* bp = b.data();
  double ll = 0;
  for (std::size_t k = 0; k < set.size(); ++k) {
    const std::size_t i = set.at(k);
    double eta = bp[0];
    for (const auto& [j, v] : set.rows[i]) eta += bp[j + 1] * v;
    ll += log_loss(eta, y[i]);
  }
  return ll + 0.5 * l2 * b.tail(b.size() - 1).squaredNorm();
}

// The gradient g and the Hessian h (both with the L2 penalty) at beta. The
// Hessian is accumulated from the sparse rows through a raw pointer (this
// loop is the cost of the fit, also in unoptimised builds).
void gradient_and_hessian(const RowSet& set, const std::vector<double>& y, double l2,
                          const Eigen::VectorXd& beta, Eigen::VectorXd& g, Eigen::MatrixXd& h) {
  const auto udim = static_cast<std::size_t>(beta.size());
  h.setZero();
  g.setZero();
  double* hp = h.data();  // column-major: (a, b) at a + b * dim; the upper triangle is filled
  double* gp = g.data();
  const double* bp = beta.data();
  for (std::size_t k = 0; k < set.size(); ++k) {
    const std::size_t i = set.at(k);
    const SparseRow& row = set.rows[i];
    double eta = bp[0];
    for (const auto& [j, v] : row) eta += bp[j + 1] * v;
    const double mu = sigmoid(eta);
    const double w = std::max(mu * (1 - mu), 1e-12);
    const double r = y[i] - mu;
    gp[0] += r;
    hp[0] += w;
    const std::size_t m = row.size();
    for (std::size_t q = 0; q < m; ++q) {
      const std::size_t b = row[q].first + 1;
      const double wv = w * row[q].second;
      gp[b] += r * row[q].second;
      double* col = hp + b * udim;
      col[0] += wv;
      for (std::size_t s = 0; s <= q; ++s) col[row[s].first + 1] += wv * row[s].second;
    }
  }
  for (std::size_t a = 1; a < udim; ++a) {
    gp[a] -= l2 * bp[a];
    hp[a + a * udim] += l2;
  }
  // Symmetrise (the upper triangle was filled; rows are sorted by feature).
  for (std::size_t b = 0; b < udim; ++b) {
    for (std::size_t a = b + 1; a < udim; ++a) hp[a + b * udim] = hp[b + a * udim];
  }
  h.diagonal().array() += 1e-9;
}

// The start of a fit of `design` from a fit of other columns (`active`:
// their features): the intercept, each feature's weight where it had one,
// else 0.
std::vector<double> warm_start(const Fit& fit, const std::vector<std::size_t>& active,
                               const Design& design) {
  std::vector<double> start(design.active.size() + 1, 0.0);
  start[0] = fit.intercept;
  for (std::size_t c = 0; c < active.size() && c < fit.weights.size(); ++c) {
    const std::size_t j = active[c];
    if (j < design.column.size() && design.column[j] >= 0)
      start[static_cast<std::size_t>(design.column[j]) + 1] = fit.weights[c];
  }
  return start;
}

}  // namespace

// Newton steps with a line search (step halving); the step is solved with
// Eigen's LDLT.
Fit fit_logistic(const std::vector<SparseRow>& rows, const std::vector<double>& y,
                 const std::vector<std::uint32_t>& use, std::size_t p, double l2,
                 int max_iterations, double tolerance, const std::vector<double>* start) {
  const RowSet set{rows, use};
  const std::size_t n = set.size();
  const auto dim = static_cast<Eigen::Index>(p + 1);  // 0 = intercept
  const auto udim = static_cast<std::size_t>(dim);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(dim);
  if (start != nullptr && start->size() == udim) {
    for (std::size_t j = 0; j < udim; ++j) beta[static_cast<Eigen::Index>(j)] = (*start)[j];
  } else {
    double positives = 0;
    for (std::size_t k = 0; k < n; ++k) positives += y[set.at(k)];
    const double rate = std::clamp(positives / static_cast<double>(n), 1e-6, 1 - 1e-6);
    beta[0] = std::log(rate / (1 - rate));
  }

  Fit fit;
  double current = objective(set, y, l2, beta);
  Eigen::MatrixXd h(dim, dim);
  Eigen::VectorXd g(dim);
  for (int it = 0; it < max_iterations; ++it) {
    gradient_and_hessian(set, y, l2, beta, g, h);
    const Eigen::VectorXd step = h.ldlt().solve(g);
    double scale = 1;
    Eigen::VectorXd next = beta + step;
    double value = objective(set, y, l2, next);
    for (int halvings = 0; value > current + 1e-12 && halvings < 30; ++halvings) {
      scale /= 2;
      next = beta + scale * step;
      value = objective(set, y, l2, next);
    }
    beta = next;
    const double change = (scale * step).cwiseAbs().maxCoeff();
    current = value;
    fit.iterations = it + 1;
    if (change < tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.intercept = beta[0];
  fit.weights.resize(p);
  for (std::size_t j = 0; j < p; ++j) fit.weights[j] = beta[static_cast<Eigen::Index>(j) + 1];
  return fit;
}

std::vector<double> packed(const Fit& f) {
  std::vector<double> b;
  b.reserve(f.weights.size() + 1);
  b.push_back(f.intercept);
  b.insert(b.end(), f.weights.begin(), f.weights.end());
  return b;
}

double linear_predictor(const Fit& f, const SparseRow& row) {
  double eta = f.intercept;
  for (const auto& [j, v] : row) eta += f.weights[j] * v;
  return eta;
}

std::vector<std::vector<std::uint32_t>> fold_rows(std::size_t n, std::size_t folds) {
  std::vector<std::vector<std::uint32_t>> fit_rows(folds);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t f = 0; f < folds; ++f) {
      if (k % folds != f) fit_rows[f].push_back(static_cast<std::uint32_t>(k));
    }
  }
  return fit_rows;
}

CrossValidation cross_validate(const Design& design,
                               const std::vector<std::vector<std::uint32_t>>& fit_rows,
                               const CalibrationOptions& options, const CrossValidation* warm) {
  const std::size_t folds = fit_rows.size();
  const std::size_t n = design.rows.size();
  const std::size_t p = design.active.size();
  CrossValidation cv;
  cv.active = design.active;
  cv.fits.resize(folds);
  cv.eta.assign(folds, std::vector<double>(n));
  parallel_for(
      folds, options.threads,
      [&](std::size_t f) {
        std::vector<double> start;
        if (warm != nullptr) start = warm_start(warm->fits[f], warm->active, design);
        cv.fits[f] =
            fit_logistic(design.rows, design.y, fit_rows[f], p, options.l2, options.max_iterations,
                         kCvTolerance, warm != nullptr ? &start : nullptr);
        for (std::size_t k = 0; k < n; ++k)
          cv.eta[f][k] = linear_predictor(cv.fits[f], design.rows[k]);
      },
      1);
  cv.loss.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    cv.loss[k] = log_loss(cv.eta[k % folds][k], design.y[k]);
    cv.mean += cv.loss[k];
  }
  cv.mean /= static_cast<double>(n);
  return cv;
}

}  // namespace leadscore::calibration
