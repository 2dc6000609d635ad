// demo — scores a file of sample leads with the built-in configuration.
//
//   demo [--as-of ISO-8601] [--explain ID] [FILE]
//
// FILE holds one lead per line in the lead JSON format (docs/lead-format.md);
// the default is the bundled examples/data/sample-leads.jsonl ("-" reads
// standard input). Every lead is qualified with the built-in configuration
// (Qualifier::with_default_config()) at a fixed instant, 2026-11-20T12:00:00Z
// unless --as-of says otherwise: the library never reads the clock, so the
// output is the same on every run. The program prints one aligned row per
// lead (origin, enrichment level, stage, fit and engagement scores, grade and
// the main reasons), then the funnel: how many leads reached each stage. A
// line that is not a valid lead is reported on stderr with its line number
// and skipped; the others are still scored. --explain ID also prints the full
// explanation of one lead. Exits 0 unless the arguments or the file are bad.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/leadscore.hpp"

namespace fs = std::filesystem;
using namespace leadscore;

namespace {

constexpr std::string_view kDefaultAsOf = "2026-11-20T12:00:00Z";
constexpr std::string_view kSampleRelative = "examples/data/sample-leads.jsonl";

int usage(std::ostream& out, int code) {
  out << "usage: demo [--as-of ISO-8601] [--explain LEAD_ID] [FILE]\n"
         "  Scores every lead of FILE (one JSON lead per line; default: the bundled\n"
         "  "
      << kSampleRelative
      << ") with the built-in configuration\n"
         "  at --as-of (default "
      << kDefaultAsOf << ") and prints a table and the funnel.\n";
  return code;
}

/// The bundled sample file: a path given at build time, else searched for
/// from the current directory and from the program's directory upwards.
std::optional<fs::path> find_sample_file(const char* argv0) {
  std::vector<fs::path> candidates;
#ifdef LEADSCORE_SAMPLE_LEADS_FILE
  candidates.emplace_back(LEADSCORE_SAMPLE_LEADS_FILE);
#endif
  std::error_code ec;
  std::vector<fs::path> roots{fs::current_path(ec)};
  if (argv0 != nullptr && *argv0 != '\0') roots.push_back(fs::absolute(argv0, ec).parent_path());
  for (fs::path dir : roots) {
    for (int up = 0; up < 6 && !dir.empty(); ++up, dir = dir.parent_path()) {
      candidates.push_back(dir / kSampleRelative);
      candidates.push_back(dir / "data" / "sample-leads.jsonl");
      if (dir == dir.parent_path()) break;
    }
  }
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

/// "+30" or "-20" or "+4.6": a contribution's points, short.
std::string signed_points(double v) {
  const double r = std::round(v * 10) / 10;
  std::string s = (r == std::floor(r)) ? std::to_string(static_cast<long long>(r)) : fixed1(r);
  return (r > 0 ? "+" : "") + s;
}

/// The 2-3 largest contributions by absolute points, or the knockout.
std::string top_reasons(const Explanation& e) {
  if (e.result.disqualified) {
    return "knocked out: " + std::string(e.result.reason) + " (rule " +
           std::string(e.result.knockout_rule) + ")";
  }
  std::vector<const Contribution*> sorted;
  for (const Contribution& c : e.contributions) {
    if (c.points != 0) sorted.push_back(&c);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const Contribution* a, const Contribution* b) {
    return std::fabs(a->points) > std::fabs(b->points);
  });
  std::string out;
  for (std::size_t i = 0; i < sorted.size() && i < 3; ++i) {
    if (i) out += ", ";
    out += sorted[i]->rule_id + " " + signed_points(sorted[i]->points);
  }
  return out.empty() ? "(no rule matched)" : out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string as_of_text(kDefaultAsOf);
  std::optional<std::string> explain_id;
  std::optional<fs::path> file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return usage(std::cout, 0);
    if (arg == "--as-of" && i + 1 < argc) {
      as_of_text = argv[++i];
    } else if (arg.starts_with("--as-of=")) {
      as_of_text = arg.substr(8);
    } else if (arg == "--explain" && i + 1 < argc) {
      explain_id = argv[++i];
    } else if (arg.starts_with("-") && arg != "-") {  // "-" = standard input
      std::cerr << "demo: unknown or incomplete option '" << arg << "'\n";
      return usage(std::cerr, 2);
    } else if (!file) {
      file = fs::path(arg);
    } else {
      std::cerr << "demo: more than one FILE given\n";
      return usage(std::cerr, 2);
    }
  }

