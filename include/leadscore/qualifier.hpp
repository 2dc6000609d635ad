// leadscore/qualifier.hpp — the Qualifier facade.
//
// A Qualifier is a compiled, immutable scoring configuration. Building one
// validates the whole configuration and either yields a Qualifier or the
// complete list of problems (never a half-built object). Once built, every
// member function is const and a Qualifier may be used from any number of
// threads at once; copies share the compiled model and are cheap.
//
// Time is an input: every evaluation takes `as_of`; events after it are
// ignored. The library never reads the clock, never logs lead contents, and
// results are bit-identical whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

class Qualifier;
class CsvLeadMapper;
class BoundLead;
namespace detail {
struct Model;
struct BoundValues;
/// The compiled model behind a Qualifier (the library's own layers only).
LEADSCORE_EXPORT const std::shared_ptr<const Model>& model_of(const Qualifier& q) noexcept;
/// The values behind a BoundLead (the library's own layers and the tool's
/// readers, which fill it straight from their input).
LEADSCORE_EXPORT BoundValues& values_of(BoundLead& lead) noexcept;
}  // namespace detail

/// The result of qualifying one lead. Plain data, no heap memory. The
/// string_views point into the Qualifier's compiled model and stay valid
/// while that Qualifier, or any copy of it, is alive.
struct Qualification {
  double fit = 0;                     ///< clamped fit (demographic) score
  double engagement = 0;              ///< clamped engagement (behaviour + engagement rules) score
  double total = 0;                   ///< weights.fit * fit + weights.engagement * engagement
  std::string_view fit_grade;         ///< e.g. "B"
  std::string_view engagement_grade;  ///< e.g. "2"
  std::string_view grade;             ///< matrix label, e.g. "B2"
  std::string_view stage;             ///< a configured stage name, or the fallback ("lead")
  int stage_index = -1;               ///< index into config().stages; -1 = fallback
  bool disqualified = false;
  std::string_view reason;         ///< knockout reason code when disqualified, else ""
  std::string_view knockout_rule;  ///< id of the first knockout rule that held, else ""

  friend bool operator==(const Qualification&, const Qualification&) = default;
};

enum class EnrichmentLevel : std::uint8_t { incomplete, non_enriched, enriched };
LEADSCORE_EXPORT std::string_view to_string(EnrichmentLevel level) noexcept;

/// Facts the library derives from a lead at an instant; usable in rules
/// under the field names in parentheses. Owns its strings.
struct DerivedFacts {
  EnrichmentLevel enrichment = EnrichmentLevel::incomplete;  ///< (enrichment)
  double completeness = 0;  ///< (completeness) share of enrichment fields present, 0..1
  std::optional<std::string>
      email_domain;  ///< (email_domain) domain of the primary email, as written
  bool free_email =
      false;  ///< (free_email) primary email at a free-mail provider (missing without email)
  std::optional<double> days_since_created;        ///< (days_since_created)
  std::optional<double> days_since_last_activity;  ///< (days_since_last_activity)
  std::size_t events_considered = 0;               ///< events at or before as_of
  std::size_t events_after_as_of = 0;  ///< events ignored because they are later than as_of
  std::size_t events_duplicate = 0;    ///< events ignored as repeated deliveries (same id)
  std::size_t events_automated = 0;    ///< events ignored as automated (Options::ignore_automated)
};

/// The events a lead's evaluation left out, in words: "1 after as_of, 2
/// repeated deliveries (same id), 1 automated"; "" when none was.
LEADSCORE_EXPORT std::string ignored_events_text(const DerivedFacts& facts);

/// One rule's part in a score, with its evidence.
struct Contribution {
  std::string rule_id;
  RuleKind kind = RuleKind::fit;
  double points = 0;           ///< what the rule added (after its cap)
  double uncapped_points = 0;  ///< before max_points
  bool capped = false;         ///< max_points applied
  // behaviour rules
  std::size_t matched_events =
      0;  ///< events of the rule's types satisfying `where`, at or before as_of
  std::size_t counted_events = 0;  ///< of those, inside the window and the per-day cap
  std::size_t over_daily_cap = 0;  ///< dropped by max_per_day
  std::size_t outside_window = 0;  ///< dropped by within_days
  double decay_factor_sum =
      0;  ///< sum of the counted events' decay factors (= counted without decay)
  // engagement rules: value of the first aggregate in `when`, if any
  std::optional<double> aggregate_value;
  std::string
      evidence;  ///< one readable line, e.g. "3 events, decayed (factor sum 2.41), capped at 25"

