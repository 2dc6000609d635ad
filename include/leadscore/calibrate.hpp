// leadscore/calibrate.hpp — learn rule points and stage thresholds from a
// history of leads whose outcome is known (converted or not).
//
// The scoring model stays a readable list of rules with integer points.
// calibrate() turns every fit, engagement and behaviour rule of a
// configuration into one feature (1 when a fit/engagement rule holds; for a
// behaviour rule, the number of counted events, decayed and capped as the
// rule says), adds candidate features (numeric attributes cut into quantile
// bins, `attributes.X between [lo, hi]`; frequent string values,
// `attributes.X eq "v"`; boolean attributes) and pairs of them (given, or
// chosen by cross-validation on the training leads,
// docs/calibration.md#interactions), fits an L2-regularised logistic
// regression by Newton's method (IRLS), and scales the weights to integer
// points (docs/calibration.md#scaling). Candidates that earn non-zero points
// become new rules of the calibrated configuration. Everything is chosen on
// the training leads; the holdout is only measured.
//
// Determinism: no clock, no randomness. The holdout and the cross-validation
// folds are chosen by record index, the solver is a fixed sequence of Newton
// steps, and ties are broken by input order, so the same input yields a
// byte-identical calibrated configuration whatever the number of threads.
//
// Thread safety: every function here is reentrant; nothing is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

/// An attribute offered to calibration as a source of new rules.
struct CandidateAttribute {
  enum class Type : std::uint8_t { numeric, categorical, boolean };
  /// Field path, e.g. "attributes.age", or a standard lead field ("source",
  /// "company.employees").
  std::string field;
  Type type = Type::categorical;
  /// Where new rules on this attribute go.
  RuleKind kind = RuleKind::fit;
  /// numeric: quantile bins (0 = CalibrationOptions::bins).
  std::size_t bins = 0;
};

/// How the final weights are fitted (docs/calibration.md#boosting).
enum class CalibrationFit {
  automatic,  ///< the one with the lower cross-validated log-loss on the training leads
  boosting,   ///< cyclic boosting of the terms' bin and cell tables
  irls,       ///< one joint L2-regularised logistic regression (Newton / IRLS)
};

