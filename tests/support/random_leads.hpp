// Seeded random leads and a rich 30-rule configuration, for property tests
// (qualify/explain agreement, thread determinism, order independence) and the
// allocation test. Deterministic: the same seed gives the same leads on every
// platform (only raw std::mt19937 output is used, no distributions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/lead.hpp"

#include "support/lead_builder.hpp"

namespace leadscore::test {

class RandomLeads {
 public:
  explicit RandomLeads(std::uint32_t seed, Instant at = as_of()) : rng_(seed), as_of_(at) {}

  /// A random lead with 0..max_events events spread over the 120 days
  /// before as_of (a few after it), in random order.
  Lead lead(std::size_t max_events = 40) {
    Lead l;
    l.id = "rnd-" + std::to_string(counter_++);
    Contact& c = l.contact;
    if (chance(85)) c.first_name = pick({"Ada", "Grace", "Linus", "", "Marie"});
    if (chance(70)) c.last_name = pick({"Lovelace", "Hopper", "Torvalds", "Curie"});
    if (chance(80)) {
      c.email = std::string(pick({"ada", "g.hopper", "linus", "x"})) + "@" +
                pick({"gmail.com", "GMAIL.com", "acme.io", "example.com", "corp.fr", "yahoo.fr",
                      "startup.dev"});
    }
    if (chance(20)) c.email = pick({"not-an-email", "trailing@", ""});
    if (chance(30)) c.phone = "+33 1 23 45 67 89";
    if (chance(15)) c.secondary_email = "other@acme.io";
    if (chance(10)) c.secondary_phone = "+1 555 0100";
    if (chance(60)) l.company.name = pick({"Acme", "Initech", "Globex", ""});
    if (chance(40)) l.company.domain = pick({"acme.io", "initech.com"});
    if (chance(60)) {
      l.company.industry =
          pick({"software", "SaaS", "consulting", "retail", "Marketing", "agriculture"});
    }
    if (chance(70))
      l.company.employees = pick_number({0, 5, 10, 30, 49, 50, 120, 800, 5000, 5001, 20000});
    if (chance(30)) l.company.annual_revenue = pick_number({0, 1e5, 2.5e6, 1e9});
    if (chance(75)) {
      l.job_title = pick({"CEO", "Chief Marketing Officer", "Marketing Manager", "Senior Engineer",
                          "Student", "Head of Growth", "VP Sales", "Director of IT", "Intern",
                          "Analyst", "", "Co-Founder", "Team Lead", "Principal Consultant"});
    }
    if (chance(30)) l.seniority = pick({"c_level", "VP", "manager", "individual", "director"});
    if (chance(30)) l.department = pick({"marketing", "sales", "engineering"});
    if (chance(50)) l.location.country = pick({"FR", "US", "de", "GB"});
    if (chance(20)) l.location.region = "Ile-de-France";
    if (chance(30)) l.location.city = pick({"Paris", "Lyon", "Boston"});
    l.origin = static_cast<Origin>(below(3));
    if (chance(70)) {
      l.source = pick({"web_form", "newsletter", "paid_ads", "purchased_list", "cold_email",
                       "referral", "trade_show"});
    }
    if (chance(70)) l.created_at = days_ago(static_cast<double>(below(200 * 24)) / 24.0, as_of_);
    if (chance(10)) l.consent.do_not_email = chance(50);
    if (chance(10)) l.consent.do_not_call = chance(50);
    if (chance(20)) l.discovery.budget = Value(std::string("50k"));
    if (chance(10)) l.discovery.budget = Value(50000.0);
    if (chance(15)) l.discovery.timeline = Value(std::string("Q3"));
    if (chance(15)) l.discovery.need = Value(true);
    if (chance(10)) l.discovery.authority = Value(std::string("yes"));
    if (chance(5)) l.attributes["competitor"] = Value(chance(50));
    if (chance(30))
      l.attributes["plan"] = Value(std::string(pick({"trial", "free", "pro", "Trial"})));
    if (chance(30)) l.attributes["lead_score"] = Value(pick_number({0, 10, 55, 99}));
    if (chance(20))
      l.attributes["tags"] = Value(std::vector<std::string>{pick({"vip", "emea"}), "partner"});
    const std::size_t n = max_events == 0 ? 0 : below(static_cast<std::uint32_t>(max_events + 1));
    Instant previous = days_ago(60, as_of_);
    for (std::size_t i = 0; i < n; ++i) {
      Event e;
      e.type =
          pick({"page_view",         "page_view",        "page_view",     "form_submit",
                "email_open",        "email_click",      "email_reply",   "content_download",
                "newsletter_signup", "webinar_attended", "demo_request",  "contact_sales",
                "trial_signup",      "product_usage",    "product_usage", "paid_feature_inquiry",
                "meeting_booked",    "unsubscribe",      "email_bounce",  "custom_event"});
      // Some events share a timestamp with the previous one (ties), a few
      // are later than as_of.
      if (i > 0 && chance(10)) {
        e.at = previous;
      } else {
        const double age_hours = static_cast<double>(below(125 * 24)) - 5 * 24;
        e.at = days_ago(age_hours / 24.0, as_of_) + std::chrono::milliseconds(below(1000));
      }
      previous = e.at;
      if (e.type == "page_view") {
        e.properties.emplace_back(
            "url",
            PropertyValue(std::string(pick({"/pricing", "/blog/a", "/docs/x", "/PRICING/plans"}))));
      }
      if (e.type == "email_reply") {
        e.properties.emplace_back(
            "sentiment", PropertyValue(std::string(pick({"positive", "Positive", "negative"}))));
      }
      if (e.type == "product_usage") {
        e.properties.emplace_back("duration", PropertyValue(pick_number({1, 12.5, 30, 60})));
        if (chance(50))
          e.properties.emplace_back("feature", PropertyValue(std::string(pick({"export", "sso"}))));
      }
      l.events.push_back(std::move(e));
    }
    return l;
  }

