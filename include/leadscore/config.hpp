// leadscore/config.hpp — the scoring configuration: rules, scores, grades,
// stages. Plain value types that mirror the JSON format key for key
// (docs/configuration.md), so a JSON pointer such as /rules/4/when/op names
// the same thing in both. Build a Qualifier from a Config to validate and
// compile it; a Config itself is never validated until then.
//
// The builder helpers at the end of this header (cond::field(...).gte(50),
// Rule::fit(...), ...) produce exactly the model the JSON parser produces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"

namespace leadscore {

// ---------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------

/// Comparison operators. A *missing* value satisfies only `missing`.
enum class Op : std::uint8_t {
  eq,
  ne,
  in,
  not_in,
  lt,
  lte,
  gt,
  gte,
  between,
  exists,
  missing,
  contains,
  contains_any,
  starts_with,
  ends_with,
};
LEADSCORE_EXPORT std::string_view to_string(Op op) noexcept;
LEADSCORE_EXPORT std::optional<Op> parse_op(std::string_view text) noexcept;

/// What an aggregate condition measures over the lead's events (those at or
/// before as_of, of the selected types, satisfying `where`, inside the window).
enum class Measure : std::uint8_t {
  count,            ///< number of events
  distinct_days,    ///< number of distinct UTC days with at least one event (needs within_days)
  days_since_last,  ///< fractional days from the latest event to as_of (missing when none)
  sum,              ///< sum of the numeric property `property` (events without it add 0)
};
LEADSCORE_EXPORT std::string_view to_string(Measure measure) noexcept;
LEADSCORE_EXPORT std::optional<Measure> parse_measure(std::string_view text) noexcept;

/// The right-hand side of a comparison: nothing (exists/missing), a bool, a
/// number, a string, a list of strings (in, not_in, contains_any) or a list
/// of numbers (in, not_in, between = [low, high], inclusive).
using Operand = std::variant<std::monostate, bool, double, std::string, std::vector<std::string>,
                             std::vector<double>>;

/// A condition tree. JSON forms:
///   {"field": F, "op": OP, "value": V}                         compare
///   {"measure": M, "event": T|[T..], "where": [..], "within_days": N,
///    "property": P, "op": OP, "value": V}                      aggregate
///   {"all": [..]}  {"any": [..]}  {"not": {..}}                 combinators
struct Condition {
  enum class Kind : std::uint8_t { compare, aggregate, all, any, negate };

  Kind kind = Kind::all;  ///< a default Condition is an empty `all`: always true

  // compare and aggregate
  std::string field;  ///< compare: field path (see docs/configuration.md#fields)
  Op op = Op::exists;
  Operand value;
  /// Per-condition override of Config::options.case_sensitive.
  std::optional<bool> case_sensitive;

  // aggregate
  Measure measure = Measure::count;
  std::vector<std::string> event_types;  ///< empty = any event type
  std::vector<Condition> where;          ///< conditions on event properties; all must hold
  std::optional<double> within_days;     ///< window ending at as_of; nullopt = all history
  std::string property;                  ///< for Measure::sum

  // all / any: children; not: exactly one child
  std::vector<Condition> children;

  friend bool operator==(const Condition&, const Condition&) = default;

  static Condition compare(std::string field, Op op, Operand value = {}) {
    Condition c;
    c.kind = Kind::compare;
    c.field = std::move(field);
    c.op = op;
    c.value = std::move(value);
    return c;
  }
  static Condition all(std::vector<Condition> children) {
    Condition c;
    c.kind = Kind::all;
    c.children = std::move(children);
    return c;
  }
  static Condition any(std::vector<Condition> children) {
    Condition c;
    c.kind = Kind::any;
    c.children = std::move(children);
    return c;
  }
  static Condition negate(Condition child) {
    Condition c;
    c.kind = Kind::negate;
    c.children.push_back(std::move(child));
    return c;
  }
};

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

enum class RuleKind : std::uint8_t {
  fit,         ///< demographic: `when` holds -> points to the fit score
  behavior,    ///< points per matching event -> engagement score
  engagement,  ///< `when` (usually over event aggregates) holds -> points to engagement
  knockout,    ///< `when` holds -> disqualified with `reason`
};
LEADSCORE_EXPORT std::string_view to_string(RuleKind kind) noexcept;
LEADSCORE_EXPORT std::optional<RuleKind> parse_rule_kind(std::string_view text) noexcept;

struct Rule {
  std::string id;  ///< unique, [A-Za-z0-9_.:-]+
  RuleKind kind = RuleKind::fit;
  std::string description;

  /// fit, engagement, knockout: the condition.
  Condition when;

