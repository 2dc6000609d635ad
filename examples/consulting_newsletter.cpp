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
#include <string>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;
using example::event;

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant subscribed = now - days{75};
  const Instant offer_sent = now - days{9} - 4h;  // the "cash diagnostic" consultation offer
  const Instant replied = now - days{8} + 3h;

  // A finance director who read a blog article and subscribed (inbound).
  Lead lead;
  lead.id = "kessler-thomas-berger";
  lead.contact =
      example::contact("Thomas", "Berger", "t.berger@kessler-maschinenbau.de", "+49 89 2180 4410");
  lead.company = example::company("Kessler Maschinenbau GmbH", "manufacturing", 640);
  lead.job_title = "Finance Director";
  lead.location = example::location("DE", "Munich");
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
  example::Checks check("consulting_newsletter");

  // The day before the reply: a subscriber who fits and engages -> MQL
  // (its "next stage SQL needs" lines show what is missing).
  const Instant day_before = replied - days{1};
  check.stage(lead, day_before, qualifier.explain(lead, day_before), "MQL");
  // After the positive reply: SQL (positive reply within 30 days, fit >= 30).
  check.stage(lead, now, qualifier.explain(lead, now), "SQL");
  return check.exit_code();
}
