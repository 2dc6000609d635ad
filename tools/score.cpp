// `leadscore score`: scores a file of leads, one output record per input
// record, in input order.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/json.hpp"

#include "cli.hpp"
#include "pipeline.hpp"

namespace leadscore::cli {

namespace {

/// Peak resident memory of this process since its program started (VmHWM of
/// /proc/self/status: unlike getrusage, it does not include what the parent
/// process had resident before exec), or 0 where not available.
long peak_memory_kib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

constexpr OptionSpec kScoreOptions[] = {
    common_option("--input", "leads to score: a file, or - for standard input (required)"),
    common_option("--config"),
    common_option("--format"),
    common_option("--map",
                  "CSV column mapping (JSON, docs/cli.md#mapping); default: columns named as lead "
                  "fields"),
    common_option("--as-of",
                  "evaluation time, ISO-8601 (default: now; fix it to make runs reproducible)"),
    common_option("--threads"),
    {"--explain", "", "add each lead's contributions, stage checks and next-stage gap"},
    common_option("--output",
                  "where to write results: a file, or - for standard output (default: -)"),
    {"--output-format", "FORMAT", "jsonl or csv (default: csv for an --output *.csv, else jsonl)"},
    {"--no-header", "",
     "CSV output without its header row (to concatenate the parts of a split run)"},
    common_option("--max-record-bytes"),
    common_option("--batch-records"),
    common_option("--progress"),
    {"--quiet", "", "no summary on stderr"},
    common_option("--help"),
};

constexpr std::string_view kScoreUsage =
    "leadscore score --input FILE|- [--config FILE] [--format jsonl|csv] [--map FILE]\n"
    "                [--as-of INSTANT] [--threads N] [--explain] [--output FILE|-]\n"
    "                [--output-format jsonl|csv] [--no-header] [--progress] [--quiet]";

constexpr std::string_view kScoreDescription =
    "Scores and qualifies every lead of a JSONL or CSV file and writes one result per input\n"
    "record, in input order. A record that cannot be read yields an error record naming its\n"
    "line; the others are still scored. Memory stays bounded whatever the input size.\n"
    "\n"
    "Exit status: 0 all records scored; 1 some records failed (the others were written);\n"
    "2 usage or configuration error (nothing scored); 4 the input could not be read (the\n"
    "records before the failure were scored and written) or the output could not be written.";

enum class OutputFormat { jsonl, csv };

/// The reasons of every knockout rule that held, in configuration order,
/// each once (a disqualified lead's `reason` is the first).
class KnockoutReasons final : public RuleListener {
 public:
  explicit KnockoutReasons(const Config& config) : config_(config) {}
  void on_rule(const RuleHit& hit) override {
    const Rule& rule = config_.rules[hit.index];
    if (rule.kind != RuleKind::knockout) return;
    if (std::find(reasons.begin(), reasons.end(), rule.reason) == reasons.end())
      reasons.push_back(rule.reason);
  }
  std::vector<std::string_view> reasons;

 private:
  const Config& config_;
};

/// The explanation without the fields the record already has.
nlohmann::json explanation_json(const Explanation& e) {
  nlohmann::json j = to_json(e);
  for (const char* key :
       {"stage", "fit", "engagement", "total", "grade", "disqualified", "reason"}) {
    j.erase(key);
  }
  return j;
}

std::string contributions_text(const Explanation& e) {
  std::string out;
  for (const Contribution& c : e.contributions) {
    if (!out.empty()) out += ';';
    out += c.rule_id + ":" + signed_points(c.points);
  }
  return out;
}

std::string missing_text(const Explanation& e) {
  std::string out;
  if (!e.next) return out;
  for (const std::string& m : e.next->missing) {
    if (!out.empty()) out += "; ";
    out += m;
  }
  return out;
}

struct Formatter {
  OutputFormat format = OutputFormat::jsonl;
  bool explain = false;

  [[nodiscard]] std::string header() const {
    std::string h =
        "id,stage,fit,engagement,total,grade,disqualified,reason,error_line,error_code,"
        "error_pointer,error_message";
    if (explain) h += ",contributions,next_stage,next_missing";
    return h + "\n";
  }

