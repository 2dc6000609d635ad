// Random configurations and leads drawn from a small shared vocabulary, so
// that generated conditions often hold on generated leads. Used by the
// property tests (tests/property_test.cpp, with a seeded std::mt19937) and by
// the fuzz targets (fuzz/*.cpp, with the fuzzer's bytes as the source).
//
// `Source` is anything with `std::uint32_t below(std::uint32_t n)` returning a
// value in [0, n): RandomLeads (random_leads.hpp), MtSource below, or the
// fuzzers' ByteSource. Only that call is used, so the same seed gives the same
// configuration on every platform.
//
// The configurations are mostly valid (every operator suits its field, every
// number is in range) but not always: a few draws are deliberately invalid so
// that callers see diagnostics too. Callers that need a Qualifier skip the
// configurations that do not build.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

namespace leadscore::test {

/// A Source over std::mt19937.
class MtSource {
 public:
  explicit MtSource(std::uint32_t seed) : rng_(seed) {}
  std::uint32_t below(std::uint32_t n) {
    return n == 0 ? 0 : static_cast<std::uint32_t>(rng_() % n);
  }

 private:
  std::mt19937 rng_;
};

namespace vocab {
inline const std::vector<std::string>& texts() {
  static const std::vector<std::string> v{
      "ceo",     "CEO",      "Head of Growth", "head of",  "vp",   "VP Sales",
      "student", "Étudiant", "étudiant",       "software", "SaaS", "fr",
      "FR",      "acme",     "gmail.com",      "acme.io",  "",     "trial",
      "Trial",   "/pricing", "/docs/x",        "partner",  "x",    "Acme Inc",
      "sales",   "outbound", "inbound"};
  return v;
}
inline const std::vector<double>& numbers() {
  static const std::vector<double> v{-5, 0, 0.5, 1, 2, 3, 10, 49.5, 50, 120, 5000, 1e6};
  return v;
}
inline const std::vector<std::string>& event_types() {
  static const std::vector<std::string> v{"page_view",    "email_open",       "form_submit",
                                          "demo_request", "product_usage",    "custom_event",
                                          "email_bounce", "newsletter_signup"};
  return v;
}
}  // namespace vocab

template <class Source>
class Generator {
 public:
  explicit Generator(Source& source, Instant as_of) : s_(source), as_of_(as_of) {}

  /// Whether lead() may give two events the same delivery id (a repeated
  /// delivery: only the first in input order counts, so the order of the
  /// events then matters).
  bool duplicate_ids = false;

  std::uint32_t below(std::uint32_t n) { return n == 0 ? 0 : s_.below(n); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(static_cast<std::uint32_t>(items.size()))];
  }
  const std::string& text() { return pick(vocab::texts()); }
  double number() { return pick(vocab::numbers()); }
  const std::string& event_type() { return pick(vocab::event_types()); }

  // ---- conditions -------------------------------------------------------
  enum class Ctx { rule, stage, event };

  std::vector<std::string> texts(std::size_t max) {
    std::vector<std::string> out;
    const std::size_t n = 1 + below(static_cast<std::uint32_t>(max));
    for (std::size_t i = 0; i < n; ++i) out.push_back(text());
    return out;
  }
  std::vector<double> numbers(std::size_t max) {
    std::vector<double> out;
    const std::size_t n = 1 + below(static_cast<std::uint32_t>(max));
    for (std::size_t i = 0; i < n; ++i) out.push_back(number());
    return out;
  }
  std::vector<double> range() {
    double a = number();
    double b = number();
    if (a > b) std::swap(a, b);
    return {a, b};
  }

  /// A comparison of `field` by one of `ops` (drawn first); `operand(op)`
  /// draws its value, except for exists / missing, which take none.
  template <std::size_t N, class MakeOperand>
  Condition compare(std::string field, const Op (&ops)[N], MakeOperand operand) {
    const Op op = ops[below(static_cast<std::uint32_t>(N))];
    Condition c = Condition::compare(std::move(field), op);
    if (op != Op::exists && op != Op::missing) c.value = operand(op);
    return c;
  }