  friend bool operator==(const Contribution&, const Contribution&) = default;
};

/// How a condition evaluated, node by node.
struct ConditionTrace {
  std::string text;    ///< the condition, e.g. "score.engagement >= 50"
  std::string actual;  ///< the value seen, e.g. "38", "missing" ("" for combinators)
  bool held = false;
  std::vector<ConditionTrace> children;
  friend bool operator==(const ConditionTrace&, const ConditionTrace&) = default;
};

struct StageCheck {
  std::string stage;
  bool held = false;
  bool by_origin = false;  ///< the origin-specific condition was used
  ConditionTrace condition;
  friend bool operator==(const StageCheck&, const StageCheck&) = default;
};

/// What the lead lacks for the stage above its own.
struct NextStage {
  std::string stage;
  /// One line per failed condition, e.g. "score.engagement is 38, needs >= 50 (12 more)".
  std::vector<std::string> missing;
  /// The stage is the next step up a ladder of score thresholds (MQL above
  /// lead, SQL above MQL); false: a parallel path whose condition is not a
  /// higher score (PQL above SQL in the default configuration).
  bool step = true;
  friend bool operator==(const NextStage&, const NextStage&) = default;
};

/// qualify()'s result with every reason behind it. `result` always equals
/// what qualify() returns for the same lead and as_of.
struct Explanation {
  Qualification result;
  DerivedFacts facts;
  std::vector<Contribution> contributions;  ///< rules that matched, in configuration order
  std::vector<std::string> knockouts;       ///< ids of every knockout rule that held
  std::vector<StageCheck> stages;  ///< every stage tried, in order, up to the one that held
  std::optional<NextStage> next;   ///< none when already at the top stage
  double fit_unclamped = 0;
  double engagement_unclamped = 0;
  /// Rules that did not hold because a value has another type than the
  /// rule compares it with, e.g. "attributes.seats is text \"12\", rule
  /// 'big_team' expects a number" (a CSV column mapped without a type).
  std::vector<std::string> type_notes;

  /// A readable multi-line report.
  [[nodiscard]] LEADSCORE_EXPORT std::string to_text() const;
};

/// One rule that took part in an evaluation (see RuleListener).
struct RuleHit {
  std::size_t index = 0;  ///< the rule's position in Qualifier::config().rules
  /// What the rule added to its score: its points for a fit or engagement
  /// rule that held, a behaviour rule's total after its cap, 0 for a knockout.
  double points = 0;
  /// Behaviour rules: the events counted (with decay, the sum of their decay
  /// factors), before the cap. 0 for the other kinds.
  double events = 0;
};

/// Told which rules took part while Qualifier::qualify(lead, as_of, listener)
/// runs the same evaluator as qualify(): every fit, engagement or knockout
/// rule whose condition held and every behaviour rule that counted an event,
/// in configuration order. The seam for tools that need more than the scores
/// (calibration reads rule hits through it).
class LEADSCORE_EXPORT RuleListener {
 public:
  virtual ~RuleListener();
  virtual void on_rule(const RuleHit& hit) = 0;
};

/// A lead prepared for one Qualifier: every lead field and attribute its
/// configuration reads resolved to the compiled model's slot, and every text
/// value compared by eq / ne / in / not_in resolved to a small id in the
/// texts the configuration compares it with, once. qualify() on a BoundLead
/// never looks a name up or folds a text again.
///
/// Two ways to get one:
///  - Qualifier::bind(lead): refers to `lead`, which must outlive it and stay
///    unchanged (bind again after a change);
///  - CsvLeadMapper::map_into(record, as_of, qualifier, bound): the record
///    written straight into this form, for scoring a file. The BoundLead then
///    owns its values and is meant to be reused from record to record (its
///    storage is kept); it is for that Qualifier only.
class LEADSCORE_EXPORT BoundLead {
 public:
  /// An empty BoundLead, to be filled by CsvLeadMapper::map_into().
  BoundLead();
  BoundLead(BoundLead&&) noexcept;
  BoundLead& operator=(BoundLead&&) noexcept;
  BoundLead(const BoundLead&) = delete;
  BoundLead& operator=(const BoundLead&) = delete;
  ~BoundLead();
  /// The lead it was bound from. Filled by CsvLeadMapper::map_into(): the
  /// record's id, lead fields and events, and only those attributes that the
  /// Qualifier reads by name rather than by slot (see map_into()).
  [[nodiscard]] const Lead& lead() const noexcept;

