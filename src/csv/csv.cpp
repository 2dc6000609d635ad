// The RFC 4180 streaming reader (leadscore/csv.hpp).
//
// The reader keeps the bytes of the record being parsed in its buffer (from
// `rec_start` to `pos`) and nothing before it, so memory is bounded by
// max_record_bytes plus one read chunk. Keeping the record's raw bytes is
// what makes recovery possible: when a record that spans several lines
// turns out broken, parsing restarts on its second line.
#include "leadscore/csv.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "leadscore/diagnostics.hpp"

#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace leadscore {

namespace {

constexpr std::size_t kChunk = 64u << 10;

Diagnostic csv_error(std::string_view code, std::size_t line, std::size_t column,
                     std::string message) {
  Diagnostic d = detail::make_error(code, "", std::move(message));
  d.line = line;
  d.column = column;
  return d;
}

/// True when every byte of `text` is ASCII other than NUL (1 to 0x7F): the
/// fields of such a record need neither the UTF-8 nor the NUL check. Per
/// 8-byte word, `(w - 0x01..01) | w` has a high bit set exactly when some
/// byte is 0 or at least 0x80.
bool is_plain_ascii(std::string_view text) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::uint64_t flags = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, 8);
    flags |= (word - kOnes) | word;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == 0) return false;
    flags |= c;
  }
  return (flags & kHigh) == 0;
}

}  // namespace

struct CsvReader::Impl {
  CsvOptions opt;
  std::istream* in = nullptr;
  std::string buf;            // stream mode: the bytes read and not yet dropped
  std::string_view data;      // the current data: buf, or the caller's text
  bool eof = false;           // the source has nothing more
  std::size_t pos = 0;        // parse cursor in data
  std::size_t rec_start = 0;  // start of the record being parsed (kept in buf)
  std::uint64_t dropped = 0;  // bytes dropped from the front of buf
  std::size_t line = 1;       // line of data[pos]
  std::size_t records = 0;
  std::size_t expected_fields = 0;  // 0 = no check
  bool started = false;             // BOM handled
  std::string scratch;              // fields beyond max_fields
  CsvRecord copy;                   // next(CsvRecordView&): a record read by parse()
  std::exception_ptr pending;       // a read failure next_chunk() met, for the next call
  /// The bytes that end an unquoted run: the delimiter, CR, LF and '"'.
  std::array<bool, 256> stops{};
  /// Whether one_line() may read records: not with a delimiter that is a
  /// byte it treats apart.
  bool one_line_ok = true;

  Impl(std::istream* stream, std::string_view text, CsvOptions options) : opt(options), in(stream) {
    for (const char c : {opt.delimiter, '\n', '\r', '"'})
      stops[static_cast<unsigned char>(c)] = true;
    const auto delimiter = static_cast<unsigned char>(opt.delimiter);
    one_line_ok = delimiter != '\n' && delimiter != '\r' && delimiter != '"' && delimiter != 0 &&
                  delimiter < 0x80;
    if (in == nullptr) {
      data = text;
      eof = true;
    }
  }

  /// Reads another chunk; drops the bytes before rec_start. False when the
  /// source is exhausted (then nothing changed).
  bool more() {
    if (eof) return false;
    if (rec_start > 0) {
      buf.erase(0, rec_start);
      dropped += rec_start;
      pos -= rec_start;
      rec_start = 0;
    }
    const std::size_t old = buf.size();
    buf.resize(old + kChunk);
    // sgetn may return less than asked before the end (pipes, custom
    // buffers); only 0 means the end of the input.
    std::streamsize n = 0;
    std::streambuf* sb = in->rdbuf();
    try {
      if (sb != nullptr) n = sb->sgetn(buf.data() + old, static_cast<std::streamsize>(kChunk));
    } catch (...) {  // a failing source: the bytes read so far stay readable
      buf.resize(old);
      data = buf;
      throw;
    }
    const auto got = n > 0 ? static_cast<std::size_t>(n) : std::size_t{0};
    buf.resize(old + got);
    data = buf;
    if (got == 0) {
      eof = true;
      return false;
    }
    return true;
  }

  /// True when data[pos] exists (reading more if needed).
  bool have(std::size_t ahead = 0) {
    while (pos + ahead >= data.size()) {
      if (!more()) return false;
    }
    return true;
  }

