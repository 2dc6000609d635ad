// A naive reference evaluator: scores a Lead by walking the Config directly,
// as docs/configuration.md describes it, with no compiled model, no interned
// types, no hash sets, no event subscriptions, no stack buffers. It is slow
// (every aggregate re-reads every event) and obvious on purpose; the property
// tests check that Qualifier::qualify() agrees with it on random cases.
//
// Decayed behaviour rules: the library rounds a decayed rule's total to the
// millionth in its own way, so the reference reports the real-valued total
// (points x sum of the decay factors) beside its other figures, and callers
// may substitute the library's decayed totals (`decayed_override`, in
// millionths, by rule index) to compare everything downstream exactly.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

namespace leadscore::test::reference {

/// What the reference computes; strings owned.
struct Outcome {
  double fit = 0;
  double engagement = 0;
  double total = 0;
  std::string fit_grade, engagement_grade, grade, stage;
  int stage_index = -1;
  bool disqualified = false;
  std::string reason, knockout_rule;
  double fit_unclamped = 0;
  double engagement_unclamped = 0;

  /// Per rule index, for behaviour rules: the uncapped total in millionths
  /// (for decayed rules: the library-style per-event rounding), and whether
  /// the rule decays (with its real-valued total in points).
  std::map<std::size_t, std::int64_t> behavior_micro;
  std::map<std::size_t, double> decayed_points;
  /// Per rule index: the per-event-rounded total of a decayed rule
  /// (sum of round(points x factor) in millionths).
  std::map<std::size_t, std::int64_t> decayed_rounded_micro;
  std::map<std::size_t, std::size_t> counted_events;
};

// ---- text -------------------------------------------------------------------

/// The documented case folding: ASCII letters and the Latin-1 capitals
/// U+00C0..U+00DE (but U+00D7), byte by byte.
inline std::string fold(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (i > 0 && static_cast<unsigned char>(s[i - 1]) == 0xC3 && c >= 0x80 && c <= 0x9E &&
               c != 0x97) {
      out[i] = static_cast<char>(c + 0x20);
    }
  }
  return out;
}

inline bool same_text(std::string_view a, std::string_view b, bool ci) {
  return ci ? fold(a) == fold(b) : a == b;
}

inline bool word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80;
}

/// `phrase` occurs in `text` with no letter, digit or non-ASCII byte glued
/// to it on either side.
inline bool has_word(std::string_view text, std::string_view phrase, bool ci) {
  if (phrase.empty()) return false;
  const std::string t = ci ? fold(text) : std::string(text);
  const std::string p = ci ? fold(phrase) : std::string(phrase);
  for (std::size_t pos = t.find(p); pos != std::string::npos; pos = t.find(p, pos + 1)) {
    const bool left = pos == 0 || !word_char(t[pos - 1]);
    const bool right = pos + p.size() == t.size() || !word_char(t[pos + p.size()]);
    if (left && right) return true;
  }
  return false;
}

// ---- values -------------------------------------------------------------------

struct V {
  enum class T { missing, text, number, boolean, list } t = T::missing;
  std::string s;
  double n = 0;
  bool b = false;
  std::vector<std::string> list;
};

inline V text_v(std::string s) {
  V v;
  v.t = V::T::text;
  v.s = std::move(s);
  return v;
}
inline V number_v(double n) {
  V v;
  v.t = V::T::number;
  v.n = n;
  return v;
}
inline V bool_v(bool b) {
  V v;
  v.t = V::T::boolean;
  v.b = b;
  return v;
}
inline V opt_text(const std::optional<std::string>& s) { return s ? text_v(*s) : V{}; }
inline V opt_number(const std::optional<double>& n) { return n ? number_v(*n) : V{}; }
inline V opt_bool(const std::optional<bool>& b) { return b ? bool_v(*b) : V{}; }
inline V of_value(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return text_v(*s);
  if (const auto* d = std::get_if<double>(&value)) return number_v(*d);
  if (const auto* b = std::get_if<bool>(&value)) return bool_v(*b);
  V v;
  v.t = V::T::list;
  v.list = std::get<std::vector<std::string>>(value);
  return v;
}
inline V opt_value(const std::optional<Value>& value) { return value ? of_value(*value) : V{}; }

