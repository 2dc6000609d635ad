// Features of a calibration (calibrate/features.hpp): the configuration's
// rules, candidate rules from the leads' attributes, interaction cells, and
// the feature matrix.
#include "calibrate/features.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <optional>
#include <string_view>
#include <variant>

#include "leadscore/text.hpp"

#include "calibrate/rule_hits.hpp"
#include "model/fields.hpp"

namespace leadscore::calibration {
namespace {

using detail::kLeadFields;
using detail::LeadField;
using detail::Val;
namespace use = detail::use;

void collect_used(const Condition& c, UsedNames& used) {
  if (!c.field.empty()) used.fields.insert(c.field);
  for (const auto& t : c.event_types) used.events.insert(t);
  for (const auto& w : c.where) collect_used(w, used);
  for (const auto& ch : c.children) collect_used(ch, used);
}

std::string sanitize_id(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == ':';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "empty";
  return out;
}

// A standard lead field that may be a candidate: a profile field read
// from the Lead itself (not an identifier: id, contact details, company name
// and domain; not a date or the custom attributes); nullptr otherwise.
const LeadField* standard_field(std::string_view path) {
  for (const LeadField& f : kLeadFields) {
    if (f.path != path || f.named() || !f.usable(use::profile) || !f.access.read) continue;
    if (path == "id" || path.rfind("contact.", 0) == 0 || path == "company.name" ||
        path == "company.domain")
      return nullptr;
    return &f;
  }
  return nullptr;
}

// The value of a candidate field (attributes.<name> or a standard field).
std::optional<Value> find_value(const Lead& lead, const std::string& field) {
  if (field.rfind("attributes.", 0) == 0) {
    const auto it = lead.attributes.find(std::string_view(field).substr(11));
    if (it == lead.attributes.end()) return std::nullopt;
    return it->second;
  }
  const LeadField* f = standard_field(field);
  if (!f) return std::nullopt;
  const Val v = f->access.read(lead, "");
  switch (v.t) {
    case Val::T::text:
      return Value(std::string(v.s));
    case Val::T::number:
      return Value(v.n());
    case Val::T::boolean:
      return Value(v.b);
    default:
      return std::nullopt;
  }
}

// Adds the candidate rules of one attribute: add(id suffix, condition, description).
using AddRule = std::function<void(std::string, Condition, std::string)>;

// Quantile cuts of sorted values: bin k = [cuts[k-1], cuts[k]), the first
// from -inf, the last to +inf; bins with fewer than min_support values are
// merged into a neighbour.
std::vector<double> quantile_cuts(const std::vector<double>& values, std::size_t bins,
                                  std::size_t min_support) {
  std::vector<double> cuts;
  for (std::size_t k = 1; k < bins; ++k) {
    const double c = values[k * values.size() / bins];
    if (c > values.front() && (cuts.empty() || c > cuts.back())) cuts.push_back(c);
  }
  auto count_in = [&](double lo, double hi, bool lo_inf, bool hi_inf) {
    const auto a = lo_inf ? values.begin() : std::lower_bound(values.begin(), values.end(), lo);
    const auto b = hi_inf ? values.end() : std::lower_bound(values.begin(), values.end(), hi);
    return static_cast<std::size_t>(b - a);
  };
  for (bool changed = true; changed && !cuts.empty();) {
    changed = false;
    for (std::size_t k = 0; k <= cuts.size(); ++k) {
      const bool lo_inf = k == 0;
      const bool hi_inf = k == cuts.size();
      const std::size_t n =
          count_in(lo_inf ? 0 : cuts[k - 1], hi_inf ? 0 : cuts[k], lo_inf, hi_inf);
      if (n < min_support) {
        cuts.erase(cuts.begin() + static_cast<std::ptrdiff_t>(hi_inf ? k - 1 : k));
        changed = true;
        break;
      }
    }
  }
  return cuts;
}

void numeric_candidates(const CandidateAttribute& cand, std::span<const Lead> leads,
                        const std::vector<std::size_t>& train, const CalibrationOptions& options,
                        const AddRule& add) {
  const std::string name = attribute_name(cand.field);
  const std::size_t min_support = std::max<std::size_t>(1, options.min_support);
  std::vector<double> values;
  std::size_t missing = 0;
  for (std::size_t i : train) {
    const std::optional<Value> v = find_value(leads[i], cand.field);
    const double* d = v ? std::get_if<double>(&*v) : nullptr;
    if (d && std::isfinite(*d)) {
      values.push_back(*d);
    } else {
      ++missing;
    }
  }
  if (values.size() >= min_support && missing >= min_support) {
    add("missing", cond::field(cand.field).missing(), name + " is missing");
  }
  if (values.size() < 2 * min_support) return;
  std::sort(values.begin(), values.end());
  const bool integral = std::all_of(values.begin(), values.end(), [](double d) {
    return d == std::floor(d) && std::fabs(d) < 1e15;
  });
  const std::size_t bins = std::max<std::size_t>(2, cand.bins ? cand.bins : options.bins);
  const std::vector<double> cuts = quantile_cuts(values, bins, min_support);
  if (cuts.empty()) return;
  for (std::size_t k = 0; k <= cuts.size(); ++k) {
    if (k == 0) {
      add("lt_" + fmt(cuts[0]), cond::field(cand.field).lt(cuts[0]),
          name + " below " + fmt(cuts[0]));
    } else if (k == cuts.size()) {
      add("gte_" + fmt(cuts[k - 1]), cond::field(cand.field).gte(cuts[k - 1]),
          name + " " + fmt(cuts[k - 1]) + " or more");
    } else if (integral) {
      const double lo = cuts[k - 1];
      const double hi = cuts[k] - 1;
      if (lo == hi) {
        add(fmt(lo), cond::field(cand.field).eq(lo), name + " = " + fmt(lo));
      } else {
        add(fmt(lo) + "_" + fmt(hi), cond::field(cand.field).between(lo, hi),
            name + " " + fmt(lo) + " to " + fmt(hi));
      }
    } else {
      add(fmt(cuts[k - 1]) + "_" + fmt(cuts[k]),
          cond::all(
              {cond::field(cand.field).gte(cuts[k - 1]), cond::field(cand.field).lt(cuts[k])}),
          name + " from " + fmt(cuts[k - 1]) + " to below " + fmt(cuts[k]));
    }
  }
}

void boolean_candidates(const CandidateAttribute& cand, std::span<const Lead> leads,
                        const std::vector<std::size_t>& train, const CalibrationOptions& options,
                        const AddRule& add) {
  const std::string name = attribute_name(cand.field);
  const std::size_t min_support = std::max<std::size_t>(1, options.min_support);
  std::size_t yes = 0, no = 0;
  for (std::size_t i : train) {
    const std::optional<Value> v = find_value(leads[i], cand.field);
    if (const bool* b = v ? std::get_if<bool>(&*v) : nullptr) (*b ? yes : no) += 1;
  }
  if (yes >= min_support) add("true", cond::field(cand.field).eq(true), name + " is true");
  if (no >= min_support) add("false", cond::field(cand.field).eq(false), name + " is false");
}

void categorical_candidates(const CandidateAttribute& cand, std::span<const Lead> leads,
                            const std::vector<std::size_t>& train,
                            const CalibrationOptions& options, const AddRule& add) {
  const std::string name = attribute_name(cand.field);
  const std::size_t min_support = std::max<std::size_t>(1, options.min_support);
  std::map<std::string, std::size_t> counts;
  for (std::size_t i : train) {
    const std::optional<Value> v = find_value(leads[i], cand.field);
    if (const std::string* s = v ? std::get_if<std::string>(&*v) : nullptr) ++counts[*s];
  }
  std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > options.max_values) ranked.resize(options.max_values);
  std::sort(ranked.begin(), ranked.end());
  for (const auto& [value, n] : ranked) {
    if (n < min_support) continue;
    add(value, cond::field(cand.field).eq(value), name + " is \"" + value + "\"");
  }
}

// Candidate rules of one attribute, from the training leads.
std::vector<CandidateRule> make_candidates(const CandidateAttribute& cand,
                                           std::span<const Lead> leads,
                                           const std::vector<std::size_t>& train,
                                           const CalibrationOptions& options) {
  std::vector<CandidateRule> out;
  const std::string base_id = "cal." + sanitize_id(attribute_name(cand.field));
  const AddRule add = [&](std::string suffix, Condition when, std::string description) {
    Rule r;
    r.id = base_id + "." + sanitize_id(suffix);
    r.kind = cand.kind;
    r.when = std::move(when);
    r.points = 1;
    r.description = std::move(description);
    out.push_back({std::move(r), cand.field});
  };
  switch (cand.type) {
    case CandidateAttribute::Type::numeric:
      numeric_candidates(cand, leads, train, options, add);
      break;
    case CandidateAttribute::Type::boolean:
      boolean_candidates(cand, leads, train, options, add);
      break;
    case CandidateAttribute::Type::categorical:
      categorical_candidates(cand, leads, train, options, add);
      break;
  }
  return out;
}

// Adds a candidate feature (its id made unique among the rule ids).
void add_feature(FeatureSet& set, CandidateRule cr) {
  std::string id = cr.rule.id;
  for (int k = 2; set.ids.count(id); ++k) id = cr.rule.id + "-" + std::to_string(k);
  set.ids.insert(id);
  cr.rule.id = id;
  Feature f;
  f.rule_id = id;
  f.kind = cr.rule.kind;
  f.candidate = true;
  f.rule = std::move(cr.rule);
  f.group = cr.group;
  set.features.push_back(std::move(f));
}

// The rule a feature is evaluated by: a behaviour rule counts events (1
// point per event, its cap in events).
Rule feature_rule(const Feature& f, const Config& config) {
  if (f.candidate) return f.rule;
  Rule r = config.rules[f.rule_index];
  r.description.clear();
  if (r.kind == RuleKind::behavior) {
    r.points = 1;
    r.max_points.reset();
    if (f.cap_events > 0) r.max_points = f.cap_events;
  }
  return r;
}

}  // namespace

