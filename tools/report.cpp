// `leadscore report`: how a configuration splits a file of leads into
// stages, and — given the real outcome of each lead — how well the total
// score ranks them (ROC AUC, lift by decile). Optionally a self-contained
// HTML page with the charts.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/calibrate.hpp"
#include "leadscore/chart.hpp"

#include "cli.hpp"
#include "pipeline.hpp"

namespace leadscore::cli {

namespace {

constexpr OptionSpec kReportOptions[] = {
    common_option("--input"),
    common_option("--config"),
    common_option("--format"),
    common_option("--map"),
    common_option("--label"),
    common_option("--as-of"),
    common_option("--threads", "worker threads (default: the number of cores)"),
    {"--html", "FILE", "also write a self-contained HTML page with the charts"},
    {"--json", "FILE", "also write the report as JSON"},
    common_option("--output"),
    common_option("--max-record-bytes"),
    common_option("--batch-records"),
    common_option("--progress"),
    common_option("--help"),
};

constexpr std::string_view kReportUsage =
    "leadscore report --input FILE [--config FILE] [--map FILE] [--label NAME] [--html FILE]\n"
    "                 [--json FILE] [--as-of INSTANT] [--threads N] [--output FILE]";

constexpr std::string_view kReportDescription =
    "Scores a file and reports the count and share of each stage and the distribution of the\n"
    "total score per stage (min, quartiles, max). With --label (the real outcome), also the\n"
    "conversion rate per stage, the ROC AUC of the total score (Mann-Whitney, ties counted as\n"
    "half) and the lift by decile. Records that cannot be read are counted, not reported.\n"
    "\n"
    "Exit status: 0 report written (even when some records failed); 2 usage or\n"
    "configuration error; 4 the input could not be read or the report not written.";

struct Row {
  double total;
  std::uint32_t stage;  // index into stage names (fallback last)
  std::int8_t label;
};

double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

struct StageStats {
  std::string name;
  std::uint64_t count = 0;
  std::uint64_t labelled = 0;
  std::uint64_t positives = 0;
  std::array<double, 5> five{};  // min, q1, median, q3, max
  std::vector<std::uint64_t> histogram;
};

struct RocPoint {
  double fpr;
  double tpr;
};

struct Report {
  std::uint64_t read = 0;
  std::uint64_t failed = 0;
  std::uint64_t disqualified = 0;
  std::vector<StageStats> stages;
  bool has_label = false;
  std::uint64_t labelled = 0;
  std::uint64_t positives = 0;
  std::optional<double> auc;
  std::vector<DecileRow> deciles;  ///< leadscore::lift_by_decile of the labelled leads
  std::vector<RocPoint> roc;
  double hist_min = 0;
  double hist_max = 0;
  std::size_t bins = 20;
};

// The totals and outcomes of the labelled leads, in input order.
struct Labelled {
  std::vector<double> totals;
  std::unique_ptr<bool[]> converted;
  std::span<const bool> outcomes() const { return {converted.get(), totals.size()}; }
};

// ROC curve: one point per distinct total, best first; at most ~400 points.
std::vector<RocPoint> roc_curve(const Labelled& labelled, std::uint64_t positives) {
  const std::size_t n = labelled.totals.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return labelled.totals[a] > labelled.totals[b];
  });
  const double p = static_cast<double>(positives);
  const double q = static_cast<double>(n - positives);
  double tp = 0;
  double fp = 0;
  std::vector<RocPoint> points{{0, 0}};
  std::size_t k = 0;
  while (k < n) {
    const double t = labelled.totals[idx[k]];
    while (k < n && labelled.totals[idx[k]] == t) {
      (labelled.converted[idx[k]] ? tp : fp) += 1;
      ++k;
    }
    points.push_back({fp / q, tp / p});
  }
  std::vector<RocPoint> roc;
  const std::size_t step = std::max<std::size_t>(1, points.size() / 400);
  for (std::size_t i = 0; i < points.size(); i += step) roc.push_back(points[i]);
  if (roc.back().fpr != points.back().fpr || roc.back().tpr != points.back().tpr) {
    roc.push_back(points.back());
  }
  return roc;
}