struct CalibrationOptions {
  /// L2 penalty on every weight but the intercept (in log-odds units, on the
  /// sum over training leads). Larger = smaller, more even points.
  double l2 = 1.0;
  /// Holdout: lead i (0-based) is held out when i % holdout_every <
  /// holdout_below. holdout_below = 0: no holdout (metrics on training data).
  std::size_t holdout_every = 10;
  std::size_t holdout_below = 3;
  /// Use only every k-th training lead (1 = all); for quick runs.
  std::size_t train_stride = 1;
  /// Points scale: the highest achievable fit score of the calibrated
  /// configuration. nullopt = the configuration's fit maximum, else 100.
  std::optional<double> max_fit_points;
  /// Candidate attributes. With auto_candidates, every custom attribute of
  /// the training leads is added, and every standard lead field (source,
  /// origin, job fields, company industry/size/revenue, location, consent,
  /// discovery; not the identifiers or created_at) that takes at least two values
  /// on them (numbers binned, strings one-hot, booleans as eq true/false),
  /// as a fit rule. String-list values are not candidates.
  std::vector<CandidateAttribute> candidates;
  bool auto_candidates = true;
  /// With auto_candidates: also attributes that rules already use (the new
  /// bins and values refine them; a candidate identical to an existing rule
  /// on the training leads is left out).
  bool candidates_for_used_fields = true;
  /// Pairs of candidate attributes (names or attributes.<name> paths) whose
  /// rules are also crossed: `all [A's value or bin, B's value or bin]`
  /// (e.g. month x day). Pairs with less than min_support leads are left out.
  std::vector<std::pair<std::string, std::string>> interactions;
  /// Automatic interactions: at most this many more pairs of candidate
  /// attributes, chosen by greedy forward selection on the TRAINING leads
  /// only (cv_folds-fold cross-validated log-loss; the holdout is never
  /// looked at). A pair is added when its cross-validated improvement is
  /// significant (paired z >= interaction_min_z over the training leads)
  /// and a full refit confirms it. 0 = only the pairs of `interactions`.
  /// See docs/calibration.md#interactions.
  std::size_t auto_interactions = 3;
  /// Folds of the internal cross-validation (training lead k is in fold
  /// k mod cv_folds); >= 2.
  std::size_t cv_folds = 5;
  /// Significance a pair needs (improvement of the cross-validated
  /// log-loss over its standard error, per training lead), at the
  /// screening and at the refit.
  double interaction_min_z = 3;
  /// Significance a candidate attribute needs on its own (same measure).
  /// Lower than interaction_min_z: far fewer terms are tried per step (one
  /// per attribute, against one per pair), and the cross-validated gain of
  /// a noise attribute is negative on average (its bins overfit the other
  /// folds), so its z stays low (at most 1.29 over 40 synthetic draws).
  double attribute_min_z = 1.5;
  /// Candidate attributes enter the model only through the search: one at a
  /// time, each only when its values improve the cross-validated log-loss
  /// significantly (attribute_min_z) and a refit confirms it, so an
  /// attribute of pure noise gets no rule. false: every candidate is in
  /// the regression (the L2 penalty alone keeps noise small).
  bool select_candidates = true;
  /// At most this many scoring rules in the calibrated configuration (0 =
  /// no limit): after the search, the weakest rules (smallest w^2 times
  /// their weighted support) are taken out, half of the excess at a time,
  /// with a refit in between. Knockout rules and rules kept for lack of
  /// evidence are not counted.
  std::size_t max_rules = 120;
  /// The fit of the weights: automatic (default) compares cyclic boosting
  /// (rounds chosen by cross-validation) with IRLS on the cross-validated
  /// log-loss of the training leads, and keeps boosting only when it is
  /// significantly better (paired z >= 2 over the training leads), else IRLS.
  CalibrationFit fit = CalibrationFit::automatic;
  /// Default number of quantile bins of a numeric candidate.
  std::size_t bins = 8;
  /// A candidate value or bin needs at least this many training leads (and
  /// a rule suggestion this many leads).
  std::size_t min_support = 30;
  /// At most this many values of one categorical candidate (most frequent).
  std::size_t max_values = 24;
  /// Newton iterations (at most) and convergence tolerance on the step.
  int max_iterations = 50;
  double tolerance = 1e-9;
  /// Threshold recommendations (see ThresholdRecommendation): chosen on the
  /// training leads, then measured on the holdout.
  std::vector<double> target_precisions{};
  std::vector<std::size_t> capacities{};
  /// Stage goals ({"SQL", 0.2}: the stage's total threshold selects the
  /// best 20% of the training leads, ties kept together; shares are
  /// cumulative, since stages are tried best first). Reported like the
  /// other recommendations (goal "stage SQL: share 0.2"); applied to the
  /// stages when apply_thresholds is set. Every name must be a stage of the
  /// configuration; each share in (0, 1].
  std::vector<std::pair<std::string, double>> stage_shares{};
  /// Stage goals by target precision ({"SQL", 0.6}: the stage's total
  /// threshold is the lowest whose training leads at or above it convert at
  /// 60% at least; the most precise threshold when none does). Reported
  /// (goal "stage SQL: precision 0.6", the holdout checked against it) and
  /// applied with apply_thresholds, after the stage_shares. Every name must
  /// be a stage of the configuration; each precision in (0, 1].
  std::vector<std::pair<std::string, double>> stage_precisions{};
  /// Apply the stage_shares and stage_precisions thresholds to the
  /// calibrated configuration:
  /// every score.total comparison (gte/gt) of the stage's conditions gets
  /// the threshold (as gte); a stage without one gets
  /// all [its condition, score.total gte threshold].
  bool apply_thresholds = false;
  /// At most this many rule suggestions in the report (best lift first;
  /// 0 = none). CalibrationReport::suggestions_found counts them all.
  std::size_t max_suggestions = 25;
  /// Worker threads for scoring (0 = hardware concurrency). Results do not
  /// depend on it.
  unsigned threads = 1;
};

