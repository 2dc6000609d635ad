// Shared inputs of the leadscore benchmarks: deterministic lead generators,
// the configurations under test, and the hand-written fit function used as
// the yardstick for the compiled evaluator.
//
// Everything is seeded (bench::Rng, bench_rng.hpp), so every run and every
// machine sees the same inputs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(__unix__) || defined(__APPLE__)
#include <time.h>
#endif

#include "leadscore/leadscore.hpp"

#include "bench_rng.hpp"

namespace bench {

using leadscore::Condition;
using leadscore::Config;
using leadscore::Event;
using leadscore::Instant;
using leadscore::Lead;
using leadscore::Qualifier;
using leadscore::Rule;
using leadscore::Stage;
using leadscore::cond::all;
using leadscore::cond::any;
using leadscore::cond::events;
using leadscore::cond::field;

/// The evaluation instant of every benchmark: 2024-06-01T00:00:00Z.
inline Instant as_of() {
  using namespace std::chrono;
  return Instant{sys_days{year{2024} / June / 1}};
}

/// An optional string drawn from `pool`, missing with probability `p_missing`.
inline std::optional<std::string> maybe(Rng& rng, const std::vector<std::string>& pool,
                                        double p_missing) {
  if (rng.chance(p_missing)) return std::nullopt;
  return rng.pick(pool);
}

// ---------------------------------------------------------------------------
// Attribute pools (realistic B2B data, mixed case on purpose: matching is
// case-insensitive by default)
// ---------------------------------------------------------------------------
/// The pools the generators draw from, built once (on first use).
struct Pools {
  std::vector<std::string> job_titles = {"CEO",
                                         "Chief Marketing Officer",
                                         "VP of Sales",
                                         "Vice President, Marketing",
                                         "Head of Growth",
                                         "Marketing Director",
                                         "Director of IT",
                                         "Sales Manager",
                                         "Team Lead, SDR",
                                         "Senior Software Engineer",
                                         "Marketing Coordinator",
                                         "Account Executive",
                                         "Founder & CTO",
                                         "Product Manager",
                                         "Operations Analyst",
                                         "Demand Generation Manager",
                                         "Leadership Coach",
                                         "Co-founder",
                                         "IT Director",
                                         "Business Development Representative"};
  std::vector<std::string> seniorities = {"c_level", "vp",    "director", "senior",
                                          "manager", "entry", "owner"};
  std::vector<std::string> departments = {"Marketing",          "Sales", "Engineering", "Finance",
                                          "Revenue Operations", "HR",    "Growth",      "IT"};
  std::vector<std::string> industries = {"Software",
                                         "SaaS",
                                         "Financial Services",
                                         "Consulting",
                                         "Education",
                                         "Manufacturing",
                                         "Retail",
                                         "Healthcare",
                                         "Information Technology",
                                         "Government",
                                         "Internet",
                                         "Marketing",
                                         "Telecommunications",
                                         "E-commerce",
                                         "Non-profit"};
  std::vector<std::string> countries = {"US", "GB", "FR", "DE", "CA", "IN",
                                        "BR", "NL", "AU", "JP", "ES", "IE"};
  std::vector<std::string> cities = {"New York", "San Francisco", "London", "Paris",  "Berlin",
                                     "Austin",   "Toronto",       "Lyon",   "Dublin", "Sydney"};
  std::vector<std::string> sources = {
      "web_form",       "referral",   "trade_show",     "paid_ads", "cold_email",
      "purchased_list", "newsletter", "organic_search", "webinar",  "content_download"};
  std::vector<std::string> company_stems = {"acme",   "globex",    "initech", "umbrella",
                                            "hooli",  "stark",     "wayne",   "wonka",
                                            "tyrell", "cyberdyne", "soylent", "aperture"};
  std::vector<std::string> tech_tools = {"HubSpot", "Salesforce", "Marketo", "Slack",
                                         "Pardot",  "Zendesk",    "Jira"};
  std::vector<std::string> first_names = {"Ada", "Grace",   "Alan",   "Linus",
                                          "Ken", "Barbara", "Donald", "Edsger"};
  std::vector<std::string> last_names = {"Lovelace", "Hopper", "Turing", "Torvalds",
                                         "Thompson", "Liskov", "Knuth"};
};
inline const Pools& pools() {
  static const Pools p;
  return p;
}

/// Who the lead is, without events: contact, company, title, location,
/// source, discovery and a few custom attributes, each field missing with a
/// realistic probability.
inline Lead make_profile(Rng& rng, std::size_t index) {
  const Pools& pool = pools();
  Lead l;
  l.id = "lead-" + std::to_string(index);
  l.contact.first_name = rng.pick(pool.first_names);
  l.contact.last_name = rng.pick(pool.last_names);
  const std::string stem = rng.pick(pool.company_stems);
  const bool free_mail = rng.chance(0.2);
  l.contact.email =
      *l.contact.first_name + "@" + (free_mail ? std::string("gmail.com") : stem + ".com");
  if (rng.chance(0.5)) l.contact.phone = "+1 555 01" + std::to_string(10 + rng.below(90));
  if (rng.chance(0.8)) l.company.name = stem;
  if (rng.chance(0.7)) l.company.domain = stem + ".com";
  l.company.industry = maybe(rng, pool.industries, 0.15);
  if (rng.chance(0.85)) {
    // Log-uniform head count in [1, 50000].
    const double employees = std::floor(std::exp(rng.unit() * 10.82));
    l.company.employees = employees;
    if (rng.chance(0.6))
      l.company.annual_revenue = employees * (60'000.0 + 4'000.0 * rng.below(50));
  }
  l.job_title = maybe(rng, pool.job_titles, 0.1);
  l.seniority = maybe(rng, pool.seniorities, 0.3);
  l.department = maybe(rng, pool.departments, 0.3);
  l.location.country = maybe(rng, pool.countries, 0.1);
  l.location.city = maybe(rng, pool.cities, 0.4);
  l.origin = rng.chance(0.6) ? leadscore::Origin::inbound : leadscore::Origin::outbound;
  l.source = maybe(rng, pool.sources, 0.1);
  if (rng.chance(0.2)) {
    if (rng.chance(0.5)) {
      l.discovery.budget = leadscore::Value{50'000.0};
    } else {
      l.discovery.budget = leadscore::Value{std::string("approved")};
    }
  }
  if (rng.chance(0.15)) l.discovery.timeline = leadscore::Value{std::string("Q3")};
  if (rng.chance(0.1)) l.discovery.need = leadscore::Value{true};
  if (rng.chance(0.4)) {
    std::vector<std::string> stack;
    const std::uint32_t n = 1 + rng.below(3);
    for (std::uint32_t i = 0; i < n; ++i) stack.push_back(rng.pick(pool.tech_tools));
    l.attributes.emplace("tech_stack", std::move(stack));
  }
  if (rng.chance(0.5)) l.attributes.emplace("crm_seats", static_cast<double>(rng.below(200)));
  if (rng.chance(0.2)) l.attributes.emplace("partner", rng.chance(0.7));
  return l;
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------
inline Event make_event(std::string type, Instant at) {
  Event e;
  e.type = std::move(type);
  e.at = at;
  return e;
}

/// A page_view / email / content / product event with realistic properties.
inline Event random_event(Rng& rng, Instant at) {
  static const std::vector<std::string> urls = {"/",
                                                "/pricing",
                                                "/product",
                                                "/blog/lead-scoring-101",
                                                "/docs/getting-started",
                                                "/pricing/enterprise",
                                                "/customers"};
  static const std::vector<std::string> features = {"reports", "api", "sso", "exports",
                                                    "dashboards"};
  const std::uint32_t roll = rng.below(100);
  Event e;
  e.at = at;
  if (roll < 42) {
    e.type = "page_view";
    e.properties.emplace_back("url", rng.pick(urls));
  } else if (roll < 57) {
    e.type = "email_open";
  } else if (roll < 65) {
    e.type = "email_click";
    e.properties.emplace_back("url", rng.pick(urls));
  } else if (roll < 70) {
    e.type = "content_download";
    e.properties.emplace_back("asset", std::string("ebook-scoring"));
  } else if (roll < 74) {
    e.type = "form_submit";
  } else if (roll < 76) {
    e.type = "webinar_attended";
    e.properties.emplace_back("duration", static_cast<double>(20 + rng.below(40)));
  } else if (roll < 90) {
    e.type = "product_usage";
    e.properties.emplace_back("feature", rng.pick(features));
    e.properties.emplace_back("duration", static_cast<double>(1 + rng.below(60)));
  } else if (roll < 95) {
    e.type = "chat_message";  // a type no rule names: still counted by "any event" aggregates
  } else if (roll < 98) {
    e.type = "email_reply";
    e.properties.emplace_back("sentiment", std::string(rng.chance(0.5) ? "positive" : "neutral"));
  } else {
    e.type = "paid_feature_inquiry";
    e.properties.emplace_back("feature", rng.pick(features));
  }
  return e;
}

/// An instant `days_back` days (fractional) before as_of().
inline Instant days_before(double days_back) {
  return as_of() - std::chrono::milliseconds(static_cast<std::int64_t>(days_back * 86'400'000.0));
}

inline void sort_events(Lead& l) {
  std::stable_sort(l.events.begin(), l.events.end(),
                   [](const Event& a, const Event& b) { return a.at < b.at; });
}

/// The "busy lead" of the per-lead benchmarks: an inbound VP at a mid-size
/// software company with 50 events of mixed types over the last 60 days
/// (page views incl. pricing, email opens/clicks/replies, content, a webinar,
/// a trial with product usage, a demo request), in chronological order.
inline Lead busy_lead() {
  Rng rng(20240601);
  Lead l;
  l.id = "busy-1";
  l.contact.first_name = "Grace";
  l.contact.last_name = "Hopper";
  l.contact.email = "grace.hopper@globex.com";
  l.contact.phone = "+1 555 0100";
  l.company.name = "Globex";
  l.company.domain = "globex.com";
  l.company.industry = "Software";
  l.company.employees = 420;
  l.company.annual_revenue = 48e6;
  l.job_title = "VP of Marketing";
  l.seniority = "vp";
  l.department = "Marketing";
  l.location.country = "US";
  l.location.city = "Austin";
  l.origin = leadscore::Origin::inbound;
  l.source = "web_form";
  l.created_at = days_before(75);
  l.discovery.budget = leadscore::Value{120'000.0};
  l.attributes.emplace("plan", std::string("trial"));
  // A few milestones, then 44 ordinary events spread over 60 days.
  l.events.push_back(make_event("newsletter_signup", days_before(59.5)));
  l.events.push_back(make_event("trial_signup", days_before(20.2)));
  l.events.push_back(make_event("demo_request", days_before(6.1)));
  l.events.push_back(make_event("webinar_attended", days_before(33.0)));
  l.events.push_back(make_event("meeting_booked", days_before(2.5)));
  Event inquiry = make_event("paid_feature_inquiry", days_before(4.0));
  inquiry.properties.emplace_back("feature", std::string("sso"));
  l.events.push_back(std::move(inquiry));
  while (l.events.size() < 50)
    l.events.push_back(random_event(rng, days_before(rng.unit() * 60.0)));
  sort_events(l);
  return l;
}

/// busy_lead() with `n` events of mixed types over the last 60 days, in
/// time order when `sorted`, else shuffled.
inline Lead lead_with_events(std::size_t n, bool sorted) {
  Lead l = busy_lead();
  Rng rng(static_cast<std::uint32_t>(n));
  l.events.clear();
  for (std::size_t i = 0; i < n; ++i)
    l.events.push_back(random_event(rng, days_before(rng.unit() * 60.0)));
  sort_events(l);
  if (!sorted) {
    for (std::size_t i = l.events.size(); i > 1; --i) {
      std::swap(l.events[i - 1], l.events[rng.below(static_cast<std::uint32_t>(i))]);
    }
  }
  return l;
}

/// A batch lead: the profile plus 3..7 events over the last 90 days.
inline Lead batch_lead(Rng& rng, std::size_t index) {
  Lead l = make_profile(rng, index);
  l.created_at = days_before(30.0 + rng.unit() * 300.0);
  const std::uint32_t n = 3 + rng.below(5);
  l.events.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i)
    l.events.push_back(random_event(rng, days_before(rng.unit() * 90.0)));
  sort_events(l);
  return l;
}

/// `n` leads `make(rng, i)`, i = 0..n-1, from one generator seeded with `seed`.
template <class Make>
std::vector<Lead> generate_leads(std::uint32_t seed, std::size_t n, Make make) {
  Rng rng(seed);
  std::vector<Lead> leads;
  leads.reserve(n);
  for (std::size_t i = 0; i < n; ++i) leads.push_back(make(rng, i));
  return leads;
}

/// busy_lead(), built once per program (outside every timed loop).
inline const Lead& shared_busy_lead() {
  static const Lead lead = busy_lead();
  return lead;
}

// ---------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------
inline std::vector<std::string> strs(std::initializer_list<const char*> items) {
  return std::vector<std::string>(items.begin(), items.end());
}

/// 30 realistic B2B fit rules over lead fields only (eq, in, contains_any,
/// between, gte, exists), fit score clamped to [0, 100], default grade bands
/// A >= 75, B >= 50, C >= 25, D. No behaviour rules, no stages.
/// hand_written_fit() below computes exactly the same fit score.
inline Config fit30_config() {
  Config c;
  c.name = "fit30";
  c.scores.fit.max = 100;
  c.scores.engagement.max = 100;
  // Title (word-aware, case-insensitive)
  c.add(Rule::fit(
      "title_exec",
      field("job_title")
          .contains_any(strs({"ceo", "cto", "cfo", "coo", "chief", "founder", "president"})),
      25));
  c.add(Rule::fit("title_vp",
                  field("job_title").contains_any(strs({"vp", "vice president", "head of"})), 20));
  c.add(Rule::fit("title_director", field("job_title").contains_any(strs({"director"})), 15));
  c.add(Rule::fit("title_manager", field("job_title").contains_any(strs({"manager", "lead"})), 8));
  // Seniority and department
  c.add(Rule::fit("seniority_exec",
                  field("seniority").in(strs({"c_level", "executive", "owner", "founder"})), 10));
  c.add(
      Rule::fit("seniority_senior", field("seniority").in(strs({"vp", "director", "senior"})), 6));
  c.add(Rule::fit(
      "department_target",
      field("department").in(strs({"marketing", "sales", "revenue operations", "growth"})), 10));
  c.add(Rule::fit("department_engineering", field("department").eq("engineering"), 5));
  // Company size and revenue
  c.add(Rule::fit("size_small", field("company.employees").between(10, 49), 5));
  c.add(Rule::fit("size_mid", field("company.employees").between(50, 999), 15));
  c.add(Rule::fit("size_large", field("company.employees").between(1000, 4999), 20));
  c.add(Rule::fit("size_enterprise", field("company.employees").gte(5000), 15));
  c.add(Rule::fit("revenue_1m", field("company.annual_revenue").between(1e6, 9'999'999), 5));
  c.add(Rule::fit("revenue_10m", field("company.annual_revenue").gte(1e7), 10));
  // Industry
  c.add(Rule::fit("industry_core",
                  field("company.industry")
                      .in(strs({"software", "saas", "internet", "information technology"})),
                  15));
  c.add(Rule::fit("industry_adjacent",
                  field("company.industry")
                      .in(strs({"financial services", "consulting", "marketing",
                                "telecommunications", "e-commerce"})),
                  8));
  c.add(Rule::fit("industry_excluded",
                  field("company.industry").in(strs({"education", "government", "non-profit"})),
                  -15));
  // Geography
  c.add(Rule::fit("country_core",
                  field("location.country").in(strs({"us", "ca", "gb", "ie", "au"})), 10));
  c.add(Rule::fit(
      "country_eu",
      field("location.country").in(strs({"fr", "de", "nl", "be", "es", "it", "se", "dk"})), 6));
  c.add(Rule::fit(
      "city_hub",
      field("location.city").in(strs({"new york", "san francisco", "london", "paris", "berlin"})),
      3));
  // Data quality
  c.add(Rule::fit("company_domain_known", field("company.domain").exists(), 3));
  c.add(Rule::fit("company_name_known", field("company.name").exists(), 2));
  c.add(Rule::fit("phone_known", field("contact.phone").exists(), 4));
  // Source
  c.add(Rule::fit("source_high_intent",
                  field("source").in(strs({"referral", "web_form", "trade_show"})), 8));
  c.add(Rule::fit("source_low_intent", field("source").in(strs({"purchased_list", "cold_email"})),
                  -5));
  // Discovery
  c.add(Rule::fit("budget_known", field("discovery.budget").exists(), 10));
  c.add(Rule::fit("timeline_known", field("discovery.timeline").exists(), 5));
  // Custom attributes
  c.add(Rule::fit(
      "martech_stack",
      field("attributes.tech_stack").contains_any(strs({"hubspot", "marketo", "pardot"})), 7));
  c.add(Rule::fit("crm_seats_20", field("attributes.crm_seats").gte(20), 5));
  c.add(Rule::fit("partner_referred", field("attributes.partner").eq(leadscore::Operand{true}), 6));
  return c;
}

// ---- the hand-written equivalent -------------------------------------------
// What a developer would write for fit30_config() on a struct of their own:
// text lower-cased once when the struct is filled (outside the timed loop),
// so the rules compare bytes. It never touches a Lead.
namespace hand {

/// The lead as the hand-written function sees it. Text is ASCII lower case,
/// "" when missing (the generated leads never hold an empty text).
struct Fit30Lead {
  std::string job_title, seniority, department, industry, country, city, source;
  std::optional<double> employees, annual_revenue, crm_seats;
  std::vector<std::string> tech_stack;
  bool has_domain = false, has_company_name = false, has_phone = false;
  bool has_budget = false, has_timeline = false, partner = false;
};

constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}
inline std::string lowered(const std::optional<std::string>& s) {
  return s ? lowered(std::string_view(*s)) : std::string();
}

/// Fills the struct from a benchmark lead (make_profile()). Not timed.
inline Fit30Lead to_fit30_lead(const Lead& l) {
  Fit30Lead h;
  h.job_title = lowered(l.job_title);
  h.seniority = lowered(l.seniority);
  h.department = lowered(l.department);
  h.industry = lowered(l.company.industry);
  h.country = lowered(l.location.country);
  h.city = lowered(l.location.city);
  h.source = lowered(l.source);
  h.employees = l.company.employees;
  h.annual_revenue = l.company.annual_revenue;
  h.has_domain = l.company.domain.has_value();
  h.has_company_name = l.company.name.has_value();
  h.has_phone = l.contact.phone.has_value();
  h.has_budget = l.discovery.budget.has_value();
  h.has_timeline = l.discovery.timeline.has_value();
  // make_profile() writes tech_stack as a list, crm_seats as a number and
  // partner as a boolean.
  if (const auto it = l.attributes.find(std::string_view("tech_stack")); it != l.attributes.end()) {
    if (const auto* list = std::get_if<std::vector<std::string>>(&it->second)) {
      for (const auto& tool : *list) h.tech_stack.push_back(lowered(std::string_view(tool)));
    }
  }
  if (const auto it = l.attributes.find(std::string_view("crm_seats")); it != l.attributes.end()) {
    if (const auto* d = std::get_if<double>(&it->second)) h.crm_seats = *d;
  }
  if (const auto it = l.attributes.find(std::string_view("partner")); it != l.attributes.end()) {
    if (const auto* b = std::get_if<bool>(&it->second)) h.partner = *b;
  }
  return h;
}

constexpr bool word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
}
/// `word` occurs in `text` as a whole word (both lower case).
inline bool has_word(std::string_view text, std::string_view word) noexcept {
  for (std::size_t i = text.find(word); i != std::string_view::npos; i = text.find(word, i + 1)) {
    const bool left = i == 0 || !word_char(text[i - 1]);
    const bool right = i + word.size() == text.size() || !word_char(text[i + word.size()]);
    if (left && right) return true;
  }
  return false;
}
inline bool has_any_word(std::string_view text,
                         std::initializer_list<std::string_view> words) noexcept {
  for (std::string_view w : words) {
    if (has_word(text, w)) return true;
  }
  return false;
}
inline bool one_of(std::string_view s, std::initializer_list<std::string_view> values) noexcept {
  for (std::string_view v : values) {
    if (s == v) return true;
  }
  return false;
}
inline bool within(const std::optional<double>& x, double lo, double hi) noexcept {
  return x && *x >= lo && *x <= hi;
}
inline bool at_least(const std::optional<double>& x, double lo) noexcept { return x && *x >= lo; }

struct FitResult {
  double fit = 0;
  std::string_view grade;
};

}  // namespace hand

/// fit30_config() written by hand: same rules, same points, same clamping to
/// [0, 100] and the same grade bands.
inline hand::FitResult hand_written_fit(const hand::Fit30Lead& l) noexcept {
  using namespace hand;
  int points = 0;
  const std::string_view t = l.job_title;
  if (has_any_word(t, {"ceo", "cto", "cfo", "coo", "chief", "founder", "president"})) points += 25;
  if (has_any_word(t, {"vp", "vice president", "head of"})) points += 20;
  if (has_word(t, "director")) points += 15;
  if (has_any_word(t, {"manager", "lead"})) points += 8;
  if (one_of(l.seniority, {"c_level", "executive", "owner", "founder"})) points += 10;
  if (one_of(l.seniority, {"vp", "director", "senior"})) points += 6;
  if (one_of(l.department, {"marketing", "sales", "revenue operations", "growth"})) points += 10;
  if (l.department == "engineering") points += 5;
  if (within(l.employees, 10, 49)) points += 5;
  if (within(l.employees, 50, 999)) points += 15;
  if (within(l.employees, 1000, 4999)) points += 20;
  if (at_least(l.employees, 5000)) points += 15;
  if (within(l.annual_revenue, 1e6, 9'999'999)) points += 5;
  if (at_least(l.annual_revenue, 1e7)) points += 10;
  if (one_of(l.industry, {"software", "saas", "internet", "information technology"})) points += 15;
  if (one_of(l.industry,
             {"financial services", "consulting", "marketing", "telecommunications", "e-commerce"}))
    points += 8;
  if (one_of(l.industry, {"education", "government", "non-profit"})) points -= 15;
  if (one_of(l.country, {"us", "ca", "gb", "ie", "au"})) points += 10;
  if (one_of(l.country, {"fr", "de", "nl", "be", "es", "it", "se", "dk"})) points += 6;
  if (one_of(l.city, {"new york", "san francisco", "london", "paris", "berlin"})) points += 3;
  if (l.has_domain) points += 3;
  if (l.has_company_name) points += 2;
  if (l.has_phone) points += 4;
  if (one_of(l.source, {"referral", "web_form", "trade_show"})) points += 8;
  if (one_of(l.source, {"purchased_list", "cold_email"})) points -= 5;
  if (l.has_budget) points += 10;
  if (l.has_timeline) points += 5;
  for (const std::string& tool : l.tech_stack) {
    if (one_of(tool, {"hubspot", "marketo", "pardot"})) {
      points += 7;
      break;
    }
  }
  if (at_least(l.crm_seats, 20)) points += 5;
  if (l.partner) points += 6;
  FitResult r;
  r.fit = std::clamp(static_cast<double>(points), 0.0, 100.0);
  r.grade = r.fit >= 75 ? "A" : r.fit >= 50 ? "B" : r.fit >= 25 ? "C" : "D";
  return r;
}

/// A generated configuration of `n` rules: 60% fit, 25% behaviour, 10%
/// engagement (event aggregates), 5% knockout, plus three stages.
inline Config generated_config(std::size_t n) {
  Rng rng(1000);
  Config c;
  c.name = "generated-" + std::to_string(n);
  c.scores.fit.max = 100;
  c.scores.engagement.max = 100;
  static const std::vector<std::string> text_fields = {
      "job_title",        "seniority",     "department", "company.industry",
      "location.country", "location.city", "source"};
  static const std::vector<std::string> number_fields = {
      "company.employees", "company.annual_revenue", "attributes.crm_seats", "days_since_created"};
  std::vector<std::string> types = leadscore::standard_event_types();
  for (int i = 0; i < 40; ++i) types.push_back("custom_signal_" + std::to_string(i));
  auto id = [](const char* prefix, std::size_t i) {
    return std::string(prefix) + "_" + std::to_string(i);
  };
  auto some_values = [&](const std::vector<std::string>& pool, std::uint32_t k) {
    std::vector<std::string> out;
    for (std::uint32_t j = 0; j < k; ++j) out.push_back(rng.pick(pool));
    return out;
  };
  auto text_condition = [&]() -> Condition {
    const std::string& f = rng.pick(text_fields);
    const Pools& p = pools();
    const std::vector<std::string>& pool = f == "job_title"          ? p.job_titles
                                           : f == "seniority"        ? p.seniorities
                                           : f == "department"       ? p.departments
                                           : f == "company.industry" ? p.industries
                                           : f == "location.country" ? p.countries
                                           : f == "location.city"    ? p.cities
                                                                     : p.sources;
    switch (rng.below(4)) {
      case 0:
        return field(f).eq(leadscore::Operand{rng.pick(pool)});
      case 1:
        return field(f).in(some_values(pool, 2 + rng.below(6)));
      case 2:
        return field(f).contains_any(strs({"manager", "director", "vp", "head of", "chief"}));
      default:
        return field(f).exists();
    }
  };
  auto number_condition = [&]() -> Condition {
    const std::string& f = rng.pick(number_fields);
    const double lo = static_cast<double>(rng.below(1000));
    return rng.chance(0.5) ? field(f).gte(lo)
                           : field(f).between(lo, lo + static_cast<double>(1 + rng.below(5000)));
  };
  std::size_t aggregates = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t roll = rng.below(100);
    if (roll < 60) {
      Condition when = rng.chance(0.3) ? all({text_condition(), number_condition()})
                                       : (rng.chance(0.5) ? text_condition() : number_condition());
      c.add(Rule::fit(id("fit", i), std::move(when), static_cast<double>(1 + rng.below(20))));
    } else if (roll < 85) {
      Rule r = Rule::behavior(id("behavior", i), {rng.pick(types)},
                              static_cast<double>(1 + rng.below(10)));
      r.cap(static_cast<double>(10 + rng.below(30)));
      if (rng.chance(0.5)) r.decay(static_cast<double>(7 + rng.below(60)));
      if (rng.chance(0.3)) r.within(static_cast<double>(14 + rng.below(90)));
      if (rng.chance(0.3)) r.per_day(static_cast<int>(1 + rng.below(3)));
      if (rng.chance(0.2)) r.only_where(field("url").contains("/pricing"));
      c.add(std::move(r));
    } else if (roll < 95 && aggregates < 200) {
      ++aggregates;
      auto ev = events({rng.pick(types)});
      ev.within(static_cast<double>(7 + rng.below(60)));
      Condition when;
      switch (rng.below(3)) {
        case 0:
          when = ev.count().gte(static_cast<double>(1 + rng.below(5)));
          break;
        case 1:
          when = ev.distinct_days().gte(static_cast<double>(1 + rng.below(4)));
          break;
        default:
          when = ev.sum("duration").gte(static_cast<double>(10 + rng.below(100)));
          break;
      }
      c.add(Rule::engagement(id("engagement", i), std::move(when),
                             static_cast<double>(5 + rng.below(15))));
    } else {
      c.add(Rule::knockout(
          id("knockout", i),
          field("email_domain").in(strs({"competitor.com", "rival.io", "example.com"})),
          "competitor"));
    }
  }
  Stage sql;
  sql.name = "SQL";
  sql.when = all({events({"demo_request", "contact_sales"}).within(30).count().gte(1),
                  field("score.fit").gte(40)});
  c.add(sql);
  Stage mql;
  mql.name = "MQL";
  mql.when = all({field("score.fit").gte(25), field("score.engagement").gte(30)});
  c.add(mql);
  return c;
}

