// example_support.hpp — plumbing shared by the scenario examples, so that
// each of them shows only the calls its scenario is about.
//
// Here: building an event and the identity parts of a lead (Contact,
// Company, Location of leadscore/lead.hpp) from a short list of values, and
// printing an explanation with the stage the scenario expects while keeping
// the program's exit status (every scenario doubles as a smoke test). It is
// plain use of the public API; the examples call leadscore themselves
// (Qualifier::with_default_config, explain, qualify, LeadState, ...).
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadscore/leadscore.hpp"

namespace example {

/// An event's properties: (name, text-or-number) pairs.
using Properties = std::vector<std::pair<std::string, leadscore::PropertyValue>>;

/// One behavioural event of `type` at `at`.
inline leadscore::Event event(std::string type, leadscore::Instant at, Properties properties = {}) {
  leadscore::Event e;
  e.type = std::move(type);
  e.at = at;
  e.properties = std::move(properties);
  return e;
}

/// Who to talk to: a name, an email and, when known, a phone number.
inline leadscore::Contact contact(std::string first_name, std::string last_name, std::string email,
                                  std::optional<std::string> phone = std::nullopt) {
  leadscore::Contact c;
  c.first_name = std::move(first_name);
  c.last_name = std::move(last_name);
  c.email = std::move(email);
  c.phone = std::move(phone);
  return c;
}

/// The lead's company: its name, industry, head count and, when known, its
/// web domain. A missing industry stays missing (std::nullopt), not "".
inline leadscore::Company company(std::string name, std::optional<std::string> industry,
                                  double employees,
                                  std::optional<std::string> domain = std::nullopt) {
  leadscore::Company c;
  c.name = std::move(name);
  c.industry = std::move(industry);
  c.employees = employees;
  c.domain = std::move(domain);
  return c;
}

/// A country (ISO 3166 code) and a city.
inline leadscore::Location location(std::string country, std::string city) {
  leadscore::Location l;
  l.country = std::move(country);
  l.city = std::move(city);
  return l;
}

/// The expectations of one example program: what it prints and what it
/// checks. exit_code() is 1 as soon as one check failed.
class Checks {
 public:
  explicit Checks(std::string_view program) : program_(program) {}

  /// Prints "=== <heading>" and the explanation's text.
  static void print(std::string_view heading, const leadscore::Explanation& e) {
    std::cout << "=== " << heading << "\n" << e.to_text() << "\n";
  }

  /// Prints the explanation of `lead` at `as_of` (under `title`, when not
  /// empty) and checks that the lead reached stage `expected`.
  void stage(const leadscore::Lead& lead, leadscore::Instant as_of, const leadscore::Explanation& e,
             std::string_view expected, std::string_view title = {}) {
    std::string heading = title.empty() ? std::string() : std::string(title) + ": ";
    heading += lead.id + " as of " + leadscore::format_instant(as_of) + " (expected " +
               std::string(expected) + ")";
    print(heading, e);
    that(e.result.stage == expected, lead.id + ": expected stage " + std::string(expected) +
                                         ", got " + std::string(e.result.stage));
  }

  /// Records one expectation; when it does not hold, says `what` on stderr.
  void that(bool holds, const std::string& what) {
    if (holds) return;
    std::cerr << program_ << ": " << what << "\n";
    failed_ = true;
  }

  /// The program's exit status: 0 when every check held, else 1.
  [[nodiscard]] int exit_code() const { return failed_ ? 1 : 0; }

 private:
  std::string_view program_;
  bool failed_ = false;
};

}  // namespace example
