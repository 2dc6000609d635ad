// Small fluent helpers to build leads, events and instants in tests.
//
//   const Lead lead = LeadBuilder("l1")
//                         .name("Ada", "Lovelace").email("ada@analytical.io")
//                         .title("CTO").employees(120).industry("software")
//                         .event(ev("page_view", days_ago(2)).prop("url", "/pricing"))
//                         .build();
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

namespace leadscore::test {

/// The UTC instant y-m-d h:mi:s.ms, computed with <chrono> alone (never
/// with the library's parser).
inline Instant utc(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days{ymd}) +
         std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s} +
         std::chrono::milliseconds{ms};
}

/// The evaluation instant most tests use: 2026-03-15T12:00:00Z.
inline Instant as_of() { return utc(2026, 3, 15, 12); }

/// `days` (fractional allowed) before `from`; negative = after.
inline Instant days_ago(double days, Instant from = as_of()) {
  return from - std::chrono::milliseconds(std::llround(days * static_cast<double>(kMillisPerDay)));
}

/// Fluent event: ev("page_view", days_ago(3)).prop("url", "/pricing").
class EventBuilder {
 public:
  EventBuilder(std::string type, Instant at) {
    event_.type = std::move(type);
    event_.at = at;
  }
  EventBuilder& prop(std::string name, std::string value) {
    event_.properties.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  EventBuilder& prop(std::string name, const char* value) {
    return prop(std::move(name), std::string(value));
  }
  EventBuilder& prop(std::string name, double value) {
    event_.properties.emplace_back(std::move(name), value);
    return *this;
  }
  EventBuilder& id(std::string delivery_id) {
    event_.id = std::move(delivery_id);
    return *this;
  }
  [[nodiscard]] Event build() const { return event_; }
  operator Event() const { return event_; }  // NOLINT(google-explicit-constructor)

 private:
  Event event_;
};

inline EventBuilder ev(std::string type, Instant at) { return EventBuilder(std::move(type), at); }

/// Fluent lead builder. Every setter returns *this; build() copies the lead.
class LeadBuilder {
 public:
  explicit LeadBuilder(std::string id = "lead") { lead_.id = std::move(id); }

  // contact
  LeadBuilder& first_name(std::string v) { return set(lead_.contact.first_name, std::move(v)); }
  LeadBuilder& last_name(std::string v) { return set(lead_.contact.last_name, std::move(v)); }
  LeadBuilder& name(std::string first, std::string last) {
    return first_name(std::move(first)).last_name(std::move(last));
  }
  LeadBuilder& email(std::string v) { return set(lead_.contact.email, std::move(v)); }
  LeadBuilder& secondary_email(std::string v) {
    return set(lead_.contact.secondary_email, std::move(v));
  }
  LeadBuilder& phone(std::string v) { return set(lead_.contact.phone, std::move(v)); }
  LeadBuilder& secondary_phone(std::string v) {
    return set(lead_.contact.secondary_phone, std::move(v));
  }

  // company
  LeadBuilder& company(std::string v) { return set(lead_.company.name, std::move(v)); }
  LeadBuilder& domain(std::string v) { return set(lead_.company.domain, std::move(v)); }
  LeadBuilder& industry(std::string v) { return set(lead_.company.industry, std::move(v)); }
  LeadBuilder& employees(double v) { return set(lead_.company.employees, v); }
  LeadBuilder& revenue(double v) { return set(lead_.company.annual_revenue, v); }

  // person
  LeadBuilder& title(std::string v) { return set(lead_.job_title, std::move(v)); }
  LeadBuilder& seniority(std::string v) { return set(lead_.seniority, std::move(v)); }
  LeadBuilder& department(std::string v) { return set(lead_.department, std::move(v)); }
  LeadBuilder& country(std::string v) { return set(lead_.location.country, std::move(v)); }
  LeadBuilder& region(std::string v) { return set(lead_.location.region, std::move(v)); }
  LeadBuilder& city(std::string v) { return set(lead_.location.city, std::move(v)); }

  // origin, source, time, consent
  LeadBuilder& origin(Origin v) { return set(lead_.origin, v); }
  LeadBuilder& inbound() { return origin(Origin::inbound); }
  LeadBuilder& outbound() { return origin(Origin::outbound); }
  LeadBuilder& source(std::string v) { return set(lead_.source, std::move(v)); }
  LeadBuilder& created(Instant t) { return set(lead_.created_at, t); }
  LeadBuilder& do_not_email(bool v) { return set(lead_.consent.do_not_email, v); }
  LeadBuilder& do_not_call(bool v) { return set(lead_.consent.do_not_call, v); }

  // discovery (BANT)
  LeadBuilder& budget(Value v) { return set(lead_.discovery.budget, std::move(v)); }
  LeadBuilder& budget(const char* v) { return budget(Value(std::string(v))); }
  LeadBuilder& authority(Value v) { return set(lead_.discovery.authority, std::move(v)); }
  LeadBuilder& need(Value v) { return set(lead_.discovery.need, std::move(v)); }
  LeadBuilder& need(const char* v) { return need(Value(std::string(v))); }
  LeadBuilder& timeline(Value v) { return set(lead_.discovery.timeline, std::move(v)); }
  LeadBuilder& timeline(const char* v) { return timeline(Value(std::string(v))); }

  // attributes
  LeadBuilder& attr(std::string key, Value v) {
    lead_.attributes.insert_or_assign(std::move(key), std::move(v));
    return *this;
  }
  LeadBuilder& attr(std::string key, const char* v) {
    return attr(std::move(key), Value(std::string(v)));
  }
  LeadBuilder& attr(std::string key, bool v) { return attr(std::move(key), Value(v)); }
  LeadBuilder& attr(std::string key, double v) { return attr(std::move(key), Value(v)); }
  LeadBuilder& attr(std::string key, int v) {
    return attr(std::move(key), Value(static_cast<double>(v)));
  }
  LeadBuilder& attr(std::string key, std::vector<std::string> v) {
    return attr(std::move(key), Value(std::move(v)));
  }

  // events
  LeadBuilder& event(Event e) {
    lead_.events.push_back(std::move(e));
    return *this;
  }
  LeadBuilder& event(std::string type, Instant at) {
    return event(ev(std::move(type), at).build());
  }
  /// `count` events of `type`, the first at `first`, then every `step_days` later.
  LeadBuilder& events(const std::string& type, int count, Instant first, double step_days = 1) {
    for (int i = 0; i < count; ++i) {
      event(type, days_ago(-step_days * static_cast<double>(i), first));
    }
    return *this;
  }

  [[nodiscard]] Lead build() const { return lead_; }
  operator Lead() const { return lead_; }  // NOLINT(google-explicit-constructor)
  Lead& lead() { return lead_; }

 private:
  /// Every setter: `field` = `value`, then *this for the next call.
  template <class Field, class V>
  LeadBuilder& set(Field& field, V&& value) {
    field = std::forward<V>(value);
    return *this;
  }

  Lead lead_;
};

}  // namespace leadscore::test
