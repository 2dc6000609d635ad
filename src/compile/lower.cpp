// Lowering: builds the Model from a Config, in the order run() gives:
// interned event types, options, grade bands, condition nodes (compare
// leaves resolved through the lead-field table, event aggregates), rules,
// stages, and the per-event-type subscriptions of rules and aggregates.
// Errors come from validate.cpp and warnings from lint.cpp, called in place.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "compile/compiler.hpp"
#include "core/names.hpp"
#include "core/text.hpp"

namespace leadscore::detail {

namespace {

/// The JSON pointer of child `i` of an all / any / not condition at `p`.
std::string child_pointer(const std::string& p, const Condition& c, std::size_t i) {
  const std::string key = "/" + std::string(name_of(c.kind));
  return c.kind == Condition::Kind::negate ? p + key : p + key + "/" + std::to_string(i);
}

/// The pointer of event type `i` of `count` under `key` ("/event"): the key
/// itself for a single type, else "/event/<i>".
std::string type_pointer(const std::string& p, std::string_view key, std::size_t count,
                         std::size_t i) {
  std::string out = p;
  out += key;
  if (count != 1) {
    out += '/';
    out += std::to_string(i);
  }
  return out;
}

}  // namespace

// ---- event types -------------------------------------------------------------

void Compiler::note_type(const std::string& t, const std::string& pointer) {
  if (t.empty()) {
    error("invalid_value", pointer, "an event type may not be empty");
    return;
  }
  check_string(t, pointer);
  if (type_index_.emplace(t, static_cast<std::uint32_t>(type_names_.size())).second) {
    type_names_.push_back(t);
    type_pointers_.push_back(pointer);
  }
}

void Compiler::collect_types(const Condition& c, const std::string& p) {
  if (c.kind == Condition::Kind::aggregate) {
    for (std::size_t i = 0; i < c.event_types.size(); ++i) {
      note_type(c.event_types[i], type_pointer(p, "/event", c.event_types.size(), i));
    }
  }
  constexpr std::string_view kCountPrefix = lead_field(FieldId::event_count_type).path;
  if (c.kind == Condition::Kind::compare && c.field.starts_with(kCountPrefix)) {
    note_type(c.field.substr(kCountPrefix.size()), p + "/field");
  }
  for (std::size_t i = 0; i < c.children.size(); ++i) {
    collect_types(c.children[i], child_pointer(p, c, i));
  }
}

void Compiler::intern_event_types() {
  const Config& c = model_->config;
  for (std::size_t r = 0; r < c.rules.size(); ++r) {
    const std::string p = "/rules/" + std::to_string(r);
    const Rule& rule = c.rules[r];
    for (std::size_t i = 0; i < rule.event_types.size(); ++i) {
      note_type(rule.event_types[i], type_pointer(p, "/event", rule.event_types.size(), i));
    }
    for (std::size_t i = 0; i < rule.implied_by.size(); ++i) {
      note_type(rule.implied_by[i],
                type_pointer(p, "/implied_by/event", rule.implied_by.size(), i));
    }
    collect_types(rule.when, p + "/when");
  }
  for (std::size_t s = 0; s < c.stages.size(); ++s) {
    const std::string p = "/stages/" + std::to_string(s);
    collect_types(c.stages[s].when, p + "/when");
    for (const auto& [origin, cond] : c.stages[s].by_origin) {
      collect_types(cond, p + "/by_origin/" + std::string(to_string(origin)));
    }
  }
  check_event_type_count();
  lint_event_types();
  model_->event_types = StringSet(type_names_, false);
}

std::uint32_t Compiler::type_id(const std::string& t) const {
  auto it = type_index_.find(t);
  return it == type_index_.end() ? model_->other_type() : it->second;
}

// ---- options and grades ------------------------------------------------------

void Compiler::compile_options() {
  Model& m = *model_;
  const Options& o = m.config.options;
  check_free_email_domains();
  m.free_email =
      StringSet(o.free_email_domains ? *o.free_email_domains : default_free_email_domains(), true);
  for (std::size_t i = 0; i < o.enrichment.fields.size(); ++i) {
    std::string_view name;
    const LeadField* field = enrichment_field(
        o.enrichment.fields[i], "/options/enrichment/fields/" + std::to_string(i), name);
    if (field == nullptr) continue;
    m.enrichment_fields.push_back(field->id);
    m.enrichment_attr_names.emplace_back(name);
  }
  check_enrichment_count_and_fallback();
  m.fallback_stage = o.fallback_stage;
}

void Compiler::compile_bands(const std::vector<GradeBand>& bands, std::vector<double>& mins,
                             std::vector<std::string>& labels) {
  for (const GradeBand& band : bands) {
    mins.push_back(band.min);
    labels.push_back(band.label);
  }
}

void Compiler::compile_grades() {
  Model& m = *model_;
  check_bands(m.config.grades.fit, "/grades/fit");
  compile_bands(m.config.grades.fit, m.fit_mins, m.fit_labels);
  check_bands(m.config.grades.engagement, "/grades/engagement");
  compile_bands(m.config.grades.engagement, m.engagement_mins, m.engagement_labels);
  for (const auto& f : m.fit_labels) {
    for (const auto& e : m.engagement_labels) m.matrix_labels.push_back(f + e);
  }
  lint_grades();
}

// ---- conditions --------------------------------------------------------------

std::uint32_t Compiler::add_node(Node n) {
  model_->nodes.push_back(std::move(n));
  return static_cast<std::uint32_t>(model_->nodes.size() - 1);
}

void Compiler::fill_operand(Node& n, const Operand& v) {
  switch (v.index()) {
    case 1:
      n.operand = OperandKind::boolean;
      n.operand_b = std::get<1>(v);
      break;
    case 2:
      n.operand = OperandKind::number;
      n.num = std::get<2>(v);
      break;
    case 3:
      n.operand = OperandKind::text;
      n.text = n.ci ? to_lower(std::get<3>(v)) : std::get<3>(v);
      break;
    case 4: {
      n.operand = OperandKind::texts;
      for (const auto& s : std::get<4>(v)) n.texts.push_back(n.ci ? to_lower(s) : s);
      if (n.op == Op::in || n.op == Op::not_in || n.op == Op::contains_any)
        n.set = StringSet(n.texts, n.ci);
      if (n.op == Op::contains_any) n.phrases = PhraseMatcher(n.texts, n.ci);
      break;
    }
    case 5: {
      if (n.op == Op::between) {
        n.operand = OperandKind::range;
        n.num = std::get<5>(v)[0];
        n.num2 = std::get<5>(v)[1];
      } else {
        n.operand = OperandKind::numbers;
        n.numbers = std::get<5>(v);
        std::sort(n.numbers.begin(), n.numbers.end());
      }
      break;
    }
    default:
      n.operand = OperandKind::none;
      break;
  }
  if (v.index() == 2 && !std::isfinite(std::get<2>(v))) n.operand = OperandKind::none;
}

std::uint32_t Compiler::compile_condition(const Condition& c, const std::string& p, Context ctx,
                                          std::size_t depth, std::int32_t* first_aggregate) {
  Node n;
  n.kind = c.kind;
  n.op = c.op;
  n.ci = !(c.case_sensitive ? *c.case_sensitive : model_->config.options.case_sensitive);
  if (depth > model_->limits.max_condition_depth) {
    error("limit_exceeded", p,
          "condition nested deeper than " + std::to_string(model_->limits.max_condition_depth) +
              " levels (Limits::max_condition_depth)");
    return add_node(std::move(n));
  }
  switch (c.kind) {
    case Condition::Kind::all:
    case Condition::Kind::any:
    case Condition::Kind::negate: {
      if (c.kind == Condition::Kind::negate && c.children.size() != 1) {
        error("invalid_condition", p + "/not", "'not' takes exactly one condition");
      }
      std::vector<std::uint32_t> kids;
      for (std::size_t i = 0; i < c.children.size(); ++i) {
        kids.push_back(compile_condition(c.children[i], child_pointer(p, c, i), ctx, depth + 1,
                                         first_aggregate));
      }
      n.first_child = static_cast<std::uint32_t>(model_->child_ids.size());
      n.child_count = static_cast<std::uint32_t>(kids.size());
      model_->child_ids.insert(model_->child_ids.end(), kids.begin(), kids.end());
      n.display = c.kind == Condition::Kind::all   ? (kids.empty() ? "always" : "all of")
                  : c.kind == Condition::Kind::any ? (kids.empty() ? "never" : "any of")
                                                   : "not";
      return add_node(std::move(n));
    }
    case Condition::Kind::compare:
      compile_compare(c, n, p, ctx);
      return add_node(std::move(n));
    case Condition::Kind::aggregate:
      compile_aggregate(c, n, p, ctx, depth);
      if (first_aggregate && *first_aggregate < 0)
        *first_aggregate = static_cast<std::int32_t>(n.arg);
      return add_node(std::move(n));
  }
  return add_node(std::move(n));
}

void Compiler::compile_compare(const Condition& c, Node& n, const std::string& p, Context ctx) {
  n.field_name = c.field;
  check_string(c.field, p + "/field");
  std::string_view name;
  const LeadField* field = resolve_field(c, p, ctx, name);
  if (field == nullptr) return;
  n.field = field->id;
  if (field->named() && n.field != FieldId::event_count_type) n.name = std::string(name);
  if (n.field == FieldId::event_count_type) n.arg = type_id(std::string(name));
  if (!check_operand(c, field->type, p, "'" + c.field + "'")) return;
  check_enumerated(c, *field, p);
  fill_operand(n, c.value);
  n.display = describe_leaf(c, c.field);
}

void Compiler::compile_aggregate(const Condition& c, Node& n, const std::string& p, Context ctx,
                                 std::size_t depth) {
  Model& m = *model_;
  if (!check_aggregate_context(p, ctx)) return;
  Aggregate a;
  a.measure = c.measure;
  a.any_type = c.event_types.empty();
  std::string types_text = a.any_type ? "any event" : "";
  for (std::size_t i = 0; i < c.event_types.size(); ++i) {
    types_text += (i ? "|" : "") + c.event_types[i];
  }
  for (std::size_t i = 0; i < c.where.size(); ++i) {
    a.where.push_back(compile_condition(c.where[i], p + "/where/" + std::to_string(i),
                                        Context::event, depth + 1));
  }
  a.window_ms = window_ms(c.within_days, p);
  check_aggregate_property(c, p);
  if (c.measure == Measure::sum) a.property = c.property;
  if (c.measure == Measure::distinct_days && check_distinct_days_window(c, p) && a.window_ms > 0) {
    allocate_distinct_days(c, a, p);
  }
  if (!check_aggregate_op(c, p)) return;
  agg_types_.push_back(c.event_types);
  n.arg = static_cast<std::uint32_t>(m.aggregates.size());
  m.aggregates.push_back(std::move(a));
  m.has_aggregates = true;
  fill_operand(n, c.value);
  std::string lhs = std::string(to_string(c.measure)) + "(" + types_text;
  if (!c.property.empty()) lhs += ", " + c.property;
  if (!c.where.empty()) lhs += ", where ...";
  if (c.within_days) lhs += ", within " + fmt_num(*c.within_days) + "d";
  lhs += ")";
  n.field_name = lhs;
  n.display = describe_leaf(c, lhs);
}

/// The words of the distinct-days bitset that an aggregate's window needs.
void Compiler::allocate_distinct_days(const Condition& c, Aggregate& a, const std::string& p) {
  Model& m = *model_;
  a.window_days = static_cast<std::int64_t>(std::ceil(*c.within_days)) + 1;
  a.bit_words = static_cast<std::uint32_t>((a.window_days + 63) / 64);
  a.bit_offset = m.bit_words_total;
  m.bit_words_total += a.bit_words;
  if (m.bit_words_total > kMaxBitWords) {
    error("limit_exceeded", p + "/within_days",
          "the distinct_days windows of this configuration add up to more than " +
              std::to_string(kMaxBitWords * 64) + " days");
  }
}

// ---- rules -------------------------------------------------------------------

void Compiler::compile_rules() {
  Model& m = *model_;
  const auto& rules = m.config.rules;
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const Rule& rule = rules[r];
    const std::string p = "/rules/" + std::to_string(r);
    CompiledRule cr;
    cr.kind = rule.kind;
    check_rule_id(rule, r, p, ids);
    if (check_points(rule, p)) {
      cr.points = rule.points;
      cr.points_micro = std::llround(rule.points * 1e6);
    }
    if (rule.kind == RuleKind::behavior) {
      compile_behavior_rule(rule, p, cr);
    } else {
      compile_scoring_rule(rule, p, cr);
    }
    check_string(rule.description, p + "/description");
    rule_types_.push_back(rule.event_types);
    m.rules.push_back(std::move(cr));
  }
}

