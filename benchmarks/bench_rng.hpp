// Deterministic randomness for the benchmark inputs (bench_support.hpp,
// crm31/workload.hpp).
//
// std::mt19937 with fixed seeds, using only the raw generator output (never
// std::*_distribution, whose results differ between standard libraries), so
// every run and every machine sees the same inputs.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace bench {

class Rng {
 public:
  explicit Rng(std::uint32_t seed) : g_(seed) {}
  /// Uniform integer in [0, n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(g_() % n); }
  /// Uniform double in [0, 1).
  double unit() { return static_cast<double>(g_()) / 4294967296.0; }
  /// True with probability p.
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<std::uint32_t>(v.size()))];
  }

 private:
  std::mt19937 g_;
};

}  // namespace bench
