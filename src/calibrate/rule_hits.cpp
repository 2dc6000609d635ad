// Rule hits by probe Qualifiers (calibrate/rule_hits.hpp). Fit and
// engagement rules are packed 30 per score into one Qualifier with points
// 2^k, so one allocation-free qualify() evaluates 60 rules and the bits of
// the fit and engagement scores tell which held. Behaviour rules get a
// Qualifier each: the engagement score is the rule's value.
#include "calibrate/rule_hits.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <utility>

#include "leadscore/qualifier.hpp"

namespace leadscore::calibration {
namespace {

struct Probe {
  Qualifier qualifier;
  std::vector<std::uint32_t> fit_features;         // bit k of fit -> feature
  std::vector<std::uint32_t> engagement_features;  // bit k of engagement -> feature
  std::int64_t behavior_feature = -1;              // engagement = the feature's value
};

Config probe_base(const Config& config) {
  Config c;
  c.options = config.options;
  c.scores.fit.min = 0;
  c.scores.engagement.min = 0;
  c.grades = Grades{};
  return c;
}

// Probes for rules[k], feature first + k.
Result<std::vector<Probe>> build_probes(const Config& config, std::span<const Rule> rules,
                                        std::uint32_t first) {
  std::vector<Probe> probes;
  constexpr std::uint32_t kBits = 30;
  std::vector<Diagnostic> errors;
  Config current = probe_base(config);
  std::vector<std::uint32_t> fit_f, eng_f;
  auto build = [&](Config c) -> std::optional<Qualifier> {
    Result<Qualifier> q = Qualifier::build(std::move(c));
    if (!q) {
      for (auto& d : errors_of(q.diagnostics())) errors.push_back(std::move(d));
      return std::nullopt;
    }
    return std::move(q).value();
  };
  auto flush = [&] {
    if (fit_f.empty() && eng_f.empty()) return;
    std::optional<Qualifier> q = build(current);
    if (!q) return;
    probes.push_back({std::move(*q), fit_f, eng_f, -1});
    current = probe_base(config);
    fit_f.clear();
    eng_f.clear();
  };
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const auto j = static_cast<std::uint32_t>(first + k);
    Rule r = rules[k];
    if (r.kind == RuleKind::behavior) {
      Config c = probe_base(config);
      c.rules.push_back(std::move(r));
      if (std::optional<Qualifier> q = build(std::move(c)))
        probes.push_back({std::move(*q), {}, {}, static_cast<std::int64_t>(j)});
      continue;
    }
    std::vector<std::uint32_t>& list = r.kind == RuleKind::fit ? fit_f : eng_f;
    r.points = std::ldexp(1.0, static_cast<int>(list.size()));
    list.push_back(j);
    current.rules.push_back(std::move(r));
    if (fit_f.size() == kBits || eng_f.size() == kBits) flush();
  }
  flush();
  if (!errors.empty()) {
    for (auto& d : errors) d.message = "calibration feature rule: " + d.message;
    return errors;
  }
  return probes;
}

// Appends the features of the probes that are non-zero for the lead (the
// caller sorts the row).
void extract_row(const std::vector<Probe>& probes, const Lead& lead, Instant as_of,
                 SparseRow& row) {
  for (const Probe& p : probes) {
    const Qualification q = p.qualifier.qualify(lead, as_of);
    if (p.behavior_feature >= 0) {
      if (q.engagement != 0)
        row.emplace_back(static_cast<std::uint32_t>(p.behavior_feature), q.engagement);
      continue;
    }
    const auto fit_bits = static_cast<std::uint64_t>(std::llround(q.fit));
    const auto eng_bits = static_cast<std::uint64_t>(std::llround(q.engagement));
    for (std::size_t k = 0; k < p.fit_features.size(); ++k) {
      if ((fit_bits >> k) & 1u) row.emplace_back(p.fit_features[k], 1.0);
    }
    for (std::size_t k = 0; k < p.engagement_features.size(); ++k) {
      if ((eng_bits >> k) & 1u) row.emplace_back(p.engagement_features[k], 1.0);
    }
  }
}

}  // namespace

std::vector<Diagnostic> rule_hits(const Config& config, std::span<const Rule> rules,
                                  std::uint32_t first, std::span<const Lead> leads,
                                  std::span<const Instant> as_of, unsigned threads,
                                  std::vector<SparseRow>& rows) {
  Result<std::vector<Probe>> probes = build_probes(config, rules, first);
  if (!probes) return probes.diagnostics();
  parallel_for(leads.size(), threads, [&](std::size_t i) {
    const std::size_t before = rows[i].size();
    extract_row(*probes, leads[i], as_of_at(as_of, i), rows[i]);
    std::sort(rows[i].begin() + static_cast<std::ptrdiff_t>(before), rows[i].end());
  });
  return {};
}

}  // namespace leadscore::calibration