void Compiler::compile_behavior_rule(const Rule& rule, const std::string& p, CompiledRule& cr) {
  Model& m = *model_;
  check_behavior_rule_start(rule, p);
  cr.behavior_slot = static_cast<std::uint32_t>(m.behavior_rules.size());
  m.behavior_rules.push_back(static_cast<std::uint32_t>(m.rules.size()));  // this rule's index
  cr.any_type = rule.event_types.empty();
  for (std::size_t i = 0; i < rule.where.size(); ++i) {
    cr.where.push_back(
        compile_condition(rule.where[i], p + "/where/" + std::to_string(i), Context::event, 1));
  }
  compile_behavior_settings(rule, p, cr);
  check_implied_by(rule, p);
  if (!rule.implied_by.empty()) {
    for (const std::string& t : rule.implied_by) cr.implied_types.push_back(type_id(t));
    cr.implied_same = rule.implied_same;
    m.has_implications = true;
  }
  check_reason(rule, p);
  lint_behavior_rule(rule, p, cr);
}

void Compiler::compile_behavior_settings(const Rule& rule, const std::string& p, CompiledRule& cr) {
  if (rule.max_points && valid_max_points(*rule.max_points, p)) {
    cr.has_cap = true;
    // A cap beyond the range of millionths in 64 bits caps nothing
    // (llround would give an unspecified, negative value).
    cr.cap_micro = *rule.max_points >= 9.2e12 ? INT64_MAX : std::llround(*rule.max_points * 1e6);
  }
  if (rule.max_per_day && valid_max_per_day(*rule.max_per_day, p)) {
    cr.max_per_day = static_cast<std::uint32_t>(*rule.max_per_day);
    model_->has_daily_caps = true;
  }
  cr.window_ms = window_ms(rule.within_days, p);
  if (rule.half_life_days && valid_half_life(*rule.half_life_days, p)) {
    cr.half_life_days = *rule.half_life_days;
  }
}

