// Fuzz target: LeadState::from_json() on arbitrary text, under the default
// configuration and under one with a lifecycle. Properties:
//   - it yields a state or a non-empty list of errors, each with a code and
//     a valid pointer;
//   - a state that loads is saved by to_json() into text that loads again
//     and saves to the same text (what to_json() writes always loads);
//   - the loaded state reads, explains and observes without failing, at
//     ordinary instants and at Instant::min() / max() (score, explain).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"

namespace {

using leadscore::fuzz::check;

const leadscore::Qualifier& lifecycle_qualifier() {
  static const leadscore::Qualifier q = [] {
    leadscore::Config c = leadscore::Qualifier::with_default_config().config();
    c.lifecycle.regression = leadscore::Regression::hysteresis;
    c.lifecycle.demote_after_days = 3;
    return leadscore::Qualifier::build(c).value();
  }();
  return q;
}

void exercise(const leadscore::Qualifier& q, std::string_view text) {
  const auto loaded = leadscore::LeadState::from_json(q, text);
  for (const auto& d : loaded.diagnostics()) {
    check(!d.code.empty(), "a diagnostic without a code");
    check(d.pointer.empty() || d.pointer.front() == '/', "a diagnostic with a bad pointer");
  }
  if (!loaded.ok()) {
    check(leadscore::has_errors(loaded.diagnostics()), "no state and no error");
    return;
  }
  leadscore::LeadState state = loaded.value();
  const std::string saved = state.to_json();
  const auto again = leadscore::LeadState::from_json(q, saved);
  check(again.ok(), "what to_json() wrote does not load");
  check(again.value().to_json() == saved, "to_json() is not stable through from_json()");

  const auto as_of = leadscore::fuzz::fuzz_as_of();
  (void)state.score(as_of);
  (void)state.explain(as_of).to_text();
  (void)state.score(leadscore::Instant::max());
  (void)state.score(leadscore::Instant::min());
  (void)state.explain(leadscore::Instant::max());
  try {
    (void)state.observe(as_of);
    check(leadscore::LeadState::from_json(q, state.to_json()).ok(),
          "a state observed after loading does not load");
  } catch (const leadscore::Error&) {  // a limit of what a state can record
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > leadscore::fuzz::kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const leadscore::Qualifier default_q = leadscore::Qualifier::with_default_config();
  exercise(default_q, text);
  exercise(lifecycle_qualifier(), text);
  return 0;
}
