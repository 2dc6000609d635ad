// The configuration's JSON form (docs/configuration.md): reading with
// structural validation (every problem reported at once, each with a JSON
// pointer and a "did you mean"), writing, and the Qualifier factories that
// start from JSON text or a file.
//
// Only structure is checked here: keys, types, operator / measure / kind
// names, limits. Field names, event types, operand types and everything else
// that needs the meaning of a configuration are checked by Qualifier::build.
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/qualifier.hpp"

#include "core/diagnostics.hpp"
#include "core/format.hpp"
#include "core/names.hpp"
#include "core/text.hpp"
#include "json/json_reader.hpp"
#include "json/json_util.hpp"

namespace leadscore {

// ---------------------------------------------------------------------------
// Names of operators, measures, rule kinds, origins and policies (core/names.hpp)
// ---------------------------------------------------------------------------
namespace {

constexpr const auto& kOpNames = detail::kNames<Op>;
constexpr const auto& kMeasureNames = detail::kNames<Measure>;
constexpr const auto& kRuleKindNames = detail::kNames<RuleKind>;
constexpr const auto& kOriginNames = detail::kNames<Origin>;
constexpr const auto& kRegressionNames = detail::kNames<Regression>;

}  // namespace

namespace {

using detail::json_type_name;
using nlohmann::json;

// Keys valid at each position of the format.
constexpr std::array<std::string_view, 9> kConfigKeys = {"version", "name",   "description",
                                                         "options", "scores", "grades",
                                                         "rules",   "stages", "lifecycle"};
constexpr std::array<std::string_view, 5> kOptionsKeys = {
    "case_sensitive", "free_email_domains", "enrichment", "fallback_stage", "ignore_automated"};
constexpr std::array<std::string_view, 5> kLifecycleKeys = {"regression", "demote_after_days",
                                                            "demote_margin", "recycle", "feedback"};
constexpr std::array<std::string_view, 7> kRecycleKeys = {"id", "stage",  "after_days", "unless",
                                                          "to", "reason", "hold_days"};
constexpr std::array<std::string_view, 5> kFeedbackKeys = {
    "rejected_stage", "rejected_hold_days", "lost_stage", "lost_hold_days", "won_stage"};
constexpr std::array<std::string_view, 2> kEnrichmentKeys = {"fields", "min_fields"};
constexpr std::array<std::string_view, 3> kScoresKeys = {"fit", "engagement", "weights"};
constexpr std::array<std::string_view, 2> kBoundsKeys = {"min", "max"};
constexpr std::array<std::string_view, 2> kWeightsKeys = {"fit", "engagement"};
constexpr std::array<std::string_view, 2> kGradesKeys = {"fit", "engagement"};
constexpr std::array<std::string_view, 2> kBandKeys = {"label", "min"};
constexpr std::array<std::string_view, 13> kRuleKeys = {
    "id",         "kind",        "description", "when",           "event",      "where", "points",
    "max_points", "max_per_day", "within_days", "half_life_days", "implied_by", "reason"};
constexpr std::array<std::string_view, 2> kImpliedKeys = {"event", "same"};
constexpr std::array<std::string_view, 4> kStageKeys = {"name", "description", "when", "by_origin"};
constexpr std::array<std::string_view, 5> kDiscriminators = {"field", "measure", "all", "any",
                                                             "not"};
constexpr std::array<std::string_view, 4> kCompareKeys = {"field", "op", "value", "case_sensitive"};
constexpr std::array<std::string_view, 7> kAggregateKeys = {
    "measure", "event", "where", "within_days", "property", "op", "value"};
constexpr std::array<std::string_view, 12> kAnyConditionKeys = {
    "field", "measure",        "all",   "any",   "not",         "op",
    "value", "case_sensitive", "event", "where", "within_days", "property"};

std::string shown(std::string_view name) { return detail::shorten(name, 80, 77); }

std::string join(std::span<const std::string_view> names, std::string_view last_separator = ", ") {
  return detail::join(names, ", ", last_separator);
}

/// "a number", "an object", ...
std::string a_type(const json& value) {
  const std::string_view name = json_type_name(value);
  if (value.is_null()) return "null";
  const bool vowel = !name.empty() && (name[0] == 'a' || name[0] == 'o');
  return std::string(vowel ? "an " : "a ") + std::string(name);
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

class ConfigReader final : public detail::JsonReader {
 public:
  explicit ConfigReader(const Limits& limits)
      : JsonReader(
            {limits.max_string_length, /*null_is_absent=*/false, "a boolean (true or false)"}),
        limits_(limits) {}

  Config read(const json& root) {
    Config config;
    if (!expect_object(root, "", "a configuration object")) return config;
    check_keys(root, "", kConfigKeys, "the configuration");
    if (const json* v = member(root, "version")) read_version(*v, config);
    field(root, "", "name", config.name);
    field(root, "", "description", config.description);
    if (const json* v = member(root, "options")) read_options(*v, "/options", config.options);
    if (const json* v = member(root, "scores")) read_scores(*v, "/scores", config.scores);
    if (const json* v = member(root, "grades")) read_grades(*v, "/grades", config.grades);
    if (const json* v = member(root, "rules")) read_rules(*v, "/rules", config.rules);
    if (const json* v = member(root, "stages")) read_stages(*v, "/stages", config.stages);
    if (const json* v = member(root, "lifecycle")) {
      read_lifecycle(*v, "/lifecycle", config.lifecycle);
    }
    return config;
  }

 private:
  // -- the configuration's wording -------------------------------------------

  [[nodiscard]] std::string unknown_key_message(std::string_view key, std::string_view where,
                                                std::span<const std::string_view> allowed,
                                                std::string_view /*pointer*/,
                                                bool /*suggested*/) const override {
    return "unknown key '" + shown(key) + "' in " + std::string(where) + " (expected " +
           join(allowed, " or ") + ")";
  }

  [[nodiscard]] std::string string_too_long_message(std::size_t size) const override {
    return "string of " + std::to_string(size) + " bytes is longer than " +
           std::to_string(limits_.max_string_length) + " (Limits::max_string_length)";
  }

  /// An unknown name of `what` (an operator, a measure, ...), with the
  /// nearest valid one as suggestion.
  void unknown_name_error(std::string_view code, std::string pointer, std::string_view what,
                          std::string_view text, std::span<const std::string_view> names) {
    error(code, std::move(pointer),
          "unknown " + std::string(what) + " '" + shown(text) + "' (expected " +
              join(names, " or ") + ")",
          suggest(text, names));
  }

  /// A name of `names`, parsed by `parse`; nullopt after a wrong_type
  /// (naming `expected`) or an unknown-name error.
  template <class Parse>
  auto read_name(const json& value, const std::string& pointer, std::string_view expected,
                 std::string_view code, std::string_view what,
                 std::span<const std::string_view> names, Parse parse)
      -> decltype(parse(std::string_view())) {
    if (!value.is_string()) {
      wrong_type(pointer, expected, value);
      return std::nullopt;
    }
    const auto& text = value.get_ref<const std::string&>();
    auto parsed = parse(text);
    if (!parsed) unknown_name_error(code, pointer, what, text, names);
    return parsed;
  }

  /// A list longer than `limit`: limit_exceeded "more than <limit> <what>
  /// (Limits::<limit_name>)".
  bool too_many(const json& list, const std::string& pointer, std::size_t limit,
                std::string_view what, std::string_view limit_name) {
    if (list.size() <= limit) return false;
    error("limit_exceeded", pointer,
          "more than " + std::to_string(limit) + " " + std::string(what) +
              " (Limits::" + std::string(limit_name) + ")");
    return true;
  }

  // -- scalars --------------------------------------------------------------

  /// An integral number in [min, max]; 3.0 counts as the integer 3.
  bool read_integer(const json& value, const std::string& pointer, std::int64_t min,
                    std::int64_t max, std::int64_t& out) {
    if (!value.is_number()) {
      wrong_type(pointer, "an integer", value);
      return false;
    }
    std::int64_t i = 0;
    bool ok = true;
    if (value.is_number_unsigned()) {
      const auto u = value.get<std::uint64_t>();
      ok = u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      i = ok ? static_cast<std::int64_t>(u) : 0;
    } else if (value.is_number_integer()) {
      i = value.get<std::int64_t>();
    } else {
      const double d = value.get<double>();
      if (!std::isfinite(d) || d != std::trunc(d)) {
        error("invalid_value", pointer, "expected an integer, got " + value.dump());
        return false;
      }
      ok = std::fabs(d) < 9.0e18;
      i = ok ? static_cast<std::int64_t>(d) : 0;
    }
    if (!ok || i < min || i > max) {
      error("invalid_value", pointer,
            "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                ", got " + value.dump());
      return false;
    }
    out = i;
    return true;
  }

  /// An array of strings (or, when `single` is true, one string) of at most
  /// Limits::max_set_size elements.
  bool read_string_list(const json& value, const std::string& pointer, bool single,
                        std::vector<std::string>& out) {
    if (single && value.is_string()) {
      std::string s;
      if (!read_string(value, pointer, s)) return false;
      out = {std::move(s)};
      return true;
    }
    if (!value.is_array()) {
      wrong_type(pointer, single ? "a string or an array of strings" : "an array of strings",
                 value);
      return false;
    }
    if (too_many(value, pointer, limits_.max_set_size, "elements", "max_set_size")) return false;
    std::vector<std::string> list;
    list.reserve(value.size());
    bool ok = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string s;
      if (read_string(value[i], child(pointer, i), s)) {
        list.push_back(std::move(s));
      } else {
        ok = false;
      }
    }
    if (ok) out = std::move(list);
    return ok;
  }

  // -- top level ------------------------------------------------------------

  void read_version(const json& value, Config& config) {
    if (!value.is_number()) {
      wrong_type("/version", "an integer (1)", value);
      return;
    }
    if (value.get<double>() != 1.0) {
      error("unsupported_version", "/version",
            "unsupported configuration version " + value.dump() +
                " (this version of leadscore reads version 1)");
      return;
    }
    config.version = 1;
  }

  void read_options(const json& value, const std::string& p, Options& options) {
    if (!expect_object(value, p)) return;
    check_keys(value, p, kOptionsKeys, "options");
    field(value, p, "case_sensitive", options.case_sensitive);
    if (const json* v = member(value, "free_email_domains")) {
      std::vector<std::string> domains;
      if (read_string_list(*v, p + "/free_email_domains", false, domains)) {
        options.free_email_domains = std::move(domains);
      }
    }
    if (const json* v = member(value, "enrichment")) {
      const std::string ep = p + "/enrichment";
      if (expect_object(*v, ep)) {
        check_keys(*v, ep, kEnrichmentKeys, "enrichment");
        if (const json* f = member(*v, "fields")) {
          read_string_list(*f, ep + "/fields", false, options.enrichment.fields);
        }
        if (const json* m = member(*v, "min_fields")) {
          std::int64_t n = 0;
          if (read_integer(*m, ep + "/min_fields", 0, std::numeric_limits<std::int32_t>::max(),
                           n)) {
            options.enrichment.min_fields = static_cast<std::size_t>(n);
          }
        }
      }
    }
    field(value, p, "fallback_stage", options.fallback_stage);
    field(value, p, "ignore_automated", options.ignore_automated);
  }

  void read_lifecycle(const json& value, const std::string& p, Lifecycle& lc) {
    if (!expect_object(value, p)) return;
    check_keys(value, p, kLifecycleKeys, "lifecycle");
    if (const json* v = member(value, "regression")) {
      std::string text;
      if (read_string(*v, p + "/regression", text)) {
        if (const auto r = parse_regression(text)) {
          lc.regression = *r;
        } else {
          unknown_name_error("invalid_value", p + "/regression", "regression policy", text,
                             kRegressionNames);
        }
      }
    }
    field(value, p, "demote_after_days", lc.demote_after_days);
    field(value, p, "demote_margin", lc.demote_margin);
    if (const json* v = member(value, "recycle")) {
      const std::string rp = p + "/recycle";
      if (!v->is_array()) {
        wrong_type(rp, "an array of recycle rules", *v);
      } else {
        for (std::size_t i = 0; i < v->size(); ++i) {
          const json& r = (*v)[i];
          const std::string ip = child(rp, i);
          RecycleRule rule;
          if (!r.is_object()) {
            wrong_type(ip, "a recycle rule object", r);
            continue;
          }
          check_keys(r, ip, kRecycleKeys, "a recycle rule");
          field(r, ip, "id", rule.id);
          field(r, ip, "stage", rule.stage);
          field(r, ip, "after_days", rule.after_days);
          if (const json* f = member(r, "unless")) {
            read_string_list(*f, ip + "/unless", true, rule.unless);
          }
          field(r, ip, "to", rule.to);
          field(r, ip, "reason", rule.reason);
          field(r, ip, "hold_days", rule.hold_days);
          lc.recycle.push_back(std::move(rule));
        }
      }
    }
    if (const json* v = member(value, "feedback")) {
      const std::string fp = p + "/feedback";
      if (expect_object(*v, fp)) {
        FeedbackPolicy& fb = lc.feedback;
        check_keys(*v, fp, kFeedbackKeys, "feedback");
        field(*v, fp, "rejected_stage", fb.rejected_stage);
        field(*v, fp, "rejected_hold_days", fb.rejected_hold_days);
        field(*v, fp, "lost_stage", fb.lost_stage);
        field(*v, fp, "lost_hold_days", fb.lost_hold_days);
        field(*v, fp, "won_stage", fb.won_stage);
      }
    }
  }

  void read_bounds(const json& value, const std::string& p, ScoreBounds& bounds) {
    if (!expect_object(value, p)) return;
    check_keys(value, p, kBoundsKeys, "score bounds");
    field(value, p, "min", bounds.min);
    field(value, p, "max", bounds.max);
  }

  void read_scores(const json& value, const std::string& p, Scores& scores) {
    if (!expect_object(value, p)) return;
    check_keys(value, p, kScoresKeys, "scores");
    if (const json* v = member(value, "fit")) read_bounds(*v, p + "/fit", scores.fit);
    if (const json* v = member(value, "engagement")) {
      read_bounds(*v, p + "/engagement", scores.engagement);
    }
    if (const json* v = member(value, "weights")) {
      const std::string wp = p + "/weights";
      if (expect_object(*v, wp)) {
        check_keys(*v, wp, kWeightsKeys, "weights");
        field(*v, wp, "fit", scores.weights.fit);
        field(*v, wp, "engagement", scores.weights.engagement);
      }
    }
  }

  void read_bands(const json& value, const std::string& p, std::vector<GradeBand>& bands) {
    if (!value.is_array()) return wrong_type(p, "an array of grade bands", value);
    if (too_many(value, p, limits_.max_set_size, "grade bands", "max_set_size")) return;
    std::vector<GradeBand> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string bp = child(p, i);
      const json& band = value[i];
      GradeBand b;
      if (!band.is_object()) {
        wrong_type(bp, "a grade band object ({\"label\": ..., \"min\": ...})", band);
        continue;
      }
      check_keys(band, bp, kBandKeys, "a grade band");
      field(band, bp, "label", b.label);
      field(band, bp, "min", b.min);
      out.push_back(std::move(b));
    }
    bands = std::move(out);
  }

  void read_grades(const json& value, const std::string& p, Grades& grades) {
    if (!expect_object(value, p)) return;
    check_keys(value, p, kGradesKeys, "grades");
    if (const json* v = member(value, "fit")) read_bands(*v, p + "/fit", grades.fit);
    if (const json* v = member(value, "engagement")) {
      read_bands(*v, p + "/engagement", grades.engagement);
    }
  }

  // -- rules ----------------------------------------------------------------

  void read_rules(const json& value, const std::string& p, std::vector<Rule>& rules) {
    if (!value.is_array()) return wrong_type(p, "an array of rules", value);
    if (too_many(value, p, limits_.max_rules, "rules", "max_rules")) return;
    rules.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      rules.push_back(read_rule(value[i], child(p, i)));
    }
  }