  Condition text_compare(std::string field) {
    static const Op ops[] = {Op::eq,       Op::ne,           Op::in,          Op::not_in,
                             Op::contains, Op::contains_any, Op::starts_with, Op::ends_with,
                             Op::exists,   Op::missing};
    Condition c = compare(std::move(field), ops, [this](Op op) -> Operand {
      if (op == Op::in || op == Op::not_in || op == Op::contains_any) return texts(3);
      return text();
    });
    if (chance(10)) c.case_sensitive = chance(50);
    return c;
  }
  Condition number_compare(std::string field) {
    static const Op ops[] = {Op::eq,      Op::ne, Op::lt,     Op::lte,    Op::gt,     Op::gte,
                             Op::between, Op::in, Op::not_in, Op::exists, Op::missing};
    return compare(std::move(field), ops, [this](Op op) -> Operand {
      if (op == Op::between) return range();
      if (op == Op::in || op == Op::not_in) return numbers(3);
      return number();
    });
  }
  Condition bool_compare(std::string field) {
    static const Op ops[] = {Op::eq, Op::ne, Op::exists, Op::missing};
    return compare(std::move(field), ops, [this](Op) -> Operand { return chance(50); });
  }
  Condition enum_compare(std::string field, const std::vector<std::string>& values) {
    static const Op ops[] = {Op::eq, Op::ne, Op::in, Op::not_in};
    return compare(std::move(field), ops, [&](Op op) -> Operand {
      if (op == Op::in || op == Op::not_in) {
        return std::vector<std::string>{pick(values), pick(values)};
      }
      return pick(values);
    });
  }
  /// Any operator with any fitting operand (discovery, attributes, event properties).
  Condition dynamic_compare(std::string field) {
    switch (below(3)) {
      case 0:
        return text_compare(std::move(field));
      case 1:
        return number_compare(std::move(field));
      default:
        return bool_compare(std::move(field));
    }
  }

  Condition leaf(Ctx ctx) {
    if (ctx == Ctx::event) {
      switch (below(5)) {
        case 0: {
          Condition c = Condition::compare("type", chance(50) ? Op::eq : Op::in);
          if (c.op == Op::eq) {
            c.value = event_type();
          } else {
            c.value = std::vector<std::string>{event_type(), event_type()};
          }
          return c;
        }
        case 1:
          return text_compare("url");
        case 2:
          return number_compare("duration");
        default:
          return dynamic_compare("feature");
      }
    }
    static const char* const kText[] = {
        "id",        "contact.first_name", "contact.email", "company.name",     "company.industry",
        "job_title", "seniority",          "department",    "location.country", "location.city",
        "source",    "email_domain"};
    static const char* const kNumber[] = {
        "company.employees",  "company.annual_revenue",   "completeness",
        "days_since_created", "days_since_last_activity", "event_count"};
    static const char* const kBool[] = {"consent.do_not_email", "consent.do_not_call",
                                        "free_email"};
    static const char* const kDynamic[] = {"discovery.budget", "discovery.need",
                                           "attributes.plan",  "attributes.score",
                                           "attributes.tags",  "attributes.flag"};
    const std::uint32_t kinds = ctx == Ctx::stage ? 10 : 8;
    switch (below(kinds)) {
      case 0:
      case 1:
        return text_compare(kText[below(12)]);
      case 2:
        return number_compare(kNumber[below(6)]);
      case 3:
        return number_compare("event_count." + event_type());
      case 4:
        return bool_compare(kBool[below(3)]);
      case 5:
        if (chance(50))
          return enum_compare("origin", {"inbound", "outbound", "unknown", "Inbound"});
        return enum_compare("enrichment", {"incomplete", "non_enriched", "enriched"});
      case 6:
        return dynamic_compare(kDynamic[below(6)]);
      case 7:
        return aggregate();
      case 8: {
        static const char* const kScore[] = {"score.fit", "score.engagement", "score.total"};
        Condition c = number_compare(kScore[below(3)]);
        return c;
      }
      default: {
        static const char* const kGrade[] = {"grade.fit", "grade.engagement", "grade"};
        Condition c = Condition::compare(kGrade[below(3)], chance(50) ? Op::eq : Op::in);
        static const std::vector<std::string> labels{"A",  "B",  "C",  "1",  "2", "3",
                                                     "A1", "B2", "C3", "D4", "a1"};
        if (c.op == Op::eq) {
          c.value = pick(labels);
        } else {
          c.value = std::vector<std::string>{pick(labels), pick(labels), pick(labels)};
        }
        return c;
      }
    }
  }

  std::vector<std::string> some_event_types(std::uint32_t none_percent) {
    std::vector<std::string> out;
    if (chance(none_percent)) return out;
    const std::size_t n = 1 + below(2);
    for (std::size_t i = 0; i < n; ++i) out.push_back(event_type());
    return out;
  }

