// Tests of the public text helpers: format_number() and suggest()
// (leadscore/text.hpp), and the JSON text writers of leadscore/io.hpp
// (append_json_string, append_json_number, append_json_summary).
#include "leadscore/text.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/qualifier.hpp"

#include "core/text.hpp"

namespace leadscore {
namespace {

// ---------------------------------------------------------------------------
// format_number
// ---------------------------------------------------------------------------

// What LeadState counts of a saved lead's strings against max_lead_bytes:
// never less than what the JSON writer writes (escapes, U+FFFD for bad
// UTF-8), whether the special bytes fall in an 8-byte word or the tail.
TEST(JsonStringBytes, AtLeastWhatTheWriterWritesAndExactForPlainText) {
  const std::vector<std::string> plain = {"a", "Z", " ", "~", "\x7f"};
  const std::vector<std::string> special = {"\x01", "\x1f",     "\n",   "\"",
                                            "\\",   "\xC3\xA9", "\xFF", "\xE2\x82"};
  std::mt19937 rng(20261207);
  for (int round = 0; round < 4000; ++round) {
    const std::size_t pieces = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
    const bool only_plain = round % 2 == 0;
    std::string s;
    for (std::size_t i = 0; i < pieces; ++i) {
      const bool take_special = !only_plain && rng() % 6 == 0;
      const auto& from = take_special ? special : plain;
      s += from[rng() % from.size()];
    }
    const std::size_t written =
        nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
    EXPECT_GE(detail::json_string_bytes(s), written) << "round " << round;
    if (only_plain) {
      EXPECT_EQ(detail::json_string_bytes(s), written) << "round " << round;
    }
  }
  EXPECT_EQ(detail::json_string_bytes(""), 2U);
  EXPECT_EQ(detail::json_string_bytes("abcdefgh\x01"), 2U + 8 + 6);  // in the tail
  EXPECT_EQ(detail::json_string_bytes("ab\"defgh"), 2U + 7 + 2);     // inside a word
}

TEST(FormatNumber, IntegralValuesHaveNoDecimals) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(12), "12");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(125.0), "125");
  EXPECT_EQ(format_number(999999999999999.0), "999999999999999");
  EXPECT_EQ(format_number(12, 0), "12");
  EXPECT_EQ(format_number(100, 0), "100");  // no trailing zero is removed from an integer
}

TEST(FormatNumber, OtherValuesHaveAtMostFourDecimals) {
  EXPECT_EQ(format_number(35.107713), "35.1077");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(-2.25), "-2.25");
  EXPECT_EQ(format_number(0.92052), "0.9205");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(format_number(1.99999), "2");
  EXPECT_EQ(format_number(1234.56789), "1234.5679");
}

TEST(FormatNumber, ValuesThatRoundToZeroPrintAsZero) {
  EXPECT_EQ(format_number(0.00001), "0");
  EXPECT_EQ(format_number(-0.00001), "0");
  EXPECT_EQ(format_number(-0.4, 0), "0");
}

TEST(FormatNumber, ChosenPrecision) {
  EXPECT_EQ(format_number(14.2857, 1), "14.3");
  EXPECT_EQ(format_number(57.14, 1), "57.1");
  EXPECT_EQ(format_number(113406.4, 0), "113406");
  EXPECT_EQ(format_number(0.33333, 2), "0.33");
  EXPECT_EQ(format_number(0.5, 2), "0.5");
  EXPECT_EQ(format_number(2.0 / 3.0, 99), format_number(2.0 / 3.0, 17));  // clamped
  EXPECT_EQ(format_number(2.5, -3), format_number(2.5, 0));
}

TEST(FormatNumber, HugeAndNonFiniteValues) {
  EXPECT_EQ(format_number(1e20), "100000000000000000000");
  EXPECT_EQ(format_number(1e300).size(), 301u);  // all digits, nothing cut
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_number(std::nan("")), "nan");
}

// ---------------------------------------------------------------------------
// suggest
// ---------------------------------------------------------------------------

TEST(Suggest, NearestCandidateCaseInsensitive) {
  const std::vector<std::string_view> ops{"gte", "gt", "lte", "between"};
  EXPECT_EQ(suggest("gtee", ops), "gte");
  EXPECT_EQ(suggest("BETWEN", ops), "between");
  EXPECT_EQ(suggest("xyz", ops), "");
}

TEST(Suggest, AllowedDistanceGrowsWithTheLength) {
  const std::vector<std::string> names{"abc", "abcdefg", "abcdefghij"};
  EXPECT_EQ(suggest("abx", names), "abc");          // 1 edit for 3 letters
  EXPECT_EQ(suggest("axx", names), "");             // 2 edits: too many
  EXPECT_EQ(suggest("abcdexx", names), "abcdefg");  // 2 edits for 7 letters
  EXPECT_EQ(suggest("abcdefgxyz", std::vector<std::string>{"abcdefghij"}),
            "abcdefghij");  // 3 edits for 10 letters
  EXPECT_EQ(suggest("abcdwxyz", std::vector<std::string>{"abcdefgh"}), "");  // 4: too many
  EXPECT_EQ(suggest("--tdreads", std::vector<std::string>{"--threads"}), "--threads");
}

TEST(Suggest, FirstOfEquallyNearCandidates) {
  EXPECT_EQ(suggest("cat", std::vector<std::string>{"bat", "hat"}), "bat");
  EXPECT_EQ(suggest("x", std::vector<std::string>{}), "");
}

// ---------------------------------------------------------------------------
// JSON text
// ---------------------------------------------------------------------------

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string json_number(double value) {
  std::string out;
  append_json_number(out, value);
  return out;
}

TEST(JsonText, StringEscapes) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_string("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(JsonText, EachByteOfInvalidUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(json_string("a\xFFz"), "\"a\\ufffdz\"");
  // A truncated sequence: each of its bytes.
  EXPECT_EQ(json_string("\xE2\x82z"), "\"\\ufffd\\ufffdz\"");
  EXPECT_EQ(json_string("end\xE2\x82"), "\"end\\ufffd\\ufffd\"");
  // Overlong form, surrogate, above U+10FFFF.
  EXPECT_EQ(json_string("\xC0\xAF"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
  // The output reads back as JSON.
  EXPECT_EQ(nlohmann::json::parse(json_string("x\xFF")).get<std::string>(), "x\xEF\xBF\xBD");
}

TEST(JsonText, Numbers) {
  EXPECT_EQ(json_number(0), "0");
  EXPECT_EQ(json_number(-0.0), "0");
  EXPECT_EQ(json_number(90), "90");
  EXPECT_EQ(json_number(35.107713), "35.107713");
  EXPECT_EQ(json_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(json_number(1e17), "1e+17");
  EXPECT_EQ(json_number(std::nan("")), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonText, SummaryHasTheValuesOfToJsonInTheRecordOrder) {
  const Qualifier q = Qualifier::with_default_config();
  Lead lead;
  lead.id = "L-1";
  lead.job_title = "Student";
  lead.contact.email = "a@example.org";
  const Instant as_of = parse_instant("2026-11-22T00:00:00Z").value();
  for (const Qualification& r : {q.qualify(Lead{}, as_of), q.qualify(lead, as_of)}) {
    std::string text = "{";
    append_json_summary(text, r);
    text += "}";
    nlohmann::json expected = to_json(r);
    expected.erase("fit_grade");
    expected.erase("engagement_grade");
    EXPECT_EQ(nlohmann::json::parse(text), expected) << text;
    EXPECT_EQ(text.rfind("{\"stage\":", 0), 0u) << text;
    EXPECT_NE(text.find("\"grade\":"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace leadscore
