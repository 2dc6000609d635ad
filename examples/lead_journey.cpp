// lead_journey — continuous qualification. A LeadState follows one lead as
// its events arrive (in time order, one at a time), and after each one the
// application asks what changed: the lifecycle policy of the default
// configuration (hysteresis, SQL aging, sales feedback) decides the stage,
// and every transition is kept with its cause.
//
// The journey: a fitting marketing head subscribes to the newsletter (MQL),
// requests a demo (SQL), is not called back for two weeks (recycled to MQL:
// sql_aging), comes back after the hold, books a meeting (SQL again), is
// accepted by sales and the deal is won. Exits 1 unless the stages seen are
// exactly the expected ones.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/leadscore.hpp"

#include "example_support.hpp"

using namespace leadscore;
using namespace std::chrono;

namespace {

Instant on_day(int d, int hour = 10) {
  return sys_days{year{2026} / March / 1} + days{d - 1} + hours{hour};
}

/// An event with a delivery id: a second delivery of the same id counts once.
Event event(std::string type, Instant at, std::string id) {
  Event e = example::event(std::move(type), at);
  e.id = std::move(id);
  return e;
}

void print(const Transition& t) {
  std::cout << "  " << format_instant(t.at) << "  " << (t.from.empty() ? "(new)" : t.from) << " -> "
            << t.to << "  [" << to_string(t.cause) << "]";
  if (!t.reason.empty()) std::cout << " " << t.reason;
  char total[32];
  std::snprintf(total, sizeof total, "%.1f", t.total);
  std::cout << "  total " << total << "\n";
  for (const auto& c : t.conditions) std::cout << "      because " << c << "\n";
  if (!t.rules.empty()) {
    std::cout << "      rules:";
    for (const auto& r : t.rules) std::cout << " " << r;
    std::cout << "\n";
  }
}

}  // namespace

int main() {
  const Qualifier qualifier = Qualifier::with_default_config();

  Lead profile;
  profile.id = "L-2001";
  profile.contact = example::contact("Camille", "Durand", "camille.durand@acme-logistics.fr");
  profile.company = example::company("Acme Logistics", "software", 320);
  profile.job_title = "Head of Marketing";
  profile.location.country = "FR";
  profile.origin = Origin::inbound;

  LeadState state(qualifier, profile);
  std::vector<std::string> stages;
  auto observe = [&](Instant at) {
    for (const Transition& t : state.observe(at)) {
      print(t);
      stages.push_back(t.to);
    }
  };

  const std::vector<Event> events = {
      event("page_view", on_day(1, 9), "e1"),
      event("newsletter_signup", on_day(1, 9), "e2"),
      event("newsletter_signup", on_day(1, 9), "e2"),  // delivered twice: counted once
      event("email_open", on_day(3), "e3"),
      event("demo_request", on_day(5), "e4"),
      event("email_click", on_day(40), "e5"),
      event("meeting_booked", on_day(52), "e6"),
  };
  std::cout << "Journey of " << profile.id << " (default configuration, lifecycle "
            << to_string(qualifier.config().lifecycle.regression) << ")\n";
  observe(on_day(1, 8));
  for (const Event& e : events) {
    const ApplyResult r = state.apply(e);
    if (r != ApplyResult::applied) {
      std::cout << "  " << format_instant(e.at) << "  " << e.type << " " << e.id << ": "
                << to_string(r) << "\n";
    }
    observe(e.at + minutes(1));
    if (e.type == "demo_request") observe(on_day(20));  // nobody called: 15 days in SQL
  }
  state.feedback(SalesStatus::accepted, on_day(53), "discovery call done");
  print(state.history().back());
  observe(on_day(90));  // accepted: neither aged nor demoted
  state.feedback(SalesStatus::won, on_day(95), "annual plan");
  print(state.history().back());
  stages.push_back(state.history().back().to);

  const std::vector<std::string> expected = {"lead", "MQL", "SQL", "MQL", "SQL", "customer"};
  if (stages != expected) {
    std::cerr << "lead_journey: unexpected stages:";
    for (const auto& s : stages) std::cerr << " " << s;
    std::cerr << "\n";
    return 1;
  }
  std::cout << "Final stage: " << state.stage() << ", " << state.history().size()
            << " history entries; saved state is " << state.to_json().size() << " bytes\n";
  return 0;
}