  void start() {
    if (started) return;
    started = true;
    while (data.size() < 3 && more()) {
    }
    if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    rec_start = pos;
  }

  /// Skips to just after the next '\n' without keeping the bytes.
  void skip_line() {
    for (;;) {
      const std::size_t nl = data.find('\n', pos);
      if (nl != std::string_view::npos) {
        pos = nl + 1;
        return;
      }
      pos = data.size();
      rec_start = pos;
      if (!more()) return;
    }
  }

  std::string& field_slot(std::vector<std::string>& fields, std::size_t index) {
    if (index >= opt.max_fields) {
      scratch.clear();
      return scratch;
    }
    if (index < fields.size()) {
      fields[index].clear();
      return fields[index];
    }
    fields.emplace_back();
    return fields.back();
  }

  enum class End { eof, newline, limit };

  /// The state of the record being parsed.
  struct Scan {
    std::size_t nfields = 0;
    std::size_t newlines = 0;  // line breaks inside quoted fields
    std::size_t open_quote_column = 0;
    End end = End::eof;
    bool cut = false;  // stopped early: broken and spanning lines (see broken_multiline)
  };

  /// What comes after a field.
  enum class After { next_field, record_end, unquoted_tail };

  /// Where every read of a record starts: a read failure met before is
  /// rethrown, blank lines are skipped (false at the end of the input), and
  /// the record's first byte and line are noted.
  bool begin_record(std::vector<Diagnostic>& errors, std::size_t& record_line) {
    if (pending) std::rethrow_exception(std::exchange(pending, nullptr));
    start();
    errors.clear();
    if (!skip_blank_lines()) return false;
    rec_start = pos;
    record_line = line;
    return true;
  }

  /// Parses one record. False at the end of the input (no record).
  bool parse(CsvRecord& r) {
    if (!begin_record(r.errors, r.line)) return false;
    if (dropped + pos > 3 && have(2) && data.substr(pos, 3) == "\xEF\xBB\xBF") {
      // As in JSONL: a byte-order mark belongs at the start of the input only.
      r.errors.push_back(
          csv_error("csv_syntax", r.line, 1,
                    "a byte-order mark (U+FEFF) is allowed only at the start of the input"));
    }
    Scan scan;
    scan_fields(r, scan);
    finish(r, scan);
    return true;
  }

  /// next(CsvRecordView&): the common record as views into the buffer
  /// (one_line()), any other through parse() into `copy`.
  bool parse_view(CsvRecordView& r) {
    if (!begin_record(r.errors, r.line)) return false;
    if (one_line(r)) return true;
    if (!parse(copy)) return false;  // at the same record: parse() starts where this did
    r.fields.assign(copy.fields.begin(), copy.fields.end());
    r.errors = copy.errors;
    return true;
  }

  /// The common record in one pass: a whole line already in the buffer,
  /// without a quote or a CR before its end, all ASCII without NUL, within
  /// max_record_bytes, with the header's number of fields (any number when
  /// unchecked) up to max_fields; its fields are the text between
  /// delimiters. Anything else returns false before consuming a byte, and
  /// parse() reads it: on every record this takes, the two agree by
  /// construction (tests/csv_chunk_test.cpp checks it).
  bool one_line(CsvRecordView& r) {
    if (!one_line_ok) return false;
    const char* d = data.data() + pos;
    const void* at = std::memchr(d, '\n', std::min(data.size() - pos, opt.max_record_bytes));
    if (at == nullptr) return false;
    const auto size = static_cast<std::size_t>(static_cast<const char*>(at) - d);
    const std::size_t end = size > 0 && d[size - 1] == '\r' ? size - 1 : size;
    r.fields.clear();
    std::size_t begin = 0;  // of the current field
    const auto field = [&](std::size_t stop) {
      r.fields.emplace_back(d + begin, stop - begin);
      begin = stop + 1;
    };
    std::size_t i = 0;
#ifdef __SSE2__
    // 16 bytes at a time: any byte the line may not hold, then each delimiter.
    const __m128i delimiter = _mm_set1_epi8(opt.delimiter);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= end && r.fields.size() < opt.max_fields; i += 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
      // A quote, a CR, NUL, or a byte >= 0x80 (negative as a signed byte).
      const __m128i other =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, cr)),
                       _mm_or_si128(_mm_cmpeq_epi8(block, zero), _mm_cmplt_epi8(block, zero)));
      if (_mm_movemask_epi8(other) != 0) return false;
      auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, delimiter)));
      for (; hits != 0; hits &= hits - 1) field(i + static_cast<std::size_t>(__builtin_ctz(hits)));
    }
