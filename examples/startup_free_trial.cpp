// startup_free_trial — DOMAIN.md scenario "Startup, mobile app": a landing-page
// form gives a free trial (a lead); engagement during the trial, feedback and
// willingness to pay for a subscription qualify it as a PQL.
//
// The lead is built in C++ with the plain value types of leadscore/lead.hpp
// (example_support.hpp fills in its Contact, Company and Location) and scored with the built-in
// configuration at two instants: two days into the trial (MQL: it gave its details through a form)
// and three weeks in (PQL: it uses the product and asked about a paid-plan feature). Exits 1 if
// either stage differs from the expected one, so it doubles as a smoke test.
#include <chrono>
#include <string>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;
using example::event;

int main() {
  // Time is an input: a fixed instant, never the clock.
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant signup = now - days{21};

  // Who: the co-founder of a small mobile-app company, found through the
  // "free trial" landing page (inbound).
  Lead lead;
  lead.id = "brightpath-maya-chen";
  lead.contact = example::contact("Maya", "Chen", "maya@brightpath.app");
  lead.company = example::company("Brightpath", "software", 18, "brightpath.app");
  lead.job_title = "CTO & Co-founder";
  lead.location = example::location("FR", "Lyon");
  lead.origin = Origin::inbound;
  lead.source = std::string(source::web_form);
  lead.created_at = signup;

  // What: the landing-page form and the trial start...
  lead.events.push_back(event("page_view", signup - minutes{5}, {{"url", "/free-trial"}}));
  lead.events.push_back(event("form_submit", signup, {{"form", "free-trial"}}));
  lead.events.push_back(event("trial_signup", signup + minutes{1}, {{"plan", "pro-trial"}}));
  // ...regular use of the product during the trial (one session every 2 days)...
  for (int day = 1; day <= 20; day += 2) {
    lead.events.push_back(event("product_usage", signup + days{day} + 3h,
                                {{"feature", "dashboards"}, {"minutes", 25.0}}));
  }
  // ...feedback (a custom event type: any name is allowed; it counts as
  // activity for the "active days" engagement rule)...
  lead.events.push_back(event("feedback_submitted", now - days{6}, {{"nps", 9.0}}));
  // ...and willingness to pay: a question about a paid-plan-only feature.
  lead.events.push_back(event("page_view", now - days{3}, {{"url", "/pricing"}}));
  lead.events.push_back(
      event("paid_feature_inquiry", now - days{3} + minutes{10}, {{"feature", "sso"}}));

  const Qualifier qualifier = Qualifier::with_default_config();
  example::Checks check("startup_free_trial");

  // Two days into the trial: a marketing-qualified lead (form submitted, good fit).
  const Instant trial_day_2 = signup + days{2};
  check.stage(lead, trial_day_2, qualifier.explain(lead, trial_day_2), "MQL");
  // Three weeks in: product-qualified (trial + 3 usage sessions + paid-feature question).
  check.stage(lead, now, qualifier.explain(lead, now), "PQL");
  return check.exit_code();
}