 private:
  friend class Qualifier;
  friend class CsvLeadMapper;
  friend detail::BoundValues& detail::values_of(BoundLead& lead) noexcept;
  explicit BoundLead(std::unique_ptr<detail::BoundValues> values) noexcept;
  std::unique_ptr<detail::BoundValues> values_;
};

/// Options for building a Qualifier.
struct BuildOptions {
  Limits limits;
};

class LEADSCORE_EXPORT Qualifier {
 public:
  /// Validates and compiles `config`. Errors and warnings are in the
  /// result's diagnostics; a Qualifier exists only when there is no error.
  static Result<Qualifier> build(Config config, const BuildOptions& options = {});
  /// Parses JSON text (docs/configuration.md) and builds. Diagnostics carry
  /// JSON pointers and line:column positions in `text`.
  static Result<Qualifier> from_json_text(std::string_view text, const BuildOptions& options = {});
  /// Reads a file and builds; an unreadable file is an "io_error" diagnostic.
  static Result<Qualifier> from_json_file(const std::filesystem::path& path,
                                          const BuildOptions& options = {});
  /// The built-in default configuration (default_config()); never fails.
  static Qualifier with_default_config();

  /// Scores and classifies one lead. No heap allocation; thread-safe.
  [[nodiscard]] Qualification qualify(const Lead& lead, Instant as_of) const noexcept;

  /// Binds `lead` to this Qualifier's compiled model (one allocation; a
  /// lookup per attribute and a hash per compared text the configuration
  /// reads), for leads that are qualified more than once or in a hot loop.
  [[nodiscard]] BoundLead bind(const Lead& lead) const;
  /// qualify() on a bound lead: the same result, without name lookups.
  /// A lead bound by another Qualifier is qualified as qualify(lead.lead())
  /// (for a BoundLead filled by CsvLeadMapper::map_into(), whose lead() lacks
  /// the attributes read by slot, that is a misuse: map it for this Qualifier).
  [[nodiscard]] Qualification qualify(const BoundLead& lead, Instant as_of) const noexcept;
  /// qualify() on a bound lead, telling `listener` which rules took part.
  Qualification qualify(const BoundLead& lead, Instant as_of, RuleListener& listener) const;

  /// qualify(), telling `listener` which rules took part. Allocates nothing
  /// itself; thread-safe (the listener is the caller's).
  Qualification qualify(const Lead& lead, Instant as_of, RuleListener& listener) const;

  /// qualify() plus every contribution, condition result and the gap to the
  /// next stage. Allocates; thread-safe.
  [[nodiscard]] Explanation explain(const Lead& lead, Instant as_of) const;

  /// Qualifies every lead; results in input order, bit-identical to calling
  /// qualify() on each, for any `threads` (0 = hardware concurrency).
  [[nodiscard]] std::vector<Qualification> qualify_all(std::span<const Lead> leads, Instant as_of,
                                                       unsigned threads = 1) const;
  /// Same, writing into `out` (out.size() must equal leads.size()).
  void qualify_all(std::span<const Lead> leads, Instant as_of, std::span<Qualification> out,
                   unsigned threads = 1) const;

  /// qualify_all() on bound leads (the batch path over leads bound once):
  /// results bit-identical to qualify() on each, for any `threads`.
  [[nodiscard]] std::vector<Qualification> qualify_all(std::span<const BoundLead> leads,
                                                       Instant as_of, unsigned threads = 1) const;
  /// Same, writing into `out` (out.size() must equal leads.size()).
  void qualify_all(std::span<const BoundLead> leads, Instant as_of, std::span<Qualification> out,
                   unsigned threads = 1) const;

  /// The derived facts of a lead at as_of (enrichment, free-mail, ...).
  /// Allocates (the facts own their strings); thread-safe.
  [[nodiscard]] DerivedFacts derive(const Lead& lead, Instant as_of) const;

  /// The configuration this Qualifier was built from.
  [[nodiscard]] const Config& config() const noexcept;
  /// Warnings found while building (unreachable stage, rule that can never fire, ...).
  [[nodiscard]] const std::vector<Diagnostic>& warnings() const noexcept;
  /// Stage names, best first, then the fallback stage last.
  [[nodiscard]] std::vector<std::string_view> stage_names() const;

 private:
  // The library's own layers (LeadState, calibration) reach the compiled
  // model through detail::model_of() (src/eval/qualifier.cpp).
  friend const std::shared_ptr<const detail::Model>& detail::model_of(const Qualifier&) noexcept;
  explicit Qualifier(std::shared_ptr<const detail::Model> model) : model_(std::move(model)) {}
  std::shared_ptr<const detail::Model> model_;
};

}  // namespace leadscore