  Rule read_rule(const json& value, const std::string& p) {
    Rule rule;
    if (!expect_object(value, p, "a rule object")) return rule;
    const std::vector<std::string> suggested = check_keys(value, p, kRuleKeys, "a rule");
    if (const json* v = member(value, "id")) {
      read_string(*v, p + "/id", rule.id);
    } else if (!contains(suggested, "id")) {
      error("missing_key", p + "/id", "a rule needs an 'id'");
    }
    if (const json* v = member(value, "kind")) {
      const auto kind =
          read_name(*v, p + "/kind", "a rule kind (" + join(kRuleKindNames, " or ") + ")",
                    "unknown_rule_kind", "rule kind", kRuleKindNames, parse_rule_kind);
      if (kind) rule.kind = *kind;
    } else if (!contains(suggested, "kind")) {
      error("missing_key", p + "/kind",
            "a rule needs a 'kind' (" + join(kRuleKindNames, " or ") + ")");
    }
    field(value, p, "description", rule.description);
    if (const json* v = member(value, "when")) rule.when = read_condition(*v, p + "/when", 1);
    if (const json* v = member(value, "event")) {
      read_string_list(*v, p + "/event", true, rule.event_types);
    }
    if (const json* v = member(value, "where")) rule.where = read_where(*v, p + "/where", 1);
    field(value, p, "points", rule.points);
    field(value, p, "max_points", rule.max_points);
    if (const json* v = member(value, "max_per_day")) {
      std::int64_t n = 0;
      if (read_integer(*v, p + "/max_per_day", std::numeric_limits<int>::min(),
                       std::numeric_limits<int>::max(), n)) {
        rule.max_per_day = static_cast<int>(n);
      }
    }
    field(value, p, "within_days", rule.within_days);
    field(value, p, "half_life_days", rule.half_life_days);
    if (const json* v = member(value, "implied_by")) {
      const std::string ip = p + "/implied_by";
      if (!v->is_object()) {
        wrong_type(ip, "an object such as {\"event\": \"email_click\", \"same\": \"campaign\"}",
                   *v);
      } else {
        check_keys(*v, ip, kImpliedKeys, "implied_by");
        if (const json* e = member(*v, "event")) {
          read_string_list(*e, ip + "/event", true, rule.implied_by);
        } else {
          missing_key(ip, "event", "the implying event types");
        }
        field(*v, ip, "same", rule.implied_same);
      }
    }
    field(value, p, "reason", rule.reason);
    return rule;
  }

