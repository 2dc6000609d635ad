// The simdjson reader of the command-line tool (tools/lead_fast_json.hpp)
// against the reference, parse_lead: for every text, either the fast reader
// declines, or parse_lead succeeds without a diagnostic and both leads are
// identical, every double bit for bit. Inputs: the bundled lead files,
// thousands of random leads written in several styles, number and string
// edge cases, and thousands of broken or mutated texts. The tool itself is
// then run with both readers on a mixed file: byte-identical outputs.
#include <gtest/gtest.h>

#ifndef LEADSCORE_TEST_FAST_JSON

TEST(LeadFastJson, NotBuilt) {
  GTEST_SKIP() << "the leadscore tool (and its fast JSONL reader) is not part of this build";
}

#else

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

#include "lead_fast_json.hpp"
#include "support/files.hpp"
#include "support/numbered.hpp"
#include "support/random_config.hpp"
#include "support/random_leads.hpp"
#include <sys/wait.h>
#include <unistd.h>

namespace leadscore {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using test::read_text;
using test::source_dir;

/// The non-empty lines of `text`, without a trailing '\r'.
std::vector<std::string> nonempty_lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& line : test::lines_of(text)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Comparing leads bit for bit
// ---------------------------------------------------------------------------

void put(std::string& out, double d) {
  out += "d:";
  out += std::to_string(std::bit_cast<std::uint64_t>(d));
  out += ';';
}
/// `tag`, then `n`, then ':' (a length or count in the fingerprint).
void put_count(std::string& out, char tag, std::size_t n) {
  out += tag;
  out += std::to_string(n);
  out += ':';
}

void put(std::string& out, std::string_view s) {
  put_count(out, 's', s.size());
  out += s;
  out += ';';
}
void put(std::string& out, const std::string& s) { put(out, std::string_view(s)); }
void put(std::string& out, bool b) { out += b ? "T;" : "F;"; }
void put(std::string& out, const std::vector<std::string>& list) {
  put_count(out, '[', list.size());
  for (const std::string& s : list) put(out, s);
  out += "]";
}
void put(std::string& out, const Value& v);
void put(std::string& out, const PropertyValue& v);
template <class T>
void put(std::string& out, const std::optional<T>& o) {
  if (!o) {
    out += "-;";
    return;
  }
  put(out, *o);
}
void put(std::string& out, const Value& v) {
  out += test::numbered("v", v.index());
  std::visit([&](const auto& x) { put(out, x); }, v);
}
void put(std::string& out, const PropertyValue& v) {
  out += test::numbered("p", v.index());
  std::visit([&](const auto& x) { put(out, x); }, v);
}

/// Every field of a lead, with doubles as bit patterns (operator== takes
/// -0.0 for 0.0) and containers in their order.
std::string fingerprint(const Lead& l) {
  std::string out;
  put(out, l.id);
  for (const auto* s :
       {&l.contact.first_name, &l.contact.last_name, &l.contact.email, &l.contact.secondary_email,
        &l.contact.phone, &l.contact.secondary_phone, &l.company.name, &l.company.domain,
        &l.company.industry, &l.job_title, &l.seniority, &l.department, &l.location.country,
        &l.location.region, &l.location.city, &l.source}) {
    put(out, *s);
  }
  put(out, l.company.employees);
  put(out, l.company.annual_revenue);
  out += test::numbered("o", static_cast<int>(l.origin));
  out += ';';
  out += l.created_at ? std::to_string(l.created_at->time_since_epoch().count()) : "-";
  out += ';';
  put(out, l.consent.do_not_email);
  put(out, l.consent.do_not_call);
  for (const auto* v :
       {&l.discovery.budget, &l.discovery.authority, &l.discovery.need, &l.discovery.timeline}) {
    put(out, *v);
  }
  put_count(out, 'A', l.attributes.size());
  for (const auto& [key, value] : l.attributes) {
    put(out, key);
    put(out, value);
  }
  put_count(out, 'E', l.events.size());
  for (const Event& e : l.events) {
    put(out, e.type);
    out += std::to_string(e.at.time_since_epoch().count()) + ";";
    put(out, e.id);
    put(out, e.automated);
    put_count(out, 'P', e.properties.size());
    for (const auto& [key, value] : e.properties) {
      put(out, key);
      put(out, value);
    }
  }
  return out;
}

std::string shown(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 600)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

/// What happened to one text.
enum class Outcome { taken, declined_valid, declined_invalid };

/// Checks the contract on one text; returns what the fast reader did.
Outcome check(std::string_view text, const Limits& limits = {}) {
  const Result<Lead> slow = parse_lead(text, limits);
  Lead fast;
  const bool taken = cli::fast_parse_lead(text, limits, fast);
  if (!taken) return slow.ok() ? Outcome::declined_valid : Outcome::declined_invalid;
  EXPECT_TRUE(slow.ok()) << "the fast reader took a text parse_lead rejects: " << shown(text)
                         << "\n"
                         << to_string(slow.diagnostics());
  if (!slow.ok()) return Outcome::taken;
  EXPECT_TRUE(slow.diagnostics().empty()) << shown(text);
  EXPECT_TRUE(fast == *slow) << shown(text);
  EXPECT_EQ(fingerprint(fast), fingerprint(*slow)) << shown(text);
  return Outcome::taken;
}

struct Tally {
  std::size_t taken = 0;
  std::size_t declined_valid = 0;
  std::size_t declined_invalid = 0;
  void add(Outcome o) {
    if (o == Outcome::taken) ++taken;
    if (o == Outcome::declined_valid) ++declined_valid;
    if (o == Outcome::declined_invalid) ++declined_invalid;
  }
};

class LeadFastJson : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cli::fast_lead_reader_available()) {
      GTEST_SKIP() << "the tool was built without simdjson (Debian: libsimdjson-dev)";
    }
  }
};

