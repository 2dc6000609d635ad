#include "pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <streambuf>
#include <thread>

#include <nlohmann/json.hpp>

#include "leadscore/calibrate.hpp"
#include "leadscore/io.hpp"

#include "lead_fast_json.hpp"

namespace leadscore::cli {

// ---------------------------------------------------------------------------
// JsonlSource
// ---------------------------------------------------------------------------

namespace {
constexpr std::size_t kReadChunk = 256u << 10;

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  });
}
}  // namespace

JsonlSource::JsonlSource(std::istream& in, std::size_t max_line_bytes, bool report_blank)
    : in_(in), max_(max_line_bytes), report_blank_(report_blank) {}

void JsonlSource::take(InputRecord& record, std::string_view text) {
  record.line = line_;
  record.number = ++count_;
  record.text.assign(text);
  record.error.reset();
  record.id.reset();
  record.blank = false;
}

void JsonlSource::unreadable(InputRecord& record, std::string_view code, std::string message,
                             std::size_t column) {
  record.line = line_;
  record.number = ++count_;
  record.text.clear();
  record.id = std::move(long_id_);
  long_id_.reset();
  record.blank = false;
  Diagnostic d;
  d.code = std::string(code);
  d.message = std::move(message);
  d.line = line_;
  d.column = column;
  record.error = std::move(d);
}

void JsonlSource::too_long(InputRecord& record) {
  unreadable(
      record, "limit_exceeded",
      "line longer than the limit of " + std::to_string(max_) + " bytes (--max-record-bytes)", 0);
}

void JsonlSource::misplaced_bom(InputRecord& record) {
  unreadable(record, "json_syntax",
             "a byte-order mark (U+FEFF) is allowed only at the start of the input", 1);
}

bool JsonlSource::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    dropped_ += pos_;
    pos_ = 0;
  }
  const std::size_t old = buf_.size();
  buf_.resize(old + kReadChunk);
  std::streamsize n = 0;
  if (std::streambuf* sb = in_.rdbuf(); sb != nullptr) {
    n = sb->sgetn(buf_.data() + old, static_cast<std::streamsize>(kReadChunk));
  }
  const auto got = n > 0 ? static_cast<std::size_t>(n) : std::size_t{0};
  buf_.resize(old + got);
  if (got == 0) eof_ = true;
  return got > 0;
}

