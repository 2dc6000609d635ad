// `leadscore calibrate`: learn rule points and stage thresholds from a file
// of leads with known outcomes (docs/calibration.md).
#include "leadscore/calibrate.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "leadscore/io.hpp"

#include "cli.hpp"
#include "pipeline.hpp"

namespace leadscore::cli {

namespace {

constexpr OptionSpec kCalibrateOptions[] = {
    common_option("--config",
                  "scoring configuration to calibrate (JSON); default: the built-in B2B "
                  "configuration"),
    common_option("--input", "leads with known outcomes: a JSONL or CSV file (required)"),
    common_option("--format"),
    common_option("--map"),
    common_option("--label",
                  "the outcome: a CSV column, or for JSONL an attribute (yes/true/1 = converted) "
                  "(required)"),
    common_option("--as-of",
                  "evaluation time, ISO-8601 (default: the latest instant in the data, else "
                  "1970-01-01)"),
    {"--holdout-every", "N",
     "holdout split: record i (0-based) is held out when i mod N < B (default: 10)"},
    {"--holdout-below", "B", "see --holdout-every; 0 = no holdout (default: 3)"},
    {"--no-holdout", "", "train on every record (metrics are then training metrics)"},
    {"--l2", "X", "L2 penalty of the logistic regression (default: 1)"},
    {"--bins", "N", "quantile bins of a numeric attribute (default: 8)"},
    {"--min-support", "N", "leads a new rule or a suggestion needs at least (default: 30)"},
    {"--max-values", "N",
     "candidate values of a string attribute: its N most frequent (default: 24)"},
    {"--interact", "A:B[,A:B...]",
     "also learn rules for these pairs of attribute values or bins (e.g. month:day)"},
    {"--auto-interactions", "N",
     "add up to N more attribute pairs, chosen on the training leads by cross-validation "
     "(default: 3; 0 = off)"},
    {"--cv-folds", "K", "folds of that cross-validation (default: 5)"},
    {"--interaction-min-z", "Z",
     "significance a pair needs to enter the model: improvement of the cross-validated "
     "log-loss over its standard error (default: 3)"},
    {"--attribute-min-z", "Z",
     "significance a candidate attribute needs to enter the model on its own (default: 1.5)"},
    {"--max-rules", "N",
     "at most N scoring rules in the calibrated configuration: the weakest are taken out "
     "(default: 120; 0 = no limit)"},
    {"--fit", "auto|boosting|irls",
     "how the weights are fitted: cyclic boosting of the bin and cell tables, one joint "
     "logistic regression (IRLS), or auto: boosting only when its cross-validated log-loss "
     "on the training leads is significantly lower (paired z >= 2), else IRLS (default: auto)"},
    {"--all-candidates", "",
     "put every candidate attribute in the regression (default: only those the search finds "
     "significant)"},
    {"--no-candidates", "", "learn points for the configuration's rules only (no new rules)"},
    {"--max-fit", "POINTS",
     "highest achievable fit score of the calibrated configuration (default: the "
     "configuration's fit maximum, else 100)"},
    {"--target-precision", "P[,P...]",
     "recommend the lowest total threshold converting at >= P (0..1)"},
    {"--capacity", "N[,N...]", "recommend the total threshold selecting the top N training leads"},
    {"--stage-share", "STAGE=SHARE[,...]",
     "recommend each stage's total threshold so that it selects this share of the training "
     "leads (cumulative, e.g. SQL=0.2,MQL=0.3)"},
    {"--stage-precision", "STAGE=P[,...]",
     "recommend each stage's total threshold: the lowest whose training leads at or above it "
     "convert at P at least (e.g. SQL=0.6,MQL=0.3)"},
    {"--apply-thresholds", "",
     "apply the --stage-share and --stage-precision thresholds to the calibrated stages"},
    {"--max-suggestions", "N", "rule suggestions listed in the report (default: 25; 0 = none)"},
    common_option("--output",
                  "where to write the calibrated configuration (default: - = standard output)"),
    {"--report", "FILE",
     "where to write the text report (default: standard output when --output is a "
     "file, else standard error)"},
    {"--report-json", "FILE", "also write the report as JSON"},
    {"--html", "FILE", "also write the report as a self-contained HTML page"},
    common_option("--threads"),
    common_option("--max-record-bytes"),
    common_option("--progress", "accepted for symmetry with score/report (no effect)"),
    common_option("--help"),
};

constexpr std::string_view kCalibrateUsage =
    "leadscore calibrate --input FILE --label NAME [--config FILE] [--format jsonl|csv]\n"
    "                    [--map FILE] [--as-of INSTANT] [--holdout-every N --holdout-below B]\n"
    "                    [--no-holdout] [--l2 X] [--bins N] [--min-support N]\n"
    "                    [--interact A:B[,A:B...]] [--auto-interactions N] [--cv-folds K]\n"
    "                    [--no-candidates] [--max-fit POINTS] [--target-precision P]\n"
    "                    [--capacity N] [--max-suggestions N] [--output FILE] [--report FILE]\n"
    "                    [--report-json FILE] [--html FILE] [--threads N]";

constexpr std::string_view kCalibrateDescription =
    "Learns the points of the configuration's rules (and of new rules on the leads' attributes:\n"
    "quantile bins of numbers, frequent values of strings, and pairs of them that the training\n"
    "leads show to matter) from the real outcome of each lead, by L2-regularised logistic\n"
    "regression, and writes the calibrated configuration: the same format, integer points,\n"
    "stage thresholds moved so each stage keeps its volume. The report gives the holdout ROC\n"
    "AUC of the original and the calibrated configuration, lift and calibration by decile,\n"
    "conversion per stage, threshold recommendations (chosen on the training leads, measured\n"
    "on the holdout) and rule suggestions. Nothing is chosen by looking at the holdout.\n"
    "Deterministic: the same input gives the same output, byte for byte.\n"
    "\n"
    "Exit status: 0 calibrated; 1 some records were skipped (unreadable, or no usable label);\n"
    "2 usage, configuration or calibration error; 4 the input could not be read or an output\n"
    "not written.";

double parse_double(std::string_view flag, std::string_view text, double lo, double hi) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(v >= lo && v <= hi)) {
    throw UsageError(std::string(flag) + " expects a number in [" + format_number(lo) + ", " +
                     format_number(hi) + "], got '" + std::string(text) + "'");
  }
  return v;
}

