// Fuzz target: a configuration and a lead generated from the input bytes
// (tests/support/random_config.hpp, with the bytes as the random source),
// then the evaluator's invariants:
//   - explain(lead).result == qualify(lead), bit for bit, and
//     derive(lead) == explain(lead).facts;
//   - the order of the events does not matter (reversed, rotated);
//   - events after as_of change nothing but events_after_as_of;
//   - qualify_all() with 1 or 2 threads equals qualify() on each lead;
//   - a copy of the Qualifier gives the same results.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"
#include "support/random_config.hpp"

using leadscore::fuzz::check;
using leadscore::fuzz::identical;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const auto as_of = leadscore::fuzz::fuzz_as_of();
  leadscore::fuzz::ByteSource source(data, size);
  leadscore::test::Generator<leadscore::fuzz::ByteSource> gen(source, as_of);
  leadscore::Config config = gen.config(10, 4);
  std::vector<leadscore::Lead> leads;
  leads.push_back(gen.lead(40));
  leads.push_back(gen.lead(8));

  auto built = leadscore::Qualifier::build(config);
  if (!built.ok()) return 0;
  const leadscore::Qualifier& q = *built;
  const leadscore::Qualifier copy = q;  // NOLINT(performance-unnecessary-copy-initialization)

  std::vector<leadscore::Qualification> singles;
  for (const auto& lead : leads) {
    const auto a = q.qualify(lead, as_of);
    singles.push_back(a);
    const auto e = q.explain(lead, as_of);
    check(identical(a, e.result), "explain().result != qualify()");
    check(leadscore::fuzz::same_facts(q.derive(lead, as_of), e.facts),
          "derive() != explain().facts");
    check(identical(a, copy.qualify(lead, as_of)), "a copy of the Qualifier disagrees");
    (void)e.to_text();

    leadscore::Lead reordered = lead;
    std::reverse(reordered.events.begin(), reordered.events.end());
    check(identical(a, q.qualify(reordered, as_of)), "reversing the events changed the result");
    if (reordered.events.size() > 2) {
      std::rotate(reordered.events.begin(), reordered.events.begin() + 1, reordered.events.end());
      check(identical(a, q.qualify(reordered, as_of)), "rotating the events changed the result");
    }

    leadscore::Lead later = lead;
    leadscore::Event future = gen.event(as_of);
    future.automated = false;  // an automated event is skipped, not counted
    future.at = as_of + std::chrono::milliseconds(1 + gen.below(1000) * 3'600'000LL);
    later.events.insert(
        later.events.begin() + gen.below(static_cast<std::uint32_t>(later.events.size() + 1)),
        future);
    check(identical(a, q.qualify(later, as_of)), "an event after as_of changed the result");
    check(q.derive(later, as_of).events_after_as_of == e.facts.events_after_as_of + 1,
          "events_after_as_of did not count the later event");
  }
  for (unsigned threads : {1u, 2u}) {
    const auto all = q.qualify_all(leads, as_of, threads);
    check(all.size() == leads.size(), "qualify_all() size");
    for (std::size_t i = 0; i < leads.size(); ++i) {
      check(identical(all[i], singles[i]), "qualify_all() != qualify()");
    }
  }
  return 0;
}
