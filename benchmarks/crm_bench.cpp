// The crm31 workload (crm31/workload.hpp; docs/benchmarks.md, "The crm31 workload"):
// 31 fit rules on 15 custom attributes of a CRM export and two stages,
// measured against a hand-written function on the developer's own struct in
// the same run (counters x_crm31_hand_written and vs_hand_written);
// CRM31/qualify_bound qualifies leads bound once with Qualifier::bind:
//
//   CRM31/hand_written  crm31::hand_written() on PlainLead (baseline)
//   CRM31/qualify_mapped  Qualifier::qualify() on the bound leads the
//                       library's CSV mapper made of the same records
//                       (CsvLeadMapper::map_into), as `leadscore score` does
//   CRM31/qualify       Qualifier::qualify() on the Leads the mapper made of
//                       them (CsvLeadMapper::map): each bound at every call
//   CRM31/qualify_bound the same Leads bound once (Qualifier::bind)
//   CRM31/qualify_all   Qualifier::qualify_all() over all those Leads, 1 thread
//   CRM31/qualify_all_bound  the same over the leads bound once
//   CRM31/qualify_all_mapped the same over the mapped bound leads
//
// Both sides start from the same CSV text: the leads through CsvReader and
// CsvLeadMapper with crm31/map.json (as a user of the library would), the
// plain structs through crm31::load() (lower-casing once, outside the timed
// loops). Before timing, every lead is checked to get the same fit, total and
// stage both ways; a difference skips the benchmarks with an error.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "leadscore/csv.hpp"

#include "bench_support.hpp"
#include "crm31/workload.hpp"

