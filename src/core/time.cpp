// Instants as ISO-8601 text. Hand-written: no locale, no wall clock, no
// allocation while parsing.
#include "leadscore/time.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadscore {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

/// A tiny cursor over the text being parsed.
class Cursor {
 public:
  explicit constexpr Cursor(std::string_view text) noexcept : text_(text) {}

  [[nodiscard]] constexpr bool done() const noexcept { return pos_ == text_.size(); }
  [[nodiscard]] constexpr char peek() const noexcept { return done() ? '\0' : text_[pos_]; }

  /// Consumes `c` if it is next.
  constexpr bool eat(char c) noexcept {
    if (done() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  /// Reads exactly `count` ASCII digits as a number.
  constexpr bool digits(std::size_t count, int& out) noexcept {
    if (text_.size() - pos_ < count) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    out = value;
    return true;
  }

  /// Reads a fraction of 1..9 digits; returns its milliseconds (truncated).
  constexpr bool fraction_millis(int& millis) noexcept {
    std::size_t count = 0;
    int value = 0;
    while (!done() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (count < 3) value = value * 10 + (text_[pos_] - '0');
      ++count;
      ++pos_;
    }
    if (count == 0 || count > 9) return false;
    for (std::size_t i = count; i < 3; ++i) value *= 10;
    millis = value;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Parses the zone suffix: `Z`, `z`, `+hh:mm`, `-hh:mm`, `+hhmm`, `-hhmm`,
/// or nothing. Sets the offset east of UTC, in minutes.
constexpr bool parse_zone(Cursor& in, int& offset_minutes) noexcept {
  offset_minutes = 0;
  if (in.done()) return true;
  if (in.eat('Z') || in.eat('z')) return in.done();
  int sign = 0;
  if (in.eat('+')) {
    sign = 1;
  } else if (in.eat('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hh = 0;
  int mm = 0;
  if (!in.digits(2, hh)) return false;
  in.eat(':');  // optional separator: +hh:mm and +hhmm
  if (!in.digits(2, mm)) return false;
  if (hh > 23 || mm > 59) return false;
  offset_minutes = sign * (hh * 60 + mm);
  return in.done();
}

/// Appends `value` as at least `width` decimal digits (value >= 0).
void append_digits(std::string& out, std::int64_t value, int width) {
  std::array<char, 24> buf{};
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value > 0 && n < buf.size());
  for (auto i = static_cast<std::size_t>(width > 0 ? width : 0); i > n; --i) out += '0';
  while (n > 0) out += buf[--n];
}

/// Civil date of a day number, for days outside std::chrono's year range
/// (-32767..32767). Howard Hinnant's days_to_civil in 64-bit arithmetic.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint64_t>(z - era * 146097);                    // [0, 146096]
  const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::uint64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

std::optional<Instant> parse_instant(std::string_view text) noexcept {
  Cursor in(text);
  int y = 0;
  int mo = 0;
  int d = 0;
  if (!in.digits(4, y) || !in.eat('-') || !in.digits(2, mo) || !in.eat('-') || !in.digits(2, d)) {
    return std::nullopt;
  }
  if (y < 1) return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;  // month 13, 31 February, 29 February 2026, day 0, ...
  const auto midnight = std::chrono::time_point_cast<std::chrono::milliseconds>(sys_days{date});

  // A date alone means midnight UTC; it takes no zone.
  if (in.done()) return midnight;

  if (!(in.eat('T') || in.eat('t') || in.eat(' '))) return std::nullopt;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  int millis = 0;
  if (!in.digits(2, hh) || !in.eat(':') || !in.digits(2, mm)) return std::nullopt;
  if (in.eat(':')) {
    if (!in.digits(2, ss)) return std::nullopt;
    if (in.eat('.') && !in.fraction_millis(millis)) return std::nullopt;
  }
  // Leap seconds (ss == 60) are rejected: an Instant has no room for them.
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  int offset_minutes = 0;
  if (!parse_zone(in, offset_minutes)) return std::nullopt;

  const Instant t = midnight + std::chrono::hours{hh} + std::chrono::minutes{mm - offset_minutes} +
                    std::chrono::seconds{ss} + std::chrono::milliseconds{millis};
  // An offset may move the instant out of years 0001..9999 (in UTC), which
  // format_instant() would write as year 0 or 10000 and nothing reads back.
  if (!in_instant_range(t)) return std::nullopt;
  return t;
}

std::string format_instant(Instant t) {
  // Floor division without overflow, valid for every representable Instant.
  const std::int64_t ms = t.time_since_epoch().count();
  std::int64_t days = ms / kMillisPerDay;
  std::int64_t ms_of_day = ms % kMillisPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMillisPerDay;
    --days;
  }

  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  // std::chrono's calendar covers years -32767..32767 (about +-11.9 million days).
  constexpr std::int64_t kChronoDayRange = 11'000'000;
  if (days > -kChronoDayRange && days < kChronoDayRange) {
    const year_month_day date{sys_days{std::chrono::days{days}}};
    y = static_cast<int>(date.year());
    m = static_cast<unsigned>(date.month());
    d = static_cast<unsigned>(date.day());
  } else {
    civil_from_days(days, y, m, d);
  }

  std::string out;
  out.reserve(32);
  // Years outside 0000..9999 use the ISO-8601 expanded form (sign and more
  // digits); parse_instant accepts 0001..9999 only.
  if (y < 0) {
    out += '-';
    append_digits(out, -y, 4);
  } else {
    if (y > 9999) out += '+';
    append_digits(out, y, 4);
  }
  out += '-';
  append_digits(out, m, 2);
  out += '-';
  append_digits(out, d, 2);
  out += 'T';
  append_digits(out, ms_of_day / 3'600'000, 2);
  out += ':';
  append_digits(out, ms_of_day / 60'000 % 60, 2);
  out += ':';
  append_digits(out, ms_of_day / 1'000 % 60, 2);
  if (const std::int64_t millis = ms_of_day % 1'000; millis != 0) {
    out += '.';
    append_digits(out, millis, 3);
  }
  out += 'Z';
  return out;
}

}  // namespace leadscore
