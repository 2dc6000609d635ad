// Validation: the errors on a Config's values that the JSON reader cannot
// see (limits, rule ids, operands against field types, settings that need
// their neighbours, lifecycle stage names). Each check reports and returns;
// lower.cpp builds only from what passed.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "compile/compiler.hpp"
#include "core/format.hpp"
#include "core/names.hpp"
#include "core/text.hpp"

namespace leadscore::detail {

// ---- the configuration as a whole ------------------------------------------

void Compiler::check_top() {
  const Config& c = model_->config;
  const Limits& lim = model_->limits;
  if (c.version != 1) {
    error("unsupported_version", "/version",
          "configuration format version " + std::to_string(c.version) +
              " is not supported (expected 1)");
  }
  if (c.rules.size() > lim.max_rules) {
    error("limit_exceeded", "/rules",
          "more than " + std::to_string(lim.max_rules) + " rules (Limits::max_rules)");
  }
  if (c.stages.size() > lim.max_stages) {
    error("limit_exceeded", "/stages",
          "more than " + std::to_string(lim.max_stages) + " stages (Limits::max_stages)");
  }
  const Scores& s = c.scores;
  for (auto [bounds, name] : {std::pair{&s.fit, "fit"}, std::pair{&s.engagement, "engagement"}}) {
    const std::string p = std::string("/scores/") + name;
    finite(bounds->min, p + "/min", "the score floor");
    if (bounds->max) {
      if (finite(*bounds->max, p + "/max", "the score ceiling") && *bounds->max < bounds->min) {
        error("invalid_value", p + "/max",
              std::string("the ") + name + " ceiling " + fmt_num(*bounds->max) +
                  " is below its floor " + fmt_num(bounds->min));
      }
    }
  }
  finite(s.weights.fit, "/scores/weights/fit", "the fit weight");
  finite(s.weights.engagement, "/scores/weights/engagement", "the engagement weight");
}

void Compiler::check_event_type_count() {
  const std::size_t max_types = std::min(model_->limits.max_event_types, kHardMaxEventTypes);
  if (type_names_.size() > max_types) {
    error("limit_exceeded", "/rules",
          "the configuration names " + std::to_string(type_names_.size()) +
              " event types, more than " + std::to_string(max_types) +
              " (Limits::max_event_types)");
  }
}

// ---- options -----------------------------------------------------------------

void Compiler::check_free_email_domains() {
  const Model& m = *model_;
  const Options& o = m.config.options;
  if (!o.free_email_domains) return;
  if (o.free_email_domains->size() > m.limits.max_set_size) {
    error("limit_exceeded", "/options/free_email_domains",
          "more than " + std::to_string(m.limits.max_set_size) + " domains (Limits::max_set_size)");
  }
  for (std::size_t i = 0; i < o.free_email_domains->size(); ++i) {
    const std::string& d = (*o.free_email_domains)[i];
    if (d.empty())
      error("invalid_value", "/options/free_email_domains/" + std::to_string(i),
            "a domain may not be empty");
    check_string(d, "/options/free_email_domains/" + std::to_string(i));
  }
}

const LeadField* Compiler::enrichment_field(const std::string& path, const std::string& pointer,
                                            std::string_view& name) {
  const LeadField* field = find_field(path, use::enrichment, name);
  if (field == nullptr) {
    error("unknown_field", pointer, "'" + path + "' is not a lead field that enrichment can count",
          suggest(path, field_paths(use::enrichment)));
  }
  return field;
}

void Compiler::check_enrichment_count_and_fallback() {
  const Options& o = model_->config.options;
  if (o.enrichment.min_fields > o.enrichment.fields.size()) {
    error("invalid_value", "/options/enrichment/min_fields",
          "min_fields " + std::to_string(o.enrichment.min_fields) + " is more than the " +
              std::to_string(o.enrichment.fields.size()) + " enrichment fields listed");
  }
  if (o.fallback_stage.empty()) {
    error("invalid_value", "/options/fallback_stage", "the fallback stage needs a name");
  }
}

// ---- grades ------------------------------------------------------------------

void Compiler::check_bands(const std::vector<GradeBand>& bands, const std::string& p) {
  if (bands.empty()) {
    error("invalid_value", p, "at least one grade band is needed");
    return;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const std::string bp = p + "/" + std::to_string(i);
    if (bands[i].label.empty()) error("invalid_value", bp + "/label", "a grade band needs a label");
    if (!seen.insert(bands[i].label).second) {
      error("duplicate_label", bp + "/label", "grade label '" + bands[i].label + "' is used twice");
    }
    finite(bands[i].min, bp + "/min", "a band minimum");
    if (i > 0 && !(bands[i].min < bands[i - 1].min)) {
      error("band_order", bp + "/min",
            "grade bands must be listed best first with strictly decreasing min: " +
                fmt_num(bands[i].min) + " follows " + fmt_num(bands[i - 1].min));
    }
  }
}

// ---- conditions --------------------------------------------------------------
bool Compiler::check_operand(const Condition& c, FieldType type, const std::string& p,
                             std::string_view field_label) {
  const Operand& v = c.value;
  auto bad = [&](std::string_view expected) {
    error("invalid_value", p + "/value",
          "operator " + std::string(to_string(c.op)) + " expects " + std::string(expected) +
              ", got " + std::string(operand_type_name(v)));
    return false;
  };
  // NaN and infinities can only come from C++ (the JSON reader rejects
  // them); a NaN in a list would also break the sorted lookup of `in`.
  if (const auto* d = std::get_if<double>(&v); d && !std::isfinite(*d)) {
    error("invalid_value", p + "/value", "a comparison value must be a finite number");
    return false;
  }
  if (const auto* l = std::get_if<std::vector<double>>(&v)) {
    for (std::size_t i = 0; i < l->size(); ++i) {
      if (!std::isfinite((*l)[i])) {
        error("invalid_value", p + "/value/" + std::to_string(i),
              "a comparison value must be a finite number");
        return false;
      }
    }
  }
  auto mismatch = [&](std::string_view need) {
    error("type_mismatch", p + "/op",
          "operator " + std::string(to_string(c.op)) + " needs " + std::string(need) + "; " +
              std::string(field_label) + " is " +
              (type == FieldType::text     ? "text"
               : type == FieldType::number ? "a number"
                                           : "a boolean"));
    return false;
  };
  switch (c.op) {
    case Op::exists:
    case Op::missing:
      if (!std::holds_alternative<std::monostate>(v)) return bad("no value");
      return true;
    case Op::eq:
    case Op::ne:
      if (std::holds_alternative<std::monostate>(v) || v.index() >= 4)
        return bad("a string, number or boolean");
      if (type == FieldType::number && !std::holds_alternative<double>(v)) return bad("a number");
      if (type == FieldType::text && !std::holds_alternative<std::string>(v))
        return bad("a string");
      if (type == FieldType::boolean && !std::holds_alternative<bool>(v)) return bad("a boolean");
      return true;
    case Op::in:
    case Op::not_in: {
      if (v.index() < 4) return bad("a non-empty list of strings or numbers");
      const std::size_t n = v.index() == 4 ? std::get<4>(v).size() : std::get<5>(v).size();
      if (n == 0) return bad("a non-empty list of strings or numbers");
      if (n > model_->limits.max_set_size) {
        error("limit_exceeded", p + "/value",
              "list of " + std::to_string(n) + " values is longer than " +
                  std::to_string(model_->limits.max_set_size) + " (Limits::max_set_size)");
        return false;
      }
      if (type == FieldType::number && v.index() != 5) return bad("a list of numbers");
      if (type == FieldType::text && v.index() != 4) return bad("a list of strings");
      if (type == FieldType::boolean) return mismatch("text or a number");
      return true;
    }
    case Op::lt:
    case Op::lte:
    case Op::gt:
    case Op::gte:
      if (type == FieldType::text || type == FieldType::boolean) return mismatch("a number");
      if (!std::holds_alternative<double>(v)) return bad("a number");
      return true;
    case Op::between: {
      if (type == FieldType::text || type == FieldType::boolean) return mismatch("a number");
      if (v.index() != 5 || std::get<5>(v).size() != 2) return bad("[low, high]");
      const auto& r = std::get<5>(v);
      if (r[0] > r[1]) {
        error("invalid_value", p + "/value",
              "between needs low <= high, got [" + fmt_num(r[0]) + ", " + fmt_num(r[1]) + "]");
        return false;
      }
      return true;
    }
    case Op::contains:
    case Op::starts_with:
    case Op::ends_with:
      if (type == FieldType::number || type == FieldType::boolean) return mismatch("text");
      if (!std::holds_alternative<std::string>(v)) return bad("a string");
      return true;
    case Op::contains_any: {
      if (type == FieldType::number || type == FieldType::boolean) return mismatch("text");
      if (v.index() != 4 || std::get<4>(v).empty()) return bad("a non-empty list of strings");
      if (std::get<4>(v).size() > model_->limits.max_set_size) {
        error("limit_exceeded", p + "/value", "list longer than Limits::max_set_size");
        return false;
      }
      return true;
    }
  }
  return true;
}

void Compiler::check_enumerated(const Condition& c, const LeadField& field, const std::string& p) {
  if (field.values.empty()) return;
  const std::vector<std::string_view> allowed(field.values.begin(), field.values.end());
  auto check_one = [&](const std::string& s, const std::string& vp) {
    for (std::string_view a : allowed) {
      if (iequals(a, s)) return;
    }
    error("invalid_value", vp,
          "'" + s + "' is not a value of " + c.field + " (expected one of " + join(allowed) + ")",
          suggest(s, allowed));
  };
  if (const auto* s = std::get_if<std::string>(&c.value)) check_one(*s, p + "/value");
  if (const auto* l = std::get_if<std::vector<std::string>>(&c.value)) {
    for (std::size_t i = 0; i < l->size(); ++i)
      check_one((*l)[i], p + "/value/" + std::to_string(i));
  }
}

const LeadField* Compiler::resolve_field(const Condition& c, const std::string& p, Context ctx,
                                         std::string_view& name) {
  if (ctx == Context::event) {
    // `where` conditions: the event's type, or a property by name.
    if (const LeadField* field = find_field(c.field, use::event, name)) return field;
    error("invalid_value", p + "/field", "a property name may not be empty");
    return &lead_field(FieldId::event_property);  // the operand is still checked
  }
  const LeadField* field = find_field(c.field, use::condition, name);
  if (field == nullptr) {
    std::string hint;
    if (c.field.rfind("attributes", 0) == 0 || c.field.rfind("event_count", 0) == 0) {
      hint = " (write attributes.<name> or event_count.<type>)";
    }
    error("unknown_field", p + "/field", "unknown field '" + c.field + "'" + hint,
          suggest(c.field,
                  field_paths(use::condition, ctx == Context::stage ? 0U : use::stage_only)));
    return nullptr;
  }
  if (field->usable(use::stage_only) && ctx != Context::stage) {
    error("field_not_allowed", p + "/field",
          "'" + c.field +
              "' is only available in stage conditions (scores are computed from the rules)");
    return nullptr;
  }
  return field;
}

// ---- aggregates --------------------------------------------------------------

bool Compiler::check_aggregate_context(const std::string& p, Context ctx) {
  const Model& m = *model_;
  const std::size_t max_aggs = std::min(m.limits.max_aggregates, kHardMaxAggregates);
  if (ctx == Context::event) {
    error("invalid_condition", p, "an event aggregate cannot be nested inside 'where'");
    return false;
  }
  if (m.aggregates.size() >= max_aggs) {
    error("limit_exceeded", p,
          "more than " + std::to_string(max_aggs) + " event aggregates (Limits::max_aggregates)");
    return false;
  }
  return true;
}

std::int64_t Compiler::window_ms(const std::optional<double>& within_days, const std::string& p) {
  if (!within_days) return -1;
  const double w = *within_days;
  if (!std::isfinite(w) || w <= 0 || w > 36500) {
    error("invalid_value", p + "/within_days",
          "within_days must be a number of days in (0, 36500]");
    return -1;
  }
  return static_cast<std::int64_t>(std::llround(w * static_cast<double>(kMillisPerDay)));
}

void Compiler::check_aggregate_property(const Condition& c, const std::string& p) {
  if (c.measure == Measure::sum) {
    if (c.property.empty())
      error("missing_key", p + "/property", "measure 'sum' needs the numeric 'property' to add up");
  } else if (!c.property.empty()) {
    error("invalid_value", p + "/property", "'property' is only used by measure 'sum'");
  }
}

bool Compiler::check_distinct_days_window(const Condition& c, const std::string& p) {
  const double max_window =
      std::min(model_->limits.max_distinct_days_window, kHardMaxDistinctDaysWindow);
  if (!c.within_days) {
    error("missing_key", p + "/within_days",
          "measure 'distinct_days' needs 'within_days' (at most " + fmt_num(max_window) + ")");
    return false;
  }
  if (*c.within_days > max_window) {
    error("limit_exceeded", p + "/within_days",
          "distinct_days window of " + fmt_num(*c.within_days) + " days is longer than " +
              fmt_num(max_window) + " (Limits::max_distinct_days_window)");
    return false;
  }
  return true;
}

bool Compiler::check_aggregate_op(const Condition& c, const std::string& p) {
  switch (c.op) {
    case Op::lt:
    case Op::lte:
    case Op::gt:
    case Op::gte:
    case Op::eq:
    case Op::ne:
      if (!std::holds_alternative<double>(c.value)) {
        error(
            "invalid_value", p + "/value",
            "an aggregate compares with a number, got " + std::string(operand_type_name(c.value)));
      } else if (!std::isfinite(std::get<double>(c.value))) {
        error("invalid_value", p + "/value", "a comparison value must be a finite number");
      }
      return true;
    case Op::between:
      return check_operand(c, FieldType::number, p, "the aggregate");
    case Op::exists:
    case Op::missing:
      if (!std::holds_alternative<std::monostate>(c.value)) {
        error("invalid_value", p + "/value",
              "operator " + std::string(to_string(c.op)) + " expects no value");
      }
      return true;
    default:
      error("type_mismatch", p + "/op",
            "operator " + std::string(to_string(c.op)) +
                " does not apply to an aggregate (use eq, ne, lt, lte, gt, gte, between, exists "
                "or missing)");
      return false;
  }
}

// ---- rules -------------------------------------------------------------------

bool Compiler::check_name(const std::string& name, const std::string& pointer,
                          std::string_view missing) {
  if (name.empty()) {
    error("missing_key", pointer, std::string(missing));
    return false;
  }
  check_string(name, pointer);
  return true;
}

void Compiler::check_rule_id(const Rule& rule, std::size_t r, const std::string& p,
                             std::unordered_map<std::string, std::size_t>& ids) {
  if (!check_name(rule.id, p + "/id", "every rule needs an id")) return;
  const bool valid = std::all_of(rule.id.begin(), rule.id.end(), [](char ch) {
    return is_word_char(ch) || ch == '_' || ch == '.' || ch == ':' || ch == '-';
  });
  if (!valid)
    error("invalid_value", p + "/id",
          "rule id '" + rule.id + "' may only use letters, digits, _ . : -");
  auto [it, inserted] = ids.emplace(rule.id, r);
  if (!inserted) {
    error("duplicate_rule_id", p + "/id",
          "rule id '" + rule.id + "' is already used by /rules/" + std::to_string(it->second));
  }
}

bool Compiler::check_points(const Rule& rule, const std::string& p) {
  if (!finite(rule.points, p + "/points", "points")) return false;
  if (std::fabs(rule.points) > 1e9) {
    error("invalid_value", p + "/points", "points must be within [-1e9, 1e9]");
  }
  return true;
}

void Compiler::check_behavior_rule_start(const Rule& rule, const std::string& p) {
  const Model& m = *model_;
  if (!(rule.when == Condition{}))
    error("unexpected_key", p + "/when", "behavior rules have no 'when': use 'event' and 'where'");
  const std::size_t max_behavior = std::min(m.limits.max_behavior_rules, kHardMaxBehaviorRules);
  if (m.behavior_rules.size() >= max_behavior) {
    error("limit_exceeded", p,
          "more than " + std::to_string(max_behavior) +
              " behavior rules (Limits::max_behavior_rules)");
  }
}

bool Compiler::valid_max_points(double v, const std::string& p) {
  if (std::isfinite(v) && v > 0) return true;
  error("invalid_value", p + "/max_points",
        "max_points must be a positive number (it caps the magnitude of the rule's total)");
  return false;
}

bool Compiler::valid_max_per_day(int v, const std::string& p) {
  if (v >= 1) return true;
  error("invalid_value", p + "/max_per_day", "max_per_day must be at least 1");
  return false;
}

bool Compiler::valid_half_life(double v, const std::string& p) {
  if (std::isfinite(v) && v > 0) return true;
  error("invalid_value", p + "/half_life_days", "half_life_days must be a positive number of days");
  return false;
}

void Compiler::check_implied_by(const Rule& rule, const std::string& p) {
  for (const std::string& t : rule.implied_by) {
    if (std::find(rule.event_types.begin(), rule.event_types.end(), t) != rule.event_types.end()) {
      error("invalid_value", p + "/implied_by/event",
            "event type '" + t + "' cannot imply itself (it is one of the rule's own)");
    }
  }
  if (rule.implied_by.empty() && !rule.implied_same.empty()) {
    error("missing_key", p + "/implied_by/event",
          "missing required key \"event\" (the implying event types)");
  }
}

void Compiler::check_scoring_rule_keys(const Rule& rule, const std::string& p,
                                       std::string_view kind) {
  auto unexpected = [&](bool present, const char* key) {
    if (present) {
      error("unexpected_key", p + "/" + key,
            std::string("'") + key + "' is only used by behavior rules, not by " +
                std::string(kind) + " rules");
    }
  };
  unexpected(!rule.event_types.empty(), "event");
  unexpected(!rule.where.empty(), "where");
  unexpected(rule.max_points.has_value(), "max_points");
  unexpected(rule.max_per_day.has_value(), "max_per_day");
  unexpected(rule.within_days.has_value(), "within_days");
  unexpected(rule.half_life_days.has_value(), "half_life_days");
  unexpected(!rule.implied_by.empty() || !rule.implied_same.empty(), "implied_by");
  if (rule.when == Condition{}) {
    error("missing_key", p + "/when", std::string(kind) + " rules need a 'when' condition");
  }
}

void Compiler::check_reason(const Rule& rule, const std::string& p) {
  if (rule.kind != RuleKind::knockout) {
    if (!rule.reason.empty())
      error("unexpected_key", p + "/reason", "only knockout rules have a 'reason'");
    return;
  }
  if (rule.reason.empty())
    error("missing_key", p + "/reason", "knockout rules need a 'reason' code");
  check_string(rule.reason, p + "/reason");
  if (rule.points != 0)
    error("unexpected_key", p + "/points", "knockout rules disqualify; they have no points");
}

// ---- stages ------------------------------------------------------------------

void Compiler::check_stage_header(const Stage& st, std::size_t s, const std::string& p,
                                  std::unordered_map<std::string, std::size_t>& names) {
  if (!check_name(st.name, p + "/name", "every stage needs a name")) return;
  if (!names.emplace(st.name, s).second) {
    error("duplicate_stage", p + "/name", "stage '" + st.name + "' is defined twice");
  }
  if (st.name == model_->fallback_stage) {
    error("duplicate_stage", p + "/name",
          "stage '" + st.name + "' has the name of the fallback stage (options.fallback_stage)");
  }
}

// ---- lifecycle ---------------------------------------------------------------

void Compiler::check_stage_name(const std::string& name, const std::string& pointer,
                                bool allow_empty) {
  const Model& m = *model_;
  if (name.empty()) {
    if (!allow_empty) error("missing_key", pointer, "a stage name is required here");
    return;
  }
  if (name == m.fallback_stage) return;
  std::vector<std::string_view> names;
  for (const Stage& st : m.config.stages) {
    if (st.name == name) return;
    names.push_back(st.name);
  }
  names.push_back(m.fallback_stage);
  error("unknown_stage", pointer,
        "unknown stage '" + name + "' (expected a configured stage or the fallback stage '" +
            m.fallback_stage + "')",
        suggest(name, names));
}

void Compiler::check_days(double v, const std::string& pointer, bool positive) {
  if (!std::isfinite(v) || v < 0 || (positive && v == 0) || v > 36500) {
    error("invalid_value", pointer,
          positive ? "expected a number of days in (0, 36500]"
                   : "expected a number of days in [0, 36500]");
  }
}

void Compiler::check_demotion() {
  const Lifecycle& lc = model_->config.lifecycle;
  check_days(lc.demote_after_days, "/lifecycle/demote_after_days", false);
  if (!std::isfinite(lc.demote_margin) || lc.demote_margin < 0) {
    error("invalid_value", "/lifecycle/demote_margin", "expected a number of points >= 0");
  }
}

void Compiler::check_recycle_rules() {
  const Lifecycle& lc = model_->config.lifecycle;
  // What `unless` may name: every sales status but none.
  std::vector<std::string_view> statuses;
  for (const Named<SalesStatus>& n : EnumNames<SalesStatus>::table) {
    if (n.value != SalesStatus::none) statuses.push_back(n.name);
  }
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < lc.recycle.size(); ++i) {
    const RecycleRule& r = lc.recycle[i];
    const std::string rp = "/lifecycle/recycle/" + std::to_string(i);
    if (r.id.empty()) {
      error("missing_key", rp + "/id", "every recycle rule needs an id");
    } else if (!ids.emplace(r.id, i).second) {
      error("duplicate_rule_id", rp + "/id", "recycle rule id '" + r.id + "' is used twice");
    }
    check_stage_name(r.stage, rp + "/stage", false);
    check_stage_name(r.to, rp + "/to", false);
    if (!r.stage.empty() && r.stage == r.to) {
      error("invalid_value", rp + "/to", "a recycle rule must move the lead to another stage");
    }
    check_days(r.after_days, rp + "/after_days", true);
    check_days(r.hold_days, rp + "/hold_days", false);
    for (std::size_t k = 0; k < r.unless.size(); ++k) {
      const auto st = parse_sales_status(r.unless[k]);
      if (!st || *st == SalesStatus::none) {
        error("invalid_value", rp + "/unless/" + std::to_string(k),
              "unknown sales status '" + r.unless[k] + "' (expected " +
                  join(statuses, ", ", " or ") + ")",
              suggest(r.unless[k], statuses));
      }
    }
  }
}

void Compiler::check_feedback() {
  const FeedbackPolicy& fb = model_->config.lifecycle.feedback;
  const std::string p = "/lifecycle/feedback";
  check_stage_name(fb.rejected_stage, p + "/rejected_stage", true);
  check_stage_name(fb.lost_stage, p + "/lost_stage", true);
  check_days(fb.rejected_hold_days, p + "/rejected_hold_days", false);
  check_days(fb.lost_hold_days, p + "/lost_hold_days", false);
  if (fb.won_stage.empty()) {
    error("missing_key", p + "/won_stage", "the won stage needs a name");
  } else if (fb.won_stage == model_->fallback_stage) {
    error("invalid_value", p + "/won_stage", "the won stage may not be the fallback stage");
  } else {
    for (const Stage& st : model_->config.stages) {
      if (st.name == fb.won_stage) {
        error("invalid_value", p + "/won_stage",
              "the won stage may not be a scored stage ('" + st.name + "')");
      }
    }
  }
}

}  // namespace leadscore::detail
