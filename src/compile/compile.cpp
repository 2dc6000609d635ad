// Validation and compilation of a Config into a Model.
#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "model/model.hpp"
#include "core/text.hpp"

namespace leadscore::detail {
namespace {

struct FieldEntry {
  std::string_view path;
  FieldId id;
  FieldType type;
  bool stage_only;
};

constexpr FieldEntry kFields[] = {
    {"id", FieldId::id, FieldType::text, false},
    {"contact.first_name", FieldId::first_name, FieldType::text, false},
    {"contact.last_name", FieldId::last_name, FieldType::text, false},
    {"contact.email", FieldId::email, FieldType::text, false},
    {"contact.secondary_email", FieldId::secondary_email, FieldType::text, false},
    {"contact.phone", FieldId::phone, FieldType::text, false},
    {"contact.secondary_phone", FieldId::secondary_phone, FieldType::text, false},
    {"company.name", FieldId::company_name, FieldType::text, false},
    {"company.domain", FieldId::company_domain, FieldType::text, false},
    {"company.industry", FieldId::company_industry, FieldType::text, false},
    {"company.employees", FieldId::company_employees, FieldType::number, false},
    {"company.annual_revenue", FieldId::company_revenue, FieldType::number, false},
    {"job_title", FieldId::job_title, FieldType::text, false},
    {"seniority", FieldId::seniority, FieldType::text, false},
    {"department", FieldId::department, FieldType::text, false},
    {"location.country", FieldId::country, FieldType::text, false},
    {"location.region", FieldId::region, FieldType::text, false},
    {"location.city", FieldId::city, FieldType::text, false},
    {"origin", FieldId::origin, FieldType::text, false},
    {"source", FieldId::source, FieldType::text, false},
    {"consent.do_not_email", FieldId::do_not_email, FieldType::boolean, false},
    {"consent.do_not_call", FieldId::do_not_call, FieldType::boolean, false},
    {"discovery.budget", FieldId::budget, FieldType::dynamic, false},
    {"discovery.authority", FieldId::authority, FieldType::dynamic, false},
    {"discovery.need", FieldId::need, FieldType::dynamic, false},
    {"discovery.timeline", FieldId::timeline, FieldType::dynamic, false},
    {"enrichment", FieldId::enrichment, FieldType::text, false},
    {"completeness", FieldId::completeness, FieldType::number, false},
    {"email_domain", FieldId::email_domain, FieldType::text, false},
    {"free_email", FieldId::free_email, FieldType::boolean, false},
    {"days_since_created", FieldId::days_since_created, FieldType::number, false},
    {"days_since_last_activity", FieldId::days_since_last_activity, FieldType::number, false},
    {"event_count", FieldId::event_count, FieldType::number, false},
    {"score.fit", FieldId::score_fit, FieldType::number, true},
    {"score.engagement", FieldId::score_engagement, FieldType::number, true},
    {"score.total", FieldId::score_total, FieldType::number, true},
    {"grade.fit", FieldId::grade_fit, FieldType::text, true},
    {"grade.engagement", FieldId::grade_engagement, FieldType::text, true},
    {"grade", FieldId::grade, FieldType::text, true},
    {"stage.current", FieldId::stage_current, FieldType::text, true},
    {"stage.days_in_stage", FieldId::days_in_stage, FieldType::number, true},
    {"sales.status", FieldId::sales_status, FieldType::text, true},
};

std::string fmt_num(double v) { return format_number(v); }

std::string_view op_symbol(Op op) {
  switch (op) {
    case Op::eq:
      return "==";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::lte:
      return "<=";
    case Op::gt:
      return ">";
    case Op::gte:
      return ">=";
    default:
      return to_string(op);
  }
}

std::string operand_text(const Operand& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const { return fmt_num(d); }
    std::string operator()(const std::string& s) const { return "\"" + s + "\""; }
    std::string operator()(const std::vector<std::string>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (i) out += ", ";
        if (i == 8) {
          out += "... " + std::to_string(l.size() - 8) + " more";
          break;
        }
        out += "\"" + l[i] + "\"";
      }
      return out + "]";
    }
    std::string operator()(const std::vector<double>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (i) out += ", ";
        if (i == 8) {
          out += "... " + std::to_string(l.size() - 8) + " more";
          break;
        }
        out += fmt_num(l[i]);
      }
      return out + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

std::string_view operand_type_name(const Operand& v) {
  switch (v.index()) {
    case 0:
      return "nothing";
    case 1:
      return "a boolean";
    case 2:
      return "a number";
    case 3:
      return "a string";
    case 4:
      return "a list of strings";
    default:
      return "a list of numbers";
  }
}

class Compiler {
 public:
  Compiler(Config config, const Limits& limits) {
    model_ = std::make_shared<Model>();
    model_->config = std::move(config);
    model_->limits = limits;
  }

