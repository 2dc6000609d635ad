// Timing benchmarks of leadscore (Google Benchmark). Each figure comes with a
// baseline measured in the same run, so results can be read as ratios on a
// noisy machine (counters x_<baseline> and speedup_vs_1_thread):
//
//   Fit30/hand_written       hand-written C++ computing fit30's scores on its own
//                            struct, text lower-cased beforehand (baseline)
//   Fit30/qualify            qualify(), 30 fit rules, leads without events
//   NoRules/qualify          qualify() with no rules: the fixed cost per lead
//   Default50/qualify        default_config(), one lead with 50 events (baseline)
//   Default50/explain        explain() on the same lead
//   Default50Unsorted/qualify  the same 50 events, not in time order
//   Events/qualify/events:N/sorted:B  default_config(), N events, in order or not
//   QualifyAll/leads:1000000/threads:N  qualify_all() over 1,000,000 leads
//                            (100,000 in unoptimised builds), N threads
//   QualifyAll/leads:1024/threads:N     the same over 1,024 cache-resident leads
//   Build1000/...            building a Qualifier from a 1,000-rule configuration
//
// The crm31 workload (custom attributes read through a CSV mapping) is in
// crm_bench.cpp. Allocation counts are in allocations.cpp (a separate
// program, because its counting operator new and memory manager would slow
// these down).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