// ---------------------------------------------------------------------------
// Writing leads in other styles: keys shuffled, whitespace, nulls, escapes
// ---------------------------------------------------------------------------

/// `j` as JSON text with each object's keys in a random order and random
/// whitespace between tokens; with `ascii`, non-ASCII as \u escapes.
void write_shuffled(const json& j, std::mt19937& rng, bool ascii, std::string& out) {
  const auto space = [&] {
    static constexpr std::string_view kSpaces[] = {"", "", "", " ", "\t", "  ", "\r\n "};
    out += kSpaces[rng() % 7];
  };
  if (j.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) keys.push_back(key);
    std::shuffle(keys.begin(), keys.end(), rng);
    out += '{';
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) out += ',';
      space();
      out += json(keys[i]).dump(-1, ' ', ascii);
      space();
      out += ':';
      space();
      write_shuffled(j.at(keys[i]), rng, ascii, out);
      space();
    }
    out += '}';
    return;
  }
  if (j.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ',';
      space();
      write_shuffled(j[i], rng, ascii, out);
      space();
    }
    out += ']';
    return;
  }
  out += j.dump(-1, ' ', ascii);
}

/// Adds `"key": null` for absent optional fields here and there (null means
/// absent in the lead format), and unicode in some strings.
void sprinkle(json& j, std::mt19937& rng) {
  for (const char* key :
       {"job_title", "seniority", "department", "source", "created_at", "origin", "contact",
        "company", "location", "consent", "discovery", "attributes", "events"}) {
    if (!j.contains(key) && rng() % 4 == 0) j[key] = nullptr;
  }
  if (j.contains("contact") && j["contact"].is_object()) {
    if (!j["contact"].contains("phone") && rng() % 3 == 0) j["contact"]["phone"] = nullptr;
    if (rng() % 3 == 0) j["contact"]["first_name"] = "Zoë \"Ø\" Łukasz 😀 \\ / \t";
  }
  if (j.contains("attributes") && j["attributes"].is_object() && rng() % 2 == 0) {
    j["attributes"]["gone"] = nullptr;
    j["attributes"]["ünïcode"] = "日本";
  }
  if (j.contains("events") && j["events"].is_array()) {
    for (json& e : j["events"]) {
      if (rng() % 4 == 0) e["id"] = rng() % 2 ? json(nullptr) : json("d-" + std::to_string(rng()));
      if (rng() % 4 == 0) e["automated"] = rng() % 3 == 0 ? json(nullptr) : json(rng() % 2 == 0);
      if (rng() % 4 == 0) e["properties"]["b_null"] = nullptr;
      if (rng() % 4 == 0) e["properties"]["Zeta"] = -0.0;
      if (rng() % 6 == 0) e["properties"] = nullptr;
    }
  }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

TEST_F(LeadFastJson, BundledLeadFilesAreReadIdentically) {
  const fs::path root = source_dir();
  std::vector<std::string> texts;
  for (const fs::path& file : {root / "examples" / "data" / "sample-leads.jsonl",
                               root / "tests" / "data" / "cli" / "leads.jsonl"}) {
    ASSERT_TRUE(fs::exists(file)) << file;
    for (std::string& line : nonempty_lines(read_text(file))) texts.push_back(std::move(line));
  }
  texts.push_back(read_text(root / "tests" / "data" / "cli" / "lead.json"));  // pretty-printed
  Tally tally;
  for (const std::string& text : texts) tally.add(check(text));
  EXPECT_EQ(tally.declined_valid, 0u) << "every valid bundled lead should take the fast path";
  EXPECT_GE(tally.taken, 10u);
}

TEST_F(LeadFastJson, RandomLeadsInEveryStyleAreReadIdentically) {
  test::RandomLeads gen(20261122);
  std::mt19937 rng(7);
  Tally tally;
  for (int i = 0; i < 1500; ++i) {
    const Lead lead = gen.lead(i % 10 == 0 ? 60 : 12);
    const std::string compact = to_json_text(lead);
    ASSERT_EQ(check(compact), Outcome::taken) << compact;
    json j = to_json(lead);
    sprinkle(j, rng);
    std::string styled;
    write_shuffled(j, rng, /*ascii=*/i % 2 == 0, styled);
    tally.add(check(styled));
  }
  EXPECT_EQ(tally.taken, 1500u);
}

TEST_F(LeadFastJson, EventPropertiesKeepTheReferenceOrder) {
  // parse_lead stores properties in key order (byte-wise), not text order.
  const std::string text = R"({"id":"p","events":[{"type":"t","at":"2026-01-01","properties":)"
                           R"({"z":1,"a":"x","Z":2,"é":3,"_":null,"aa":-0.0,"a\u0000b":4}}]})";
  EXPECT_EQ(check(text), Outcome::taken);
}

TEST_F(LeadFastJson, NumbersAreBitIdentical) {
  std::vector<std::string> tokens{"0",
                                  "-0",
                                  "-0.0",
                                  "0.0",
                                  "-0e0",
                                  "1e-400",
                                  "-1e-400",
                                  "4.9e-324",
                                  "2.4703282292062327e-324",
                                  "2.4703282292062328e-324",
                                  "2.2250738585072011e-308",
                                  "1.7976931348623157e308",
                                  "1.7976931348623158e308",
                                  "1.8e308",
                                  "1e400",
                                  "9007199254740993",
                                  "-9007199254740993",
                                  "9223372036854775807",
                                  "9223372036854775808",
                                  "-9223372036854775808",
                                  "-9223372036854775809",
                                  "18446744073709551615",
                                  "18446744073709551616",
                                  "123456789012345678901234567890",
                                  "0.1",
                                  "0.30000000000000004",
                                  "1E5",
                                  "1e+5",
                                  "1.5E-5",
                                  "250.000000000000000000001",
                                  "01",
                                  "1.",
                                  ".5",
                                  "+1",
                                  "-",
                                  "1e",
                                  "NaN",
                                  "Infinity"};
  std::mt19937_64 rng(99);
  for (int i = 0; i < 2500; ++i) {
    std::string t;
    if (rng() % 4 == 0) t += '-';
    const std::size_t digits = 1 + rng() % 24;
    for (std::size_t k = 0; k < digits; ++k) {
      t += static_cast<char>('0' + (k == 0 && digits > 1 ? 1 + rng() % 9 : rng() % 10));
    }
    if (rng() % 2 == 0) {
      t += '.';
      const std::size_t frac = 1 + rng() % 20;
      for (std::size_t k = 0; k < frac; ++k) t += static_cast<char>('0' + rng() % 10);
    }
    if (rng() % 3 == 0) {
      t += "eE"[rng() % 2];
      if (rng() % 2 == 0) t += "+-"[rng() % 2];
      t += std::to_string(rng() % 340);
    }
    tokens.push_back(t);
    char shortest[40];
    std::snprintf(shortest, sizeof shortest, "%.17g",
                  std::bit_cast<double>(rng() & 0x7FEFFFFFFFFFFFFFULL));
    tokens.emplace_back(shortest);
  }
  Tally tally;
  for (const std::string& t : tokens) {
    tally.add(check(R"({"id":"n","company":{"employees":)" + t + "}}"));
    tally.add(check(R"({"id":"n","attributes":{"x":)" + t + "}}"));
    tally.add(check(R"({"id":"n","events":[{"type":"t","at":"2026-01-01","properties":{"d":)" + t +
                    "}}]}"));
  }
  EXPECT_GT(tally.taken, 12000u);
  EXPECT_GT(tally.declined_invalid, 20u);
}

TEST_F(LeadFastJson, StringsAndUtf8AreReadIdentically) {
  const std::vector<std::string> bodies{
      "plain",
      "",
      "\\u00e9t\\u00E9",
      "\\uD83D\\uDE00",
      "\\uD83D",
      "\\uDE00",
      "\\uD83Dx",
      "\\uD83D\\u0041",
      "\\u0000",
      "\\\"\\\\\\/\\b\\f\\n\\r\\t",
      "\\x",
      "\\u12",
      "\\u12G4",
      "\x01",
      "\x1F",
      "\x7F",
      "tab\there",
      "\xC3\xA9",
      "\xC3",
      "\xC3\x28",
      "\xC0\xAF",
      "\xE0\x80\xAF",
      "\xED\xA0\x80",
      "\xED\x9F\xBF",
      "\xEF\xBF\xBF",
      "\xF0\x90\x80\x80",
      "\xF4\x8F\xBF\xBF",
      "\xF4\x90\x80\x80",
      "\xF5\x80\x80\x80",
      "\xFF",
      "\xE2\x82",
      std::string("nul\0byte", 8),
  };
  Tally tally;
  for (const std::string& body : bodies) {
    for (const std::string& text :
         {R"({"id":")" + body + R"("})", R"({"id":"s","job_title":")" + body + R"("})",
          R"({"id":"s","attributes":{")" + body + R"(":1}})",
          R"({"id":"s","events":[{"type":")" + body + R"(","at":"2026-01-01"}]})",
          R"({"id":"s","discovery":{"need":["a",")" + body + R"("]}})"}) {
      tally.add(check(text));
    }
  }
  EXPECT_GT(tally.taken, 40u);
  EXPECT_GT(tally.declined_invalid, 40u);
}

TEST_F(LeadFastJson, EveryKindOfProblemIsLeftToParseLead) {
  struct Case {
    std::string text;
    Outcome expected;
  };
  const std::vector<Case> cases{
      // Valid, unusual: taken.
      {R"({"id":"a","contact":null,"company":{"employees":null},"origin":"OutBound"})",
       Outcome::taken},
      {R"({"\u0069d":"escaped key","attributes":{}, "events":[]})", Outcome::taken},
      {R"({"id":"a","attributes":{"n":null,"l":[],"m":["x"],"b":false}})", Outcome::taken},
      {R"({"id":"a","origin":"unknown","created_at":"2026-11-20 10:00:00.123456+01:00"})",
       Outcome::taken},
      {" \t{\"id\":\"ws\"}\r\n ", Outcome::taken},
      // Valid, but not for the fast reader: declined, parse_lead reads them.
      {"\xEF\xBB\xBF{\"id\":\"bom\"}", Outcome::declined_valid},
      {R"({"id":"big","company":{"employees":18446744073709551616}})", Outcome::declined_valid},
      {R"({"id":"big","company":{"employees":-9223372036854775809}})", Outcome::declined_valid},
      // Invalid: declined, parse_lead reports the problem.
      {R"({"id":"a","id":"b"})", Outcome::declined_invalid},
      {R"({"id":"a","contact":{"email":"x","email":"y"}})", Outcome::declined_invalid},
      {R"({"id":"a","attributes":{"k":null,"k":1}})", Outcome::declined_invalid},
      {R"({"id":"a","attributes":{"k":1,"k":null}})", Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t","at":"2026-01-01","type":"u"}]})",
       Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t","at":"2026-01-01","properties":{"u":1,"u":null}}]})",
       Outcome::declined_invalid},
      {R"({"id":"a","attributes":{"x":{"y":1}}})", Outcome::declined_invalid},
      {R"({"id":"a","attributes":{"x":["y",null]}})", Outcome::declined_invalid},
      {R"({"id":"a","discovery":{"budget":{}}})", Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t","at":"2026-01-01","properties":{"b":true}}]})",
       Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t","at":"2026-01-01","automated":"yes"}]})",
       Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t","at":"2026-13-01"}]})", Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":"t"}]})", Outcome::declined_invalid},
      {R"({"id":"a","events":[{"type":null,"at":"2026-01-01"}]})", Outcome::declined_invalid},
      {R"({"id":"a","events":[{"at":"2026-01-01","tpye":"x"}]})", Outcome::declined_invalid},
      {R"({"id":"a","events":{}})", Outcome::declined_invalid},
      {R"({"id":"a","events":[null]})", Outcome::declined_invalid},
      {R"({"id":null})", Outcome::declined_invalid},
      {R"({"id":7})", Outcome::declined_invalid},
      {R"({"contact":{}})", Outcome::declined_invalid},
      {R"({"id":"a","email":"x@y.z"})", Outcome::declined_invalid},
      {R"({"id":"a","origin":"inbund"})", Outcome::declined_invalid},
      {R"({"id":"a","origin":1})", Outcome::declined_invalid},
      {R"({"id":"a","created_at":"yesterday"})", Outcome::declined_invalid},
      {R"({"id":"a","consent":{"do_not_call":"no"}})", Outcome::declined_invalid},
      {R"({"id":"a","company":{"employees":"12"}})", Outcome::declined_invalid},
      {R"({"id":"a","company":[]})", Outcome::declined_invalid},
      {R"({"id":"a","company":{"employees":1e400}})", Outcome::declined_invalid},
      {R"({"id":"a"} x)", Outcome::declined_invalid},
      {R"({"id":"a"}{})", Outcome::declined_invalid},
      {R"({"id":"a",})", Outcome::declined_invalid},
      {R"([{"id":"a"}])", Outcome::declined_invalid},
      {R"("lead")", Outcome::declined_invalid},
      {"", Outcome::declined_invalid},
      {"{\"id\":\"a\"}\f", Outcome::declined_invalid},
      // A NUL byte is invalid JSON anywhere (parse_lead used to stop reading
      // at one after the value; issue 12, finding 15).
      {std::string("{\"id\":\"a\"}\0", 11), Outcome::declined_invalid},
      {std::string("{\"id\":\0\"a\"}", 11), Outcome::declined_invalid},
      {std::string(70, '[') + std::string(70, ']'), Outcome::declined_invalid},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(static_cast<int>(check(c.text)), static_cast<int>(c.expected)) << shown(c.text);
  }
}

TEST_F(LeadFastJson, LimitsAreLeftToParseLead) {
  const std::string text = R"({"id":"limits","attributes":{"a":1,"b":2,"c":3},"events":[)"
                           R"({"type":"t","at":"2026-01-01","properties":{"x":1,"y":2}},)"
                           R"({"type":"t","at":"2026-01-02"},{"type":"t","at":"2026-01-03"}]})";
  EXPECT_EQ(check(text), Outcome::taken);
  Limits events;
  events.max_events_per_lead = 2;
  EXPECT_EQ(check(text, events), Outcome::declined_invalid);
  Limits properties;
  properties.max_properties = 2;
  EXPECT_EQ(check(text, properties), Outcome::declined_invalid);
  Limits bytes;
  bytes.max_lead_bytes = text.size() - 1;
  EXPECT_EQ(check(text, bytes), Outcome::declined_invalid);
  Limits list;  // a list attribute of three items
  list.max_list_items = 2;
  const std::string tagged = R"({"id":"list","attributes":{"tags":["a","b","c"]}})";
  EXPECT_EQ(check(tagged), Outcome::taken);
  EXPECT_EQ(check(tagged, list), Outcome::declined_invalid);
  Limits strings;
  strings.max_string_length = 10;  // the longest string ("2026-01-01"), shorter than the text
  EXPECT_EQ(check(text, strings), Outcome::declined_valid);
  strings.max_string_length = 9;
  EXPECT_EQ(check(text, strings), Outcome::declined_invalid);
  // Longer than kFastLeadMaxBytes: always parse_lead's.
  std::string wide =
      R"({"id":"wide","job_title":")" + std::string(cli::kFastLeadMaxBytes, 'w') + R"("})";
  EXPECT_EQ(check(wide), Outcome::declined_valid);
}

TEST_F(LeadFastJson, MutatedLeadsAgreeWithParseLead) {
  test::RandomLeads gen(4242);
  std::mt19937 rng(31337);
  static constexpr std::string_view kBytes =
      "{}[]\",:\\ 0123456789-+.eEtfnul\t\r\n\x01\x7f\xC3\xA9\xFF\xEF\xBB\xBF\xED\xA0/u";
  const auto random_byte = [&] { return kBytes[rng() % kBytes.size()]; };
  Tally tally;
  for (int i = 0; i < 4000; ++i) {
    std::string text = to_json_text(gen.lead(6));
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 6) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, random_byte());
          break;
        case 2:
          text[at] = random_byte();
          break;
        case 3: {  // repeat a slice elsewhere (often a repeated key or member)
          const std::size_t from = rng() % text.size();
          const std::size_t len = std::min<std::size_t>(1 + rng() % 40, text.size() - from);
          text.insert(at, text.substr(from, len));
          break;
        }
        case 4: {  // repeat the member after a '{' or ','
          const std::size_t start = text.find_first_of("{,", at);
          if (start == std::string::npos) break;
          const std::size_t end = text.find_first_of(",}", start + 1);
          if (end == std::string::npos) break;
          text.insert(end, std::string(",").append(text, start + 1, end - start - 1));
          break;
        }
        default: {  // swap two bytes
          const std::size_t other = rng() % text.size();
          std::swap(text[at], text[other]);
          break;
        }
      }
    }
    tally.add(check(text));
  }
  EXPECT_GT(tally.taken, 200u);
  EXPECT_GT(tally.declined_invalid, 2000u);
}