bool JsonlSource::next(InputRecord& record) {
  for (;;) {
    // Find the end of the next line, reading on as needed. A line that
    // outgrows the limit before its end is read is let go of as it is read
    // (so memory stays bounded) and reported as too long.
    bool dropped = false;
    std::size_t nl = buf_.find('\n', pos_);
    while (nl == std::string::npos) {
      if (dropped || buf_.size() - pos_ > max_ + 1) {  // + 1: room for a CR before the LF
        if (!dropped) long_id_ = top_level_id(std::string_view(buf_).substr(pos_));
        dropped = true;
        pos_ = buf_.size();
      }
      const std::size_t kept = buf_.size() - pos_;
      if (!fill()) break;
      nl = buf_.find('\n', pos_ + kept);
    }
    if (nl == std::string::npos && !dropped && pos_ >= buf_.size()) return false;
    // The last line may lack its newline.
    const std::size_t end = nl == std::string::npos ? buf_.size() : nl;
    std::string_view text(buf_.data() + pos_, end - pos_);
    const bool input_start = dropped_ + pos_ == 0;
    pos_ = nl == std::string::npos ? end : nl + 1;
    ++line_;
    if (!dropped && blank(text)) {
      if (!report_blank_) continue;
      take(record, {});
      record.blank = true;
      return true;
    }
    // A CR before the LF is not part of the record (nor of its size), as in CSV.
    if (!dropped && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (!dropped && text.substr(0, kBom.size()) == kBom) {
      if (!input_start) {
        misplaced_bom(record);
        return true;
      }
      text.remove_prefix(kBom.size());  // a byte-order mark at the start of the input
    }
    if (dropped || text.size() > max_) {
      if (!dropped) long_id_ = top_level_id(text);
      too_long(record);
    } else {
      take(record, text);
    }
    return true;
  }
}

// ---------------------------------------------------------------------------
// Pipeline
// ---------------------------------------------------------------------------

namespace {

/// The bytes a record holds (for batch_bytes): its text, or its fields
/// (counted as the input bytes they came from, which are no fewer).
std::size_t record_bytes(const InputRecord& r) {
  return r.text.size() + 64 + 16 * r.csv.fields.size() + r.raw_bytes;
}

/// After a CSV record was read into `r`: what its storage may have grown
/// by. A field's string grows by at most its new size, and the list of
/// fields by at most one string per field; twice that, for margin.
void note_stored(InputRecord& r) {
  r.may_keep += 2 * r.raw_bytes + 2 * sizeof(std::string) * r.csv.fields.size();
}

/// Storage a reused record slot may keep from an earlier record: more is
/// given back, so that slots which once held a long record do not add up
/// (batch_records slots x the pool's batches x --max-record-bytes).
constexpr std::size_t kKeptRecordBytes = 64u << 10;
/// The same for a batch's formatted output.
constexpr std::size_t kKeptOutputBytes = 8u << 20;

void release_large_storage(InputRecord& r) {
  if (r.text.capacity() > kKeptRecordBytes) std::string().swap(r.text);
  if (r.may_keep <= kKeptRecordBytes) return;  // cannot hold more: nothing to count
  std::size_t kept = r.csv.fields.capacity() * sizeof(std::string);
  for (const std::string& f : r.csv.fields) kept += f.capacity();
  if (kept > kKeptRecordBytes) {
    std::vector<std::string>().swap(r.csv.fields);
    kept = 0;
  }
  r.may_keep = kept;
}

/// A read error ends the input: the records read before it go on, and the
/// run fails with it, saying where, once they are consumed.
void note_read_failure(RecordSource& source, const ReadError& e) {
  source.read_failure = std::make_exception_ptr(
      ReadError(std::string(e.what()) + " after line " + std::to_string(source.lines()) +
                " (record " + std::to_string(source.records()) + ")"));
}

/// The next record of a raw batch's reader into `r` (storage reused): what
/// the reading thread would have given record by record. With `views`, as
/// views (r.view) valid until the reader's next call, else copied (r.csv).
bool next_raw(CsvReader& reader, InputRecord& r, bool views) {
  release_large_storage(r);
  const std::uint64_t before = reader.bytes_read();
  r.viewed = views;
  if (views ? !reader.next(r.view) : !reader.next(r.csv)) return false;
  r.raw_bytes = static_cast<std::size_t>(reader.bytes_read() - before);
  if (views) {
    r.line = r.view.line;
    r.number = r.view.number;
    return true;
  }
  note_stored(r);
  r.line = r.csv.line;
  r.number = r.csv.number;
  return true;
}

/// Takes the next raw CSV chunk with at least one record into `batch`
/// (chunks of blank lines only are passed over); false when the source has
/// none to give (then the batch is filled record by record).
bool fill_raw(RecordSource& source, const PipelineOptions& options, Batch& batch) {
  try {
    while (source.next_chunk(batch.chunk, options.batch_records, options.batch_bytes)) {
      if (batch.chunk.records == 0) continue;
      batch.raw = true;
      batch.size = batch.chunk.records;
      batch.end_bytes = source.bytes_read();
      return true;
    }
  } catch (const ReadError& e) {
    note_read_failure(source, e);  // nothing of the chunk being read was taken
  }
  return false;
}

/// Fills a batch from the source; false when the input is exhausted. CSV
/// records come as a raw chunk (Batch::raw) for the worker where the source
/// gives one.
bool fill_batch(RecordSource& source, const PipelineOptions& options, Batch& batch) {
  batch.size = 0;
  batch.raw = false;
  if (batch.output.capacity() > kKeptOutputBytes) std::string().swap(batch.output);
  batch.output.clear();
  batch.outcomes.clear();
  if (fill_raw(source, options, batch)) return true;
  if (source.read_failure) {
    batch.end_bytes = source.bytes_read();
    return false;
  }
  std::size_t bytes = 0;
  bool more = true;
  while (batch.size < options.batch_records && bytes < options.batch_bytes) {
    if (batch.size == batch.records.size()) batch.records.emplace_back();
    InputRecord& r = batch.records[batch.size];
    release_large_storage(r);
    bool got = false;
    try {
      got = source.next(r);
    } catch (const ReadError& e) {
      note_read_failure(source, e);  // the record being read is incomplete: left out
    }
    if (!got) {
      more = false;
      break;
    }
    note_stored(r);
    bytes += record_bytes(r);
    ++batch.size;
  }
  batch.end_bytes = source.bytes_read();
  return more;
}

/// A run on threads. Each batch of a fixed pool goes round: from the free
/// list the reader fills it and queues it for the workers (`work`) and, in
/// input order, for the consumer (`inflight`); a worker processes it, and once
/// it is the oldest in flight and processed, the consumer consumes it and
/// puts it back on the free list.
class ThreadedRun {
 public:
  ThreadedRun(const PipelineOptions& options, const std::function<void(Batch&)>& process,
              const std::function<void(const Batch&)>& consume)
      : options_(options), process_(process), consume_(consume) {
    const std::size_t pool_size = 2 * static_cast<std::size_t>(options.threads) + 2;
    for (std::size_t i = 0; i < pool_size; ++i) {
      pool_.push_back(std::make_unique<Batch>());
      free_.push_back(pool_.back().get());
    }
  }

  void run(RecordSource& source) {
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < options_.threads; ++t) workers.emplace_back([&] { work(); });
    std::thread consumer([&] { consume(); });
    read(source);
    {
      std::lock_guard<std::mutex> lock(mu_);
      input_done_ = true;
      cv_work_.notify_all();
      cv_done_.notify_all();
    }
    for (std::thread& t : workers) t.join();
    consumer.join();
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  struct Slot {
    Batch* batch;
    bool done;
  };

  /// The loop of one thread: waits on `cv` until a batch is `ready()`, takes
  /// it (`take`), runs `step` on it without the lock (false: the last one)
  /// and `done` with it. Returns on `step`'s word, once `drained()` after
  /// the input is done, or when the run is aborted or `step` throws.
  template <class Ready, class Drained, class Take, class Step, class Done>
  void serve(std::condition_variable& cv, const Ready& ready, const Drained& drained,
             const Take& take, const Step& step, const Done& done) {
    for (;;) {
      Batch* batch = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv.wait(lock, [&] { return aborted_ || ready() || (drained() && input_done_); });
        if (aborted_ || !ready()) return;
        batch = take();
      }
      bool more = false;
      try {
        more = step(*batch);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      done(batch);
      if (!more) return;
    }
  }

  /// Fills free batches from the source and queues them.
  void read(RecordSource& source) {
    serve(
        cv_free_, [&] { return !free_.empty(); }, [] { return false; }, [&] { return pop(free_); },
        [&](Batch& batch) { return fill_batch(source, options_, batch); },
        [&](Batch* batch) {
          if (batch->size == 0) {
            free_.push_back(batch);
            return;
          }
          inflight_.push_back({batch, false});
          work_.push_back(batch);
          cv_work_.notify_one();
        });
  }

  /// A worker: processes queued batches, in any order.
  void work() {
    serve(
        cv_work_, [&] { return !work_.empty(); }, [&] { return work_.empty(); },
        [&] { return pop(work_); },
        [&](Batch& batch) {
          process_(batch);
          return true;
        },
        [&](Batch* batch) {
          for (Slot& s : inflight_) {
            if (s.batch == batch) s.done = true;
          }
          cv_done_.notify_all();
        });
  }

  /// The consumer: consumes processed batches in input order.
  void consume() {
    serve(
        cv_done_, [&] { return !inflight_.empty() && inflight_.front().done; },
        [&] { return inflight_.empty(); },
        [&] {
          Batch* batch = inflight_.front().batch;
          inflight_.pop_front();
          return batch;
        },
        [&](Batch& batch) {
          consume_(batch);
          return true;
        },
        [&](Batch* batch) {
          free_.push_back(batch);
          cv_free_.notify_one();
        });
  }

  static Batch* pop(std::deque<Batch*>& queue) {
    Batch* batch = queue.front();
    queue.pop_front();
    return batch;
  }

  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_) failure_ = std::move(e);
    aborted_ = true;
    cv_free_.notify_all();
    cv_work_.notify_all();
    cv_done_.notify_all();
  }

  const PipelineOptions& options_;
  const std::function<void(Batch&)>& process_;
  const std::function<void(const Batch&)>& consume_;
  std::vector<std::unique_ptr<Batch>> pool_;
  std::mutex mu_;
  std::condition_variable cv_free_;
  std::condition_variable cv_work_;
  std::condition_variable cv_done_;
  std::deque<Batch*> free_;
  std::deque<Batch*> work_;
  std::deque<Slot> inflight_;
  bool input_done_ = false;
  bool aborted_ = false;
  std::exception_ptr failure_;
};

}  // namespace

