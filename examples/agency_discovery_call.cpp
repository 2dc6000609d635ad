// agency_discovery_call — DOMAIN.md scenario "Digital marketing agency":
// targeted ad campaigns bring visitors to a landing-page form (leads); a
// discovery call then assesses budget, timeline and fit. Budget and timeline
// known, with a good fit, make the lead sales-qualified.
//
// The application records what the call established in the lead's discovery
// (BANT) fields and asks again: the same lead moves from MQL to SQL without
// any new event, because the discovery fields add fit points and satisfy the
// SQL stage's "budget and timeline known, fit >= 60" branch. Exits 1 if a
// stage differs from the expected one.
#include <chrono>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadscore/leadscore.hpp"

using namespace leadscore;
using namespace std::chrono;

namespace {

Event event(std::string type, Instant at,
            std::vector<std::pair<std::string, PropertyValue>> properties = {}) {
  Event e;
  e.type = std::move(type);
  e.at = at;
  e.properties = std::move(properties);
  return e;
}

bool show(const Qualifier& qualifier, const Lead& lead, Instant as_of, std::string_view title,
          std::string_view expected) {
  const Explanation e = qualifier.explain(lead, as_of);
  std::cout << "=== " << title << ": " << lead.id << " as of " << format_instant(as_of)
            << " (expected " << expected << ")\n"
            << e.to_text() << "\n";
  if (e.result.stage == expected) return true;
  std::cerr << "agency_discovery_call: expected stage " << expected << ", got " << e.result.stage
            << "\n";
  return false;
}

}  // namespace

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant form = now - days{16};

  // A hotel group's marketing director who clicked a paid-search ad and
  // asked for a free PPC audit on the landing page (inbound, paid_ads).
  Lead lead;
  lead.id = "casaverde-sofia-alvarez";
  lead.contact.first_name = "Sofia";
  lead.contact.last_name = "Alvarez";
  lead.contact.email = "sofia.alvarez@casaverdehotels.es";
  lead.contact.phone = "+34 93 412 77 20";
  lead.company.name = "Casa Verde Hotels";
  lead.company.industry = "hospitality";
  lead.company.employees = 410;
  lead.job_title = "Marketing Director";
  lead.location.country = "ES";
  lead.location.city = "Barcelona";
  lead.origin = Origin::inbound;
  lead.source = std::string(source::paid_ads);
  lead.created_at = form;
  lead.attributes["utm_campaign"] = std::string("hotels-ppc-audit");
  lead.events.push_back(event("page_view", form - minutes{4}, {{"url", "/lp/hotel-ppc-audit"}}));
  lead.events.push_back(event("form_submit", form, {{"form", "ppc-audit-request"}}));

  const Qualifier qualifier = Qualifier::with_default_config();

  // Before the call: a form, a good fit -> MQL, to be called by sales.
  bool ok = show(qualifier, lead, now - days{1}, "before the discovery call", "MQL");

  // The discovery call established budget, timeline and need. Discovery
  // values are free-form: a number, a text, a bool or a list of strings.
  Lead after_call = lead;
  after_call.discovery.budget = 25000.0;  // EUR per quarter
  after_call.discovery.timeline = std::string("start in Q1 2027");
  after_call.discovery.need = std::string("more direct bookings from paid search");

  // After the call: budget + timeline known and fit >= 60 -> SQL.
  ok = show(qualifier, after_call, now, "after the discovery call", "SQL") && ok;
  return ok ? 0 : 1;
}
