// JSONL and CSV agree (docs/hardening.md item 17): line ends and
// --max-record-bytes, byte-order marks, numbers below a double's range,
// blank lines of spaces, the documented default of --max-record-bytes, and a
// long quoted field that does close.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"

#include "support/files.hpp"
#include "support/tool_run.hpp"

namespace leadscore {
namespace {

using nlohmann::json;
using test::lines_of;
using test::run_tool;
using test::TempDir;
using test::ToolRun;
using test::write_text;

constexpr const char* kAsOf = "2026-11-22T00:00:00Z";

/// The output records of `score` on `file` (JSONL output).
std::vector<json> score(const std::filesystem::path& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"score",     "--input", file.string(), "--as-of", kAsOf,
                                   "--threads", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  const ToolRun r = run_tool(args);
  EXPECT_TRUE(r.status == 0 || r.status == 1) << r;
  std::vector<json> out;
  for (const std::string& line : lines_of(r.out)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

class Consistency : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::cli_path().empty()) GTEST_SKIP() << "the leadscore executable was not found";
  }
};

TEST_F(Consistency, ACrBeforeTheLineFeedDoesNotCountTowardMaxRecordBytes) {
  TempDir dir;
  const std::string lead = R"({"id":"a","job_title":"VP"})";  // 27 bytes
  write_text(dir / "in.jsonl", lead + "\r\n" + lead + "x\r\n");
  write_text(dir / "in.csv", "id,job_title\r\n" + std::string("a,") + std::string(25, 'v') +
                                 "\r\n" + "b," + std::string(26, 'v') + "\r\n");
  const auto limit = std::to_string(lead.size());
  const std::vector<json> jsonl = score(dir / "in.jsonl", {"--max-record-bytes", limit});
  const std::vector<json> csv = score(dir / "in.csv", {"--max-record-bytes", limit});
  ASSERT_EQ(jsonl.size(), 2u);
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_FALSE(jsonl[0].contains("error")) << jsonl[0];
  EXPECT_FALSE(csv[0].contains("error")) << csv[0];
  EXPECT_EQ(jsonl[1]["error"]["code"], "limit_exceeded") << jsonl[1];
  EXPECT_EQ(csv[1]["error"]["code"], "limit_exceeded") << csv[1];
}

TEST_F(Consistency, AByteOrderMarkIsSkippedAtTheStartAndAnErrorElsewhere) {
  TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  write_text(dir / "in.jsonl",
             bom + R"({"id":"a"})" + "\n" + bom + R"({"id":"b"})" + "\n" + R"({"id":"c"})" + "\n");
  write_text(dir / "in.csv", bom + "id,job_title\n" + "a,x\n" + bom + "b,x\n" + "c,x\n");
  const std::vector<json> jsonl = score(dir / "in.jsonl");
  const std::vector<json> csv = score(dir / "in.csv");
  ASSERT_EQ(jsonl.size(), 3u);
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(jsonl[0]["id"], "a");
  EXPECT_EQ(csv[0]["id"], "a");
  EXPECT_EQ(jsonl[1]["error"]["code"], "json_syntax") << jsonl[1];
  EXPECT_EQ(csv[1]["error"]["code"], "csv_syntax") << csv[1];
  EXPECT_NE(jsonl[1]["error"]["message"].get<std::string>().find("byte-order mark"),
            std::string::npos);
  EXPECT_EQ(jsonl[1]["error"]["message"], csv[1]["error"]["message"]);
  EXPECT_EQ(jsonl[2]["id"], "c");
  EXPECT_EQ(csv[2]["id"], "c");
}

TEST_F(Consistency, NumbersBelowADoublesRangeAreZeroInBoth) {
  TempDir dir;
  write_text(dir / "in.jsonl", R"({"id":"a","company":{"employees":1e-400}})"
                               "\n"
                               R"({"id":"b","company":{"employees":-0.00000000001e-399}})"
                               "\n"
                               R"({"id":"c","company":{"employees":1e400}})"
                               "\n");
  write_text(dir / "in.csv", "id,company.employees\na,1e-400\nb,-0.00000000001e-399\nc,1e400\n");
  const std::vector<json> jsonl = score(dir / "in.jsonl");
  const std::vector<json> csv = score(dir / "in.csv");
  ASSERT_EQ(jsonl.size(), 3u);
  ASSERT_EQ(csv.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(jsonl[i].contains("error")) << jsonl[i];
    EXPECT_EQ(jsonl[i], csv[i]);
  }
  EXPECT_TRUE(jsonl[2].contains("error"));
  EXPECT_TRUE(csv[2].contains("error"));
  const auto n = parse_lead(R"({"id":"a","company":{"employees":1e-400}})");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->company.employees, 0.0);
}

