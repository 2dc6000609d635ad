// Diagnostics never echo the value of a lead field (docs/guarantees.md#privacy,
// docs/hardening.md item 16): leads full of a marker string go through every
// error path of the lead reader, the lead-state reader, the CSV reader and
// mapper, and the command-line tool (error records, stderr); the marker must
// appear in no message, pointer or suggestion. Diagnostics name the field
// (pointer, column), the position and the expected type instead.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

#include "support/files.hpp"
#include "support/tool_run.hpp"

namespace leadscore {
namespace {

// Letters and digits only, so that any echo of a value shows it (also lower-cased).
constexpr std::string_view kMarker = "zqx31415926535marker";

bool contains_marker(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find(kMarker) != std::string::npos ||
         lower.find("31415926535") != std::string::npos;  // the digits alone (numbers)
}

void expect_no_marker(const std::vector<Diagnostic>& diagnostics, std::string_view what) {
  EXPECT_FALSE(diagnostics.empty()) << what << ": expected an error";
  for (const Diagnostic& d : diagnostics) {
    EXPECT_FALSE(contains_marker(d.message)) << what << ": " << d.to_string();
    EXPECT_FALSE(contains_marker(d.pointer)) << what << ": " << d.to_string();
    EXPECT_FALSE(contains_marker(d.suggestion)) << what << ": " << d.to_string();
    EXPECT_FALSE(contains_marker(d.to_string())) << what;
  }
}

std::string m() { return std::string(kMarker); }
std::string upper_marker() {
  std::string s = m();
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

/// JSONL lines, each broken in one way, each carrying the marker in a value.
std::vector<std::string> bad_lead_lines() {
  const std::string v = m();
  const std::string long_value(70000, 'a');
  std::string long_list = R"({"id":"a","attributes":{"tags":[)";
  for (int i = 0; i < 5000; ++i) long_list += (i ? ",\"" : "\"") + v + "\"";
  long_list += "]}}";
  std::string huge_array = R"({"id":"a","attributes":{"tags":[)";
  for (int i = 0; i < 110000; ++i) huge_array += (i ? ",\"" : "\"") + v + "\"";
  huge_array += "]}}";
  return {
      R"({"id":"a","created_at":")" + v + R"(@bletchley.uk"})",
      R"({"id":"a","origin":")" + v + R"("})",
      R"({"id":"a","origin":")" + upper_marker() + R"("})",
      R"({"id":"a","contact":{"email":")" + v,                    // string never closed
      R"({"id":"a","job_title":)" + v + "}",                      // invalid literal
      R"({"id":"a","job_title":")" + v + "\xFF\"}",               // invalid UTF-8
      R"({"id":"a","job_title":")" + v + "\\x\"}",                // invalid escape
      R"({"id":"a","company":{"employees":31415926535e99999}})",  // number overflow
      R"({"id":"a","company":{"employees":-31415926535e99999}})",
      R"({"id":"a","company":{"employees":")" + v + R"("}})",  // wrong type
      R"({"id":"a","events":[{"type":"page_view","at":")" + v + R"("}]})",
      R"({"id":"a","events":[{"type":")" + v + R"(","at":")" + v + R"("}]})",
      R"({"id":"a","attributes":{"tags":[")" + v + R"(",1]}})",
      R"({"id":"a","attributes":{"x":")" + v + long_value + R"("}})",  // too long
      R"({"id":"a","job_title":")" + v + R"(",)",                      // truncated object
      R"({"id":"a","job_title":")" + v + R"(" "x":1})",                // missing comma
      R"({"id":"a","created_at":")" + v + R"("} )" + v,                // trailing text
      R"({"id":"a","consent":{"do_not_email":")" + v + R"("}})",
      long_list,
      huge_array,
  };
}

TEST(Privacy, LeadDiagnosticsNeverEchoAValue) {
  for (const std::string& line : bad_lead_lines()) {
    const Result<Lead> lead = parse_lead(line);
    ASSERT_FALSE(lead.ok()) << line.substr(0, 120);
    expect_no_marker(lead.diagnostics(), line.substr(0, 120));
  }
}

TEST(Privacy, LeadStateDiagnosticsNeverEchoAValue) {
  const Qualifier q = Qualifier::with_default_config();
  Lead lead;
  lead.id = "a";
  lead.created_at = parse_instant("2026-01-02T03:04:05Z");
  LeadState state(q, lead);
  nlohmann::json saved = nlohmann::json::parse(state.to_json());
  // Every string that is an instant becomes the marker, one at a time.
  std::vector<nlohmann::json::json_pointer> instants;
  const nlohmann::json flat = saved.flatten();
  for (const auto& [pointer, value] : flat.items()) {
    if (value.is_string() && parse_instant(value.get<std::string>()))
      instants.emplace_back(pointer);
  }
  ASSERT_FALSE(instants.empty());
  for (const auto& pointer : instants) {
    nlohmann::json tampered = saved;
    tampered[pointer] = m() + "@bletchley.uk";
    const Result<LeadState> loaded = LeadState::from_json(q, tampered.dump());
    if (loaded.ok() && loaded.diagnostics().empty()) continue;  // a field it does not read
    expect_no_marker(loaded.diagnostics(), pointer.to_string());
  }
  const std::string text = saved.dump();
  for (const std::string& broken :
       {text.substr(0, text.size() - 1) + ",\"x\":" + m() + "}", text + " " + m(),
        text.substr(0, text.find("\"a\"") + 1) + m() + "\xFF" +
            text.substr(text.find("\"a\"") + 2)}) {
    const Result<LeadState> loaded = LeadState::from_json(q, broken);
    ASSERT_FALSE(loaded.ok());
    expect_no_marker(loaded.diagnostics(), broken.substr(0, 80));
  }
}