/// One learned rule weight.
struct LearnedRule {
  std::string rule_id;
  RuleKind kind = RuleKind::fit;
  bool candidate = false;      ///< generated by calibration (not in the input configuration)
  double original_points = 0;  ///< input configuration's points (0 for candidates)
  double weight = 0;           ///< logistic-regression weight (log-odds per unit of the feature)
  double points = 0;           ///< integer points in the calibrated configuration (0 = dropped)
  std::size_t support = 0;     ///< training leads where the feature is non-zero
  /// "kept: no evidence": an original rule that holds for no training lead
  /// (no event of its types, no lead where its condition can be evaluated)
  /// keeps its points instead of being dropped.
  bool no_evidence = false;
};

/// What a total-score threshold selects in one set of leads.
struct ThresholdOutcome {
  std::size_t leads = 0;      ///< leads in the set
  std::size_t volume = 0;     ///< leads at or above the threshold
  std::size_t positives = 0;  ///< converted leads among them
  double volume_share = 0;    ///< volume / leads
  double conversion = 0;      ///< positives / volume (0 when volume is 0)
};

/// A stage threshold on the total score, with what it yields on the data.
/// The free functions below choose and measure it on the data given;
/// calibrate() chooses it on the training leads (volume, volume_share,
/// expected_conversion: training figures) and measures the same threshold
/// on the holdout (`holdout`: the honest estimate for new leads).
struct ThresholdRecommendation {
  std::string goal;                ///< "precision >= 0.6" or "top 500"
  double threshold = 0;            ///< total score: leads with total >= threshold
  bool reachable = true;           ///< false: no threshold meets the precision goal
  std::size_t volume = 0;          ///< leads at or above (in the data it was chosen on)
  double volume_share = 0;         ///< volume / leads
  double expected_conversion = 0;  ///< observed conversion rate at or above
  /// calibrate() with a holdout: the threshold applied to the held-out leads.
  std::optional<ThresholdOutcome> holdout;
  /// Holdout only: does the holdout conversion meet a precision goal (always
  /// true for a capacity goal)?
  bool holdout_meets_goal = true;
};

/// An attribute value or event pattern with strong lift that the
/// configuration does not use yet.
struct RuleSuggestion {
  std::string description;  ///< e.g. attributes.poutcome eq "success"
  Condition when;           ///< the condition (for a new rule)
  std::size_t support = 0;  ///< training leads matching
  std::size_t positives = 0;
  double conversion = 0;  ///< positives / support
  double lift = 0;        ///< conversion / base rate
};

/// One step of the automatic interaction search (training leads only).
struct InteractionStep {
  std::string a, b;               ///< attribute names (b empty: attribute a on its own)
  std::size_t cells = 0;          ///< value/bin pairs with enough support (candidate rules)
  double cv_log_loss_before = 0;  ///< mean cross-validated log-loss per training lead
  double cv_log_loss_after = 0;   ///< with the pair (screening estimate, or the refit if selected)
  double z = 0;                   ///< improvement / its standard error (paired over training leads)
  bool selected = false;          ///< kept in the model
  std::string note;               ///< why it stopped / was rejected (empty when selected)
};

struct DecileRow {
  std::size_t leads = 0;
  std::size_t positives = 0;
  double min_total = 0, max_total = 0;
  double predicted = 0;  ///< mean predicted conversion probability
  double observed = 0;   ///< positives / leads
  double lift = 0;       ///< observed / base rate
};

struct StageRow {
  std::string stage;
  std::size_t leads = 0;
  std::size_t positives = 0;
  double conversion = 0;
};