Report build_report(const std::vector<Row>& rows, const std::vector<std::string_view>& stage_names,
                    bool has_label) {
  Report r;
  r.has_label = has_label;
  r.stages.resize(stage_names.size());
  std::vector<std::vector<double>> totals(stage_names.size());
  double lo = rows.empty() ? 0 : rows.front().total;
  double hi = lo;
  for (const Row& row : rows) {
    totals[row.stage].push_back(row.total);
    lo = std::min(lo, row.total);
    hi = std::max(hi, row.total);
  }
  r.hist_min = lo;
  r.hist_max = hi > lo ? hi : lo + 1;
  for (std::size_t s = 0; s < stage_names.size(); ++s) {
    StageStats& st = r.stages[s];
    st.name = std::string(stage_names[s]);
    std::sort(totals[s].begin(), totals[s].end());
    st.count = totals[s].size();
    if (!totals[s].empty()) {
      st.five = {totals[s].front(), quantile(totals[s], 0.25), quantile(totals[s], 0.5),
                 quantile(totals[s], 0.75), totals[s].back()};
    }
    st.histogram.assign(r.bins, 0);
    for (double t : totals[s]) {
      auto bin = static_cast<std::size_t>((t - r.hist_min) / (r.hist_max - r.hist_min) *
                                          static_cast<double>(r.bins));
      st.histogram[std::min(bin, r.bins - 1)]++;
    }
  }
  if (!has_label) return r;

  Labelled labelled;
  labelled.converted.reset(new bool[rows.size()]);
  for (const Row& row : rows) {
    if (row.label < 0) continue;
    StageStats& st = r.stages[row.stage];
    ++st.labelled;
    ++r.labelled;
    if (row.label == 1) {
      ++st.positives;
      ++r.positives;
    }
    labelled.converted[labelled.totals.size()] = row.label == 1;
    labelled.totals.push_back(row.total);
  }
  r.deciles = lift_by_decile(labelled.totals, labelled.outcomes());
  // ROC AUC and curve (leadscore::roc_auc: Mann-Whitney, ties count half),
  // defined with both outcomes only.
  if (r.positives > 0 && r.positives < r.labelled) {
    r.auc = roc_auc(labelled.totals, labelled.outcomes());
    r.roc = roc_curve(labelled, r.positives);
  }
  return r;
}

std::string percent(double part, double whole, int decimals = 1) {
  if (whole <= 0) return "-";
  return format_number(100.0 * part / whole, decimals) + "%";
}