  Condition aggregate() {
    Condition c;
    c.kind = Condition::Kind::aggregate;
    c.measure = static_cast<Measure>(below(4));
    c.event_types = some_event_types(30);
    const std::size_t wheres = chance(70) ? 0 : 1 + below(2);
    for (std::size_t i = 0; i < wheres; ++i) c.where.push_back(leaf(Ctx::event));
    static const std::vector<double> windows{1, 7, 14.5, 30, 90};
    if (c.measure == Measure::distinct_days || chance(50)) c.within_days = pick(windows);
    if (c.measure == Measure::sum) c.property = chance(80) ? "duration" : "url";
    static const Op ops[] = {Op::eq,  Op::ne,      Op::lt,     Op::lte,    Op::gt,
                             Op::gte, Op::between, Op::exists, Op::missing};
    c.op = ops[below(9)];
    if (c.op == Op::between) {
      c.value = range();
    } else if (c.op != Op::exists && c.op != Op::missing) {
      static const std::vector<double> counts{0, 1, 2, 3, 5, 0.5, 30, 45.5};
      c.value = pick(counts);
    }
    return c;
  }

  Condition condition(Ctx ctx, int depth) {
    if (depth <= 0 || chance(55)) return leaf(ctx);
    const std::uint32_t k = below(3);
    if (k == 2) return Condition::negate(condition(ctx, depth - 1));
    std::vector<Condition> kids;
    const std::size_t n = below(4);  // 0..3 children (an empty any never holds)
    for (std::size_t i = 0; i < n; ++i) kids.push_back(condition(ctx, depth - 1));
    return k == 0 ? Condition::all(std::move(kids)) : Condition::any(std::move(kids));
  }

  // ---- rules and the configuration -------------------------------------
  Rule behavior_rule(std::string id) {
    static const std::vector<double> points{-15, -2.5, 0.5, 1, 2.125, 3, 5, 20};
    Rule r = Rule::behavior(std::move(id), some_event_types(20), pick(points));
    const std::size_t wheres = chance(60) ? 0 : 1 + below(2);
    for (std::size_t i = 0; i < wheres; ++i) r.where.push_back(condition(Ctx::event, 1));
    static const std::vector<double> caps{1, 5, 12.5, 40};
    static const std::vector<double> windows{1, 7, 30, 45.5, 90};
    static const std::vector<double> half_lives{3, 10, 21.5, 60};
    if (chance(35)) r.max_points = pick(caps);
    if (chance(30)) r.max_per_day = static_cast<int>(1 + below(3));
    if (chance(35)) r.within_days = pick(windows);
    if (chance(35)) r.half_life_days = pick(half_lives);
    return r;
  }

  Rule rule(std::size_t index) {
    std::string id = "r" + std::to_string(index);
    static const std::vector<double> points{-20, -5, 0.25, 1, 3, 7.5, 10, 15, 25};
    switch (below(10)) {
      case 0:
      case 1:
      case 2:
        return Rule::fit(std::move(id), condition(Ctx::rule, 3), pick(points));
      case 3:
      case 4:
      case 5:
        return behavior_rule(std::move(id));
      case 6:
      case 7:
        return Rule::engagement(std::move(id), condition(Ctx::rule, 2), pick(points));
      default:
        return Rule::knockout(std::move(id), condition(Ctx::rule, 2),
                              "reason_" + std::to_string(index % 3));
    }
  }

  Config config(std::size_t max_rules = 12, std::size_t max_stages = 4) {
    Config c;
    c.name = "random";
    if (chance(30)) c.scores.fit.min = -10;
    if (chance(50)) c.scores.fit.max = chance(50) ? 100 : 60;
    if (chance(30)) c.scores.engagement.min = -20;
    if (chance(50)) c.scores.engagement.max = chance(50) ? 100 : 45;
    static const std::vector<double> weights{1, 0.75, 1.25, 2};
    c.scores.weights = {pick(weights), pick(weights)};
    if (chance(40)) {
      c.grades.fit = {{"A", 60}, {"B", 30}, {"C", 10}};
      c.grades.engagement = {{"1", 40}, {"2", 15}, {"3", 0}, {"4", -20}};
    }
    if (chance(10)) c.options.case_sensitive = true;
    if (chance(20)) c.options.free_email_domains = std::vector<std::string>{"gmail.com", "acme.io"};
    if (chance(30)) {
      c.options.enrichment.fields = {"company.name", "job_title",         "attributes.plan",
                                     "origin",       "company.employees", "discovery.budget"};
      c.options.enrichment.min_fields = below(4);
    }
    if (chance(30)) c.options.fallback_stage = "new";
    if (chance(10)) c.options.ignore_automated = false;
    const std::size_t n_rules = below(static_cast<std::uint32_t>(max_rules + 1));
    for (std::size_t i = 0; i < n_rules; ++i) c.rules.push_back(rule(i));
    const std::size_t n_stages = below(static_cast<std::uint32_t>(max_stages + 1));
    for (std::size_t i = 0; i < n_stages; ++i) {
      Stage s;
      s.name = "S" + std::to_string(i);
      s.when = condition(Ctx::stage, 2);
      // In the order parse_config yields: inbound, outbound, unknown.
      for (Origin o : {Origin::inbound, Origin::outbound, Origin::unknown}) {
        if (chance(15)) s.by_origin.emplace_back(o, condition(Ctx::stage, 2));
      }
      c.stages.push_back(std::move(s));
    }
    return c;
  }