  // -- conditions -----------------------------------------------------------

  /// `where`: an array of conditions, or a single condition object.
  std::vector<Condition> read_where(const json& value, const std::string& p, std::size_t depth) {
    std::vector<Condition> out;
    if (value.is_object()) {
      out.push_back(read_condition(value, p, depth));
    } else if (value.is_array()) {
      out.reserve(value.size());
      for (std::size_t i = 0; i < value.size(); ++i) {
        out.push_back(read_condition(value[i], child(p, i), depth));
      }
    } else {
      wrong_type(p, "a condition or an array of conditions", value);
    }
    return out;
  }

  Condition read_condition(const json& value, const std::string& p, std::size_t depth) {
    Condition c;
    if (!expect_object(value, p, "a condition object")) return c;
    if (depth > limits_.max_condition_depth) {
      error("limit_exceeded", p,
            "condition nested deeper than " + std::to_string(limits_.max_condition_depth) +
                " levels (Limits::max_condition_depth)");
      return c;
    }
    std::vector<std::string_view> present;
    for (const std::string_view key : kDiscriminators) {
      if (value.contains(key)) present.push_back(key);
    }
    if (present.empty()) {
      const std::vector<std::string> suggested =
          check_keys(value, p, kAnyConditionKeys, "a condition");
      bool explained = false;
      for (const std::string_view key : kDiscriminators) {
        explained = explained || contains(suggested, key);
      }
      if (!explained) {
        error("invalid_condition", p,
              "a condition needs one of 'field', 'measure', 'all', 'any' or 'not'");
      }
      return c;
    }
    if (present.size() > 1) {
      check_keys(value, p, kAnyConditionKeys, "a condition");
      error("invalid_condition", p,
            "a condition has exactly one of 'field', 'measure', 'all', 'any' or 'not'; this one "
            "has " +
                join(present, " and "));
      return c;
    }
    const std::string_view kind = present.front();
    if (kind == "field") return read_compare(value, p);
    if (kind == "measure") return read_aggregate(value, p, depth);
    if (kind == "not") {
      const std::array<std::string_view, 1> keys = {"not"};
      check_keys(value, p, keys, "a 'not' condition");
      c.kind = Condition::Kind::negate;
      c.children.push_back(read_condition(value["not"], p + "/not", depth + 1));
      return c;
    }
    const std::array<std::string_view, 1> keys = {kind};
    check_keys(value, p, keys, kind == "all" ? "an 'all' condition" : "an 'any' condition");
    c.kind = kind == "all" ? Condition::Kind::all : Condition::Kind::any;
    const std::string cp = p + "/" + std::string(kind);
    const json& children = value[std::string(kind)];
    if (!children.is_array()) {
      wrong_type(cp, "an array of conditions", children);
      return c;
    }
    c.children.reserve(children.size());
    for (std::size_t i = 0; i < children.size(); ++i) {
      c.children.push_back(read_condition(children[i], child(cp, i), depth + 1));
    }
    return c;
  }