TEST_F(LeadFastJson, ValuesReplacedAnywhereAgreeWithParseLead) {
  // Valid JSON, any value at any place: types, nulls, edge numbers, strings.
  const std::vector<json> replacements{nullptr,
                                       true,
                                       false,
                                       0,
                                       -1,
                                       0.5,
                                       json::parse("-0.0"),
                                       1e300,
                                       "",
                                       "x",
                                       "2026-11-20T10:00:00Z",
                                       "inbound",
                                       "OUTBOUND",
                                       json::array(),
                                       json::array({"a"}),
                                       json::array({"a", 1}),
                                       json::object(),
                                       json::object({{"a", 1}}),
                                       json::object({{"type", "t"}, {"at", "2026-01-01"}})};
  const std::vector<std::string> keys{
      "id",      "contact",     "email",     "employees",  "origin",     "created_at",
      "consent", "do_not_call", "discovery", "budget",     "attributes", "events",
      "type",    "at",          "automated", "properties", "url",        "zzz"};
  test::RandomLeads gen(777);
  std::mt19937 rng(5);
  Tally tally;
  for (int i = 0; i < 3000; ++i) {
    json j = to_json(gen.lead(5));
    // Walk to a random object or array and change one member or element.
    json* node = &j;
    for (int depth = 0; depth < 4; ++depth) {
      if (node->is_object() && !node->empty() && rng() % 3 != 0) {
        auto it = node->begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % node->size()));
        if (!it->is_structured()) break;
        node = &*it;
      } else if (node->is_array() && !node->empty() && rng() % 3 != 0) {
        json& next = (*node)[rng() % node->size()];
        if (!next.is_structured()) break;
        node = &next;
      } else {
        break;
      }
    }
    const json& value = replacements[rng() % replacements.size()];
    if (node->is_object()) {
      if (rng() % 4 == 0 && !node->empty()) {
        auto it = node->begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % node->size()));
        node->erase(it);
      } else {
        (*node)[keys[rng() % keys.size()]] = value;
      }
    } else if (node->is_array()) {
      if (node->empty()) {
        node->push_back(value);
      } else {
        (*node)[rng() % node->size()] = value;
      }
    }
    std::string text;
    write_shuffled(j, rng, rng() % 2 == 0, text);
    tally.add(check(text));
  }
  EXPECT_GT(tally.taken, 500u);
  EXPECT_GT(tally.declined_invalid, 500u);
}

