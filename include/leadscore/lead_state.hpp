// leadscore/lead_state.hpp — continuous qualification of one lead.
//
// A LeadState follows one lead as its events arrive, one at a time:
//
//   leadscore::LeadState state(qualifier, profile);
//   state.apply(event);                    // cost: the rules subscribed to event.type
//   leadscore::Qualification q = state.score(as_of);   // cost: the number of rules
//   for (const auto& t : state.observe(as_of)) ...     // lifecycle: stage transitions
//
// score() equals Qualifier::qualify() on the state's lead (profile plus the
// events applied so far) at the same as_of: fit, engagement and total within
// 1e-9 relative (decayed points are summed in a different order), stage and
// grades equal. observe() applies the configuration's lifecycle policy
// (Config::lifecycle: monotonic, hysteresis or immediate regression,
// recycle rules, sales feedback) and records every stage change in the
// history. The library never reads the clock: every instant is an argument.
//
// A LeadState is a value (copyable, movable); it is not synchronised: use
// one from one thread at a time. docs/lifecycle.md describes the model.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/model_diff.hpp"  // diff_models(), reviewed with LeadState::rescore()
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

/// Why a lead changed stage.
enum class TransitionCause : std::uint8_t {
  qualified,     ///< promoted: a better stage's condition holds
  demoted,       ///< the stage's condition stopped holding (regression policy)
  recycled,      ///< a recycle rule (e.g. SQL not accepted within 14 days)
  feedback,      ///< sales feedback (accepted, rejected, won, lost)
  disqualified,  ///< a knockout rule holds
  requalified,   ///< no knockout holds any more
  rescored,      ///< the configuration changed (LeadState::rescore)
};
LEADSCORE_EXPORT std::string_view to_string(TransitionCause cause) noexcept;
LEADSCORE_EXPORT std::optional<TransitionCause> parse_transition_cause(
    std::string_view text) noexcept;

/// One entry of a lead's stage history.
struct Transition {
  std::string from;  ///< "" for the first observation
  std::string to;
  Instant at{};
  TransitionCause cause = TransitionCause::qualified;
  /// Knockout reason, recycle reason, feedback status and reason ("rejected:
  /// no budget"), or "" for scoring transitions.
  std::string reason;
  /// The conditions that held (promotion: the new stage's condition, as
  /// "score.fit >= 40 (is 55)") or stopped holding (demotion).
  std::vector<std::string> conditions;
  /// Rule ids behind it: the rules that scored points (promotion), the
  /// knockout rule, the recycle rule.
  std::vector<std::string> rules;
  double fit = 0;  ///< scores at the transition
  double engagement = 0;
  double total = 0;
  friend bool operator==(const Transition&, const Transition&) = default;
};

/// What apply() did with an event.
enum class ApplyResult : std::uint8_t {
  applied,    ///< counted, incrementally
  replayed,   ///< counted; older than the newest event, so the rules of its type were replayed
  duplicate,  ///< an event with the same id was applied before: ignored
  automated,  ///< flagged automated and the configuration ignores those: ignored
};
LEADSCORE_EXPORT std::string_view to_string(ApplyResult result) noexcept;

namespace detail {
struct StateData;
struct SavedState;
}  // namespace detail

class LEADSCORE_EXPORT LeadState {
 public:
  /// A state for `lead` (its profile, and any events it already has, which
  /// are applied in input order) under `qualifier`'s configuration.
  LeadState(Qualifier qualifier, Lead lead);
  LeadState(const LeadState& other);
  LeadState& operator=(const LeadState& other);
  LeadState(LeadState&&) noexcept;
  LeadState& operator=(LeadState&&) noexcept;
  ~LeadState();

  // ---- events and profile ----------------------------------------------

  /// Adds one event. Repeated deliveries (same non-empty id) and, unless the
  /// configuration says otherwise, automated events are ignored. Events in
  /// time order cost only the rules and aggregates subscribed to their
  /// type; an event older than the newest one (or of an implied_by type)
  /// marks the accumulators stale, and the next read (score, explain,
  /// observe, feedback, rescore) rebuilds them from the history once, in
  /// O(n log n): n events fed in any order cost O(n log n) before a read.
  ///
  /// What to_json() writes must load, so apply() enforces the limits that
  /// from_json() reads with (the defaults of leadscore::Limits): at most
  /// max_events_per_lead events, strings of at most max_string_length
  /// bytes, at most max_properties properties, an instant in years
  /// 0001..9999 (kFirstInstant..kLastInstant) and a lead of at most
  /// max_lead_bytes of JSON. An event beyond one throws leadscore::Error
  /// (`limit_exceeded` or `invalid_value`, pointer into the saved state)
  /// and changes nothing. The constructor checks its lead the same way.
  ApplyResult apply(Event event);
  /// Replaces the profile (contact, company, job title, attributes, ...);
  /// the events are kept. Fit rules see the new profile at the next score().
  /// Checked as lead JSON is read (throws leadscore::Error, changes nothing).
  void set_profile(Lead profile);
  /// The lead: profile plus every event counted so far, in the order applied.
  [[nodiscard]] const Lead& lead() const noexcept;
  [[nodiscard]] const Qualifier& qualifier() const noexcept;