namespace {

using leadscore::Lead;
using leadscore::Qualification;
using leadscore::Qualifier;

#if defined(__OPTIMIZE__)
constexpr std::size_t kLeads = 16384;  // power of two: cycled with a mask; beyond L2
#else
constexpr std::size_t kLeads = 2048;  // unoptimised builds: quick set-up
#endif

std::string read_text(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

/// The workload, built once: the Qualifier, the mapped leads and the plain
/// structs of the same records, and the result of the equality check.
struct Workload {
  std::optional<Qualifier> qualifier;
  std::vector<Lead> leads;
  std::vector<leadscore::BoundLead> mapped;  ///< the same records through map_into()
  std::vector<crm31::PlainLead> plain;
  std::string error;  ///< non-empty: the benchmarks cannot run

  Workload() {
    const std::string dir = std::string(LEADSCORE_SOURCE_DIR) + "/benchmarks/crm31/";
    const std::string config = read_text(dir + "config.json", error);
    const std::string map = read_text(dir + "map.json", error);
    if (!error.empty()) return;
    auto q = Qualifier::from_json_text(config);
    if (!q.ok()) {
      error = "crm31/config.json: " + leadscore::to_string(q.diagnostics());
      return;
    }
    qualifier.emplace(std::move(q).value());
    std::string csv;
    crm31::append_csv(crm31::kHeader, csv);
    crm31::generate(kLeads, 0, [&csv](const crm31::Row& row) { crm31::append_csv(row, csv); });
    if (read_leads(csv, map)) check();
  }

  /// Maps every record with the library and loads it by hand.
  bool read_leads(const std::string& csv, const std::string& map) {
    auto mapping = leadscore::parse_mapping(map);
    if (!mapping.ok()) {
      error = "crm31/map.json: " + leadscore::to_string(mapping.diagnostics());
      return false;
    }
    leadscore::CsvReader reader(csv);
    auto header = reader.read_header();
    if (!header.ok()) {
      error = "generated CSV: " + leadscore::to_string(header.diagnostics());
      return false;
    }
    auto mapper = leadscore::CsvLeadMapper::create(std::move(mapping).value(), *header);
    if (!mapper.ok()) {
      error = "crm31/map.json: " + leadscore::to_string(mapper.diagnostics());
      return false;
    }
    leadscore::CsvRecord record;
    while (reader.next(record)) {
      auto lead = mapper->map(record, bench::as_of());
      auto loaded = crm31::load(record.fields);
      if (!lead.ok() || !loaded) {
        error = "record " + std::to_string(record.number) + " does not load: " +
                (lead.ok() ? std::string("crm31::load") : leadscore::to_string(lead.diagnostics()));
        return false;
      }
      leads.push_back(std::move(lead).value());
      plain.push_back(std::move(*loaded));
    }
    if (leads.size() != kLeads) error = "generated CSV: wrong number of records";
    return error.empty() && map_bound(csv, *mapper);
  }

  /// The same records again, through map_into() (a pass of its own, so that
  /// each kind of lead lies together in memory, as it would in a program).
  bool map_bound(const std::string& csv, const leadscore::CsvLeadMapper& mapper) {
    leadscore::CsvReader reader(csv);
    if (!reader.read_header().ok()) return false;
    leadscore::CsvRecord record;
    // The BoundLeads first, then the records into them: their value blocks
    // lie side by side, and what map_into() adds (each lead's OwnedForm)
    // elsewhere, as in a vector sized before it is filled.
    mapped.resize(kLeads);
    std::size_t i = 0;
    while (reader.next(record)) {
      std::vector<leadscore::Diagnostic> errors;
      if (i == mapped.size() ||
          !mapper.map_into(record, bench::as_of(), *qualifier, mapped[i++], errors)) {
        error = "record " + std::to_string(record.number) +
                " does not map: " + leadscore::to_string(errors);
        return false;
      }
    }
    return i == mapped.size() || (error = "generated CSV: wrong number of records", false);
  }

  /// qualify() and hand_written() agree on every lead, and the leads reach
  /// every stage (else the comparison would not mean much).
  void check() {
    std::size_t sql = 0, mql = 0, clamped = 0;
    for (std::size_t i = 0; i < leads.size(); ++i) {
      const Qualification r = qualifier->qualify(leads[i], bench::as_of());
      const crm31::Score h = crm31::hand_written(plain[i]);
      if (!(qualifier->qualify(mapped[i], bench::as_of()) == r)) {
        error = "map_into() and map() give different results on " + leads[i].id;
        return;
      }
      if (r.fit != h.fit || r.total != h.fit || r.stage != h.stage) {
        error = "hand-written result differs from qualify() on " + leads[i].id + ": qualify fit " +
                std::to_string(r.fit) + " total " + std::to_string(r.total) + " " +
                std::string(r.stage) + ", hand-written " + std::to_string(h.fit) + " " +
                std::string(h.stage);
        return;
      }
      sql += h.stage == "SQL";
      mql += h.stage == "MQL";
      clamped += h.fit == 0 || h.fit == 100;
    }
    if (sql == 0 || mql == 0 || sql + mql == leads.size() || clamped == 0) {
      error = "the generated leads do not cover every stage and the score bounds";
    }
  }
};

const Workload* workload_or_skip(benchmark::State& state) {
  static const Workload w;
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return nullptr;
  }
  return &w;
}

/// Counter vs_hand_written: the hand-written function's time per lead over
/// this benchmark's (1 = as fast; the targets are >= 0.5 and >= 0.8).
void speed_vs_hand_written(benchmark::State& state, double ns) {
  const auto base = bench::Ratios::get().find("crm31_hand_written");
  if (base && ns > 0) state.counters["vs_hand_written"] = *base / ns;
}

void CRM31_hand_written(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  bench::time_cycled(
      state, w->plain, [](const crm31::PlainLead& lead) { return crm31::hand_written(lead); },
      "crm31_hand_written");
}
BENCHMARK(CRM31_hand_written)->Name("CRM31/hand_written");

/// Times q.qualify(lead) over `leads`, cycled, against the hand-written
/// function.
template <class L>
void time_qualify(benchmark::State& state, const Qualifier& q, const std::vector<L>& leads,
                  const char* name) {
  const leadscore::Instant as_of = bench::as_of();
  const double ns = bench::time_cycled(
      state, leads, [&q, as_of](const L& lead) { return q.qualify(lead, as_of); }, name,
      "crm31_hand_written");
  speed_vs_hand_written(state, ns);
}

void CRM31_qualify(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  time_qualify(state, *w->qualifier, w->leads, "crm31_qualify");
}
BENCHMARK(CRM31_qualify)->Name("CRM31/qualify");

// The bound leads the CSV mapper made (CsvLeadMapper::map_into): the
// issue's case, "qualify() on the leads the library's CSV mapper produced".
void CRM31_qualify_mapped(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  time_qualify(state, *w->qualifier, w->mapped, "crm31_qualify_mapped");
}
BENCHMARK(CRM31_qualify_mapped)->Name("CRM31/qualify_mapped");

/// The workload's leads bound once to its Qualifier, each checked to score
/// as the unbound lead does (false: the benchmark is skipped).
bool bind_all(const Workload& w, std::vector<leadscore::BoundLead>& bound,
              benchmark::State& state) {
  const Qualifier& q = *w.qualifier;
  bound.reserve(w.leads.size());
  for (const Lead& lead : w.leads) {
    bound.push_back(q.bind(lead));
    if (!(q.qualify(bound.back(), bench::as_of()) == q.qualify(lead, bench::as_of()))) {
      state.SkipWithError(("bound lead " + lead.id + " scores differently").c_str());
      return false;
    }
  }
  return true;
}

// The same leads bound once to the Qualifier (Qualifier::bind, outside the
// timed loop, as the hand-written baseline lower-cases its strings at load).
void CRM31_qualify_bound(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  std::vector<leadscore::BoundLead> bound;
  if (!bind_all(*w, bound, state)) return;
  time_qualify(state, *w->qualifier, bound, "crm31_qualify_bound");
}
BENCHMARK(CRM31_qualify_bound)->Name("CRM31/qualify_bound");

/// Times q.qualify_all(leads) on one thread, into a preallocated span.
/// Process CPU time, so that the figure stays right if the batch path ever
/// hands work to threads of its own.
template <class L>
void time_batch(benchmark::State& state, const Qualifier& q, std::span<const L> leads,
                const char* name) {
  std::vector<Qualification> out(leads.size());
  const leadscore::Instant as_of = bench::as_of();
  bench::LoopClock clock(bench::LoopClock::Kind::process_cpu);
  for (auto _ : state) {
    q.qualify_all(leads, as_of, std::span<Qualification>(out), 1);
    benchmark::ClobberMemory();
  }
  const auto items = state.iterations() * static_cast<std::int64_t>(leads.size());
  const double ns = clock.finish(state, name, items, "crm31_hand_written");
  speed_vs_hand_written(state, ns);
  state.SetItemsProcessed(items);
}

// The batch path over the mapped leads.
void CRM31_qualify_all(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  time_batch(state, *w->qualifier, std::span<const Lead>(w->leads), "crm31_qualify_all");
}
BENCHMARK(CRM31_qualify_all)->Name("CRM31/qualify_all")->Unit(benchmark::kMicrosecond);

// The batch path over the same leads bound once (qualify_all on BoundLeads).
void CRM31_qualify_all_bound(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  std::vector<leadscore::BoundLead> bound;
  if (!bind_all(*w, bound, state)) return;
  time_batch(state, *w->qualifier, std::span<const leadscore::BoundLead>(bound),
             "crm31_qualify_all_bound");
}
BENCHMARK(CRM31_qualify_all_bound)->Name("CRM31/qualify_all_bound")->Unit(benchmark::kMicrosecond);

// The batch path over the mapped bound leads.
void CRM31_qualify_all_mapped(benchmark::State& state) {
  const Workload* w = workload_or_skip(state);
  if (!w) return;
  time_batch(state, *w->qualifier, std::span<const leadscore::BoundLead>(w->mapped),
             "crm31_qualify_all_mapped");
}
BENCHMARK(CRM31_qualify_all_mapped)
    ->Name("CRM31/qualify_all_mapped")
    ->Unit(benchmark::kMicrosecond);

}  // namespace