std::string cell(std::string s, std::size_t width, bool right = true) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string text_report(const Report& r, const std::string& label, Instant as_of,
                        const std::string& input) {
  const std::uint64_t scored = r.read - r.failed;
  std::string out;
  out += "leadscore report: " + input + ", as of " + format_instant(as_of) + "\n";
  out += std::to_string(r.read) + " records: " + std::to_string(scored) + " scored, " +
         std::to_string(r.failed) + " failed, " + std::to_string(r.disqualified) +
         " disqualified\n\n";
  std::size_t w = 5;
  for (const StageStats& s : r.stages) w = std::max(w, s.name.size());
  out += cell("stage", w, false) + cell("count", 9) + cell("share", 8) + cell("min", 8) +
         cell("q1", 8) + cell("median", 8) + cell("q3", 8) + cell("max", 8);
  if (r.has_label) out += cell("converted", 11) + cell("rate", 8);
  out += "\n";
  for (const StageStats& s : r.stages) {
    out += cell(s.name, w, false) + cell(std::to_string(s.count), 9) +
           cell(percent(static_cast<double>(s.count), static_cast<double>(scored)), 8);
    for (double v : s.five) out += cell(s.count ? format_number(v, 1) : "-", 8);
    if (r.has_label) {
      out += cell(std::to_string(s.positives), 11) +
             cell(percent(static_cast<double>(s.positives), static_cast<double>(s.labelled)), 8);
    }
    out += "\n";
  }
  if (!r.has_label) return out;
  out += "\noutcome '" + label + "': " + std::to_string(r.labelled) + " labelled, " +
         std::to_string(r.positives) + " converted (" +
         percent(static_cast<double>(r.positives), static_cast<double>(r.labelled), 2) + ")";
  if (r.labelled < scored)
    out += ", " + std::to_string(scored - r.labelled) + " without a usable label";
  out += "\n";
  out += "ROC AUC of the total score: " +
         (r.auc ? format_number(*r.auc, 4) : std::string("undefined (needs both outcomes)")) + "\n";
  if (!r.deciles.empty()) {
    out += "\nlift by decile of the total score (1 = highest)\n";
    out += cell("decile", 6) + cell("records", 9) + cell("total", 16) + cell("converted", 11) +
           cell("rate", 8) + cell("lift", 7) + cell("captured", 10) + "\n";
    std::uint64_t cumulative = 0;
    for (std::size_t d = 0; d < r.deciles.size(); ++d) {
      const DecileRow& dec = r.deciles[d];
      cumulative += dec.positives;
      out += cell(std::to_string(d + 1), 6) + cell(std::to_string(dec.leads), 9) +
             cell(format_number(dec.min_total, 1) + ".." + format_number(dec.max_total, 1), 16) +
             cell(std::to_string(dec.positives), 11) +
             cell(format_number(100 * dec.observed, 1) + "%", 8) +
             cell(r.positives > 0 ? format_number(dec.lift, 2) : "-", 7) +
             cell(percent(static_cast<double>(cumulative), static_cast<double>(r.positives)), 10) +
             "\n";
    }
  }
  return out;
}

nlohmann::json json_report(const Report& r, const std::string& label, Instant as_of) {
  nlohmann::json j;
  j["as_of"] = format_instant(as_of);
  j["records"] = r.read;
  j["scored"] = r.read - r.failed;
  j["failed"] = r.failed;
  j["disqualified"] = r.disqualified;
  nlohmann::json stages = nlohmann::json::array();
  for (const StageStats& s : r.stages) {
    nlohmann::json st;
    st["stage"] = s.name;
    st["count"] = s.count;
    if (s.count) {
      st["total"] = {{"min", s.five[0]},
                     {"q1", s.five[1]},
                     {"median", s.five[2]},
                     {"q3", s.five[3]},
                     {"max", s.five[4]}};
    }
    if (r.has_label) {
      st["labelled"] = s.labelled;
      st["converted"] = s.positives;
    }
    stages.push_back(std::move(st));
  }
  j["stages"] = std::move(stages);
  if (r.has_label) {
    j["label"] = label;
    j["labelled"] = r.labelled;
    j["converted"] = r.positives;
    j["auc"] = r.auc ? nlohmann::json(*r.auc) : nlohmann::json(nullptr);
    nlohmann::json deciles = nlohmann::json::array();
    for (const DecileRow& d : r.deciles) {
      deciles.push_back({{"records", d.leads},
                         {"converted", d.positives},
                         {"min_total", d.min_total},
                         {"max_total", d.max_total}});
    }
    j["deciles"] = std::move(deciles);
  }
  return j;
}

// ---- HTML ------------------------------------------------------------------

std::string num(double v, int decimals = 1) { return format_number(v, decimals); }