constexpr std::string_view kMapping = R"({
  "id": "id",
  "fields": {"company.employees": "employees", "created_at": "created",
             "consent.do_not_email": "dne", "origin": "origin", "contact.email": "email"},
  "attributes": {"seats": {"column": "seats", "type": "number"},
                 "beta": {"column": "beta", "type": "bool"},
                 "tags": {"column": "tags", "type": "list"}},
  "events": [{"type": "page_view", "count": "views", "at": "last_view"}]
})";

/// CSV text: a good header, then records each broken in one way.
std::string bad_csv() {
  const std::string v = m();
  const std::string h = "id,employees,created,dne,origin,email,seats,beta,tags,views,last_view\n";
  std::string list;
  for (int i = 0; i < 5000; ++i) list += i == 7 ? v + ";" : "a;";
  std::string long_value(70000, 'a');
  return h +                                        //
         "r1," + v + ",,,,,,,,,\n" +                // number
         "r2,," + v + ",,,,,,,,\n" +                // instant
         "r3,,," + v + ",,,,,,,\n" +                // bool
         "r4,,,," + v + ",,,,,,\n" +                // origin
         "r5,,,,,,31415926535e99999,,,,\n" +        // number overflow
         "r6,,,,,,," + v + ",,,\n" +                // bool attribute
         "r7,,,,,,,,," + v + ",\n" +                // count
         "r8,,,,,,,,,31415926535,\n" +              // count over the limit
         "r9,,,,,,,,,," + v + "\n" +                // event instant
         "r10,,,,," + v + "\"x,,,,,,\n" +           // quote in unquoted field
         "r11,,,,,\"" + v + "\"x,,,,,\n" +          // text after a quote
         "r12,,,,," + v + "\xFF,,,,,\n" +           // invalid UTF-8
         "r13," + v + "\n" +                        // field count
         "r14,,,,,,,," + list + ",,\n" +            // list too long
         "r15,,,,," + v + long_value + ",,,,,\n" +  // value too long
         "r16,,,,,\"" + v + "\nr17,," + v + "\n";   // unbalanced quote
}

TEST(Privacy, CsvDiagnosticsNeverEchoAValue) {
  const Result<Mapping> mapping = parse_mapping(kMapping);
  ASSERT_TRUE(mapping.ok()) << to_string(mapping.diagnostics());
  const std::string csv = bad_csv();
  CsvReader reader(csv);
  const auto header = reader.read_header();
  ASSERT_TRUE(header.ok());
  const Result<CsvLeadMapper> mapper = CsvLeadMapper::create(*mapping, *header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  CsvRecord record;
  std::size_t records = 0;
  while (reader.next(record)) {
    ++records;
    const Result<Lead> lead = mapper->map(record, Instant{});
    ASSERT_FALSE(lead.ok()) << "record " << record.number;
    expect_no_marker(lead.diagnostics(), "record " + std::to_string(record.number));
    expect_no_marker(record.errors.empty() ? lead.diagnostics() : record.errors, "reader");
  }
  EXPECT_GE(records, 16u);
}

TEST(Privacy, TheToolNeverEchoesAValue) {
  if (test::cli_path().empty()) GTEST_SKIP() << "the leadscore executable was not found";
  test::TempDir dir;
  std::string jsonl;
  for (const std::string& line : bad_lead_lines()) jsonl += line + "\n";
  test::write_text(dir / "leads.jsonl", jsonl);
  test::write_text(dir / "leads.csv", bad_csv());
  test::write_text(dir / "map.json", kMapping);
  test::write_text(dir / "lead.json", bad_lead_lines().front());
  test::write_text(dir / "config.json", to_json_text(Qualifier::with_default_config().config()));
  const std::string as_of = "--as-of=2026-11-22";
  const std::vector<std::vector<std::string>> runs = {
      {"score", "--input", (dir / "leads.jsonl").string(), as_of, "--threads", "2"},
      {"score", "--input", (dir / "leads.jsonl").string(), as_of, "--output-format", "csv"},
      {"score", "--input", (dir / "leads.csv").string(), "--map", (dir / "map.json").string(),
       as_of},
      {"score", "--input", (dir / "leads.csv").string(), "--map", (dir / "map.json").string(),
       as_of, "--output-format", "csv", "--explain"},
      {"report", "--input", (dir / "leads.jsonl").string(), as_of},
      {"report", "--input", (dir / "leads.csv").string(), "--map", (dir / "map.json").string(),
       as_of},
      {"explain", "--lead", (dir / "lead.json").string(), as_of},
      {"diff", "--input", (dir / "leads.jsonl").string(), "--new-config",
       (dir / "config.json").string(), as_of},
  };
  for (const auto& args : runs) {
    const test::ToolRun r = test::run_tool(args);
    EXPECT_TRUE(r.status == 0 || r.status == 1) << args[0] << " " << args[2] << "\n" << r;
    EXPECT_FALSE(contains_marker(r.out)) << args[0] << " " << args[2] << "\n" << r;
    EXPECT_FALSE(contains_marker(r.err)) << args[0] << " " << args[2] << "\n" << r;
  }
}

}  // namespace
}  // namespace leadscore