  /// behavior: event types counted (empty = any type) and conditions on
  /// the event's properties (all must hold).
  std::vector<std::string> event_types;
  std::vector<Condition> where;

  /// fit, engagement: points when `when` holds; behavior: points per counted
  /// event. Negative allowed.
  double points = 0;
  /// behavior: cap on the magnitude of the rule's total (same sign as points).
  std::optional<double> max_points;
  /// behavior: at most this many events counted per UTC day (the earliest).
  std::optional<int> max_per_day;
  /// behavior: only events within this many days before as_of count.
  std::optional<double> within_days;
  /// behavior: each event's points decay by half every this many days.
  std::optional<double> half_life_days;
  /// behavior: events of these types imply this rule's events ("a click
  /// implies the open"): an event of this rule is not counted when the lead
  /// has, at or before as_of, an event of one of `implied_by` with the same
  /// value of property `implied_same` (or, when that is empty, on the same
  /// UTC day). The implying event scores through its own rule.
  std::vector<std::string> implied_by;
  std::string implied_same;

  /// knockout: reason code reported when disqualified (e.g. "competitor").
  std::string reason;

  friend bool operator==(const Rule&, const Rule&) = default;

  static Rule fit(std::string id, Condition when, double points) {
    Rule r;
    r.id = std::move(id);
    r.kind = RuleKind::fit;
    r.when = std::move(when);
    r.points = points;
    return r;
  }
  static Rule engagement(std::string id, Condition when, double points) {
    Rule r = fit(std::move(id), std::move(when), points);
    r.kind = RuleKind::engagement;
    return r;
  }
  static Rule behavior(std::string id, std::vector<std::string> event_types, double points) {
    Rule r;
    r.id = std::move(id);
    r.kind = RuleKind::behavior;
    r.event_types = std::move(event_types);
    r.points = points;
    return r;
  }
  static Rule knockout(std::string id, Condition when, std::string reason) {
    Rule r;
    r.id = std::move(id);
    r.kind = RuleKind::knockout;
    r.when = std::move(when);
    r.reason = std::move(reason);
    return r;
  }
  Rule& describe(std::string text) {
    description = std::move(text);
    return *this;
  }
  Rule& only_where(Condition c) {
    where.push_back(std::move(c));
    return *this;
  }
  Rule& cap(double max) {
    max_points = max;
    return *this;
  }
  Rule& per_day(int max) {
    max_per_day = max;
    return *this;
  }
  Rule& within(double days) {
    within_days = days;
    return *this;
  }
  Rule& decay(double half_life) {
    half_life_days = half_life;
    return *this;
  }
  /// Rule::behavior("opens", {"email_open"}, 1).implied(by {"email_click"}, same "campaign")
  Rule& implied(std::vector<std::string> by_types, std::string same_property = {}) {
    implied_by = std::move(by_types);
    implied_same = std::move(same_property);
    return *this;
  }
};

// ---------------------------------------------------------------------------
// Stages, scores, grades, options
// ---------------------------------------------------------------------------

/// A funnel stage. Stages are tried in order; the first whose condition holds
/// is the lead's stage (the fallback stage, "lead", when none holds or the
/// lead is disqualified). `by_origin` replaces `when` for leads of that origin
/// (different thresholds for inbound and outbound).
struct Stage {
  std::string name;
  std::string description;
  Condition when;
  /// At most one entry per origin. The order carries no meaning for
  /// evaluation; parse_config yields the entries sorted by origin name
  /// (inbound, outbound, unknown), so a Config built in C++ with another
  /// order compares unequal to its JSON round trip while scoring the same.
  std::vector<std::pair<Origin, Condition>> by_origin;

