// The streaming engine of `leadscore score` and `leadscore report`: records
// are read in batches, each batch is parsed and scored by one of N worker
// threads, and batches are consumed (written) strictly in input order. At
// most a fixed number of batches exist at once, so memory stays bounded
// whatever the input size, and the output does not depend on N.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "leadscore/csv.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

#include "cli.hpp"

namespace leadscore::cli {

/// One input record, raw.
struct InputRecord {
  std::size_t line = 0;    ///< first line in the input, 1-based
  std::size_t number = 0;  ///< record number, 1-based
  std::string text;        ///< JSONL: the line
  CsvRecord csv;           ///< CSV: the record (unless `viewed`)
  /// CSV in a raw batch, read by for_each_record(): the record as views into
  /// the batch's text or its reader, valid while the callback runs.
  CsvRecordView view;
  bool viewed = false;              ///< the record is `view`, not `csv`
  std::optional<Diagnostic> error;  ///< JSONL: a read error (line too long)
  std::optional<std::string> id;    ///< JSONL: the id read from the start of a line too long
  bool blank = false;               ///< JSONL: a blank line (JsonlSource with report_blank)
  std::size_t raw_bytes = 0;        ///< CSV: the input bytes the record took
  /// An upper bound of the storage this (reused) record keeps in `csv`:
  /// what release_large_storage() checks before counting it exactly.
  std::size_t may_keep = 0;
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  /// The next record; false at the end of the input.
  virtual bool next(InputRecord& record) = 0;
  [[nodiscard]] virtual std::uint64_t bytes_read() const = 0;
  /// The records ahead as one raw CSV chunk, to be parsed by a worker
  /// (CsvReader::next_chunk()); false when the source has none to give.
  virtual bool next_chunk(CsvChunk& /*chunk*/, std::size_t /*max_records*/,
                          std::size_t /*max_bytes*/) {
    return false;
  }
  /// Where the source stands: the records it gave and the lines they took.
  [[nodiscard]] virtual std::size_t records() const = 0;
  [[nodiscard]] virtual std::size_t lines() const = 0;
  /// A ReadError the pipeline met reading this source: the records before it
  /// were processed and consumed, then run_pipeline rethrew it.
  std::exception_ptr read_failure;
};

/// JSON Lines: one record per non-blank line (with `report_blank`, a blank
/// line is a record too, marked `blank`); a trailing CR is dropped (and not
/// counted); a byte-order mark is skipped at the start of the input and an
/// error elsewhere; a line longer than `max_line_bytes` is skipped and
/// reported.
class JsonlSource final : public RecordSource {
 public:
  JsonlSource(std::istream& in, std::size_t max_line_bytes, bool report_blank = false);
  bool next(InputRecord& record) override;
  [[nodiscard]] std::uint64_t bytes_read() const override { return dropped_ + pos_; }
  [[nodiscard]] std::size_t records() const override { return count_; }
  [[nodiscard]] std::size_t lines() const override { return line_; }

 private:
  bool fill();
  /// Fills `record` as the next line, `text` (a CR before its end removed).
  void take(InputRecord& record, std::string_view text);
  /// Fills `record` as the next line, which cannot be read: an error `code`.
  void unreadable(InputRecord& record, std::string_view code, std::string message,
                  std::size_t column);
  /// Fills `record` as the next line, too long to be read (a limit_exceeded error).
  void too_long(InputRecord& record);
  /// Fills `record` as the next line, which starts with a byte-order mark
  /// though it is not the first (a json_syntax error, as in CSV).
  void misplaced_bom(InputRecord& record);
  std::istream& in_;
  std::size_t max_;
  bool report_blank_;
  std::optional<std::string> long_id_;  ///< the id at the start of the line being dropped
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t dropped_ = 0;
  bool eof_ = false;
  std::size_t line_ = 0;
  std::size_t count_ = 0;
};

class CsvSource final : public RecordSource {
 public:
  explicit CsvSource(CsvReader& reader) : reader_(reader) {}
  bool next(InputRecord& record) override {
    const std::uint64_t before = reader_.bytes_read();
    record.viewed = false;
    if (!reader_.next(record.csv)) return false;
    record.raw_bytes = static_cast<std::size_t>(reader_.bytes_read() - before);
    record.line = record.csv.line;
    record.number = record.csv.number;
    records_ = record.number;
    lines_ = record.line;
    return true;
  }
  [[nodiscard]] std::uint64_t bytes_read() const override { return reader_.bytes_read(); }
  bool next_chunk(CsvChunk& chunk, std::size_t max_records, std::size_t max_bytes) override {
    if (!reader_.next_chunk(chunk, max_records, max_bytes)) return false;
    if (chunk.records > 0) {
      records_ = chunk.first_record + chunk.records - 1;
      lines_ = chunk.last_line;
    }
    return true;
  }
  [[nodiscard]] std::size_t records() const override { return records_; }
  [[nodiscard]] std::size_t lines() const override { return lines_; }

