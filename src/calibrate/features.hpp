// Features of a calibration: one per scoring rule of the configuration,
// candidate rules on the leads' attributes (quantile bins, frequent values,
// booleans), and interaction cells (pairs of candidate rules); and the
// feature matrix, one sparse row per lead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "calibrate/common.hpp"
#include "calibrate/fitting.hpp"

namespace leadscore::calibration {

struct Feature {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::string rule_id;
  RuleKind kind = RuleKind::fit;
  bool candidate = false;
  std::size_t rule_index = 0;  // original rules: index in config.rules
  Rule rule;                   // candidates: the rule (points filled in at the end)
  std::string group;           // candidates: field (bins / values of one field exclude each other)
  double cap_events = 0;       // behaviour rules: cap in events (0 = none)
  bool active = true;          // kept in the regression
  std::size_t support = 0;
  std::size_t same_as = kNone;  // candidates: the earlier feature with the same training leads
};

struct CandidateRule {
  Rule rule;
  std::string group;
};

/// Field paths and event types that the rules of a configuration use.
struct UsedNames {
  std::set<std::string> fields, events;
};
UsedNames used_names(const Config& config);

/// "attributes.age" -> "age" (other paths unchanged).
std::string attribute_name(const std::string& field);

/// The candidate attributes: options.candidates, then (auto_candidates)
/// every custom attribute of the training leads that is a number, a string
/// or a boolean, in name order (with candidates_for_used_fields off, not
/// those in `used_fields`).
std::vector<CandidateAttribute> candidate_attributes(const CalibrationOptions& options,
                                                     std::span<const Lead> leads,
                                                     const std::vector<std::size_t>& train,
                                                     const std::set<std::string>& used_fields);

/// A pair of candidate attributes crossed into rules: its cells are the
/// features first, first + 1, ... (A's rule 0 with B's rule 0, then B-minor).
struct Interaction {
  std::string a, b;
  std::size_t first = 0;
};

/// The features in column order: the configuration's scoring rules
/// [0, original), then the candidate rules of each attribute, then the
/// cells of each interaction.
struct FeatureSet {
  std::vector<Feature> features;
  std::size_t original = 0;
  std::set<std::string> ids;  // rule ids taken
  std::map<std::string, std::vector<CandidateRule>> by_field;
  std::map<std::string, std::size_t> field_first;  // its first candidate feature
  std::set<std::string> numeric_fields;
  std::vector<Interaction> crossed;
  std::set<std::pair<std::string, std::string>> paired;  // (min, max) of each pair
  std::vector<std::string> interaction_names;            // "month x day"
};

/// A feature set with one feature per fit, engagement and behaviour rule of
/// `config` (knockout rules are not features).
FeatureSet rule_features(const Config& config);

/// Adds the candidate rules of each attribute (computed on the training
/// leads); errors for a field that is not attributes.<name> or a kind that
/// is not fit or engagement.
void add_candidates(FeatureSet& set, std::span<const CandidateAttribute> candidates,
                    std::span<const Lead> leads, const std::vector<std::size_t>& train,
                    const CalibrationOptions& options, std::vector<Diagnostic>& errors);

/// Adds the cells of the pair (a, b) (candidate attribute fields) as features.
void add_interaction(FeatureSet& set, const std::string& a, const std::string& b);

/// Adds options.interactions; errors for a pair that is not two candidate
/// attributes of the training leads.
void add_given_interactions(FeatureSet& set, const CalibrationOptions& options,
                            std::vector<Diagnostic>& errors);

/// The features of every lead (training and holdout).
struct FeatureMatrix {
  std::vector<SparseRow> rows;  // one per lead, by feature
  /// (hash of the training values, support) -> first active feature with them.
  std::map<std::pair<std::uint64_t, std::size_t>, std::size_t> first_seen;
};

/// Evaluates features [from, to) (rules and candidates, by the engine:
/// calibrate/rule_hits.hpp) on every lead and appends them to the rows.
std::vector<Diagnostic> evaluate_rules(const Config& config, const FeatureSet& set,
                                       std::size_t from, std::size_t to,
                                       std::span<const Lead> leads, std::span<const Instant> as_of,
                                       unsigned threads, FeatureMatrix& matrix);

/// An interaction cell `all [A's rule, B's rule]` holds exactly when both
/// rules hold: appends the pair's features from its two candidates' features.
void evaluate_interaction(const FeatureSet& set, const Interaction& x, unsigned threads,
                          FeatureMatrix& matrix);

/// Counts the support of features [from, ...) on the training leads and
/// deactivates candidates with less than min_support, that hold for every
/// training lead, or that duplicate an earlier feature on the training leads.
void classify(FeatureSet& set, FeatureMatrix& matrix, const std::vector<std::size_t>& train,
              std::size_t from, std::size_t min_support);

/// Takes the last interaction (features [before, ...)) out again.
void remove_last_interaction(FeatureSet& set, FeatureMatrix& matrix, std::size_t before);

/// The training design: the active features as columns, in feature order.
void build_design(const std::vector<Feature>& features, const FeatureMatrix& matrix,
                  const std::vector<std::size_t>& train, Design& design);

}  // namespace leadscore::calibration