#endif
    for (; i < end && r.fields.size() < opt.max_fields; ++i) {
      const auto c = static_cast<unsigned char>(d[i]);
      if (c == '"' || c == '\r' || c == 0 || c >= 0x80) return false;
      if (d[i] == opt.delimiter) field(i);
    }
    field(end);  // after a stop at max_fields, one too many: refused below
    const std::size_t n = r.fields.size();
    if (n > opt.max_fields || (expected_fields != 0 && n != expected_fields)) return false;
    pos += size + 1;
    ++line;
    return true;
  }

  /// Skips blank lines (empty, or only spaces and tabs that are not the
  /// delimiter, as in JSONL); false at the end of the input.
  bool skip_blank_lines() {
    for (;;) {
      rec_start = pos;
      if (!have()) return false;
      std::size_t k = 0;
      while (k <= opt.max_record_bytes && have(k) && data[pos + k] != opt.delimiter &&
             (data[pos + k] == ' ' || data[pos + k] == '\t')) {
        ++k;
      }
      if (k > 0 && k <= opt.max_record_bytes) {
        if (!have(k)) {  // spaces at the very end
          pos += k;
          return false;
        }
        if (data[pos + k] == '\n' ||
            (data[pos + k] == '\r' && have(k + 1) && data[pos + k + 1] == '\n')) {
          pos += k;  // the line break is skipped below
        }
      }
      const char c = data[pos];
      if (c == '\n') {
        ++pos;
        ++line;
        continue;
      }
      if (c == '\r') {
        if (!have(1)) {  // a lone CR at the very end
          ++pos;
          return false;
        }
        if (data[pos + 1] == '\n') {
          pos += 2;
          ++line;
          continue;
        }
      }
      return true;
    }
  }

  [[nodiscard]] bool too_long() const { return pos - rec_start > opt.max_record_bytes; }

  /// A record that has an error and spans several lines is resynced to its
  /// second line whatever follows (finish()), so reading it further is
  /// wasted: stopping there keeps recovery linear. Without it, lines like
  /// `x"y,"z,w` made every record run to the end of the input (quadratic)
  /// with one diagnostic per line it swallowed.
  [[nodiscard]] static bool broken_multiline(const CsvRecord& r, const Scan& scan) noexcept {
    return scan.newlines > 0 && !r.errors.empty();
  }

  /// Reads the fields of a record, up to its end (scan.end says which).
  void scan_fields(CsvRecord& r, Scan& scan) {
    for (;;) {  // one field per iteration
      if (broken_multiline(r, scan)) {
        scan.cut = true;
        return;
      }
      std::string& f = field_slot(r.fields, scan.nfields);
      ++scan.nfields;
      bool tail = false;  // text after a closing quote: read on, error reported
      if (have() && data[pos] == '"') {
        const After after = quoted_field(f, r, scan);
        if (after == After::next_field) continue;
        if (after == After::record_end) return;
        tail = true;
      }
      if (unquoted_field(f, r, scan, tail) == After::record_end) return;
    }
  }

  /// A quoted field, from its opening quote to what follows the closing one.
  After quoted_field(std::string& f, CsvRecord& r, Scan& scan) {
    ++pos;
    scan.open_quote_column = scan.nfields;
    bool closed = false;
    while (!closed) {
      if (!have()) break;  // EOF inside quotes
      const std::size_t q = data.find('"', pos);
      const std::size_t stop = q == std::string_view::npos ? data.size() : q;
      const std::string_view chunk = data.substr(pos, stop - pos);
      scan.newlines += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      f.append(chunk);
      pos = stop;
      if (too_long()) {
        scan.end = End::limit;
        return After::record_end;
      }
      if (q == std::string_view::npos) continue;
      ++pos;  // past the quote
      if (have() && data[pos] == '"') {
        f += '"';
        ++pos;
        continue;
      }
      closed = true;
    }
    if (!closed) {
      r.errors.push_back(csv_error(
          "csv_unbalanced_quote", r.line, scan.nfields,
          "the quote opening field " + std::to_string(scan.nfields) + " is never closed"));
      scan.end = End::eof;
      return After::record_end;
    }
    scan.open_quote_column = 0;
    if (!have()) {
      scan.end = End::eof;
      return After::record_end;
    }
    const char c = data[pos];
    if (c == opt.delimiter) {
      ++pos;
      return After::next_field;
    }
    if (c == '\n' || (c == '\r' && (!have(1) || data[pos + 1] == '\n'))) {
      pos += c == '\n' || !have(1) ? std::size_t{1} : std::size_t{2};
      scan.end = End::newline;
      return After::record_end;
    }
    r.errors.push_back(csv_error(
        "csv_syntax", r.line, scan.nfields,
        "unexpected character after the closing quote of field " + std::to_string(scan.nfields)));
    return After::unquoted_tail;
  }

  /// An unquoted field (or the tail after a stray closing quote, whose error
  /// is reported already), up to its delimiter or the end of the record.
  After unquoted_field(std::string& f, CsvRecord& r, Scan& scan, bool quote_reported) {
    for (;;) {
      const std::size_t seg = pos;
      {  // locals, so that the loop keeps them in registers
        const char* d = data.data();
        const std::size_t size = data.size();
        const bool* stop = stops.data();
        std::size_t p = pos;
#ifdef __SSE2__
        // 16 bytes at a time: the first stop byte of each block, if any.
        const __m128i delimiter = _mm_set1_epi8(opt.delimiter);
        const __m128i lf = _mm_set1_epi8('\n');
        const __m128i cr = _mm_set1_epi8('\r');
        const __m128i quote = _mm_set1_epi8('"');
        while (p + 16 <= size) {
          const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + p));
          const __m128i hit = _mm_or_si128(
              _mm_or_si128(_mm_cmpeq_epi8(block, delimiter), _mm_cmpeq_epi8(block, lf)),
              _mm_or_si128(_mm_cmpeq_epi8(block, cr), _mm_cmpeq_epi8(block, quote)));
          const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
          if (mask != 0) {
            p += static_cast<std::size_t>(__builtin_ctz(mask));
            break;
          }
          p += 16;
        }
        if (p + 16 > size)
#endif
          while (p < size && !stop[static_cast<unsigned char>(d[p])]) ++p;
        pos = p;
      }
      f.append(data.substr(seg, pos - seg));
      if (too_long()) {
        scan.end = End::limit;
        return After::record_end;
      }
      if (pos == data.size()) {
        if (more()) continue;
        scan.end = End::eof;
        return After::record_end;
      }
      const char c = data[pos];
      if (c == '"') {
        if (!quote_reported) {
          r.errors.push_back(csv_error("csv_syntax", r.line, scan.nfields,
                                       "quote inside unquoted field " +
                                           std::to_string(scan.nfields) +
                                           " (quote the whole field and double the quote)"));
          quote_reported = true;
        }
        f += '"';
        ++pos;
        continue;
      }
      if (c == '\r') {
        if (!have(1)) {
          ++pos;
          scan.end = End::eof;
          return After::record_end;
        }
        if (data[pos + 1] != '\n') {
          f += '\r';
          ++pos;
          continue;
        }
        pos += 2;
        scan.end = End::newline;
        return After::record_end;
      }
      ++pos;  // past the line feed or the delimiter
      if (c == '\n') {
        scan.end = End::newline;
        return After::record_end;
      }
      return After::next_field;
    }
  }

  /// Checks a parsed record (limits, field count, UTF-8) and moves past it;
  /// a broken record that spans several lines resumes on its second line.
  void finish(CsvRecord& r, const Scan& scan) {
    r.fields.resize(std::min(scan.nfields, opt.max_fields));
    if (scan.end == End::limit) {
      // Inside a quoted field, the quote may close later (a long field) or
      // never (an unbalanced quote): the reader cannot tell without reading
      // on, so it says what it knows.
      const bool in_quote = scan.open_quote_column != 0;
      r.errors.push_back(csv_error(
          "limit_exceeded", r.line, scan.open_quote_column,
          "record longer than max_record_bytes = " + std::to_string(opt.max_record_bytes) +
              " bytes" +
              (in_quote ? " inside the quoted field " + std::to_string(scan.open_quote_column) +
                              " (a field that long, or a quote that is never closed)"
                        : std::string())));
      r.fields.clear();
      resync(r.line, scan.newlines);
      return;
    }
    check_field_count(r, scan);
    if (!r.errors.empty() && scan.newlines > 0) {
      // A broken multi-line record: most likely an unbalanced quote that
      // swallowed the lines after it. Report it and read on from its 2nd line.
      r.fields.clear();
      resync(r.line, scan.newlines);
      return;
    }
    line += scan.newlines + (scan.end == End::newline ? 1 : 0);
    // The record's bytes are still in `data`: when they are all ASCII
    // without NUL (the common case, checked 8 bytes at a time), so are its
    // fields.
    if (is_plain_ascii(data.substr(rec_start, pos - rec_start))) return;
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const std::size_t bad = detail::utf8_error_offset(r.fields[i]);
      if (bad != std::string_view::npos) {
        r.errors.push_back(csv_error("invalid_utf8", r.line, i + 1,
                                     "field " + std::to_string(i + 1) +
                                         " is not valid UTF-8 (bad byte at offset " +
                                         std::to_string(bad) + ")"));
      }
      const std::size_t nul = r.fields[i].find('\0');
      if (nul != std::string::npos) {  // binary data, UTF-16 text, a torn write: not text
        std::string message = "field ";
        message += std::to_string(i + 1);
        message += " contains a NUL byte (0x00) at offset ";
        message += std::to_string(nul);
        message += ", which is not allowed in CSV text";
        r.errors.push_back(csv_error("csv_syntax", r.line, i + 1, std::move(message)));
      }
    }
  }

  /// More fields than max_fields; not as many fields as the header.
  void check_field_count(CsvRecord& r, const Scan& scan) const {
    const std::size_t n = scan.nfields;
    if (n > opt.max_fields) {
      r.errors.push_back(
          csv_error("limit_exceeded", r.line, 0,
                    "record has " + std::to_string(n) +
                        " fields, more than max_fields = " + std::to_string(opt.max_fields)));
    }
    const bool unbalanced = !r.errors.empty() && r.errors.back().code == "csv_unbalanced_quote";
    if (expected_fields != 0 && n != expected_fields && !unbalanced && !scan.cut) {
      std::string message = "record has " + std::to_string(n) + " field" + (n == 1 ? "" : "s") +
                            ", the header has " + std::to_string(expected_fields);
      if (scan.newlines > 0) message += " (it spans several lines: an unbalanced quote?)";
      r.errors.push_back(csv_error("csv_field_count", r.line, 0, std::move(message)));
    }
  }

  /// A line (without its line feed) that next() skips as blank: empty, or
  /// only spaces and tabs that are not the delimiter, before an optional CR
  /// (skip_blank_lines()).
  [[nodiscard]] bool blank_line(std::string_view l) const noexcept {
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.size() > opt.max_record_bytes) return false;
    for (const char c : l) {
      if ((c != ' ' && c != '\t') || c == opt.delimiter) return false;
    }
    return true;
  }

  /// Whether a line (without its line feed) that starts a record ends
  /// outside quotes, as scan_fields() reads it: a quote opens a quoted field
  /// only at the start of a field, a doubled quote inside one is a quote, and
  /// after the closing quote the field runs on unquoted to the delimiter.
  [[nodiscard]] bool ends_outside_quotes(std::string_view text) const noexcept {
    enum class S : std::uint8_t { field_start, unquoted, quoted, closing } s = S::field_start;
    for (const char c : text) {
      switch (s) {
        case S::field_start:
          s = c == '"' ? S::quoted : (c == opt.delimiter ? S::field_start : S::unquoted);
          break;
        case S::unquoted:
          if (c == opt.delimiter) s = S::field_start;
          break;
        case S::quoted:
          if (c == '"') s = S::closing;
          break;
        case S::closing:  // after a quote inside a quoted field
          s = c == '"' ? S::quoted : (c == opt.delimiter ? S::field_start : S::unquoted);
          break;
      }
    }
    return s != S::quoted;
  }

  /// CsvReader::next_chunk(): whole lines from pos, up to the first record
  /// that spans lines (a line break inside quotes).
  bool next_chunk(CsvChunk& c, std::size_t max_records, std::size_t max_bytes) {
    if (pending) std::rethrow_exception(std::exchange(pending, nullptr));
    if (!started || max_records == 0) return false;
    rec_start = pos;
    std::size_t end = pos;  // end of the lines taken (an index in data)
    std::size_t lines = 0, count = 0, last = 0;
    bool stop = false;
    bool quoted_break = false;  // the next line ends inside quotes
    while (!stop) {
      const std::size_t limit = std::min(data.size(), pos + max_bytes);
      std::size_t quote = std::min(limit, data.find('"', end));  // the next quote
      while (count < max_records) {
        const void* at = std::memchr(data.data() + end, '\n', limit - end);
        if (at == nullptr) break;
        const auto nl = static_cast<std::size_t>(static_cast<const char*>(at) - data.data());
        if (quote < nl) {  // a line with quotes: a record of its own only outside them
          if (nl - end > opt.max_record_bytes || !ends_outside_quotes(data.substr(end, nl - end))) {
            quoted_break = true;
            break;
          }
          quote = std::min(limit, data.find('"', nl + 1));
        }
        ++lines;
        if (!blank_line(data.substr(end, nl - end))) {
          ++count;
          last = line + lines - 1;
        }
        end = nl + 1;
      }
      // Done at the record limit, a quoted line break, the byte limit or the
      // input's end.
      stop = count == max_records || quoted_break || limit == pos + max_bytes;
      if (!stop) {
        const std::size_t taken = end - pos;
        try {
          stop = !more();  // keeps the bytes from rec_start (= pos), moves them to 0
        } catch (...) {
          // The source failed: the whole records taken so far are a chunk;
          // the failure comes with the next call.
          if (lines == 0) throw;
          pending = std::current_exception();
          stop = true;
        }
        end = pos + taken;
      }
    }
    if (lines == 0) return false;
    c.text.assign(data.substr(pos, end - pos));
    c.offset = dropped + pos;
    c.first_line = line;
    c.first_record = records + 1;
    c.records = count;
    c.last_line = last;
    c.header_fields = expected_fields;
    c.options = opt;
    line += lines;
    records += count;
    pos = end;
    rec_start = pos;
    return true;
  }

  /// After a broken record starting on `first_line`: continue on the line
  /// after its first one.
  void resync(std::size_t first_line, std::size_t newlines) {
    if (newlines > 0) {
      // The record's bytes are still in the buffer from rec_start.
      const std::size_t nl = data.find('\n', rec_start);
      pos = nl == std::string_view::npos ? data.size() : nl + 1;
    } else {
      skip_line();
    }
    line = first_line + 1;
    rec_start = pos;
  }
};