 private:
  CsvReader& reader_;
  std::size_t records_ = 0;
  std::size_t lines_ = 0;
};

/// What became of one record (kept by batches for the consumer).
struct RecordOutcome {
  bool ok = false;
  int stage_index = -1;
  bool disqualified = false;
  bool skipped = false;  ///< a blank line (score): neither scored nor failed
  double total = 0;
  int label = -1;  ///< report: 1 yes, 0 no, -1 unknown

  /// Index of the stage among `stage_count` Qualifier::stage_names() (the
  /// fallback, last, when no stage held).
  [[nodiscard]] std::size_t stage_slot(std::size_t stage_count) const {
    return stage_index < 0 ? stage_count - 1 : static_cast<std::size_t>(stage_index);
  }
};

/// The records a run has consumed so far.
struct RecordCounts {
  std::uint64_t read = 0;
  std::uint64_t failed = 0;
  std::uint64_t disqualified = 0;
  std::uint64_t skipped = 0;  ///< blank lines (not records: not in `read`)
  /// Counts one record; false when it failed or was skipped.
  bool add(const RecordOutcome& outcome);
};

struct Batch {
  std::vector<InputRecord> records;  ///< storage, reused; the first `size` are live
  std::size_t size = 0;
  /// CSV read on several threads: the `size` records are one raw chunk,
  /// parsed one at a time as the worker processes them (for_each_record()),
  /// and `records` is not used.
  bool raw = false;
  CsvChunk chunk;
  std::uint64_t end_bytes = 0;  ///< input bytes read when the batch was complete
  std::string output;           ///< formatted output of the batch
  std::vector<RecordOutcome> outcomes;
};

struct PipelineOptions {
  unsigned threads = 1;
  std::size_t batch_records = 1024;  ///< small enough to stay in cache
  /// A batch also ends once its records hold this many bytes, so wide
  /// records do not make batches big.
  std::size_t batch_bytes = 2u << 20;
};

/// Calls f(i, record) for each record of `batch`, in order: the records the
/// reader filled, or those of a raw chunk parsed one at a time into
/// `scratch` (so a raw batch holds its text, not its parsed records).
void for_each_record(const Batch& batch, InputRecord& scratch,
                     const std::function<void(std::size_t, const InputRecord&)>& f);
/// Record `i` of a batch (a raw one is parsed again up to it: for rare uses,
/// such as the first failures' messages).
const InputRecord& record_at(const Batch& batch, std::size_t i, InputRecord& scratch);

/// Runs the pipeline: `process` on worker threads (any order), `consume` on
/// one thread in input order. Exceptions thrown by either are rethrown. A
/// ReadError from the source ends the input: the whole records read before
/// it are processed and consumed, then it is rethrown (with the position).
void run_pipeline(RecordSource& source, const PipelineOptions& options,
                  const std::function<void(Batch&)>& process,
                  const std::function<void(const Batch&)>& consume);

/// Turns a record into a lead: for JSONL, the simdjson reader
/// (lead_fast_json.hpp) and, for every line it declines, parse_lead; for CSV,
/// the mapper.
struct LeadReader {
  Format format = Format::jsonl;
  const CsvLeadMapper* mapper = nullptr;
  Limits limits;
  Instant as_of{};
  /// JSONL: try the simdjson reader first (false: parse_lead only; set by the
  /// environment variable LEADSCORE_JSONL_PARSER=nlohmann, for measurements).
  bool fast_jsonl = true;

