// Tests of leadscore/time.hpp: parse_instant, format_instant, day_number,
// days_between; and of the Origin names in leadscore/lead.hpp.
#include "leadscore/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "leadscore/lead.hpp"

#include "support/lead_builder.hpp"

namespace leadscore {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using namespace std::chrono_literals;
using test::utc;  // the instant at y-m-d h:mi:s.ms UTC, computed independently of the parser

Instant at_ms(std::int64_t ms) { return Instant{milliseconds{ms}}; }

TEST(ParseInstant, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(parse_instant("2026-10-01"), utc(2026, 10, 1));
  EXPECT_EQ(parse_instant("1970-01-01"), at_ms(0));
}

TEST(ParseInstant, HoursAndMinutes) {
  EXPECT_EQ(parse_instant("2026-10-01T09:30"), utc(2026, 10, 1, 9, 30));
  EXPECT_EQ(parse_instant("2026-10-01T09:30Z"), utc(2026, 10, 1, 9, 30));
}

TEST(ParseInstant, Seconds) {
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15"), utc(2026, 10, 1, 9, 30, 15));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15Z"), utc(2026, 10, 1, 9, 30, 15));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15z"), utc(2026, 10, 1, 9, 30, 15));
  EXPECT_EQ(parse_instant("2026-10-01t09:30:15Z"), utc(2026, 10, 1, 9, 30, 15));
}

TEST(ParseInstant, SpaceInsteadOfT) {
  EXPECT_EQ(parse_instant("2026-10-01 09:30:15"), utc(2026, 10, 1, 9, 30, 15));
  EXPECT_EQ(parse_instant("2026-10-01 09:30"), utc(2026, 10, 1, 9, 30));
}

TEST(ParseInstant, FractionalSecondsKeepMillisecondsAndTruncate) {
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.1Z"), utc(2026, 10, 1, 9, 30, 15, 100));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.12Z"), utc(2026, 10, 1, 9, 30, 15, 120));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.123Z"), utc(2026, 10, 1, 9, 30, 15, 123));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.1239Z"), utc(2026, 10, 1, 9, 30, 15, 123));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.999999999Z"), utc(2026, 10, 1, 9, 30, 15, 999));
  EXPECT_EQ(parse_instant("2026-10-01T09:30:15.000"), utc(2026, 10, 1, 9, 30, 15));
}

