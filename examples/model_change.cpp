// model_change — review a configuration change before it goes live. The
// marketing team wants webinars to count more and product usage to need a
// longer streak; diff_models() re-scores the leads under both
// configurations, from their event history, and reports which leads change
// stage and which rules caused it (a draft-then-publish step). Then the
// states of the leads are moved to the new configuration with rescore(),
// which records a `rescored` transition where the stage changes.
//
// Exits 1 unless the diff finds the expected promotion.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "leadscore/leadscore.hpp"

using namespace leadscore;
using namespace std::chrono;

namespace {

const Instant kAsOf = sys_days{year{2026} / November / 20} + hours{12};

Event event(std::string type, int days_ago) {
  Event e;
  e.type = std::move(type);
  e.at = kAsOf - days{days_ago};
  return e;
}

Lead lead(std::string id, std::string title, double employees, std::vector<Event> events) {
  Lead l;
  l.id = std::move(id);
  l.contact.first_name = "Sam";
  l.contact.email = "sam@" + l.id + ".example.net";
  l.job_title = std::move(title);
  l.company.name = "Company " + l.id;
  l.company.employees = employees;
  l.company.industry = "software";
  l.events = std::move(events);
  l.origin = Origin::outbound;  // outbound MQL: fit >= 40 and engagement >= 20
  return l;
}

}  // namespace

int main() {
  const Qualifier current = Qualifier::with_default_config();

  Config draft = default_config();
  draft.name = "leadscore-default-b2b (webinars x2)";
  for (Rule& r : draft.rules) {
    if (r.id == "webinars") {
      r.points = 24;
      r.max_points = 48;
    }
  }
  const auto built = Qualifier::build(draft);
  if (!built.ok()) {
    std::cerr << to_string(built.diagnostics()) << "\n";
    return 1;
  }
  const Qualifier next = built.value();

  const std::vector<Lead> leads = {
      lead("webinar-fan", "Marketing Manager", 40, {event("webinar_attended", 3)}),
      lead("two-webinars", "Analyst", 15,
           {event("webinar_attended", 10), event("webinar_attended", 2)}),
      lead("quiet", "Engineer", 8, {event("page_view", 5)}),
  };
  const ModelDiff diff = diff_models(current, next, leads, kAsOf);
  std::cout << "Draft '" << draft.name << "' against the live configuration:\n" << diff.to_text();

  // Publishing: each lead's state moves to the new configuration.
  std::size_t rescored = 0;
  for (const Lead& l : leads) {
    LeadState state(current, l);
    state.observe(kAsOf);
    if (auto t = state.rescore(next, kAsOf)) {
      ++rescored;
      std::cout << l.id << ": " << t->from << " -> " << t->to << " [" << to_string(t->cause) << " "
                << t->reason << "]\n";
    }
  }
  if (diff.stage_changes == 0 || rescored != diff.stage_changes) {
    std::cerr << "model_change: expected stage changes, and one rescored transition each\n";
    return 1;
  }
  return 0;
}