void for_each_record(const Batch& batch, InputRecord& scratch,
                     const std::function<void(std::size_t, const InputRecord&)>& f) {
  if (!batch.raw) {
    for (std::size_t i = 0; i < batch.size; ++i) f(i, batch.records[i]);
    return;
  }
  CsvReader reader(batch.chunk);
  // Each record is used before the next is read: views are enough.
  for (std::size_t i = 0; i < batch.size && next_raw(reader, scratch, true); ++i) {
    f(i, scratch);
  }
}

const InputRecord& record_at(const Batch& batch, std::size_t i, InputRecord& scratch) {
  if (!batch.raw) return batch.records[i];
  CsvReader reader(batch.chunk);
  for (std::size_t k = 0; k <= i; ++k) {
    if (!next_raw(reader, scratch, false)) break;  // outlives `reader`: a copy
  }
  return scratch;
}

void run_pipeline(RecordSource& source, const PipelineOptions& options,
                  const std::function<void(Batch&)>& process,
                  const std::function<void(const Batch&)>& consume) {
  if (options.threads <= 1) {
    Batch batch;
    for (;;) {
      const bool more = fill_batch(source, options, batch);
      if (batch.size > 0) {
        process(batch);
        consume(batch);
      }
      if (!more) break;
    }
  } else {
    ThreadedRun(options, process, consume).run(source);
  }
  if (source.read_failure) std::rethrow_exception(source.read_failure);
}