/// The value of a field the lead itself holds (attributes.*, id, contact.*,
/// company.*, ..., discovery.*), written out path by path; nullopt when
/// `path` is not such a field (a derived fact, a score, an event count).
inline std::optional<V> lead_field(const Lead& l, const std::string& path) {
  if (path.rfind("attributes.", 0) == 0) {
    const auto it = l.attributes.find(path.substr(11));
    return it == l.attributes.end() ? V{} : of_value(it->second);
  }
  if (path == "id") return text_v(l.id);
  if (path == "contact.first_name") return opt_text(l.contact.first_name);
  if (path == "contact.last_name") return opt_text(l.contact.last_name);
  if (path == "contact.email") return opt_text(l.contact.email);
  if (path == "contact.secondary_email") return opt_text(l.contact.secondary_email);
  if (path == "contact.phone") return opt_text(l.contact.phone);
  if (path == "contact.secondary_phone") return opt_text(l.contact.secondary_phone);
  if (path == "company.name") return opt_text(l.company.name);
  if (path == "company.domain") return opt_text(l.company.domain);
  if (path == "company.industry") return opt_text(l.company.industry);
  if (path == "company.employees") return opt_number(l.company.employees);
  if (path == "company.annual_revenue") return opt_number(l.company.annual_revenue);
  if (path == "job_title") return opt_text(l.job_title);
  if (path == "seniority") return opt_text(l.seniority);
  if (path == "department") return opt_text(l.department);
  if (path == "location.country") return opt_text(l.location.country);
  if (path == "location.region") return opt_text(l.location.region);
  if (path == "location.city") return opt_text(l.location.city);
  if (path == "origin") return text_v(std::string(to_string(l.origin)));
  if (path == "source") return opt_text(l.source);
  if (path == "consent.do_not_email") return opt_bool(l.consent.do_not_email);
  if (path == "consent.do_not_call") return opt_bool(l.consent.do_not_call);
  if (path == "discovery.budget") return opt_value(l.discovery.budget);
  if (path == "discovery.authority") return opt_value(l.discovery.authority);
  if (path == "discovery.need") return opt_value(l.discovery.need);
  if (path == "discovery.timeline") return opt_value(l.discovery.timeline);
  return std::nullopt;
}

/// Does a comparison hold for a value? (The operator table of
/// docs/configuration.md#operators.)
inline bool holds(const Condition& c, const V& v, bool ci) {
  if (c.op == Op::missing) return v.t == V::T::missing;
  if (v.t == V::T::missing) return false;
  if (c.op == Op::exists) return true;
  const Operand& o = c.value;
  const auto* os = std::get_if<std::string>(&o);
  const auto* od = std::get_if<double>(&o);
  const auto* ob = std::get_if<bool>(&o);
  const auto* ots = std::get_if<std::vector<std::string>>(&o);
  const auto* ons = std::get_if<std::vector<double>>(&o);
  if (od && !std::isfinite(*od)) return false;
  auto in_texts = [&](const std::string& s) {
    return std::any_of(ots->begin(), ots->end(),
                       [&](const std::string& t) { return same_text(s, t, ci); });
  };
  switch (v.t) {
    case V::T::text: {
      const std::string& s = v.s;
      switch (c.op) {
        case Op::eq:
          return os && same_text(s, *os, ci);
        case Op::ne:
          return os && !same_text(s, *os, ci);
        case Op::in:
          return ots && in_texts(s);
        case Op::not_in:
          return ots && !in_texts(s);
        case Op::contains:
          return os && (ci ? fold(s) : s).find(ci ? fold(*os) : *os) != std::string::npos;
        case Op::starts_with:
          return os && s.size() >= os->size() && same_text(s.substr(0, os->size()), *os, ci);
        case Op::ends_with:
          return os && s.size() >= os->size() &&
                 same_text(s.substr(s.size() - os->size()), *os, ci);
        case Op::contains_any:
          return ots && std::any_of(ots->begin(), ots->end(),
                                    [&](const std::string& p) { return has_word(s, p, ci); });
        default:
          return false;
      }
    }
    case V::T::number: {
      const double x = v.n;
      if (std::isnan(x)) return false;
      switch (c.op) {
        case Op::eq:
          return od && x == *od;
        case Op::ne:
          return od && x != *od;
        case Op::lt:
          return od && x < *od;
        case Op::lte:
          return od && x <= *od;
        case Op::gt:
          return od && x > *od;
        case Op::gte:
          return od && x >= *od;
        case Op::between:
          return ons && ons->size() == 2 && x >= (*ons)[0] && x <= (*ons)[1];
        case Op::in:
          return ons && std::find(ons->begin(), ons->end(), x) != ons->end();
        case Op::not_in:
          return ons && std::find(ons->begin(), ons->end(), x) == ons->end();
        default:
          return false;
      }
    }
    case V::T::boolean:
      if (!ob) return false;
      if (c.op == Op::eq) return v.b == *ob;
      if (c.op == Op::ne) return v.b != *ob;
      return false;
    case V::T::list:
      switch (c.op) {
        case Op::contains:
          return os && std::any_of(v.list.begin(), v.list.end(),
                                   [&](const std::string& e) { return same_text(e, *os, ci); });
        case Op::contains_any:
          return ots && std::any_of(v.list.begin(), v.list.end(),
                                    [&](const std::string& e) { return in_texts(e); });
        case Op::in:
          return ots && std::any_of(v.list.begin(), v.list.end(),
                                    [&](const std::string& e) { return in_texts(e); });
        case Op::not_in:
          return ots && std::none_of(v.list.begin(), v.list.end(),
                                     [&](const std::string& e) { return in_texts(e); });
        default:
          return false;
      }
    case V::T::missing:
      return false;
  }
  return false;
}

