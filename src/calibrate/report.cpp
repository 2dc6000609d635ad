// The calibration report as text, JSON and a self-contained HTML page, and
// escape_html() (also used by `leadscore report`).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/calibrate.hpp"
#include "leadscore/chart.hpp"

namespace leadscore {
namespace {

std::string num(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pct(double v) { return num(100 * v, 1) + "%"; }

std::string pad(std::string s, std::size_t width, bool right = false) {
  if (s.size() >= width) return s + " ";
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s + " " : s + fill + " ";
}

nlohmann::ordered_json metrics_json(const SplitMetrics& m) {
  nlohmann::ordered_json j;
  j["leads"] = m.leads;
  j["positives"] = m.positives;
  j["auc"] = m.auc;
  auto& dec = j["deciles"] = nlohmann::ordered_json::array();
  for (const auto& d : m.deciles) {
    dec.push_back({{"leads", d.leads},
                   {"positives", d.positives},
                   {"min_total", d.min_total},
                   {"max_total", d.max_total},
                   {"predicted", d.predicted},
                   {"observed", d.observed},
                   {"lift", d.lift}});
  }
  auto& st = j["stages"] = nlohmann::ordered_json::array();
  for (const auto& s : m.stages) {
    st.push_back({{"stage", s.stage},
                  {"leads", s.leads},
                  {"positives", s.positives},
                  {"conversion", s.conversion}});
  }
  j["histogram"] = {{"edges", m.histogram_edges},
                    {"converted", m.histogram_converted},
                    {"not_converted", m.histogram_not_converted}};
  return j;
}

BarChart chart(std::string title, std::string x_label, std::string y_label, bool percent) {
  BarChart c;
  c.title = std::move(title);
  c.x_label = std::move(x_label);
  c.y_label = std::move(y_label);
  c.percent = percent;
  return c;
}

const SplitMetrics& eval_split(const CalibrationReport& r, bool calibrated) {
  if (r.holdout_leads > 0) return calibrated ? r.calibrated_holdout : r.original_holdout;
  return calibrated ? r.calibrated_training : r.original_training;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string to_text(const CalibrationReport& r) {
  std::string o;
  const bool holdout = r.holdout_leads > 0;
  o += "calibration as of " + r.as_of + ": " + std::to_string(r.leads) + " leads, " +
       std::to_string(r.training_leads) + " for training (" + std::to_string(r.training_positives) +
       " converted), " + std::to_string(r.holdout_leads) + " held out (" +
       std::to_string(r.holdout_positives) + " converted)\n";
  o += "model: " + std::to_string(r.features) + " features (" +
       std::to_string(r.candidate_features) + " candidates generated), l2 " + num(r.l2, 3) + ", " +
       std::to_string(r.iterations) + (r.fit == "boosting" ? " boosting rounds" : " Newton steps") +
       (r.converged ? "" : " (not converged)") + ", intercept " + num(r.intercept, 3) +
       " log-odds, " + num(r.points_per_logit, 2) + " points per log-odds unit\n";
  if (r.cv_log_loss_irls > 0 || r.cv_log_loss_boosting > 0) {
    o += "fit: " + r.fit + " (cross-validated log-loss per training lead:";
    if (r.cv_log_loss_boosting > 0) o += " boosting " + num(r.cv_log_loss_boosting, 5);
    if (r.cv_log_loss_irls > 0) {
      o += ", IRLS " + num(r.cv_log_loss_irls, 5) + "; boosting's improvement z " +
           num(r.boosting_z, 1) + ", kept at z >= 2";
    }
    o += ")\n";
  }
  o += "rules: " + std::to_string(r.rules_added) + " added, " + std::to_string(r.rules_dropped) +
       " dropped (0 points), " + std::to_string(r.rules_kept) +
       " kept with their points (no evidence)" +
       (r.rules_pruned ? ", " + std::to_string(r.rules_pruned) + " weakest taken out (--max-rules)"
                       : std::string()) +
       "\n";
  if (!r.interaction_search.empty()) {
    o += "\nsearch: attributes, then pairs (training leads only, " + std::to_string(r.cv_folds) +
         "-fold cross-validated log-loss per lead):\n";
    for (const auto& s : r.interaction_search) {
      o += "  " + pad(s.b.empty() ? s.a : s.a + " x " + s.b, 26) +
           pad(std::to_string(s.cells), 4, true) + "cells  " + num(s.cv_log_loss_before, 5) +
           " -> " + num(s.cv_log_loss_after, 5) + "  z " + pad(num(s.z, 1), 6, true) + " " +
           (s.selected ? "added" : s.note) + "\n";
    }
  }
  if (!r.interactions.empty()) {
    o += "interactions in the model: ";
    for (std::size_t i = 0; i < r.interactions.size(); ++i)
      o += (i ? ", " : "") + r.interactions[i];
    o += "\n";
    for (const std::string& line : r.interactions_explained) o += "  " + line + "\n";
  }
  if (r.model_sizes.size() > 1) {
    o += "ROC AUC against model size (each smaller model refitted without its weakest rules):\n";
    o += "  rules  training  holdout\n";
    for (std::size_t i = 0; i < r.model_sizes.size(); ++i) {
      const ModelSize& m = r.model_sizes[i];
      o += "  " + pad(std::to_string(m.rules), 5, true) + "  " + pad(num(m.training_auc, 4), 8) +
           "  " + (holdout ? num(m.holdout_auc, 4) : std::string("-")) +
           (i == 0 ? "  (the calibrated model)" : "") + "\n";
    }
  }
  if (!r.nested.empty()) {
    o += "nested rules (the outer rule carries the average of its leads, each inner rule its "
         "difference):\n";
    for (const std::string& line : r.nested) o += "  " + line + "\n";
  }
  if (!r.merged.empty()) {
    o += "rules merged (the same training leads as an earlier rule, which carries the points):\n";
    for (const std::string& line : r.merged) o += "  " + line + "\n";
  }
  o += "\n";
  o += "ROC AUC            original   calibrated\n";
  o += "  training         " + pad(num(r.original_training.auc, 4), 10) +
       num(r.calibrated_training.auc, 4) + "\n";
  if (holdout) {
    o += "  holdout          " + pad(num(r.original_holdout.auc, 4), 10) +
         num(r.calibrated_holdout.auc, 4) + "\n";
  }
  const SplitMetrics& cal = eval_split(r, true);
  const SplitMetrics& orig = eval_split(r, false);
  const std::string where = holdout ? "holdout" : "training";
  o += "\nlift by decile of the calibrated total (" + where +
       " leads), with the calibration curve:\n";
  o += "  " + pad("decile", 7) + pad("total", 14) + pad("leads", 7, true) + pad("conv", 7, true) +
       pad("observed", 9, true) + pad("predicted", 10, true) + pad("lift", 6, true) + "\n";
  for (std::size_t d = 0; d < cal.deciles.size(); ++d) {
    const DecileRow& row = cal.deciles[d];
    o += "  " + pad(std::to_string(d + 1), 7) +
         pad(num(row.min_total, 0) + ".." + num(row.max_total, 0), 14) +
         pad(std::to_string(row.leads), 7, true) + pad(std::to_string(row.positives), 7, true) +
         pad(pct(row.observed), 9, true) + pad(pct(row.predicted), 10, true) +
         pad(num(row.lift, 2), 6, true) + "\n";
  }
  auto stages = [&](const SplitMetrics& m, const std::string& title) {
    o += "\nconversion per stage, " + title + " (" + where + " leads):\n";
    for (const auto& s : m.stages) {
      o += "  " + pad(s.stage, 10) + pad(std::to_string(s.leads), 7, true) + " leads " +
           pad(std::to_string(s.positives), 6, true) + " converted " + pct(s.conversion) + "\n";
    }
  };
  stages(orig, "original");
  stages(cal, "calibrated");
  if (!r.warnings.empty()) {
    o += "\nwarnings:\n";
    for (const auto& w : r.warnings) o += "  " + w + "\n";
  }
  if (!r.stage_changes.empty()) {
    o += "\nstage thresholds (mapped so each keeps its volume on the training leads):\n";
    for (const auto& c : r.stage_changes) o += "  " + c + "\n";
  }
  if (!r.thresholds.empty()) {
    o += "\nthreshold recommendations on the calibrated total (chosen on the training leads";
    o += holdout ? "; the holdout columns are the expected figures on new leads):\n"
                 : "; no holdout, so these are training figures):\n";
    o += "  " + pad("goal", 18) + pad("threshold", 14) + pad("training", 26) +
         (holdout ? "holdout" : "") + "\n";
    auto cell = [](std::size_t volume, double share, double conversion) {
      return pad(std::to_string(volume), 6, true) + "(" + pad(pct(share) + ")", 7) + "conv " +
             pad(pct(conversion), 6, true);
    };
    for (const auto& t : r.thresholds) {
      o += "  " + pad(t.goal, 18) + "total >= " + pad(num(t.threshold, 0), 5) +
           cell(t.volume, t.volume_share, t.expected_conversion);
      if (t.holdout) {
        o += "  " + cell(t.holdout->volume, t.holdout->volume_share, t.holdout->conversion);
      }
      if (!t.reachable) {
        o += " (goal not reachable on the training leads: best threshold shown)";
      } else if (t.holdout && !t.holdout_meets_goal) {
        o += " (below the goal on the holdout)";
      }
      while (!o.empty() && o.back() == ' ') o.pop_back();
      o += "\n";
    }
  }
  o += "\nlearned points (weight in log-odds -> integer points; support = training leads):\n";
  for (const auto& lr : r.rules) {
    o += "  " + pad(lr.rule_id, 34) + pad(std::string(to_string(lr.kind)), 11) +
         pad(lr.candidate ? "new" : num(lr.original_points, 0), 6, true) + "-> " +
         pad(num(lr.points, 0), 5, true) + " w " + pad(num(lr.weight, 3), 7, true) + " support " +
         std::to_string(lr.support) + (lr.no_evidence ? "  kept: no evidence" : "") + "\n";
  }
  if (!r.suggestions.empty()) {
    o += "\nrule suggestions (not used by the configuration; training leads; lift vs the base "
         "rate; " +
         std::to_string(r.suggestions.size()) + " of " + std::to_string(r.suggestions_found) +
         " shown):\n";
    for (const auto& s : r.suggestions) {
      o += "  " + pad(s.description, 44) + " support " + pad(std::to_string(s.support), 6, true) +
           " conversion " + pad(pct(s.conversion), 6, true) + " lift " + num(s.lift, 2) + "\n";
    }
  }
  return o;
}

std::string to_json_text(const CalibrationReport& r) {
  nlohmann::ordered_json j;
  j["as_of"] = r.as_of;
  j["leads"] = r.leads;
  j["training"] = {{"leads", r.training_leads}, {"positives", r.training_positives}};
  j["holdout"] = {{"leads", r.holdout_leads}, {"positives", r.holdout_positives}};
  j["model"] = {{"l2", r.l2},
                {"iterations", r.iterations},
                {"converged", r.converged},
                {"intercept", r.intercept},
                {"points_per_logit", r.points_per_logit},
                {"features", r.features},
                {"candidate_features", r.candidate_features},
                {"rules_added", r.rules_added},
                {"rules_dropped", r.rules_dropped},
                {"rules_kept", r.rules_kept},
                {"fit", r.fit},
                {"boosting_rounds", r.boosting_rounds},
                {"cv_log_loss_boosting", r.cv_log_loss_boosting},
                {"cv_log_loss_irls", r.cv_log_loss_irls},
                {"boosting_z", r.boosting_z}};
  {
    auto& in = j["interactions"];
    in["pairs"] = r.interactions;
    in["explained"] = r.interactions_explained;
    in["cv_folds"] = r.cv_folds;
    auto& search = in["search"] = nlohmann::ordered_json::array();
    for (const auto& s : r.interaction_search) {
      search.push_back({{"a", s.a},
                        {"b", s.b},
                        {"cells", s.cells},
                        {"cv_log_loss_before", s.cv_log_loss_before},
                        {"cv_log_loss_after", s.cv_log_loss_after},
                        {"z", s.z},
                        {"selected", s.selected},
                        {"note", s.note}});
    }
  }
  j["auc"] = {{"original_training", r.original_training.auc},
              {"calibrated_training", r.calibrated_training.auc},
              {"original_holdout",
               r.holdout_leads ? nlohmann::ordered_json(r.original_holdout.auc) : nullptr},
              {"calibrated_holdout",
               r.holdout_leads ? nlohmann::ordered_json(r.calibrated_holdout.auc) : nullptr}};
  j["original_training"] = metrics_json(r.original_training);
  j["calibrated_training"] = metrics_json(r.calibrated_training);
  if (r.holdout_leads) {
    j["original_holdout"] = metrics_json(r.original_holdout);
    j["calibrated_holdout"] = metrics_json(r.calibrated_holdout);
  }
  auto& rules = j["rules"] = nlohmann::ordered_json::array();
  for (const auto& lr : r.rules) {
    rules.push_back({{"id", lr.rule_id},
                     {"kind", std::string(to_string(lr.kind))},
                     {"candidate", lr.candidate},
                     {"original_points", lr.original_points},
                     {"weight", lr.weight},
                     {"points", lr.points},
                     {"support", lr.support},
                     {"no_evidence", lr.no_evidence}});
  }
  auto& th = j["thresholds"] = nlohmann::ordered_json::array();
  for (const auto& t : r.thresholds) {
    nlohmann::ordered_json row = {{"goal", t.goal},
                                  {"threshold", t.threshold},
                                  {"reachable", t.reachable},
                                  {"chosen_on", "training"},
                                  {"volume", t.volume},
                                  {"volume_share", t.volume_share},
                                  {"expected_conversion", t.expected_conversion}};
    if (t.holdout) {
      row["holdout"] = {
          {"leads", t.holdout->leads},           {"volume", t.holdout->volume},
          {"positives", t.holdout->positives},   {"volume_share", t.holdout->volume_share},
          {"conversion", t.holdout->conversion}, {"meets_goal", t.holdout_meets_goal}};
    } else {
      row["holdout"] = nullptr;
    }
    th.push_back(std::move(row));
  }
  j["stage_changes"] = r.stage_changes;
  j["rules_pruned"] = r.rules_pruned;
  j["warnings"] = r.warnings;
  j["nested"] = r.nested;
  j["merged"] = r.merged;
  auto& sizes = j["model_sizes"];
  sizes = nlohmann::ordered_json::array();
  for (const ModelSize& m : r.model_sizes) {
    sizes.push_back(
        {{"rules", m.rules}, {"training_auc", m.training_auc}, {"holdout_auc", m.holdout_auc}});
  }
  j["suggestions_found"] = r.suggestions_found;
  auto& sg = j["suggestions"] = nlohmann::ordered_json::array();
  for (const auto& s : r.suggestions) {
    sg.push_back({{"condition", s.description},
                  {"support", s.support},
                  {"positives", s.positives},
                  {"conversion", s.conversion},
                  {"lift", s.lift}});
  }
  return j.dump(2) + "\n";
}

std::string to_html(const CalibrationReport& r) {
  const SplitMetrics& cal = eval_split(r, true);
  const SplitMetrics& orig = eval_split(r, false);
  const std::string where = r.holdout_leads ? "holdout" : "training";
  std::string h =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>leadscore "
      "calibration</title>"
      "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}figure{display:inline-block;"
      "margin:1em}"
      "figcaption{font-weight:bold}pre{background:#f5f5f5;padding:1em;overflow:auto}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px "
      "8px;text-align:right}</style>"
      "</head><body>";
  h += "<h1>leadscore calibration</h1><p>As of " + escape_html(r.as_of) + "; " +
       std::to_string(r.training_leads) + " training leads, " + std::to_string(r.holdout_leads) +
       " held out. Charts on the " + where + " leads.</p>";
  h += "<table><tr><th></th><th>original</th><th>calibrated</th></tr><tr><th>ROC AUC (" + where +
       ")</th><td>" + num(orig.auc, 4) + "</td><td>" + num(cal.auc, 4) + "</td></tr></table>";
  BarChart lift = chart("Lift by decile of the score (" + where + " leads)",
                        "decile (1 = highest score)", "lift (conversion / average)", false);
  lift.reference = 1.0;
  lift.reference_label = "lift 1: no better than random";
  BarChart calibration = chart("Calibration: predicted and observed conversion by decile",
                               "decile (1 = highest score)", "conversion", true);
  ChartSeries lift_o{"original", {}}, lift_c{"calibrated", {}};
  ChartSeries pred{"predicted", {}}, obs{"observed", {}};
  for (std::size_t d = 0; d < cal.deciles.size(); ++d) {
    lift.categories.push_back(std::to_string(d + 1));
    lift_c.values.push_back(cal.deciles[d].lift);
    pred.values.push_back(cal.deciles[d].predicted);
    obs.values.push_back(cal.deciles[d].observed);
    lift_o.values.push_back(d < orig.deciles.size() ? orig.deciles[d].lift : 0);
  }
  calibration.categories = lift.categories;
  lift.series = {std::move(lift_o), std::move(lift_c)};
  calibration.series = {std::move(pred), std::move(obs)};
  h += "<figure>" + bar_chart_svg(lift) + "</figure>";
  h += "<figure>" + bar_chart_svg(calibration) + "</figure>";
  BarChart stages = chart("Conversion per stage (calibrated, " + where + " leads)", "stage (leads)",
                          "conversion", true);
  ChartSeries sconv{"conversion", {}};
  for (const auto& st : cal.stages) {
    stages.categories.push_back(st.stage + " (" + std::to_string(st.leads) + ")");
    sconv.values.push_back(st.conversion);
  }
  stages.series.push_back(std::move(sconv));
  h += "<figure>" + bar_chart_svg(stages) + "</figure>";
  BarChart hist = chart("Total score distribution of each class (" + where + " leads)",
                        "total score (lower edge of each bin)", "share of the class", true);
  ChartSeries hc{"converted", {}}, hn{"not converted", {}};
  std::size_t tc = 0, tn = 0;
  for (std::size_t b = 0; b < cal.histogram_converted.size(); ++b) {
    tc += cal.histogram_converted[b];
    tn += cal.histogram_not_converted[b];
  }
  for (std::size_t b = 0; b < cal.histogram_converted.size(); ++b) {
    hist.categories.push_back(num(cal.histogram_edges[b], 0));
    hc.values.push_back(
        tc ? static_cast<double>(cal.histogram_converted[b]) / static_cast<double>(tc) : 0);
    hn.values.push_back(
        tn ? static_cast<double>(cal.histogram_not_converted[b]) / static_cast<double>(tn) : 0);
  }
  hist.series = {std::move(hc), std::move(hn)};
  h += "<figure>" + bar_chart_svg(hist) + "</figure>";
  h += "<h2>The report as text</h2><pre>" + escape_html(to_text(r)) + "</pre></body></html>\n";
  return h;
}

}  // namespace leadscore