  const std::optional<Instant> as_of = parse_instant(as_of_text);
  if (!as_of) {
    std::cerr << "demo: --as-of '" << as_of_text << "' is not an ISO-8601 instant (e.g. "
              << kDefaultAsOf << ")\n";
    return 2;
  }
  if (!file) file = find_sample_file(argc > 0 ? argv[0] : nullptr);
  if (!file) {
    std::cerr << "demo: cannot find " << kSampleRelative
              << "; run from the repository root or pass FILE\n";
    return 1;
  }
  // "-" reads the leads from standard input.
  std::ifstream stream;
  if (*file != "-") stream.open(*file, std::ios::binary);
  std::istream& in = *file == "-" ? std::cin : stream;
  if (!in) {
    std::cerr << "demo: cannot open " << file->string() << "\n";
    return 1;
  }

  // One Qualifier, built once; qualify/explain are const and reusable.
  const Qualifier qualifier = Qualifier::with_default_config();

  const std::vector<std::string> header{"id",  "origin",     "enrichment", "stage",
                                        "fit", "engagement", "grade",      "top reasons"};
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, std::map<std::string, int>> funnel;  // stage -> origin -> count
  std::map<std::string, int> knocked_out;                    // stage -> count
  std::optional<std::string> explained;                      // --explain: the lead's report
  std::size_t bad_lines = 0;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    Result<Lead> lead = parse_lead(line);
    // Report every problem (and warning) as FILE:LINE:COLUMN; the parser's
    // positions are relative to the one-line text it was given.
    for (Diagnostic d : lead.diagnostics()) {
      std::cerr << file->string() << ":" << number << ":"
                << (d.column ? std::to_string(d.column) + ":" : "") << " ";
      d.line = d.column = 0;
      std::cerr << d.to_string() << "\n";
    }
    if (!lead) {
      ++bad_lines;
      std::cerr << file->string() << ":" << number << ": lead skipped\n";
      continue;
    }
    const Explanation e = qualifier.explain(*lead, *as_of);
    const Qualification& r = e.result;
    const std::string stage(r.stage);
    ++funnel[stage][std::string(to_string(lead->origin))];
    if (r.disqualified) ++knocked_out[stage];
    if (explain_id && *explain_id == lead->id) explained = e.to_text();
    rows.push_back({lead->id.empty() ? "(line " + std::to_string(number) + ")" : lead->id,
                    std::string(to_string(lead->origin)),
                    std::string(to_string(e.facts.enrichment)), stage, fixed1(r.fit),
                    fixed1(r.engagement), std::string(r.grade), top_reasons(e)});
  }

  std::cout << "leadscore demo: configuration '" << qualifier.config().name << "', as of "
            << format_instant(*as_of) << ", " << rows.size() << " leads from "
            << (*file == "-" ? std::string("standard input") : file->filename().string()) << "\n\n";

  // Column widths from the content; numbers right-aligned, the last column free.
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  const auto print_row = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      const std::string pad(last ? 0 : width[c] - cells[c].size(), ' ');
      const bool numeric = c == 4 || c == 5;
      out += numeric ? pad + cells[c] : cells[c] + pad;
      if (!last) out += "  ";
    }
    std::cout << out << "\n";
  };
  print_row(header);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < header.size(); ++c)
    rule.emplace_back(c + 1 == header.size() ? 11 : width[c], '-');
  print_row(rule);
  for (const auto& row : rows) print_row(row);

  // The funnel, best stage first, with the origin mix of each stage.
  std::cout << "\nfunnel:\n";
  for (const std::string_view name : qualifier.stage_names()) {
    const auto it = funnel.find(std::string(name));
    int count = 0;
    std::string mix;
    if (it != funnel.end()) {
      for (const auto& [origin, n] : it->second) {
        count += n;
        mix += (mix.empty() ? "" : ", ") + std::to_string(n) + " " + origin;
      }
    }
    char head[64];
    std::snprintf(head, sizeof head, "  %-5s %3d", std::string(name).c_str(), count);
    std::cout << head;
    if (count > 0) {
      const auto bar = static_cast<std::size_t>(count);
      std::cout << "  " << std::string(bar, '#') << std::string(bar < 12 ? 12 - bar : 0, ' ')
                << "  " << mix;
    }
    if (const auto ko = knocked_out.find(std::string(name)); ko != knocked_out.end()) {
      std::cout << "; " << ko->second << " knocked out";
    }
    std::cout << "\n";
  }
  std::cout << "  total " << rows.size() << " leads scored";
  if (bad_lines > 0) std::cout << ", " << bad_lines << " invalid line(s) skipped";
  std::cout << "\n";

  if (explain_id) {
    if (!explained) {
      std::cerr << "demo: no lead with id '" << *explain_id << "' in " << file->string() << "\n";
      return 1;
    }
    std::cout << "\nexplanation of " << *explain_id << ":\n" << *explained;
  }
  return 0;
}
