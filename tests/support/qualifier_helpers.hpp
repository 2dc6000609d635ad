// GoogleTest helpers around Qualifier: build-or-fail, diagnostic lookup and
// bit-exact comparison of results.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore::test {

/// Builds `config`; a failed build is a test failure (with every diagnostic
/// printed) and then throws leadscore::Error out of the test body.
inline Qualifier build_ok(Config config, const BuildOptions& options = {}) {
  Result<Qualifier> result = Qualifier::build(std::move(config), options);
  if (!result.ok()) ADD_FAILURE() << "build failed:\n" << to_string(result.diagnostics());
  return std::move(result).value();
}

/// A configuration with only the given rules (and no stages).
inline Config config_with(std::vector<Rule> rules) {
  Config c;
  c.rules = std::move(rules);
  return c;
}

/// Everything a behaviour rule's Contribution counts, as one comparable
/// value: EXPECT_EQ(behavior_counts(c), (BehaviorCounts{...})) checks every
/// field at once and prints both sides when one differs.
struct BehaviorCounts {
  double points = 0;
  double uncapped_points = 0;
  bool capped = false;
  std::size_t matched_events = 0;
  std::size_t counted_events = 0;
  std::size_t over_daily_cap = 0;
  std::size_t outside_window = 0;
  double decay_factor_sum = 0;

  friend bool operator==(const BehaviorCounts&, const BehaviorCounts&) = default;
  friend std::ostream& operator<<(std::ostream& os, const BehaviorCounts& b) {
    return os << "{points " << b.points << ", uncapped_points " << b.uncapped_points << ", capped "
              << b.capped << ", matched_events " << b.matched_events << ", counted_events "
              << b.counted_events << ", over_daily_cap " << b.over_daily_cap << ", outside_window "
              << b.outside_window << ", decay_factor_sum " << b.decay_factor_sum << "}";
  }
};

inline BehaviorCounts behavior_counts(const Contribution& c) {
  return {c.points,         c.uncapped_points, c.capped,         c.matched_events,
          c.counted_events, c.over_daily_cap,  c.outside_window, c.decay_factor_sum};
}

/// Every field of derived facts (DerivedFacts has no operator==):
/// EXPECT_EQ(facts_fields(a), facts_fields(b)) prints both when one differs.
inline auto facts_fields(const DerivedFacts& f) {
  return std::tie(f.enrichment, f.completeness, f.email_domain, f.free_email, f.days_since_created,
                  f.days_since_last_activity, f.events_considered, f.events_after_as_of);
}

/// "<code> <pointer>: <message>" for each diagnostic, in order: a list of
/// diagnostics checked with one EXPECT_EQ, every entry printed on a failure.
inline std::vector<std::string> code_pointer_message(const std::vector<Diagnostic>& all) {
  std::vector<std::string> out;
  out.reserve(all.size());
  for (const Diagnostic& d : all) out.push_back(d.code + " " + d.pointer + ": " + d.message);
  return out;
}

/// The diagnostics of a build that must fail.
inline std::vector<Diagnostic> build_errors(Config config, const BuildOptions& options = {}) {
  Result<Qualifier> result = Qualifier::build(std::move(config), options);
  EXPECT_FALSE(result.ok()) << "the configuration unexpectedly built";
  return result.diagnostics();
}

/// The diagnostics with `code`.
inline std::vector<Diagnostic> with_code(const std::vector<Diagnostic>& all,
                                         std::string_view code) {
  std::vector<Diagnostic> out;
  for (const auto& d : all) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

inline std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

/// a == b, and every double bit for bit identical.
inline ::testing::AssertionResult identical(const Qualification& a, const Qualification& b) {
  if (!(a == b)) {
    return ::testing::AssertionFailure()
           << "results differ: stage " << a.stage << " vs " << b.stage << ", fit " << a.fit
           << " vs " << b.fit << ", engagement " << a.engagement << " vs " << b.engagement
           << ", grade " << a.grade << " vs " << b.grade << ", reason '" << a.reason << "' vs '"
           << b.reason << "'";
  }
  if (bits(a.fit) != bits(b.fit) || bits(a.engagement) != bits(b.engagement) ||
      bits(a.total) != bits(b.total)) {
    return ::testing::AssertionFailure() << "scores are equal but not bit-identical";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace leadscore::test
