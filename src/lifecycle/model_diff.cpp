// Model change review (leadscore/model_diff.hpp).
#include "leadscore/model_diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "explain/explain.hpp"

namespace leadscore {

namespace {

std::string stage_label(const Qualification& q) {
  std::string s(q.stage);
  if (q.disqualified) s += " (disqualified: " + std::string(q.reason) + ")";
  return s;
}

std::string points_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

ModelDiff diff_models(const Qualifier& before, const Qualifier& after, std::span<const Lead> leads,
                      Instant as_of) {
  ModelDiff diff;
  diff.leads = leads.size();
  std::map<std::pair<std::string, std::string>, std::size_t> moves;
  for (std::size_t i = 0; i < leads.size(); ++i) {
    const Qualification qb = before.qualify(leads[i], as_of);
    const Qualification qa = after.qualify(leads[i], as_of);
    if (qb.total != qa.total) ++diff.score_changes;
    const bool changed = qb.stage != qa.stage || qb.disqualified != qa.disqualified;
    if (!changed) continue;
    ++diff.stage_changes;
    LeadChange c;
    c.lead_id = leads[i].id;
    c.record = i;
    c.stage_before = stage_label(qb);
    c.stage_after = stage_label(qa);
    c.total_before = qb.total;
    c.total_after = qa.total;
    ++moves[{c.stage_before, c.stage_after}];
    // Rule by rule, what changed.
    const Explanation eb = before.explain(leads[i], as_of);
    const Explanation ea = after.explain(leads[i], as_of);
    std::map<std::string, std::pair<double, double>> points;
    for (const auto& x : eb.contributions) points[x.rule_id].first += x.points;
    for (const auto& x : ea.contributions) points[x.rule_id].second += x.points;
    std::vector<std::pair<double, std::string>> lines;
    auto has_rule = [](const Qualifier& q, const std::string& id) {
      for (const auto& r : q.config().rules) {
        if (r.id == id) return true;
      }
      return false;
    };
    for (const auto& [id, p] : points) {
      if (p.first == p.second) continue;
      std::string line = id + ": " + points_text(p.first) + " -> " + points_text(p.second);
      const double delta = p.second - p.first;
      if (!has_rule(after, id)) {
        line += " (rule removed)";
      } else if (!has_rule(before, id)) {
        line += " (new rule)";
      } else {
        line += std::string(" (") + (delta > 0 ? "+" : "") + points_text(delta) + ")";
      }
      lines.emplace_back(std::fabs(delta), std::move(line));
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& l : lines) c.reasons.push_back(std::move(l.second));
    if (qb.disqualified != qa.disqualified) {
      c.reasons.push_back(qa.disqualified
                              ? "knockout '" + std::string(qa.knockout_rule) + "' now holds"
                              : "knockout '" + std::string(qb.knockout_rule) + "' no longer holds");
    }
    if (ea.stages.size() > 0 && !qa.disqualified) {
      for (const auto& check : ea.stages) {
        if (!check.held) {
          if (check.stage != qb.stage) continue;  // the stage it leaves: what fails now
          std::vector<std::string> failed;
          detail::collect_conditions(check.condition, false, failed);
          for (const auto& f : failed) {
            c.reasons.push_back("stage " + check.stage + " no longer holds: " + f);
          }
          continue;
        }
        std::vector<std::string> held;
        detail::collect_conditions(check.condition, true, held);
        for (const auto& h : held) c.reasons.push_back("stage " + check.stage + ": " + h);
      }
    }
    diff.changes.push_back(std::move(c));
  }
  for (auto& [key, n] : moves) diff.moves.emplace_back(key.first, key.second, n);
  return diff;
}

std::string ModelDiff::to_text(std::size_t max_leads) const {
  std::string out = std::to_string(leads) + " leads: " + std::to_string(stage_changes) +
                    " change stage, " + std::to_string(score_changes) + " change score\n";
  if (!moves.empty()) out += "\nStage moves:\n";
  for (const auto& [from, to, n] : moves) {
    out += "  " + from + " -> " + to + ": " + std::to_string(n) + "\n";
  }
  if (!changes.empty()) out += "\nLeads that change stage:\n";
  std::size_t shown = 0;
  for (const LeadChange& c : changes) {
    if (shown++ == max_leads) {
      out += "  ... " + std::to_string(changes.size() - max_leads) + " more\n";
      break;
    }
    out += "  " + (c.lead_id.empty() ? "#" + std::to_string(c.record + 1) : c.lead_id) + ": " +
           c.stage_before + " -> " + c.stage_after + " (total " + points_text(c.total_before) +
           " -> " + points_text(c.total_after) + ")\n";
    for (const auto& r : c.reasons) out += "      " + r + "\n";
  }
  return out;
}

std::string ModelDiff::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  j["leads"] = leads;
  j["stage_changes"] = stage_changes;
  j["score_changes"] = score_changes;
  nlohmann::json m = nlohmann::json::array();
  for (const auto& [from, to, n] : moves) m.push_back({{"from", from}, {"to", to}, {"leads", n}});
  j["moves"] = std::move(m);
  nlohmann::json c = nlohmann::json::array();
  for (const LeadChange& x : changes) {
    c.push_back({{"id", x.lead_id},
                 {"record", x.record + 1},
                 {"stage_before", x.stage_before},
                 {"stage_after", x.stage_after},
                 {"total_before", x.total_before},
                 {"total_after", x.total_after},
                 {"reasons", x.reasons}});
  }
  j["changes"] = std::move(c);
  return j.dump();
}

}  // namespace leadscore
