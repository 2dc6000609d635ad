// Cyclic boosting of bin and cell tables (calibrate/boosting.hpp).
#include "calibrate/boosting.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "calibrate/metrics.hpp"

namespace leadscore::calibration {
namespace {

// One boosting run on a set of rows: the columns as lists of (row, value),
// the terms as lists of columns, the current linear predictor per row.
class Booster {
 public:
  Booster(const std::vector<SparseRow>& rows, const std::vector<double>& y,
          const std::vector<std::uint32_t>& use, std::size_t p,
          const std::vector<std::uint32_t>& term_of, double l2, double rate)
      : y_(y), l2_(l2), rate_(rate), weight_(p, 0.0), column_(p) {
    const std::size_t n = use.empty() ? rows.size() : use.size();
    row_.resize(n);
    double positives = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t i = use.empty() ? static_cast<std::uint32_t>(k) : use[k];
      row_[k] = i;
      positives += y[i];
      for (const auto& [c, v] : rows[i]) column_[c].emplace_back(static_cast<std::uint32_t>(k), v);
    }
    const double base =
        std::clamp(positives / static_cast<double>(std::max<std::size_t>(1, n)), 1e-6, 1 - 1e-6);
    intercept_ = std::log(base / (1 - base));
    eta_.assign(n, intercept_);
    std::uint32_t terms = 0;
    for (std::uint32_t t : term_of) terms = std::max(terms, t + 1);
    term_.resize(terms);
    for (std::size_t c = 0; c < p; ++c) term_[term_of[c]].push_back(static_cast<std::uint32_t>(c));
  }

  void round() {
    std::vector<double> step;
    for (const std::vector<std::uint32_t>& columns : term_) {
      step.assign(columns.size(), 0.0);
      for (std::size_t q = 0; q < columns.size(); ++q) {
        const std::uint32_t c = columns[q];
        double g = l2_ * weight_[c], h = l2_;
        for (const auto& [k, v] : column_[c]) {
          const double mu = sigmoid(eta_[k]);
          g += (mu - y_[row_[k]]) * v;
          h += mu * (1 - mu) * v * v;
        }
        step[q] = h > 0 ? -rate_ * g / h : 0.0;
      }
      for (std::size_t q = 0; q < columns.size(); ++q) {
        const std::uint32_t c = columns[q];
        weight_[c] += step[q];
        for (const auto& [k, v] : column_[c]) eta_[k] += step[q] * v;
      }
    }
    double g = 0, h = 0;
    for (std::size_t k = 0; k < eta_.size(); ++k) {
      const double mu = sigmoid(eta_[k]);
      g += mu - y_[row_[k]];
      h += mu * (1 - mu);
    }
    const double d = h > 0 ? -g / h : 0.0;
    intercept_ += d;
    for (double& e : eta_) e += d;
  }

  Fit fit(int rounds) const {
    Fit f;
    f.intercept = intercept_;
    f.weights = weight_;
    f.iterations = rounds;
    f.converged = true;
    return f;
  }

 private:
  const std::vector<double>& y_;
  const double l2_, rate_;
  double intercept_ = 0;
  std::vector<double> weight_;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> column_;  // (local row, value)
  std::vector<std::vector<std::uint32_t>> term_;
  std::vector<std::uint32_t> row_;  // local row -> row of `rows`
  std::vector<double> eta_;
};

}  // namespace

std::vector<std::uint32_t> column_terms(const std::vector<Feature>& features,
                                        const Design& design) {
  std::vector<std::uint32_t> term_of(design.active.size());
  std::map<std::string, std::uint32_t> group_term;
  std::uint32_t next = 0;
  for (std::size_t c = 0; c < design.active.size(); ++c) {
    const Feature& f = features[design.active[c]];
    if (!f.candidate || f.group.empty()) {
      term_of[c] = next++;
      continue;
    }
    const auto [it, inserted] = group_term.emplace(f.group, next);
    if (inserted) ++next;
    term_of[c] = it->second;
  }
  return term_of;
}

Fit fit_boosting(const std::vector<SparseRow>& rows, const std::vector<double>& y,
                 const std::vector<std::uint32_t>& use, std::size_t p,
                 const std::vector<std::uint32_t>& term_of, double l2, std::size_t rounds,
                 double rate) {
  Booster b(rows, y, use, p, term_of, l2, rate);
  for (std::size_t r = 0; r < rounds; ++r) b.round();
  return b.fit(static_cast<int>(rounds));
}

BoostingChoice choose_rounds(const Design& design, const std::vector<std::uint32_t>& term_of,
                             const std::vector<std::vector<std::uint32_t>>& fit_rows,
                             const CalibrationOptions& options) {
  const std::size_t folds = fit_rows.size();
  const std::size_t checks = kBoostingRounds / kBoostingCheck;
  const std::size_t n = design.rows.size();
  // loss[f][check]: the summed log-loss of fold f's own leads; lead[check][k]
  // the log-loss of training lead k.
  std::vector<std::vector<double>> loss(folds, std::vector<double>(checks, 0.0));
  std::vector<std::vector<double>> lead(checks, std::vector<double>(n, 0.0));
  parallel_for(
      folds, options.threads,
      [&](std::size_t f) {
        Booster b(design.rows, design.y, fit_rows[f], design.active.size(), term_of, options.l2,
                  kBoostingRate);
        for (std::size_t check = 0; check < checks; ++check) {
          for (std::size_t r = 0; r < kBoostingCheck; ++r) b.round();
          const Fit fit = b.fit(0);
          double sum = 0;
          for (std::size_t k = f; k < n; k += folds) {
            lead[check][k] = log_loss(linear_predictor(fit, design.rows[k]), design.y[k]);
            sum += lead[check][k];
          }
          loss[f][check] = sum;
        }
      },
      1);
  BoostingChoice best;
  for (std::size_t check = 0; check < checks; ++check) {
    double sum = 0;
    for (std::size_t f = 0; f < folds; ++f) sum += loss[f][check];
    const double mean = sum / static_cast<double>(n);
    if (best.rounds == 0 || mean < best.cv_log_loss) {
      best.rounds = (check + 1) * kBoostingCheck;
      best.cv_log_loss = mean;
    }
  }
  best.loss = std::move(lead[best.rounds / kBoostingCheck - 1]);
  return best;
}

}  // namespace leadscore::calibration
