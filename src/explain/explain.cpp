#include "explain/explain.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "leadscore/text.hpp"

#include "core/format.hpp"

namespace leadscore::detail {
namespace {

/// The held leaves of a trace, as evidence: "job_title contains vp (is \"VP Sales\")".
std::string summarize(const ConditionTrace& t) {
  if (t.children.empty()) {
    return t.actual.empty() ? t.text : t.text + " (is " + t.actual + ")";
  }
  if (t.text == "not" && t.children.size() == 1) {  // it holds: its child does not
    const ConditionTrace& c = t.children.front();
    return "not " + c.text + (c.actual.empty() ? "" : " (is " + c.actual + ")");
  }
  std::string out;
  for (const auto& child : t.children) {
    if (child.held) out += (out.empty() ? "" : "; ") + summarize(child);
  }
  return out.empty() ? t.text : out;
}

/// Whether `c` compares a score (score.fit, score.engagement, score.total).
bool uses_score(const Condition& c) {
  if (c.kind == Condition::Kind::compare) return c.field.rfind("score.", 0) == 0;
  return std::any_of(c.children.begin(), c.children.end(), uses_score);
}

/// Whether stage `s` has a score threshold in its condition for `origin`.
bool score_stage(const Stage& s, Origin origin) {
  for (const auto& [o, when] : s.by_origin) {
    if (o == origin) return uses_score(when);
  }
  return uses_score(s.when);
}

/// What a comparison leaf expects when its value has another type:
/// "a number", "text", or "" when the types agree (or the value is missing).
const char* expected_type(const Node& n, const Val& v) {
  const bool numeric = n.operand == OperandKind::number || n.operand == OperandKind::range ||
                       n.operand == OperandKind::numbers;
  const bool textual = n.operand == OperandKind::text || n.operand == OperandKind::texts;
  if (numeric && v.t == Val::T::text) return "a number";
  if (textual && v.t == Val::T::number) return "text";
  return "";
}

/// "text \"12\"", "the number 12": a value with its type.
std::string typed_value(const Val& v) {
  return (v.t == Val::T::text ? "text " : "the number ") + render_value(v);
}

}  // namespace

std::string render_value(const Val& v) {
  switch (v.t) {
    case Val::T::missing:
      return "missing";
    case Val::T::text:
      return in_quotes(v.s);
    case Val::T::number:
      return format_number(v.n());
    case Val::T::boolean:
      return v.b ? "true" : "false";
    case Val::T::list: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.list()->size(); ++i)
        out += (i ? ", \"" : "\"") + (*v.list())[i] + "\"";
      return out + "]";
    }
  }
  return "";
}

/// The leaf conditions of a trace that held (or failed), with their values.
void collect_conditions(const ConditionTrace& trace, bool held, std::vector<std::string>& out) {
  if (trace.children.empty()) {
    if (trace.held == held) {
      out.push_back(trace.actual.empty() ? trace.text : trace.text + " (is " + trace.actual + ")");
    }
    return;
  }
  for (const auto& child : trace.children) {
    if (child.held == held) collect_conditions(child, held, out);
  }
}

void RecordingListener::on_behavior_rule(std::size_t r, const RuleAcc& acc, std::int64_t total,
                                         bool capped) {
  const CompiledRule& cr = m_.rules[r];
  Contribution c;
  c.rule_id = m_.config.rules[r].id;
  c.kind = RuleKind::behavior;
  c.points = static_cast<double>(total) / 1e6;
  c.uncapped_points = static_cast<double>(acc.sum) / 1e6;
  c.capped = capped;
  c.matched_events = acc.matched;
  c.counted_events = acc.counted;
  c.over_daily_cap = acc.over;
  c.outside_window = acc.outside;
  c.decay_factor_sum = acc.factor_sum;
  std::string ev = std::to_string(acc.counted) + (acc.counted == 1 ? " event" : " events") + " x " +
                   format_number(cr.points) + " pts";
  if (cr.half_life_days > 0) {
    ev += ", decayed (half-life " + format_number(cr.half_life_days) + "d, factor sum " +
          format_number(acc.factor_sum) + ")";
  }
  if (acc.outside) ev += ", " + std::to_string(acc.outside) + " outside the window";
  if (acc.over) ev += ", " + std::to_string(acc.over) + " over the daily cap";
  if (acc.implied) ev += ", " + std::to_string(acc.implied) + " implied by another event";
  if (capped) ev += ", capped at " + format_number(static_cast<double>(cr.cap_micro) / 1e6);
  c.evidence = std::move(ev);
  ex_.contributions.push_back(std::move(c));
}

void RecordingListener::note_type_mismatches(std::uint32_t id, const std::string& rule,
                                             EvalView& view) {
  const Node& n = m_.nodes[id];
  for (std::uint32_t i = 0; i < n.child_count; ++i) {
    note_type_mismatches(m_.child_ids[n.first_child + i], rule, view);
  }
  if (n.kind != Condition::Kind::compare) return;
  const Val v = view.leaf(id);
  const std::string expected = expected_type(n, v);
  if (expected.empty()) return;
  ex_.type_notes.push_back(n.field_name + " is " + typed_value(v) + ", rule '" + rule +
                           "' expects " + expected + " (" + n.display + ")");
}

