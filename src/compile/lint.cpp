// Lint: the warnings on a configuration that compiles (rules that never
// fire or score, stages and grades that cannot be reached, near-miss event
// types, ignored settings), and the static analysis behind them.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "compile/compiler.hpp"
#include "core/text.hpp"

namespace leadscore::detail {

void Compiler::lint_event_types() {
  // Near-miss event types: not standard, but close to a standard one.
  const auto& standard = standard_event_types();
  std::unordered_set<std::string_view> std_set(standard.begin(), standard.end());
  for (std::size_t i = 0; i < type_names_.size(); ++i) {
    if (std_set.count(type_names_[i])) continue;
    std::string s = suggest(type_names_[i], standard);
    if (!s.empty() && !type_index_.count(s)) {
      warning("unknown_event_type", type_pointers_[i],
              "event type '" + type_names_[i] +
                  "' is not a standard type; it only matches events spelt exactly so",
              s);
    }
  }
}

void Compiler::lint_grades() {
  const Model& m = *model_;
  // A band that the clamped score can never reach.
  auto unreachable_bands = [&](const std::vector<double>& mins, const ScoreBounds& b,
                               const std::string& p) {
    for (std::size_t i = 0; i < mins.size(); ++i) {
      if (b.max && mins[i] > *b.max) {
        warning(
            "unreachable_grade", p + "/" + std::to_string(i) + "/min",
            "band minimum " + fmt_num(mins[i]) + " is above the score ceiling " + fmt_num(*b.max));
      }
    }
  };
  unreachable_bands(m.fit_mins, m.config.scores.fit, "/grades/fit");
  unreachable_bands(m.engagement_mins, m.config.scores.engagement, "/grades/engagement");
}

void Compiler::lint_regression() {
  const Lifecycle& lc = model_->config.lifecycle;
  if (lc.regression != Regression::hysteresis &&
      (lc.demote_after_days != 0 || lc.demote_margin != 0)) {
    warning("setting_ignored", "/lifecycle/regression",
            "demote_after_days and demote_margin only apply with regression \"hysteresis\"");
  }
}

void Compiler::lint_behavior_rule(const Rule& rule, const std::string& p, const CompiledRule& cr) {
  if (rule.points == 0)
    warning("rule_never_scores", p + "/points", "rule '" + rule.id + "' adds 0 points per event");
  for (std::size_t i = 0; i < cr.where.size(); ++i) {
    if (never_holds(cr.where[i])) {
      warning("rule_never_fires", p + "/where/" + std::to_string(i),
              "this condition can never hold, so rule '" + rule.id + "' never fires");
    }
  }
}

void Compiler::lint_scoring_rule(const Rule& rule, const std::string& p, const CompiledRule& cr,
                                 bool has_when) {
  if (rule.kind != RuleKind::knockout && rule.points == 0)
    warning("rule_never_scores", p + "/points", "rule '" + rule.id + "' adds 0 points");
  if (has_when && never_holds(cr.when)) {
    warning("rule_never_fires", p + "/when",
            "this condition can never hold, so rule '" + rule.id + "' never fires");
  }
}

void Compiler::lint_stage(const Stage& st, const std::string& p, const CompiledStage& cs,
                          bool (&earlier_always)[3]) {
  // Reachability, per origin: a stage is shadowed by an earlier one that
  // every lead meeting it meets too (MQL "score >= 50" before SQL "score >= 70").
  bool reachable = false;
  const std::string* shadow = nullptr;
  std::size_t budget = 100'000;  // implication steps for this stage
  for (std::size_t o = 0; o < 3; ++o) {
    if (earlier_always[o] || never_holds(cs.root[o])) continue;
    const std::string* by = nullptr;
    for (std::size_t e = 0; e < model_->stages.size() && !by; ++e) {
      if (implies(cs.root[o], model_->stages[e].root[o], budget))
        by = &model_->config.stages[e].name;
    }
    if (!by) reachable = true;
    if (by && !shadow) shadow = by;
  }
  if (!reachable && !has_errors(diags_)) {
    if (shadow) {
      warning("unreachable_stage", p,
              "stage '" + st.name +
                  "' can never be reached: every lead that meets it meets the "
                  "earlier stage '" +
                  *shadow +
                  "' first (the first stage that holds wins: list the stricter stage first)");
    } else {
      warning("unreachable_stage", p,
              "stage '" + st.name +
                  "' can never be reached (its condition can never hold, or an earlier stage "
                  "always holds)");
    }
  }
  // Thresholds, for a stage not reported already and a configuration that
  // scores at all (one without rules is a stages-only sketch: every score is 0).
  const bool scores =
      std::any_of(model_->rules.begin(), model_->rules.end(),
                  [](const CompiledRule& r) { return r.kind != RuleKind::knockout; });
  if (reachable && scores && !has_errors(diags_)) lint_stage_thresholds(st, p, cs);
  for (std::size_t o = 0; o < 3; ++o) {
    if (always_holds(cs.root[o])) earlier_always[o] = true;
  }
}

// ---- static analysis: can a condition ever hold? ---------------------------

bool Compiler::never_holds(std::uint32_t id) const {
  const Node& n = model_->nodes[id];
  const auto kids = [&](std::uint32_t i) { return model_->child_ids[n.first_child + i]; };
  switch (n.kind) {
    case Condition::Kind::any: {
      for (std::uint32_t i = 0; i < n.child_count; ++i) {
        if (!never_holds(kids(i))) return false;
      }
      return true;
    }
    case Condition::Kind::all: {
      for (std::uint32_t i = 0; i < n.child_count; ++i) {
        if (never_holds(kids(i))) return true;
      }
      // Numeric contradictions on the same field among direct leaves.
      for (std::uint32_t i = 0; i < n.child_count; ++i) {
        if (contradicts(n, model_->nodes[kids(i)])) return true;
      }
      return false;
    }
    case Condition::Kind::negate:
      return n.child_count == 1 && always_holds(kids(0));
    default:
      return false;
  }
}

/// Whether `a`, a numeric comparison under the `all` node, contradicts the
/// other comparisons of the same field there (x > 5 and x < 3).
bool Compiler::contradicts(const Node& all, const Node& a) const {
  if (a.kind != Condition::Kind::compare || a.operand != OperandKind::number) return false;
  double lo = -INFINITY, hi = INFINITY;
  bool lo_open = false, hi_open = false;
  for (std::uint32_t j = 0; j < all.child_count; ++j) {
    const Node& b = model_->nodes[model_->child_ids[all.first_child + j]];
    if (b.kind != Condition::Kind::compare || b.field_name != a.field_name || b.name != a.name)
      continue;
    if (b.operand == OperandKind::number) {
      switch (b.op) {
        case Op::gt:
          if (b.num >= lo) {
            lo = b.num;
            lo_open = true;
          }
          break;
        case Op::gte:
          if (b.num > lo) {
            lo = b.num;
            lo_open = false;
          }
          break;
        case Op::lt:
          if (b.num <= hi) {
            hi = b.num;
            hi_open = true;
          }
          break;
        case Op::lte:
          if (b.num < hi) {
            hi = b.num;
            hi_open = false;
          }
          break;
        case Op::eq:
          if (b.num > lo || (b.num == lo && !lo_open)) {
            lo = b.num;
            lo_open = false;
          }
          if (b.num < hi || (b.num == hi && !hi_open)) {
            hi = b.num;
            hi_open = false;
          }
          break;
        default:
          break;
      }
    } else if (b.operand == OperandKind::range) {
      if (b.num > lo) {
        lo = b.num;
        lo_open = false;
      }
      if (b.num2 < hi) {
        hi = b.num2;
        hi_open = false;
      }
    }
  }
  return lo > hi || (lo == hi && (lo_open || hi_open));
}

/// Whether every lead that meets node `b` meets node `a` too. Sound but
/// partial: numeric bounds on one field, through all / any.
bool Compiler::implies(std::uint32_t b, std::uint32_t a, std::size_t& budget) const {
  if (budget == 0) return false;
  --budget;
  const Node& na = model_->nodes[a];
  const Node& nb = model_->nodes[b];
  const auto kid = [&](const Node& n, std::uint32_t i) {
    return model_->child_ids[n.first_child + i];
  };
  if (na.kind == Condition::Kind::all) {  // b implies each part of a
    for (std::uint32_t i = 0; i < na.child_count; ++i) {
      if (!implies(b, kid(na, i), budget)) return false;
    }
    return true;
  }
  if (nb.kind == Condition::Kind::any) {  // each way b can hold implies a
    if (nb.child_count == 0) return false;
    for (std::uint32_t i = 0; i < nb.child_count; ++i) {
      if (!implies(kid(nb, i), a, budget)) return false;
    }
    return true;
  }
  if (nb.kind == Condition::Kind::all) {  // one part of b implies a
    for (std::uint32_t i = 0; i < nb.child_count; ++i) {
      if (implies(kid(nb, i), a, budget)) return true;
    }
    return false;
  }
  if (na.kind == Condition::Kind::any) {  // b implies one way a can hold
    for (std::uint32_t i = 0; i < na.child_count; ++i) {
      if (implies(b, kid(na, i), budget)) return true;
    }
    return false;
  }
  return bound_implies(nb, na);
}

/// Two numeric comparisons of one field: whether `b` holding means `a` holds.
bool Compiler::bound_implies(const Node& b, const Node& a) const {
  if (a.kind != Condition::Kind::compare || b.kind != Condition::Kind::compare) return false;
  if (a.field_name != b.field_name || a.name != b.name) return false;
  if (a.operand != OperandKind::number) return false;
  // b as an interval [lo, hi] (open ends flagged).
  double lo = -INFINITY, hi = INFINITY;
  bool lo_open = false, hi_open = false;
  if (b.operand == OperandKind::range && b.op == Op::between) {
    lo = b.num;
    hi = b.num2;
  } else if (b.operand == OperandKind::number) {
    const bool lower = b.op == Op::gte || b.op == Op::gt || b.op == Op::eq;
    const bool upper = b.op == Op::lte || b.op == Op::lt || b.op == Op::eq;
    if (!lower && !upper) return false;
    if (lower) {
      lo = b.num;
      lo_open = b.op == Op::gt;
    }
    if (upper) {
      hi = b.num;
      hi_open = b.op == Op::lt;
    }
  } else {
    return false;
  }
  switch (a.op) {
    case Op::gte:
      return lo >= a.num;
    case Op::gt:
      return lo > a.num || (lo == a.num && lo_open);
    case Op::lte:
      return hi <= a.num;
    case Op::lt:
      return hi < a.num || (hi == a.num && hi_open);
    default:
      return false;
  }
}

/// Stage conditions asking for more than a score can reach: the highest
/// fit is the sum of the positive fit points (or the fit ceiling), the
/// highest engagement that of engagement points and capped behaviour rules
/// (unbounded with an uncapped one, unless a ceiling is set).
void Compiler::lint_stage_thresholds(const Stage& st, const std::string& p,
                                     const CompiledStage& cs) {
  const Model& m = *model_;
  double fit = 0, engagement = 0;
  for (const CompiledRule& r : m.rules) {
    const double plus = std::max(r.points, 0.0);
    if (r.kind == RuleKind::fit) fit += plus;
    if (r.kind == RuleKind::engagement) engagement += plus;
    if (r.kind == RuleKind::behavior && plus > 0) {
      engagement += r.has_cap ? static_cast<double>(r.cap_micro) / 1e6 : INFINITY;
    }
  }
  const ScoreBounds& fb = m.config.scores.fit;
  const ScoreBounds& eb = m.config.scores.engagement;
  fit = std::max(fb.min, fb.max ? std::min(fit, *fb.max) : fit);
  engagement = std::max(eb.min, eb.max ? std::min(engagement, *eb.max) : engagement);
  const Weights& w = m.config.scores.weights;
  const double total =
      w.fit >= 0 && w.engagement >= 0 ? w.fit * fit + w.engagement * engagement : INFINITY;
  std::unordered_set<std::uint32_t> seen;
  std::vector<std::uint32_t> todo(cs.root.begin(), cs.root.end());
  while (!todo.empty()) {
    const std::uint32_t id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    const Node& n = m.nodes[id];
    if (n.kind == Condition::Kind::negate) continue;  // a bound under `not` asks for less
    for (std::uint32_t i = 0; i < n.child_count; ++i)
      todo.push_back(m.child_ids[n.first_child + i]);
    if (n.kind != Condition::Kind::compare) continue;
    const double high = n.field == FieldId::score_fit          ? fit
                        : n.field == FieldId::score_engagement ? engagement
                        : n.field == FieldId::score_total      ? total
                                                               : INFINITY;
    const bool lower_bound =
        (n.op == Op::gte || n.op == Op::gt || n.op == Op::eq) && n.operand == OperandKind::number;
    const double needs = lower_bound ? n.num : n.operand == OperandKind::range ? n.num : -INFINITY;
    if (std::isinf(high) || !(needs > high || (n.op == Op::gt && needs == high))) continue;
    warning("unreachable_threshold", p,
            "stage '" + st.name + "' asks for " + n.display + ", but the highest reachable " +
                n.field_name + " is " + fmt_num(high) +
                " (from the rules' positive points, caps and the score bounds)");
  }
}

bool Compiler::always_holds(std::uint32_t id) const {
  const Node& n = model_->nodes[id];
  if (n.kind == Condition::Kind::all) {
    for (std::uint32_t i = 0; i < n.child_count; ++i) {
      if (!always_holds(model_->child_ids[n.first_child + i])) return false;
    }
    return true;
  }
  if (n.kind == Condition::Kind::negate)
    return n.child_count == 1 && never_holds(model_->child_ids[n.first_child]);
  if (n.kind == Condition::Kind::any) {
    for (std::uint32_t i = 0; i < n.child_count; ++i) {
      if (always_holds(model_->child_ids[n.first_child + i])) return true;
    }
  }
  return false;
}

}  // namespace leadscore::detail