// fast_parse_bound() takes exactly the texts fast_parse_lead() takes, and the
// bound lead scores as the lead parse_lead() reads, for random configurations
// (attribute rules read by slot, enrichment reads by name) and random leads in
// every style; one BoundLead is reused across leads and qualifiers, as the
// tool does.
TEST_F(LeadFastJson, BoundLeadsScoreAsParsedLeads) {
  test::MtSource source(2026);
  test::Generator<test::MtSource> gen(source, test::as_of());
  std::mt19937 rng(11);
  BoundLead bound;
  std::size_t scored = 0;
  std::size_t declined = 0;
  for (int c = 0; c < 60; ++c) {
    Result<Qualifier> q = Qualifier::build(gen.config(16, 4));
    if (!q.ok()) continue;
    for (int i = 0; i < 40; ++i) {
      Lead lead = gen.lead(i % 8 == 0 ? 40 : 8);
      json j = to_json(lead);
      if (i % 2 == 1) sprinkle(j, rng);
      std::string text;
      write_shuffled(j, rng, /*ascii=*/i % 3 == 0, text);
      if (i % 5 == 4) text[rng() % text.size()] = '"';  // now and then, a broken text
      Lead fast;
      const bool taken = cli::fast_parse_lead(text, Limits{}, fast);
      ASSERT_EQ(cli::fast_parse_bound(text, Limits{}, *q, bound), taken) << shown(text);
      if (!taken) {
        ++declined;
        continue;
      }
      const Result<Lead> slow = parse_lead(text);
      ASSERT_TRUE(slow.ok()) << shown(text);
      for (const Instant at : {test::as_of(), test::as_of() + std::chrono::hours(24 * 40)}) {
        EXPECT_EQ(q->qualify(bound, at), q->qualify(*slow, at)) << shown(text);
      }
      ++scored;
    }
  }
  EXPECT_GE(scored, 1000u);
  EXPECT_GE(declined, 50u);
}

