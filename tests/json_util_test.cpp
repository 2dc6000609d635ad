// Tests of the JSON utilities, through the public API: diagnostics
// formatting (Diagnostic::to_string, to_string, has_errors, Error), the
// strict parser behind parse_config (syntax errors with line:column, invalid
// UTF-8, duplicate keys, limits) and locate() (JSON pointer -> line:column).
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"
#include "leadscore/limits.hpp"

namespace leadscore {
namespace {

Diagnostic make(std::string code, std::string pointer, std::string message,
                std::string suggestion = {}) {
  Diagnostic d;
  d.code = std::move(code);
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  d.suggestion = std::move(suggestion);
  return d;
}

/// The diagnostics of a configuration text that must fail to parse.
std::vector<Diagnostic> errors_of(std::string_view text, const Limits& limits = {}) {
  const Result<Config> result = parse_config(text, limits);
  EXPECT_FALSE(result.ok()) << text;
  return result.diagnostics();
}

// ---------------------------------------------------------------------------
// Diagnostics formatting
// ---------------------------------------------------------------------------

TEST(DiagnosticFormat, WithoutPosition) {
  const Diagnostic d =
      make("unknown_operator", "/rules/4/when/op", "unknown operator 'gtee'", "gte");
  EXPECT_EQ(
      d.to_string(),
      "error[unknown_operator] at /rules/4/when/op: unknown operator 'gtee' (did you mean 'gte'?)");
}

TEST(DiagnosticFormat, WithPositionAndNoSuggestion) {
  Diagnostic d = make("wrong_type", "/rules/0/points", "expected a number, got string");
  d.line = 3;
  d.column = 14;
  EXPECT_EQ(d.to_string(),
            "3:14: error[wrong_type] at /rules/0/points: expected a number, got string");
}

TEST(DiagnosticFormat, DocumentPointerAndWarning) {
  Diagnostic d = make("unreachable_stage", "", "stage 'SQL' can never be reached");
  d.severity = Severity::warning;
  EXPECT_FALSE(d.is_error());
  EXPECT_EQ(d.to_string(),
            "warning[unreachable_stage] at (document): stage 'SQL' can never be reached");
}

TEST(DiagnosticFormat, ListOnePerLine) {
  const std::vector<Diagnostic> list = {make("a", "/x", "first"), make("b", "", "second")};
  EXPECT_EQ(to_string(list), "error[a] at /x: first\nerror[b] at (document): second\n");
  EXPECT_EQ(to_string(std::vector<Diagnostic>{}), "");
}

TEST(DiagnosticFormat, HasErrors) {
  Diagnostic warning = make("w", "", "careful");
  warning.severity = Severity::warning;
  EXPECT_FALSE(has_errors({}));
  EXPECT_FALSE(has_errors({warning}));
  EXPECT_TRUE(has_errors({warning, make("e", "", "bad")}));
}

TEST(DiagnosticFormat, ErrorWhatIsFirstDiagnosticAndCount) {
  const Error single({make("missing_key", "/rules/0/id", "a rule needs an 'id'")});
  EXPECT_STREQ(single.what(), "error[missing_key] at /rules/0/id: a rule needs an 'id'");
  ASSERT_EQ(single.diagnostics().size(), 1u);

  const Error three({make("a", "/x", "one"), make("b", "/y", "two"), make("c", "/z", "three")});
  EXPECT_STREQ(three.what(), "error[a] at /x: one (and 2 more)");
  EXPECT_EQ(three.diagnostics().size(), 3u);
}

TEST(DiagnosticFormat, ErrorLeadsWithTheFirstErrorNotAWarning) {
  Diagnostic warning = make("w", "/a", "careful");
  warning.severity = Severity::warning;
  const Error e({warning, make("e", "/b", "bad")});
  EXPECT_STREQ(e.what(), "error[e] at /b: bad (and 1 more)");
}

TEST(DiagnosticFormat, ResultValueThrowsError) {
  const Result<Config> result = parse_config("{\"rules\": 3}");
  ASSERT_FALSE(result.ok());
  try {
    (void)result.value();
    FAIL() << "value() did not throw";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "1:11: error[wrong_type] at /rules: expected an array of rules, got number");
  }
}

// ---------------------------------------------------------------------------
// Syntax errors
// ---------------------------------------------------------------------------

TEST(StrictParse, SyntaxErrorHasLineAndColumn) {
  const auto d = errors_of("{\"version\": 1,\n  \"name\": tru}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 2u);
  EXPECT_EQ(d[0].column, 14u);  // the '}' that ends the bad literal
  EXPECT_NE(d[0].message.find("invalid literal"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].message.find("[json.exception"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].message.find("parse error at line"), std::string::npos) << d[0].message;
}

TEST(StrictParse, SyntaxErrorSaysWhatWasExpected) {
  const auto d = errors_of("{\"rules\": [\n  {\"id\": \"a\",}\n]}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 2u);
  EXPECT_EQ(d[0].column, 14u);
  EXPECT_NE(d[0].message.find("expected string literal"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].pointer, "/rules/0");
}

TEST(StrictParse, UnexpectedValueIsShownAtItsStart) {
  auto d = errors_of("{\"points\": 1 234}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].column, 14u);
  EXPECT_NE(d[0].message.find("unexpected number literal; expected '}'"), std::string::npos)
      << d[0].message;

  d = errors_of("{\"a\": 1,\n \"b\": 1e999}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 2u);
  EXPECT_EQ(d[0].column, 7u);
  EXPECT_NE(d[0].message.find("number overflow"), std::string::npos) << d[0].message;
}

TEST(StrictParse, UnexpectedEndOfInput) {
  auto d = errors_of("{\"name\": \"x\"");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_EQ(d[0].column, 13u);
  EXPECT_NE(d[0].message.find("end of input"), std::string::npos) << d[0].message;

  d = errors_of("");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_EQ(d[0].column, 1u);
}

TEST(StrictParse, EmptyViewAndWhitespaceOnly) {
  for (const std::string_view text : {std::string_view{}, std::string_view(" \n\t ")}) {
    const auto d = errors_of(text);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].code, "json_syntax");
    EXPECT_NE(d[0].message.find("unexpected end of input"), std::string::npos) << d[0].message;
  }
}

TEST(StrictParse, TrailingContent) {
  const auto d = errors_of("{}\n\n  x");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 3u);
  EXPECT_EQ(d[0].column, 3u);
}

TEST(StrictParse, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes but one column.
  const auto d = errors_of("{\"name\": \"é\" \"x\"}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_EQ(d[0].column, 14u);
}

TEST(StrictParse, InvalidUtf8IsReportedClearly) {
  auto d = errors_of("{\n  \"name\": \"ab\xFF\"\n}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_NE(d[0].message.find("invalid UTF-8"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].message.find("0xFF"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].line, 2u);
  EXPECT_EQ(d[0].column, 14u);

  // Overlong encoding of '/', and a truncated sequence at the end.
  d = errors_of("{\"name\": \"\xC0\xAF\"}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("invalid UTF-8"), std::string::npos);
  EXPECT_EQ(d[0].column, 11u);
  d = errors_of("{\"name\": \"\xE2\x82");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("invalid UTF-8"), std::string::npos);
  // Encoded surrogate U+D800.
  d = errors_of("{\"name\": \"\xED\xA0\x80\"}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("invalid UTF-8"), std::string::npos);
}

TEST(StrictParse, ValidUtf8AndEscapesAreAccepted) {
  const Result<Config> r = parse_config(
      "\xEF\xBB\xBF{\"name\": \"Caf\xC3\xA9 \\u00e9 \\ud83d\\ude00 \xF0\x9F\x98\x80\"}");
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  EXPECT_EQ(r->name, "Caf\xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80 \xF0\x9F\x98\x80");
}

TEST(StrictParse, ControlCharactersInMessagesAreEscaped) {
  const auto d = errors_of("{\"name\": \"a\nb\"}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "json_syntax");
  EXPECT_EQ(d[0].message.find('\n'), std::string::npos) << d[0].message;
}

// ---------------------------------------------------------------------------
// Duplicate keys
// ---------------------------------------------------------------------------

TEST(StrictParse, DuplicateKeyAtTopLevel) {
  const auto d = errors_of("{\n  \"name\": \"a\",\n  \"name\": \"b\"\n}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "duplicate_key");
  EXPECT_EQ(d[0].pointer, "/name");
  EXPECT_EQ(d[0].line, 3u);
  EXPECT_EQ(d[0].column, 3u);  // the repeated key itself
  EXPECT_NE(d[0].message.find("duplicate key 'name'"), std::string::npos) << d[0].message;
}

TEST(StrictParse, EveryDuplicateKeyIsReported) {
  const std::string text =
      "{\"rules\": [\n"
      "  {\"id\": \"a\", \"kind\": \"fit\", \"points\": 1},\n"
      "  {\"id\": \"b\", \"kind\": \"fit\", \"points\": 1, \"points\": 2},\n"
      "  {\"id\": \"c\", \"id\": \"d\", \"kind\": \"fit\"}\n"
      "]}";
  const auto d = errors_of(text);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "duplicate_key");
  EXPECT_EQ(d[0].pointer, "/rules/1/points");
  EXPECT_EQ(d[0].line, 3u);
  EXPECT_EQ(d[0].column, 43u);
  EXPECT_EQ(d[1].code, "duplicate_key");
  EXPECT_EQ(d[1].pointer, "/rules/2/id");
  EXPECT_EQ(d[1].line, 4u);
  EXPECT_EQ(d[1].column, 15u);
}

TEST(StrictParse, DuplicateKeyWithEscapesUsesTheDecodedKey) {
  // "a/b" and "a\/b" are the same key; the pointer escapes '/' as ~1.
  const auto d = errors_of("{\"options\": {\"a/b\": 1, \"a\\/b\": 2}}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "duplicate_key");
  EXPECT_EQ(d[0].pointer, "/options/a~1b");
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_EQ(d[0].column, 24u);
}

TEST(StrictParse, DuplicatesBeforeASyntaxErrorAreReportedToo) {
  const auto d = errors_of("{\"name\": \"a\", \"name\": \"b\", ]");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "duplicate_key");
  EXPECT_EQ(d[0].column, 15u);
  EXPECT_EQ(d[1].code, "json_syntax");
  EXPECT_EQ(d[1].column, 28u);
}

// ---------------------------------------------------------------------------
// Limits enforced while parsing
// ---------------------------------------------------------------------------

TEST(StrictParse, TextLargerThanMaxConfigBytes) {
  Limits limits;
  limits.max_config_bytes = 10;
  const auto d = errors_of("{\"name\": \"long enough\"}", limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "");
  EXPECT_NE(d[0].message.find("Limits::max_config_bytes"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].message.find("23 bytes"), std::string::npos) << d[0].message;
}

TEST(StrictParse, StringLongerThanMaxStringLength) {
  Limits limits;
  limits.max_string_length = 11;
  const auto d = errors_of("{\"name\": \"abc\",\n \"description\": \"abcdefghijkl\"}", limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "/description");
  EXPECT_EQ(d[0].line, 2u);
  EXPECT_EQ(d[0].column, 17u);
  EXPECT_NE(d[0].message.find("Limits::max_string_length"), std::string::npos) << d[0].message;
}

TEST(StrictParse, KeyLongerThanMaxStringLength) {
  Limits limits;
  limits.max_string_length = 5;
  const auto d = errors_of("{\"abcdefgh\": 1}", limits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_EQ(d[0].pointer, "");
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_EQ(d[0].column, 1u);
  EXPECT_NE(d[0].message.find("object key"), std::string::npos) << d[0].message;
}

TEST(StrictParse, NestingDeeperThanTheLimitStops) {
  std::string text = "{\"stages\": [{\"name\": \"x\", \"when\": ";
  for (int i = 0; i < 200; ++i) text += "{\"not\": ";
  text += "{\"all\": []}";
  for (int i = 0; i < 200; ++i) text += "}";
  text += "}]}";
  const auto d = errors_of(text);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "limit_exceeded");
  EXPECT_NE(d[0].message.find("nesting deeper than"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].pointer.rfind("/stages/0/when/not/not", 0), 0u) << d[0].pointer;
  EXPECT_EQ(d[0].line, 1u);
  EXPECT_GT(d[0].column, 1u);
}

TEST(StrictParse, HugeNestingIsSafe) {
  const std::string text(200'000, '[');
  const auto d = errors_of(text);
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].code, "limit_exceeded");
}

// ---------------------------------------------------------------------------
// locate(): pointers to positions
// ---------------------------------------------------------------------------

constexpr std::string_view kNested =
    "{\n"
    "  \"rules\": [\n"
    "    {\"id\": \"a\"},\n"
    "    {\"id\": \"b\", \"when\": {\"all\": [\n"
    "      {\"field\": \"x\", \"op\": \"gte\", \"value\": 5}\n"
    "    ]}}\n"
    "  ],\n"
    "  \"a/b\": {\"m~n\": true}\n"
    "}";

struct Pos {
  std::size_t line;
  std::size_t column;
  friend bool operator==(const Pos&, const Pos&) = default;
};

std::ostream& operator<<(std::ostream& os, const Pos& p) { return os << p.line << ":" << p.column; }

Pos locate_one(std::string_view text, std::string pointer) {
  std::vector<Diagnostic> d = {make("x", std::move(pointer), "m")};
  locate(d, text);
  return {d[0].line, d[0].column};
}

TEST(Locate, NestedPointers) {
  EXPECT_EQ(locate_one(kNested, ""), (Pos{1, 1}));
  EXPECT_EQ(locate_one(kNested, "/rules"), (Pos{2, 12}));
  EXPECT_EQ(locate_one(kNested, "/rules/0"), (Pos{3, 5}));
  EXPECT_EQ(locate_one(kNested, "/rules/1/id"), (Pos{4, 12}));
  EXPECT_EQ(locate_one(kNested, "/rules/1/when"), (Pos{4, 25}));
  EXPECT_EQ(locate_one(kNested, "/rules/1/when/all/0"), (Pos{5, 7}));
  EXPECT_EQ(locate_one(kNested, "/rules/1/when/all/0/op"), (Pos{5, 28}));
  EXPECT_EQ(locate_one(kNested, "/rules/1/when/all/0/value"), (Pos{5, 44}));
}

TEST(Locate, EscapedTokens) {
  EXPECT_EQ(locate_one(kNested, "/a~1b"), (Pos{8, 10}));
  EXPECT_EQ(locate_one(kNested, "/a~1b/m~0n"), (Pos{8, 18}));
}

TEST(Locate, DeeperThanTheTextGivesTheInnermostValue) {
  // /rules/0/when does not exist: the rule object is the innermost value.
  EXPECT_EQ(locate_one(kNested, "/rules/0/when/op"), (Pos{3, 5}));
  // Index past the end of the array: the array.
  EXPECT_EQ(locate_one(kNested, "/rules/7/id"), (Pos{2, 12}));
  // Unknown top-level key: the document.
  EXPECT_EQ(locate_one(kNested, "/nope"), (Pos{1, 1}));
}

TEST(Locate, KeepsExistingPositionsAndLocatesMany) {
  std::vector<Diagnostic> d = {make("a", "/rules/1/id", "m"), make("b", "/rules/0", "m"),
                               make("c", "/rules/1/when/all/0/value", "m")};
  d[1].line = 40;
  d[1].column = 2;
  locate(d, kNested);
  EXPECT_EQ((Pos{d[0].line, d[0].column}), (Pos{4, 12}));
  EXPECT_EQ((Pos{d[1].line, d[1].column}), (Pos{40, 2}));
  EXPECT_EQ((Pos{d[2].line, d[2].column}), (Pos{5, 44}));
}

TEST(Locate, FirstOccurrenceOfAKeyAndScalarsAtTheRoot) {
  EXPECT_EQ(locate_one("  42", ""), (Pos{1, 3}));
  EXPECT_EQ(locate_one("[1, [2, 3]]", "/1/1"), (Pos{1, 9}));
  EXPECT_EQ(locate_one("{\"k\\u0041\": 1}", "/kA"), (Pos{1, 13}));
}

TEST(Locate, InvalidTextLocatesWhatCanBeSeen) {
  // The value of /a is seen before the syntax error.
  EXPECT_EQ(locate_one("{\"a\": 1, \"b\": }", "/a"), (Pos{1, 7}));
  EXPECT_EQ(locate_one("", "/a"), (Pos{0, 0}));
}

}  // namespace
}  // namespace leadscore