std::size_t parse_count(std::string_view flag, std::string_view text) {
  std::size_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw UsageError(std::string(flag) + " expects a non-negative integer, got '" +
                     std::string(text) + "'");
  }
  return v;
}

std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// The options given on the command line (usage errors thrown).
// STAGE=VALUE[,...] items of a stage goal option (values in [0, 1]).
std::vector<std::pair<std::string, double>> stage_goals(std::string_view flag,
                                                        std::string_view what,
                                                        std::string_view example,
                                                        std::string_view list) {
  std::vector<std::pair<std::string, double>> out;
  for (std::string_view item : split_list(list)) {
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw UsageError(std::string(flag) + " needs STAGE=" + std::string(what) + " items, e.g. " +
                       std::string(example));
    }
    out.emplace_back(std::string(item.substr(0, eq)),
                     parse_double(flag, item.substr(eq + 1), 0, 1));
  }
  return out;
}

CalibrationOptions calibration_options(const Args& args) {
  CalibrationOptions options;
  if (const auto v = args.get("--holdout-every"))
    options.holdout_every = parse_size("--holdout-every", *v);
  if (const auto v = args.get("--holdout-below"))
    options.holdout_below = parse_count("--holdout-below", *v);
  if (args.has("--no-holdout")) options.holdout_below = 0;
  if (options.holdout_below >= options.holdout_every && options.holdout_below > 0) {
    throw UsageError("--holdout-below must be smaller than --holdout-every");
  }
  if (const auto v = args.get("--l2")) options.l2 = parse_double("--l2", *v, 0, 1e12);
  if (const auto v = args.get("--bins")) options.bins = parse_size("--bins", *v);
  if (const auto v = args.get("--min-support"))
    options.min_support = parse_size("--min-support", *v);
  if (const auto v = args.get("--max-values")) options.max_values = parse_size("--max-values", *v);
  if (args.has("--no-candidates")) options.auto_candidates = false;
  if (const auto v = args.get("--interact")) {
    for (std::string_view pair : split_list(*v)) {
      const std::size_t colon = pair.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
        throw UsageError("--interact expects A:B pairs of attribute names, got '" +
                         std::string(pair) + "'");
      }
      options.interactions.emplace_back(std::string(pair.substr(0, colon)),
                                        std::string(pair.substr(colon + 1)));
    }
  }
  if (const auto v = args.get("--auto-interactions"))
    options.auto_interactions = parse_count("--auto-interactions", *v);
  if (const auto v = args.get("--cv-folds")) {
    options.cv_folds = parse_size("--cv-folds", *v);
    if (options.cv_folds < 2) throw UsageError("--cv-folds must be at least 2");
  }
  if (const auto v = args.get("--interaction-min-z"))
    options.interaction_min_z = parse_double("--interaction-min-z", *v, 0, 1e6);
  if (const auto v = args.get("--attribute-min-z"))
    options.attribute_min_z = parse_double("--attribute-min-z", *v, 0, 1e6);
  if (args.has("--all-candidates")) options.select_candidates = false;
  if (const auto v = args.get("--max-rules")) options.max_rules = parse_count("--max-rules", *v);
  if (const auto v = args.get("--fit")) {
    if (*v == "auto") {
      options.fit = CalibrationFit::automatic;
    } else if (*v == "boosting") {
      options.fit = CalibrationFit::boosting;
    } else if (*v == "irls") {
      options.fit = CalibrationFit::irls;
    } else {
      throw UsageError("--fit expects auto, boosting or irls, got '" + std::string(*v) + "'");
    }
  }
  if (const auto v = args.get("--max-suggestions"))
    options.max_suggestions = parse_count("--max-suggestions", *v);
  if (const auto v = args.get("--max-fit"))
    options.max_fit_points = parse_double("--max-fit", *v, 1, 1e6);
  if (const auto v = args.get("--target-precision")) {
    for (std::string_view p : split_list(*v)) {
      options.target_precisions.push_back(parse_double("--target-precision", p, 0, 1));
    }
  }
  if (const auto v = args.get("--capacity")) {
    for (std::string_view c : split_list(*v))
      options.capacities.push_back(parse_size("--capacity", c));
  }
  if (const auto v = args.get("--stage-share"))
    options.stage_shares = stage_goals("--stage-share", "SHARE", "SQL=0.2", *v);
  if (const auto v = args.get("--stage-precision"))
    options.stage_precisions = stage_goals("--stage-precision", "PRECISION", "SQL=0.6", *v);
  if (args.has("--apply-thresholds")) options.apply_thresholds = true;
  return options;
}