// The funnel as a top-down ladder: all scored leads, then each stage with
// the stages above it (stages are listed best first, the fallback last).
std::string funnel_svg(const Report& r) {
  FunnelChart c;
  c.title = "Funnel: leads that reach each stage";
  c.x_label = "leads";
  c.y_label = "stage";
  c.legend = "leads at this stage or a higher one";
  const std::uint64_t scored = r.read - r.failed;
  std::uint64_t above = scored;
  const std::size_t configured = r.stages.empty() ? 0 : r.stages.size() - 1;
  FunnelStep all{"all scored leads", scored, ""};
  std::uint64_t labelled = 0, positives = 0;
  for (const StageStats& s : r.stages) {
    labelled += s.labelled;
    positives += s.positives;
  }
  if (r.has_label)
    all.note =
        percent(static_cast<double>(positives), static_cast<double>(labelled)) + " converted";
  c.steps.push_back(all);
  for (std::size_t k = configured; k-- > 0;) {  // lowest configured stage first
    std::uint64_t count = 0;
    labelled = positives = 0;
    for (std::size_t j = 0; j <= k; ++j) {
      count += r.stages[j].count;
      labelled += r.stages[j].labelled;
      positives += r.stages[j].positives;
    }
    FunnelStep step{r.stages[k].name + (k > 0 ? " or higher" : ""), count, ""};
    step.note =
        percent(static_cast<double>(count), static_cast<double>(above)) + " of the row above";
    if (r.has_label) {
      step.note += ", " + percent(static_cast<double>(positives), static_cast<double>(labelled)) +
                   " converted";
    }
    c.steps.push_back(std::move(step));
    above = count;
  }
  return funnel_chart_svg(c);
}

std::string histogram_svg(const Report& r, const StageStats& s) {
  BarChart c;
  c.title = s.name + ": total score of its " + std::to_string(s.count) + " leads";
  c.x_label = "total score (lower edge of each bin)";
  c.y_label = "leads";
  const double width = (r.hist_max - r.hist_min) / static_cast<double>(r.bins);
  ChartSeries leads{"leads per bin of " + num(width) + " points", {}};
  for (std::size_t b = 0; b < r.bins; ++b) {
    c.categories.push_back(num(r.hist_min + width * static_cast<double>(b)));
    leads.values.push_back(static_cast<double>(s.histogram[b]));
  }
  c.series.push_back(std::move(leads));
  return bar_chart_svg(c);
}

std::string roc_svg(const Report& r) {
  CurveChart c;
  c.title = "ROC curve of the total score";
  c.x_label = "false positive rate";
  c.y_label = "true positive rate";
  c.curve_name = "total score";
  c.diagonal_name = "random ranking";
  for (const RocPoint& p : r.roc) c.points.emplace_back(p.fpr, p.tpr);
  if (r.auc) c.note = "AUC " + num(*r.auc, 3);
  return curve_chart_svg(c);
}

std::string lift_svg(const Report& r) {
  BarChart c;
  c.title = "Lift by decile of the total score";
  c.x_label = "decile of the total score (1 = highest)";
  c.y_label = "lift (conversion / average)";
  ChartSeries lift{"lift", {}};
  for (std::size_t i = 0; i < r.deciles.size(); ++i) {
    c.categories.push_back(std::to_string(i + 1));
    lift.values.push_back(r.deciles[i].lift);
  }
  c.series.push_back(std::move(lift));
  c.reference = 1.0;
  c.reference_label = "lift 1: no better than random";
  return bar_chart_svg(c);
}