TEST(ParseInstant, Offsets) {
  const Instant expected = utc(2026, 10, 1, 7, 30);
  EXPECT_EQ(parse_instant("2026-10-01T09:30:00+02:00"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T09:30+0200"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T04:00:00-03:30"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T04:00-0330"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T07:30:00+00:00"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T07:30:00-00:00"), expected);
  EXPECT_EQ(parse_instant("2026-10-01T09:30:00.250+02:00"), expected + 250ms);
}

TEST(ParseInstant, OffsetsCrossDayMonthAndYear) {
  EXPECT_EQ(parse_instant("2027-01-01T01:00:00+02:00"), utc(2026, 12, 31, 23));
  EXPECT_EQ(parse_instant("2026-12-31T23:00:00-01:00"), utc(2027, 1, 1));
  EXPECT_EQ(parse_instant("2024-03-01T00:30+01:00"), utc(2024, 2, 29, 23, 30));
}

TEST(ParseInstant, LeapDays) {
  EXPECT_EQ(parse_instant("2024-02-29"), utc(2024, 2, 29));
  EXPECT_EQ(parse_instant("2000-02-29T12:00:00Z"), utc(2000, 2, 29, 12));
  EXPECT_EQ(parse_instant("2026-02-29"), std::nullopt);  // not a leap year
  EXPECT_EQ(parse_instant("1900-02-29"), std::nullopt);  // divisible by 100, not by 400
  EXPECT_EQ(parse_instant("2024-02-30"), std::nullopt);
}

TEST(ParseInstant, YearRange) {
  EXPECT_EQ(parse_instant("0001-01-01"), utc(1, 1, 1));
  EXPECT_EQ(parse_instant("9999-12-31T23:59:59.999Z"), utc(9999, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(parse_instant("0000-01-01"), std::nullopt);
  EXPECT_EQ(parse_instant("1969-12-31T23:59:59.999Z"), at_ms(-1));
}

TEST(ParseInstant, RejectsMalformedAndOutOfRange) {
  for (const std::string_view bad : {
           "",
           "2026",
           "2026-10",
           "26-10-01",
           "2026-1-01",
           "2026-10-1",
           "2026/10/01",
           "20261001",
           "2026-13-01",
           "2026-00-10",
           "2026-10-00",
           "2026-04-31",
           "2026-10-32",
           "2026-10-01T",
           "2026-10-01T9:30",
           "2026-10-01T09",
           "2026-10-01T09:3",
           "2026-10-01T0930",
           "2026-10-01T24:00",
           "2026-10-01T23:60",
           "2026-10-01T23:59:60",  // leap seconds are rejected
           "2026-10-01T23:59:61",
           "2026-10-01T09:30:1",
           "2026-10-01T09:30:15.",
           "2026-10-01T09:30:15.1234567890Z",  // 10 fraction digits
           "2026-10-01T09:30:15,5Z",
           "2026-10-01T09:30.5Z",
           "2026-10-01T09:30:15ZZ",
           "2026-10-01T09:30:15Z ",
           " 2026-10-01T09:30:15Z",
           "2026-10-01T09:30:15+02",
           "2026-10-01T09:30:15+2:00",
           "2026-10-01T09:30:15+02:0",
           "2026-10-01T09:30:15+24:00",
           "2026-10-01T09:30:15+02:60",
           "2026-10-01T09:30:15 +02:00",
           "2026-10-01T09:30:15UTC",
           "2026-10-01Z",  // a date alone takes no zone
           "2026-10-01+02:00",
           "2026-10-01X09:30",
           "2026-10-01T09:30:15Zjunk",
           "-2026-10-01",
           "+2026-10-01",
           "２０２６-10-01",
       }) {
    EXPECT_EQ(parse_instant(bad), std::nullopt) << "accepted: \"" << bad << "\"";
  }
  // An embedded NUL is not the end of the text.
  EXPECT_EQ(parse_instant(std::string_view("2026-10-01\0", 11)), std::nullopt);
}

TEST(FormatInstant, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(format_instant(utc(2026, 10, 1, 9, 30)), "2026-10-01T09:30:00Z");
  EXPECT_EQ(format_instant(at_ms(0)), "1970-01-01T00:00:00Z");
}

TEST(FormatInstant, MillisecondsWhenPresent) {
  EXPECT_EQ(format_instant(utc(2026, 10, 1, 9, 30, 15, 5)), "2026-10-01T09:30:15.005Z");
  EXPECT_EQ(format_instant(utc(2026, 10, 1, 9, 30, 15, 120)), "2026-10-01T09:30:15.120Z");
  EXPECT_EQ(format_instant(at_ms(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(FormatInstant, YearsOutsideFourDigitsUseTheExpandedForm) {
  EXPECT_EQ(format_instant(utc(1, 1, 1)), "0001-01-01T00:00:00Z");
  EXPECT_EQ(format_instant(utc(12345, 6, 7)), "+12345-06-07T00:00:00Z");
  EXPECT_EQ(format_instant(utc(-44, 3, 15)), "-0044-03-15T00:00:00Z");
  // Past day 11'000'000 the formatter leaves std::chrono's calendar for its
  // own 64-bit arithmetic; both sides of the switch agree.
  EXPECT_EQ(format_instant(utc(32087, 1, 1)), "+32087-01-01T00:00:00Z");
  EXPECT_EQ(format_instant(utc(32767, 12, 31, 23, 59, 59, 1)), "+32767-12-31T23:59:59.001Z");
  EXPECT_EQ(format_instant(utc(-32767, 1, 1)), "-32767-01-01T00:00:00Z");
  // Every representable instant formats without overflow, even beyond
  // std::chrono's calendar range.
  EXPECT_EQ(format_instant(Instant::max()), "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(format_instant(Instant::min()), "-292275055-05-16T16:47:04.192Z");
}

TEST(FormatInstant, RoundTrip) {
  for (const Instant t :
       {at_ms(0), at_ms(1), at_ms(-1), at_ms(999), at_ms(-86'400'000),
        utc(2024, 2, 29, 23, 59, 59, 999), utc(1, 1, 1), utc(9999, 12, 31, 23, 59, 59, 999),
        utc(1600, 3, 1, 0, 0, 0, 1), utc(2026, 11, 20, 10)}) {
    const std::string text = format_instant(t);
    EXPECT_EQ(parse_instant(text), t) << text;
  }
  // And text in canonical form comes back unchanged.
  for (const std::string_view text :
       {"2026-11-20T10:00:00Z", "2026-11-20T10:00:00.001Z", "0001-01-01T00:00:00Z"}) {
    const auto t = parse_instant(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(format_instant(*t), text);
  }
}

TEST(DayNumber, FloorsTowardsNegativeInfinity) {
  EXPECT_EQ(day_number(at_ms(0)), 0);
  EXPECT_EQ(day_number(at_ms(kMillisPerDay - 1)), 0);
  EXPECT_EQ(day_number(at_ms(kMillisPerDay)), 1);
  EXPECT_EQ(day_number(at_ms(-1)), -1);
  EXPECT_EQ(day_number(at_ms(-kMillisPerDay)), -1);
  EXPECT_EQ(day_number(at_ms(-kMillisPerDay - 1)), -2);
  EXPECT_EQ(day_number(utc(1969, 12, 31, 12)), -1);
  EXPECT_EQ(day_number(utc(2026, 10, 1, 23, 59, 59, 999)),
            std::chrono::sys_days{std::chrono::year{2026} / 10 / 1}.time_since_epoch().count());
  static_assert(day_number(Instant{milliseconds{-1}}) == -1);
}

TEST(DaysBetween, FractionalAndSigned) {
  const Instant a = utc(2026, 10, 1);
  EXPECT_DOUBLE_EQ(days_between(a, a), 0.0);
  EXPECT_DOUBLE_EQ(days_between(a, a + days{3}), 3.0);
  EXPECT_DOUBLE_EQ(days_between(a, a + hours{36}), 1.5);
  EXPECT_DOUBLE_EQ(days_between(a + hours{6}, a), -0.25);
  EXPECT_DOUBLE_EQ(days_between(utc(2024, 2, 28), utc(2024, 3, 1)), 2.0);
}

TEST(Origin, NamesAndParsing) {
  EXPECT_EQ(to_string(Origin::inbound), "inbound");
  EXPECT_EQ(to_string(Origin::outbound), "outbound");
  EXPECT_EQ(to_string(Origin::unknown), "unknown");
  for (const Origin o : {Origin::unknown, Origin::inbound, Origin::outbound}) {
    EXPECT_EQ(parse_origin(to_string(o)), o);
  }
  EXPECT_EQ(parse_origin("InBound"), Origin::inbound);
  EXPECT_EQ(parse_origin("OUTBOUND"), Origin::outbound);
  EXPECT_EQ(parse_origin("Unknown"), Origin::unknown);
  EXPECT_EQ(parse_origin(""), std::nullopt);
  EXPECT_EQ(parse_origin("inbond"), std::nullopt);
  EXPECT_EQ(parse_origin(" inbound"), std::nullopt);
  EXPECT_EQ(parse_origin("inbound "), std::nullopt);
}

}  // namespace
}  // namespace leadscore
