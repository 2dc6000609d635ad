// Continuous qualification (LeadState) against full recomputation, default
// configuration. Ratios are against LeadState/full_recompute_500 measured in
// the same run:
//   LeadState/apply_event        one event applied in time order (target < 200 ns)
//   LeadState/apply_event_late   one event older than the newest (replays its rules)
//   LeadState/score              reading a 500-event state at a later as_of
//   LeadState/observe            score() plus the lifecycle policy, no transition
//   LeadState/full_recompute_500 Qualifier::qualify() on the same 500-event lead
#include <chrono>
#include <vector>

#include <benchmark/benchmark.h>

#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

#include "bench_support.hpp"

namespace {

using leadscore::Event;
using leadscore::Instant;
using leadscore::Lead;
using leadscore::LeadState;
using leadscore::Qualifier;

/// `n` events of mixed types over the 60 days before as_of, in time order.
std::vector<Event> stream(std::size_t n) {
  const Lead l = bench::lead_with_events(n, /*sorted=*/true);
  return l.events;
}

Lead profile() {
  Lead l = bench::busy_lead();
  l.events.clear();
  return l;
}

void full_recompute_500(benchmark::State& state) {
  Lead lead = profile();
  lead.events = stream(500);
  const Instant as_of = bench::as_of();
  const Qualifier& q = bench::default_qualifier();
  bench::time_repeated(
      state, [&] { return q.qualify(lead, as_of); }, "full_recompute_500");
}
BENCHMARK(full_recompute_500)->Name("LeadState/full_recompute_500");

void apply_event(benchmark::State& state) {
  const std::vector<Event> events = stream(10'000);
  const Lead base = profile();
  LeadState lead_state(bench::default_qualifier(), base);
  std::size_t i = 0;
  bench::LoopClock clock;
  for (auto _ : state) {
    if (i == events.size()) {  // a fresh lead every 10,000 events
      state.PauseTiming();
      lead_state = LeadState(bench::default_qualifier(), base);
      i = 0;
      state.ResumeTiming();
    }
    auto r = lead_state.apply(events[i++]);
    benchmark::DoNotOptimize(r);
  }
  clock.finish(state, "apply_event", state.iterations(), "full_recompute_500");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(apply_event)->Name("LeadState/apply_event");

void apply_event_late(benchmark::State& state) {
  const std::vector<Event> events = stream(50);
  Lead base = profile();
  base.events = events;
  base.events.pop_back();
  LeadState lead_state(bench::default_qualifier(), base);
  Event late = events.front();  // older than the newest event
  bench::LoopClock clock;
  std::size_t n = 0;
  for (auto _ : state) {
    if (++n % 256 == 0) {
      state.PauseTiming();
      lead_state = LeadState(bench::default_qualifier(), base);
      state.ResumeTiming();
    }
    auto r = lead_state.apply(late);
    benchmark::DoNotOptimize(r);
  }
  clock.finish(state, "apply_event_late", state.iterations(), "full_recompute_500");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(apply_event_late)->Name("LeadState/apply_event_late");

void score(benchmark::State& state) {
  Lead lead = profile();
  lead.events = stream(500);
  const LeadState lead_state(bench::default_qualifier(), lead);
  const Instant as_of = bench::as_of();
  bench::time_repeated(
      state, [&] { return lead_state.score(as_of); }, "score", "full_recompute_500");
  const auto q = lead_state.score(as_of);
  state.SetLabel("stage " + std::string(q.stage));
}
BENCHMARK(score)->Name("LeadState/score");

void observe(benchmark::State& state) {
  Lead lead = profile();
  lead.events = stream(500);
  LeadState lead_state(bench::default_qualifier(), lead);
  Instant as_of = bench::as_of();
  lead_state.observe(as_of);
  bench::time_repeated(
      state,
      [&] {
        as_of += std::chrono::milliseconds(1);
        return lead_state.observe(as_of);
      },
      "observe", "full_recompute_500");
}
BENCHMARK(observe)->Name("LeadState/observe");

}  // namespace
