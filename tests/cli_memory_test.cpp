// The tool's memory is bounded whatever the input (docs/cli.md#streaming-and-memory,
// docs/hardening.md item 6): lines and records made to amplify — millions of
// tiny list items, empty objects and arrays, keys — at the default limits and
// two threads. The peak (the tool's own VmHWM) stays under 256 MB and does
// not grow with the input: 1x and 4x the input give about the same peak.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include "support/sanitizers.hpp"
#include "support/tool_run.hpp"

namespace fs = std::filesystem;

namespace leadscore {
namespace {

using test::kSanitized;

constexpr std::size_t kLineBytes = (1u << 20) - 64;  // just within --max-record-bytes

/// `head` + repeats of `item` (joined by `sep`) + `tail`, about kLineBytes long.
std::string filled(const std::string& head, const std::string& item, const std::string& sep,
                   const std::string& tail) {
  std::string out = head;
  while (out.size() + item.size() + sep.size() + tail.size() < kLineBytes) {
    if (out.size() > head.size()) out += sep;
    out += item;
  }
  return out + tail;
}

/// The amplifying JSONL lines, one of each kind. The parse builds every
/// value before the lead is read, so most sit under an unknown key (one
/// diagnostic; the memory is the parse's): tiny strings, objects, arrays and
/// numbers, nested arrays, 100,000 keys; and a lead of 30,000 real events.
std::vector<std::string> jsonl_kinds() {
  std::vector<std::string> lines;
  lines.push_back(filled(R"({"id":"a","attributes":{"t":[)", "\"\"", ",", "]}}"));
  lines.push_back(filled(R"({"id":"b","x":[)", "{}", ",", "]}"));
  lines.push_back(filled(R"({"id":"c","x":[)", "[]", ",", "]}"));
  lines.push_back(filled(R"({"id":"d","x":[)", "0", ",", "]}"));
  lines.push_back(filled(R"({"id":"e","x":[)", "[[0,0],[0]]", ",", "]}"));
  std::string keys = R"({"id":"f","x":{)";
  for (int i = 0; keys.size() < kLineBytes - 32; ++i) {
    keys += (i ? ",\"" : "\"") + std::to_string(i) + "\":0";
  }
  lines.push_back(keys + "}}");
  lines.push_back(
      filled(R"({"id":"g","events":[)", R"({"type":"page_view","at":"2026-01-01"})", ",", "]}"));
  return lines;
}

long peak_kib(const fs::path& input, const std::vector<std::string>& extra,
              const std::string& threads = "2") {
  std::vector<std::string> args = {"score",     "--input", input.string(), "--as-of",  "2026-11-22",
                                   "--threads", threads,   "--output",     "/dev/null"};
  args.insert(args.end(), extra.begin(), extra.end());
  const test::ToolRun r = test::run_tool(args);
  EXPECT_TRUE(r.status == 0 || r.status == 1) << r;
  EXPECT_NE(r.err.find("peak memory"), std::string::npos) << r;
  return r.max_rss_kb;
}

class CliMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::cli_path().empty()) GTEST_SKIP() << "the leadscore executable was not found";
    if (kSanitized) GTEST_SKIP() << "peak RSS means nothing under a sanitizer";
  }
};

TEST_F(CliMemory, AmplifyingJsonlLinesStayUnderTheBoundAtAnySize) {
  test::TempDir dir;
  const std::vector<std::string> kinds = jsonl_kinds();
  std::vector<long> peaks;
  for (const int copies : {2, 8}) {
    const fs::path path = dir / ("in" + std::to_string(copies) + ".jsonl");
    std::ofstream out(path, std::ios::binary);
    for (int c = 0; c < copies; ++c) {
      for (const std::string& line : kinds) out << line << '\n';
    }
    // The issue's line: 16 MiB of empty strings (693 MB when the default
    // --max-record-bytes was 16 MiB); now over the limit, dropped unread.
    out << R"({"id":"h","attributes":{"t":[)";
    for (std::size_t i = 0; i < (16u << 20) / 3; ++i) out << (i ? ",\"\"" : "\"\"");
    out << "]}}\n";
    out.close();
    peaks.push_back(peak_kib(path, {}));
  }
  for (const long peak : peaks) EXPECT_LT(peak, 256 * 1024) << "KiB";
  // 4x the input: about the same peak (not 4x).
  EXPECT_LT(peaks[1], peaks[0] * 5 / 4 + 16 * 1024) << peaks[0] << " KiB then " << peaks[1];
}

