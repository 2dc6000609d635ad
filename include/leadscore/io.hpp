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
#include "leadscore/qualifier.hpp"

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

// ---------------------------------------------------------------------------
// Writing JSON text by hand (output paths that build records themselves, such
// as `leadscore score`; docs/cli.md#output-jsonl)
// ---------------------------------------------------------------------------

/// Appends `text` as a JSON string literal: '"' and '\' escaped, control
/// characters as \n, \t, ... or \u00XX, well-formed UTF-8 as it is, and
/// each byte that is not part of well-formed UTF-8 as \ufffd.
LEADSCORE_EXPORT void append_json_string(std::string& out, std::string_view text);
/// Appends a JSON number: an integral value below 2^53 in magnitude as an
/// integer, any other finite value as the shortest text that reads back to
/// the same double, NaN and infinities as null.
LEADSCORE_EXPORT void append_json_number(std::string& out, double value);
/// Appends the members that summarise a qualification, without braces:
///   "stage":"SQL","fit":90,"engagement":35.5,"total":125.5,"grade":"A3",
///   "disqualified":false,"reason":null
/// — the names and values of to_json(const Qualification&) (leadscore/json.hpp)
/// in this order, less fit_grade and engagement_grade; `reason` is null
/// unless the lead is disqualified. `leadscore score` writes
/// {"id":...,<these>} for each lead.
LEADSCORE_EXPORT void append_json_summary(std::string& out, const Qualification& result);

}  // namespace leadscore
