// Nested rules (docs/calibration.md#nesting): when the rules of one
// candidate attribute (its values or bins) or of one pair (its cells)
// split the leads of another rule exactly, the model only knows the sum of
// the outer rule's and each inner rule's weight, and the regression splits
// it arbitrarily (a hand rule "student profile -15" could read +14 next to
// "job is student -27"). The outer rule is given the average over its leads
// (support-weighted), each inner rule the difference from it: the same
// predictions, and each rule's points read as its own effect. Inner rules
// whose difference rounds to 0 points are merged into the outer rule.
#pragma once

#include <cstddef>
#include <vector>

#include "calibrate/features.hpp"
#include "calibrate/fitting.hpp"

namespace leadscore::calibration {

/// A rule (feature `outer`) and the rules of one group whose leads split
/// its leads exactly (features `inner`, by feature index).
struct Nesting {
  std::size_t outer = 0;
  std::vector<std::size_t> inner;
};

/// The nestings of the active features on the training design: an outer
/// rule is a fit or engagement rule of the configuration or a candidate
/// value or bin (not a pair cell); its inner rules are candidates of one
/// other group, of the same kind, each holding only where it holds, whose
/// supports add up to its support. Pair cells are listed first (they nest
/// in values of their attributes, which may nest in the configuration's
/// rules).
std::vector<Nesting> find_nestings(const std::vector<Feature>& features, const Design& design);

/// Moves the support-weighted mean of the inner weights to the outer weight
/// of every nesting, in order (weight: per feature). The model's
/// predictions do not change.
void center_nestings(const std::vector<Nesting>& nestings, const std::vector<Feature>& features,
                     std::vector<double>& weight);

}  // namespace leadscore::calibration
