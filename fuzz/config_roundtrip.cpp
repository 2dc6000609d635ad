// Fuzz target: the configuration round trip
//   config -> Qualifier -> to_json_text(config) -> parse_config -> build
// must give back the same configuration and the same JSON text, and both
// Qualifiers must score a lead the same.
//
// Input: JSON text when it starts with '{' or white space (the seed corpus:
// the test, example and default configurations); otherwise the bytes drive
// the random configuration generator of tests/support/random_config.hpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"
#include "support/random_config.hpp"

using leadscore::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > leadscore::fuzz::kMaxInput) return 0;
  const auto as_of = leadscore::fuzz::fuzz_as_of();
  leadscore::Limits limits;
  limits.max_rules = 300;
  limits.max_set_size = 2000;
  leadscore::BuildOptions options;
  options.limits = limits;

  leadscore::Config config;
  leadscore::Lead lead;
  const bool text_mode = size > 0 && (data[0] == '{' || data[0] == ' ' || data[0] == '\n' ||
                                      data[0] == '\t' || data[0] == '\r' || data[0] == 0xEF);
  if (text_mode) {
    auto parsed = leadscore::parse_config(
        std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (!parsed.ok()) return 0;
    config = std::move(parsed).value();
    leadscore::test::MtSource seeded(static_cast<std::uint32_t>(size));
    lead = leadscore::test::Generator<leadscore::test::MtSource>(seeded, as_of).lead(20);
  } else {
    leadscore::fuzz::ByteSource source(size > 0 ? data + 1 : data, size > 0 ? size - 1 : 0);
    leadscore::test::Generator<leadscore::fuzz::ByteSource> gen(source, as_of);
    config = gen.config(10, 4);
    lead = gen.lead(20);
  }

  auto first = leadscore::Qualifier::build(config, options);
  if (!first.ok()) return 0;
  const std::string json = leadscore::to_json_text(first->config());
  auto reparsed = leadscore::parse_config(json, limits);
  if (!reparsed.ok()) {
    std::fprintf(stderr, "%s\n%s\n", json.c_str(),
                 leadscore::to_string(reparsed.diagnostics()).c_str());
  }
  check(reparsed.ok(), "to_json_text(config) does not parse");
  check(*reparsed == first->config(), "the configuration changed in the round trip");
  auto second = leadscore::Qualifier::build(*reparsed, options);
  check(second.ok(), "the round-tripped configuration does not build");
  check(leadscore::to_json_text(second->config()) == json, "to_json_text() is not stable");
  check(second->warnings() == first->warnings(), "the warnings changed in the round trip");
  check(leadscore::fuzz::identical(first->qualify(lead, as_of), second->qualify(lead, as_of)),
        "the round-tripped Qualifier scores differently");
  return 0;
}