  void scored(std::string& out, std::string_view id, const Qualification& q, const Explanation* e,
              const std::vector<std::string_view>& reasons) const {
    if (format == OutputFormat::jsonl) {
      out += "{\"id\":";
      append_json_string(out, id);
      out += ',';
      append_json_summary(out, q);
      if (q.disqualified) {
        out += ",\"reasons\":[";
        for (std::size_t i = 0; i < reasons.size(); ++i) {
          if (i > 0) out += ',';
          append_json_string(out, reasons[i]);
        }
        out += ']';
      }
      if (e != nullptr) {
        out += ",\"explanation\":";
        out += explanation_json(*e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
      out += "}\n";
      return;
    }
    append_csv_field(out, id);
    out += ',';
    append_csv_field(out, q.stage);
    for (const double score : {q.fit, q.engagement, q.total}) {
      out += ',';
      append_json_number(out, score);  // numbers as in the JSONL records
    }
    out += ',';
    append_csv_field(out, q.grade);
    out += q.disqualified ? ",true," : ",false,";
    if (q.disqualified) append_csv_field(out, q.reason);
    out += ",,,,";
    if (e != nullptr) {
      out += ',';
      append_csv_field(out, contributions_text(*e));
      out += ',';
      if (e->next) append_csv_field(out, e->next->stage);
      out += ',';
      append_csv_field(out, missing_text(*e));
    }
    out += '\n';
  }

  /// A blank input line: a record that says so, so that every input line
  /// has its output line.
  void skipped(std::string& out, std::size_t line) const {
    if (format == OutputFormat::jsonl) {
      out += "{\"line\":" + std::to_string(line) + ",\"skipped\":\"blank_line\"}\n";
      return;
    }
    out += ",,,,,,,," + std::to_string(line) + ",blank_line,,blank line: skipped";
    if (explain) out += ",,,";
    out += '\n';
  }

  void failed(std::string& out, std::size_t line, const std::optional<std::string>& id,
              const std::vector<Diagnostic>& errors) const {
    Diagnostic first;
    if (!errors.empty()) first = errors.front();
    if (format == OutputFormat::jsonl) {
      out += "{\"line\":";
      out += std::to_string(line);
      if (id) {
        out += ",\"id\":";
        append_json_string(out, *id);
      }
      out += ",\"error\":{";
      const std::pair<std::string_view, const std::string*> members[] = {
          {"\"code\":", &first.code},
          {",\"pointer\":", &first.pointer},
          {",\"message\":", &first.message}};
      for (const auto& [key, text] : members) {
        out += key;
        append_json_string(out, *text);
      }
      if (first.column > 0) {
        out += ",\"column\":";
        out += std::to_string(first.column);
      }
      if (!first.suggestion.empty()) {
        out += ",\"suggestion\":";
        append_json_string(out, first.suggestion);
      }
      out += "}";
      if (errors.size() > 1) {
        out += ",\"error_count\":";
        out += std::to_string(errors.size());
      }
      out += "}\n";
      return;
    }
    if (id) append_csv_field(out, *id);
    out += ",,,,,,,,";
    out += std::to_string(line);
    out += ',';
    append_csv_field(out, first.code);
    out += ',';
    append_csv_field(out, first.pointer);
    out += ',';
    std::string message = first.message;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
    append_csv_field(out, message);
    if (explain) out += ",,,";
    out += '\n';
  }
};

/// The summary on stderr: records, rate, stages, peak memory, first errors.
void print_summary(const RecordInput& in, const RecordCounts& counts,
                   const std::vector<std::string_view>& stages,
                   const std::vector<std::uint64_t>& per_stage,
                   const std::vector<std::string>& first_errors, double elapsed) {
  const auto [read, failed, disqualified, skipped] = counts;
  const double rate = elapsed > 0 ? static_cast<double>(read) / elapsed : 0;
  std::string summary =
      "leadscore score: " + std::to_string(read) + (read == 1 ? " record" : " records") +
      " read, " + std::to_string(read - failed) + " scored, " + std::to_string(failed) + " failed" +
      (skipped > 0
           ? ", " + std::to_string(skipped) + " blank line" + (skipped == 1 ? "" : "s") + " skipped"
           : std::string()) +
      " in " + format_duration(elapsed) + " (" + format_number(rate, 0) + " records/s, " +
      std::to_string(in.threads) + " thread" + (in.threads == 1 ? "" : "s") + "); as of " +
      format_instant(in.as_of) + (in.as_of_given ? "" : " (now)") + "\n";
  summary += "leadscore score: stages:";
  const std::uint64_t scored = read - failed;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const double share =
        scored > 0 ? 100.0 * static_cast<double>(per_stage[i]) / static_cast<double>(scored) : 0;
    summary += (i == 0 ? " " : ", ") + std::string(stages[i]) + " " + std::to_string(per_stage[i]) +
               " (" + format_number(share, 1) + "%)";
  }
  summary += "; " + std::to_string(disqualified) + " disqualified\n";
  if (const long peak = peak_memory_kib(); peak > 0) {
    summary += "leadscore score: peak memory " + std::to_string(peak) + " KiB\n";
  }
  for (const std::string& e : first_errors) summary += "leadscore score: " + e + "\n";
  if (failed > first_errors.size()) {
    summary += "leadscore score: ... " + std::to_string(failed - first_errors.size()) +
               " more failed records (see the error records in the output)\n";
  }
  std::fputs(summary.c_str(), stderr);
}

/// --output-format, or the one --output's extension implies.
OutputFormat output_format_of(const Args& args, const std::string& output_path) {
  if (const auto f = args.get("--output-format")) {
    if (*f == "jsonl") return OutputFormat::jsonl;
    if (*f == "csv") return OutputFormat::csv;
    throw UsageError("--output-format expects jsonl or csv, got '" + *f + "'");
  }
  std::string ext = std::filesystem::path(output_path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return ext == ".csv" ? OutputFormat::csv : OutputFormat::jsonl;
}

int run_score(const Args& args) {
  Formatter formatter;
  formatter.explain = args.has("--explain");
  const std::string output_path = args.get("--output").value_or("-");
  formatter.format = output_format_of(args, output_path);
  const bool quiet = args.has("--quiet");

  RecordInput in;
  in.report_blank = true;
  open_records(args, in);
  const Qualifier& qualifier = *in.qualifier;
  const Instant as_of = in.as_of;
  const LeadReader& reader = in.reader;

  Output output(output_path, "--output");
  if (formatter.format == OutputFormat::csv && !args.has("--no-header"))
    output.write(formatter.header());

  const std::vector<std::string_view> stages = qualifier.stage_names();  // fallback last
  std::vector<std::uint64_t> per_stage(stages.size(), 0);
  RecordCounts counts;
  std::vector<std::string> first_errors;
  Progress progress(in.progress && !quiet, stderr_is_terminal(), in.input.size);
  const auto started = std::chrono::steady_clock::now();

  const auto process = [&](Batch& batch) {
    batch.output.reserve(batch.size * (formatter.explain ? 2048 : 128));
    batch.outcomes.resize(batch.size);
    Lead lead;  // reused for every record of the batch (its storage too)
    // Records go straight into the qualifier's bound form (no attribute map),
    // unless an explanation needs the whole lead.
    const bool bind = !formatter.explain;
    BoundLead bound;
    std::vector<Diagnostic> errors;
    InputRecord scratch;
    for_each_record(batch, scratch, [&](std::size_t i, const InputRecord& record) {
      RecordOutcome& outcome = batch.outcomes[i];
      outcome.skipped = record.blank;
      if (record.blank) {
        formatter.skipped(batch.output, record.line);
        return;
      }
      if (bind ? !reader.read_bound(record, qualifier, bound, errors)
               : !reader.read_into(record, lead, errors)) {
        outcome.ok = false;
        formatter.failed(batch.output, record.line, reader.id_of(record), errors);
        return;
      }
      Qualification q;
      std::optional<Explanation> e;
      KnockoutReasons knockouts(qualifier.config());
      if (bind) {
        q = qualifier.qualify(bound, as_of);
        if (q.disqualified) (void)qualifier.qualify(bound, as_of, knockouts);  // every reason
      } else {
        if (formatter.explain) {
          e = qualifier.explain(lead, as_of);
          q = e->result;
        } else {
          q = qualifier.qualify(lead, as_of);
        }
        if (q.disqualified) (void)qualifier.qualify(lead, as_of, knockouts);  // rare: every reason
      }
      formatter.scored(batch.output, bind ? bound.lead().id : lead.id, q, e ? &*e : nullptr,
                       knockouts.reasons);
      outcome.ok = true;
      outcome.stage_index = q.stage_index;
      outcome.disqualified = q.disqualified;
      outcome.total = q.total;
    });
  };

  const auto consume = [&](const Batch& batch) {
    if (output_path == "-") progress.finish();  // records never land on the progress line
    output.write(batch.output);
    for (std::size_t i = 0; i < batch.size; ++i) {
      const RecordOutcome& o = batch.outcomes[i];
      if (!counts.add(o)) {
        if (!o.skipped && first_errors.size() < 5) {
          InputRecord scratch;
          const InputRecord& r = record_at(batch, i, scratch);
          Result<Lead> again = reader.read(r);  // rare: only for the first few failures
          if (!again && !again.diagnostics().empty()) {
            Diagnostic d = again.diagnostics().front();
            std::string where = "line " + std::to_string(r.line);
            if (d.column > 0) where += ", column " + std::to_string(d.column);
            d.line = 0;
            d.column = 0;
            first_errors.push_back(where + ": " + d.to_string());
          }
        }
        continue;
      }
      ++per_stage[o.stage_slot(stages.size())];
    }
    progress.update(counts.read, batch.end_bytes);
  };

  // A read error ends the input: what was scored before it is written (and
  // summed up), then the run fails with it (exit status 4).
  std::exception_ptr read_failure;
  try {
    run_pipeline(args, in, process, consume);
  } catch (const ReadError&) {
    read_failure = std::current_exception();
  }
  output.close();
  progress.update(counts.read, in.source->bytes_read(), true);
  progress.finish();

  if (!quiet) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    print_summary(in, counts, stages, per_stage, first_errors, elapsed);
  }
  if (read_failure) std::rethrow_exception(read_failure);
  return counts.failed > 0 ? kExitRecordErrors : kExitOk;
}

}  // namespace

const Command kScoreCommand{"score", {kScoreUsage, kScoreDescription, kScoreOptions}, run_score};

}  // namespace leadscore::cli
