// Private helpers shared by the calibration files (src/calibrate/): the
// sparse row of a lead's features, diagnostics, number text, the as-of of a
// lead, and a deterministic parallel loop.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "leadscore/diagnostics.hpp"
#include "leadscore/time.hpp"

namespace leadscore::calibration {

/// One lead's features: (feature or column index, value) pairs, sorted by
/// index; only non-zero values are stored.
using SparseRow = std::vector<std::pair<std::uint32_t, double>>;

/// A diagnostic with code "calibration_error".
Diagnostic calibration_error(std::string message, std::string pointer = {});

/// The errors among `diagnostics` (warnings left out).
std::vector<Diagnostic> errors_of(const std::vector<Diagnostic>& diagnostics);

/// A number as rule ids, descriptions, goals and stage changes show it:
/// integers without decimals, else "%.6g".
std::string fmt(double v);
/// A number with a fixed number of decimals ("%.*f").
std::string fmt_fixed(double v, int decimals);

/// The instant lead i is evaluated at (`as_of` holds one for all or one per lead).
inline Instant as_of_at(std::span<const Instant> as_of, std::size_t i) {
  return as_of.size() == 1 ? as_of[0] : as_of[i];
}

/// A copy of `v` that a std::span<const bool> can view (std::vector<bool> is
/// not contiguous).
std::unique_ptr<bool[]> bool_array(const std::vector<bool>& v);

/// Runs body(i) for i in [0, n) on `threads` threads (0 = the cores) when n
/// is at least min_parallel. Every i writes its own result, so the output
/// does not depend on the number of threads.
template <class F>
void parallel_for(std::size_t n, unsigned threads, F&& body, std::size_t min_parallel = 1024) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (threads <= 1 || n < min_parallel || n < 2) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::vector<std::thread> pool;
  const std::size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = t * chunk;
    const std::size_t end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([begin, end, &body] {
      for (std::size_t i = begin; i < end; ++i) body(i);
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace leadscore::calibration