// Bound attributes are read in the order written, each name looked up among
// the model's slot names: a repeated name, slot or not, null or not, is
// still left to parse_lead (which rejects it), and names in any order, slot
// or not, score as parse_lead's lead.
TEST_F(LeadFastJson, BoundAttributesInAnyOrderAndRepeatedNames) {
  Config config;
  config.add(Rule::fit("pro", cond::field("attributes.plan").eq("pro"), 10));
  config.add(Rule::fit("big", cond::field("attributes.seats").gte(50), 20));
  config.add(Rule::fit(
      "eu", cond::field("attributes.region").in(std::vector<std::string>{"eu", "uk"}), 5));
  const Result<Qualifier> q = Qualifier::build(config);
  ASSERT_TRUE(q.ok());
  const auto line = [](std::string_view attributes) {
    return std::string(R"({"id":"L1","attributes":{)") + std::string(attributes) + "}}";
  };
  BoundLead bound;
  for (const std::string_view repeated :
       {R"("plan":"pro","plan":"free")", R"("seats":60,"x":1,"seats":60)",
        R"("x":1,"plan":"pro","x":2)", R"("plan":null,"plan":"pro")",
        R"("y":null,"z":0,"y":null)"}) {
    const std::string text = line(repeated);
    EXPECT_FALSE(cli::fast_parse_bound(text, Limits{}, *q, bound)) << text;
    EXPECT_FALSE(parse_lead(text).ok()) << text;
  }
  for (const std::string_view fine :
       {R"("region":"EU","zeta":["a","b"],"seats":60,"alpha":"a","plan":"PRO")",
        R"("seats":10,"plan":"free")", R"("other":"x","plan":null,"region":"uk")", ""}) {
    const std::string text = line(fine);
    ASSERT_TRUE(cli::fast_parse_bound(text, Limits{}, *q, bound)) << text;
    const Result<Lead> slow = parse_lead(text);
    ASSERT_TRUE(slow.ok()) << text;
    EXPECT_EQ(q->qualify(bound, test::as_of()), q->qualify(*slow, test::as_of())) << text;
  }
  const std::string all =
      line(R"("region":"EU","zeta":["a","b"],"seats":60,"alpha":"a","plan":"PRO")");
  ASSERT_TRUE(cli::fast_parse_bound(all, Limits{}, *q, bound));
  EXPECT_EQ(q->qualify(bound, test::as_of()).fit, 35);
}

