// Fuzz target: the CSV reader and the column mapping (leadscore/csv.hpp).
//
// Input: a mapping (JSON) and CSV text separated by a line "---"; without
// the separator the whole input is CSV read with the default mapping.
// Checks, besides "no crash, no hang, no leak": the reader gives the same
// records whether the text is in memory or streamed in small pieces, and
// read as copies or as views (next(CsvRecordView&)); every
// record has a line number at or after the previous one; a record without
// errors has as many fields as the header; mapping a record never throws.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <istream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/csv.hpp"

namespace {

/// Hands out at most 7 bytes per read.
class TrickleBuf : public std::streambuf {
 public:
  explicit TrickleBuf(std::string_view text) : text_(text) {}

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    const std::size_t got =
        std::min<std::size_t>({static_cast<std::size_t>(n), 7, text_.size() - pos_});
    text_.copy(s, got, pos_);
    pos_ += got;
    return static_cast<std::streamsize>(got);
  }
  int_type underflow() override {
    return pos_ < text_.size() ? traits_type::to_int_type(text_[pos_]) : traits_type::eof();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (64u << 10)) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view mapping_text;
  std::string_view csv = input;
  if (const std::size_t sep = input.find("\n---\n"); sep != std::string_view::npos) {
    mapping_text = input.substr(0, sep);
    csv = input.substr(sep + 5);
  }
  leadscore::Limits limits;
  limits.max_events_per_lead = 1000;
  leadscore::Mapping mapping;
  bool have_mapping = false;
  if (!mapping_text.empty()) {
    auto parsed = leadscore::parse_mapping(mapping_text, limits);
    if (parsed) {
      mapping = *parsed;
      have_mapping = true;
    }
  }
  leadscore::CsvOptions options;
  options.delimiter = have_mapping ? mapping.delimiter : ',';
  options.max_record_bytes = 4096;
  options.max_fields = 64;

  leadscore::CsvReader memory(csv, options);
  TrickleBuf buf(csv);
  std::istream stream_in(&buf);
  leadscore::CsvReader streamed(stream_in, options);
  leadscore::CsvReader viewed(csv, options);

  auto header = memory.read_header();
  auto header2 = streamed.read_header();
  check(header.ok() == header2.ok());
  check(viewed.read_header().ok() == header.ok());
  std::optional<leadscore::CsvLeadMapper> mapper;
  if (header) {
    check(*header == *header2);
    auto m = leadscore::CsvLeadMapper::create(
        have_mapping ? mapping : leadscore::default_mapping(*header), *header, limits);
    if (m) mapper = std::move(m).value();
  }
  const auto as_of = leadscore::parse_instant("2026-01-01").value();
  leadscore::CsvRecord a;
  leadscore::CsvRecord b;
  leadscore::CsvRecordView v;
  std::size_t last_line = 0;
  std::size_t count = 0;
  while (memory.next(a)) {
    check(streamed.next(b));
    check(a.fields == b.fields && a.errors == b.errors && a.line == b.line && a.number == b.number);
    check(viewed.next(v));
    check(std::equal(a.fields.begin(), a.fields.end(), v.fields.begin(), v.fields.end()) &&
          a.errors == v.errors && a.line == v.line && a.number == v.number);
    check(viewed.bytes_read() == memory.bytes_read());
    check(a.line > last_line);
    last_line = a.line;
    if (header && a.ok()) check(a.fields.size() == header->size());
    if (mapper) {
      auto lead = mapper->map(a, as_of);
      if (!a.ok()) check(!lead.ok());
      check(mapper->map(v, as_of).ok() == lead.ok());
    }
    if (++count > size + 1) std::abort();  // more records than bytes: a loop
  }
  check(!streamed.next(b));
  check(!viewed.next(v));
  check(memory.bytes_read() == csv.size());
  check(streamed.bytes_read() == csv.size());
  return 0;
}
