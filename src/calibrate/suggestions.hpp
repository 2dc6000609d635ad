// Rule suggestions: attribute values or bins that no rule uses and event
// types that no rule names, with their lift on the training leads.
#pragma once

#include <span>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "calibrate/features.hpp"

namespace leadscore::calibration {

/// Every suggestion with at least options.min_support training leads, best
/// lift first (stable): candidate rules on fields the configuration does not
/// use (no interaction cells), then event types it does not name
/// (`count(T) >= 1`). train_y[k] is the outcome of lead train[k].
std::vector<RuleSuggestion> rule_suggestions(const FeatureSet& set, const FeatureMatrix& matrix,
                                             const UsedNames& used, std::span<const Lead> leads,
                                             std::span<const Instant> as_of,
                                             const std::vector<std::size_t>& train,
                                             const std::vector<bool>& train_y,
                                             const CalibrationOptions& options);

}  // namespace leadscore::calibration
