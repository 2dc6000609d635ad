// Rule suggestions (calibrate/suggestions.hpp).
#include "calibrate/suggestions.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace leadscore::calibration {
namespace {

std::string describe_condition(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::compare: {
      std::string s = c.field + " " + std::string(to_string(c.op));
      if (const auto* d = std::get_if<double>(&c.value)) s.append(" ").append(fmt(*d));
      if (const auto* b = std::get_if<bool>(&c.value)) s += *b ? " true" : " false";
      if (const auto* t = std::get_if<std::string>(&c.value)) s += " \"" + *t + "\"";
      if (const auto* l = std::get_if<std::vector<double>>(&c.value)) {
        s += " [";
        for (std::size_t i = 0; i < l->size(); ++i) s.append(i ? ", " : "").append(fmt((*l)[i]));
        s += "]";
      }
      return s;
    }
    case Condition::Kind::aggregate: {
      std::string s = std::string(to_string(c.measure)) + "(";
      for (std::size_t i = 0; i < c.event_types.size(); ++i) s += (i ? "," : "") + c.event_types[i];
      s += ") " + std::string(to_string(c.op));
      if (const auto* d = std::get_if<double>(&c.value)) s.append(" ").append(fmt(*d));
      return s;
    }
    case Condition::Kind::all:
    case Condition::Kind::any: {
      std::string s;
      for (std::size_t i = 0; i < c.children.size(); ++i) {
        s += (i ? (c.kind == Condition::Kind::all ? " and " : " or ") : "") +
             describe_condition(c.children[i]);
      }
      return s;
    }
    case Condition::Kind::negate:
      return "not (" + (c.children.empty() ? std::string() : describe_condition(c.children[0])) +
             ")";
  }
  return {};
}

RuleSuggestion suggestion(Condition when, std::string description, std::size_t support,
                          std::size_t positives, double base) {
  RuleSuggestion s;
  s.when = std::move(when);
  s.description = std::move(description);
  s.support = support;
  s.positives = positives;
  s.conversion = static_cast<double>(positives) / static_cast<double>(support);
  s.lift = base > 0 ? s.conversion / base : 0;
  return s;
}

// Candidate values and bins on fields no rule uses.
void candidate_suggestions(const FeatureSet& set, const FeatureMatrix& matrix,
                           const UsedNames& used, const std::vector<std::size_t>& train,
                           const std::vector<bool>& train_y, const CalibrationOptions& options,
                           double base, std::vector<RuleSuggestion>& out) {
  const std::vector<Feature>& features = set.features;
  std::vector<std::size_t> pos(features.size(), 0);
  for (std::size_t k = 0; k < train.size(); ++k) {
    if (!train_y[k]) continue;
    for (const auto& [j, v] : matrix.rows[train[k]]) ++pos[j];
  }
  for (std::size_t j = set.original; j < features.size(); ++j) {
    const Feature& f = features[j];
    // (Interaction cells are pairs of values, not suggestions.)
    if (used.fields.count(f.group) || f.group.find('*') != std::string::npos ||
        f.support < options.min_support || f.support == train.size())
      continue;
    out.push_back(
        suggestion(f.rule.when, describe_condition(f.rule.when), f.support, pos[j], base));
  }
}

// Event types no rule names (a lead counts once per type, events up to its as-of).
void event_suggestions(const UsedNames& used, std::span<const Lead> leads,
                       std::span<const Instant> as_of, const std::vector<std::size_t>& train,
                       const std::vector<bool>& train_y, const CalibrationOptions& options,
                       double base, std::vector<RuleSuggestion>& out) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> counts;  // type -> (leads, positives)
  for (std::size_t k = 0; k < train.size(); ++k) {
    const Lead& lead = leads[train[k]];
    const Instant t = as_of_at(as_of, train[k]);
    std::set<std::string_view> types;
    for (const auto& e : lead.events) {
      if (e.at <= t && !used.events.count(e.type)) types.insert(e.type);
    }
    for (std::string_view ty : types) {
      auto& c = counts[std::string(ty)];
      ++c.first;
      if (train_y[k]) ++c.second;
    }
  }
  for (const auto& [type, c] : counts) {
    if (c.first < options.min_support) continue;
    out.push_back(suggestion(cond::events({type}).count().gte(1), "at least one " + type + " event",
                             c.first, c.second, base));
  }
}

}  // namespace

std::vector<RuleSuggestion> rule_suggestions(const FeatureSet& set, const FeatureMatrix& matrix,
                                             const UsedNames& used, std::span<const Lead> leads,
                                             std::span<const Instant> as_of,
                                             const std::vector<std::size_t>& train,
                                             const std::vector<bool>& train_y,
                                             const CalibrationOptions& options) {
  std::size_t positives = 0;
  for (bool y : train_y) positives += y ? 1u : 0u;
  const double base = static_cast<double>(positives) / static_cast<double>(train.size());
  std::vector<RuleSuggestion> out;
  candidate_suggestions(set, matrix, used, train, train_y, options, base, out);
  event_suggestions(used, leads, as_of, train, train_y, options, base, out);
  std::stable_sort(out.begin(), out.end(), [](const RuleSuggestion& a, const RuleSuggestion& b) {
    return a.lift > b.lift;
  });
  return out;
}

}  // namespace leadscore::calibration