  Condition read_compare(const json& value, const std::string& p) {
    Condition c;
    c.kind = Condition::Kind::compare;
    const std::vector<std::string> suggested =
        check_keys(value, p, kCompareKeys, "a field condition");
    read_string(value["field"], p + "/field", c.field);
    field(value, p, "case_sensitive", c.case_sensitive);
    read_op_value(value, p, suggested, c);
    return c;
  }

  Condition read_aggregate(const json& value, const std::string& p, std::size_t depth) {
    Condition c;
    c.kind = Condition::Kind::aggregate;
    const std::vector<std::string> suggested =
        check_keys(value, p, kAggregateKeys, "a measure condition");
    const auto measure = read_name(value["measure"], p + "/measure",
                                   "a measure (" + join(kMeasureNames, " or ") + ")",
                                   "unknown_measure", "measure", kMeasureNames, parse_measure);
    if (measure) c.measure = *measure;
    if (const json* v = member(value, "event")) {
      read_string_list(*v, p + "/event", true, c.event_types);
    }
    if (const json* v = member(value, "where")) c.where = read_where(*v, p + "/where", depth + 1);
    field(value, p, "within_days", c.within_days);
    field(value, p, "property", c.property);
    read_op_value(value, p, suggested, c);
    return c;
  }

  void read_op_value(const json& value, const std::string& p,
                     const std::vector<std::string>& suggested, Condition& c) {
    std::optional<Op> op;
    if (const json* v = member(value, "op")) {
      op = read_name(*v, p + "/op", "an operator name", "unknown_operator", "operator", kOpNames,
                     parse_op);
      if (op) c.op = *op;
    } else if (!contains(suggested, "op")) {
      error("missing_key", p + "/op", "a condition needs an 'op' (" + join(kOpNames, " or ") + ")");
    }
    const json* operand = member(value, "value");
    const bool takes_value = !op || (*op != Op::exists && *op != Op::missing);
    if (operand != nullptr) {
      if (takes_value) {
        read_operand(*operand, p + "/value", c.value);
      } else {
        error("invalid_value", p + "/value",
              "operator '" + std::string(to_string(*op)) + "' takes no value");
      }
    } else if (op && takes_value && !contains(suggested, "value")) {
      error("missing_key", p + "/value",
            "operator '" + std::string(to_string(*op)) + "' needs a 'value'");
    }
  }