  Result<std::shared_ptr<const Model>> run() {
    check_top();
    intern_event_types();
    compile_options();
    compile_grades();
    compile_rules();
    compile_stages();
    compile_lifecycle();
    build_subscriptions();
    if (has_errors(diags_)) return Result<std::shared_ptr<const Model>>(std::move(diags_));
    model_->warnings = warnings_;
    std::vector<Diagnostic> w = warnings_;
    return Result<std::shared_ptr<const Model>>(std::shared_ptr<const Model>(model_), std::move(w));
  }

 private:
  void error(std::string code, std::string pointer, std::string message,
             std::string suggestion = {}) {
    Diagnostic d;
    d.severity = Severity::error;
    d.code = std::move(code);
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    d.suggestion = std::move(suggestion);
    diags_.push_back(std::move(d));
  }
  void warning(std::string code, std::string pointer, std::string message,
               std::string suggestion = {}) {
    Diagnostic d;
    d.severity = Severity::warning;
    d.code = std::move(code);
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    d.suggestion = std::move(suggestion);
    diags_.push_back(d);
    warnings_.push_back(std::move(d));
  }
  void check_string(std::string_view s, const std::string& pointer) {
    if (s.size() > model_->limits.max_string_length) {
      error("limit_exceeded", pointer,
            "string of " + std::to_string(s.size()) + " characters is longer than " +
                std::to_string(model_->limits.max_string_length) + " (Limits::max_string_length)");
    }
  }
  bool finite(double v, const std::string& pointer, std::string_view what) {
    if (std::isfinite(v)) return true;
    error("invalid_value", pointer, std::string(what) + " must be a finite number");
    return false;
  }