// ---- the evaluator --------------------------------------------------------------

inline std::int64_t micro(double v) {
  const double scaled = v * 1e6;
  if (!(scaled < 9.2e18)) return scaled != scaled ? 0 : INT64_C(9200000000000000000);
  if (!(scaled > -9.2e18)) return -INT64_C(9200000000000000000);
  return std::llround(scaled);
}

class Evaluator {
 public:
  Evaluator(const Config& config, const Lead& lead, Instant as_of)
      : c_(config), lead_(lead), as_of_(as_of) {
    // Event hygiene: unless options.ignore_automated is false, an automated
    // event takes part in nothing; of the other events sharing a non-empty
    // id, only the smallest by (time, type, automated, properties) counts
    // (the first in input order among equal ones).
    const auto key = [](const Event& e) {
      return std::tie(e.at, e.type, e.automated, e.properties);
    };
    std::map<std::string, std::size_t> winner;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      const Event& e = lead_.events[i];
      const bool ignored = c_.options.ignore_automated && e.automated;
      skipped_.push_back(ignored);
      if (ignored || e.id.empty()) continue;
      const auto [it, inserted] = winner.try_emplace(e.id, i);
      if (!inserted && key(e) < key(lead_.events[it->second])) it->second = i;
    }
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      const Event& e = lead_.events[i];
      if (!skipped_[i] && !e.id.empty() && winner.at(e.id) != i) skipped_[i] = true;
    }
  }

  Outcome run(const std::map<std::size_t, std::int64_t>* decayed_override = nullptr) {
    Outcome out;
    std::int64_t fit = 0;
    std::int64_t eng = 0;
    int knockout = -1;
    for (std::size_t r = 0; r < c_.rules.size(); ++r) {
      const Rule& rule = c_.rules[r];
      switch (rule.kind) {
        case RuleKind::fit:
          if (eval(rule.when)) fit += std::llround(rule.points * 1e6);
          break;
        case RuleKind::engagement:
          if (eval(rule.when)) eng += std::llround(rule.points * 1e6);
          break;
        case RuleKind::knockout:
          if (knockout < 0 && eval(rule.when)) knockout = static_cast<int>(r);
          break;
        case RuleKind::behavior: {
          std::int64_t sum = behavior(r, out);
          if (rule.half_life_days && decayed_override) {
            const auto it = decayed_override->find(r);
            sum = it == decayed_override->end() ? 0 : it->second;
          }
          if (rule.max_points) {
            const std::int64_t cap = std::llround(*rule.max_points * 1e6);
            const std::int64_t points = std::llround(rule.points * 1e6);
            if (points >= 0 && sum > cap) sum = cap;
            if (points < 0 && sum < -cap) sum = -cap;
          }
          eng += sum;
          break;
        }
      }
    }
    const Scores& sc = c_.scores;
    out.fit_unclamped = static_cast<double>(fit) / 1e6;
    out.engagement_unclamped = static_cast<double>(eng) / 1e6;
    out.fit = clamp(out.fit_unclamped, sc.fit);
    out.engagement = clamp(out.engagement_unclamped, sc.engagement);
    out.total = static_cast<double>(
                    micro(sc.weights.fit * out.fit + sc.weights.engagement * out.engagement)) /
                1e6;
    out.fit_grade = band(c_.grades.fit, out.fit);
    out.engagement_grade = band(c_.grades.engagement, out.engagement);
    out.grade = out.fit_grade + out.engagement_grade;
    out.stage = c_.options.fallback_stage;
    if (knockout >= 0) {
      out.disqualified = true;
      out.reason = c_.rules[static_cast<std::size_t>(knockout)].reason;
      out.knockout_rule = c_.rules[static_cast<std::size_t>(knockout)].id;
      return out;
    }
    scores_ = &out;
    for (std::size_t s = 0; s < c_.stages.size(); ++s) {
      const Stage& stage = c_.stages[s];
      const Condition* when = &stage.when;
      for (const auto& [origin, condition] : stage.by_origin) {
        if (origin == lead_.origin) {
          when = &condition;
          break;
        }
      }
      if (eval(*when)) {
        out.stage = stage.name;
        out.stage_index = static_cast<int>(s);
        break;
      }
    }
    scores_ = nullptr;
    return out;
  }

  // ---- facts ----
  /// Event i takes part in the evaluation: not skipped, at or before as_of.
  [[nodiscard]] bool considered(std::size_t i) const {
    return !skipped_[i] && lead_.events[i].at <= as_of_;
  }
  [[nodiscard]] std::size_t events_after_as_of() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      if (!skipped_[i] && lead_.events[i].at > as_of_) ++n;
    }
    return n;
  }
  [[nodiscard]] std::size_t events_considered() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) n += considered(i) ? 1U : 0U;
    return n;
  }

  [[nodiscard]] std::optional<std::string> email_domain() const {
    if (!lead_.contact.email) return std::nullopt;
    // White space around the address does not count (as the CSV mapper trims).
    std::string e = *lead_.contact.email;
    while (!e.empty() && std::string_view(" \t\r\n\v\f").find(e.back()) != std::string_view::npos)
      e.pop_back();
    while (!e.empty() && std::string_view(" \t\r\n\v\f").find(e.front()) != std::string_view::npos)
      e.erase(0, 1);
    const std::size_t at = e.rfind('@');
    if (at == std::string::npos || at + 1 >= e.size()) return std::nullopt;
    return e.substr(at + 1);
  }
  [[nodiscard]] bool free_email(const std::string& domain) const {
    const auto& list = c_.options.free_email_domains ? *c_.options.free_email_domains
                                                     : default_free_email_domains();
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& d) { return same_text(d, domain, true); });
  }
  static bool present(const std::optional<std::string>& s) { return s && !s->empty(); }
  /// Present for enrichment: an attribute or a discovery value when it is
  /// set (whatever it holds), the origin when known, any other field when it
  /// holds a number, a bool or a non-empty text.
  [[nodiscard]] bool field_present(const std::string& path) const {
    const Lead& l = lead_;
    if (path.rfind("attributes.", 0) == 0) return l.attributes.count(path.substr(11)) > 0;
    if (path == "origin") return l.origin != Origin::unknown;
    const std::optional<V> v = lead_field(l, path);
    if (!v || v->t == V::T::missing) return false;
    if (path.rfind("discovery.", 0) == 0) return true;
    return v->t != V::T::text || !v->s.empty();
  }
  [[nodiscard]] std::size_t enrichment_count() const {
    std::size_t n = 0;
    for (const auto& f : c_.options.enrichment.fields) n += field_present(f) ? 1U : 0U;
    return n;
  }
  [[nodiscard]] std::string enrichment() const {
    const Contact& c = lead_.contact;
    const bool named = present(c.first_name) || present(c.last_name);
    const bool reachable = present(c.email) || present(c.phone) || present(c.secondary_email) ||
                           present(c.secondary_phone);
    if (!named || !reachable) return "incomplete";
    return enrichment_count() >= c_.options.enrichment.min_fields ? "enriched" : "non_enriched";
  }
  [[nodiscard]] double completeness() const {
    const std::size_t total = c_.options.enrichment.fields.size();
    return total == 0 ? 0.0 : static_cast<double>(enrichment_count()) / static_cast<double>(total);
  }
  /// The derived facts, as Qualifier::derive() reports them.
  [[nodiscard]] DerivedFacts facts() const {
    DerivedFacts f;
    const std::string level = enrichment();
    f.enrichment = level == "enriched"       ? EnrichmentLevel::enriched
                   : level == "non_enriched" ? EnrichmentLevel::non_enriched
                                             : EnrichmentLevel::incomplete;
    f.completeness = completeness();
    f.email_domain = email_domain();
    f.free_email = f.email_domain && free_email(*f.email_domain);
    if (lead_.created_at) f.days_since_created = days_between(*lead_.created_at, as_of_);
    if (const auto last = last_activity()) f.days_since_last_activity = days_between(*last, as_of_);
    f.events_considered = events_considered();
    f.events_after_as_of = events_after_as_of();
    return f;
  }

  [[nodiscard]] std::optional<Instant> last_activity() const {
    std::optional<Instant> last;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      if (considered(i) && (!last || lead_.events[i].at > *last)) last = lead_.events[i].at;
    }
    return last;
  }

 private:
  static double clamp(double v, const ScoreBounds& b) {
    if (v < b.min) v = b.min;
    if (b.max && v > *b.max) v = *b.max;
    return v;
  }
  static std::string band(const std::vector<GradeBand>& bands, double score) {
    for (const auto& b : bands) {
      if (score >= b.min) return b.label;
    }
    return bands.back().label;
  }
  [[nodiscard]] bool ci(const Condition& c) const {
    return !c.case_sensitive.value_or(c_.options.case_sensitive);
  }
  static bool type_matches(const std::vector<std::string>& types, const Event& e) {
    return types.empty() || std::find(types.begin(), types.end(), e.type) != types.end();
  }
  [[nodiscard]] std::int64_t age_ms(const Event& e) const { return (as_of_ - e.at).count(); }
  static std::int64_t window_ms(double days) {
    return std::llround(days * static_cast<double>(kMillisPerDay));
  }

  bool where_holds(const std::vector<Condition>& where, const Event& e) {
    const Event* saved = event_;
    event_ = &e;
    bool ok = true;
    for (const auto& w : where) {
      if (!eval(w)) {
        ok = false;
        break;
      }
    }
    event_ = saved;
    return ok;
  }

  std::int64_t behavior(std::size_t r, Outcome& out) {
    const Rule& rule = c_.rules[r];
    // (instant, input index) of each event that counts before the daily cap.
    std::vector<std::pair<Instant, std::size_t>> candidates;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      const Event& e = lead_.events[i];
      if (!considered(i) || !type_matches(rule.event_types, e)) continue;
      if (!where_holds(rule.where, e)) continue;
      if (rule.within_days && age_ms(e) > window_ms(*rule.within_days)) continue;
      candidates.emplace_back(e.at, i);
    }
    std::sort(candidates.begin(), candidates.end());
    std::vector<std::size_t> counted;
    std::map<std::int64_t, int> per_day;
    for (const auto& [at, i] : candidates) {
      if (rule.max_per_day && per_day[day_number(at)]++ >= *rule.max_per_day) continue;
      counted.push_back(i);
    }
    out.counted_events[r] = counted.size();
    const std::int64_t points_micro = std::llround(rule.points * 1e6);
    if (!rule.half_life_days) {
      const std::int64_t sum = points_micro * static_cast<std::int64_t>(counted.size());
      out.behavior_micro[r] = sum;
      return sum;
    }
    long double factors = 0;
    std::int64_t rounded = 0;
    for (std::size_t i : counted) {
      const double age_days =
          static_cast<double>(age_ms(lead_.events[i])) / static_cast<double>(kMillisPerDay);
      const double factor = std::exp2(-age_days / *rule.half_life_days);
      factors += factor;
      rounded += micro(rule.points * factor);
    }
    out.decayed_points[r] = static_cast<double>(static_cast<long double>(rule.points) * factors);
    out.decayed_rounded_micro[r] = rounded;
    out.behavior_micro[r] = rounded;
    return rounded;
  }

  V aggregate(const Condition& c) {
    std::size_t count = 0;
    std::int64_t sum = 0;
    std::optional<Instant> last;
    std::set<std::int64_t> days;
    for (std::size_t i = 0; i < lead_.events.size(); ++i) {
      const Event& e = lead_.events[i];
      if (!considered(i) || !type_matches(c.event_types, e)) continue;
      if (c.within_days && age_ms(e) > window_ms(*c.within_days)) continue;
      if (!where_holds(c.where, e)) continue;
      ++count;
      if (!last || e.at > *last) last = e.at;
      days.insert(day_number(e.at));
      if (c.measure == Measure::sum) {
        if (const PropertyValue* p = e.property(c.property)) {
          if (const double* d = std::get_if<double>(p)) sum += micro(*d);
        }
      }
    }
    switch (c.measure) {
      case Measure::count:
        return number_v(static_cast<double>(count));
      case Measure::sum:
        return number_v(static_cast<double>(sum) / 1e6);
      case Measure::distinct_days:
        return number_v(static_cast<double>(days.size()));
      case Measure::days_since_last:
        if (!last) return V{};
        return number_v(static_cast<double>((as_of_ - *last).count()) /
                        static_cast<double>(kMillisPerDay));
    }
    return V{};
  }

  V field(const std::string& path) {
    const Lead& l = lead_;
    if (event_) {
      if (path == "type") return text_v(event_->type);
      const PropertyValue* p = event_->property(path);
      if (!p) return V{};
      if (const auto* s = std::get_if<std::string>(p)) return text_v(*s);
      return number_v(std::get<double>(*p));
    }
    if (path.rfind("event_count.", 0) == 0) {
      const std::string type = path.substr(12);
      std::size_t n = 0;
      for (std::size_t i = 0; i < l.events.size(); ++i) {
        if (considered(i) && l.events[i].type == type) ++n;
      }
      return number_v(static_cast<double>(n));
    }
    if (std::optional<V> v = lead_field(l, path)) return std::move(*v);
    if (path == "enrichment") return text_v(enrichment());
    if (path == "completeness") return number_v(completeness());
    if (path == "email_domain") return opt_text(email_domain());
    if (path == "free_email") {
      const auto d = email_domain();
      return d ? bool_v(free_email(*d)) : V{};
    }
    if (path == "days_since_created") {
      return l.created_at ? number_v(days_between(*l.created_at, as_of_)) : V{};
    }
    if (path == "days_since_last_activity") {
      const auto last = last_activity();
      return last ? number_v(days_between(*last, as_of_)) : V{};
    }
    if (path == "event_count") return number_v(static_cast<double>(events_considered()));
    if (scores_) {
      if (path == "score.fit") return number_v(scores_->fit);
      if (path == "score.engagement") return number_v(scores_->engagement);
      if (path == "score.total") return number_v(scores_->total);
      if (path == "grade.fit") return text_v(scores_->fit_grade);
      if (path == "grade.engagement") return text_v(scores_->engagement_grade);
      if (path == "grade") return text_v(scores_->grade);
    }
    return V{};
  }

 public:
  bool eval(const Condition& c) {
    switch (c.kind) {
      case Condition::Kind::all:
        return std::all_of(c.children.begin(), c.children.end(),
                           [&](const Condition& k) { return eval(k); });
      case Condition::Kind::any:
        return std::any_of(c.children.begin(), c.children.end(),
                           [&](const Condition& k) { return eval(k); });
      case Condition::Kind::negate:
        return c.children.size() == 1 && !eval(c.children[0]);
      case Condition::Kind::compare:
        return holds(c, field(c.field), ci(c));
      case Condition::Kind::aggregate: {
        const Event* saved = event_;
        event_ = nullptr;
        const V v = aggregate(c);
        event_ = saved;
        return holds(c, v, ci(c));
      }
    }
    return false;
  }

  /// Does `where` (conditions on one event) hold for `e`?
  bool event_matches(const std::vector<Condition>& where, const Event& e) {
    return where_holds(where, e);
  }

 private:
  const Config& c_;
  const Lead& lead_;
  Instant as_of_;
  const Event* event_ = nullptr;
  const Outcome* scores_ = nullptr;
  std::vector<bool> skipped_;
};

inline Outcome evaluate(const Config& config, const Lead& lead, Instant as_of,
                        const std::map<std::size_t, std::int64_t>* decayed_override = nullptr) {
  return Evaluator(config, lead, as_of).run(decayed_override);
}

}  // namespace leadscore::test::reference
