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
#include <string>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;
using example::event;

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant form = now - days{16};

  // A hotel group's marketing director who clicked a paid-search ad and
  // asked for a free PPC audit on the landing page (inbound, paid_ads).
  Lead lead;
  lead.id = "casaverde-sofia-alvarez";
  lead.contact =
      example::contact("Sofia", "Alvarez", "sofia.alvarez@casaverdehotels.es", "+34 93 412 77 20");
  lead.company = example::company("Casa Verde Hotels", "hospitality", 410);
  lead.job_title = "Marketing Director";
  lead.location = example::location("ES", "Barcelona");
  lead.origin = Origin::inbound;
  lead.source = std::string(source::paid_ads);
  lead.created_at = form;
  lead.attributes["utm_campaign"] = std::string("hotels-ppc-audit");
  lead.events.push_back(event("page_view", form - minutes{4}, {{"url", "/lp/hotel-ppc-audit"}}));
  lead.events.push_back(event("form_submit", form, {{"form", "ppc-audit-request"}}));

  const Qualifier qualifier = Qualifier::with_default_config();
  example::Checks check("agency_discovery_call");

  // Before the call: a form, a good fit -> MQL, to be called by sales.
  const Instant before = now - days{1};
  check.stage(lead, before, qualifier.explain(lead, before), "MQL", "before the discovery call");

  // The discovery call established budget, timeline and need. Discovery
  // values are free-form: a number, a text, a bool or a list of strings.
  Lead after_call = lead;
  after_call.discovery.budget = 25000.0;  // EUR per quarter
  after_call.discovery.timeline = std::string("start in Q1 2027");
  after_call.discovery.need = std::string("more direct bookings from paid search");

  // After the call: budget + timeline known and fit >= 60 -> SQL.
  check.stage(after_call, now, qualifier.explain(after_call, now), "SQL",
              "after the discovery call");
  return check.exit_code();
}
