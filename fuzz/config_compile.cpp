// Fuzz target: configuration JSON text -> parse -> compile -> evaluate.
//
// Any input must give either a Qualifier or a non-empty list of errors, never
// a crash, an exception, a hang or unbounded memory. Checks besides that:
// ok() is true exactly when no diagnostic is an error; every diagnostic has a
// code, a message and a pointer that is empty or starts with '/'; building
// from parse_config's Config gives the same outcome as from_json_text; a
// Qualifier that builds evaluates a few fixed leads with explain() agreeing
// with qualify().
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "fuzz_support.hpp"
#include "support/random_config.hpp"

namespace {

using leadscore::fuzz::check;

const std::vector<leadscore::Lead>& sample_leads() {
  static const std::vector<leadscore::Lead> leads = [] {
    std::vector<leadscore::Lead> out;
    out.emplace_back();  // the empty lead
    leadscore::test::MtSource source(7);
    leadscore::test::Generator<leadscore::test::MtSource> gen(source,
                                                              leadscore::fuzz::fuzz_as_of());
    for (int i = 0; i < 3; ++i) out.push_back(gen.lead(20));
    return out;
  }();
  return leads;
}

void check_diagnostics(const std::vector<leadscore::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    check(!d.code.empty(), "a diagnostic without a code");
    check(!d.message.empty(), "a diagnostic without a message");
    check(d.pointer.empty() || d.pointer[0] == '/', "a pointer that does not start with '/'");
    check((d.line == 0) == (d.column == 0), "a line without a column or the reverse");
    check(!d.to_string().empty(), "an empty to_string()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > leadscore::fuzz::kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  leadscore::BuildOptions options;
  options.limits.max_rules = 300;
  options.limits.max_set_size = 2000;

  auto built = leadscore::Qualifier::from_json_text(text, options);
  check(built.ok() != leadscore::has_errors(built.diagnostics()), "ok() disagrees with the errors");
  if (!built.ok()) check(!built.diagnostics().empty(), "failed without a diagnostic");
  check_diagnostics(built.diagnostics());
  (void)leadscore::to_string(built.diagnostics());

  auto parsed = leadscore::parse_config(text, options.limits);
  check(parsed.ok() != leadscore::has_errors(parsed.diagnostics()), "parse_config: ok() vs errors");
  check_diagnostics(parsed.diagnostics());
  if (!parsed.ok()) {
    check(!built.ok(), "parse_config failed but from_json_text built");
    return 0;
  }
  auto from_config = leadscore::Qualifier::build(*parsed, options);
  check(from_config.ok() == built.ok(), "build(parse_config(text)) differs from from_json_text");
  if (!built.ok()) return 0;

  const leadscore::Qualifier& q = *built;
  for (const auto& w : q.warnings()) check(!w.is_error(), "an error among the warnings");
  check(q.stage_names().size() == q.config().stages.size() + 1, "stage_names() size");
  check(q.config() == *parsed, "config() differs from parse_config()");
  const auto as_of = leadscore::fuzz::fuzz_as_of();
  for (const auto& lead : sample_leads()) {
    const auto a = q.qualify(lead, as_of);
    const auto e = q.explain(lead, as_of);
    check(leadscore::fuzz::identical(a, e.result), "explain().result != qualify()");
    check(leadscore::fuzz::identical(a, from_config->qualify(lead, as_of)),
          "the two Qualifiers disagree");
    (void)e.to_text();
  }
  return 0;
}