CsvReader::CsvReader(std::istream& in, CsvOptions options)
    : impl_(std::make_unique<Impl>(&in, std::string_view{}, options)) {}
CsvReader::CsvReader(std::string_view text, CsvOptions options)
    : impl_(std::make_unique<Impl>(nullptr, text, options)) {}
CsvReader::CsvReader(const CsvChunk& chunk)
    : impl_(std::make_unique<Impl>(nullptr, chunk.text, chunk.options)) {
  impl_->started = true;
  impl_->dropped = chunk.offset;
  impl_->line = chunk.first_line;
  impl_->records = chunk.first_record - 1;
  impl_->expected_fields = chunk.header_fields;
}
CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

Result<std::vector<std::string>> CsvReader::read_header() {
  CsvRecord header;
  if (!impl_->parse(header)) {
    return std::vector<Diagnostic>{
        csv_error("csv_no_header", 0, 0, "the input is empty: expected a header row")};
  }
  if (!header.ok()) return std::move(header.errors);
  for (std::string& name : header.fields) {
    const std::size_t b = name.find_first_not_of(" \t");
    const std::size_t e = name.find_last_not_of(" \t");
    name = b == std::string::npos ? std::string() : name.substr(b, e - b + 1);
  }
  impl_->expected_fields = header.fields.size();
  return std::move(header.fields);
}

bool CsvReader::next(CsvRecord& record) {
  if (!impl_->parse(record)) return false;
  record.number = ++impl_->records;
  return true;
}

bool CsvReader::next(CsvRecordView& record) {
  if (!impl_->parse_view(record)) return false;
  record.number = ++impl_->records;
  return true;
}

bool CsvReader::next_chunk(CsvChunk& chunk, std::size_t max_records, std::size_t max_bytes) {
  return impl_->next_chunk(chunk, max_records, max_bytes);
}

std::uint64_t CsvReader::bytes_read() const noexcept { return impl_->dropped + impl_->pos; }

}  // namespace leadscore
