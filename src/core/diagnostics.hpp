// Private helper for building diagnostics (the type itself is public:
// leadscore/diagnostics.hpp; src/core/diagnostics.cpp implements both).
#pragma once

#include <string>
#include <string_view>

#include "leadscore/diagnostics.hpp"

namespace leadscore::detail {

/// An error diagnostic without a position (line and column 0).
Diagnostic make_error(std::string_view code, std::string pointer, std::string message,
                      std::string suggestion = {});
/// The same, a warning.
Diagnostic make_warning(std::string_view code, std::string pointer, std::string message);

}  // namespace leadscore::detail