// ---------------------------------------------------------------------------
// LeadReader
// ---------------------------------------------------------------------------

namespace {

// Whether a line that is not JSON reads like the header of a CSV file:
// fields separated by commas, semicolons or tabs, no JSON brackets.
bool looks_like_csv_header(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos || text[start] == '{' || text[start] == '[') return false;
  return text.find_first_of(",;\t", start) != std::string_view::npos &&
         text.find_first_of("{}[]") == std::string_view::npos;
}

// parse_lead, with a hint when the first line of a JSONL input is a CSV header.
Result<Lead> parse_jsonl_lead(const InputRecord& record, const Limits& limits) {
  Result<Lead> result = parse_lead(record.text, limits);
  if (!result.ok() && record.number == 1 && !result.diagnostics().empty() &&
      result.diagnostics().front().code == "json_syntax" && looks_like_csv_header(record.text)) {
    std::vector<Diagnostic> errors = result.diagnostics();
    errors.front().message += "; the input looks like CSV: add --format csv";
    return errors;
  }
  return result;
}

}  // namespace

Result<Lead> LeadReader::read(const InputRecord& record) const {
  if (format == Format::csv) {
    return record.viewed ? mapper->map(record.view, as_of) : mapper->map(record.csv, as_of);
  }
  if (record.error) return std::vector<Diagnostic>{*record.error};
  if (fast_jsonl) {
    Lead lead;
    if (fast_parse_lead(record.text, limits, lead)) return Result<Lead>(std::move(lead));
  }
  return parse_jsonl_lead(record, limits);
}

