// leadscore/io.hpp — JSON text in and out, without exposing a JSON library.
// (leadscore/json.hpp offers the same with nlohmann::json values.)
//
// Formats: docs/lead-format.md and docs/configuration.md. Every parse error
// names the JSON pointer and, for text input, the line and column.
#pragma once

#include <string>
#include <string_view>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"

namespace leadscore {

/// Parses one lead from JSON text. Unknown keys, wrong types, bad instants
/// and limit violations are errors, all reported at once.
LEADSCORE_EXPORT Result<Lead> parse_lead(std::string_view json_text, const Limits& limits = {});
/// Serialises a lead as compact JSON text; parse_lead(to_json_text(l)) == l.
LEADSCORE_EXPORT std::string to_json_text(const Lead& lead);

/// Parses a configuration (structure only: keys, types, operator names).
/// Field names, event types and semantics are checked by Qualifier::build.
LEADSCORE_EXPORT Result<Config> parse_config(std::string_view json_text, const Limits& limits = {});
/// Serialises a configuration as indented JSON text; parse_config round-trips it.
LEADSCORE_EXPORT std::string to_json_text(const Config& config);

/// Fills in line and column of each diagnostic from its JSON pointer, for
/// diagnostics about `json_text` (the innermost existing value is used when
/// the pointer goes deeper than the text).
LEADSCORE_EXPORT void locate(std::vector<Diagnostic>& diagnostics, std::string_view json_text);

}  // namespace leadscore
