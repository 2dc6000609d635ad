// Fuzz target: a configuration (tests/support/random_config.hpp, with the
// input bytes as the random source) and a sequence of LeadState operations
// drawn from the same bytes: apply (events in any order, repeated ids,
// automated ones, instants at and beyond the ends of years 0001..9999),
// observe, feedback, score / explain at any instant (Instant::min() and
// max() included), set_profile and rescore. Properties:
//   - an operation throws leadscore::Error only for an instant outside
//     years 0001..9999, and then changes nothing (the saved text is equal);
//   - what to_json() writes always loads, and loads to the same text;
//   - the loaded state (scores rebuilt from the events at once) scores like
//     the state built one operation at a time (1e-9 relative).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"
#include "support/random_config.hpp"

namespace {

using leadscore::Instant;
using leadscore::fuzz::check;
using Gen = leadscore::test::Generator<leadscore::fuzz::ByteSource>;

/// An instant near as_of, or now and then one at or past the edges.
Instant draw_instant(leadscore::fuzz::ByteSource& source, Instant as_of) {
  using std::chrono::milliseconds;
  switch (source.below(16)) {
    case 0:
      return Instant::min();
    case 1:
      return Instant::max();
    case 2:
      return leadscore::kFirstInstant - milliseconds(source.below(2));
    case 3:
      return leadscore::kLastInstant + milliseconds(source.below(2));
    default:
      return as_of + std::chrono::hours(static_cast<int>(source.below(24 * 60)) - 24 * 50);
  }
}

bool close(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

/// Runs `op`; it may throw leadscore::Error only when `instant` is out of
/// range, and then must leave the state as it was.
template <class Op>
void guarded(leadscore::LeadState& state, Instant instant, Op op) {
  const std::string before = state.to_json();
  try {
    op();
  } catch (const leadscore::Error&) {
    check(!leadscore::in_instant_range(instant), "an operation threw for an instant in range");
    check(state.to_json() == before, "an operation that threw changed the state");
  }
}

void one_operation(leadscore::LeadState& state, Gen& gen, leadscore::fuzz::ByteSource& source,
                   const leadscore::Qualifier& next, Instant as_of) {
  const Instant at = draw_instant(source, as_of);
  switch (source.below(9)) {
    case 0:
    case 1:
    case 2: {
      leadscore::Event e = gen.event(as_of);
      if (source.below(4) == 0) e.at = at;
      const Instant when = e.at;
      guarded(state, when, [&] {
        const auto r = state.apply(std::move(e));
        check(leadscore::in_instant_range(when) || r == leadscore::ApplyResult::automated ||
                  r == leadscore::ApplyResult::duplicate,
              "apply() took an instant out of range");
      });
      break;
    }
    case 3:
      guarded(state, at, [&] { (void)state.observe(at); });
      break;
    case 4: {
      const auto status = static_cast<leadscore::SalesStatus>(source.below(5));
      guarded(state, at, [&] { (void)state.feedback(status, at, "r"); });
      break;
    }
    case 5:
      (void)state.score(at);
      (void)state.explain(at);
      (void)state.days_in_stage(at);
      break;
    case 6:
      state.set_profile(gen.lead(0));
      break;
    case 7:
      guarded(state, at, [&] { (void)state.rescore(next, at); });
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const Instant as_of = leadscore::fuzz::fuzz_as_of();
  leadscore::fuzz::ByteSource source(data, size);
  Gen gen(source, as_of);
  leadscore::Config config = gen.config(8, 4);
  config.lifecycle.regression = static_cast<leadscore::Regression>(source.below(3));
  config.lifecycle.demote_after_days = source.below(4);
  if (source.below(3) == 0) config.lifecycle.feedback.rejected_hold_days = 1e7;  // past 9999
  auto built = leadscore::Qualifier::build(config);
  if (!built.ok()) return 0;
  const leadscore::Qualifier& q = *built;
  auto other = leadscore::Qualifier::build(gen.config(6, 3));
  const leadscore::Qualifier& next = other.ok() ? *other : q;

  leadscore::LeadState state(q, gen.lead(6));
  for (int i = 0; i < 48 && source.used() < size; ++i)
    one_operation(state, gen, source, next, as_of);

  const std::string saved = state.to_json();
  const auto loaded = leadscore::LeadState::from_json(state.qualifier(), saved);
  check(loaded.ok(), "what to_json() wrote does not load");
  check(loaded.value().to_json() == saved, "to_json() is not stable through from_json()");
  for (const Instant t : {as_of, as_of + std::chrono::hours(24 * 40), Instant::max()}) {
    const auto a = state.score(t);
    const auto b = loaded.value().score(t);
    check(close(a.fit, b.fit) && close(a.engagement, b.engagement) && close(a.total, b.total),
          "the loaded state scores differently from the incremental one");
  }
  return 0;
}
