// Tests of the RFC 4180 streaming reader (leadscore/csv.hpp): quoting,
// embedded delimiters, quotes and line breaks, CRLF, BOM, blank lines,
// errors with line numbers, recovery after an unbalanced quote, limits, and
// identical results whether the text is read from memory or from a stream in
// small pieces.
#include "leadscore/csv.hpp"

#include <cstddef>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace leadscore {
namespace {

struct Read {
  std::vector<std::string> header;
  std::vector<Diagnostic> header_errors;
  std::vector<CsvRecord> records;
};

Read read_all(CsvReader& reader, bool header) {
  Read out;
  if (header) {
    auto h = reader.read_header();
    if (h) {
      out.header = *h;
    } else {
      out.header_errors = h.diagnostics();
    }
  }
  CsvRecord r;
  while (reader.next(r)) out.records.push_back(r);
  return out;
}

Read read_text(std::string_view text, bool header = true, CsvOptions options = {}) {
  CsvReader reader(text, options);
  return read_all(reader, header);
}

/// A stream buffer that hands out at most `chunk` bytes per read, to cross
/// every internal buffer boundary.
class TrickleBuf : public std::streambuf {
 public:
  TrickleBuf(std::string text, std::size_t chunk) : text_(std::move(text)), chunk_(chunk) {}

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(n), chunk_);
    const std::size_t got = std::min(want, text_.size() - pos_);
    text_.copy(s, got, pos_);
    pos_ += got;
    return static_cast<std::streamsize>(got);
  }
  int_type underflow() override {
    if (pos_ >= text_.size()) return traits_type::eof();
    return traits_type::to_int_type(text_[pos_]);
  }
  int_type uflow() override {
    if (pos_ >= text_.size()) return traits_type::eof();
    return traits_type::to_int_type(text_[pos_++]);
  }

 private:
  std::string text_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

std::vector<std::vector<std::string>> fields_of(const Read& r) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& rec : r.records) out.push_back(rec.fields);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, SimpleRecordsWithHeader) {
  const Read r = read_text("a,b,c\n1,2,3\n4,5,6\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(fields_of(r), (Rows{{"1", "2", "3"}, {"4", "5", "6"}}));
  EXPECT_EQ(r.records[0].line, 2u);
  EXPECT_EQ(r.records[0].number, 1u);
  EXPECT_EQ(r.records[1].line, 3u);
  EXPECT_EQ(r.records[1].number, 2u);
  EXPECT_TRUE(r.records[0].ok());
}

TEST(CsvReader, LastRecordWithoutNewline) {
  const Read r = read_text("a,b\n1,2");
  EXPECT_EQ(fields_of(r), (Rows{{"1", "2"}}));
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  const Read r =
      read_text("name,note\n\"Smith, Ada\",\"said \"\"hi\"\"\"\n\"x\",\"two\nlines\"\nlast,one\n");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].fields, (std::vector<std::string>{"Smith, Ada", "said \"hi\""}));
  EXPECT_EQ(r.records[1].fields, (std::vector<std::string>{"x", "two\nlines"}));
  EXPECT_EQ(r.records[1].line, 3u);
  EXPECT_EQ(r.records[2].line, 5u) << "the embedded newline counts as a line";
  for (const CsvRecord& rec : r.records) EXPECT_TRUE(rec.ok());
}