UsedNames used_names(const Config& config) {
  UsedNames used;
  for (const auto& r : config.rules) {
    collect_used(r.when, used);
    for (const auto& w : r.where) collect_used(w, used);
    for (const auto& t : r.event_types) used.events.insert(t);
  }
  return used;
}

std::string attribute_name(const std::string& field) {
  return field.rfind("attributes.", 0) == 0 ? field.substr(11) : field;
}

namespace {

// The standard fields that vary over the training leads (two values at
// least), with their type.
std::map<std::string, CandidateAttribute::Type> standard_candidates(
    std::span<const Lead> leads, const std::vector<std::size_t>& train) {
  std::map<std::string, CandidateAttribute::Type> out;
  for (const LeadField& f : kLeadFields) {
    const std::string path(f.path);
    if (!standard_field(path)) continue;
    std::optional<Value> first;
    bool varies = false;
    for (std::size_t i : train) {
      std::optional<Value> v = find_value(leads[i], path);
      if (!v) continue;
      if (!first) {
        first = std::move(v);
      } else if (*v != *first) {
        varies = true;
        break;
      }
    }
    if (!varies) continue;
    out[path] = std::holds_alternative<double>(*first) ? CandidateAttribute::Type::numeric
                : std::holds_alternative<bool>(*first) ? CandidateAttribute::Type::boolean
                                                       : CandidateAttribute::Type::categorical;
  }
  return out;
}

}  // namespace