/// Metrics of one configuration on one data split.
struct SplitMetrics {
  std::size_t leads = 0;
  std::size_t positives = 0;
  double auc = 0;                  ///< ROC AUC of the total score (ties count half)
  std::vector<DecileRow> deciles;  ///< best first (predicted: calibrated model only)
  std::vector<StageRow> stages;    ///< best first, fallback last
  /// Histogram of the total score: bin edges (size = bins + 1) and counts
  /// of converted / not converted leads per bin.
  std::vector<double> histogram_edges;
  std::vector<std::size_t> histogram_converted, histogram_not_converted;
};

/// One point of the AUC against model size.
struct ModelSize {
  std::size_t rules = 0;  ///< scoring rules with points (learned from the training leads)
  double training_auc = 0, holdout_auc = 0;
};

struct CalibrationReport {
  std::string as_of;  ///< ISO-8601 of the as-of given (never the clock)
  std::size_t leads = 0;
  std::size_t training_leads = 0, training_positives = 0;
  std::size_t holdout_leads = 0, holdout_positives = 0;
  double l2 = 0;
  int iterations = 0;
  bool converged = false;
  double intercept = 0;         ///< log-odds of a lead with 0 points
  double points_per_logit = 0;  ///< scale: points = round(weight * points_per_logit)
  std::size_t features = 0, candidate_features = 0, rules_added = 0, rules_dropped = 0;
  std::size_t rules_kept = 0;  ///< original rules kept with their points: no evidence
  SplitMetrics original_training, calibrated_training;
  SplitMetrics original_holdout, calibrated_holdout;  ///< empty without a holdout
  std::vector<LearnedRule> rules;
  /// Folds of the interaction search's cross-validation (0: no search ran).
  std::size_t cv_folds = 0;
  /// The automatic interaction search: the pair tried at each step (the
  /// last one is the pair that was not kept, when the search stopped on it).
  std::vector<InteractionStep> interaction_search;
  /// Interaction pairs in the model ("month x day"), given and automatic.
  std::vector<std::string> interactions;
  /// Why each pair is in the model and what it became, one line per pair
  /// of `interactions`: how it was chosen (the search's cross-validated
  /// log-loss before and after and its z, or given with --interact), the
  /// cells tried, the rules kept with non-zero points, their range of
  /// points and the strongest one.
  std::vector<std::string> interactions_explained;
  std::vector<ThresholdRecommendation> thresholds;
  std::vector<RuleSuggestion> suggestions;  ///< at most max_suggestions, best lift first
  std::size_t suggestions_found = 0;        ///< before the cap
  /// Stage thresholds mapped from the original configuration: "SQL: score.total >= 80 -> 57".
  std::vector<std::string> stage_changes;
  /// Scoring rules taken out to respect CalibrationOptions::max_rules.
  std::size_t rules_pruned = 0;
  /// The fit used ("boosting" or "irls"), the cross-validated log-loss per
  /// training lead of each fit compared (0: not measured) and the boosting
  /// rounds chosen.
  std::string fit;
  double cv_log_loss_irls = 0, cv_log_loss_boosting = 0;
  /// Paired z of boosting's improvement over IRLS (automatic: kept at >= 2).
  double boosting_z = 0;
  std::size_t boosting_rounds = 0;
  /// Rules nested in another rule (their leads split its leads exactly):
  /// the outer rule carries the average over its leads, each inner rule its
  /// difference; inner rules whose difference is 0 points are merged into
  /// it (named). One line per outer rule.
  std::vector<std::string> nested;
  /// Candidate rules merged into an earlier rule because they hold for
  /// exactly the same training leads (a second rule would only split the
  /// weight between the two): "cal.previous.0 -> cal.pdays.missing". Only
  /// for attributes and pairs in the model.
  std::vector<std::string> merged;
  /// AUC against model size: the calibrated model first, then models of at
  /// most half as many rules each time (down to 2), each refitted after
  /// taking out the weakest rules (as max_rules would).
  std::vector<ModelSize> model_sizes;
  /// Warnings about the data or the result: a candidate attribute that is
  /// almost a function of the outcome on the training leads (single-
  /// attribute ROC AUC above 0.95: probably written after the outcome), a
  /// calibrated stage that selects no training lead.
  std::vector<std::string> warnings;
};

