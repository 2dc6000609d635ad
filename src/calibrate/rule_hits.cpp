// Rule hits through the evaluator's listener seam (calibrate/rule_hits.hpp).
// The feature rules are compiled into one Qualifier, with their own points;
// each lead is evaluated once, by Qualifier::qualify(lead, as_of, listener),
// and a RuleListener turns every RuleHit into a feature value. A Qualifier
// holds at most the default Limits' rules and behaviour rules, so more
// features than that are split into consecutive chunks, one Qualifier each.
#include "calibrate/rule_hits.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore::calibration {
namespace {

// The features rules[first_rule, first_rule + config().rules.size()) compiled
// into one Qualifier.
struct Chunk {
  Qualifier qualifier;
  std::size_t first_rule = 0;
};

// The configuration feature rules are compiled in: the options of `config`
// (time zone, event handling), none of its rules, stages or grades.
Config feature_base(const Config& config) {
  Config c;
  c.options = config.options;
  return c;
}

// The end of the chunk that starts at rules[begin]: as many rules as one
// configuration may hold under the default limits (Qualifier::build's).
std::size_t chunk_end(std::span<const Rule> rules, std::size_t begin) {
  const Limits limits;
  const std::size_t max_behavior = std::min(limits.max_behavior_rules, kHardMaxBehaviorRules);
  std::size_t behavior = 0, end = begin;
  while (end < rules.size() && end - begin < limits.max_rules) {
    if (rules[end].kind == RuleKind::behavior) {
      if (behavior == max_behavior) break;
      ++behavior;
    }
    ++end;
  }
  return end;
}

Result<std::vector<Chunk>> build_chunks(const Config& config, std::span<const Rule> rules) {
  std::vector<Chunk> chunks;
  std::vector<Diagnostic> errors;
  for (std::size_t begin = 0; begin < rules.size();) {
    const std::size_t end = chunk_end(rules, begin);
    Config c = feature_base(config);
    c.rules.assign(rules.begin() + static_cast<std::ptrdiff_t>(begin),
                   rules.begin() + static_cast<std::ptrdiff_t>(end));
    Result<Qualifier> q = Qualifier::build(std::move(c));
    if (q) {
      chunks.push_back({std::move(q).value(), begin});
    } else {
      for (auto& d : errors_of(q.diagnostics())) errors.push_back(std::move(d));
    }
    begin = end;
  }
  for (const Rule& r : rules) {
    if (r.kind == RuleKind::knockout)
      errors.push_back(calibration_error("rule '" + r.id + "' is a knockout, not a feature"));
  }
  if (!errors.empty()) {
    for (auto& d : errors) d.message = "calibration feature rule: " + d.message;
    return errors;
  }
  return chunks;
}

// Appends a lead's features from the rule hits of one chunk. The listener
// hears the rules in configuration order, so the row stays sorted.
class FeatureWriter final : public RuleListener {
 public:
  FeatureWriter(const Config& chunk, std::uint32_t first, SparseRow& row) noexcept
      : rules_(chunk.rules), first_(first), row_(row) {}
  void on_rule(const RuleHit& hit) override {
    // A fit or engagement rule that held is 1; a behaviour rule is what it
    // adds (a decayed total may round to 0, which is no feature).
    const bool behavior = rules_[hit.index].kind == RuleKind::behavior;
    const double value = behavior ? hit.points : 1.0;
    if (value != 0) row_.emplace_back(first_ + static_cast<std::uint32_t>(hit.index), value);
  }

 private:
  const std::vector<Rule>& rules_;
  std::uint32_t first_;
  SparseRow& row_;
};

}  // namespace

std::vector<Diagnostic> rule_hits(const Config& config, std::span<const Rule> rules,
                                  std::uint32_t first, std::span<const Lead> leads,
                                  std::span<const Instant> as_of, unsigned threads,
                                  std::vector<SparseRow>& rows) {
  Result<std::vector<Chunk>> chunks = build_chunks(config, rules);
  if (!chunks) return chunks.diagnostics();
  parallel_for(leads.size(), threads, [&](std::size_t i) {
    for (const Chunk& chunk : *chunks) {
      FeatureWriter writer(chunk.qualifier.config(),
                           first + static_cast<std::uint32_t>(chunk.first_rule), rows[i]);
      (void)chunk.qualifier.qualify(leads[i], as_of_at(as_of, i), writer);
    }
  });
  return {};
}

}  // namespace leadscore::calibration
