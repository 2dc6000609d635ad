// leadscore/text.hpp — how leadscore shows numbers and suggests names, for
// applications and tools that want to show the same things the same way.
//
// The library uses these for its own texts: condition texts and their actual
// values, the evidence of a contribution, Explanation::to_text(), diagnostics
// ("did you mean ..."), and the command-line tool uses them for everything it
// prints.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "leadscore/export.hpp"

namespace leadscore {

/// A number as leadscore shows it to people:
///  - an integral value below 1e15 in magnitude: its digits, without a
///    decimal point ("12", "-3", "0"; never "-0");
///  - any other finite value: rounded to `max_decimals` decimals (4 unless
///    given), then trailing zeros and a trailing point removed ("0.9205",
///    "35.5", "1234.5678"; a value that rounds to zero prints as "0");
///  - "nan", "inf" and "-inf" for the values that are not finite.
/// `max_decimals` (0 to 17) is for fixed-precision displays such as
/// percentages and rates; everything else uses the default.
LEADSCORE_EXPORT std::string format_number(double value, int max_decimals = 4);

/// The "did you mean" of leadscore's messages: the candidate nearest to
/// `name` by edit distance (ASCII letters compared case-insensitively),
/// within a distance that grows with the length of `name` (1 up to 3
/// characters, 2 up to 7, else 3); the first of equally near candidates; ""
/// when none is near enough.
LEADSCORE_EXPORT std::string suggest(std::string_view name,
                                     std::span<const std::string_view> candidates);
LEADSCORE_EXPORT std::string suggest(std::string_view name,
                                     std::span<const std::string> candidates);

}  // namespace leadscore
