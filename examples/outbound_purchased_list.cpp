// outbound_purchased_list — an outbound lead bought on a list (DOMAIN.md:
// "leads are generated or bought; bought leads are cheaper but quality still
// decides everything"). The contact fits the target profile well, but it
// never engaged: it stays a plain lead, headed for nurturing, not for sales.
//
// The default configuration is stricter with outbound leads (origin-specific
// stage conditions): an outbound MQL needs fit >= 40 *and* engagement >= 20.
// The program prints the explanation, then the lines of Explanation::next
// that say what the lead still lacks for the stage above. Exits 1 unless the
// lead is a "lead" whose next stage is MQL.
#include <chrono>
#include <iostream>
#include <string>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;

int main() {
  const Instant now = sys_days{2026y / November / 20} + 12h;

  // Bought lists are often well enriched: company, title, location, phone.
  Lead lead;
  lead.id = "evanscole-robert-evans";
  lead.contact =
      example::contact("Robert", "Evans", "r.evans@evanscole-shipping.co.uk", "+44 117 496 0321");
  lead.company =
      example::company("Evans & Cole Shipping", "logistics", 75, "evanscole-shipping.co.uk");
  lead.job_title = "Operations Director";
  lead.location = example::location("GB", "Bristol");
  lead.origin = Origin::outbound;
  lead.source = std::string(source::purchased_list);
  lead.created_at = now - days{45};
  lead.attributes["list"] = std::string("uk-logistics-2026q3");
  // No events at all: never opened, clicked or visited anything.

  const Qualifier qualifier = Qualifier::with_default_config();
  example::Checks check("outbound_purchased_list");
  const Explanation e = qualifier.explain(lead, now);
  check.stage(lead, now, e, "lead");

  // The gap to the next stage, as a work list for marketing.
  if (e.next) {
    std::cout << "To become " << e.next->stage << ", "
              << lead.contact.first_name.value_or("the lead") << " needs:\n";
    for (const std::string& line : e.next->missing) std::cout << "  * " << line << "\n";
  }

  check.that(!e.result.disqualified && e.next && e.next->stage == "MQL",
             "expected MQL as the next stage of a lead that is not disqualified");
  return check.exit_code();
}
