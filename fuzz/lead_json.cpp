// Fuzz target: lead JSON text -> parse_lead -> evaluate.
//
// Checks besides "no crash, no exception, no hang, no leak": ok() is true
// exactly when no diagnostic is an error and a failure has diagnostics; a
// parsed lead survives the JSON round trip unchanged
// (parse_lead(to_json_text(lead)) == lead, and the text is stable); the
// default and a rich configuration score it with explain() and derive()
// agreeing with qualify().
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"
#include "support/random_leads.hpp"

using leadscore::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > leadscore::fuzz::kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  leadscore::Limits limits;
  limits.max_events_per_lead = 2000;
  limits.max_properties = 100;

  auto parsed = leadscore::parse_lead(text, limits);
  check(parsed.ok() != leadscore::has_errors(parsed.diagnostics()), "ok() disagrees with errors");
  for (const auto& d : parsed.diagnostics()) {
    check(!d.code.empty() && !d.message.empty(), "a diagnostic without code or message");
    check(d.pointer.empty() || d.pointer[0] == '/', "a pointer that does not start with '/'");
  }
  if (!parsed.ok()) {
    check(!parsed.diagnostics().empty(), "failed without a diagnostic");
    return 0;
  }
  const leadscore::Lead& lead = *parsed;

  const std::string json = leadscore::to_json_text(lead);
  auto again = leadscore::parse_lead(json, limits);
  check(again.ok(), "to_json_text() of a parsed lead does not parse");
  check(*again == lead, "the lead changed in the JSON round trip");
  check(leadscore::to_json_text(*again) == json, "to_json_text() is not stable");

  static const leadscore::Qualifier qualifiers[] = {
      leadscore::Qualifier::with_default_config(),
      leadscore::Qualifier::build(leadscore::test::rich_config()).value()};
  const auto as_of = leadscore::fuzz::fuzz_as_of();
  for (const auto& q : qualifiers) {
    const auto a = q.qualify(lead, as_of);
    const auto e = q.explain(lead, as_of);
    check(leadscore::fuzz::identical(a, e.result), "explain().result != qualify()");
    check(leadscore::fuzz::same_facts(q.derive(lead, as_of), e.facts),
          "derive() != explain().facts");
    (void)e.to_text();
  }
  return 0;
}