std::string html_report(const Report& r, const std::string& text, const std::string& label,
                        Instant as_of, const std::string& input) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>leadscore report: " + escape_html(input) + "</title>";
  h += "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1260px}"
       "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}svg "
       "text{font-family:system-ui,sans-serif;font-size:13px}"
       ".grid{display:flex;flex-wrap:wrap;gap:1em}.grid figure{margin:0}figcaption{font-weight:600}"
       "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}</style></head><body>";
  h += "<h1>leadscore report</h1><p>" + escape_html(input) + ", as of " +
       escape_html(format_instant(as_of)) + ": " + std::to_string(r.read) + " records, " +
       std::to_string(r.read - r.failed) + " scored, " + std::to_string(r.failed) + " failed.</p>";
  h += "<h2>Funnel</h2>" + funnel_svg(r);
  h += "<h2>Total score per stage</h2><div class=\"grid\">";
  for (const StageStats& s : r.stages) h += "<figure>" + histogram_svg(r, s) + "</figure>";
  h += "</div>";
  if (r.has_label) {
    h += "<h2>Outcome '" + escape_html(label) + "'</h2><div class=\"grid\">";
    if (!r.roc.empty()) h += "<figure>" + roc_svg(r) + "</figure>";
    if (!r.deciles.empty()) h += "<figure>" + lift_svg(r) + "</figure>";
    h += "</div>";
  }
  h += "<h2>The report as text</h2><pre>" + escape_html(text) + "</pre>";
  h += "</body></html>\n";
  return h;
}

int run_report(const Args& args) {
  const std::optional<std::string> label = args.get("--label");

  RecordInput in;
  open_records(args, in);
  const Qualifier& qualifier = *in.qualifier;
  const Instant as_of = in.as_of;
  const LeadReader& reader = in.reader;

  std::optional<OutcomeLabel> outcome_label;
  if (label) outcome_label = OutcomeLabel::find(in, *label);

  // Prepare outputs before the (long) run, so a bad path fails early.
  std::optional<Output> html;
  std::optional<Output> json;
  if (const auto p = args.get("--html")) html.emplace(*p, "--html");
  if (const auto p = args.get("--json")) json.emplace(*p, "--json");
  Output text_out(args.get("--output").value_or("-"), "--output");

  const std::vector<std::string_view> stages = qualifier.stage_names();
  std::vector<Row> rows;
  RecordCounts counts;
  Progress progress(in.progress, stderr_is_terminal(), in.input.size);

  const auto process = [&](Batch& batch) {
    batch.outcomes.resize(batch.size);
    InputRecord scratch;
    for_each_record(batch, scratch, [&](std::size_t i, const InputRecord& record) {
      RecordOutcome& o = batch.outcomes[i];
      Result<Lead> lead = reader.read(record);
      if (!lead) {
        o.ok = false;
        return;
      }
      const Qualification q = qualifier.qualify(*lead, as_of);
      o.ok = true;
      o.stage_index = q.stage_index;
      o.disqualified = q.disqualified;
      o.total = q.total;
      const std::optional<bool> outcome =
          outcome_label ? outcome_label->of(record, *lead) : std::nullopt;
      o.label = outcome ? (*outcome ? 1 : 0) : -1;
    });
  };
  const auto consume = [&](const Batch& batch) {
    for (std::size_t i = 0; i < batch.size; ++i) {
      const RecordOutcome& o = batch.outcomes[i];
      if (!counts.add(o)) continue;
      rows.push_back({o.total, static_cast<std::uint32_t>(o.stage_slot(stages.size())),
                      static_cast<std::int8_t>(o.label)});
    }
    progress.update(counts.read, batch.end_bytes);
  };
  run_pipeline(args, in, process, consume);
  progress.finish();
  if (outcome_label) outcome_label->require_seen(in, counts.read - counts.failed);

  Report report = build_report(rows, stages, label.has_value());
  report.read = counts.read;
  report.failed = counts.failed;
  report.disqualified = counts.disqualified;
  const std::string text = text_report(report, label.value_or(""), as_of, in.input.name);
  text_out.write(text);
  text_out.close();
  if (json) {
    json->write(json_report(report, label.value_or(""), as_of).dump(2) + "\n");
    json->close();
  }
  if (html) {
    html->write(html_report(report, text, label.value_or(""), as_of, in.input.name));
    html->close();
  }
  return kExitOk;
}

}  // namespace

const Command kReportCommand{
    "report", {kReportUsage, kReportDescription, kReportOptions}, run_report};

}  // namespace leadscore::cli