TEST(CsvReader, CrlfLineEnds) {
  const Read r = read_text("a,b\r\n1,\"x\r\ny\"\r\n3,4\r\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(fields_of(r), (Rows{{"1", "x\r\ny"}, {"3", "4"}}));
  EXPECT_EQ(r.records[1].line, 4u);
}

TEST(CsvReader, LoneCarriageReturnInsideAFieldIsData) {
  const Read r = read_text("a,b\n1\r2,3\n");
  EXPECT_EQ(fields_of(r), (Rows{{"1\r2", "3"}}));
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  const Read r = read_text("\xEF\xBB\xBFid,name\n1,x\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(fields_of(r), (Rows{{"1", "x"}}));
}

TEST(CsvReader, EmptyFieldsAndEmptyQuotedFields) {
  const Read r = read_text("a,b,c\n,,\n\"\",x,\n");
  EXPECT_EQ(fields_of(r), (Rows{{"", "", ""}, {"", "x", ""}}));
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  const Read r = read_text("a,b\n\n1,2\r\n\r\n\n3,4\n\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].line, 3u);
  EXPECT_EQ(r.records[1].line, 6u);
  EXPECT_EQ(r.records[1].number, 2u);
}

TEST(CsvReader, HeaderNamesAreTrimmed) {
  const Read r = read_text(" id , name\t\n1,x\n");
  EXPECT_EQ(r.header, (std::vector<std::string>{"id", "name"}));
}

TEST(CsvReader, EmptyInputHasNoHeader) {
  const Read r = read_text("");
  ASSERT_EQ(r.header_errors.size(), 1u);
  EXPECT_EQ(r.header_errors[0].code, "csv_no_header");
  EXPECT_TRUE(r.records.empty());
}

TEST(CsvReader, OtherDelimiters) {
  CsvOptions options;
  options.delimiter = ';';
  const Read r = read_text("a;b\n\"1;2\";3,4\n", true, options);
  EXPECT_EQ(fields_of(r), (Rows{{"1;2", "3,4"}}));
  options.delimiter = '\t';
  const Read t = read_text("a\tb\nx y\tz\n", true, options);
  EXPECT_EQ(fields_of(t), (Rows{{"x y", "z"}}));
}

TEST(CsvReader, WrongFieldCountIsAnErrorOfThatRecordOnly) {
  const Read r = read_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_TRUE(r.records[0].ok());
  ASSERT_EQ(r.records[1].errors.size(), 1u);
  EXPECT_EQ(r.records[1].errors[0].code, "csv_field_count");
  EXPECT_EQ(r.records[1].errors[0].line, 3u);
  EXPECT_NE(r.records[1].errors[0].message.find("2 fields, the header has 3"), std::string::npos)
      << r.records[1].errors[0].message;
  EXPECT_EQ(r.records[2].errors.at(0).code, "csv_field_count");
  EXPECT_EQ(r.records[2].errors.at(0).line, 4u);
  EXPECT_TRUE(r.records[3].ok());
  EXPECT_EQ(r.records[3].fields, (std::vector<std::string>{"10", "11", "12"}));
}

TEST(CsvReader, WithoutHeaderNoFieldCountCheck) {
  const Read r = read_text("1,2\n3\n", false);
  EXPECT_EQ(fields_of(r), (Rows{{"1", "2"}, {"3"}}));
  EXPECT_TRUE(r.records[1].ok());
}

TEST(CsvReader, StrayQuoteInUnquotedField) {
  const Read r = read_text("a,b\n5'11\",x\nok,1\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.records[0].errors.size(), 1u);
  EXPECT_EQ(r.records[0].errors[0].code, "csv_syntax");
  EXPECT_EQ(r.records[0].errors[0].line, 2u);
  EXPECT_EQ(r.records[0].errors[0].column, 1u);
  EXPECT_TRUE(r.records[1].ok());
}

TEST(CsvReader, TextAfterClosingQuote) {
  const Read r = read_text("a,b\n1,\"x\"y\n2,3\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_FALSE(r.records[0].ok());
  EXPECT_EQ(r.records[0].errors[0].code, "csv_syntax");
  EXPECT_EQ(r.records[0].errors[0].column, 2u);
  EXPECT_EQ(r.records[1].fields, (std::vector<std::string>{"2", "3"}));
}

TEST(CsvReader, UnbalancedQuoteCostsOneRecordNotTheRest) {
  // Line 3 opens a quote that never closes properly: the reader reports
  // line 3 and resumes on line 4.
  const Read r = read_text("id,name,n\n1,ok,1\n2,\"broken,2\n3,fine,3\n4,\"also fine\",4\n");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_TRUE(r.records[0].ok());
  ASSERT_FALSE(r.records[1].ok());
  EXPECT_EQ(r.records[1].line, 3u);
  EXPECT_EQ(r.records[1].errors[0].line, 3u);
  EXPECT_TRUE(r.records[1].fields.empty());
  EXPECT_EQ(r.records[2].fields, (std::vector<std::string>{"3", "fine", "3"}));
  EXPECT_EQ(r.records[2].line, 4u);
  EXPECT_TRUE(r.records[2].ok());
  EXPECT_EQ(r.records[3].fields, (std::vector<std::string>{"4", "also fine", "4"}));
  EXPECT_EQ(r.records[3].line, 5u);
}

TEST(CsvReader, UnbalancedQuoteAtTheEnd) {
  const Read r = read_text("a,b\n1,2\n3,\"never closed\n4,5\n");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1].errors.at(0).code, "csv_unbalanced_quote");
  EXPECT_EQ(r.records[1].errors.at(0).line, 3u);
  EXPECT_EQ(r.records[2].fields, (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(r.records[2].line, 4u);

  const Read last = read_text("a,b\n1,\"open");
  ASSERT_EQ(last.records.size(), 1u);
  EXPECT_EQ(last.records[0].errors.at(0).code, "csv_unbalanced_quote");
}

TEST(CsvReader, InvalidUtf8NamesLineAndColumn) {
  const Read r = read_text("a,b,c\nok,\xC3\x28,x\n\xE2\x82\xAC,fine,\xF0\x9F\x98\x80\n");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.records[0].errors.size(), 1u);
  EXPECT_EQ(r.records[0].errors[0].code, "invalid_utf8");
  EXPECT_EQ(r.records[0].errors[0].line, 2u);
  EXPECT_EQ(r.records[0].errors[0].column, 2u);
  EXPECT_TRUE(r.records[1].ok()) << "euro sign and emoji are valid UTF-8";
}

TEST(CsvReader, Utf8OverlongAndSurrogatesAreInvalid) {
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF5\x80\x80\x80", "\xE2\x82"}) {
    const Read r = read_text(std::string("a\n") + bad + "\n");
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_FALSE(r.records[0].ok()) << "bytes: " << bad;
  }
}

TEST(CsvReader, RecordOverTheSizeLimitIsSkipped) {
  CsvOptions options;
  options.max_record_bytes = 100;
  const std::string huge(1000, 'x');
  const Read r = read_text("a,b\n1," + huge + "\n2,ok\n", true, options);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].errors.at(0).code, "limit_exceeded");
  EXPECT_EQ(r.records[0].errors.at(0).line, 2u);
  EXPECT_EQ(r.records[1].fields, (std::vector<std::string>{"2", "ok"}));
  EXPECT_EQ(r.records[1].line, 3u);
}

TEST(CsvReader, HugeSingleLineFromAStreamIsSkippedWithBoundedMemory) {
  CsvOptions options;
  options.max_record_bytes = 1000;
  std::string text = "a,b\n1," + std::string(300000, 'y') + "\n2,ok\n";
  std::istringstream in(text);
  CsvReader reader(in, options);
  const Read r = read_all(reader, true);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].errors.at(0).code, "limit_exceeded");
  EXPECT_EQ(r.records[1].fields, (std::vector<std::string>{"2", "ok"}));
  EXPECT_EQ(reader.bytes_read(), text.size());
}

