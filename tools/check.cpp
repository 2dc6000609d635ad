// `leadscore check`: validates and lints a configuration (and a mapping).
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"

#include "cli.hpp"

namespace leadscore::cli {

namespace {

constexpr OptionSpec kCheckOptions[] = {
    common_option("--config", "scoring configuration to check (JSON)"),
    common_option("--map",
                  "CSV mapping to check (JSON); with --input, also against that CSV's header"),
    common_option("--input", "a CSV file whose header --map must fit"),
    {"--strict", "", "treat warnings as errors (exit 2)"},
    common_option("--help"),
};

constexpr std::string_view kCheckUsage =
    "leadscore check --config FILE [--strict]\n"
    "       leadscore check --map FILE [--input FILE.csv] [--strict]\n"
    "       leadscore check --config FILE --map FILE [--input FILE.csv] [--strict]";

constexpr std::string_view kCheckDescription =
    "Validates a scoring configuration and reports every problem at once, compiler-style:\n"
    "  FILE:LINE:COL: error[code] at /json/pointer: message (did you mean 'x'?)\n"
    "Warnings (unreachable stage, rule that can never fire, ...) are reported too.\n"
    "\n"
    "Exit status: 0 valid (\"ok: N rules, M stages\"); 2 errors, or warnings with --strict;\n"
    "4 the output could not be written.";

struct Tally {
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

void print(const std::vector<Diagnostic>& diagnostics, const std::string& file, Tally& tally) {
  for (const Diagnostic& d : diagnostics) {
    std::printf("%s\n", format_diagnostic(d, file).c_str());
    if (d.is_error()) {
      ++tally.errors;
    } else {
      ++tally.warnings;
    }
  }
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// Checks a configuration; returns its summary ("12 rules, 4 stages") when valid.
std::optional<std::string> check_config(const std::string& path, Tally& tally) {
  const std::string text = read_file(path, "--config", Limits{}.max_config_bytes);
  Result<Qualifier> q = Qualifier::from_json_text(text);
  std::vector<Diagnostic> diagnostics = q.diagnostics();
  if (q) {
    // Warnings found while building (they may lack positions: add them).
    for (const Diagnostic& w : q->warnings()) {
      const bool known =
          std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
            return d.code == w.code && d.pointer == w.pointer && d.message == w.message;
          });
      if (!known) diagnostics.push_back(w);
    }
  }
  for (Diagnostic& d : diagnostics) {
    if (d.line == 0 && !d.pointer.empty()) {
      std::vector<Diagnostic> one{d};
      locate(one, text);
      d = one.front();
    }
  }
  print(diagnostics, path, tally);
  if (!q) return std::nullopt;
  return plural(q->config().rules.size(), "rule") + ", " +
         plural(q->config().stages.size(), "stage");
}

/// Checks a mapping, and with `input_path` binds and lints it against that
/// CSV's header; returns its summary when valid.
std::optional<std::string> check_mapping(const std::string& path,
                                         const std::optional<std::string>& input_path,
                                         Tally& tally) {
  const std::string text = read_file(path, "--map", Limits{}.max_config_bytes);
  Result<Mapping> m = parse_mapping(text);
  print(m.diagnostics(), path, tally);
  if (!m) return std::nullopt;
  std::string line = plural(m->fields.size(), "mapped column") + ", " +
                     plural(m->constants.size(), "constant") + ", " +
                     plural(m->events.size(), "event mapping");
  if (!input_path) return line;
  Input input = open_input(*input_path, "--input");
  CsvOptions options;
  options.delimiter = m->delimiter;
  CsvReader reader(*input.stream, options);
  Result<std::vector<std::string>> header = reader.read_header();
  if (!header) {
    print(header.diagnostics(), input.name, tally);
    return line;
  }
  Result<CsvLeadMapper> mapper = CsvLeadMapper::create(*m, *header);
  std::vector<Diagnostic> diagnostics = mapper.diagnostics();
  locate(diagnostics, text);
  print(diagnostics, path, tally);
  if (mapper) {
    print(lint_mapping(*m, *header, input.name), path, tally);
    line += ", fits the header of " + input.name;
  }
  return line;
}

// ---- a configuration against a mapping ---------------------------------------

/// The mapped attributes' types: target ("attributes.seats") -> (type, column).
using MappedTypes = std::map<std::string, std::pair<ValueType, std::string>>;

/// Walks `c` (at `pointer`) for comparisons of a mapped attribute with a
/// value of another type than the mapping gives the column.
void lint_condition_types(const Condition& c, const std::string& pointer, const std::string& what,
                          const MappedTypes& mapped, std::vector<Diagnostic>& out) {
  const char* key = c.kind == Condition::Kind::all   ? "/all/"
                    : c.kind == Condition::Kind::any ? "/any/"
                                                     : nullptr;
  for (std::size_t i = 0; i < c.children.size(); ++i) {
    lint_condition_types(c.children[i], key ? pointer + key + std::to_string(i) : pointer + "/not",
                         what, mapped, out);
  }
  if (c.kind != Condition::Kind::compare) return;
  const auto it = mapped.find(c.field);
  if (it == mapped.end()) return;
  const bool number = std::holds_alternative<double>(c.value) ||
                      std::holds_alternative<std::vector<double>>(c.value);
  const bool text = std::holds_alternative<std::string>(c.value) ||
                    std::holds_alternative<std::vector<std::string>>(c.value);
  const auto& [type, column] = it->second;
  const char* read_as = type == ValueType::string   ? "text"
                        : type == ValueType::number ? "a number"
                                                    : nullptr;
  if (!read_as || !((number && type == ValueType::string) || (text && type == ValueType::number)))
    return;
  Diagnostic d;
  d.code = "mapping_type_mismatch";
  d.severity = Severity::warning;
  d.pointer = pointer;
  d.message = what + " compares " + c.field + " with " + (number ? "a number" : "text") +
              ", but the mapping reads column \"" + column + "\" as " + read_as +
              ", so it never holds (declare \"type\": \"" + (number ? "number" : "string") +
              "\" for the column)";
  out.push_back(std::move(d));
}

/// Rules and stages of `config` comparing a mapped attribute with a value of
/// another type (a column mapped without a type is text: "12" is not >= 10).
std::vector<Diagnostic> lint_types(const Config& config, const Mapping& mapping) {
  MappedTypes mapped;
  for (const FieldMapping& f : mapping.fields) {
    if (f.target.rfind("attributes.", 0) == 0) mapped[f.target] = {f.type, f.column};
  }
  std::vector<Diagnostic> out;
  for (std::size_t r = 0; r < config.rules.size(); ++r) {
    const Rule& rule = config.rules[r];
    lint_condition_types(rule.when, "/rules/" + std::to_string(r) + "/when",
                         "rule '" + rule.id + "'", mapped, out);
  }
  for (std::size_t s = 0; s < config.stages.size(); ++s) {
    const Stage& st = config.stages[s];
    const std::string p = "/stages/" + std::to_string(s);
    lint_condition_types(st.when, p + "/when", "stage '" + st.name + "'", mapped, out);
    for (const auto& [origin, when] : st.by_origin) {
      lint_condition_types(when, p + "/by_origin/" + std::string(to_string(origin)),
                           "stage '" + st.name + "'", mapped, out);
    }
  }
  return out;
}

/// With both --config and --map: the configuration's comparisons against
/// the types the mapping gives the columns.
void check_types(const std::string& config_path, const std::string& map_path, Tally& tally) {
  const std::string config_text = read_file(config_path, "--config", Limits{}.max_config_bytes);
  Result<Config> config = parse_config(config_text);
  Result<Mapping> mapping = parse_mapping(read_file(map_path, "--map", Limits{}.max_config_bytes));
  if (!config || !mapping) return;  // already reported
  std::vector<Diagnostic> diagnostics = lint_types(*config, *mapping);
  locate(diagnostics, config_text);
  print(diagnostics, config_path, tally);
}

int run_check(const Args& args) {
  const auto config_path = args.get("--config");
  const auto map_path = args.get("--map");
  const auto input_path = args.get("--input");
  if (!config_path && !map_path) {
    throw UsageError("--config is required (--config FILE; or --map FILE to check a mapping)");
  }
  if (input_path && !map_path)
    throw UsageError("--input needs --map (it checks a mapping against a CSV header)");
  const bool strict = args.has("--strict");

  Tally tally;
  std::vector<std::string> summary;
  if (config_path) {
    if (auto line = check_config(*config_path, tally)) summary.push_back(std::move(*line));
  }
  if (map_path) {
    if (auto line = check_mapping(*map_path, input_path, tally)) {
      summary.push_back(std::move(*line));
    }
  }
  if (config_path && map_path) check_types(*config_path, *map_path, tally);

  const bool fail = tally.errors > 0 || (strict && tally.warnings > 0);
  if (fail) {
    std::printf("%s, %s%s\n", plural(tally.errors, "error").c_str(),
                plural(tally.warnings, "warning").c_str(),
                strict && tally.errors == 0 ? " (--strict)" : "");
    return kExitUsage;
  }
  std::string ok = "ok: ";
  for (std::size_t i = 0; i < summary.size(); ++i) ok += (i ? "; " : "") + summary[i];
  if (tally.warnings > 0) ok += " (" + plural(tally.warnings, "warning") + ")";
  std::printf("%s\n", ok.c_str());
  return kExitOk;
}

}  // namespace

const Command kCheckCommand{"check", {kCheckUsage, kCheckDescription, kCheckOptions}, run_check};

}  // namespace leadscore::cli
