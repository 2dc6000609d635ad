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
#include <string>
#include <string_view>
#include <utility>

#include "leadscore/leadscore.hpp"

using namespace leadscore;
using namespace std::chrono;

namespace {

Event event(std::string type, Instant at) {
  Event e;
  e.type = std::move(type);
  e.at = at;
  return e;
}

/// Prints the explanation; true when the lead is knocked out with `reason`.
bool knocked_out(const Qualifier& qualifier, const Lead& lead, Instant as_of,
                 std::string_view reason) {
  const Explanation e = qualifier.explain(lead, as_of);
  std::cout << "=== " << lead.id << " (expected: knocked out, " << reason << ")\n"
            << e.to_text() << "\n";
  if (e.result.disqualified && e.result.reason == reason && e.result.stage == "lead") return true;
  std::cerr << "knockouts: " << lead.id << " was not knocked out for " << reason << "\n";
  return false;
}

}  // namespace

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;
  const Qualifier qualifier = Qualifier::with_default_config();

  // 1. A competitor. The default rule "competitor" looks at a custom
  //    attribute your CRM sets (or replace it with a list of competitors'
  //    domains: email_domain in [...]).
  Lead competitor;
  competitor.id = "pipelinepro-victor-lang";
  competitor.contact.first_name = "Victor";
  competitor.contact.last_name = "Lang";
  competitor.contact.email = "victor.lang@pipelinepro.io";
  competitor.company.name = "PipelinePro";
  competitor.company.industry = "software";
  competitor.company.employees = 140;
  competitor.job_title = "Product Marketing Director";
  competitor.origin = Origin::inbound;
  competitor.source = std::string(source::web_form);
  competitor.attributes["competitor"] = true;
  competitor.events.push_back(event("page_view", now - days{3}));
  competitor.events.push_back(event("demo_request", now - days{3} + minutes{5}));
  bool ok = knocked_out(qualifier, competitor, now, "competitor");

  // The same lead without the flag: the demo request makes it an SQL.
  Lead twin = competitor;
  twin.id += "-unflagged";
  twin.attributes.erase("competitor");
  const Qualification r = qualifier.qualify(twin, now);  // fast path: no explanation
  std::cout << "=== " << twin.id << ": stage " << r.stage << ", grade " << r.grade
            << " (expected SQL)\n\n";
  if (r.stage != "SQL") {
    std::cerr << "knockouts: the unflagged twin should be an SQL, got " << r.stage << "\n";
    ok = false;
  }

  // 2. A student: the "student" rule matches words such as student, intern,
  //    stagiaire in the job title (case-insensitive, whole words).
  Lead student;
  student.id = "univ-lyon2-chloe-bernard";
  student.contact.first_name = "Chloe";
  student.contact.last_name = "Bernard";
  student.contact.email = "chloe.bernard@etu.univ-lyon2.fr";
  student.company.name = "Universite Lumiere Lyon 2";
  student.company.employees = 2500;
  student.job_title = "Marketing Student (Master 2)";
  student.location.city = "Lyon";
  student.origin = Origin::inbound;
  student.source = std::string(source::content_download);
  student.events.push_back(event("content_download", now - days{12}));
  student.events.push_back(event("content_download", now - days{7}));
  student.events.push_back(event("newsletter_signup", now - days{7}));
  ok = knocked_out(qualifier, student, now, "student") && ok;

  return ok ? 0 : 1;
}