TEST(CsvReader, TooManyFields) {
  CsvOptions options;
  options.max_fields = 3;
  const Read r = read_text("1,2,3,4,5\n1,2\n", false, options);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].errors.at(0).code, "limit_exceeded");
  EXPECT_EQ(r.records[0].fields.size(), 3u);
  EXPECT_TRUE(r.records[1].ok());
}

TEST(CsvReader, StreamAndMemoryAgreeWhateverTheChunkSize) {
  std::string text = "\xEF\xBB\xBFid,\"na,me\",note\r\n";
  for (int i = 0; i < 300; ++i) {
    text += std::to_string(i) + ",\"q \"\"" + std::to_string(i) + "\"\"\",\"multi\nline " +
            std::to_string(i) + "\"\r\n";
    if (i % 50 == 7) text += "bad,\"unclosed\n";
    if (i % 70 == 3) text += "\n";
  }
  const Read memory = read_text(text);
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 4096u}) {
    TrickleBuf buf(text, chunk);
    std::istream in(&buf);
    CsvReader reader(in);
    const Read streamed = read_all(reader, true);
    EXPECT_EQ(streamed.header, memory.header);
    ASSERT_EQ(streamed.records.size(), memory.records.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < memory.records.size(); ++i) {
      EXPECT_EQ(streamed.records[i].fields, memory.records[i].fields)
          << "chunk " << chunk << " record " << i;
      EXPECT_EQ(streamed.records[i].line, memory.records[i].line);
      EXPECT_EQ(streamed.records[i].errors, memory.records[i].errors);
    }
    EXPECT_EQ(reader.bytes_read(), text.size());
  }
  std::size_t good = 0;
  for (const CsvRecord& r : memory.records) good += r.ok() ? 1u : 0u;
  EXPECT_EQ(good, 300u) << "every good record survives the broken ones";
}

TEST(CsvReader, BytesReadCountsTheBom) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a\n1\n";
  CsvReader reader(text);
  ASSERT_TRUE(reader.read_header());
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_FALSE(reader.next(r));
  EXPECT_EQ(reader.bytes_read(), text.size());
}

}  // namespace
}  // namespace leadscore