  std::vector<Lead> leads(std::size_t count, std::size_t max_events = 40) {
    std::vector<Lead> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) out.push_back(lead(max_events));
    return out;
  }

  /// A uniformly random value below n (n > 0).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(rng_() % n); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
  std::mt19937& engine() { return rng_; }

 private:
  const char* pick(std::initializer_list<const char*> items) {
    return *(items.begin() + below(static_cast<std::uint32_t>(items.size())));
  }
  double pick_number(std::initializer_list<double> items) {
    return *(items.begin() + below(static_cast<std::uint32_t>(items.size())));
  }

  std::mt19937 rng_;
  Instant as_of_;
  std::size_t counter_ = 0;
};

/// A custom 30-rule configuration using every rule kind, operator family,
/// aggregate measure and time treatment, with stages over scores, grades,
/// facts and events (including origin-specific thresholds).
inline Config rich_config() {
  using cond::all;
  using cond::any;
  using cond::events;
  using cond::field;
  using cond::negate;
  Config c;
  c.name = "rich";
  c.scores.fit.max = 120;
  c.scores.engagement.min = -30;
  c.scores.engagement.max = 150;
  c.scores.weights = {0.75, 1.25};
  c.grades.fit = {{"A", 80}, {"B", 55}, {"C", 30}};
  c.grades.engagement = {{"1", 90}, {"2", 60}, {"3", 20}, {"4", -30}};
  c.options.enrichment.fields = {"company.name", "company.industry", "job_title",
                                 "location.country", "attributes.plan"};
  c.options.enrichment.min_fields = 2;

  // 10 fit rules
  c.add(Rule::fit("f_title",
                  field("job_title").contains_any({"ceo", "chief", "head of", "vp", "founder"}),
                  25));
  c.add(Rule::fit(
      "f_manager",
      all({field("job_title").contains("manager"), negate(field("job_title").contains("senior"))}),
      8));
  c.add(Rule::fit("f_size", field("company.employees").between(50, 5000), 20));
  c.add(Rule::fit("f_tiny", field("company.employees").lt(10), -5));
  c.add(Rule::fit(
      "f_industry",
      field("company.industry").in(std::vector<std::string>{"software", "saas", "marketing"}), 15));
  c.add(
      Rule::fit("f_country", field("location.country").not_in(std::vector<std::string>{"de"}), 3));
  c.add(Rule::fit("f_business_mail", field("free_email").eq(false), 10));
  c.add(Rule::fit("f_enriched",
                  any({field("enrichment").eq("enriched"), field("completeness").gte(0.8)}), 7.5));
  c.add(Rule::fit("f_budget",
                  all({field("discovery.budget").exists(), field("discovery.timeline").exists()}),
                  12));
  Condition plan = field("attributes.plan").eq("Trial");
  plan.case_sensitive = true;
  c.add(Rule::fit("f_plan_exact", plan, 0.25));

  // 10 behaviour rules
  c.add(Rule::behavior("b_views", {"page_view"}, 1).cap(12).per_day(3).decay(21));
  c.add(Rule::behavior("b_pricing", {"page_view"}, 4)
            .only_where(field("url").starts_with("/pricing"))
            .per_day(1)
            .within(30));
  c.add(Rule::behavior("b_any", {}, 0.5).within(7).cap(5));
  c.add(Rule::behavior("b_opens", {"email_open"}, 1).per_day(1).within(30));
  c.add(Rule::behavior("b_unsub", {"unsubscribe"}, -15).cap(20));
  c.add(Rule::behavior("b_long_usage", {"product_usage"}, 3)
            .only_where(field("duration").gte(30))
            .per_day(2)
            .within(45)
            .decay(10));
  c.add(Rule::behavior("b_hot", {"demo_request", "contact_sales", "meeting_booked"}, 20)
            .cap(40)
            .within(60));
  c.add(Rule::behavior("b_content", {"content_download", "webinar_attended"}, 6).decay(45).cap(18));
  c.add(Rule::behavior("b_reply", {"email_reply"}, 15)
            .only_where(field("sentiment").eq("positive"))
            .within(30));
  c.add(Rule::behavior("b_custom", {"custom_event"}, 2.125).per_day(2));

  // 6 engagement rules
  c.add(Rule::engagement("e_active", events().within(14).distinct_days().gte(3), 10));
  c.add(Rule::engagement("e_trial", events({"product_usage"}).within(14).count().gte(5), 10));
  c.add(Rule::engagement("e_inactive", events().days_since_last().gte(30), -20));
  c.add(Rule::engagement("e_usage_time",
                         events({"product_usage"}).within(30).sum("duration").gte(90), 8));
  c.add(Rule::engagement(
      "e_docs", events({"page_view"}).where(field("url").contains("docs")).count().between(2, 6),
      4));
  c.add(Rule::engagement("e_many", field("event_count.page_view").gte(5), 3));

  // 4 knockouts
  c.add(Rule::knockout("k_competitor", field("attributes.competitor").eq(true), "competitor"));
  c.add(Rule::knockout("k_student", field("job_title").contains_any({"student", "intern"}),
                       "student"));
  c.add(Rule::knockout("k_bounce", events({"email_bounce"}).count().gte(1), "bounced_email"));
  c.add(
      Rule::knockout("k_test", field("email_domain").ends_with("example.com"), "invalid_contact"));

  Stage pql;
  pql.name = "PQL";
  pql.when = all({events({"trial_signup"}).count().gte(1),
                  events({"paid_feature_inquiry"}).within(30).count().gte(1)});
  c.add(pql);
  Stage sql;
  sql.name = "SQL";
  sql.when = any({all({events({"demo_request", "contact_sales"}).within(30).count().gte(1),
                       field("score.fit").gte(40)}),
                  field("grade").in(std::vector<std::string>{"A1", "A2", "B1"})});
  sql.by_origin.emplace_back(Origin::outbound,
                             all({field("grade.fit").eq("A"), field("score.engagement").gte(60)}));
  c.add(sql);
  Stage mql;
  mql.name = "MQL";
  mql.when = all({field("score.total").gte(50), field("days_since_last_activity").lt(45)});
  mql.by_origin.emplace_back(
      Origin::outbound, all({field("score.total").gte(80), field("enrichment").ne("incomplete")}));
  c.add(mql);
  Stage nurture;
  nurture.name = "nurture";
  nurture.when = any({field("score.engagement").gt(0), field("event_count").gte(1)});
  c.add(nurture);
  c.options.fallback_stage = "new";
  return c;
}

}  // namespace leadscore::test