void RecordingListener::on_condition_rule(std::size_t r, bool held, ConditionTrace* trace,
                                          EvalView& view) {
  if (!held) note_type_mismatches(m_.rules[r].when, m_.config.rules[r].id, view);
  if (!held || !trace) return;
  const CompiledRule& cr = m_.rules[r];
  if (cr.kind == RuleKind::knockout) {
    ex_.knockouts.push_back(m_.config.rules[r].id);
    return;
  }
  Contribution c;
  c.rule_id = m_.config.rules[r].id;
  c.kind = cr.kind;
  c.points = cr.points;
  c.uncapped_points = cr.points;
  if (cr.first_aggregate >= 0) {
    const Val v = view.aggregate(static_cast<std::uint32_t>(cr.first_aggregate));
    if (v.t == Val::T::number) c.aggregate_value = v.n();
  }
  c.evidence = summarize(*trace);
  ex_.contributions.push_back(std::move(c));
}

void RecordingListener::on_stage(std::size_t s, bool held, ConditionTrace* trace, bool by_origin) {
  StageCheck check;
  if (trace) check.condition = std::move(*trace);
  check.stage = m_.config.stages[s].name;
  check.held = held;
  check.by_origin = by_origin;
  ex_.stages.push_back(std::move(check));
}

void RecordingListener::on_result(const Qualification& q, double fit_raw, double engagement_raw,
                                  EvalView& view) {
  ex_.fit_unclamped = fit_raw;
  ex_.engagement_unclamped = engagement_raw;
  explain_next(q, view);
}

void RecordingListener::missing_for(std::uint32_t id, EvalView& view,
                                    std::vector<std::string>& out) {
  // Nothing is missing from a condition that holds (the next stage of a
  // disqualified lead was never tried, so its condition may hold).
  if (view.holds(id)) return;
  const Node& n = m_.nodes[id];
  switch (n.kind) {
    case Condition::Kind::all:
      for (std::uint32_t i = 0; i < n.child_count; ++i) {
        const std::uint32_t c = m_.child_ids[n.first_child + i];
        if (!view.holds(c)) missing_for(c, view, out);
      }
      if (n.child_count == 0) out.push_back("never holds");
      return;
    case Condition::Kind::any: {
      std::vector<std::string> best;
      bool have = false;
      for (std::uint32_t i = 0; i < n.child_count; ++i) {
        std::vector<std::string> lines;
        missing_for(m_.child_ids[n.first_child + i], view, lines);
        if (!have || lines.size() < best.size()) {
          best = std::move(lines);
          have = true;
        }
      }
      if (!have) out.push_back("never holds (empty 'any')");
      for (auto& l : best) out.push_back(std::move(l));
      return;
    }
    case Condition::Kind::negate: {
      const Node& child = m_.nodes[m_.child_ids[n.first_child]];
      out.push_back("not (" + child.display + "), but it holds");
      return;
    }
    default: {
      const Val v = view.leaf(id);
      const std::string expected = expected_type(n, v);
      std::string line = n.field_name + " is " + render_value(v) + ", needs " +
                         n.display.substr(n.field_name.size() + 1);
      if (!expected.empty()) {
        line = n.field_name + " is " + typed_value(v) + ", the stage expects " + expected + " (" +
               n.display + ")";
      }
      if (v.t == Val::T::number && n.operand == OperandKind::number) {
        double gap = 0;
        if (n.op == Op::gte || n.op == Op::gt) gap = n.num - v.n();
        if (n.op == Op::lte || n.op == Op::lt) gap = v.n() - n.num;
        if (gap > 0)
          line +=
              " (" + format_number(gap) + (n.op == Op::gte || n.op == Op::gt ? " more)" : " less)");
      }
      out.push_back(std::move(line));
      return;
    }
  }
}

void RecordingListener::explain_next(const Qualification& q, EvalView& view) {
  if (m_.stages.empty()) return;
  std::size_t next;
  if (q.stage_index < 0) {
    next = m_.stages.size() - 1;
  } else if (q.stage_index == 0) {
    return;
  } else {
    next = static_cast<std::size_t>(q.stage_index) - 1;
  }
  NextStage ns;
  ns.stage = m_.config.stages[next].name;
  // The stage above is the next step of a ladder when both it and the
  // lead's stage have score thresholds (MQL -> SQL); otherwise it is a
  // parallel path (SQL -> PQL).
  const Origin origin = view.lead().origin;
  ns.step = q.stage_index < 0 || (score_stage(m_.config.stages[next], origin) &&
                                  score_stage(m_.config.stages[next + 1], origin));
  if (q.disqualified) {
    ns.missing.push_back("disqualified by rule '" + std::string(q.knockout_rule) + "' (reason " +
                         std::string(q.reason) + "): no stage above " + m_.fallback_stage +
                         " while it holds");
  }
  missing_for(m_.stages[next].root[static_cast<std::size_t>(view.lead().origin)], view, ns.missing);
  ex_.next = std::move(ns);
}

}  // namespace leadscore::detail
