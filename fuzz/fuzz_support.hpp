// Helpers shared by the fuzz targets (header only: fuzz/CMakeLists.txt builds
// one program per fuzz/*.cpp).
#pragma once

#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

namespace leadscore::fuzz {

/// Largest input a target looks at: bigger inputs return at once, so the
/// fuzzer spends its time on structure rather than on megabytes of text.
inline constexpr std::size_t kMaxInput = 64u << 10;

/// The evaluation instant of every target.
inline Instant fuzz_as_of() { return Instant{std::chrono::milliseconds{1'773'576'000'000}}; }

/// A Source (tests/support/random_config.hpp) reading the fuzzer's bytes;
/// once they run out, every draw is 0 (the first choice).
class ByteSource {
 public:
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint32_t below(std::uint32_t n) {
    if (n <= 1) return 0;
    std::uint32_t v = 0;
    if (pos_ < size_) v = data_[pos_++];
    if (n > 256 && pos_ < size_) v = (v << 8) | data_[pos_++];
    return v % n;
  }
  [[nodiscard]] std::size_t used() const noexcept { return pos_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// Aborts (a finding) with a message when `condition` is false.
inline void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
  }
}

inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Equal, and every score bit for bit.
inline bool identical(const Qualification& a, const Qualification& b) {
  return a == b && same_bits(a.fit, b.fit) && same_bits(a.engagement, b.engagement) &&
         same_bits(a.total, b.total);
}

inline bool same_facts(const DerivedFacts& a, const DerivedFacts& b) {
  return a.enrichment == b.enrichment && same_bits(a.completeness, b.completeness) &&
         a.email_domain == b.email_domain && a.free_email == b.free_email &&
         a.days_since_created == b.days_since_created &&
         a.days_since_last_activity == b.days_since_last_activity &&
         a.events_considered == b.events_considered && a.events_after_as_of == b.events_after_as_of;
}

}  // namespace leadscore::fuzz