bool LeadReader::read_into(const InputRecord& record, Lead& lead,
                           std::vector<Diagnostic>& errors) const {
  if (format == Format::jsonl && fast_jsonl && !record.error &&
      fast_parse_lead(record.text, limits, lead)) {
    return true;
  }
  return read_declined(record, lead, errors);
}

bool LeadReader::read_declined(const InputRecord& record, Lead& lead,
                               std::vector<Diagnostic>& errors) const {
  Result<Lead> result = format == Format::jsonl && !record.error
                            ? parse_jsonl_lead(record, limits)  // what the fast reader declined
                            : read(record);
  if (!result.ok()) {
    errors = result.diagnostics();
    return false;
  }
  lead = std::move(result).value();
  return true;
}

bool LeadReader::read_bound(const InputRecord& record, const Qualifier& qualifier, BoundLead& out,
                            std::vector<Diagnostic>& errors) const {
  if (format == Format::csv) {
    return record.viewed ? mapper->map_into(record.view, as_of, qualifier, out, errors)
                         : mapper->map_into(record.csv, as_of, qualifier, out, errors);
  }
  if (fast_jsonl && !record.error && fast_parse_bound(record.text, limits, qualifier, out)) {
    return true;
  }
  if (!read_declined(record, owned_lead(out), errors)) return false;
  bind_owned_lead(qualifier, out);
  return true;
}

std::optional<std::string> LeadReader::id_of(const InputRecord& record) const {
  if (format == Format::csv) {
    return record.viewed ? mapper->id_of(record.view) : mapper->id_of(record.csv);
  }
  if (record.error) return record.id;
  return top_level_id(record.text);
}

