// knockouts — disqualifiers. Some leads must never reach sales, whatever
// their scores: a competitor researching you, a student writing a thesis, a
// bounced address, someone who opted out of everything. Knockout rules mark
// them disqualified with a reason code; a disqualified lead stays at the
// fallback stage "lead", and its scores are still computed and reported.
//
// Two leads: a competitor's director who requested a demo (an SQL, were it not
// for attributes.competitor = true; the program shows that too) and a student
// who downloads content. Exits 1 unless both are knocked out for the expected
// reason and the unflagged twin of the competitor is an SQL.
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;
using example::event;

namespace {

/// Prints the explanation; checks that the lead is knocked out with `reason`.
void expect_knocked_out(example::Checks& check, const Lead& lead, const Explanation& e,
                        std::string_view reason) {
  example::Checks::print(lead.id + " (expected: knocked out, " + std::string(reason) + ")", e);
  check.that(e.result.disqualified && e.result.reason == reason && e.result.stage == "lead",
             lead.id + " was not knocked out for " + std::string(reason));
}

}  // namespace

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Qualifier qualifier = Qualifier::with_default_config();
  example::Checks check("knockouts");

  // 1. A competitor. The default rule "competitor" looks at a custom
  //    attribute your CRM sets (or replace it with a list of competitors'
  //    domains: email_domain in [...]).
  Lead competitor;
  competitor.id = "pipelinepro-victor-lang";
  competitor.contact = example::contact("Victor", "Lang", "victor.lang@pipelinepro.io");
  competitor.company = example::company("PipelinePro", "software", 140);
  competitor.job_title = "Product Marketing Director";
  competitor.origin = Origin::inbound;
  competitor.source = std::string(source::web_form);
  competitor.attributes["competitor"] = true;
  competitor.events.push_back(event("page_view", now - days{3}));
  competitor.events.push_back(event("demo_request", now - days{3} + minutes{5}));
  expect_knocked_out(check, competitor, qualifier.explain(competitor, now), "competitor");

  // The same lead without the flag: the demo request makes it an SQL.
  Lead twin = competitor;
  twin.id += "-unflagged";
  twin.attributes.erase("competitor");
  const Qualification r = qualifier.qualify(twin, now);  // fast path: no explanation
  std::cout << "=== " << twin.id << ": stage " << r.stage << ", grade " << r.grade
            << " (expected SQL)\n\n";
  check.that(r.stage == "SQL", "the unflagged twin should be an SQL, got " + std::string(r.stage));

  // 2. A student: the "student" rule matches words such as student, intern,
  //    stagiaire in the job title (case-insensitive, whole words).
  Lead student;
  student.id = "univ-lyon2-chloe-bernard";
  student.contact = example::contact("Chloe", "Bernard", "chloe.bernard@etu.univ-lyon2.fr");
  student.company = example::company("Universite Lumiere Lyon 2", std::nullopt, 2500);
  student.job_title = "Marketing Student (Master 2)";
  student.location.city = "Lyon";
  student.origin = Origin::inbound;
  student.source = std::string(source::content_download);
  student.events.push_back(event("content_download", now - days{12}));
  student.events.push_back(event("content_download", now - days{7}));
  student.events.push_back(event("newsletter_signup", now - days{7}));
  expect_knocked_out(check, student, qualifier.explain(student, now), "student");

  return check.exit_code();
}
