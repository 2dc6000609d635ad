// Qualification and Explanation as JSON: the output records of the CLI and of
// applications that store results (to_json, and append_json_summary for
// records written as text). The lead id is not included; the caller adds it.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "leadscore/config.hpp"
#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/qualifier.hpp"

#include "json/json_util.hpp"

namespace leadscore {

namespace {

using nlohmann::json;

using detail::number_json;

json text(std::string_view s) { return json(std::string(s)); }

json optional_number(const std::optional<double>& value) {
  return value ? number_json(*value) : json(nullptr);
}

json trace_json(const ConditionTrace& trace) {
  json j = json::object();
  j["text"] = trace.text;
  if (!trace.actual.empty()) j["actual"] = trace.actual;
  j["held"] = trace.held;
  if (!trace.children.empty()) {
    json children = json::array();
    for (const ConditionTrace& c : trace.children) children.push_back(trace_json(c));
    j["children"] = std::move(children);
  }
  return j;
}

json contribution_json(const Contribution& c) {
  json j = json::object();
  j["rule"] = c.rule_id;
  j["kind"] = text(to_string(c.kind));
  j["points"] = number_json(c.points);
  j["uncapped_points"] = number_json(c.uncapped_points);
  j["capped"] = c.capped;
  j["matched_events"] = c.matched_events;
  j["counted_events"] = c.counted_events;
  j["over_daily_cap"] = c.over_daily_cap;
  j["outside_window"] = c.outside_window;
  j["decay_factor_sum"] = number_json(c.decay_factor_sum);
  if (c.aggregate_value) j["aggregate_value"] = number_json(*c.aggregate_value);
  j["evidence"] = c.evidence;
  return j;
}

json facts_json(const DerivedFacts& f) {
  json j = json::object();
  j["enrichment"] = text(to_string(f.enrichment));
  j["completeness"] = number_json(f.completeness);
  j["email_domain"] = f.email_domain ? text(*f.email_domain) : json(nullptr);
  j["free_email"] = f.free_email;
  j["days_since_created"] = optional_number(f.days_since_created);
  j["days_since_last_activity"] = optional_number(f.days_since_last_activity);
  j["events_considered"] = f.events_considered;
  j["events_after_as_of"] = f.events_after_as_of;
  if (f.events_duplicate > 0) j["events_duplicate"] = f.events_duplicate;
  if (f.events_automated > 0) j["events_automated"] = f.events_automated;
  return j;
}

}  // namespace

nlohmann::json to_json(const Qualification& result) {
  json j = json::object();
  j["stage"] = text(result.stage);
  j["fit"] = number_json(result.fit);
  j["engagement"] = number_json(result.engagement);
  j["total"] = number_json(result.total);
  j["grade"] = text(result.grade);
  j["fit_grade"] = text(result.fit_grade);
  j["engagement_grade"] = text(result.engagement_grade);
  j["disqualified"] = result.disqualified;
  j["reason"] = result.disqualified ? text(result.reason) : json(nullptr);
  return j;
}

void append_json_summary(std::string& out, const Qualification& result) {
  out += "\"stage\":";
  append_json_string(out, result.stage);
  const std::pair<std::string_view, double> scores[] = {{",\"fit\":", result.fit},
                                                        {",\"engagement\":", result.engagement},
                                                        {",\"total\":", result.total}};
  for (const auto& [key, value] : scores) {
    out += key;
    append_json_number(out, value);
  }
  out += ",\"grade\":";
  append_json_string(out, result.grade);
  if (result.disqualified) {
    out += ",\"disqualified\":true,\"reason\":";
    append_json_string(out, result.reason);
  } else {
    out += ",\"disqualified\":false,\"reason\":null";
  }
}

nlohmann::json to_json(const Explanation& explanation) {
  json j = to_json(explanation.result);

  json contributions = json::array();
  for (const Contribution& c : explanation.contributions) {
    contributions.push_back(contribution_json(c));
  }
  j["contributions"] = std::move(contributions);

  json knockouts = json::array();
  for (const std::string& id : explanation.knockouts) knockouts.push_back(id);
  j["knockouts"] = std::move(knockouts);
  if (!explanation.type_notes.empty()) j["type_notes"] = explanation.type_notes;

  json stages = json::array();
  for (const StageCheck& s : explanation.stages) {
    json stage = json::object();
    stage["stage"] = s.stage;
    stage["held"] = s.held;
    stage["by_origin"] = s.by_origin;
    stage["condition"] = trace_json(s.condition);
    stages.push_back(std::move(stage));
  }
  j["stages"] = std::move(stages);

  if (explanation.next) {
    json next = json::object();
    next["stage"] = explanation.next->stage;
    if (!explanation.next->step) next["step"] = false;  // a parallel path, not the next step up
    json missing = json::array();
    for (const std::string& line : explanation.next->missing) missing.push_back(line);
    next["missing"] = std::move(missing);
    j["next"] = std::move(next);
  } else {
    j["next"] = nullptr;
  }

  j["facts"] = facts_json(explanation.facts);
  return j;
}

}  // namespace leadscore