std::optional<std::string> top_level_id(std::string_view text) {
  // Best effort, for error records: the first "id" key directly inside the
  // top-level object, when its value is a JSON string. A small scanner (not a
  // parser) so that hostile lines cost one linear pass and no memory.
  std::size_t depth = 0;
  std::size_t i = 0;
  const auto skip_string =
      [&](std::size_t from) -> std::size_t {  // returns index after the closing quote
    std::size_t k = from + 1;
    while (k < text.size()) {
      if (text[k] == '\\') {
        k += 2;
      } else if (text[k] == '"') {
        return k + 1;
      } else {
        ++k;
      }
    }
    return std::string_view::npos;
  };
  const auto skip_space = [&](std::size_t k) {
    while (k < text.size() &&
           (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n'))
      ++k;
    return k;
  };
  i = skip_space(0);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  bool expect_key = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = skip_string(i);
      if (end == std::string_view::npos) return std::nullopt;
      if (depth == 1 && expect_key && text.substr(i, end - i) == "\"id\"") {
        std::size_t k = skip_space(end);
        if (k >= text.size() || text[k] != ':') return std::nullopt;
        k = skip_space(k + 1);
        if (k >= text.size() || text[k] != '"') return std::nullopt;
        const std::size_t value_end = skip_string(k);
        if (value_end == std::string_view::npos) return std::nullopt;
        // Decode the string with the JSON parser (escapes, UTF-8 check).
        nlohmann::json v = nlohmann::json::parse(text.substr(k, value_end - k), nullptr, false);
        if (v.is_string()) return v.get<std::string>();
        return std::nullopt;
      }
      expect_key = false;
      i = end;
      continue;
    }
    if (c == '{') {
      ++depth;
      expect_key = depth == 1;
    } else if (c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return std::nullopt;
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
    ++i;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// open_records
// ---------------------------------------------------------------------------

void open_records(const Args& args, RecordInput& in) {
  const std::string input_path =
      args.require("--input", "--input FILE, or --input - for standard input");
  in.format = input_format(args.get("--format"), input_path);
  const std::optional<std::string> map_path = args.get("--map");
  if (map_path && in.format != Format::csv) {
    throw UsageError(
        "--map applies to CSV input only (the input is read as JSONL; use --format csv "
        "or a .csv file)");
  }
  in.as_of_given = args.has("--as-of");
  in.as_of = parse_as_of(args.get("--as-of"));
  if (const auto t = args.get("--threads")) {
    in.threads = parse_threads(*t);
  } else {
    in.threads = std::max(1u, std::thread::hardware_concurrency());
  }
  std::size_t max_record_bytes = CsvOptions{}.max_record_bytes;  // 1 MiB, docs/cli.md
  if (const auto m = args.get("--max-record-bytes")) {
    max_record_bytes = parse_size("--max-record-bytes", *m);
  }
  // On a terminal that also shows the records (stdout), progress only when asked for.
  in.progress = args.has("--progress") || (stderr_is_terminal() && !stdout_is_terminal());

  in.qualifier = load_qualifier(args.get("--config"));
  std::optional<Mapping> mapping;
  std::string map_text;
  if (map_path) mapping = load_mapping(*map_path, map_text);

  in.input = open_input(input_path, "--input");
  in.reader.format = in.format;
  in.reader.as_of = in.as_of;
  in.reader.limits.max_lead_bytes = max_record_bytes;
  if (const char* parser = std::getenv("LEADSCORE_JSONL_PARSER"); parser != nullptr) {
    const std::string_view name(parser);
    if (name != "simdjson" && name != "nlohmann") {
      throw UsageError("LEADSCORE_JSONL_PARSER expects simdjson or nlohmann, got '" +
                       std::string(name) + "'");
    }
    in.reader.fast_jsonl = name == "simdjson";
  }
  if (in.format == Format::jsonl) {
    in.source = std::make_unique<JsonlSource>(*in.input.stream, max_record_bytes, in.report_blank);
    return;
  }
  CsvOptions options;
  options.delimiter = mapping ? mapping->delimiter : ',';
  options.max_record_bytes = max_record_bytes;
  in.csv = std::make_unique<CsvReader>(*in.input.stream, options);
  Result<std::vector<std::string>> header = in.csv->read_header();
  if (!header) {
    for (const Diagnostic& d : header.diagnostics()) {
      std::fprintf(stderr, "%s\n", format_diagnostic(d, in.input.name).c_str());
    }
    throw UsageError("--input '" + in.input.name + "': cannot read the CSV header");
  }
  Mapping used = mapping ? std::move(*mapping) : default_mapping(*header);
  Result<CsvLeadMapper> mapper = CsvLeadMapper::create(std::move(used), *header);
  if (!mapper) {
    std::vector<Diagnostic> diagnostics = mapper.diagnostics();
    if (map_path) locate(diagnostics, map_text);
    for (const Diagnostic& d : diagnostics) {
      std::fprintf(
          stderr, "%s\n",
          format_diagnostic(d, map_path ? *map_path : std::string("<default mapping>")).c_str());
    }
    throw UsageError("--map does not fit the CSV header of '" + in.input.name + "'");
  }
  in.mapper = std::make_unique<CsvLeadMapper>(std::move(mapper).value());
  in.reader.mapper = in.mapper.get();
  in.source = std::make_unique<CsvSource>(*in.csv);
}

void run_pipeline(const Args& args, RecordInput& in, const std::function<void(Batch&)>& process,
                  const std::function<void(const Batch&)>& consume) {
  PipelineOptions options;
  options.threads = in.threads;
  if (const auto b = args.get("--batch-records"))
    options.batch_records = parse_size("--batch-records", *b);
  run_pipeline(*in.source, options, process, consume);
}

bool RecordCounts::add(const RecordOutcome& outcome) {
  if (outcome.skipped) {
    ++skipped;
    return false;
  }
  ++read;
  if (!outcome.ok) {
    ++failed;
    return false;
  }
  if (outcome.disqualified) ++disqualified;
  return true;
}

// ---------------------------------------------------------------------------
// OutcomeLabel
// ---------------------------------------------------------------------------

OutcomeLabel OutcomeLabel::find(const RecordInput& in, std::string name) {
  OutcomeLabel label{std::move(name), std::nullopt};
  if (in.format != Format::csv) return label;
  label.column = in.mapper->column_index(label.name);
  if (!label.column) {
    std::string message =
        "--label: no column '" + label.name + "' in the CSV header of " + in.input.name;
    const std::string best = suggest(label.name, in.mapper->header());
    if (!best.empty()) message += " (did you mean '" + best + "'?)";
    throw UsageError(message);
  }
  return label;
}

std::optional<bool> OutcomeLabel::of(const InputRecord& record, const Lead& lead) const {
  if (column) {
    const std::size_t n = record.viewed ? record.view.fields.size() : record.csv.fields.size();
    if (*column >= n) return std::nullopt;
    return parse_outcome(record.viewed ? record.view.fields[*column]
                                       : std::string_view(record.csv.fields[*column]));
  }
  const auto it = lead.attributes.find(name);
  if (it == lead.attributes.end()) {
    if (!seen->found.load(std::memory_order_relaxed) && !lead.attributes.empty()) {
      const std::lock_guard<std::mutex> lock(seen->mutex);
      for (const auto& entry : lead.attributes) {
        if (seen->names.size() >= 1000) break;  // enough for a suggestion
        seen->names.insert(entry.first);
      }
    }
    return std::nullopt;
  }
  seen->found.store(true, std::memory_order_relaxed);
  return outcome_of(it->second);
}

void OutcomeLabel::require_seen(const RecordInput& in, std::uint64_t leads_read) const {
  if (column || leads_read == 0 || seen->found.load()) return;
  std::string message =
      "--label: no lead of " + in.input.name + " has the attribute '" + name + "' (the outcome)";
  const std::vector<std::string> names(seen->names.begin(), seen->names.end());
  if (const std::string best = suggest(name, names); !best.empty()) {
    message += " (did you mean '" + best + "'?)";
  }
  throw UsageError(message);
}

// ---------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------

Progress::Progress(bool enabled, bool terminal, std::optional<std::uint64_t> total_bytes)
    : enabled_(enabled),
      terminal_(terminal),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(std::uint64_t records, std::uint64_t bytes, bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval =
      terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(1000);
  if (!force && now - last_ < interval) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(records) / elapsed : 0;
  std::string line;
  if (total_ && *total_ > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(bytes) / static_cast<double>(*total_));
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    line += "[";
    line += std::string(static_cast<std::size_t>(filled), '#');
    line += std::string(static_cast<std::size_t>(kWidth - filled), '.');
    char pct[16];
    std::snprintf(pct, sizeof pct, "] %3d%% ", static_cast<int>(fraction * 100));
    line += pct;
  }
  line += std::to_string(records) + " records, " + format_number(rate, 0) + " records/s";
  if (total_ && *total_ > 0 && bytes > 0 && elapsed > 0.5) {
    const double remaining = static_cast<double>(*total_ - std::min(bytes, *total_)) * elapsed /
                             static_cast<double>(bytes);
    line += ", ETA " + format_duration(remaining);
  }
  if (terminal_) {
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
  } else {
    std::fprintf(stderr, "progress: %s\n", line.c_str());
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && terminal_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace leadscore::cli
