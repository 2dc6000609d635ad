// Which rules hold for each lead: the one place where calibration asks the
// engine about individual rules.
//
// The interface says what calibration needs (per lead, the value of each
// rule). The implementation (rule_hits.cpp) compiles the rules into one
// Qualifier and listens to the evaluator's rule hits
// (Qualifier::qualify(lead, as_of, RuleListener&)).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "calibrate/common.hpp"

namespace leadscore::calibration {

/// Evaluates `rules` (with the options of `config`: time zone, event
/// handling; its own rules and stages are ignored) on every lead at its
/// as-of instant (`as_of`: one for all leads, or one per lead) and appends
/// to rows[i], sorted by k, a pair (first + k, value) for every rule k whose
/// value on lead i is non-zero:
///   - a fit or engagement rule: 1 when it holds (its points are ignored);
///   - a behaviour rule: the points it adds (window, per-day cap, decay and
///     max_points applied); with points 1, the number of counted events.
/// All the rules go into one Qualifier, or, beyond what one configuration
/// may hold under the default Limits (max_rules, max_behavior_rules), into
/// one Qualifier per consecutive chunk of that size; each lead is evaluated
/// once per Qualifier. rows.size() == leads.size(). `threads` as
/// CalibrationOptions::threads; the result does not depend on it. Errors
/// (message "calibration feature rule: ..."): a rule the engine rejects (for
/// example more event aggregates or event types than the default Limits
/// allow in one chunk), a knockout rule (not a feature); rows are then
/// unchanged.
std::vector<Diagnostic> rule_hits(const Config& config, std::span<const Rule> rules,
                                  std::uint32_t first, std::span<const Lead> leads,
                                  std::span<const Instant> as_of, unsigned threads,
                                  std::vector<SparseRow>& rows);

}  // namespace leadscore::calibration