  [[nodiscard]] Result<Lead> read(const InputRecord& record) const;
  /// The same into `lead`, whose storage is reused from record to record (no
  /// Result to move the lead through). False: `errors` holds the diagnostics
  /// and `lead` is unspecified.
  [[nodiscard]] bool read_into(const InputRecord& record, Lead& lead,
                               std::vector<Diagnostic>& errors) const;
  /// read_into() without the fast JSONL reader: for a line it declined, a
  /// CSV record or an input error.
  [[nodiscard]] bool read_declined(const InputRecord& record, Lead& lead,
                                   std::vector<Diagnostic>& errors) const;
  /// The record straight into `qualifier`'s bound form, for scoring only
  /// (CsvLeadMapper::map_into, fast_parse_bound; a JSONL line the fast
  /// reader declines is read whole and bound). False: `errors` holds the
  /// diagnostics.
  [[nodiscard]] bool read_bound(const InputRecord& record, const Qualifier& qualifier,
                                BoundLead& out, std::vector<Diagnostic>& errors) const;
  /// The lead id of a record that could not be read, when it can be told.
  [[nodiscard]] std::optional<std::string> id_of(const InputRecord& record) const;
};

/// Everything `score` and `report` share: the qualifier, the as-of, the
/// input opened as a record source (with the CSV header read and the mapping
/// bound), and the thread count. Built by open_records(); not movable, as
/// the source refers to the reader.
struct RecordInput {
  std::optional<Qualifier> qualifier;
  Instant as_of{};
  bool as_of_given = false;
  unsigned threads = 1;
  Format format = Format::jsonl;
  Input input;
  std::unique_ptr<CsvReader> csv;
  std::unique_ptr<CsvLeadMapper> mapper;
  std::unique_ptr<RecordSource> source;
  LeadReader reader;
  bool progress = false;
  /// JSONL: blank lines are records too (score: one output line per input line).
  bool report_blank = false;

  RecordInput() = default;
  RecordInput(const RecordInput&) = delete;
  RecordInput& operator=(const RecordInput&) = delete;
};

/// Reads --config, --input, --format, --map, --as-of, --threads,
/// --max-record-bytes and --progress. Configuration and usage problems are
/// printed and thrown as UsageError (nothing has been scored yet).
void open_records(const Args& args, RecordInput& in);

/// Runs the pipeline over the records of `in`, with its threads and
/// --batch-records.
void run_pipeline(const Args& args, RecordInput& in, const std::function<void(Batch&)>& process,
                  const std::function<void(const Batch&)>& consume);

/// The real outcome of each lead (--label of report and calibrate): a column
/// of a CSV input, else an attribute of the lead.
struct OutcomeLabel {
  std::string name;
  std::optional<std::size_t> column;  ///< CSV input: the column's index
  /// JSONL: whether some lead had the attribute, and (until one had) the
  /// attribute names seen, for a suggestion. Shared by the worker threads.
  struct Seen {
    std::atomic<bool> found{false};
    std::mutex mutex;
    std::set<std::string> names;
  };
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();

  /// The label `name` of the input; for CSV, its column (a UsageError, with a
  /// suggestion, when the header has none).
  static OutcomeLabel find(const RecordInput& in, std::string name);
  /// The outcome the record states (yes/true/1 = converted), if it states one.
  [[nodiscard]] std::optional<bool> of(const InputRecord& record, const Lead& lead) const;
  /// JSONL, after the run: a UsageError (with the nearest attribute name
  /// seen) when no lead read had the attribute, unless none was read at all.
  void require_seen(const RecordInput& in, std::uint64_t leads_read) const;
};

/// The "id" string directly inside the top-level JSON object of `text`, if
/// any (a linear scan that tolerates broken JSON after the id).
std::optional<std::string> top_level_id(std::string_view text);

/// The progress line on stderr: records done, rate, and with a known input
/// size, a bar and the ETA. Redrawn at most 10 times a second on a terminal,
/// once a second otherwise.
class Progress {
 public:
  Progress(bool enabled, bool terminal, std::optional<std::uint64_t> total_bytes);
  void update(std::uint64_t records, std::uint64_t bytes, bool force = false);
  /// Erases the line (terminal) before the summary, or before records are
  /// written to stdout (which may be the same terminal); the next update
  /// draws it again.
  void finish();

 private:
  bool enabled_;
  bool terminal_;
  std::optional<std::uint64_t> total_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace leadscore::cli
