// consulting_newsletter — DOMAIN.md scenario "Consulting firm": blog articles
// turn readers into newsletter subscribers (leads); targeted emails carry a
// consultation offer; a positive reply asking to explore the services makes
// the subscriber sales-qualified.
//
// One lead, two instants. Qualification is continuous and time is an input:
// the same Lead value is explained the day before the reply (its reply event
// is later than as_of, so it is ignored: MQL) and at the demo instant (SQL).
// Exits 1 if either stage differs from the expected one.
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

bool show(const Qualifier& qualifier, const Lead& lead, Instant as_of, std::string_view expected) {
  const Explanation e = qualifier.explain(lead, as_of);
  std::cout << "=== " << lead.id << " as of " << format_instant(as_of) << " (expected " << expected
            << ")\n"
            << e.to_text() << "\n";
  if (e.result.stage == expected) return true;
  std::cerr << "consulting_newsletter: expected stage " << expected << ", got " << e.result.stage
            << "\n";
  return false;
}

}  // namespace

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant subscribed = now - days{75};
  const Instant offer_sent = now - days{9} - 4h;  // the "cash diagnostic" consultation offer
  const Instant replied = now - days{8} + 3h;

  // A finance director who read a blog article and subscribed (inbound).
  Lead lead;
  lead.id = "kessler-thomas-berger";
  lead.contact.first_name = "Thomas";
  lead.contact.last_name = "Berger";
  lead.contact.email = "t.berger@kessler-maschinenbau.de";
  lead.contact.phone = "+49 89 2180 4410";
  lead.company.name = "Kessler Maschinenbau GmbH";
  lead.company.industry = "manufacturing";
  lead.company.employees = 640;
  lead.job_title = "Finance Director";
  lead.location.country = "DE";
  lead.location.city = "Munich";
  lead.origin = Origin::inbound;
  lead.source = std::string(source::newsletter);
  lead.created_at = subscribed;

  lead.events.push_back(
      event("page_view", subscribed - minutes{7}, {{"url", "/blog/working-capital-playbook"}}));
  lead.events.push_back(event("newsletter_signup", subscribed, {{"list", "cfo-briefing"}}));
  lead.events.push_back(event("email_open", now - days{40}, {{"campaign", "newsletter-october"}}));
  // The targeted email with the consultation offer: opened and clicked.
  lead.events.push_back(event("email_open", offer_sent + 1h, {{"campaign", "consultation-offer"}}));
  lead.events.push_back(
      event("email_click", offer_sent + 1h + minutes{2},
            {{"campaign", "consultation-offer"}, {"url", "/services/cash-diagnostic"}}));
  // The reply, classified positive (by the sales rep or a classifier) and
  // recorded as an event property: the default "positive_reply" rule and the
  // SQL stage look for email_reply events whose sentiment is "positive".
  lead.events.push_back(event("email_reply", replied,
                              {{"campaign", "consultation-offer"}, {"sentiment", "positive"}}));

  const Qualifier qualifier = Qualifier::with_default_config();

  // The day before the reply: a subscriber who fits and engages -> MQL
  // (its "next stage SQL needs" lines show what is missing).
  bool ok = show(qualifier, lead, replied - days{1}, "MQL");
  // After the positive reply: SQL (positive reply within 30 days, fit >= 30).
  ok = show(qualifier, lead, now, "SQL") && ok;
  return ok ? 0 : 1;
}
