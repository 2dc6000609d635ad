// `leadscore explain`: a readable breakdown of one lead.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"

#include "cli.hpp"

namespace leadscore::cli {

namespace {

constexpr OptionSpec kExplainOptions[] = {
    {"--lead", "FILE",
     "the lead: a JSON file (one lead, any layout), or - for standard input (required)"},
    common_option("--config"),
    common_option("--as-of"),
    {"--format", "FORMAT", "text (default) or json"},  // the output's, not the input's
    common_option("--help"),
};

constexpr std::string_view kExplainUsage =
    "leadscore explain --lead FILE|- [--config FILE] [--as-of INSTANT] [--format text|json]";

constexpr std::string_view kExplainDescription =
    "Explains how one lead is scored and qualified: every rule's contribution with its\n"
    "evidence, each stage's conditions (held [x] or not [ ]), and what the lead still lacks\n"
    "for the next stage.\n"
    "\n"
    "Exit status: 0 explained; 1 the lead could not be read; 2 usage or configuration error;\n"
    "4 the output could not be written.";

std::string pad(std::string s, std::size_t width) {
  // Pads by code points so that accented text lines up.
  std::size_t cps = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++cps;
  }
  if (cps < width) s.append(width - cps, ' ');
  return s;
}

void trace(const ConditionTrace& t, std::size_t depth, std::string& out) {
  out += std::string(4 + depth * 2, ' ');
  out += t.held ? "[x] " : "[ ] ";
  out += t.text;
  if (!t.actual.empty()) out += "   (is " + t.actual + ")";
  out += '\n';
  for (const ConditionTrace& c : t.children) trace(c, depth + 1, out);
}

std::string days(const std::optional<double>& d) {
  if (!d) return "unknown";
  return format_number(*d, 1) + " day" + (*d == 1 ? "" : "s") + " ago";
}

std::string render(const Lead& lead, const Explanation& e, const Qualifier& q, Instant as_of) {
  const Qualification& r = e.result;
  std::string out;
  out += "Lead " + (lead.id.empty() ? std::string("(no id)") : lead.id) + ", as of " +
         format_instant(as_of) + "\n\n";
  out += "  stage         " + std::string(r.stage) + "\n";
  out += "  grade         " + std::string(r.grade) + "   (fit " + std::string(r.fit_grade) +
         ", engagement " + std::string(r.engagement_grade) + ")\n";
  const auto& scores = q.config().scores;
  const auto bound = [](const ScoreBounds& b) {
    std::string text;
    if (b.max) {
      text = " / ";
      text += format_number(*b.max);
    }
    return text;
  };
  out += "  fit           " + format_number(r.fit) + bound(scores.fit);
  if (e.fit_unclamped != r.fit)
    out += "   (" + format_number(e.fit_unclamped) + " before clamping)";
  out += "\n  engagement    " + format_number(r.engagement) + bound(scores.engagement);
  if (e.engagement_unclamped != r.engagement) {
    out += "   (" + format_number(e.engagement_unclamped) + " before clamping)";
  }
  out += "\n  total         " + format_number(r.total);
  if (scores.weights.fit != 1 || scores.weights.engagement != 1) {
    out += "   (" + format_number(scores.weights.fit) + " x fit + " +
           format_number(scores.weights.engagement) + " x engagement)";
  }
  out += "\n";
  if (r.disqualified) {
    out += "  disqualified  yes: " + std::string(r.reason) + " (rule " +
           std::string(r.knockout_rule) + ")\n";
  } else {
    out += "  disqualified  no\n";
  }

  const DerivedFacts& f = e.facts;
  out += "\nFacts\n";
  out += "  enrichment    " + std::string(to_string(f.enrichment)) + " (completeness " +
         format_number(f.completeness * 100, 0) + "%)\n";
  if (f.email_domain) {
    out += "  email domain  " + *f.email_domain + (f.free_email ? " (free mail)" : " (business)") +
           "\n";
  }
  out += "  origin        " + std::string(to_string(lead.origin));
  if (lead.source) out += ", source " + *lead.source;
  out += "\n  created       " +
         (f.days_since_created && *f.days_since_created < 0 ? std::string("after as_of")
                                                            : days(f.days_since_created)) +
         "\n";
  out += "  last activity " + days(f.days_since_last_activity) + "\n";
  out += "  events        " + std::to_string(f.events_considered) + " considered";
  if (const std::string ignored = ignored_events_text(f); !ignored.empty())
    out += "; ignored: " + ignored;
  out += "\n";

  out += "\nContributions\n";
  if (e.contributions.empty()) {
    out += "  (no rule matched)\n";
  } else {
    std::size_t width = 4;
    for (const Contribution& c : e.contributions) width = std::max(width, c.rule_id.size());
    width = std::min<std::size_t>(width, 32);
    out += "  " + pad("points", 8) + "  " + pad("kind", 11) + pad("rule", width + 2) + "evidence\n";
    double fit_sum = 0;
    double engagement_sum = 0;
    for (const Contribution& c : e.contributions) {
      std::string points = signed_points(c.points);
      out += "  ";
      out.append(points.size() < 8 ? 8 - points.size() : 0, ' ');
      out += points + "  " + pad(std::string(to_string(c.kind)), 11) + pad(c.rule_id, width + 2);
      std::string evidence = c.evidence;
      const auto& rules = q.config().rules;
      const auto rule = std::find_if(rules.begin(), rules.end(),
                                     [&](const Rule& x) { return x.id == c.rule_id; });
      if (rule != rules.end() && !rule->description.empty()) {
        evidence = rule->description + (evidence.empty() ? "" : ": " + evidence);
      }
      out += evidence + "\n";
      (c.kind == RuleKind::fit ? fit_sum : engagement_sum) += c.points;
    }
    out += "  --------\n";
    out += "  fit " + format_number(fit_sum) + ", engagement " + format_number(engagement_sum) +
           " (before clamping)\n";
  }
  if (!e.type_notes.empty()) {
    out += "\nRules that cannot match as the values are typed\n";
    for (const std::string& n : e.type_notes) out += "  " + n + "\n";
  }
  if (!e.knockouts.empty()) {
    out += "\nKnockouts\n";
    for (const std::string& k : e.knockouts) out += "  " + k + "\n";
  }

  if (!e.stages.empty()) {
    out += "\nStages (tried best first; the first that holds wins)\n";
    for (const StageCheck& s : e.stages) {
      out += "  " + s.stage + ": " + (s.held ? "HELD" : "not met") +
             (s.by_origin ? " (condition for " + std::string(to_string(lead.origin)) + " leads)"
                          : "") +
             "\n";
      trace(s.condition, 0, out);
    }
  }
  if (e.next) {
    out += e.next->step ? "\nFor " + e.next->stage + ", the lead still needs:\n"
                        : "\nThe other stage " + e.next->stage +
                              " (a parallel path, not the next step up) would need:\n";
    for (const std::string& m : e.next->missing) out += "  - " + m + "\n";
  } else if (q.config().stages.empty()) {
    out += "\nNo stages are configured: every lead is " + std::string(r.stage) + ".\n";
  } else if (!r.disqualified) {
    out += "\nAlready at the top stage, " + std::string(r.stage) + ".\n";
  }
  return out;
}

int run_explain(const Args& args) {
  const std::string lead_path =
      args.require("--lead", "--lead FILE, or --lead - for standard input");
  const std::string format = args.get("--format").value_or("text");
  if (format != "text" && format != "json") {
    throw UsageError("--format expects text or json, got '" + format + "'");
  }
  const Instant as_of = parse_as_of(args.get("--as-of"));
  const Qualifier q = load_qualifier(args.get("--config"));
  const std::string text = read_file(lead_path, "--lead", Limits{}.max_lead_bytes);
  Result<Lead> lead = parse_lead(text);
  if (!lead) {
    const std::string name = lead_path == "-" ? "<stdin>" : lead_path;
    for (const Diagnostic& d : lead.diagnostics()) {
      std::fprintf(stderr, "%s\n", format_diagnostic(d, name).c_str());
    }
    std::fprintf(stderr, "leadscore explain: the lead in %s could not be read\n", name.c_str());
    return kExitRecordErrors;
  }
  const Explanation e = q.explain(*lead, as_of);
  if (format == "json") {
    nlohmann::json j = to_json(e);
    j["id"] = lead->id;
    j["as_of"] = format_instant(as_of);
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fputs(render(*lead, e, q, as_of).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace

const Command kExplainCommand{
    "explain", {kExplainUsage, kExplainDescription, kExplainOptions}, run_explain};

}  // namespace leadscore::cli
