// leadscore/csv.hpp — leads from CSV files: an RFC 4180 streaming reader and
// a Mapping from columns to lead fields (docs/cli.md#mapping).
//
// CsvReader reads one record at a time with bounded memory (at most one
// record plus one read chunk is held), whatever the input size. It accepts
// quoted fields with embedded delimiters, doubled quotes and line breaks,
// CRLF or LF line ends, and a UTF-8 byte-order mark. Problems (an unbalanced
// quote, a stray quote, a wrong number of fields, invalid UTF-8, a record
// over the size limit) are reported on the record they concern, with its line
// number; reading goes on with the next record.
//
// A Mapping says which column feeds which lead field (dotted paths as in the
// lead JSON: "contact.email", "company.employees", "attributes.plan"), which
// columns become events, and how values are normalised. parse_mapping() reads
// it from JSON; CsvLeadMapper binds it to a header row and turns each record
// into a Lead. A value that does not parse as its declared type is an error
// for that record only, naming its line, column number and column name.
//
// Thread safety: a CsvReader is a single-threaded cursor. A CsvLeadMapper is
// immutable once created; map() is const and may be called from any number
// of threads at once. Neither reads the clock: map() takes `as_of` for events
// whose instant is "now".
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

// ---------------------------------------------------------------------------
// Reading CSV
// ---------------------------------------------------------------------------

struct CsvOptions {
  /// Field separator (',' by default; ';' and '\t' are common). Must not be
  /// '"', '\r' or '\n'.
  char delimiter = ',';
  /// Bytes of one record, all its lines included. A longer record is a
  /// "limit_exceeded" error and is skipped.
  std::size_t max_record_bytes = 1u << 20;
  /// Fields of one record. More is a "limit_exceeded" error.
  std::size_t max_fields = 4096;
};