namespace {

using leadscore::Config;
using leadscore::Lead;
using leadscore::Qualification;
using leadscore::Qualifier;

constexpr std::size_t kFitLeads = 4096;  // power of two: cycled with a mask

const std::vector<Lead>& fit_leads() {
  static const std::vector<Lead> leads = bench::generate_leads(42, kFitLeads, bench::make_profile);
  return leads;
}

/// The same leads as the hand-written function's own struct, filled once
/// (text lower-cased) outside the timed loops.
const std::vector<bench::hand::Fit30Lead>& fit_plain_leads() {
  static const std::vector<bench::hand::Fit30Lead> plain = [] {
    std::vector<bench::hand::Fit30Lead> out;
    out.reserve(kFitLeads);
    for (const Lead& lead : fit_leads()) out.push_back(bench::hand::to_fit30_lead(lead));
    return out;
  }();
  return plain;
}

/// Checked once, outside timing: the hand-written function agrees with
/// qualify() on every benchmark lead (fit score and fit grade). Returns an
/// empty string when it does, else the first difference.
const std::string& fit30_mismatch(const Qualifier& q) {
  static const std::string message = [&q] {
    std::size_t grades[4] = {0, 0, 0, 0};
    for (std::size_t i = 0; i < kFitLeads; ++i) {
      const Lead& lead = fit_leads()[i];
      const Qualification r = q.qualify(lead, bench::as_of());
      const bench::hand::FitResult h = bench::hand_written_fit(fit_plain_leads()[i]);
      if (r.fit != h.fit || r.fit_grade != h.grade) {
        return "hand-written fit differs from qualify() on " + lead.id + ": qualify " +
               std::to_string(r.fit) + " " + std::string(r.fit_grade) + ", hand-written " +
               std::to_string(h.fit) + " " + std::string(h.grade);
      }
      if (!r.fit_grade.empty()) ++grades[(r.fit_grade[0] - 'A') & 3];
    }
    // The comparison is only meaningful when the leads spread over the bands.
    for (std::size_t g : grades) {
      if (g == 0) return std::string("benchmark leads do not cover every fit grade");
    }
    return std::string();
  }();
  return message;
}

/// The fit30 Qualifier once fit30_mismatch() found no difference; else
/// nullptr after SkipWithError.
const Qualifier* checked_fit30_qualifier(benchmark::State& state) {
  const Qualifier* q = bench::fit30_qualifier(state);
  if (!q) return nullptr;
  if (const std::string& m = fit30_mismatch(*q); !m.empty()) {
    state.SkipWithError(m.c_str());
    return nullptr;
  }
  return q;
}

// ---- 30 fit rules: hand-written baseline vs qualify() -----------------------

void Fit30_hand_written(benchmark::State& state) {
  if (!checked_fit30_qualifier(state)) return;
  bench::time_cycled(
      state, fit_plain_leads(),
      [](const bench::hand::Fit30Lead& lead) { return bench::hand_written_fit(lead); },
      "hand_written");
}
BENCHMARK(Fit30_hand_written)->Name("Fit30/hand_written");

void Fit30_qualify(benchmark::State& state) {
  const Qualifier* q = checked_fit30_qualifier(state);
  if (!q) return;
  const leadscore::Instant as_of = bench::as_of();
  bench::time_cycled(
      state, fit_leads(), [q, as_of](const Lead& lead) { return q->qualify(lead, as_of); },
      "fit30_qualify", "hand_written");
}
BENCHMARK(Fit30_qualify)->Name("Fit30/qualify");

// The fixed cost of qualify() (derived facts, scratch reset, grades, result)
// with no rule at all, on the same leads: what the 30 rules add is the rest.
void NoRules_qualify(benchmark::State& state) {
  Config empty;
  empty.name = "empty";
  static const std::optional<Qualifier> q = bench::build_or_skip(state, empty);
  if (!q) return;
  const leadscore::Instant as_of = bench::as_of();
  bench::time_cycled(
      state, fit_leads(), [as_of](const Lead& lead) { return q->qualify(lead, as_of); },
      "no_rules_qualify", "hand_written");
}
BENCHMARK(NoRules_qualify)->Name("NoRules/qualify");

// ---- default configuration, one lead with 50 events -------------------------

void Default50_qualify(benchmark::State& state) {
  const Qualifier& q = bench::default_qualifier();
  const Lead& lead = bench::shared_busy_lead();
  const leadscore::Instant as_of = bench::as_of();
  bench::time_repeated(
      state, [&] { return q.qualify(lead, as_of); }, "default50_qualify");
  const Qualification r = q.qualify(lead, as_of);
  state.SetLabel("stage " + std::string(r.stage) + ", grade " + std::string(r.grade));
}
BENCHMARK(Default50_qualify)->Name("Default50/qualify");

void Default50_explain(benchmark::State& state) {
  const Qualifier& q = bench::default_qualifier();
  const Lead& lead = bench::shared_busy_lead();
  const leadscore::Instant as_of = bench::as_of();
  bench::LoopClock clock;
  for (auto _ : state) {
    leadscore::Explanation e = q.explain(lead, as_of);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  clock.finish(state, "default50_explain", state.iterations(), "default50_qualify");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Default50_explain)->Name("Default50/explain");

// Events in no particular order (as an application may append them): rules
// with a per-day cap then need the rank of each event within its day.
void Default50Unsorted_qualify(benchmark::State& state) {
  static const Lead lead = [] {
    Lead l = bench::busy_lead();
    bench::Rng rng(7);
    for (std::size_t i = l.events.size(); i > 1; --i) {
      std::swap(l.events[i - 1], l.events[rng.below(static_cast<std::uint32_t>(i))]);
    }
    return l;
  }();
  const Qualifier& q = bench::default_qualifier();
  const leadscore::Instant as_of = bench::as_of();
  if (q.qualify(lead, as_of) != q.qualify(bench::shared_busy_lead(), as_of)) {
    state.SkipWithError("event order changed the result");
    return;
  }
  bench::time_repeated(
      state, [&] { return q.qualify(lead, as_of); }, "default50_unsorted_qualify",
      "default50_qualify");
}
BENCHMARK(Default50Unsorted_qualify)->Name("Default50Unsorted/qualify");

// Cost per event as the history grows, events in time order or not (rules
// with a per-day cap rank each event within its day when they are not).
void Events_qualify(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool sorted = state.range(1) != 0;
  const Lead lead = bench::lead_with_events(n, sorted);
  const Qualifier& q = bench::default_qualifier();
  const leadscore::Instant as_of = bench::as_of();
  const double ns = bench::time_repeated(
      state, [&] { return q.qualify(lead, as_of); },
      "events_" + std::to_string(n) + (sorted ? "_sorted" : "_unsorted"));
  state.counters["ns_per_event"] = n > 0 ? ns / static_cast<double>(n) : 0.0;
}
BENCHMARK(Events_qualify)
    ->Name("Events/qualify")
    ->ArgNames({"events", "sorted"})
    ->ArgsProduct({{10, 50, 200, 1000}, {1, 0}});

// ---- qualify_all over a batch -------------------------------------------------

#if defined(__OPTIMIZE__)
constexpr std::int64_t kBigBatch = 1'000'000;
#else
// Unoptimised builds (the dev preset runs every benchmark once as a smoke
// test) use a tenth, so that the smoke test stays well within its timeout.
constexpr std::int64_t kBigBatch = 100'000;
#endif

/// `n` batch leads (a profile and 3..7 events each), generated once per size.
const std::vector<Lead>& batch_leads(std::size_t n) {
  static std::map<std::size_t, std::vector<Lead>> cache;  // benchmarks run on one thread
  auto it = cache.find(n);
  if (it == cache.end()) {
    it =
        cache.emplace(n, bench::generate_leads(static_cast<std::uint32_t>(n), n, bench::batch_lead))
            .first;
  }
  return it->second;
}

// qualify_all() into a preallocated span (so the figure is the evaluation,
// not the allocation of the result vector). Wall time (UseRealTime) gives
// items_per_second and speedup_vs_1_thread; the CPU column is the whole
// process's CPU time (MeasureProcessCPUTime): about the same for 1 and 2
// threads when the threads do not slow each other down, whatever else runs
// on the machine.
void QualifyAll(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const Qualifier& q = bench::default_qualifier();
  const std::vector<Lead>& leads = batch_leads(n);  // generated once, before timing
  std::vector<Qualification> out(n);
  const leadscore::Instant as_of = bench::as_of();
  bench::LoopClock clock(bench::LoopClock::Kind::wall);
  for (auto _ : state) {
    q.qualify_all(std::span<const Lead>(leads), as_of, std::span<Qualification>(out), threads);
    benchmark::ClobberMemory();
  }
  const auto items = state.iterations() * static_cast<std::int64_t>(n);
  const std::string prefix = "qualify_all_" + std::to_string(n) + "_";
  const std::string name = prefix + std::to_string(threads) + "t";
  state.counters["ns_per_lead"] = clock.finish(state, name, items);
  state.SetItemsProcessed(items);
  if (threads > 1) {
    const auto one = bench::Ratios::get().find(prefix + "1t");
    const auto self = bench::Ratios::get().find(name);
    if (one && self && *self > 0) state.counters["speedup_vs_1_thread"] = *one / *self;
  }
}
// The big batch: a few iterations only.
BENCHMARK(QualifyAll)
    ->ArgNames({"leads", "threads"})
    ->Args({kBigBatch, 1})
    ->Args({kBigBatch, 2})
    ->Iterations(3)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
// 1,024 leads that stay in cache: separates the evaluator's own thread
// scaling from the memory traffic of the big batch (each call also pays for
// starting the worker thread).
BENCHMARK(QualifyAll)
    ->ArgNames({"leads", "threads"})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMicrosecond);

// ---- building a Qualifier from 1,000 rules -------------------------------------

const Config& config_1000() {
  static const Config c = bench::generated_config(1000);
  return c;
}

// From the C++ model. The copy of the Config handed to build() and the
// destruction of the previous Qualifier are outside the timed region.
void Build1000_from_config(benchmark::State& state) {
  const Config& config = config_1000();
  {
    auto check = Qualifier::build(config);
    if (!check.ok()) {
      state.SkipWithError(leadscore::to_string(check.diagnostics()).c_str());
      return;
    }
    state.counters["rules"] = static_cast<double>(check->config().rules.size());
    state.counters["warnings"] = static_cast<double>(check->warnings().size());
  }
  std::optional<leadscore::Result<Qualifier>> built;
  for (auto _ : state) {
    state.PauseTiming();
    built.reset();
    Config copy = config;
    state.ResumeTiming();
    built.emplace(Qualifier::build(std::move(copy)));
    benchmark::DoNotOptimize(*built);
  }
}
BENCHMARK(Build1000_from_config)->Name("Build1000/from_config")->Unit(benchmark::kMillisecond);

// From JSON text: parsing plus building (what from_json_file costs).
void Build1000_from_json(benchmark::State& state) {
  static const std::string text = leadscore::to_json_text(config_1000());
  {
    auto check = Qualifier::from_json_text(text);
    if (!check.ok()) {
      state.SkipWithError(leadscore::to_string(check.diagnostics()).c_str());
      return;
    }
  }
  std::optional<leadscore::Result<Qualifier>> built;
  for (auto _ : state) {
    state.PauseTiming();
    built.reset();
    state.ResumeTiming();
    built.emplace(Qualifier::from_json_text(text));
    benchmark::DoNotOptimize(*built);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(Build1000_from_json)->Name("Build1000/from_json")->Unit(benchmark::kMillisecond);

}  // namespace