std::vector<CandidateAttribute> candidate_attributes(const CalibrationOptions& options,
                                                     std::span<const Lead> leads,
                                                     const std::vector<std::size_t>& train,
                                                     const std::set<std::string>& used_fields) {
  std::vector<CandidateAttribute> candidates = options.candidates;
  if (!options.auto_candidates) return candidates;
  std::set<std::string> named;
  for (const auto& c : candidates) named.insert(c.field);
  std::map<std::string, CandidateAttribute::Type> seen;
  std::set<std::string> lists;
  for (std::size_t i : train) {
    for (const auto& [name, value] : leads[i].attributes) {
      if (seen.count(name) || lists.count(name)) continue;
      if (std::holds_alternative<double>(value)) {
        seen[name] = CandidateAttribute::Type::numeric;
      } else if (std::holds_alternative<bool>(value)) {
        seen[name] = CandidateAttribute::Type::boolean;
      } else if (std::holds_alternative<std::string>(value)) {
        seen[name] = CandidateAttribute::Type::categorical;
      } else {
        lists.insert(name);
      }
    }
  }
  std::map<std::string, CandidateAttribute::Type> fields;
  for (const auto& [name, type] : seen) fields["attributes." + name] = type;
  for (const auto& [field, type] : standard_candidates(leads, train)) fields[field] = type;
  for (const auto& [field, type] : fields) {
    if (named.count(field)) continue;
    if (!options.candidates_for_used_fields && used_fields.count(field)) continue;
    CandidateAttribute c;
    c.field = field;
    c.type = type;
    candidates.push_back(std::move(c));
  }
  return candidates;
}

