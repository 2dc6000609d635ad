// Heap allocations per call (Google Benchmark). qualify() promises no heap
// allocation; this program proves it two ways:
//
//  * a counting global operator new/delete for the whole program, read by a
//    benchmark::MemoryManager: with --benchmark_format=json (or
//    --benchmark_out=FILE) each benchmark reports "allocs_per_iter" and
//    "max_bytes_used" from an extra 16-iteration run (Google Benchmark 1.7.1
//    does not print them on the console);
//  * counter "allocs_per_lead": the allocations counted around the timing
//    loop itself, divided by the leads processed, on every output format.
//
// Everything the memory manager sees between Start() and Stop() counts,
// including what Google Benchmark allocates to run the benchmark
// (Framework/empty_loop shows that constant; subtract it).
//
// explain() is here on purpose: it must allocate, which shows the counting works.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

// ---------------------------------------------------------------------------
// Counting operator new / delete
// ---------------------------------------------------------------------------
namespace {

std::atomic<std::int64_t> g_allocs{0};
std::atomic<std::int64_t> g_bytes{0};
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

// Every block carries its size in a header so delete can keep g_live exact.
constexpr std::size_t kHeader = alignof(std::max_align_t);

void note_alloc(std::size_t size) noexcept {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(static_cast<std::int64_t>(size), std::memory_order_relaxed);
  const std::int64_t live =
      g_live.fetch_add(static_cast<std::int64_t>(size), std::memory_order_relaxed) +
      static_cast<std::int64_t>(size);
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

void* counted_alloc(std::size_t size, std::size_t align) noexcept {
  const std::size_t header = align > kHeader ? align : kHeader;
  void* raw = nullptr;
  if (align > kHeader) {
    const std::size_t total = (size + header + align - 1) / align * align;
    raw = std::aligned_alloc(align, total);
  } else {
    raw = std::malloc(size + header);
  }
  if (!raw) return nullptr;
  auto* bytes = static_cast<unsigned char*>(raw);
  *reinterpret_cast<std::size_t*>(bytes + header - sizeof(std::size_t)) = size;
  note_alloc(size);
  return bytes + header;
}

// Not inlined: GCC's -Wmismatched-new-delete would otherwise see free() applied
// to a pointer that came from operator new (which is what we mean here).
[[gnu::noinline]] void counted_free(void* p, std::size_t align) noexcept {
  if (!p) return;
  const std::size_t header = align > kHeader ? align : kHeader;
  auto* bytes = static_cast<unsigned char*>(p) - header;
  const std::size_t size = *reinterpret_cast<std::size_t*>(bytes + header - sizeof(std::size_t));
  g_live.fetch_sub(static_cast<std::int64_t>(size), std::memory_order_relaxed);
  std::free(bytes);
}

void* alloc_or_throw(std::size_t size, std::size_t align) {
  if (void* p = counted_alloc(size == 0 ? 1 : size, align)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) { return alloc_or_throw(size, kHeader); }
void* operator new[](std::size_t size) { return alloc_or_throw(size, kHeader); }
void* operator new(std::size_t size, std::align_val_t al) {
  return alloc_or_throw(size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al) {
  return alloc_or_throw(size, static_cast<std::size_t>(al));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size == 0 ? 1 : size, kHeader);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size == 0 ? 1 : size, kHeader);
}
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_alloc(size == 0 ? 1 : size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_alloc(size == 0 ? 1 : size, static_cast<std::size_t>(al));
}
void operator delete(void* p) noexcept { counted_free(p, kHeader); }
void operator delete[](void* p) noexcept { counted_free(p, kHeader); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p, kHeader); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p, kHeader); }
void operator delete(void* p, std::align_val_t al) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}
void operator delete[](void* p, std::align_val_t al) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}
void operator delete(void* p, std::size_t, std::align_val_t al) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}
void operator delete[](void* p, std::size_t, std::align_val_t al) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p, kHeader); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p, kHeader); }
void operator delete(void* p, std::align_val_t al, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}
void operator delete[](void* p, std::align_val_t al, const std::nothrow_t&) noexcept {
  counted_free(p, static_cast<std::size_t>(al));
}

// ---------------------------------------------------------------------------
// The memory manager (Google Benchmark 1.7.1 interface)
// ---------------------------------------------------------------------------
namespace {

class CountingMemoryManager final : public benchmark::MemoryManager {
 public:
  void Start() override {
    allocs_ = g_allocs.load(std::memory_order_relaxed);
    bytes_ = g_bytes.load(std::memory_order_relaxed);
    live_ = g_live.load(std::memory_order_relaxed);
    g_peak.store(live_, std::memory_order_relaxed);
  }
  void Stop(Result& result) override {
    result.num_allocs = g_allocs.load(std::memory_order_relaxed) - allocs_;
    result.total_allocated_bytes = g_bytes.load(std::memory_order_relaxed) - bytes_;
    result.max_bytes_used = g_peak.load(std::memory_order_relaxed) - live_;
    result.net_heap_growth = g_live.load(std::memory_order_relaxed) - live_;
  }
  // 1.7.1 still declares the pointer overload pure virtual.
  void Stop(Result* result) override { Stop(*result); }

