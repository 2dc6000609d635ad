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
#include "leadscore/qualifier.hpp"

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

/// fast_parse_lead() straight into `qualifier`'s bound form: the attributes
/// the qualifier reads by slot go to their slot (texts as views into this
/// thread's parser, valid until its next parse), those it reads by name into
/// the bound lead's own Lead, the others are checked and dropped. False when
/// fast_parse_lead() would decline (`out` is then unspecified). `out` is
/// for scoring with `qualifier` only: its lead() lacks the dropped attributes.
[[nodiscard]] bool fast_parse_bound(std::string_view text, const Limits& limits,
                                    const Qualifier& qualifier, BoundLead& out);

/// The lead `out` owns, to read a whole lead into (a line the fast reader
/// declines); then bind_owned_lead() binds it to `qualifier`.
[[nodiscard]] Lead& owned_lead(BoundLead& out) noexcept;
void bind_owned_lead(const Qualifier& qualifier, BoundLead& out);

}  // namespace leadscore::cli