FeatureSet rule_features(const Config& config) {
  FeatureSet set;
  for (std::size_t r = 0; r < config.rules.size(); ++r) {
    const Rule& rule = config.rules[r];
    set.ids.insert(rule.id);
    if (rule.kind == RuleKind::knockout) continue;
    Feature f;
    f.rule_id = rule.id;
    f.kind = rule.kind;
    f.rule_index = r;
    if (rule.kind == RuleKind::behavior && rule.max_points && rule.points != 0) {
      f.cap_events = *rule.max_points / std::fabs(rule.points);
    }
    set.features.push_back(std::move(f));
  }
  set.original = set.features.size();
  return set;
}

void add_candidates(FeatureSet& set, std::span<const CandidateAttribute> candidates,
                    std::span<const Lead> leads, const std::vector<std::size_t>& train,
                    const CalibrationOptions& options, std::vector<Diagnostic>& errors) {
  for (const auto& cand : candidates) {
    if ((cand.field.rfind("attributes.", 0) != 0 || cand.field.size() <= 11) &&
        !standard_field(cand.field)) {
      errors.push_back(calibration_error("candidate field '" + cand.field +
                                         "' must be attributes.<name> or a standard lead field"));
      continue;
    }
    if (cand.kind != RuleKind::fit && cand.kind != RuleKind::engagement) {
      errors.push_back(
          calibration_error("candidate '" + cand.field + "': kind must be fit or engagement"));
      continue;
    }
    std::vector<CandidateRule> made = make_candidates(cand, leads, train, options);
    set.field_first[cand.field] = set.features.size();
    if (cand.type == CandidateAttribute::Type::numeric) set.numeric_fields.insert(cand.field);
    set.by_field[cand.field] = made;
    for (CandidateRule& cr : made) add_feature(set, std::move(cr));
  }
}

void add_interaction(FeatureSet& set, const std::string& a, const std::string& b) {
  set.crossed.push_back({a, b, set.features.size()});
  const std::vector<CandidateRule>& ra_list = set.by_field.at(a);
  const std::vector<CandidateRule>& rb_list = set.by_field.at(b);
  for (const CandidateRule& ra : ra_list) {
    for (const CandidateRule& rb : rb_list) {
      CandidateRule cr;
      cr.rule = ra.rule;
      cr.rule.id =
          ra.rule.id + "." + attribute_name(b) + "." + rb.rule.id.substr(rb.rule.id.rfind('.') + 1);
      cr.rule.when = cond::all({ra.rule.when, rb.rule.when});
      cr.rule.description = ra.rule.description + " and " + rb.rule.description;
      cr.group = a + "*" + b;
      add_feature(set, std::move(cr));
    }
  }
  set.paired.emplace(std::min(a, b), std::max(a, b));
  set.interaction_names.push_back(attribute_name(a) + " x " + attribute_name(b));
}

void add_given_interactions(FeatureSet& set, const CalibrationOptions& options,
                            std::vector<Diagnostic>& errors) {
  auto field_path = [](const std::string& name) {
    return name.rfind("attributes.", 0) == 0 || standard_field(name) ? name : "attributes." + name;
  };
  std::vector<std::string> known;  // for suggestions, as the user writes them
  for (const auto& entry : set.by_field) {
    known.push_back(entry.first.substr(entry.first.rfind("attributes.", 0) == 0 ? 11 : 0));
  }
  for (const auto& [a_name, b_name] : options.interactions) {
    const std::string a = field_path(a_name);
    const std::string b = field_path(b_name);
    if (!set.by_field.count(a) || !set.by_field.count(b) || a == b) {
      Diagnostic d = calibration_error("interaction " + a + " x " + b +
                                       ": both must be candidate attributes of the training leads");
      const std::string& unknown = set.by_field.count(a) ? b_name : a_name;
      if (a != b) d.suggestion = suggest(unknown, known);
      errors.push_back(std::move(d));
      continue;
    }
    add_interaction(set, a, b);
  }
}

std::vector<Diagnostic> evaluate_rules(const Config& config, const FeatureSet& set,
                                       std::size_t from, std::size_t to,
                                       std::span<const Lead> leads, std::span<const Instant> as_of,
                                       unsigned threads, FeatureMatrix& matrix) {
  std::vector<Rule> rules;
  rules.reserve(to - from);
  for (std::size_t j = from; j < to; ++j) rules.push_back(feature_rule(set.features[j], config));
  return rule_hits(config, rules, static_cast<std::uint32_t>(from), leads, as_of, threads,
                   matrix.rows);
}