// The leads of the input with a usable outcome (the label attribute taken
// out: the outcome is never a rule input).
struct History {
  std::vector<Lead> leads;
  std::vector<bool> outcomes;
  std::size_t unreadable = 0;
  std::size_t unlabelled = 0;
};

History read_history(RecordInput& in, const OutcomeLabel& label) {
  History h;
  InputRecord record;
  while (in.source->next(record)) {
    Result<Lead> lead = in.reader.read(record);
    if (!lead) {
      ++h.unreadable;
      continue;
    }
    const std::optional<bool> y = label.of(record, *lead);
    lead->attributes.erase(label.name);
    if (!y) {
      ++h.unlabelled;
      continue;
    }
    h.leads.push_back(std::move(lead).value());
    h.outcomes.push_back(*y);
  }
  return h;
}

// Deterministic default as-of: the latest instant the data holds.
Instant latest_instant(const std::vector<Lead>& leads) {
  Instant as_of{};
  for (const Lead& l : leads) {
    if (l.created_at) as_of = std::max(as_of, *l.created_at);
    for (const Event& e : l.events) as_of = std::max(as_of, e.at);
  }
  return as_of;
}

// Where the command writes; opened before the run, so a bad path fails early.
struct Outputs {
  std::string config_path;
  Output config;
  std::optional<Output> report, json, html;
  explicit Outputs(const Args& args)
      : config_path(args.get("--output").value_or("-")), config(config_path, "--output") {
    if (const auto p = args.get("--report")) report.emplace(*p, "--report");
    if (const auto p = args.get("--report-json")) json.emplace(*p, "--report-json");
    if (const auto p = args.get("--html")) html.emplace(*p, "--html");
  }
};

void write_outputs(const Calibration& cal, const History& h, const std::string& label,
                   Outputs& out) {
  out.config.write(to_json_text(cal.config));
  out.config.write("\n");
  out.config.close();
  std::string text = to_text(cal.report);
  if (h.unreadable || h.unlabelled) {
    text += "\nskipped: " + std::to_string(h.unreadable) + " unreadable records, " +
            std::to_string(h.unlabelled) + " records without a usable '" + label + "' outcome\n";
  }
  if (out.report) {
    out.report->write(text);
    out.report->close();
  } else if (out.config_path != "-") {
    std::fputs(text.c_str(), stdout);
  } else {
    std::fputs(text.c_str(), stderr);
  }
  if (out.json) {
    out.json->write(to_json_text(cal.report));
    out.json->close();
  }
  if (out.html) {
    out.html->write(to_html(cal.report));
    out.html->close();
  }
}

int run_calibrate(const Args& args) {
  const std::string label =
      args.require("--label", "--label NAME (the outcome column or attribute)");
  CalibrationOptions options = calibration_options(args);

  RecordInput in;
  open_records(args, in);
  options.threads = in.threads;
  const OutcomeLabel outcome_label = OutcomeLabel::find(in, label);
  Outputs out(args);

  const History h = read_history(in, outcome_label);
  outcome_label.require_seen(in, h.leads.size() + h.unlabelled);
  const Instant as_of = in.as_of_given ? in.as_of : latest_instant(h.leads);
  std::unique_ptr<bool[]> y(new bool[h.outcomes.size()]);
  for (std::size_t i = 0; i < h.outcomes.size(); ++i) y[i] = h.outcomes[i];
  const Instant as_of_one[1] = {as_of};
  Result<Calibration> result =
      calibrate(in.qualifier->config(), h.leads, std::span<const bool>(y.get(), h.outcomes.size()),
                as_of_one, options);
  if (!result) {
    for (const Diagnostic& d : result.diagnostics())
      std::fprintf(stderr, "%s\n", d.to_string().c_str());
    throw UsageError("calibration failed");
  }
  write_outputs(*result, h, label, out);
  return h.unreadable || h.unlabelled ? kExitRecordErrors : kExitOk;
}

}  // namespace

const Command kCalibrateCommand{
    "calibrate", {kCalibrateUsage, kCalibrateDescription, kCalibrateOptions}, run_calibrate};

}  // namespace leadscore::cli