  void read_operand(const json& value, const std::string& p, Operand& out) {
    switch (value.type()) {
      case json::value_t::boolean:
        out = value.get<bool>();
        return;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float: {
        double d = 0;
        if (read_number(value, p, d)) out = d;
        return;
      }
      case json::value_t::string: {
        std::string s;
        if (read_string(value, p, s)) out = std::move(s);
        return;
      }
      case json::value_t::array:
        read_operand_list(value, p, out);
        return;
      default:
        error("invalid_value", p,
              "expected a boolean, a number, a string, or an array of strings or of numbers, got " +
                  a_type(value));
        return;
    }
  }

  void read_operand_list(const json& value, const std::string& p, Operand& out) {
    if (too_many(value, p, limits_.max_set_size, "values", "max_set_size")) return;
    std::size_t strings = 0;
    std::size_t numbers = 0;
    for (const json& element : value) {
      if (element.is_string()) ++strings;
      if (element.is_number()) ++numbers;
    }
    if (strings == value.size()) {  // includes the empty list
      std::vector<std::string> list;
      list.reserve(value.size());
      bool ok = true;
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string s;
        ok = read_string(value[i], child(p, i), s) && ok;
        list.push_back(std::move(s));
      }
      if (ok) out = std::move(list);
      return;
    }
    if (numbers == value.size()) {
      std::vector<double> list;
      list.reserve(value.size());
      bool ok = true;
      for (std::size_t i = 0; i < value.size(); ++i) {
        double d = 0;
        ok = read_number(value[i], child(p, i), d) && ok;
        list.push_back(d);
      }
      if (ok) out = std::move(list);
      return;
    }
    // Name the first element that breaks the list.
    const bool expect_strings = value[0].is_string();
    const bool expect_numbers = value[0].is_number();
    for (std::size_t i = 0; i < value.size(); ++i) {
      const json& element = value[i];
      if ((expect_strings && element.is_string()) || (expect_numbers && element.is_number()))
        continue;
      const std::string expected = expect_strings   ? "a string (the list starts with strings)"
                                   : expect_numbers ? "a number (the list starts with numbers)"
                                                    : "a string or a number";
      error("invalid_value", child(p, i),
            "a value list holds only strings or only numbers: expected " + expected + ", got " +
                a_type(element));
      return;
    }
  }

