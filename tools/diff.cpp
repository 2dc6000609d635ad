// `leadscore diff`: review a configuration change before it goes live. Every
// lead of a file is scored under the current and the new configuration (from
// its own events), and the leads whose stage changes are listed with the
// rules behind the change (leadscore::diff_models). The input is opened and
// read as for `score` (open_records, LeadReader); leads are compared in
// chunks, so memory holds the changes, not the file.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "leadscore/lead_state.hpp"
#include "leadscore/model_diff.hpp"

#include "cli.hpp"
#include "pipeline.hpp"

namespace leadscore::cli {

namespace {

constexpr OptionSpec kDiffOptions[] = {
    common_option("--config",
                  "the current configuration (default: the built-in B2B configuration)"),
    {"--new-config", "FILE", "the new configuration to review (required)"},
    common_option("--input"),
    common_option("--format"),
    common_option("--map"),
    common_option("--as-of"),
    common_option("--max-record-bytes"),
    {"--max-leads", "N", "leads listed in the text report (default: 20; all are in --json)"},
    {"--json", "FILE", "also write the whole report as JSON"},
    common_option("--output"),
    common_option("--help"),
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
    "compared); 2 usage or configuration error; 4 the input could not be read or the\n"
    "report not written.";

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

int run_diff(const Args& args) {
  const std::string next_path = args.require("--new-config", "--new-config FILE");
  // --config, --input, --format, --map and --as-of as for `score`.
  RecordInput in;
  open_records(args, in);
  const Qualifier& before = *in.qualifier;
  const Qualifier after = load_qualifier(next_path);
  const std::size_t max_leads =
      args.has("--max-leads") ? parse_size("--max-leads", *args.get("--max-leads")) : 20;

  ModelDiff total;
  std::map<std::pair<std::string, std::string>, std::size_t> moves;
  std::vector<Lead> chunk;
  std::vector<std::size_t> record_of;  // 0-based input record of each chunk entry
  std::size_t records = 0;
  std::size_t failed = 0;
  auto flush = [&] {
    merge(total, diff_models(before, after, chunk, in.as_of), record_of, moves);
    chunk.clear();
    record_of.clear();
  };
  InputRecord record;
  while (in.source->next(record)) {
    ++records;
    Result<Lead> lead = in.reader.read(record);
    if (!lead.ok()) {
      ++failed;
      for (const Diagnostic& d : lead.diagnostics()) {
        if (!d.is_error()) continue;
        std::fprintf(stderr, "leadscore diff: record %zu: %s\n", record.number,
                     d.to_string().c_str());
        break;
      }
      continue;
    }
    record_of.push_back(record.number - 1);
    chunk.push_back(std::move(lead).value());
    if (chunk.size() == kChunk) flush();
  }
  if (!chunk.empty()) flush();
  for (auto& [key, n] : moves) total.moves.emplace_back(key.first, key.second, n);
  total.as_of = in.as_of;
  total.lifecycle_changes = lifecycle_changes(before.config(), after.config());
  if (!in.as_of_given) {
    std::fprintf(stderr,
                 "leadscore diff: as of %s (now; pass --as-of to make the review "
                 "reproducible)\n",
                 format_instant(in.as_of).c_str());
  }

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

}  // namespace

const Command kDiffCommand{"diff", {kDiffUsage, kDiffDescription, kDiffOptions}, run_diff, false};

}  // namespace leadscore::cli