  friend bool operator==(const Stage&, const Stage&) = default;
};

struct ScoreBounds {
  double min = 0;             ///< floor (default 0)
  std::optional<double> max;  ///< ceiling (none by default)
  friend bool operator==(const ScoreBounds&, const ScoreBounds&) = default;
};

struct Weights {
  double fit = 1;
  double engagement = 1;
  friend bool operator==(const Weights&, const Weights&) = default;
};

struct Scores {
  ScoreBounds fit;
  ScoreBounds engagement;
  Weights weights;  ///< total = weights.fit * fit + weights.engagement * engagement
  friend bool operator==(const Scores&, const Scores&) = default;
};

/// A grade band: scores >= min get `label`. Bands are listed best first with
/// strictly decreasing `min`; a score below every band gets the last label.
struct GradeBand {
  std::string label;
  double min = 0;
  friend bool operator==(const GradeBand&, const GradeBand&) = default;
};

struct Grades {
  std::vector<GradeBand> fit{{"A", 75}, {"B", 50}, {"C", 25}, {"D", 0}};
  std::vector<GradeBand> engagement{{"1", 75}, {"2", 50}, {"3", 25}, {"4", 0}};
  friend bool operator==(const Grades&, const Grades&) = default;
};

/// Which fields make a lead "enriched". A lead with a name (first or last)
/// and one contact method (email or phone) is non_enriched; with at least
/// `min_fields` of `fields` present as well it is enriched; without a name or
/// a contact method it is incomplete. completeness = present / fields.size().
struct Enrichment {
  std::vector<std::string> fields{"contact.secondary_email",
                                  "contact.secondary_phone",
                                  "company.name",
                                  "company.domain",
                                  "company.industry",
                                  "company.employees",
                                  "job_title",
                                  "seniority",
                                  "department",
                                  "location.country",
                                  "location.city"};
  std::size_t min_fields = 3;
  friend bool operator==(const Enrichment&, const Enrichment&) = default;
};

struct Options {
  /// String comparisons ignore case unless this is true (ASCII letters and
  /// the Latin-1 accented capitals À..Þ, so "Étudiant" equals "étudiant").
  bool case_sensitive = false;
  /// Free-mail providers (gmail.com, ...); nullopt = the built-in list
  /// (default_free_email_domains()).
  std::optional<std::vector<std::string>> free_email_domains;
  Enrichment enrichment;
  /// Name of the stage of leads that reach no configured stage.
  std::string fallback_stage = "lead";
  /// Events flagged `automated` (security scanners, privacy-proxy opens,
  /// bots) take no part in scoring unless this is false.
  bool ignore_automated = true;
  friend bool operator==(const Options&, const Options&) = default;
};

// ---------------------------------------------------------------------------
// Lifecycle policy (LeadState only; docs/lifecycle.md)
// ---------------------------------------------------------------------------

/// How a LeadState's stage may move down when its condition stops holding.
enum class Regression : std::uint8_t {
  monotonic,   ///< never moves down by scoring (recycle rules and feedback still can)
  hysteresis,  ///< moves down only after the condition has failed long/far enough
  immediate,   ///< follows the computed stage, like qualify()
};
LEADSCORE_EXPORT std::string_view to_string(Regression regression) noexcept;
LEADSCORE_EXPORT std::optional<Regression> parse_regression(std::string_view text) noexcept;

/// Sales feedback on a lead.
enum class SalesStatus : std::uint8_t { none, accepted, rejected, won, lost };
LEADSCORE_EXPORT std::string_view to_string(SalesStatus status) noexcept;
LEADSCORE_EXPORT std::optional<SalesStatus> parse_sales_status(std::string_view text) noexcept;

/// "SQL not accepted within 14 days -> back to MQL, reason sql_aging".
struct RecycleRule {
  std::string id;
  std::string stage;                ///< the stage it watches
  double after_days = 0;            ///< time in `stage` before it applies (> 0)
  std::vector<std::string> unless;  ///< sales statuses that stop it, e.g. {"accepted"}
  std::string to;                   ///< where the lead goes: a stage name or the fallback stage
  std::string reason;               ///< recorded in the history; empty = the id
  double hold_days = 0;             ///< promotions above `to` are held off this long
  friend bool operator==(const RecycleRule&, const RecycleRule&) = default;
};

/// Where sales feedback sends a lead.
struct FeedbackPolicy {
  std::string rejected_stage;      ///< empty = the fallback stage
  double rejected_hold_days = 30;  ///< no promotion above rejected_stage for this long
  std::string lost_stage;          ///< empty = the fallback stage
  double lost_hold_days = 90;
  std::string won_stage = "customer";  ///< terminal: scoring no longer moves the lead
  friend bool operator==(const FeedbackPolicy&, const FeedbackPolicy&) = default;
};

struct Lifecycle {
  Regression regression = Regression::monotonic;
  /// hysteresis: demote only after the stage's condition has failed at every
  /// observation for this many days (0 = at once).
  double demote_after_days = 0;
  /// hysteresis: the stage's condition is re-tested with score.fit,
  /// score.engagement and score.total raised by this many points; the lead
  /// stays while that holds.
  double demote_margin = 0;
  std::vector<RecycleRule> recycle;
  FeedbackPolicy feedback;
  friend bool operator==(const Lifecycle&, const Lifecycle&) = default;
};

/// A whole scoring configuration.
struct Config {
  int version = 1;  ///< format version; 1 is the only one so far
  std::string name;
  std::string description;
  Options options;
  Scores scores;
  Grades grades;
  std::vector<Rule> rules;
  std::vector<Stage> stages;
  Lifecycle lifecycle;

  friend bool operator==(const Config&, const Config&) = default;