struct Calibration {
  Config config;  ///< the calibrated configuration (same format; description notes the calibration)
  CalibrationReport report;
};

/// Learns points and thresholds. `as_of` holds one instant for all leads or
/// one per lead; outcomes.size() == leads.size(). Errors (code
/// "calibration_error"): size mismatch, an invalid configuration, no lead or
/// only one outcome class in the training data, a candidate field that is
/// not a valid path.
LEADSCORE_EXPORT Result<Calibration> calibrate(const Config& config, std::span<const Lead> leads,
                                               std::span<const bool> outcomes,
                                               std::span<const Instant> as_of,
                                               const CalibrationOptions& options = {});

/// ROC AUC of scores against outcomes (Mann-Whitney; ties count as half).
/// 0.5 when either class is empty.
LEADSCORE_EXPORT double roc_auc(std::span<const double> scores, std::span<const bool> outcomes);

/// Lift by decile: the leads by score, best first (ties in input order), cut
/// into ten deciles (decile d holds leads [d*n/10, (d+1)*n/10)); per decile
/// the leads, the converted ones, the score range, the conversion and the
/// lift over the overall conversion (`predicted` stays 0). Empty when there
/// are fewer than 10 leads.
LEADSCORE_EXPORT std::vector<DecileRow> lift_by_decile(std::span<const double> scores,
                                                       std::span<const bool> outcomes);

/// The lowest total-score threshold whose leads at or above it convert at
/// >= `precision` (reachable = false and the best-precision threshold when
/// none does).
LEADSCORE_EXPORT ThresholdRecommendation recommend_threshold_for_precision(
    std::span<const double> scores, std::span<const bool> outcomes, double precision);
/// The threshold that selects the top `capacity` leads (ties included, so
/// the volume may exceed it).
LEADSCORE_EXPORT ThresholdRecommendation recommend_threshold_for_capacity(
    std::span<const double> scores, std::span<const bool> outcomes, std::size_t capacity);
/// What `threshold` selects among `scores` (leads with score >= threshold).
LEADSCORE_EXPORT ThresholdOutcome evaluate_threshold(std::span<const double> scores,
                                                     std::span<const bool> outcomes,
                                                     double threshold);

/// The report as readable text, as JSON text, and as a self-contained HTML
/// page (inline SVG charts, no network access).
LEADSCORE_EXPORT std::string to_text(const CalibrationReport& report);
LEADSCORE_EXPORT std::string to_json_text(const CalibrationReport& report);
LEADSCORE_EXPORT std::string to_html(const CalibrationReport& report);

/// The outcome a label states, for reading a history of leads (a CSV
/// column or a lead attribute such as "converted"): "yes", "true", "1",
/// "y", "t" are true; "no", "false", "0", "n", "f" are false (ASCII case
/// ignored, and spaces and tabs around it, and a trailing carriage return).
/// Anything else, the empty text included, is nullopt: no usable outcome.
LEADSCORE_EXPORT std::optional<bool> parse_outcome(std::string_view text);
/// The outcome an attribute value states: a string as parse_outcome(), a
/// boolean as itself, a number true when it is not 0; a list is nullopt.
LEADSCORE_EXPORT std::optional<bool> outcome_of(const Value& value);

/// `text` with &, <, > and " replaced by their HTML entities, for HTML text
/// and double-quoted attribute values (the HTML pages of the calibration
/// report and of `leadscore report`).
LEADSCORE_EXPORT std::string escape_html(std::string_view text);

}  // namespace leadscore
