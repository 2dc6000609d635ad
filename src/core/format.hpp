// Private formatting helpers for the library's messages. The number rule,
// format_number(), is public (leadscore/text.hpp) and lives in format.cpp.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "leadscore/text.hpp"

namespace leadscore::detail {

/// `text` when it has at most `max_bytes` bytes; else its first `cut` bytes
/// (fewer, so as not to split a UTF-8 sequence) followed by "...".
std::string shorten(std::string_view text, std::size_t max_bytes, std::size_t cut);

/// `text` between double quotes, as written (no escaping): in_quotes("a") == "\"a\"".
std::string in_quotes(std::string_view text);

/// `names` separated by `separator`, the last two by `last_separator`:
/// join({"a", "b", "c"}, ", ", " or ") == "a, b or c".
std::string join(std::span<const std::string_view> names, std::string_view separator = ", ",
                 std::string_view last_separator = ", ");

}  // namespace leadscore::detail