  void check_top() {
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

  // ---- event types ------------------------------------------------------
  void note_type(const std::string& t, const std::string& pointer) {
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
  void collect_types(const Condition& c, const std::string& p) {
    if (c.kind == Condition::Kind::aggregate) {
      for (std::size_t i = 0; i < c.event_types.size(); ++i) {
        note_type(c.event_types[i],
                  p + (c.event_types.size() == 1 ? "/event" : "/event/" + std::to_string(i)));
      }
    }
    if (c.kind == Condition::Kind::compare && c.field.rfind("event_count.", 0) == 0) {
      note_type(c.field.substr(12), p + "/field");
    }
    const std::string child = c.kind == Condition::Kind::all ? "/all/" : "/any/";
    for (std::size_t i = 0; i < c.children.size(); ++i) {
      collect_types(c.children[i],
                    c.kind == Condition::Kind::negate ? p + "/not" : p + child + std::to_string(i));
    }
  }
  void intern_event_types() {
    const Config& c = model_->config;
    for (std::size_t r = 0; r < c.rules.size(); ++r) {
      const std::string p = "/rules/" + std::to_string(r);
      const Rule& rule = c.rules[r];
      for (std::size_t i = 0; i < rule.event_types.size(); ++i) {
        note_type(rule.event_types[i],
                  p + (rule.event_types.size() == 1 ? "/event" : "/event/" + std::to_string(i)));
      }
      for (std::size_t i = 0; i < rule.implied_by.size(); ++i) {
        note_type(rule.implied_by[i],
                  p + (rule.implied_by.size() == 1 ? "/implied_by/event"
                                                   : "/implied_by/event/" + std::to_string(i)));
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
    if (type_names_.size() > std::min(model_->limits.max_event_types, kHardMaxEventTypes)) {
      error("limit_exceeded", "/rules",
            "the configuration names " + std::to_string(type_names_.size()) +
                " event types, more than " +
                std::to_string(std::min(model_->limits.max_event_types, kHardMaxEventTypes)) +
                " (Limits::max_event_types)");
    }
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
    model_->event_types = StringSet(type_names_, false);
  }
  std::uint32_t type_id(const std::string& t) const {
    auto it = type_index_.find(t);
    return it == type_index_.end() ? model_->other_type() : it->second;
  }

  // ---- options ----------------------------------------------------------
  void compile_options() {
    Model& m = *model_;
    const Options& o = m.config.options;
    if (o.free_email_domains) {
      if (o.free_email_domains->size() > m.limits.max_set_size) {
        error("limit_exceeded", "/options/free_email_domains",
              "more than " + std::to_string(m.limits.max_set_size) +
                  " domains (Limits::max_set_size)");
      }
      for (std::size_t i = 0; i < o.free_email_domains->size(); ++i) {
        const std::string& d = (*o.free_email_domains)[i];
        if (d.empty())
          error("invalid_value", "/options/free_email_domains/" + std::to_string(i),
                "a domain may not be empty");
        check_string(d, "/options/free_email_domains/" + std::to_string(i));
      }
      m.free_email = StringSet(*o.free_email_domains, true);
    } else {
      m.free_email = StringSet(default_free_email_domains(), true);
    }
    for (std::size_t i = 0; i < o.enrichment.fields.size(); ++i) {
      const std::string& f = o.enrichment.fields[i];
      const std::string p = "/options/enrichment/fields/" + std::to_string(i);
      FieldInfo info{};
      std::string suffix;
      if (!lookup_field(f, info, suffix) || info.id > FieldId::attribute) {
        std::vector<std::string_view> lead_fields;
        for (const auto& e : kFields) {
          if (e.id < FieldId::enrichment) lead_fields.push_back(e.path);
        }
        error("unknown_field", p, "'" + f + "' is not a lead field that enrichment can count",
              suggest(f, lead_fields));
        continue;
      }
      m.enrichment_fields.push_back(info.id);
      m.enrichment_attr_names.push_back(suffix);
    }
    if (o.enrichment.min_fields > o.enrichment.fields.size()) {
      error("invalid_value", "/options/enrichment/min_fields",
            "min_fields " + std::to_string(o.enrichment.min_fields) + " is more than the " +
                std::to_string(o.enrichment.fields.size()) + " enrichment fields listed");
    }
    if (o.fallback_stage.empty()) {
      error("invalid_value", "/options/fallback_stage", "the fallback stage needs a name");
    }
    m.fallback_stage = o.fallback_stage;
  }

  // ---- grades -----------------------------------------------------------
  void compile_bands(const std::vector<GradeBand>& bands, const std::string& p,
                     std::vector<double>& mins, std::vector<std::string>& labels) {
    if (bands.empty()) {
      error("invalid_value", p, "at least one grade band is needed");
      return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < bands.size(); ++i) {
      const std::string bp = p + "/" + std::to_string(i);
      if (bands[i].label.empty())
        error("invalid_value", bp + "/label", "a grade band needs a label");
      if (!seen.insert(bands[i].label).second) {
        error("duplicate_label", bp + "/label",
              "grade label '" + bands[i].label + "' is used twice");
      }
      finite(bands[i].min, bp + "/min", "a band minimum");
      if (i > 0 && !(bands[i].min < bands[i - 1].min)) {
        error("band_order", bp + "/min",
              "grade bands must be listed best first with strictly decreasing min: " +
                  fmt_num(bands[i].min) + " follows " + fmt_num(bands[i - 1].min));
      }
      mins.push_back(bands[i].min);
      labels.push_back(bands[i].label);
    }
  }
  void compile_grades() {
    Model& m = *model_;
    compile_bands(m.config.grades.fit, "/grades/fit", m.fit_mins, m.fit_labels);
    compile_bands(m.config.grades.engagement, "/grades/engagement", m.engagement_mins,
                  m.engagement_labels);
    for (const auto& f : m.fit_labels) {
      for (const auto& e : m.engagement_labels) m.matrix_labels.push_back(f + e);
    }
    // A band that the clamped score can never reach.
    auto unreachable_bands = [&](const std::vector<double>& mins, const ScoreBounds& b,
                                 const std::string& p) {
      for (std::size_t i = 0; i < mins.size(); ++i) {
        if (b.max && mins[i] > *b.max) {
          warning("unreachable_grade", p + "/" + std::to_string(i) + "/min",
                  "band minimum " + fmt_num(mins[i]) + " is above the score ceiling " +
                      fmt_num(*b.max));
        }
      }
    };
    unreachable_bands(m.fit_mins, m.config.scores.fit, "/grades/fit");
    unreachable_bands(m.engagement_mins, m.config.scores.engagement, "/grades/engagement");
  }

  // ---- conditions -------------------------------------------------------
  enum class Context { rule, stage, event };

  std::uint32_t add_node(Node n) {
    model_->nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(model_->nodes.size() - 1);
  }

  bool check_operand(const Condition& c, FieldType type, const std::string& p,
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

  void fill_operand(Node& n, const Operand& v) {
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
        if (n.op == Op::in || n.op == Op::not_in) n.set = StringSet(n.texts, n.ci);
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

  void check_enumerated(const Condition& c, FieldId id, const std::string& p) {
    static const std::vector<std::string> kEnrichment = {"incomplete", "non_enriched", "enriched"};
    static const std::vector<std::string> kOrigin = {"inbound", "outbound", "unknown"};
    const std::vector<std::string>* allowed = nullptr;
    if (id == FieldId::enrichment) allowed = &kEnrichment;
    if (id == FieldId::origin) allowed = &kOrigin;
    if (!allowed) return;
    auto check_one = [&](const std::string& s, const std::string& vp) {
      for (const auto& a : *allowed) {
        if (iequals(a, s)) return;
      }
      std::string list;
      for (const auto& a : *allowed) list += (list.empty() ? "" : ", ") + a;
      error("invalid_value", vp,
            "'" + s + "' is not a value of " + c.field + " (expected one of " + list + ")",
            suggest(s, *allowed));
    };
    if (const auto* s = std::get_if<std::string>(&c.value)) check_one(*s, p + "/value");
    if (const auto* l = std::get_if<std::vector<std::string>>(&c.value)) {
      for (std::size_t i = 0; i < l->size(); ++i)
        check_one((*l)[i], p + "/value/" + std::to_string(i));
    }
  }

  std::string describe_leaf(const Condition& c, std::string_view lhs) {
    std::string out(lhs);
    if (c.op == Op::exists || c.op == Op::missing) return out + " " + std::string(to_string(c.op));
    if (c.op == Op::between) {
      const auto* r = std::get_if<std::vector<double>>(&c.value);
      if (r && r->size() == 2)
        return out + " between " + fmt_num((*r)[0]) + " and " + fmt_num((*r)[1]);
    }
    return out + " " + std::string(op_symbol(c.op)) + " " + operand_text(c.value);
  }

  std::uint32_t compile_condition(const Condition& c, const std::string& p, Context ctx,
                                  std::size_t depth, std::int32_t* first_aggregate = nullptr) {
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
        const std::string key = c.kind == Condition::Kind::all ? "/all/" : "/any/";
        for (std::size_t i = 0; i < c.children.size(); ++i) {
          const std::string cp =
              c.kind == Condition::Kind::negate ? p + "/not" : p + key + std::to_string(i);
          kids.push_back(compile_condition(c.children[i], cp, ctx, depth + 1, first_aggregate));
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

  void compile_compare(const Condition& c, Node& n, const std::string& p, Context ctx) {
    n.field_name = c.field;
    check_string(c.field, p + "/field");
    FieldType type = FieldType::dynamic;
    if (ctx == Context::event) {
      if (c.field == "type") {
        n.field = FieldId::event_type;
        type = FieldType::text;
      } else if (c.field.empty()) {
        error("invalid_value", p + "/field", "a property name may not be empty");
      } else {
        n.field = FieldId::event_property;
        n.name = c.field;
      }
    } else {
      FieldInfo info{};
      std::string suffix;
      if (!lookup_field(c.field, info, suffix)) {
        std::vector<std::string_view> names;
        for (const auto& e : kFields) {
          if (ctx == Context::stage || !e.stage_only) names.push_back(e.path);
        }
        std::string hint;
        if (c.field.rfind("attributes", 0) == 0 || c.field.rfind("event_count", 0) == 0) {
          hint = " (write attributes.<name> or event_count.<type>)";
        }
        error("unknown_field", p + "/field", "unknown field '" + c.field + "'" + hint,
              suggest(c.field, names));
        return;
      }
      if (info.stage_only && ctx != Context::stage) {
        error("field_not_allowed", p + "/field",
              "'" + c.field +
                  "' is only available in stage conditions (scores are computed from the rules)");
        return;
      }
      n.field = info.id;
      type = info.type;
      if (info.id == FieldId::attribute) n.name = suffix;
      if (info.id == FieldId::event_count_type) n.arg = type_id(suffix);
    }
    if (!check_operand(c, type, p, "'" + c.field + "'")) return;
    check_enumerated(c, n.field, p);
    fill_operand(n, c.value);
    n.display = describe_leaf(c, c.field);
  }

  void compile_aggregate(const Condition& c, Node& n, const std::string& p, Context ctx,
                         std::size_t depth) {
    Model& m = *model_;
    const std::size_t max_aggs = std::min(m.limits.max_aggregates, kHardMaxAggregates);
    if (ctx == Context::event) {
      error("invalid_condition", p, "an event aggregate cannot be nested inside 'where'");
      return;
    }
    if (m.aggregates.size() >= max_aggs) {
      error("limit_exceeded", p,
            "more than " + std::to_string(max_aggs) + " event aggregates (Limits::max_aggregates)");
      return;
    }
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
    if (c.within_days) {
      const double w = *c.within_days;
      if (!std::isfinite(w) || w <= 0 || w > 36500) {
        error("invalid_value", p + "/within_days",
              "within_days must be a number of days in (0, 36500]");
      } else {
        a.window_ms =
            static_cast<std::int64_t>(std::llround(w * static_cast<double>(kMillisPerDay)));
      }
    }
    if (c.measure == Measure::sum) {
      if (c.property.empty())
        error("missing_key", p + "/property",
              "measure 'sum' needs the numeric 'property' to add up");
      a.property = c.property;
    } else if (!c.property.empty()) {
      error("invalid_value", p + "/property", "'property' is only used by measure 'sum'");
    }
    if (c.measure == Measure::distinct_days) {
      const double max_window =
          std::min(m.limits.max_distinct_days_window, kHardMaxDistinctDaysWindow);
      if (!c.within_days) {
        error("missing_key", p + "/within_days",
              "measure 'distinct_days' needs 'within_days' (at most " + fmt_num(max_window) + ")");
      } else if (*c.within_days > max_window) {
        error("limit_exceeded", p + "/within_days",
              "distinct_days window of " + fmt_num(*c.within_days) + " days is longer than " +
                  fmt_num(max_window) + " (Limits::max_distinct_days_window)");
      } else if (a.window_ms > 0) {
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
    }
    switch (c.op) {
      case Op::lt:
      case Op::lte:
      case Op::gt:
      case Op::gte:
      case Op::eq:
      case Op::ne:
        if (!std::holds_alternative<double>(c.value)) {
          error("invalid_value", p + "/value",
                "an aggregate compares with a number, got " +
                    std::string(operand_type_name(c.value)));
        } else if (!std::isfinite(std::get<double>(c.value))) {
          error("invalid_value", p + "/value", "a comparison value must be a finite number");
        }
        break;
      case Op::between:
        if (!check_operand(c, FieldType::number, p, "the aggregate")) return;
        break;
      case Op::exists:
      case Op::missing:
        if (!std::holds_alternative<std::monostate>(c.value)) {
          error("invalid_value", p + "/value",
                "operator " + std::string(to_string(c.op)) + " expects no value");
        }
        break;
      default:
        error("type_mismatch", p + "/op",
              "operator " + std::string(to_string(c.op)) +
                  " does not apply to an aggregate (use eq, ne, lt, lte, gt, gte, between, exists "
                  "or missing)");
        return;
    }
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

  // ---- static analysis: can a condition ever hold? -----------------------
  bool never_holds(std::uint32_t id) const {
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
          const Node& a = model_->nodes[kids(i)];
          if (a.kind != Condition::Kind::compare || a.operand != OperandKind::number) continue;
          double lo = -INFINITY, hi = INFINITY;
          bool lo_open = false, hi_open = false;
          for (std::uint32_t j = 0; j < n.child_count; ++j) {
            const Node& b = model_->nodes[kids(j)];
            if (b.kind != Condition::Kind::compare || b.field_name != a.field_name ||
                b.name != a.name)
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
          if (lo > hi || (lo == hi && (lo_open || hi_open))) return true;
        }
        return false;
      }
      case Condition::Kind::negate:
        return n.child_count == 1 && always_holds(kids(0));
      default:
        return false;
    }
  }
  bool always_holds(std::uint32_t id) const {
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

  // ---- rules ------------------------------------------------------------
  void compile_rules() {
    Model& m = *model_;
    const auto& rules = m.config.rules;
    std::unordered_map<std::string, std::size_t> ids;
    const std::size_t max_behavior = std::min(m.limits.max_behavior_rules, kHardMaxBehaviorRules);
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const Rule& rule = rules[r];
      const std::string p = "/rules/" + std::to_string(r);
      CompiledRule cr;
      cr.kind = rule.kind;
      if (rule.id.empty()) {
        error("missing_key", p + "/id", "every rule needs an id");
      } else {
        check_string(rule.id, p + "/id");
        const bool valid = std::all_of(rule.id.begin(), rule.id.end(), [](char ch) {
          return is_word_char(ch) || ch == '_' || ch == '.' || ch == ':' || ch == '-';
        });
        if (!valid)
          error("invalid_value", p + "/id",
                "rule id '" + rule.id + "' may only use letters, digits, _ . : -");
        auto [it, inserted] = ids.emplace(rule.id, r);
        if (!inserted) {
          error(
              "duplicate_rule_id", p + "/id",
              "rule id '" + rule.id + "' is already used by /rules/" + std::to_string(it->second));
        }
      }
      if (finite(rule.points, p + "/points", "points")) {
        if (std::fabs(rule.points) > 1e9) {
          error("invalid_value", p + "/points", "points must be within [-1e9, 1e9]");
        }
        cr.points = rule.points;
        cr.points_micro = std::llround(rule.points * 1e6);
      }
      const bool is_behavior = rule.kind == RuleKind::behavior;
      const Condition default_when;
      if (is_behavior) {
        if (!(rule.when == default_when))
          error("unexpected_key", p + "/when",
                "behavior rules have no 'when': use 'event' and 'where'");
        if (m.behavior_rules.size() >= max_behavior) {
          error("limit_exceeded", p,
                "more than " + std::to_string(max_behavior) +
                    " behavior rules (Limits::max_behavior_rules)");
        }
        cr.behavior_slot = static_cast<std::uint32_t>(m.behavior_rules.size());
        m.behavior_rules.push_back(static_cast<std::uint32_t>(r));
        cr.any_type = rule.event_types.empty();
        for (std::size_t i = 0; i < rule.where.size(); ++i) {
          cr.where.push_back(compile_condition(rule.where[i], p + "/where/" + std::to_string(i),
                                               Context::event, 1));
        }
        if (rule.max_points) {
          if (!std::isfinite(*rule.max_points) || *rule.max_points <= 0) {
            error(
                "invalid_value", p + "/max_points",
                "max_points must be a positive number (it caps the magnitude of the rule's total)");
          } else {
            cr.has_cap = true;
            // A cap beyond the range of millionths in 64 bits caps nothing
            // (llround would give an unspecified, negative value).
            cr.cap_micro =
                *rule.max_points >= 9.2e12 ? INT64_MAX : std::llround(*rule.max_points * 1e6);
          }
        }
        if (rule.max_per_day) {
          if (*rule.max_per_day < 1) {
            error("invalid_value", p + "/max_per_day", "max_per_day must be at least 1");
          } else {
            cr.max_per_day = static_cast<std::uint32_t>(*rule.max_per_day);
            m.has_daily_caps = true;
          }
        }
        if (rule.within_days) {
          if (!std::isfinite(*rule.within_days) || *rule.within_days <= 0 ||
              *rule.within_days > 36500) {
            error("invalid_value", p + "/within_days",
                  "within_days must be a number of days in (0, 36500]");
          } else {
            cr.window_ms = std::llround(*rule.within_days * static_cast<double>(kMillisPerDay));
          }
        }
        if (rule.half_life_days) {
          if (!std::isfinite(*rule.half_life_days) || *rule.half_life_days <= 0) {
            error("invalid_value", p + "/half_life_days",
                  "half_life_days must be a positive number of days");
          } else {
            cr.half_life_days = *rule.half_life_days;
          }
        }
        if (!rule.implied_by.empty()) {
          for (const std::string& t : rule.implied_by) {
            const std::uint32_t id = type_id(t);
            cr.implied_types.push_back(id);
            if (std::find(rule.event_types.begin(), rule.event_types.end(), t) !=
                rule.event_types.end()) {
              error("invalid_value", p + "/implied_by/event",
                    "event type '" + t + "' cannot imply itself (it is one of the rule's own)");
            }
          }
          cr.implied_same = rule.implied_same;
          m.has_implications = true;
        } else if (!rule.implied_same.empty()) {
          error("missing_key", p + "/implied_by/event",
                "missing required key \"event\" (the implying event types)");
        }
        if (!rule.reason.empty())
          error("unexpected_key", p + "/reason", "only knockout rules have a 'reason'");
        if (rule.points == 0)
          warning("rule_never_scores", p + "/points",
                  "rule '" + rule.id + "' adds 0 points per event");
        for (std::size_t i = 0; i < cr.where.size(); ++i) {
          if (never_holds(cr.where[i])) {
            warning("rule_never_fires", p + "/where/" + std::to_string(i),
                    "this condition can never hold, so rule '" + rule.id + "' never fires");
          }
        }
      } else {
        const char* kind_name = rule.kind == RuleKind::fit          ? "fit"
                                : rule.kind == RuleKind::engagement ? "engagement"
                                                                    : "knockout";
        auto unexpected = [&](bool present, const char* key) {
          if (present) {
            error("unexpected_key", p + "/" + key,
                  std::string("'") + key + "' is only used by behavior rules, not by " + kind_name +
                      " rules");
          }
        };
        unexpected(!rule.event_types.empty(), "event");
        unexpected(!rule.where.empty(), "where");
        unexpected(rule.max_points.has_value(), "max_points");
        unexpected(rule.max_per_day.has_value(), "max_per_day");
        unexpected(rule.within_days.has_value(), "within_days");
        unexpected(rule.half_life_days.has_value(), "half_life_days");
        unexpected(!rule.implied_by.empty() || !rule.implied_same.empty(), "implied_by");
        if (rule.when == default_when) {
          error("missing_key", p + "/when",
                std::string(kind_name) + " rules need a 'when' condition");
        }
        cr.when = compile_condition(rule.when, p + "/when", Context::rule, 1, &cr.first_aggregate);
        if (rule.kind == RuleKind::knockout) {
          if (rule.reason.empty())
            error("missing_key", p + "/reason", "knockout rules need a 'reason' code");
          check_string(rule.reason, p + "/reason");
          if (rule.points != 0)
            error("unexpected_key", p + "/points",
                  "knockout rules disqualify; they have no points");
        } else {
          if (!rule.reason.empty())
            error("unexpected_key", p + "/reason", "only knockout rules have a 'reason'");
          if (rule.points == 0)
            warning("rule_never_scores", p + "/points", "rule '" + rule.id + "' adds 0 points");
        }
        if (!(rule.when == default_when) && never_holds(cr.when)) {
          warning("rule_never_fires", p + "/when",
                  "this condition can never hold, so rule '" + rule.id + "' never fires");
        }
      }
      check_string(rule.description, p + "/description");
      rule_types_.push_back(rule.event_types);
      m.rules.push_back(std::move(cr));
    }
  }

  // ---- stages -----------------------------------------------------------
  /// Stage names a lifecycle setting may name: the configured stages and the
  /// fallback stage (and, for `won_stage`, any name).
  void check_stage_name(const std::string& name, const std::string& pointer, bool allow_empty) {
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

  void check_days(double v, const std::string& pointer, bool positive) {
    if (!std::isfinite(v) || v < 0 || (positive && v == 0) || v > 36500) {
      error("invalid_value", pointer,
            positive ? "expected a number of days in (0, 36500]"
                     : "expected a number of days in [0, 36500]");
    }
  }

  void compile_lifecycle() {
    const Lifecycle& lc = model_->config.lifecycle;
    const std::string p = "/lifecycle";
    check_days(lc.demote_after_days, p + "/demote_after_days", false);
    if (!std::isfinite(lc.demote_margin) || lc.demote_margin < 0) {
      error("invalid_value", p + "/demote_margin", "expected a number of points >= 0");
    }
    if (lc.regression != Regression::hysteresis &&
        (lc.demote_after_days != 0 || lc.demote_margin != 0)) {
      warning("setting_ignored", p + "/regression",
              "demote_after_days and demote_margin only apply with regression \"hysteresis\"");
    }
    std::unordered_map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < lc.recycle.size(); ++i) {
      const RecycleRule& r = lc.recycle[i];
      const std::string rp = p + "/recycle/" + std::to_string(i);
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
                "unknown sales status '" + r.unless[k] +
                    "' (expected accepted, rejected, won or lost)",
                suggest(r.unless[k],
                        std::vector<std::string_view>{"accepted", "rejected", "won", "lost"}));
        }
      }
    }
    const FeedbackPolicy& fb = lc.feedback;
    check_stage_name(fb.rejected_stage, p + "/feedback/rejected_stage", true);
    check_stage_name(fb.lost_stage, p + "/feedback/lost_stage", true);
    check_days(fb.rejected_hold_days, p + "/feedback/rejected_hold_days", false);
    check_days(fb.lost_hold_days, p + "/feedback/lost_hold_days", false);
    if (fb.won_stage.empty()) {
      error("missing_key", p + "/feedback/won_stage", "the won stage needs a name");
    } else if (fb.won_stage == model_->fallback_stage) {
      error("invalid_value", p + "/feedback/won_stage",
            "the won stage may not be the fallback stage");
    } else {
      for (const Stage& st : model_->config.stages) {
        if (st.name == fb.won_stage) {
          error("invalid_value", p + "/feedback/won_stage",
                "the won stage may not be a scored stage ('" + st.name + "')");
        }
      }
    }
  }

  void compile_stages() {
    Model& m = *model_;
    const auto& stages = m.config.stages;
    std::unordered_map<std::string, std::size_t> names;
    bool earlier_always[3] = {false, false, false};
    for (std::size_t s = 0; s < stages.size(); ++s) {
      const Stage& st = stages[s];
      const std::string p = "/stages/" + std::to_string(s);
      if (st.name.empty()) {
        error("missing_key", p + "/name", "every stage needs a name");
      } else {
        check_string(st.name, p + "/name");
        if (!names.emplace(st.name, s).second) {
          error("duplicate_stage", p + "/name", "stage '" + st.name + "' is defined twice");
        }
        if (st.name == m.fallback_stage) {
          error("duplicate_stage", p + "/name",
                "stage '" + st.name +
                    "' has the name of the fallback stage (options.fallback_stage)");
        }
      }
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
      // Reachability, per origin.
      bool reachable = false;
      for (std::size_t o = 0; o < 3; ++o) {
        if (!earlier_always[o] && !never_holds(cs.root[o])) reachable = true;
      }
      if (!reachable && !has_errors(diags_)) {
        warning("unreachable_stage", p,
                "stage '" + st.name +
                    "' can never be reached (its condition can never hold, or an earlier stage "
                    "always holds)");
      }
      for (std::size_t o = 0; o < 3; ++o) {
        if (always_holds(cs.root[o])) earlier_always[o] = true;
      }
      m.stages.push_back(cs);
    }
  }

  // ---- subscriptions ----------------------------------------------------
  void build_subscriptions() {
    Model& m = *model_;
    const std::uint32_t n_types = m.other_type() + 1;
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

  static constexpr std::uint32_t kMaxBitWords = 2048;

  std::shared_ptr<Model> model_;
  std::vector<Diagnostic> diags_;
  std::vector<Diagnostic> warnings_;
  std::unordered_map<std::string, std::uint32_t> type_index_;
  std::vector<std::string> type_names_;
  std::vector<std::string> type_pointers_;
  std::vector<std::vector<std::string>> agg_types_;
  std::vector<std::vector<std::string>> rule_types_;
};

}  // namespace

bool lookup_field(std::string_view path, FieldInfo& info, std::string& suffix) {
  for (const auto& e : kFields) {
    if (e.path == path) {
      info = {e.id, e.type, e.stage_only};
      suffix.clear();
      return true;
    }
  }
  constexpr std::string_view kAttr = "attributes.";
  constexpr std::string_view kCount = "event_count.";
  if (path.size() > kAttr.size() && path.substr(0, kAttr.size()) == kAttr) {
    info = {FieldId::attribute, FieldType::dynamic, false};
    suffix = std::string(path.substr(kAttr.size()));
    return true;
  }
  if (path.size() > kCount.size() && path.substr(0, kCount.size()) == kCount) {
    info = {FieldId::event_count_type, FieldType::number, false};
    suffix = std::string(path.substr(kCount.size()));
    return true;
  }
  return false;
}

Result<std::shared_ptr<const Model>> compile(Config config, const Limits& limits) {
  return Compiler(std::move(config), limits).run();
}

}  // namespace leadscore::detail