 private:
  std::int64_t allocs_ = 0;
  std::int64_t bytes_ = 0;
  std::int64_t live_ = 0;
};

CountingMemoryManager g_memory_manager;
[[maybe_unused]] const bool g_registered = [] {
  benchmark::RegisterMemoryManager(&g_memory_manager);
  return true;
}();

/// Allocations made by the timing loop, per item ("allocs_per_lead").
class LoopAllocs {
 public:
  LoopAllocs() : start_(g_allocs.load(std::memory_order_relaxed)) {}
  void finish(benchmark::State& state, std::int64_t items) const {
    const std::int64_t n = g_allocs.load(std::memory_order_relaxed) - start_;
    state.counters["allocs_per_lead"] =
        items > 0 ? static_cast<double>(n) / static_cast<double>(items) : 0.0;
  }

 private:
  std::int64_t start_;
};

/// bench::repeat(fn) with the allocations it makes counted (LoopAllocs), one
/// item per call.
template <class Fn>
void count_repeated(benchmark::State& state, Fn&& fn) {
  LoopAllocs allocs;
  bench::repeat(state, fn);
  allocs.finish(state, state.iterations());
  state.SetItemsProcessed(state.iterations());
}

using leadscore::Lead;
using leadscore::Qualification;
using leadscore::Qualifier;

const std::vector<Lead>& profiles() {
  static const std::vector<Lead> leads = bench::generate_leads(42, 1024, bench::make_profile);
  return leads;
}
const std::vector<Lead>& batch() {
  static const std::vector<Lead> leads = bench::generate_leads(9, 4096, bench::batch_lead);
  return leads;
}

// The framework's own allocations between MemoryManager::Start and Stop
// (its thread manager, and the map nodes of the user counters set after the
// loop): the constant to subtract from the per-lead benchmarks'
// allocs_per_iter. It sets the same two counters they set.
void Framework_empty_loop(benchmark::State& state) {
  LoopAllocs allocs;
  for (auto _ : state) {
    benchmark::ClobberMemory();
  }
  allocs.finish(state, state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Framework_empty_loop)->Name("Framework/empty_loop");

/// The inputs of the single-lead benchmarks: the default configuration, the
/// busy lead (50 events) and the evaluation instant.
struct BusyLead {
  const Qualifier& qualifier = bench::default_qualifier();
  const Lead& lead = bench::shared_busy_lead();
  const leadscore::Instant as_of = bench::as_of();
};

void Qualify_default_50_events(benchmark::State& state) {
  const BusyLead in;
  count_repeated(state, [&in] { return in.qualifier.qualify(in.lead, in.as_of); });
}
BENCHMARK(Qualify_default_50_events)->Name("Allocs/qualify_default_50_events");

void Qualify_fit30(benchmark::State& state) {
  const Qualifier* q = bench::fit30_qualifier(state);
  if (!q) return;
  const std::vector<Lead>& leads = profiles();
  const leadscore::Instant as_of = bench::as_of();
  std::size_t i = 0;
  count_repeated(state, [&] {
    Qualification r = q->qualify(leads[i], as_of);
    i = (i + 1) % leads.size();
    return r;
  });
}
BENCHMARK(Qualify_fit30)->Name("Allocs/qualify_fit30");

// qualify_all into a caller-provided span: no allocation with one thread;
// with more, only the worker threads themselves (per call, not per lead).
void QualifyAll_span(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  const Qualifier& q = bench::default_qualifier();
  const std::vector<Lead>& leads = batch();
  static std::vector<Qualification> out(4096);
  const leadscore::Instant as_of = bench::as_of();
  LoopAllocs allocs;
  for (auto _ : state) {
    q.qualify_all(std::span<const Lead>(leads), as_of, std::span<Qualification>(out), threads);
    benchmark::ClobberMemory();
  }
  const auto items = state.iterations() * static_cast<std::int64_t>(leads.size());
  allocs.finish(state, items);
  state.counters["allocs_per_call"] =
      state.iterations() > 0
          ? state.counters["allocs_per_lead"].value * static_cast<double>(leads.size())
          : 0.0;
  state.SetItemsProcessed(items);
}
BENCHMARK(QualifyAll_span)
    ->Name("Allocs/qualify_all_span")
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();

// Not allocation-free by design: the counters must be well above zero.
void Explain_default_50_events(benchmark::State& state) {
  const BusyLead in;
  count_repeated(state, [&in] { return in.qualifier.explain(in.lead, in.as_of); });
}
BENCHMARK(Explain_default_50_events)->Name("Allocs/explain_default_50_events");

}  // namespace