/// One record (row) of a CSV file.
struct CsvRecord {
  /// 1-based physical line on which the record starts.
  std::size_t line = 0;
  /// 1-based number of the record among the data records (the header row is
  /// not counted; blank lines are not records).
  std::size_t number = 0;
  /// The fields, unquoted. When `errors` is not empty they may be partial or
  /// empty (see CsvReader::next()).
  std::vector<std::string> fields;
  /// Problems found in this record: codes "csv_syntax" (stray quote, NUL byte),
  /// "csv_unbalanced_quote", "csv_field_count", "invalid_utf8",
  /// "limit_exceeded". Each carries `line` and, when it concerns one field,
  /// `column` = the 1-based field number.
  std::vector<Diagnostic> errors;

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

/// One record with its fields as views (CsvReader::next(CsvRecordView&)),
/// for reading a file without a copy per field: they point into the
/// reader's buffer, or into its own copy of a record the quick path does not
/// take (quoted fields, a record over several lines, one with errors). Valid
/// until the reader's next call.
struct CsvRecordView {
  std::size_t line = 0;    ///< as CsvRecord::line
  std::size_t number = 0;  ///< as CsvRecord::number
  std::vector<std::string_view> fields;
  std::vector<Diagnostic> errors;  ///< as CsvRecord::errors

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

/// A run of whole records handed out raw by CsvReader::next_chunk(), to be
/// parsed apart (on another thread) by a CsvReader made from it.
struct CsvChunk {
  std::string text;               ///< the records' bytes, line ends included
  std::uint64_t offset = 0;       ///< input bytes before `text`
  std::size_t first_line = 0;     ///< 1-based line of text's first byte
  std::size_t first_record = 0;   ///< the number its first record gets
  std::size_t records = 0;        ///< records in `text` (blank lines are none)
  std::size_t last_line = 0;      ///< line of the last record (0: none)
  std::size_t header_fields = 0;  ///< fields each record must have (0: any)
  CsvOptions options;
};

/// A streaming RFC 4180 reader.
///
/// Recovery: when a record that spans several lines (a quoted field holding a
/// line break) turns out to be broken — a quote that never closes, a stray
/// character after a closing quote, the wrong number of fields, over the
/// size limit — the error is reported on the record's first line, its fields
/// are cleared, and reading resumes on the following line. So one unbalanced
/// quote costs one record, not the rest of the file. Such a record is read
/// only up to the end of the field where it is first known broken (an error
/// after a line break inside quotes): its errors are the ones found up to
/// there, and recovery costs time linear in the input.
///
/// Blank lines (no character at all before the line end) are skipped; they
/// still count in line numbers.
class LEADSCORE_EXPORT CsvReader {
 public:
  /// Reads from `in` (not owned; must outlive the reader).
  explicit CsvReader(std::istream& in, CsvOptions options = {});
  /// Reads from `text` (not copied; must outlive the reader).
  explicit CsvReader(std::string_view text, CsvOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;

  /// Reads the header row (the first record). Call it at most once, before
  /// next(). Afterwards every record must have as many fields as the header
  /// ("csv_field_count" otherwise). Header names are trimmed of ASCII spaces.
  /// Errors: an empty input ("csv_no_header"), or the header's own problems.
  Result<std::vector<std::string>> read_header();

  /// Reads the next record into `record` (its storage is reused). Returns
  /// false at the end of the input. A record with problems is still
  /// returned, with record.errors set.
  bool next(CsvRecord& record);
  /// next() without copying the fields: the same record (fields, line,
  /// number, errors, then bytes_read()), its fields as views valid until the
  /// next call on this reader.
  bool next(CsvRecordView& record);

  /// For parsing on several threads: takes the records ahead as one raw
  /// chunk, up to `max_records` whole records in at most `max_bytes` bytes,
  /// each on one line ending with a line feed (quoted fields are fine as
  /// long as they hold no line break). A CsvReader made from the chunk
  /// reads them with the same fields, line and record numbers and
  /// diagnostics as next() would have. False, with nothing consumed, when
  /// the next record spans lines (or is a line over max_record_bytes with a
  /// quote in it), does not end within `max_bytes` (read it with next()), at
  /// the end of the input, or before read_header(). Blank lines are skipped
  /// as by next() (a chunk of only blank lines has no record).
  bool next_chunk(CsvChunk& chunk, std::size_t max_records, std::size_t max_bytes);

  /// Reads the records of a chunk from next_chunk() (not copied: `chunk`
  /// must outlive the reader).
  explicit CsvReader(const CsvChunk& chunk);

  /// Bytes consumed from the input so far (for progress reports).
  [[nodiscard]] std::uint64_t bytes_read() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------
// Mapping columns to leads
// ---------------------------------------------------------------------------

/// How a column's text is read.
enum class ValueType : std::uint8_t {
  string,   ///< the text as is (after normalisation)
  number,   ///< a finite decimal number: "12", "-3.5", "1e3"
  boolean,  ///< true/false, yes/no, y/n, 1/0, t/f (ASCII case-insensitive)
  list,     ///< strings split on `separator`, each trimmed, empty items dropped
  instant,  ///< ISO-8601 (see leadscore/time.hpp)
  origin,   ///< inbound / outbound / unknown
};
LEADSCORE_EXPORT std::string_view to_string(ValueType type) noexcept;

/// Normalisation of a column's text, applied before the missing-value test
/// and before parsing. Unset = the mapping-wide default.
struct Normalise {
  std::optional<bool> trim;        ///< strip ASCII white space at both ends
  std::optional<bool> lower_case;  ///< ASCII lower-case (strings and lists)
  /// Texts meaning "no value" (compared after trimming, ASCII
  /// case-insensitively). Unset = Mapping::missing.
  std::optional<std::vector<std::string>> missing;
  friend bool operator==(const Normalise&, const Normalise&) = default;
};

/// One column feeding one lead field.
struct FieldMapping {
  /// Lead field path: "contact.email", "company.employees", "created_at",
  /// "origin", "discovery.budget", "attributes.plan", ... (docs/cli.md).
  std::string target;
  /// CSV column name (as in the header row).
  std::string column;
  /// The type; fixed by the target for lead fields (company.employees is a
  /// number, created_at an instant, ...), declared for attributes and
  /// discovery fields (string by default).
  ValueType type = ValueType::string;
  /// For lists: the separator between items.
  std::string separator = ";";
  Normalise normalise;
  /// Where parse_mapping() read this entry (a JSON pointer into the mapping,
  /// for diagnostics); "" for mappings built in C++.
  std::string pointer;
  friend bool operator==(const FieldMapping&, const FieldMapping&) = default;
};

/// A value given to every lead (e.g. origin "outbound", source "cold_call").
/// Strings are parsed as the target's type when it is fixed (an instant for
/// created_at, an origin for origin); numbers, booleans and string lists
/// must match it.
struct ConstantMapping {
  std::string target;  ///< a lead field path, as FieldMapping::target
  Value value;
  std::string pointer;  ///< as FieldMapping::pointer
  friend bool operator==(const ConstantMapping&, const ConstantMapping&) = default;
};

/// Columns turned into events.
///  - `count_column` set: that many events of `type` (a non-negative
///    integer; empty or missing = none), each at the instant in `at_column`,
///    or when that is unset or missing, at the lead's created_at — or at
///    as_of when `at_as_of` is true or the lead has no created_at.
///  - only `at_column` set: one event of `type` at that instant (none when
///    the cell is missing).
struct EventMapping {
  std::string type;
  std::string count_column;
  std::string at_column;
  bool at_as_of = false;
  std::string pointer;  ///< as FieldMapping::pointer
  friend bool operator==(const EventMapping&, const EventMapping&) = default;
};

/// A whole mapping (docs/cli.md#mapping for the JSON form).
struct Mapping {
  /// CSV field separator.
  char delimiter = ',';
  /// Column holding the lead id; empty = the record number (1, 2, ...),
  /// preceded by `id_prefix`.
  std::string id_column;
  std::string id_prefix;
  /// Mapping-wide normalisation defaults.
  bool trim = true;
  bool lower_case = false;
  std::vector<std::string> missing{""};
  std::vector<FieldMapping> fields;
  std::vector<ConstantMapping> constants;
  std::vector<EventMapping> events;
  /// Columns deliberately left out (documentation; each must exist).
  std::vector<std::string> ignore;
  friend bool operator==(const Mapping&, const Mapping&) = default;
};

/// Parses a mapping from JSON text: keys, types, target paths (with "did you
/// mean"), value types and constants are checked; column names are checked
/// against the header by CsvLeadMapper::create. Diagnostics carry JSON
/// pointers and line:column positions in `json_text`.
LEADSCORE_EXPORT Result<Mapping> parse_mapping(std::string_view json_text,
                                               const Limits& limits = {});

/// The mapping used when none is given: every column whose name is a lead
/// field path ("id", "contact.email", "company.employees", "attributes.x",
/// ...) feeds that field, typed as the field is; any other column becomes a
/// string attribute of the same name. A column named "id" is the id.
LEADSCORE_EXPORT Mapping default_mapping(std::span<const std::string> header);

/// Lints a mapping against the header row it is used with (`leadscore check
/// --map FILE --input FILE.csv`). Warnings only, without a pointer:
///  - "unmapped_column": a header column that the mapping neither uses (as
///    the id, a field, an event count or an event instant) nor lists in
///    `ignore`, so its values are silently dropped.
/// `csv_name` names the CSV file in the messages ("column "Notes" of
/// export.csv is neither mapped nor listed in "ignore"").
LEADSCORE_EXPORT std::vector<Diagnostic> lint_mapping(const Mapping& mapping,
                                                      std::span<const std::string> header,
                                                      std::string_view csv_name);

/// Every lead field path a mapping can target, besides "attributes.<name>".
LEADSCORE_EXPORT std::span<const std::string_view> mapping_targets() noexcept;

/// A Mapping bound to a header row: column names resolved to indexes.
class LEADSCORE_EXPORT CsvLeadMapper {
 public:
  /// Resolves the mapping's columns in `header`. Errors ("unknown_column",
  /// with a suggestion; "duplicate_column" when a used name appears twice in
  /// the header) point into the mapping (/fields/contact.email/column).
  static Result<CsvLeadMapper> create(Mapping mapping, std::span<const std::string> header,
                                      const Limits& limits = {});

  /// Turns one record into a lead. Every problem of the record is reported
  /// (its read errors first, then one per bad value), each with the record's
  /// line, the 1-based column number in `column` and the lead pointer
  /// (/company/employees) in `pointer`; messages name the column.
  [[nodiscard]] Result<Lead> map(const CsvRecord& record, Instant as_of) const;
  /// map() of a record read as views (CsvReader::next(CsvRecordView&)).
  [[nodiscard]] Result<Lead> map(const CsvRecordView& record, Instant as_of) const;

  /// map() straight into `qualifier`'s bound form, for scoring a file: the
  /// values the qualifier reads by slot go into `out` without building the
  /// lead's attribute map, and `out` (reused from record to record) keeps its
  /// storage, so a warm loop allocates nothing per record. Every cell is
  /// checked as map() checks it: false, with map()'s diagnostics in `errors`,
  /// exactly when map() fails (`out` is then unspecified). On success
  /// qualifier.qualify(out, as_of) equals qualifier.qualify(*map(record,
  /// as_of), as_of), and out.lead() holds the record's id, lead fields and
  /// events, but of its attributes only those the qualifier reads by name
  /// (enrichment fields; slots beyond the first 256): use map() to keep a
  /// whole lead or to explain it. Text values of `out` live in `out`.
  bool map_into(const CsvRecord& record, Instant as_of, const Qualifier& qualifier, BoundLead& out,
                std::vector<Diagnostic>& errors) const;
  /// map_into() of a record read as views (CsvReader::next(CsvRecordView&)).
  bool map_into(const CsvRecordView& record, Instant as_of, const Qualifier& qualifier,
                BoundLead& out, std::vector<Diagnostic>& errors) const;

  /// The id map() gives the record (the id column's trimmed text, or the
  /// prefixed record number); nullopt when a broken record lacks the column.
  [[nodiscard]] std::optional<std::string> id_of(const CsvRecord& record) const;
  [[nodiscard]] std::optional<std::string> id_of(const CsvRecordView& record) const;

  /// Index of a header column by name, or nullopt.
  [[nodiscard]] std::optional<std::size_t> column_index(std::string_view name) const;

  [[nodiscard]] const Mapping& mapping() const noexcept { return mapping_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }

 private:
  struct EventSlot {
    std::optional<std::size_t> count_column;
    std::optional<std::size_t> at_column;
  };
  struct Plan;  ///< each mapping_.fields entry resolved once (src/csv/mapping.cpp)
  CsvLeadMapper() = default;
  static std::shared_ptr<const Plan> make_plan(const Mapping& mapping,
                                               const std::vector<std::size_t>& columns);
  // Over a CsvRecord or a CsvRecordView (defined and used in mapping.cpp).
  template <class Record>
  [[nodiscard]] Result<Lead> map_lead(const Record& record, Instant as_of) const;
  template <class Record>
  bool map_bound(const Record& record, Instant as_of, const Qualifier& qualifier, BoundLead& out,
                 std::vector<Diagnostic>& errors) const;
  template <class Record>
  [[nodiscard]] std::optional<std::string> record_id(const Record& record) const;
  template <class Record>
  bool map_record(const Record& record, Instant as_of, Lead& lead, detail::BoundValues* bound,
                  std::vector<Diagnostic>& errors) const;
  template <class Record>
  void map_fields(const Record& record, Lead& lead, detail::BoundValues* bound,
                  std::vector<Diagnostic>& errors) const;
  template <class Record>
  void map_events(const Record& record, Instant as_of, Lead& lead,
                  std::vector<Diagnostic>& errors) const;
  [[nodiscard]] std::string column_name(std::size_t column) const;
  Mapping mapping_;
  std::vector<std::string> header_;
  Limits limits_;
  std::optional<std::size_t> id_column_;
  std::shared_ptr<const Plan> plan_;
  std::vector<EventSlot> event_slots_;
  Lead base_;  ///< a lead holding every constant; map() starts from a copy
};

}  // namespace leadscore
