// leadscore/time.hpp — instants and ISO-8601 text.
//
// Time is always an input in leadscore: every evaluation takes an explicit
// `as_of` instant and the library never reads the wall clock. An Instant is a
// UTC point in time with millisecond precision.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "leadscore/export.hpp"

namespace leadscore {

/// A UTC instant with millisecond precision.
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

/// Milliseconds in one day; "days" in rules are 24-hour spans of UTC time.
inline constexpr std::int64_t kMillisPerDay = 86'400'000;

/// The instants parse_instant() reads and format_instant() writes so that
/// they read back: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (UTC).
inline constexpr Instant kFirstInstant{std::chrono::milliseconds{-62'135'596'800'000}};
inline constexpr Instant kLastInstant{std::chrono::milliseconds{253'402'300'799'999}};
/// Whether `t` lies in [kFirstInstant, kLastInstant].
constexpr bool in_instant_range(Instant t) noexcept {
  return t >= kFirstInstant && t <= kLastInstant;
}

/// Parses an ISO-8601 / RFC 3339 instant: `YYYY-MM-DD` (midnight UTC, no
/// zone), `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss[.f...]` (1 to 9 fraction
/// digits, kept to the millisecond) followed by `Z`/`z`, `+hh:mm`, `-hh:mm`,
/// `+hhmm` or nothing (nothing means UTC). A space or `t` may replace the
/// `T`. Returns nullopt on any malformed or out-of-range value (month 13,
/// 31 February, hour 25, second 60, ...). Years 0001..9999 only, in UTC:
/// an offset that moves the instant out of that range
/// (`0001-01-01T00:00:00+00:01`) is rejected too.
LEADSCORE_EXPORT std::optional<Instant> parse_instant(std::string_view text) noexcept;

/// Formats as `YYYY-MM-DDThh:mm:ssZ`, or `YYYY-MM-DDThh:mm:ss.fffZ` when the
/// instant has a sub-second part. parse_instant(format_instant(t)) == t for
/// years 0001..9999 (other years are written with a sign and do not parse).
LEADSCORE_EXPORT std::string format_instant(Instant t);

/// The UTC day number of an instant (days since 1970-01-01, floor division).
constexpr std::int64_t day_number(Instant t) noexcept {
  const std::int64_t ms = t.time_since_epoch().count();
  return ms >= 0 ? ms / kMillisPerDay : (ms + 1) / kMillisPerDay - 1;
}

/// (later - earlier) in fractional days. Computed in double, so it never
/// overflows (Instant::min() and Instant::max() included); exact for any two
/// instants of years 0001..9999.
constexpr double days_between(Instant earlier, Instant later) noexcept {
  return (static_cast<double>(later.time_since_epoch().count()) -
          static_cast<double>(earlier.time_since_epoch().count())) /
         static_cast<double>(kMillisPerDay);
}

}  // namespace leadscore