  Config& add(Rule rule) {
    rules.push_back(std::move(rule));
    return *this;
  }
  Config& add(Stage stage) {
    stages.push_back(std::move(stage));
    return *this;
  }
};

/// The built-in B2B configuration (docs/configuration.md#default), usable
/// with no file at all. Stages PQL, SQL, MQL; fallback "lead".
LEADSCORE_EXPORT Config default_config();

/// The built-in free-mail provider list (lower case domains).
LEADSCORE_EXPORT const std::vector<std::string>& default_free_email_domains();

/// The standard event types (documented; configurations may use others).
LEADSCORE_EXPORT const std::vector<std::string>& standard_event_types();

// ---------------------------------------------------------------------------
// Builder helpers for conditions
// ---------------------------------------------------------------------------
namespace cond {

/// cond::field("company.employees").gte(50)
class FieldRef {
 public:
  explicit FieldRef(std::string path) : path_(std::move(path)) {}
  Condition eq(Operand v) const { return make(Op::eq, std::move(v)); }
  Condition eq(const char* s) const { return make(Op::eq, std::string(s)); }
  Condition ne(Operand v) const { return make(Op::ne, std::move(v)); }
  Condition ne(const char* s) const { return make(Op::ne, std::string(s)); }
  Condition in(std::vector<std::string> v) const { return make(Op::in, std::move(v)); }
  Condition in(std::vector<double> v) const { return make(Op::in, std::move(v)); }
  Condition not_in(std::vector<std::string> v) const { return make(Op::not_in, std::move(v)); }
  Condition not_in(std::vector<double> v) const { return make(Op::not_in, std::move(v)); }
  Condition lt(double v) const { return make(Op::lt, v); }
  Condition lte(double v) const { return make(Op::lte, v); }
  Condition gt(double v) const { return make(Op::gt, v); }
  Condition gte(double v) const { return make(Op::gte, v); }
  Condition between(double lo, double hi) const {
    return make(Op::between, std::vector<double>{lo, hi});
  }
  Condition exists() const { return make(Op::exists, {}); }
  Condition missing() const { return make(Op::missing, {}); }
  Condition contains(std::string s) const { return make(Op::contains, std::move(s)); }
  Condition contains_any(std::vector<std::string> v) const {
    return make(Op::contains_any, std::move(v));
  }
  Condition starts_with(std::string s) const { return make(Op::starts_with, std::move(s)); }
  Condition ends_with(std::string s) const { return make(Op::ends_with, std::move(s)); }

 private:
  Condition make(Op op, Operand v) const { return Condition::compare(path_, op, std::move(v)); }
  std::string path_;
};

inline FieldRef field(std::string path) { return FieldRef(std::move(path)); }

/// cond::events({"page_view"}).within(14).distinct_days().gte(3)
class EventsRef {
 public:
  explicit EventsRef(std::vector<std::string> types) { base_.event_types = std::move(types); }
  EventsRef& within(double days) {
    base_.within_days = days;
    return *this;
  }
  EventsRef& where(Condition c) {
    base_.where.push_back(std::move(c));
    return *this;
  }
  EventsRef& count() {
    base_.measure = Measure::count;
    return *this;
  }
  EventsRef& distinct_days() {
    base_.measure = Measure::distinct_days;
    return *this;
  }
  EventsRef& days_since_last() {
    base_.measure = Measure::days_since_last;
    return *this;
  }
  EventsRef& sum(std::string property) {
    base_.measure = Measure::sum;
    base_.property = std::move(property);
    return *this;
  }
  Condition is(Op op, Operand v) const {
    Condition c = base_;
    c.kind = Condition::Kind::aggregate;
    c.op = op;
    c.value = std::move(v);
    return c;
  }
  Condition gte(double v) const { return is(Op::gte, v); }
  Condition gt(double v) const { return is(Op::gt, v); }
  Condition lte(double v) const { return is(Op::lte, v); }
  Condition lt(double v) const { return is(Op::lt, v); }
  Condition eq(double v) const { return is(Op::eq, v); }
  Condition between(double lo, double hi) const {
    return is(Op::between, std::vector<double>{lo, hi});
  }
  Condition exists() const { return is(Op::exists, {}); }
  Condition missing() const { return is(Op::missing, {}); }

 private:
  Condition base_;
};

/// Events of the given types (empty list = any type).
inline EventsRef events(std::vector<std::string> types = {}) { return EventsRef(std::move(types)); }
inline Condition all(std::vector<Condition> c) { return Condition::all(std::move(c)); }
inline Condition any(std::vector<Condition> c) { return Condition::any(std::move(c)); }
inline Condition negate(Condition c) { return Condition::negate(std::move(c)); }

}  // namespace cond
}  // namespace leadscore
