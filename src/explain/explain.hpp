// Explanations (private): the recording listener behind explain() and
// LeadState::explain(), and the wording of values, evidence and gaps.
#pragma once

#include <string>
#include <vector>

#include "leadscore/qualifier.hpp"

#include "eval/evaluator.hpp"

namespace leadscore::detail {

/// A value as an explanation shows it: "missing", "\"text\"", 12.5, true,
/// ["a", "b"].
std::string render_value(const Val& v);

/// The leaf conditions of `trace` that held (or failed, with held = false),
/// with the values seen: "score.total >= 70 (is 74)".
void collect_conditions(const ConditionTrace& trace, bool held, std::vector<std::string>& out);

/// Builds an Explanation from what the evaluator reports: contributions
/// with their evidence, knockouts, every stage tried with its trace, and
/// what the lead lacks for the next stage.
class RecordingListener final : public EvalListener {
 public:
  RecordingListener(const Model& model, Explanation& out) noexcept : m_(model), ex_(out) {}

  [[nodiscard]] bool wants_traces() const noexcept override { return true; }
  void on_behavior_rule(std::size_t rule, const RuleAcc& acc, std::int64_t total_micro,
                        bool capped) override;
  void on_condition_rule(std::size_t rule, bool held, ConditionTrace* trace,
                         EvalView& view) override;
  void on_stage(std::size_t stage, bool held, ConditionTrace* trace, bool by_origin) override;
  void on_result(const Qualification& q, double fit_raw, double engagement_raw,
                 EvalView& view) override;

 private:
  void explain_next(const Qualification& q, EvalView& view);
  void missing_for(std::uint32_t node, EvalView& view, std::vector<std::string>& out);
  void note_type_mismatches(std::uint32_t node, const std::string& rule, EvalView& view);

  const Model& m_;
  Explanation& ex_;
};

}  // namespace leadscore::detail
