// custom_config — a scoring configuration written with the C++ builder API
// instead of JSON (both produce the same Config value; see
// docs/configuration.md), for a developer-tools company whose signal of
// intent is "created an API key".
//
// It builds the configuration, prints the build warnings, explains one lead,
// then shows what a configuration error looks like: Qualifier::build never
// throws and never returns a half-built object; it returns every problem at
// once, each with its JSON pointer. Exits 1 if the lead's stage is not "hot"
// or if the broken configuration is accepted.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "leadscore/leadscore.hpp"

using namespace leadscore;
using namespace std::chrono;

int main() {
  // ---- the configuration -------------------------------------------------
  Config config;
  config.name = "devtools-plg";
  config.scores.fit.max = 50;  // clamp fit to [0, 50]
  config.grades.fit = {{"A", 40}, {"B", 20}, {"C", 0}};

  // Fit: who they are.
  config.add(Rule::fit("engineering_role",
                       cond::field("job_title").contains_any({"engineer", "developer", "cto"}), 20)
                 .describe("Builds software"));
  config.add(Rule::fit("team_size", cond::field("company.employees").gte(100), 20));
  config.add(Rule::fit("work_email", cond::field("free_email").eq(false), 10));
  // Behaviour: points per event. Docs reading decays by half every 7 days,
  // counts at most 3 visits a day and 15 points in all.
  config.add(Rule::behavior("docs_reading", {"page_view"}, 3)
                 .only_where(cond::field("url").starts_with("/docs"))
                 .decay(7)
                 .per_day(3)
                 .cap(15));
  // Custom event types are fine: this one comes from the product's backend.
  config.add(Rule::behavior("api_key", {"api_key_created"}, 25).cap(25).within(30));
  // Our webinar tool reports "webinar_attend". That is close to the standard
  // "webinar_attended", so the build warns (the rule still works, but only
  // for events spelt exactly "webinar_attend").
  config.add(Rule::behavior("webinars", {"webinar_attend"}, 10).cap(20).decay(60));
  // Engagement: aggregates over a window.
  config.add(
      Rule::engagement("weekly_active", cond::events().within(7).distinct_days().gte(3), 15));
  // Knockout: a disposable address.
  config.add(Rule::knockout(
      "disposable", cond::field("email_domain").in(std::vector<std::string>{"mailinator.com"}),
      "invalid_contact"));
  // Stages, best first; the first that holds wins, otherwise "lead".
  Stage hot;
  hot.name = "hot";
  hot.when = cond::all({cond::field("score.total").gte(60),
                        cond::events({"api_key_created"}).within(30).count().gte(1)});
  Stage warm;
  warm.name = "warm";
  warm.when = cond::field("score.engagement").gte(10);
  config.add(hot).add(warm);

  Result<Qualifier> built = Qualifier::build(config);
  if (!built) {  // cannot happen with the configuration above
    std::cerr << to_string(built.diagnostics());
    return 1;
  }
  const Qualifier& qualifier = *built;
  std::cout << "configuration '" << qualifier.config().name << "' built, "
            << qualifier.warnings().size() << " warning(s)\n"
            << to_string(qualifier.warnings()) << "\n";

  // ---- one lead -------------------------------------------------------------
  const Instant now = sys_days{2026y / November / 20} + 12h;
  Lead lead;
  lead.id = "acme-dev-1";
  lead.contact.first_name = "Jordan";
  lead.contact.email = "jordan@acme-robotics.com";
  lead.company.employees = 350;
  lead.job_title = "Senior Software Engineer";
  for (int d : {6, 4, 4, 2}) {
    Event visit;
    visit.type = "page_view";
    visit.at = now - days{d};
    visit.properties = {{"url", "/docs/quickstart"}};
    lead.events.push_back(visit);
  }
  Event key;
  key.type = "api_key_created";
  key.at = now - days{2} + 1h;
  lead.events.push_back(key);

  const Explanation e = qualifier.explain(lead, now);
  std::cout << "=== " << lead.id << " as of " << format_instant(now) << " (expected hot)\n"
            << e.to_text() << "\n";
  bool ok = e.result.stage == "hot";

  // ---- a broken configuration: every problem is reported at once -----------
  Config broken = config;
  broken.add(
      Rule::fit("seniority", cond::field("company.employes").gte(500), 10));  // misspelt field
  broken.add(Rule::fit("work_email", cond::field("job_title").gte(3),
                       5));             // duplicate id; text field vs number
  broken.rules[3].half_life_days = -7;  // a half-life must be > 0
  const Result<Qualifier> rejected = Qualifier::build(broken);
  std::cout << "=== broken configuration: "
            << (rejected.ok() ? "accepted (unexpected!)" : "rejected") << "\n"
            << to_string(rejected.diagnostics());
  ok = ok && !rejected.ok();
  return ok ? 0 : 1;
}
