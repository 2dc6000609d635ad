// `leadscore diff`: review a configuration change before it goes live. Every
// lead of a file is scored under the current and the new configuration (from
// its own events), and the leads whose stage changes are listed with the
// rules behind the change (leadscore::diff_models). Streams: leads are read
// and compared in chunks, so memory holds the changes, not the file.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead_state.hpp"

#include "cli.hpp"

namespace leadscore::cli {

namespace {

const std::vector<OptionSpec> kDiffOptions{
    {"--config", "FILE", "the current configuration (default: the built-in B2B configuration)"},
    {"--new-config", "FILE", "the new configuration to review (required)"},
    {"--input", "FILE", "leads: a JSONL or CSV file, or - for standard input (required)"},
    {"--format", "FORMAT", "input format: jsonl or csv (default: csv for *.csv, else jsonl)"},
    {"--map", "FILE", "CSV column mapping (JSON, docs/cli.md#mapping)"},
    {"--as-of", "INSTANT", "evaluation time, ISO-8601 (default: now)"},
    {"--max-leads", "N", "leads listed in the text report (default: 20; all are in --json)"},
    {"--json", "FILE", "also write the whole report as JSON"},
    {"--output", "FILE", "where to write the text report (default: - = standard output)"},
    {"--help", "", "show this help"},
};

constexpr std::string_view kDiffUsage =
    "leadscore diff --new-config FILE --input FILE [--config FILE] [--map FILE]\n"
    "               [--as-of INSTANT] [--max-leads N] [--json FILE] [--output FILE]";

constexpr std::string_view kDiffDescription =
    "Scores every lead under the current configuration (--config) and the new one\n"
    "(--new-config) and reports how many leads change stage and score, the stage moves\n"
    "(MQL -> SQL: 12), and for each lead that changes stage the rules whose points changed\n"
    "and the stage condition that now holds. Records that cannot be read are counted and\n"
    "reported on stderr.\n"
    "\n"
    "Exit status: 0 report written; 1 some records could not be read (the others were\n"
    "compared); 2 usage or configuration error.";

constexpr std::size_t kChunk = 2048;

/// Adds one chunk's diff to the running total.
void merge(ModelDiff& total, ModelDiff part, const std::vector<std::size_t>& record_of,
           std::map<std::pair<std::string, std::string>, std::size_t>& moves) {
  total.leads += part.leads;
  total.stage_changes += part.stage_changes;
  total.score_changes += part.score_changes;
  for (LeadChange& c : part.changes) {
    c.record = record_of[c.record];
    total.changes.push_back(std::move(c));
  }
  for (auto& [from, to, n] : part.moves) moves[{from, to}] += n;
}

}  // namespace

int run_diff(std::string_view command, std::span<const std::string_view> argv) {
  const Args args(command, argv, kDiffOptions);
  if (args.has("--help")) {
    std::fputs(format_help(kDiffUsage, kDiffDescription, kDiffOptions).c_str(), stdout);
    return kExitOk;
  }
  const std::string input_path = args.require("--input", "--input FILE");
  const std::string next_path = args.require("--new-config", "--new-config FILE");
  const Qualifier before = load_qualifier(args.get("--config"), command);
  const Qualifier after = load_qualifier(next_path, command);
  const Instant as_of = parse_as_of(args.get("--as-of"));
  const std::size_t max_leads =
      args.has("--max-leads") ? parse_size("--max-leads", *args.get("--max-leads")) : 20;
  const Format format = input_format(args.get("--format"), input_path);
  const auto map_path = args.get("--map");
  if (format != Format::csv && map_path) throw UsageError("--map is only used with CSV input");
  std::optional<Mapping> mapping;
  if (map_path) mapping = load_mapping(*map_path, command);

  Input in = open_input(input_path, "--input");
  ModelDiff total;
  std::map<std::pair<std::string, std::string>, std::size_t> moves;
  std::vector<Lead> chunk;
  std::vector<std::size_t> record_of;  // 0-based input record of each chunk entry
  std::size_t records = 0;
  std::size_t failed = 0;
  auto flush = [&] {
    merge(total, diff_models(before, after, chunk, as_of), record_of, moves);
    chunk.clear();
    record_of.clear();
  };
  auto report = [&](const std::vector<Diagnostic>& diags, std::size_t record) {
    ++failed;
    for (const Diagnostic& d : diags) {
      if (!d.is_error()) continue;
      std::fprintf(stderr, "leadscore diff: record %zu: %s\n", record, d.to_string().c_str());
      break;
    }
  };

  if (format == Format::jsonl) {
    std::string line;
    while (std::getline(*in.stream, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      ++records;
      auto lead = parse_lead(line);
      if (!lead.ok()) {
        report(lead.diagnostics(), records);
        continue;
      }
      record_of.push_back(records - 1);
      chunk.push_back(std::move(lead).value());
      if (chunk.size() == kChunk) flush();
    }
  } else {
    CsvReader reader(*in.stream);
    auto header = reader.read_header();
    if (!header.ok()) {
      std::fprintf(stderr, "leadscore diff: %s\n", to_string(header.diagnostics()).c_str());
      return kExitUsage;
    }
    if (!mapping) mapping = default_mapping(header.value());
    auto mapper = CsvLeadMapper::create(*mapping, header.value());
    if (!mapper.ok()) {
      std::fprintf(stderr, "leadscore diff: %s\n", to_string(mapper.diagnostics()).c_str());
      return kExitUsage;
    }
    CsvRecord record;
    while (reader.next(record)) {
      ++records;
      auto lead = mapper->map(record, as_of);
      if (!lead.ok()) {
        report(lead.diagnostics(), records);
        continue;
      }
      record_of.push_back(records - 1);
      chunk.push_back(std::move(lead).value());
      if (chunk.size() == kChunk) flush();
    }
  }
  if (!chunk.empty()) flush();
  for (auto& [key, n] : moves) total.moves.emplace_back(key.first, key.second, n);

  Output out(args.get("--output").value_or("-"), "--output");
  out.write(total.to_text(max_leads));
  out.close();
  if (const auto json_path = args.get("--json")) {
    Output json(*json_path, "--json");
    json.write(total.to_json());
    json.write("\n");
    json.close();
  }
  if (failed > 0) {
    std::fprintf(stderr, "leadscore diff: %zu of %zu records could not be read\n", failed, records);
    return kExitRecordErrors;
  }
  return kExitOk;
}

}  // namespace leadscore::cli