TEST_F(LeadFastJson, ALeadObjectCanBeReused) {
  // The tool reads every record of a batch into the same Lead: what a
  // previous lead left (events, properties, strings) must not show through.
  test::RandomLeads gen(515);
  std::mt19937 rng(3);
  Lead reused;
  std::size_t taken = 0;
  for (int i = 0; i < 1500; ++i) {
    json j = to_json(gen.lead(rng() % 3 == 0 ? 30 : 4));
    sprinkle(j, rng);
    std::string text;
    write_shuffled(j, rng, false, text);
    if (rng() % 10 == 0)
      text.insert(text.begin() + static_cast<std::ptrdiff_t>(text.size() / 2),
                  ',');  // declined midway or early
    const Result<Lead> slow = parse_lead(text);
    if (!cli::fast_parse_lead(text, {}, reused)) {
      if (slow.ok()) reused = *slow;  // as LeadReader::read_into does
      continue;
    }
    ++taken;
    ASSERT_TRUE(slow.ok()) << shown(text);
    ASSERT_EQ(fingerprint(reused), fingerprint(*slow)) << shown(text);
    ASSERT_TRUE(reused == *slow);
  }
  EXPECT_GT(taken, 1200u);
}

TEST_F(LeadFastJson, ThreadsEachUseTheirOwnParser) {
  test::RandomLeads gen(99);
  std::vector<std::string> texts;
  std::vector<std::string> expected;
  for (int i = 0; i < 400; ++i) {
    texts.push_back(to_json_text(gen.lead(20)));
    expected.push_back(fingerprint(parse_lead(texts.back()).value()));
  }
  std::vector<int> mismatches(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          const std::size_t k = t == 0 ? i : texts.size() - 1 - i;
          Lead lead;
          if (!cli::fast_parse_lead(texts[k], {}, lead) || fingerprint(lead) != expected[k]) {
            ++mismatches[static_cast<std::size_t>(t)];
          }
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches[0], 0);
  EXPECT_EQ(mismatches[1], 0);
}