  // ---- leads --------------------------------------------------------------
  std::optional<std::string> maybe_text(std::uint32_t percent) {
    if (!chance(percent)) return std::nullopt;
    return text();
  }
  Value value() {
    switch (below(4)) {
      case 0:
        return Value(text());
      case 1:
        return Value(number());
      case 2:
        return Value(chance(50));
      default:
        return Value(std::vector<std::string>{text(), text()});
    }
  }

  Event event(Instant earliest_tie) {
    Event e;
    e.type = chance(10) ? std::string("other_event") : event_type();
    if (chance(10)) {
      e.at = earliest_tie;
    } else {
      // Up to 100 days before as_of, a few up to 3 days after; to the millisecond.
      const auto age_ms = static_cast<std::int64_t>(below(103 * 24)) * 3'600'000 -
                          3 * kMillisPerDay + static_cast<std::int64_t>(below(3'600'000));
      e.at = as_of_ - std::chrono::milliseconds(age_ms);
    }
    // Properties in key order: the JSON form of a lead is an object, which
    // reads back in key order (see the lead round trip property).
    if (chance(50)) e.properties.emplace_back("duration", PropertyValue(number()));
    if (chance(30)) {
      e.properties.emplace_back("feature",
                                chance(50) ? PropertyValue(text()) : PropertyValue(number()));
    }
    if (chance(60)) e.properties.emplace_back("url", PropertyValue(text()));
    // Delivery ids: unique, or (when duplicate_ids is on) now and then the id
    // of an earlier event: a repeated delivery, of which only the first counts.
    if (chance(15)) {
      if (duplicate_ids && !ids_.empty() && chance(40)) {
        e.id = pick(ids_);
      } else {
        e.id = "ev" + std::to_string(next_id_++);
        ids_.push_back(e.id);
      }
    }
    if (chance(5)) e.automated = true;
    return e;
  }

  Lead lead(std::size_t max_events = 30) {
    Lead l;
    l.id = chance(90) ? "lead-" + std::to_string(below(1000)) : text();
    l.contact.first_name = maybe_text(70);
    l.contact.last_name = maybe_text(40);
    if (chance(75)) {
      static const std::vector<std::string> emails{"ada@gmail.com", "bob@ACME.io", "c@corp.fr",
                                                   "no-at-sign",    "trailing@",   "x@GMAIL.COM"};
      l.contact.email = pick(emails);
    }
    l.contact.secondary_email = chance(10) ? std::optional<std::string>("s@acme.io") : std::nullopt;
    l.contact.phone = chance(30) ? std::optional<std::string>("+33 1 23") : std::nullopt;
    l.company.name = maybe_text(50);
    l.company.domain = maybe_text(20);
    l.company.industry = maybe_text(50);
    if (chance(60)) l.company.employees = number();
    if (chance(30)) l.company.annual_revenue = number();
    l.job_title = maybe_text(70);
    l.seniority = maybe_text(30);
    l.department = maybe_text(30);
    l.location.country = maybe_text(50);
    l.location.region = maybe_text(10);
    l.location.city = maybe_text(20);
    l.origin = static_cast<Origin>(below(3));
    l.source = maybe_text(50);
    if (chance(70)) {
      l.created_at =
          as_of_ - std::chrono::milliseconds(
                       static_cast<std::int64_t>(below(200 * 24)) * 3'600'000 - kMillisPerDay);
    }
    if (chance(20)) l.consent.do_not_email = chance(50);
    if (chance(20)) l.consent.do_not_call = chance(50);
    if (chance(30)) l.discovery.budget = value();
    if (chance(20)) l.discovery.need = value();
    if (chance(10)) l.discovery.timeline = value();
    if (chance(40)) l.attributes["plan"] = value();
    if (chance(30)) l.attributes["score"] = value();
    if (chance(30)) l.attributes["tags"] = value();
    if (chance(20)) l.attributes["flag"] = Value(chance(50));
    const std::size_t n = max_events == 0 ? 0 : below(static_cast<std::uint32_t>(max_events + 1));
    Instant previous = as_of_ - std::chrono::hours(24 * 3);
    for (std::size_t i = 0; i < n; ++i) {
      Event e = event(previous);
      previous = e.at;
      l.events.push_back(std::move(e));
    }
    return l;
  }

 private:
  Source& s_;
  Instant as_of_;
  std::size_t next_id_ = 0;
  std::vector<std::string> ids_;
};

}  // namespace leadscore::test