TEST_F(CliMemory, AmplifyingCsvRecordsStayUnderTheBoundAtAnySize) {
  test::TempDir dir;
  std::vector<std::string> records;
  std::string list_record = "a,";
  while (list_record.size() < kLineBytes - 8) list_record += "x;";
  records.push_back(list_record);
  std::string quoted = "b,\"";
  while (quoted.size() < kLineBytes - 8) quoted += "\"\"";
  records.push_back(quoted + "\"");
  test::write_text(dir / "map.json", R"({"id": "id",
      "attributes": {"t": {"column": "t", "type": "list"}}})");
  std::vector<long> peaks;
  for (const int copies : {4, 16}) {
    const fs::path path = dir / ("in" + std::to_string(copies) + ".csv");
    std::ofstream out(path, std::ios::binary);
    out << "id,t\n";
    for (int c = 0; c < copies; ++c) {
      for (const std::string& r : records) out << r << '\n';
    }
    out.close();
    peaks.push_back(peak_kib(path, {"--map", (dir / "map.json").string()}));
  }
  for (const long peak : peaks) EXPECT_LT(peak, 256 * 1024) << "KiB";
  EXPECT_LT(peaks[1], peaks[0] * 5 / 4 + 16 * 1024) << peaks[0] << " KiB then " << peaks[1];
}

/// Long records spread over the record slots of the batches: slots that once
/// held a long record give its memory back, so the slots do not add up.
TEST_F(CliMemory, LongRecordsInEverySlotDoNotAddUp) {
  test::TempDir dir;
  const std::string long_line = R"({"id":"L","job_title":")" + std::string(400000, 't') + "\"}";
  std::vector<long> peaks;
  for (const int rounds : {4, 16}) {
    const fs::path path = dir / ("in" + std::to_string(rounds) + ".jsonl");
    std::ofstream out(path, std::ios::binary);
    // Batches of 64 records: the long record moves to the next slot each round.
    for (int r = 0; r < rounds * 8; ++r) {
      for (int i = 0; i < 64; ++i) {
        out << (i == r % 64 ? long_line : std::string(R"({"id":"s"})")) << '\n';
      }
    }
    out.close();
    peaks.push_back(peak_kib(path, {"--batch-records", "64"}));
  }
  EXPECT_LT(peaks[1], peaks[0] * 5 / 4 + 16 * 1024) << peaks[0] << " KiB then " << peaks[1];
}

/// The same for CSV records, read record by record (1 thread) and split on
/// the workers (2 threads): the fields of a long record are given back.
TEST_F(CliMemory, LongCsvRecordsInEverySlotDoNotAddUp) {
  test::TempDir dir;
  test::write_text(dir / "map.json", R"({"id": "id", "attributes": {"t": "t"}})");
  const std::string long_record = "L," + std::string(400000, 't');
  for (const char* threads : {"1", "2"}) {
    SCOPED_TRACE(std::string("threads ") + threads);
    std::vector<long> peaks;
    for (const int rounds : {4, 16}) {
      const fs::path path = dir / ("in" + std::to_string(rounds) + ".csv");
      std::ofstream out(path, std::ios::binary);
      out << "id,t\n";
      // Batches of 256 records: the long record moves to the next slot each round.
      for (int r = 0; r < rounds * 8; ++r) {
        for (int i = 0; i < 256; ++i) out << (i == r % 256 ? long_record : "s,x") << '\n';
      }
      out.close();
      peaks.push_back(peak_kib(
          path, {"--batch-records", "256", "--map", (dir / "map.json").string()}, threads));
    }
    EXPECT_LT(peaks[1], peaks[0] * 5 / 4 + 16 * 1024) << peaks[0] << " KiB then " << peaks[1];
  }
}

}  // namespace
}  // namespace leadscore