// ---------------------------------------------------------------------------
// Qualifiers, built once per program
// ---------------------------------------------------------------------------
/// Qualifier::with_default_config().
inline const Qualifier& default_qualifier() {
  static const Qualifier q = Qualifier::with_default_config();
  return q;
}

/// Builds `config`, or returns nullopt after SkipWithError (with the diagnostics).
inline std::optional<Qualifier> build_or_skip(benchmark::State& state, Config config) {
  auto result = Qualifier::build(std::move(config));
  if (!result.ok()) {
    state.SkipWithError(
        ("configuration does not build: " + leadscore::to_string(result.diagnostics())).c_str());
    return std::nullopt;
  }
  return std::move(result).value();
}

/// The Qualifier of fit30_config(), built on first use; nullptr (after
/// SkipWithError) when the configuration does not build.
inline const Qualifier* fit30_qualifier(benchmark::State& state) {
  static const std::optional<Qualifier> q = build_or_skip(state, fit30_config());
  if (!q) {
    state.SkipWithError("fit30 configuration does not build");
    return nullptr;
  }
  return &*q;
}

// ---------------------------------------------------------------------------
// Same-run ratios
// ---------------------------------------------------------------------------
/// Nanoseconds per item of the benchmarks run so far in this process, so that a benchmark can
/// report its time as a ratio to a baseline measured in the same run (counter "x_<baseline>").
/// Benchmarks run in registration order, so the baseline is registered first.
class Ratios {
 public:
  static Ratios& get() {
    static Ratios r;
    return r;
  }
  void record(const std::string& name, double ns_per_item) {
    std::lock_guard lock(mu_);
    ns_[name] = ns_per_item;
  }
  std::optional<double> find(const std::string& name) {
    std::lock_guard lock(mu_);
    const auto it = ns_.find(name);
    if (it == ns_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, double> ns_;
};

/// Measures the timing loop that follows, for Ratios: the calling thread's
/// CPU time (what the "CPU" column shows; steadier than wall time on a busy
/// machine), the whole process's CPU time, or, for benchmarks that run
/// threads of their own, wall time.
/// Construct just before `for (auto _ : state)`, call finish() just after.
class LoopClock {
 public:
  enum class Kind { thread_cpu, process_cpu, wall };
  explicit LoopClock(Kind kind = Kind::thread_cpu) : kind_(kind), start_(now()) {}
  /// Records this benchmark as `name` and, when `baseline` has been recorded,
  /// sets counter `x_<baseline>` = this time / baseline time. Returns the
  /// nanoseconds per item.
  double finish(benchmark::State& state, const std::string& name, std::int64_t items,
                const std::string& baseline = {}) {
    const double elapsed = now() - start_;
    if (items <= 0 || state.error_occurred()) return 0;
    const double ns = elapsed / static_cast<double>(items);
    Ratios::get().record(name, ns);
    if (!baseline.empty()) {
      if (const auto base = Ratios::get().find(baseline); base && *base > 0) {
        state.counters["x_" + baseline] = benchmark::Counter(ns / *base);
      }
    }
    return ns;
  }

 private:
  /// Nanoseconds on the chosen clock.
  double now() const {
#if defined(__unix__) || defined(__APPLE__)
    if (kind_ != Kind::wall) {
      timespec ts{};
      const clockid_t id =
          kind_ == Kind::thread_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
      if (clock_gettime(id, &ts) == 0) {
        return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
      }
    }
#endif
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
  }

  Kind kind_;
  double start_;
};

/// The benchmark loop: calls `fn()` once per iteration and keeps its result
/// (DoNotOptimize). Measure it with a LoopClock (time_repeated) or around it.
template <class Fn>
void repeat(benchmark::State& state, Fn&& fn) {
  for (auto _ : state) {
    auto result = fn();
    benchmark::DoNotOptimize(result);
  }
}

/// repeat(fn) measured with a LoopClock (thread CPU time): records the time per call
/// under `name`, sets x_<baseline> (LoopClock::finish) and items_per_second
/// (one item per call). Returns the nanoseconds per call.
template <class Fn>
double time_repeated(benchmark::State& state, Fn&& fn, const std::string& name,
                     const std::string& baseline = {}) {
  LoopClock clock;
  repeat(state, fn);
  const double ns = clock.finish(state, name, state.iterations(), baseline);
  state.SetItemsProcessed(state.iterations());
  return ns;
}

/// The timing loop of the per-lead benchmarks: calls `fn(items[i])` once per
/// iteration, cycling over `items` (a power-of-two count, so that the index
/// wraps with a mask), then records the time per item under `name` and sets
/// x_<baseline> (LoopClock::finish) and items_per_second. Returns the
/// nanoseconds per item.
template <class Item, class Fn>
double time_cycled(benchmark::State& state, const std::vector<Item>& items, Fn fn,
                   const std::string& name, const std::string& baseline = {}) {
  const std::size_t mask = items.size() - 1;
  if (items.empty() || (items.size() & mask) != 0) {
    state.SkipWithError("time_cycled: the number of items must be a power of two");
    return 0;
  }
  std::size_t i = 0;
  LoopClock clock;
  for (auto _ : state) {
    auto result = fn(items[i]);
    benchmark::DoNotOptimize(result);
    i = (i + 1) & mask;
  }
  const double ns = clock.finish(state, name, state.iterations(), baseline);
  state.SetItemsProcessed(state.iterations());
  return ns;
}

}  // namespace bench
