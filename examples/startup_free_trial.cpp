// startup_free_trial — DOMAIN.md scenario "Startup, mobile app": a landing-page
// form gives a free trial (a lead); engagement during the trial, feedback and
// willingness to pay for a subscription qualify it as a PQL.
//
// The lead is built in C++ with the plain value types of leadscore/lead.hpp
// and scored with the built-in configuration at two instants: two days into
// the trial (MQL: it gave its details through a form) and three weeks in
// (PQL: it uses the product and asked about a paid-plan feature). Exits 1 if
// either stage differs from the expected one, so it doubles as a smoke test.
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

/// One behavioural event. Properties are (name, text-or-number) pairs.
Event event(std::string type, Instant at,
            std::vector<std::pair<std::string, PropertyValue>> properties = {}) {
  Event e;
  e.type = std::move(type);
  e.at = at;
  e.properties = std::move(properties);
  return e;
}

/// Prints the explanation at `as_of` and checks the stage.
bool show(const Qualifier& qualifier, const Lead& lead, Instant as_of, std::string_view expected) {
  const Explanation e = qualifier.explain(lead, as_of);
  std::cout << "=== " << lead.id << " as of " << format_instant(as_of) << " (expected " << expected
            << ")\n"
            << e.to_text() << "\n";
  if (e.result.stage == expected) return true;
  std::cerr << "startup_free_trial: expected stage " << expected << ", got " << e.result.stage
            << "\n";
  return false;
}

}  // namespace

int main() {
  // Time is an input: a fixed instant, never the clock.
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Instant signup = now - days{21};

  // Who: the co-founder of a small mobile-app company, found through the
  // "free trial" landing page (inbound).
  Lead lead;
  lead.id = "brightpath-maya-chen";
  lead.contact.first_name = "Maya";
  lead.contact.last_name = "Chen";
  lead.contact.email = "maya@brightpath.app";
  lead.company.name = "Brightpath";
  lead.company.domain = "brightpath.app";
  lead.company.industry = "software";
  lead.company.employees = 18;
  lead.job_title = "CTO & Co-founder";
  lead.location.country = "FR";
  lead.location.city = "Lyon";
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

  // Two days into the trial: a marketing-qualified lead (form submitted, good fit).
  bool ok = show(qualifier, lead, signup + days{2}, "MQL");
  // Three weeks in: product-qualified (trial + 3 usage sessions + paid-feature question).
  ok = show(qualifier, lead, now, "PQL") && ok;
  return ok ? 0 : 1;
}
