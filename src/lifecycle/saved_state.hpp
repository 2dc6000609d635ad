// The lifecycle fields of a LeadState that its JSON form saves and restores
// (LeadState::saved_state() and restore(), src/lifecycle/lead_state.cpp; used
// by src/json/state_json.cpp). The scores are not saved: the lead's events
// rebuild them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/time.hpp"

namespace leadscore::detail {

/// A lead's place in the lifecycle: what LeadState keeps besides its ledger
/// (StateData derives from it) and what its JSON form saves.
struct LifecycleFields {
  std::string stage;  ///< "" before the first observation
  std::optional<Instant> entered;
  std::optional<Instant> observed;
  std::optional<Instant> failing_since;
  SalesStatus sales = SalesStatus::none;
  bool disqualified = false;
  std::vector<Transition> history;
};

struct SavedState : LifecycleFields {
  /// A hold (after rejected or lost feedback): no promotion above
  /// `hold_stage` until `hold_until`.
  std::optional<Instant> hold_until;
  std::string hold_stage;
};

}  // namespace leadscore::detail
