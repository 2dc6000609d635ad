// Metrics of calibration: roc_auc() and lift_by_decile() (public), and the
// figures of a split (calibrate/metrics.hpp).
#include "calibrate/metrics.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>

#include "calibrate/common.hpp"

namespace leadscore {

double roc_auc(std::span<const double> scores, std::span<const bool> outcomes) {
  const std::size_t n = std::min(scores.size(), outcomes.size());
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  double pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[idx[j]] == scores[idx[i]]) ++j;
    const double avg_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // 1-based
    for (std::size_t k = i; k < j; ++k) {
      if (outcomes[idx[k]]) {
        rank_sum += avg_rank;
        pos += 1;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

namespace calibration {
namespace {

// Ten deciles of the leads by score, best first (ties in input order);
// none when there are fewer than 10 leads. With `predicted`, the mean
// predicted conversion of each decile.
std::vector<DecileRow> deciles(std::span<const double> scores, std::span<const bool> y,
                               const std::function<double(double)>& predicted) {
  std::vector<DecileRow> out;
  const std::size_t n = scores.size();
  std::size_t positives = 0;
  for (std::size_t i = 0; i < n; ++i) positives += y[i] ? 1u : 0u;
  const double base = n ? static_cast<double>(positives) / static_cast<double>(n) : 0;
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  for (std::size_t d = 0; d < 10 && n >= 10; ++d) {
    const std::size_t begin = d * n / 10;
    const std::size_t end = (d + 1) * n / 10;
    DecileRow row;
    row.leads = end - begin;
    row.max_total = scores[idx[begin]];
    row.min_total = scores[idx[end - 1]];
    double pred = 0;
    for (std::size_t k = begin; k < end; ++k) {
      if (y[idx[k]]) ++row.positives;
      if (predicted) pred += predicted(scores[idx[k]]);
    }
    row.predicted = predicted ? pred / static_cast<double>(row.leads) : 0;
    row.observed = static_cast<double>(row.positives) / static_cast<double>(row.leads);
    row.lift = base > 0 ? row.observed / base : 0;
    out.push_back(row);
  }
  return out;
}

std::vector<StageRow> stage_rows(const std::vector<Qualification>& qs, const std::vector<bool>& y,
                                 const std::vector<std::string_view>& stage_names) {
  std::vector<StageRow> stages(stage_names.size());
  for (std::size_t s = 0; s < stage_names.size(); ++s)
    stages[s].stage = std::string(stage_names[s]);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const std::size_t s = qs[i].stage_index < 0 ? stage_names.size() - 1
                                                : static_cast<std::size_t>(qs[i].stage_index);
    ++stages[s].leads;
    if (y[i]) ++stages[s].positives;
  }
  for (auto& s : stages) {
    s.conversion = s.leads ? static_cast<double>(s.positives) / static_cast<double>(s.leads) : 0;
  }
  return stages;
}

void histogram(const std::vector<double>& scores, const std::vector<bool>& y, SplitMetrics& m) {
  const auto [lo_it, hi_it] = std::minmax_element(scores.begin(), scores.end());
  const double lo = *lo_it;
  const double hi = *hi_it > lo ? *hi_it : lo + 1;
  constexpr std::size_t kBins = 20;
  for (std::size_t b = 0; b <= kBins; ++b) {
    m.histogram_edges.push_back(lo + (hi - lo) * static_cast<double>(b) / kBins);
  }
  m.histogram_converted.assign(kBins, 0);
  m.histogram_not_converted.assign(kBins, 0);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    auto b = static_cast<std::size_t>((scores[i] - lo) / (hi - lo) * kBins);
    b = std::min(b, kBins - 1);
    (y[i] ? m.histogram_converted : m.histogram_not_converted)[b] += 1;
  }
}

}  // namespace

SplitMetrics split_metrics(const std::vector<Qualification>& qs, const std::vector<bool>& y,
                           const std::vector<std::string_view>& stage_names,
                           const std::function<double(double)>& predicted) {
  SplitMetrics m;
  m.leads = qs.size();
  std::vector<double> scores(qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    scores[i] = qs[i].total;
    if (y[i]) ++m.positives;
  }
  if (qs.empty()) return m;
  const std::unique_ptr<bool[]> flags = bool_array(y);
  const std::span<const bool> outcomes(flags.get(), y.size());
  m.auc = roc_auc(scores, outcomes);
  m.deciles = deciles(scores, outcomes, predicted);
  m.stages = stage_rows(qs, y, stage_names);
  histogram(scores, y, m);
  return m;
}

double paired_z(const std::vector<double>& d, double& mean) {
  const std::size_t n = d.size();
  double sum = 0;
  for (double x : d) sum += x;
  mean = n ? sum / static_cast<double>(n) : 0.0;
  double ss = 0;
  for (double x : d) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(n > 1 ? n - 1 : 1));
  return sd > 0 ? mean / (sd / std::sqrt(static_cast<double>(n))) : 0.0;
}

}  // namespace calibration

std::vector<DecileRow> lift_by_decile(std::span<const double> scores,
                                      std::span<const bool> outcomes) {
  const std::size_t n = std::min(scores.size(), outcomes.size());
  return calibration::deciles(scores.first(n), outcomes.first(n), {});
}

}  // namespace leadscore
