// CsvReader::next_chunk(): records handed out raw, to be parsed on another
// thread, read exactly as next() reads them (fields, line and record
// numbers, diagnostics, the bytes consumed). And next(CsvRecordView&), whose
// one-pass path for plain lines must read every record as next() does.
#include <cstddef>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"

namespace leadscore {
namespace {

/// A record as the tests compare it.
std::string describe(const CsvRecord& r) {
  std::string s = "line " + std::to_string(r.line) + " record " + std::to_string(r.number) + ":";
  for (const std::string& f : r.fields) s += " [" + f + "]";
  s += " {" + to_string(r.errors) + "}";
  return s;
}

/// Every record by next() or, with `rng`, by next_chunk() where it takes
/// them (with a reader per chunk) and next() elsewhere; `chunks` counts the
/// chunks taken.
std::vector<std::string> read_all(const std::string& input, const CsvOptions& options,
                                  std::mt19937* rng = nullptr, std::size_t* chunks = nullptr) {
  std::istringstream in(input);
  CsvReader reader(in, options);
  std::vector<std::string> out;
  const auto header = reader.read_header();
  if (!header.ok()) return {"header: " + to_string(header.diagnostics())};
  CsvRecord r;
  CsvChunk chunk;
  for (;;) {
    if (rng == nullptr) {
      if (!reader.next(r)) break;
      out.push_back(describe(r));
      continue;
    }
    const std::size_t max_records = std::uniform_int_distribution<std::size_t>(1, 400)(*rng);
    const std::size_t max_bytes = std::uniform_int_distribution<std::size_t>(1, 90000)(*rng);
    if (reader.next_chunk(chunk, max_records, max_bytes)) {
      ++*chunks;
      EXPECT_LE(chunk.records, max_records);
      EXPECT_LE(chunk.text.size(), max_bytes);
      CsvReader part(chunk);
      std::size_t n = 0;
      std::size_t last_line = 0;
      while (part.next(r)) {
        out.push_back(describe(r));
        last_line = r.line;
        ++n;
      }
      EXPECT_EQ(n, chunk.records);
      EXPECT_EQ(last_line, chunk.last_line);
      EXPECT_EQ(part.bytes_read(), chunk.offset + chunk.text.size());
      continue;
    }
    if (!reader.next(r)) break;
    out.push_back(describe(r));
  }
  out.push_back("bytes " + std::to_string(reader.bytes_read()));
  return out;
}

/// A random CSV input with the cases the reader treats specially.
std::string random_csv(std::mt19937& rng, std::size_t lines) {
  static const std::vector<std::string> kCells = {"a",
                                                  "bb",
                                                  "",
                                                  " x ",
                                                  "\t",
                                                  "q\"uote",
                                                  "\"quoted, field\"",
                                                  "\"a\nb\"",
                                                  "\xC3\xA9t\xC3\xA9",
                                                  "\xFF",
                                                  std::string("n\0l", 3),
                                                  "\r",
                                                  "123",
                                                  "\xEF\xBB\xBF"
                                                  "bom",
                                                  "\"open",
                                                  "\"x\"\"\ny\"",
                                                  "\"a\"b\"c",
                                                  "\"say \"\"hi\"\"\"",
                                                  std::string(40, 'z')};
  std::string s =
      "\xEF\xBB\xBF"
      "h1,h2,h3\n";
  std::uniform_int_distribution<std::size_t> cell(0, kCells.size() - 1);
  std::uniform_int_distribution<int> pct(0, 99);
  for (std::size_t i = 0; i < lines; ++i) {
    const int kind = pct(rng);
    if (kind < 4) {
      s += kind < 2 ? "\n" : (kind == 2 ? "  \t\r\n" : "\r\n");  // blank lines
      continue;
    }
    // Mostly plain records, so that chunks get taken; now and then the rest.
    const bool plain = pct(rng) < 85;
    const std::size_t fields = pct(rng) < 5 ? 2 : 3;
    for (std::size_t f = 0; f < fields; ++f) {
      if (f > 0) s += ',';
      s += plain ? kCells[cell(rng) % 3] + std::to_string(i) : kCells[cell(rng)];
    }
    s += pct(rng) < 20 ? "\r\n" : "\n";
  }
  if (pct(rng) < 50) s += "last,without,newline";
  return s;
}

TEST(CsvChunk, ChunksReadAsNextReads) {
  std::mt19937 rng(20261207);
  std::size_t chunks = 0;
  for (int round = 0; round < 60; ++round) {
    // Some inputs beyond the reader's 64 KiB reads, so chunks span them.
    const std::string input = random_csv(rng, round % 6 == 0 ? 4000 : 40);
    CsvOptions options;
    options.max_record_bytes = round % 3 == 0 ? 30 : 1u << 20;  // some lines too long
    const std::vector<std::string> expected = read_all(input, options);
    EXPECT_EQ(read_all(input, options, &rng, &chunks), expected) << "round " << round;
  }
  EXPECT_GT(chunks, 300U);  // the property is not vacuous
}

TEST(CsvChunk, AChunkStopsBeforeARecordSpanningLinesAndAtTheLimits) {
  // Quotes on one line are taken (a quoted delimiter, a doubled quote, a
  // stray quote in an unquoted field); a line break inside quotes is not.
  const std::string input = "a,b\n1,\"x,y\"\n\n3,\"say \"\"hi\"\"\"\n4,5\"6\n5,\"6\n6\"\n7,8\n";
  std::istringstream in(input);
  CsvReader reader(in);
  CsvChunk chunk;
  EXPECT_FALSE(reader.next_chunk(chunk, 10, 1000)) << "before read_header()";
  ASSERT_TRUE(reader.read_header().ok());
  ASSERT_TRUE(reader.next_chunk(chunk, 10, 1000));
  EXPECT_EQ(chunk.text, "1,\"x,y\"\n\n3,\"say \"\"hi\"\"\"\n4,5\"6\n");
  EXPECT_EQ(chunk.records, 3U);
  EXPECT_EQ(chunk.first_line, 2U);
  EXPECT_EQ(chunk.first_record, 1U);
  EXPECT_EQ(chunk.last_line, 5U);
  EXPECT_EQ(chunk.header_fields, 2U);
  EXPECT_FALSE(reader.next_chunk(chunk, 10, 1000)) << "the next record spans two lines";
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.number, 4U);
  EXPECT_EQ(r.line, 6U);
  EXPECT_EQ(r.fields.at(1), "6\n6");
  EXPECT_FALSE(reader.next_chunk(chunk, 10, 3)) << "7,8 does not end within 3 bytes";
  ASSERT_TRUE(reader.next_chunk(chunk, 1, 4));
  EXPECT_EQ(chunk.text, "7,8\n");
  EXPECT_EQ(chunk.first_record, 5U);
  EXPECT_EQ(chunk.first_line, 8U);
  EXPECT_FALSE(reader.next_chunk(chunk, 10, 1000)) << "the end of the input";
}

/// A record read as views, described as describe() describes a CsvRecord.
std::string describe(const CsvRecordView& r) {
  std::string s = "line " + std::to_string(r.line) + " record " + std::to_string(r.number) + ":";
  for (const std::string_view f : r.fields) s += " [" + std::string(f) + "]";
  s += " {" + to_string(r.errors) + "}";
  return s;
}

/// Every record of `input` by next(CsvRecord&) or next(CsvRecordView&),
/// then the bytes read.
template <class Record>
std::vector<std::string> records_as(const std::string& input, const CsvOptions& options) {
  CsvReader reader(std::string_view(input), options);
  std::vector<std::string> out;
  const auto header = reader.read_header();
  out.push_back(header.ok() ? "header" : "header: " + to_string(header.diagnostics()));
  Record r;
  while (reader.next(r)) {
    out.push_back(describe(r));
    out.push_back("at " + std::to_string(reader.bytes_read()));
  }
  return out;
}

TEST(CsvRecordView, ViewsReadAsNextReads) {
  std::mt19937 rng(20261208);
  std::size_t records = 0;
  for (int round = 0; round < 120; ++round) {
    std::string input = random_csv(rng, round % 10 == 0 ? 3000 : 60);
    if (round % 4 == 1) input += "\n1,2,3,4\n1,2\n";  // field counts on plain lines
    CsvOptions options;
    if (round % 5 == 0) options.max_record_bytes = 12;  // plain lines over the limit
    if (round % 7 == 0) options.max_fields = 2;         // plain lines over max_fields
    if (round % 6 == 0) options.delimiter = ';';        // commas are then text
    const std::vector<std::string> expected = records_as<CsvRecord>(input, options);
    EXPECT_EQ(records_as<CsvRecordView>(input, options), expected) << "round " << round;
    records += expected.size();
  }
  EXPECT_GT(records, 10000U);
}

TEST(CsvRecordView, FieldsPointIntoTheTextOnPlainLines) {
  const std::string input = "a,b,c\n1,,3\r\n\"q\",x y,\n\n4,5,6";
  CsvReader reader{std::string_view(input)};
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecordView r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields, (std::vector<std::string_view>{"1", "", "3"}));
  EXPECT_EQ(r.fields[0].data(), input.data() + 6);  // no copy
  EXPECT_EQ(r.line, 2U);
  ASSERT_TRUE(reader.next(r));  // a quoted field: the general parser
  EXPECT_EQ(r.fields, (std::vector<std::string_view>{"q", "x y", ""}));
  EXPECT_EQ(r.line, 3U);
  ASSERT_TRUE(reader.next(r));  // no final newline: the general parser
  EXPECT_EQ(r.fields, (std::vector<std::string_view>{"4", "5", "6"}));
  EXPECT_EQ(r.line, 5U);
  EXPECT_EQ(r.number, 3U);
  EXPECT_FALSE(reader.next(r));
  EXPECT_EQ(reader.bytes_read(), input.size());
}

}  // namespace
}  // namespace leadscore