  // -- stages ---------------------------------------------------------------

  void read_stages(const json& value, const std::string& p, std::vector<Stage>& stages) {
    if (!value.is_array()) return wrong_type(p, "an array of stages", value);
    if (too_many(value, p, limits_.max_stages, "stages", "max_stages")) return;
    stages.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      stages.push_back(read_stage(value[i], child(p, i)));
    }
  }

  Stage read_stage(const json& value, const std::string& p) {
    Stage stage;
    if (!expect_object(value, p, "a stage object")) return stage;
    const std::vector<std::string> suggested = check_keys(value, p, kStageKeys, "a stage");
    if (const json* v = member(value, "name")) {
      read_string(*v, p + "/name", stage.name);
    } else if (!contains(suggested, "name")) {
      error("missing_key", p + "/name", "a stage needs a 'name'");
    }
    field(value, p, "description", stage.description);
    if (const json* v = member(value, "when")) stage.when = read_condition(*v, p + "/when", 1);
    if (const json* v = member(value, "by_origin")) {
      const std::string op = p + "/by_origin";
      if (!v->is_object()) {
        wrong_type(op, "an object mapping an origin (inbound, outbound, unknown) to a condition",
                   *v);
      } else {
        for (const auto& [key, condition] : v->items()) {
          const std::string cp = child(op, key);
          const std::optional<Origin> origin = detail::parse_name<Origin>(key);
          if (!origin) {
            unknown_name_error("unknown_origin", cp, "origin", key, kOriginNames);
            continue;
          }
          stage.by_origin.emplace_back(*origin, read_condition(condition, cp, 1));
        }
      }
    }
    return stage;
  }

  const Limits& limits_;
};

// ---------------------------------------------------------------------------
// Writing (templated so that to_json_text can keep keys in a readable order)
// ---------------------------------------------------------------------------

template <class J>
J number_json(double value) {
  // Integral values print as integers (10, not 10.0).
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.0e15) {
    return J(static_cast<std::int64_t>(value));
  }
  return J(value);
}

template <class J>
J strings_json(const std::vector<std::string>& list, bool single) {
  if (single && list.size() == 1) return J(list.front());
  J out = J::array();
  for (const std::string& s : list) out.push_back(s);
  return out;
}