#ifdef LEADSCORE_CLI_PATH
/// The tool with either reader on the same mixed file: the same bytes out.
TEST_F(LeadFastJson, ToolOutputDoesNotDependOnTheReader) {
  if (!fs::exists(LEADSCORE_CLI_PATH)) GTEST_SKIP() << "the leadscore tool is not built";
  const fs::path dir =
      fs::temp_directory_path() / ("leadscore-fast-json-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  test::RandomLeads gen(2026);
  std::string input;
  for (int i = 0; i < 600; ++i) {
    std::string line = to_json_text(gen.lead(12));
    if (i % 7 == 3) line.insert(line.size() / 2, "\"");      // broken JSON
    if (i % 11 == 5) line.insert(1, R"("id":"dup",)");       // repeated key
    if (i % 13 == 8) line.insert(1, R"("emial":"x@y.z",)");  // unknown key
    input += line + "\n";
  }
  {
    std::ofstream out(dir / "in.jsonl", std::ios::binary);
    out << input;
  }
  std::vector<std::string> outputs;
  for (const char* parser : {"simdjson", "nlohmann"}) {
    const fs::path out = dir / (std::string(parser) + ".out");
    const fs::path err = dir / (std::string(parser) + ".err");
    const std::string command = "LEADSCORE_JSONL_PARSER=" + std::string(parser) + " '" +
                                LEADSCORE_CLI_PATH + "' score --input '" +
                                (dir / "in.jsonl").string() +
                                "' --as-of 2026-11-22T00:00:00Z --threads 2 > '" + out.string() +
                                "' 2> '" + err.string() + "'";
    const int status = std::system(command.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << read_text(err);
    outputs.push_back(read_text(out));
    // The summary repeats the first failed records with their positions.
    std::string first_errors;
    for (const std::string& line : nonempty_lines(read_text(err))) {
      if (line.rfind("leadscore score: line ", 0) == 0) first_errors += line + "\n";
    }
    outputs.push_back(first_errors);
  }
  EXPECT_GT(outputs[0].size(), 600u * 60u);
  EXPECT_EQ(outputs[0], outputs[2]);
  EXPECT_NE(outputs[1], "");
  EXPECT_EQ(outputs[1], outputs[3]);
  std::error_code ec;
  fs::remove_all(dir, ec);
}
#endif

}  // namespace
}  // namespace leadscore

#endif  // LEADSCORE_TEST_FAST_JSON
