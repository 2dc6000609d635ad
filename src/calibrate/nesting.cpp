// Nested rules (calibrate/nesting.hpp).
#include "calibrate/nesting.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace leadscore::calibration {
namespace {

// Can a column be an outer rule, an inner rule? (Both hold or not: value 1.)
bool binary(const Feature& f) { return f.kind != RuleKind::behavior; }
bool pair_cell(const Feature& f) { return f.candidate && f.group.find('*') != std::string::npos; }

}  // namespace

std::vector<Nesting> find_nestings(const std::vector<Feature>& features, const Design& design) {
  const std::size_t p = design.active.size();
  std::vector<std::size_t> support(p, 0);
  std::vector<std::size_t> together(p * p, 0);  // [a * p + b]: training leads where both hold
  for (const SparseRow& row : design.rows) {
    for (const auto& [a, va] : row) {
      ++support[a];
      for (const auto& [b, vb] : row) together[a * p + b] += a != b;
    }
  }
  std::vector<Nesting> pairs_first, others;
  for (std::size_t a = 0; a < p; ++a) {
    const Feature& outer = features[design.active[a]];
    if (!binary(outer) || pair_cell(outer) || support[a] == 0) continue;
    // The candidates nested in it, by group; their supports added up.
    std::map<std::string, std::pair<std::vector<std::size_t>, std::size_t>> nested;
    for (std::size_t b = 0; b < p; ++b) {
      const Feature& inner = features[design.active[b]];
      if (b == a || !inner.candidate || inner.kind != outer.kind || inner.group == outer.group ||
          support[b] == 0 || together[a * p + b] != support[b])
        continue;
      auto& [list, total] = nested[inner.group];
      list.push_back(design.active[b]);
      total += support[b];
    }
    for (auto& [group, entry] : nested) {
      if (entry.second != support[a] || entry.first.size() < 2) continue;
      Nesting n{design.active[a], std::move(entry.first)};
      (group.find('*') != std::string::npos ? pairs_first : others).push_back(std::move(n));
    }
  }
  pairs_first.insert(pairs_first.end(), others.begin(), others.end());
  return pairs_first;
}

void center_nestings(const std::vector<Nesting>& nestings, const std::vector<Feature>& features,
                     std::vector<double>& weight) {
  for (const Nesting& n : nestings) {
    double sum = 0, leads = 0;
    for (std::size_t j : n.inner) {
      sum += weight[j] * static_cast<double>(features[j].support);
      leads += static_cast<double>(features[j].support);
    }
    if (leads <= 0) continue;
    const double mean = sum / leads;
    weight[n.outer] += mean;
    for (std::size_t j : n.inner) weight[j] -= mean;
  }
}

}  // namespace leadscore::calibration
