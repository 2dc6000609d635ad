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

#include "leadscore/json.hpp"
#include "leadscore/time.hpp"

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

/// The kind of score a rule adds to (behaviour rules: engagement).
bool adds_to_fit(const Qualifier& q, const std::string& id) {
  for (const auto& r : q.config().rules) {
    if (r.id == id) return r.kind == RuleKind::fit;
  }
  return false;
}

}  // namespace

std::vector<std::string> lifecycle_changes(const Config& before, const Config& after) {
  const nlohmann::json a = to_json(before).value("lifecycle", nlohmann::json::object());
  const nlohmann::json b = to_json(after).value("lifecycle", nlohmann::json::object());
  std::map<std::string, bool> keys;  // sorted, each once
  for (const auto& [k, v] : a.items()) keys[k] = b.contains(k) && b.at(k) == v;
  for (const auto& [k, v] : b.items()) {
    if (!a.contains(k)) keys[k] = false;
  }
  std::vector<std::string> out;
  for (const auto& [k, same] : keys) {
    if (!same) out.push_back("/lifecycle/" + k);
  }
  return out;
}

ModelDiff diff_models(const Qualifier& before, const Qualifier& after, std::span<const Lead> leads,
                      Instant as_of) {
  ModelDiff diff;
  diff.leads = leads.size();
  diff.as_of = as_of;
  diff.lifecycle_changes = lifecycle_changes(before.config(), after.config());
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
    // What the clamped scores did, when the bounds absorbed part of the rules' change.
    const auto signed_text = [](double v) {
      return std::string(v > 0 ? "+" : "") + points_text(v);
    };
    const auto clamped_note = [&](bool fit) -> std::string {
      const double raw = fit ? ea.fit_unclamped - eb.fit_unclamped
                             : ea.engagement_unclamped - eb.engagement_unclamped;
      const double eff = fit ? qa.fit - qb.fit : qa.engagement - qb.engagement;
      if (raw == eff) return "";
      return std::string("; ") + (fit ? "fit" : "engagement") + " moves by " + signed_text(eff) +
             " after clamping";
    };
    for (const auto& [id, p] : points) {
      if (p.first == p.second) continue;
      std::string line = id + ": " + points_text(p.first) + " -> " + points_text(p.second);
      const double delta = p.second - p.first;
      const std::string note = clamped_note(adds_to_fit(has_rule(after, id) ? after : before, id));
      if (!has_rule(after, id)) {
        line += " (rule removed" + note + ")";
      } else if (!has_rule(before, id)) {
        line += " (new rule" + note + ")";
      } else {
        line += " (" + signed_text(delta) + note + ")";
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
  out += "as of " + format_instant(as_of) + "\n";
  if (!lifecycle_changes.empty()) {
    out += "\nLifecycle settings changed, not reviewed (";
    for (std::size_t i = 0; i < lifecycle_changes.size(); ++i)
      out += (i ? ", " : "") + lifecycle_changes[i];
    out +=
        "): this review scores each lead from its own events; recycling, regression and "
        "feedback act on a lead's history (LeadState), which it does not replay.\n";
  }
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
    out += "  ";
    if (c.lead_id.empty()) {
      out += '#';
      out += std::to_string(c.record + 1);
    } else {
      out += c.lead_id;
    }
    out += ": " + c.stage_before + " -> " + c.stage_after + " (total " +
           points_text(c.total_before) + " -> " + points_text(c.total_after) + ")\n";
    for (const auto& r : c.reasons) out += "      " + r + "\n";
  }
  return out;
}

std::string ModelDiff::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  j["leads"] = leads;
  j["as_of"] = format_instant(as_of);
  j["lifecycle_changes"] = lifecycle_changes;
  j["lifecycle_reviewed"] = false;
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
