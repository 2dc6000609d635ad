// Private JSON helpers shared by the lead and configuration parsers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/diagnostics.hpp"

namespace leadscore::detail {

/// Strict parse of JSON text: syntax errors (code "json_syntax", with line
/// and column), duplicate object keys (code "duplicate_key", with pointer,
/// line and column), nesting deeper than `max_depth` and strings longer than
/// `max_string_length` (code "limit_exceeded"), and text larger than
/// `max_bytes` (code "limit_exceeded") are reported as error diagnostics.
/// Returns the value only when there was no error.
struct StrictParse {
  std::optional<nlohmann::json> value;
  std::vector<Diagnostic> diagnostics;
};
StrictParse parse_json_strict(std::string_view text, std::size_t max_bytes, std::size_t max_depth,
                              std::size_t max_string_length);

/// The same, with two more settings: arrays longer than `max_array_items`
/// stop the parse with a limit_exceeded (before they are built), and
/// without `quote_text` syntax errors never quote the text (nlohmann's
/// "last read: '...'" and the digits of an overflowing number): lead data.
struct StrictOptions {
  std::size_t max_bytes = 0;
  std::size_t max_depth = 0;
  std::size_t max_string_length = 0;
  std::size_t max_array_items = static_cast<std::size_t>(-1);
  bool quote_text = true;
};
StrictParse parse_json_strict(std::string_view text, const StrictOptions& options);

/// Line and column (1-based) of the value at `pointer` in `text`; when the
/// pointer goes deeper than the text, of the innermost existing value on its
/// path. {0, 0} when the text is not valid JSON.
struct TextPosition {
  std::size_t line = 0;
  std::size_t column = 0;
};
TextPosition position_of(std::string_view text, std::string_view pointer);

/// "object", "array", "string", "number", "boolean", "null".
std::string_view json_type_name(const nlohmann::json& value) noexcept;

/// A number as JSON for the lead and result writers: integral values that an
/// int64 holds exactly as integers (250, not 250.0); everything else as a
/// double.
nlohmann::json number_json(double value);

}  // namespace leadscore::detail
