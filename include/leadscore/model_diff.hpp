// Model change review: what replacing one scoring configuration by another
// does to a set of leads (stage moves, score changes and the rules behind
// them), for review before the new configuration goes live.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

/// How one lead fares under a new configuration.
struct LeadChange {
  std::string lead_id;
  std::size_t record = 0;    ///< index in the input
  std::string stage_before;  ///< "lead (disqualified: student)" style when knocked out
  std::string stage_after;
  double total_before = 0;
  double total_after = 0;
  /// One line per rule whose points changed, largest change first, e.g.
  /// "demo_request: 30 -> 40 (+10)", "email_opens: 5 -> 0 (rule removed)";
  /// when a score's bounds absorb part of the change, the line says what
  /// the clamped score does: "enterprise: 0 -> 5 (+5; fit moves by 0 after
  /// clamping)".
  std::vector<std::string> reasons;
};

/// The effect of replacing one configuration by another on a set of leads,
/// for review before the new one goes live.
struct ModelDiff {
  std::size_t leads = 0;
  std::size_t stage_changes = 0;  ///< leads whose stage (or disqualification) changes
  std::size_t score_changes = 0;  ///< leads whose total score changes
  /// Leads whose stage changes, in input order.
  std::vector<LeadChange> changes;
  /// Stage moves counted: (from, to, leads), sorted by from then to.
  std::vector<std::tuple<std::string, std::string, std::size_t>> moves;
  /// The instant both configurations were evaluated at.
  Instant as_of{};
  /// The lifecycle settings that differ, as JSON pointers
  /// ("/lifecycle/regression", "/lifecycle/recycle"). They are not reviewed:
  /// the diff scores each lead from its own events, while recycling,
  /// regression and feedback act on a LeadState's history.
  std::vector<std::string> lifecycle_changes;

  [[nodiscard]] LEADSCORE_EXPORT std::string to_text(std::size_t max_leads = 20) const;
  [[nodiscard]] LEADSCORE_EXPORT std::string to_json() const;
};

/// Scores every lead under both configurations at `as_of` and reports the
/// differences (stage changes with their reasons, score changes, counts),
/// and which lifecycle settings changed (not reviewed).
LEADSCORE_EXPORT ModelDiff diff_models(const Qualifier& before, const Qualifier& after,
                                       std::span<const Lead> leads, Instant as_of);

/// The keys of the lifecycle block that differ between two configurations,
/// as JSON pointers ("/lifecycle/regression"), in key order.
LEADSCORE_EXPORT std::vector<std::string> lifecycle_changes(const Config& before,
                                                            const Config& after);

}  // namespace leadscore
