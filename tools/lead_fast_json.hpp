// A fast reader for JSONL leads (simdjson), used by `leadscore score` and
// `leadscore report` in front of the library's parse_lead.
//
// parse_lead (nlohmann_json) stays the reference: strict, with every
// diagnostic located. This reader only takes the lines it is sure about —
// well-formed JSON of the lead format, without duplicate keys, within the
// limits — and builds exactly the Lead parse_lead would build. Anything else
// (any error, any construct it does not handle) it declines, and the caller
// reads the line with parse_lead, which gives the diagnostics. So results,
// error records and their positions do not depend on which reader ran.
#pragma once

#include <cstddef>
#include <string_view>

#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"

namespace leadscore::cli {

/// Lines longer than this are always declined (they go to parse_lead), so
/// that each thread's simdjson parser stays small (about 1 MiB).
inline constexpr std::size_t kFastLeadMaxBytes = 64u << 10;

/// True when the tool was built with simdjson; otherwise fast_parse_lead
/// declines every line.
[[nodiscard]] bool fast_lead_reader_available() noexcept;

/// Reads one lead from JSON text. True: `out` holds the lead, equal field for
/// field (and bit for bit in every number) to parse_lead(text, limits).value(),
/// and parse_lead would have reported no diagnostic. False: declined; `out`
/// is unspecified and parse_lead must read the text. `out` may hold a previous
/// lead: its events' storage (vector, strings, properties) is reused.
/// Thread-safe: each thread has its own parser.
[[nodiscard]] bool fast_parse_lead(std::string_view text, const Limits& limits, Lead& out);

}  // namespace leadscore::cli