void Compiler::compile_scoring_rule(const Rule& rule, const std::string& p, CompiledRule& cr) {
  check_scoring_rule_keys(rule, p, to_string(rule.kind));
  cr.when = compile_condition(rule.when, p + "/when", Context::rule, 1, &cr.first_aggregate);
  check_reason(rule, p);
  lint_scoring_rule(rule, p, cr, !(rule.when == Condition{}));
}

// ---- stages ------------------------------------------------------------------

void Compiler::compile_stages() {
  Model& m = *model_;
  const auto& stages = m.config.stages;
  std::unordered_map<std::string, std::size_t> names;
  bool earlier_always[3] = {false, false, false};
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const Stage& st = stages[s];
    const std::string p = "/stages/" + std::to_string(s);
    check_stage_header(st, s, p, names);
    CompiledStage cs;
    const std::uint32_t base = compile_condition(st.when, p + "/when", Context::stage, 1);
    cs.root = {base, base, base};
    bool seen_origin[3] = {false, false, false};
    for (const auto& [origin, cond] : st.by_origin) {
      const auto o = static_cast<std::size_t>(origin);
      const std::string op = p + "/by_origin/" + std::string(to_string(origin));
      if (seen_origin[o])
        error("duplicate_key", op,
              "origin '" + std::string(to_string(origin)) + "' is given twice");
      seen_origin[o] = true;
      cs.root[o] = compile_condition(cond, op, Context::stage, 1);
      cs.by_origin[o] = true;
    }
    lint_stage(st, p, cs, earlier_always);
    m.stages.push_back(cs);
  }
}