void evaluate_interaction(const FeatureSet& set, const Interaction& x, unsigned threads,
                          FeatureMatrix& matrix) {
  const std::size_t fa = set.field_first.at(x.a), na = set.by_field.at(x.a).size();
  const std::size_t fb = set.field_first.at(x.b), nb = set.by_field.at(x.b).size();
  parallel_for(matrix.rows.size(), threads, [&](std::size_t i) {
    SparseRow& row = matrix.rows[i];
    std::vector<std::uint32_t> as, bs;
    for (const auto& [j, v] : row) {
      if (j >= fa && j < fa + na) as.push_back(j - static_cast<std::uint32_t>(fa));
      if (j >= fb && j < fb + nb) bs.push_back(j - static_cast<std::uint32_t>(fb));
    }
    for (std::uint32_t ia : as) {
      for (std::uint32_t ib : bs)
        row.emplace_back(static_cast<std::uint32_t>(x.first + ia * nb + ib), 1.0);
    }
  });
}

void classify(FeatureSet& set, FeatureMatrix& matrix, const std::vector<std::size_t>& train,
              std::size_t from, std::size_t min_support) {
  std::vector<Feature>& features = set.features;
  std::vector<std::uint64_t> hash(features.size(), 1469598103934665603ull);
  for (std::size_t k = 0; k < train.size(); ++k) {
    const SparseRow& row = matrix.rows[train[k]];
    const auto begin = std::lower_bound(
        row.begin(), row.end(), std::make_pair(static_cast<std::uint32_t>(from), -HUGE_VAL));
    for (auto it = begin; it != row.end(); ++it) {
      const auto [j, v] = *it;
      ++features[j].support;
      std::uint64_t h = hash[j];
      h = (h ^ k) * 1099511628211ull;
      h = (h ^ static_cast<std::uint64_t>(std::llround(v * 1e6))) * 1099511628211ull;
      hash[j] = h;
    }
  }
  for (std::size_t j = from; j < features.size(); ++j) {
    Feature& f = features[j];
    const auto key = std::make_pair(hash[j], f.support);
    if (f.candidate) {
      // A rule needs min_support leads where it holds and min_support where
      // it does not: else its weight only says what the few others do (a
      // value supported only through its opposite).
      const std::size_t need = std::max<std::size_t>(1, min_support);
      const auto seen = matrix.first_seen.find(key);
      if (f.support < need || train.size() - f.support < need) {
        f.active = false;
      } else if (seen != matrix.first_seen.end()) {
        f.active = false;
        f.same_as = seen->second;
      }
    }
    if (f.active && f.support > 0) matrix.first_seen.emplace(key, j);
  }
}

void remove_last_interaction(FeatureSet& set, FeatureMatrix& matrix, std::size_t before) {
  const Interaction& x = set.crossed.back();
  set.paired.erase({std::min(x.a, x.b), std::max(x.a, x.b)});
  set.interaction_names.pop_back();
  set.crossed.pop_back();
  set.features.resize(before);
  for (auto& row : matrix.rows) {
    while (!row.empty() && row.back().first >= before) row.pop_back();
  }
  for (auto it = matrix.first_seen.begin(); it != matrix.first_seen.end();) {
    it = it->second >= before ? matrix.first_seen.erase(it) : std::next(it);
  }
}

void build_design(const std::vector<Feature>& features, const FeatureMatrix& matrix,
                  const std::vector<std::size_t>& train, Design& design) {
  design.column.assign(features.size(), -1);
  design.active.clear();
  for (std::size_t j = 0; j < features.size(); ++j) {
    if (features[j].active) {
      design.column[j] = static_cast<std::int64_t>(design.active.size());
      design.active.push_back(j);
    }
  }
  design.rows.resize(train.size());
  for (std::size_t k = 0; k < train.size(); ++k) {
    SparseRow& out = design.rows[k];
    out.clear();
    for (const auto& [j, v] : matrix.rows[train[k]]) {
      if (design.column[j] >= 0) out.emplace_back(static_cast<std::uint32_t>(design.column[j]), v);
    }
  }
}

}  // namespace leadscore::calibration