  // ---- scores ------------------------------------------------------------

  /// The lead's qualification at `as_of`, from the incremental state (as
  /// Qualifier::qualify() would compute it from the history). Reading at an
  /// instant earlier than the newest event recomputes from the history.
  /// Stage conditions see the lifecycle fields stage.current,
  /// stage.days_in_stage and sales.status.
  /// Any instant may be read, Instant::min() and max() included (time
  /// arithmetic saturates).
  [[nodiscard]] Qualification score(Instant as_of) const;
  /// score() with every reason behind it (Qualifier::explain()).
  [[nodiscard]] Explanation explain(Instant as_of) const;

  // ---- lifecycle ---------------------------------------------------------

  /// Applies the lifecycle policy at `as_of`: promotion, demotion
  /// (monotonic / hysteresis / immediate), recycle rules, disqualification
  /// and requalification. Returns the transitions this observation added
  /// (usually none; a view into history(), valid until the next change).
  /// Observations must not go back in time: an as_of earlier than the last
  /// observation changes nothing and returns no transition. observe(),
  /// feedback() and rescore() record their instant, so it must lie in years
  /// 0001..9999, and the history must be under half of max_lead_bytes of
  /// JSON; otherwise they throw leadscore::Error and change nothing.
  std::span<const Transition> observe(Instant as_of);
  /// Records sales feedback at `at` and applies the policy: accepted locks
  /// the stage against demotion and against recycle rules that name
  /// "accepted" in `unless`; rejected and lost move the lead to
  /// feedback.rejected_stage / lost_stage and hold it there for the
  /// configured days; won moves it to feedback.won_stage, where scoring no
  /// longer moves it. Always adds one history entry.
  const Transition& feedback(SalesStatus status, Instant at, std::string reason = {});

  /// The current stage: "" before the first observation.
  [[nodiscard]] std::string_view stage() const noexcept;
  [[nodiscard]] std::optional<Instant> stage_entered_at() const noexcept;
  /// Days in the current stage at `as_of` (0 before the first observation).
  [[nodiscard]] double days_in_stage(Instant as_of) const noexcept;
  [[nodiscard]] SalesStatus sales_status() const noexcept;
  [[nodiscard]] bool disqualified() const noexcept;
  [[nodiscard]] const std::vector<Transition>& history() const noexcept;
  [[nodiscard]] std::optional<Instant> last_observed() const noexcept;

  // ---- model change and persistence ---------------------------------------

  /// Switches to `next`'s configuration: rebuilds the scores from the event
  /// history and re-classifies at `as_of` (the won stage and an unexpired
  /// hold are kept). Records a `rescored` transition when the stage changes
  /// and returns it.
  std::optional<Transition> rescore(Qualifier next, Instant as_of);

  /// The whole state as JSON (docs/lifecycle.md#persistence): format
  /// version, configuration name and fingerprint, the lead with its events,
  /// the lifecycle fields and the history.
  [[nodiscard]] std::string to_json() const;
  /// Loads a state saved by to_json() under `qualifier`. The scores are
  /// rebuilt from the saved events, so a state saved under an earlier
  /// configuration loads under a newer one (with a `config_changed` warning)
  /// unless its stage no longer exists (`state_unknown_stage`). Errors carry
  /// JSON pointers and line:column.
  ///
  /// A state is checked as far as it can be without a clock: its instants
  /// must agree with each other (entered_at, failing_since and every
  /// history entry set only with observed_at, and not later than it),
  /// `config` must be an object
  /// and its name and fingerprint strings; otherwise the errors are
  /// `invalid_value` / `wrong_type`.
  static Result<LeadState> from_json(const Qualifier& qualifier, std::string_view text);
  /// The same, and no saved instant (observed_at, entered_at, failing_since,
  /// a history entry) may be later than `not_after` (`invalid_value`).
  /// Pass the current time when states come from a store that others can
  /// write: an observed_at far in the future would otherwise make every
  /// observe() before it a no-op.
  static Result<LeadState> from_json(const Qualifier& qualifier, std::string_view text,
                                     Instant not_after);

 private:
  LeadState() = default;
  // The lifecycle fields that to_json() saves and from_json() restores
  // (src/lifecycle/saved_state.hpp).
  [[nodiscard]] detail::SavedState saved_state() const;
  void restore(detail::SavedState saved);
  static Result<LeadState> load_state(const Qualifier& qualifier, std::string_view text,
                                      std::optional<Instant> not_after);
  std::unique_ptr<detail::StateData> d_;
};

/// A fingerprint of a configuration: 16 hex digits of a hash of its
/// canonical JSON. Equal configurations have equal fingerprints.
LEADSCORE_EXPORT std::string config_fingerprint(const Config& config);

}  // namespace leadscore