TEST_F(Consistency, LinesOfSpacesAreSkippedInBothAndRecordNumbersAgree) {
  TempDir dir;
  write_text(dir / "in.jsonl", R"({"id":"a"})"
                               "\n   \n\t \n"
                               R"({"id":"b"})"
                               "\n  ");
  write_text(dir / "in.csv", "job_title\nx\n   \n\t \ny\n  ");
  write_text(dir / "map.json", R"({"id": {"record_number": true, "prefix": "R"},
      "fields": {"job_title": "job_title"}})");
  const std::vector<json> jsonl = score(dir / "in.jsonl");
  const std::vector<json> csv = score(dir / "in.csv", {"--map", (dir / "map.json").string()});
  // JSONL: one output line per input line (issue 13), the blank ones as
  // `skipped` records; CSV: blank lines are skipped. Either way they are not
  // records, so record numbers agree.
  ASSERT_EQ(jsonl.size(), 5u);
  EXPECT_EQ(jsonl[0]["id"], "a");
  EXPECT_EQ(jsonl[1]["skipped"], "blank_line");
  EXPECT_EQ(jsonl[2]["skipped"], "blank_line");
  EXPECT_EQ(jsonl[3]["id"], "b");
  EXPECT_EQ(jsonl[4]["skipped"], "blank_line");
  ASSERT_EQ(csv.size(), 2u) << csv.back();
  EXPECT_EQ(csv[0]["id"], "R1");
  EXPECT_EQ(csv[1]["id"], "R2");
  // A tab-delimited file: a line of tabs is a record of empty fields.
  CsvOptions tabs;
  tabs.delimiter = '\t';
  CsvReader reader(std::string_view("a\tb\n\t\n  \nx\ty\n"), tabs);
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields, (std::vector<std::string>{"", ""}));
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.line, 4u);
  EXPECT_EQ(r.number, 2u);
}

TEST_F(Consistency, TheDefaultMaxRecordBytesIsOneMebibyteAsDocumented) {
  TempDir dir;
  const std::string head = R"({"id":"a","attributes":{"x":")";
  const std::size_t limit = 1u << 20;
  const std::string ok = head + std::string(100, 'x') + "\"}}";
  std::string big = R"({"id":"a","attributes":{"t":[)";
  while (big.size() < limit) big += "\"x\",";
  big += "\"x\"]}}";
  write_text(dir / "in.jsonl", ok + "\n" + big + "\n");
  const std::vector<json> out = score(dir / "in.jsonl");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].contains("error"));
  EXPECT_EQ(out[1]["error"]["code"], "limit_exceeded");
  EXPECT_NE(out[1]["error"]["message"].get<std::string>().find("1048576"), std::string::npos);
  const ToolRun help = run_tool({"score", "--help"});
  EXPECT_NE(help.out.find("(default: 1048576)"), std::string::npos) << help;
  const std::string errors_md = test::read_text(test::source_dir() / "docs" / "errors.md");
  EXPECT_NE(errors_md.find("`--max-record-bytes`, 1 MiB by default"), std::string::npos);
  EXPECT_EQ(CsvOptions{}.max_record_bytes, limit);
}

TEST(ConsistencyCsv, ALongQuotedFieldThatClosesIsNotReportedAsNeverClosed) {
  CsvOptions options;
  options.max_record_bytes = 1000;
  const std::string text =
      "id,notes\n1,\"" + std::string(5000, 'n') + "\"\n2,ok\n3,\"" + std::string(5000, 'n');
  CsvReader reader(text, options);
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "limit_exceeded");
  EXPECT_EQ(r.errors[0].message.find("not closed"), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message.find("inside the quoted field 2"), std::string::npos)
      << r.errors[0].message;
  ASSERT_TRUE(reader.next(r));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.fields[0], "2");
  // Within the limit, a quote that never closes is still csv_unbalanced_quote.
  CsvReader small(std::string_view("id,notes\n1,\"abc\n"), options);
  ASSERT_TRUE(small.read_header().ok());
  ASSERT_TRUE(small.next(r));
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].code, "csv_unbalanced_quote");
}

}  // namespace
}  // namespace leadscore