template <class J>
J operand_json(const Operand& value) {
  struct Visitor {
    J operator()(std::monostate) const { return J(nullptr); }
    J operator()(bool b) const { return J(b); }
    J operator()(double d) const { return number_json<J>(d); }
    J operator()(const std::string& s) const { return J(s); }
    J operator()(const std::vector<std::string>& l) const { return strings_json<J>(l, false); }
    J operator()(const std::vector<double>& l) const {
      J out = J::array();
      for (const double d : l) out.push_back(number_json<J>(d));
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

template <class J>
J condition_json(const Condition& c);

template <class J>
J conditions_json(const std::vector<Condition>& list) {
  J out = J::array();
  for (const Condition& c : list) out.push_back(condition_json<J>(c));
  return out;
}

template <class J>
J condition_json(const Condition& c) {
  J out = J::object();
  switch (c.kind) {
    case Condition::Kind::compare:
      out["field"] = c.field;
      out["op"] = std::string(to_string(c.op));
      if (!std::holds_alternative<std::monostate>(c.value)) out["value"] = operand_json<J>(c.value);
      if (c.case_sensitive) out["case_sensitive"] = *c.case_sensitive;
      break;
    case Condition::Kind::aggregate:
      out["measure"] = std::string(to_string(c.measure));
      if (!c.event_types.empty()) out["event"] = strings_json<J>(c.event_types, true);
      if (!c.where.empty()) out["where"] = conditions_json<J>(c.where);
      if (c.within_days) out["within_days"] = number_json<J>(*c.within_days);
      if (!c.property.empty()) out["property"] = c.property;
      out["op"] = std::string(to_string(c.op));
      if (!std::holds_alternative<std::monostate>(c.value)) out["value"] = operand_json<J>(c.value);
      // Not part of the format for measures: written so that reading it back fails loudly.
      if (c.case_sensitive) out["case_sensitive"] = *c.case_sensitive;
      break;
    case Condition::Kind::all:
      out["all"] = conditions_json<J>(c.children);
      break;
    case Condition::Kind::any:
      out["any"] = conditions_json<J>(c.children);
      break;
    case Condition::Kind::negate:
      // Exactly one child in any valid configuration; otherwise written as a
      // list so that reading it back reports the problem.
      out["not"] = c.children.size() == 1 ? condition_json<J>(c.children.front())
                                          : conditions_json<J>(c.children);
      break;
  }
  return out;
}

template <class J>
J rule_json(const Rule& r) {
  J out = J::object();
  out["id"] = r.id;
  out["kind"] = std::string(to_string(r.kind));
  if (!r.description.empty()) out["description"] = r.description;
  // Keys that do not apply to the rule's kind are written only when set, so
  // that nothing is lost silently (Qualifier::build reports them).
  const bool behavior = r.kind == RuleKind::behavior;
  if (!behavior || !(r.when == Condition{})) out["when"] = condition_json<J>(r.when);
  if (!r.event_types.empty()) out["event"] = strings_json<J>(r.event_types, true);
  if (!r.where.empty()) out["where"] = conditions_json<J>(r.where);
  if (r.kind != RuleKind::knockout || r.points != 0) out["points"] = number_json<J>(r.points);
  if (r.max_points) out["max_points"] = number_json<J>(*r.max_points);
  if (r.max_per_day) out["max_per_day"] = *r.max_per_day;
  if (r.within_days) out["within_days"] = number_json<J>(*r.within_days);
  if (r.half_life_days) out["half_life_days"] = number_json<J>(*r.half_life_days);
  if (!r.implied_by.empty() || !r.implied_same.empty()) {
    J implied = J::object();
    implied["event"] = strings_json<J>(r.implied_by, true);
    if (!r.implied_same.empty()) implied["same"] = r.implied_same;
    out["implied_by"] = std::move(implied);
  }
  if (!r.reason.empty()) out["reason"] = r.reason;
  return out;
}

template <class J>
J stage_json(const Stage& s) {
  J out = J::object();
  out["name"] = s.name;
  if (!s.description.empty()) out["description"] = s.description;
  out["when"] = condition_json<J>(s.when);
  if (!s.by_origin.empty()) {
    J by_origin = J::object();
    for (const auto& [origin, condition] : s.by_origin) {
      by_origin[std::string(to_string(origin))] = condition_json<J>(condition);
    }
    out["by_origin"] = std::move(by_origin);
  }
  return out;
}

template <class J>
J bounds_json(const ScoreBounds& b) {
  J out = J::object();
  out["min"] = number_json<J>(b.min);
  if (b.max) out["max"] = number_json<J>(*b.max);
  return out;
}

template <class J>
J bands_json(const std::vector<GradeBand>& bands) {
  J out = J::array();
  for (const GradeBand& b : bands) {
    J band = J::object();
    band["label"] = b.label;
    band["min"] = number_json<J>(b.min);
    out.push_back(std::move(band));
  }
  return out;
}

template <class J>
J config_json(const Config& c) {
  J out = J::object();
  out["version"] = c.version;
  if (!c.name.empty()) out["name"] = c.name;
  if (!c.description.empty()) out["description"] = c.description;

  J options = J::object();
  options["case_sensitive"] = c.options.case_sensitive;
  if (c.options.free_email_domains) {
    options["free_email_domains"] = strings_json<J>(*c.options.free_email_domains, false);
  }
  J enrichment = J::object();
  enrichment["fields"] = strings_json<J>(c.options.enrichment.fields, false);
  enrichment["min_fields"] = static_cast<std::uint64_t>(c.options.enrichment.min_fields);
  options["enrichment"] = std::move(enrichment);
  options["fallback_stage"] = c.options.fallback_stage;
  options["ignore_automated"] = c.options.ignore_automated;
  out["options"] = std::move(options);

  J scores = J::object();
  scores["fit"] = bounds_json<J>(c.scores.fit);
  scores["engagement"] = bounds_json<J>(c.scores.engagement);
  J weights = J::object();
  weights["fit"] = number_json<J>(c.scores.weights.fit);
  weights["engagement"] = number_json<J>(c.scores.weights.engagement);
  scores["weights"] = std::move(weights);
  out["scores"] = std::move(scores);

  J grades = J::object();
  grades["fit"] = bands_json<J>(c.grades.fit);
  grades["engagement"] = bands_json<J>(c.grades.engagement);
  out["grades"] = std::move(grades);

  J rules = J::array();
  for (const Rule& r : c.rules) rules.push_back(rule_json<J>(r));
  out["rules"] = std::move(rules);
  J stages = J::array();
  for (const Stage& s : c.stages) stages.push_back(stage_json<J>(s));
  out["stages"] = std::move(stages);

  const Lifecycle& lc = c.lifecycle;
  J lifecycle = J::object();
  lifecycle["regression"] = std::string(to_string(lc.regression));
  lifecycle["demote_after_days"] = number_json<J>(lc.demote_after_days);
  lifecycle["demote_margin"] = number_json<J>(lc.demote_margin);
  J recycle = J::array();
  for (const RecycleRule& r : lc.recycle) {
    J rule = J::object();
    rule["id"] = r.id;
    rule["stage"] = r.stage;
    rule["after_days"] = number_json<J>(r.after_days);
    if (!r.unless.empty()) rule["unless"] = strings_json<J>(r.unless, false);
    rule["to"] = r.to;
    if (!r.reason.empty()) rule["reason"] = r.reason;
    rule["hold_days"] = number_json<J>(r.hold_days);
    recycle.push_back(std::move(rule));
  }
  lifecycle["recycle"] = std::move(recycle);
  J feedback = J::object();
  feedback["rejected_stage"] = lc.feedback.rejected_stage;
  feedback["rejected_hold_days"] = number_json<J>(lc.feedback.rejected_hold_days);
  feedback["lost_stage"] = lc.feedback.lost_stage;
  feedback["lost_hold_days"] = number_json<J>(lc.feedback.lost_hold_days);
  feedback["won_stage"] = lc.feedback.won_stage;
  lifecycle["feedback"] = std::move(feedback);
  out["lifecycle"] = std::move(lifecycle);
  return out;
}

/// JSON nesting allowed for a configuration: the deepest condition the
/// limits permit, plus the levels around conditions and value lists.
std::size_t config_max_depth(const Limits& limits) { return 2 * limits.max_condition_depth + 8; }

Result<Qualifier> build_merged(Config config, std::vector<Diagnostic> diagnostics,
                               const BuildOptions& options) {
  Result<Qualifier> built = Qualifier::build(std::move(config), options);
  diagnostics.insert(diagnostics.end(), built.diagnostics().begin(), built.diagnostics().end());
  if (!built.ok()) return Result<Qualifier>(std::move(diagnostics));
  return Result<Qualifier>(std::move(built).value(), std::move(diagnostics));
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------

Result<Config> config_from_json(const nlohmann::json& json_value, const Limits& limits) {
  ConfigReader reader(limits);
  Config config = reader.read(json_value);
  if (has_errors(reader.diagnostics)) return Result<Config>(std::move(reader.diagnostics));
  return Result<Config>(std::move(config), std::move(reader.diagnostics));
}

nlohmann::json to_json(const Config& config) { return config_json<nlohmann::json>(config); }

Result<Config> parse_config(std::string_view json_text, const Limits& limits) {
  if (json_text.size() > limits.max_config_bytes) {
    return Result<Config>(std::vector<Diagnostic>{detail::make_error(
        "limit_exceeded", "",
        "configuration of " + std::to_string(json_text.size()) + " bytes is larger than " +
            std::to_string(limits.max_config_bytes) + " (Limits::max_config_bytes)")});
  }
  detail::StrictParse parsed = detail::parse_json_strict(
      json_text, limits.max_config_bytes, config_max_depth(limits), limits.max_string_length);
  if (!parsed.value) return Result<Config>(std::move(parsed.diagnostics));
  Result<Config> result = config_from_json(*parsed.value, limits);
  std::vector<Diagnostic> diagnostics = result.diagnostics();
  locate(diagnostics, json_text);
  if (!result.ok()) return Result<Config>(std::move(diagnostics));
  return Result<Config>(std::move(result).value(), std::move(diagnostics));
}

std::string to_json_text(const Config& config) {
  // Invalid UTF-8 in a string is replaced by U+FFFD rather than throwing.
  return config_json<nlohmann::ordered_json>(config).dump(
      2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<Qualifier> qualifier_from_json(const nlohmann::json& json_value,
                                      const BuildOptions& options) {
  Result<Config> config = config_from_json(json_value, options.limits);
  if (!config.ok()) return Result<Qualifier>(config.diagnostics());
  std::vector<Diagnostic> diagnostics = config.diagnostics();
  return build_merged(std::move(config).value(), std::move(diagnostics), options);
}

Result<Qualifier> Qualifier::from_json_text(std::string_view text, const BuildOptions& options) {
  Result<Config> config = parse_config(text, options.limits);
  if (!config.ok()) return Result<Qualifier>(config.diagnostics());
  std::vector<Diagnostic> diagnostics = config.diagnostics();
  Result<Qualifier> built =
      build_merged(std::move(config).value(), std::move(diagnostics), options);
  std::vector<Diagnostic> located = built.diagnostics();
  locate(located, text);
  if (!built.ok()) return Result<Qualifier>(std::move(located));
  return Result<Qualifier>(std::move(built).value(), std::move(located));
}

Result<Qualifier> Qualifier::from_json_file(const std::filesystem::path& path,
                                            const BuildOptions& options) {
  const auto io_error = [&](const std::string& why) {
    return Result<Qualifier>(std::vector<Diagnostic>{detail::make_error(
        "io_error", "", "cannot read configuration file '" + path.string() + "': " + why)});
  };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return io_error("no such file");
  if (ec) return io_error(ec.message());
  if (std::filesystem::is_directory(status)) return io_error("it is a directory");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > options.limits.max_config_bytes) {
    return Result<Qualifier>(std::vector<Diagnostic>{detail::make_error(
        "limit_exceeded", "",
        "configuration file '" + path.string() + "' of " + std::to_string(size) +
            " bytes is larger than " + std::to_string(options.limits.max_config_bytes) +
            " (Limits::max_config_bytes)")});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("it cannot be opened");
  std::string text;
  // Read at most one byte past the limit, so that a file that grew is caught too.
  const std::size_t cap = options.limits.max_config_bytes + 1;
  char buffer[1 << 16];
  while (in && text.size() < cap) {
    in.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, cap - text.size())));
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return io_error("a read error occurred");
  return from_json_text(text, options);
}

}  // namespace leadscore