// ---- subscriptions -----------------------------------------------------------

void Compiler::build_subscriptions() {
  Model& m = *model_;
  const std::uint32_t n_types = m.other_type() + 1;
  m.implier_type.assign(n_types, false);
  for (const CompiledRule& cr : m.rules) {
    for (const std::uint32_t t : cr.implied_types) m.implier_type[t] = true;
  }
  auto build = [&](auto&& wants, std::size_t count, std::vector<std::uint32_t>& offsets,
                   std::vector<std::uint32_t>& subs) {
    offsets.assign(n_types + 1, 0);
    for (std::uint32_t t = 0; t < n_types; ++t) {
      offsets[t] = static_cast<std::uint32_t>(subs.size());
      for (std::uint32_t i = 0; i < count; ++i) {
        if (wants(i, t)) subs.push_back(i);
      }
    }
    offsets[n_types] = static_cast<std::uint32_t>(subs.size());
  };
  auto accepts = [&](const std::vector<std::string>& types, std::uint32_t t) {
    if (types.empty()) return true;
    for (const auto& name : types) {
      if (type_id(name) == t && t != m.other_type()) return true;
    }
    return false;
  };
  build([&](std::uint32_t i,
            std::uint32_t t) { return accepts(rule_types_[m.behavior_rules[i]], t); },
        m.behavior_rules.size(), m.rule_sub_offsets, m.rule_subs);
  build([&](std::uint32_t i, std::uint32_t t) { return accepts(agg_types_[i], t); },
        m.aggregates.size(), m.agg_sub_offsets, m.agg_subs);
}

}  // namespace leadscore::detail
