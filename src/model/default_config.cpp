// The built-in B2B configuration (documented in docs/configuration.md).
#include "leadscore/config.hpp"

namespace leadscore {

using cond::all;
using cond::any;
using cond::events;
using cond::field;

const std::vector<std::string>& default_free_email_domains() {
  static const std::vector<std::string> domains = {
      "gmail.com",  "googlemail.com", "yahoo.com",   "yahoo.fr",      "yahoo.co.uk",
      "ymail.com",  "hotmail.com",    "hotmail.fr",  "hotmail.co.uk", "outlook.com",
      "outlook.fr", "live.com",       "live.fr",     "msn.com",       "aol.com",
      "icloud.com", "me.com",         "mac.com",     "proton.me",     "protonmail.com",
      "gmx.com",    "gmx.de",         "gmx.fr",      "web.de",        "mail.com",
      "yandex.com", "yandex.ru",      "mail.ru",     "orange.fr",     "wanadoo.fr",
      "free.fr",    "sfr.fr",         "laposte.net", "libero.it",     "qq.com",
      "163.com",    "126.com",        "zoho.com",    "tutanota.com",  "fastmail.com",
      "hey.com",    "t-online.de"};
  return domains;
}

const std::vector<std::string>& standard_event_types() {
  static const std::vector<std::string> types = {"page_view",
                                                 "form_submit",
                                                 "email_open",
                                                 "email_click",
                                                 "email_reply",
                                                 "content_download",
                                                 "newsletter_signup",
                                                 "webinar_attended",
                                                 "demo_request",
                                                 "contact_sales",
                                                 "trial_signup",
                                                 "product_usage",
                                                 "paid_feature_inquiry",
                                                 "meeting_booked",
                                                 "unsubscribe",
                                                 "email_bounce"};
  return types;
}

namespace {

void add_fit_rules(Config& c) {
  // ---- fit (demographic) -------------------------------------------------
  c.add(Rule::fit("decision_maker",
                  any({field("job_title")
                           .contains_any({"ceo", "cto", "cfo", "coo", "cmo", "chief", "founder",
                                          "co-founder", "owner", "president", "vp",
                                          "vice president", "head of", "director"}),
                       field("seniority")
                           .in(std::vector<std::string>{"c_level", "executive", "vp", "director",
                                                        "owner", "founder"})}),
                  25)
            .describe("Decision-maker title or seniority"));
  c.add(Rule::fit("manager",
                  all({field("job_title").contains_any({"manager", "lead", "principal", "senior"}),
                       cond::negate(field("job_title")
                                        .contains_any({"ceo", "chief", "founder", "vp",
                                                       "vice president", "head of", "director"}))}),
                  10)
            .describe("Manager-level title (influencer)"));
  c.add(Rule::fit("company_small", field("company.employees").between(10, 49), 10)
            .describe("10-49 employees"));
  c.add(Rule::fit("company_mid", field("company.employees").between(50, 5000), 20)
            .describe("50-5000 employees: the core market"));
  c.add(Rule::fit("company_enterprise", field("company.employees").gt(5000), 15)
            .describe("More than 5000 employees"));
  c.add(Rule::fit("target_industry",
                  field("company.industry")
                      .in(std::vector<std::string>{
                          "software", "saas", "technology", "internet", "information technology",
                          "it services", "marketing", "advertising", "consulting",
                          "financial services", "e-commerce", "telecommunications"}),
                  15)
            .describe("Industry in the ideal customer profile"));
  c.add(Rule::fit("business_email", field("free_email").eq(false), 10)
            .describe("Email at a company domain, not a free-mail provider"));
  c.add(Rule::fit("enriched_profile", field("enrichment").eq("enriched"), 10)
            .describe("Enriched lead: secondary contacts, company, location, title..."));
  c.add(Rule::fit("budget_known", field("discovery.budget").exists(), 10)
            .describe("Discovery established a budget"));
  c.add(Rule::fit("timeline_known", field("discovery.timeline").exists(), 5)
            .describe("Discovery established a timeline"));
  c.add(Rule::fit("need_known", field("discovery.need").exists(), 5)
            .describe("Discovery established a need"));
  c.add(Rule::fit("unknown_company",
                  all({field("company.name").missing(), field("company.domain").missing()}), -10)
            .describe("Nothing known of the company"));
}

void add_behavior_rules(Config& c) {
  // ---- behaviour (points per event, decaying) -----------------------------
  c.add(Rule::behavior("page_views", {"page_view"}, 1)
            .cap(10)
            .per_day(5)
            .decay(30)
            .describe("Site visits"));
  c.add(Rule::behavior("pricing_page", {"page_view"}, 5)
            .only_where(field("url").contains("/pricing"))
            .cap(20)
            .per_day(2)
            .decay(14)
            .describe("Visits of the pricing page (intent)"));
  c.add(Rule::behavior("form_submits", {"form_submit"}, 5)
            .cap(15)
            .decay(30)
            .describe("Forms submitted"));
  c.add(Rule::behavior("content_downloads", {"content_download"}, 8)
            .cap(24)
            .decay(45)
            .describe("Lead magnets downloaded"));
  c.add(Rule::behavior("newsletter", {"newsletter_signup"}, 10)
            .cap(10)
            .decay(90)
            .describe("Newsletter subscription"));
  c.add(Rule::behavior("webinars", {"webinar_attended"}, 12)
            .cap(24)
            .decay(60)
            .describe("Webinars attended"));
  c.add(Rule::behavior("email_opens", {"email_open"}, 1)
            .cap(5)
            .per_day(1)
            .within(30)
            .describe("Email opens (weak signal)"));
  c.add(Rule::behavior("email_clicks", {"email_click"}, 3)
            .cap(15)
            .decay(30)
            .describe("Email clicks"));
  c.add(Rule::behavior("positive_reply", {"email_reply"}, 25)
            .only_where(field("sentiment").eq("positive"))
            .cap(25)
            .within(60)
            .describe("Positive reply to an offer"));
  c.add(Rule::behavior("demo_request", {"demo_request"}, 30)
            .cap(30)
            .within(90)
            .describe("Demo requested"));
  c.add(Rule::behavior("contact_sales", {"contact_sales"}, 25)
            .cap(25)
            .within(90)
            .describe("Asked to be contacted by sales"));
  c.add(Rule::behavior("meeting_booked", {"meeting_booked"}, 20)
            .cap(20)
            .within(60)
            .describe("Meeting booked"));
  c.add(
      Rule::behavior("trial_signup", {"trial_signup"}, 15).cap(15).describe("Free trial started"));
  c.add(Rule::behavior("product_usage", {"product_usage"}, 2)
            .cap(20)
            .per_day(3)
            .within(30)
            .describe("Active use of the product"));
  c.add(Rule::behavior("paid_feature_interest", {"paid_feature_inquiry"}, 20)
            .cap(20)
            .within(60)
            .describe("Asked about a paid-plan feature"));
  c.add(Rule::behavior("unsubscribed", {"unsubscribe"}, -20).cap(20).describe("Unsubscribed"));
}

void add_engagement_rules(Config& c) {
  // ---- engagement (aggregates) -------------------------------------------
  c.add(Rule::engagement("active_days", events().within(14).distinct_days().gte(3), 10)
            .describe("Active on 3+ distinct days in the last 14"));
  c.add(Rule::engagement("trial_active", events({"product_usage"}).within(14).count().gte(5), 10)
            .describe("5+ product sessions in the last 14 days"));
  c.add(Rule::engagement("inactive_30d", field("days_since_last_activity").gte(30), -20)
            .describe("No activity for 30 days or more"));
}

void add_knockouts(Config& c) {
  // ---- knockouts -----------------------------------------------------------
  c.add(Rule::knockout("competitor", field("attributes.competitor").eq(true), "competitor")
            .describe("Flagged as working for a competitor (set attributes.competitor, or replace "
                      "this rule "
                      "with your competitors' domains)"));
  c.add(Rule::knockout("student",
                       field("job_title")
                           .contains_any({"student", "intern", "internship", "stagiaire",
                                          "etudiant", "étudiant", "alternant"}),
                       "student")
            .describe("Students and interns do not buy"));
  c.add(Rule::knockout("bounced_email", events({"email_bounce"}).count().gte(1), "bounced_email")
            .describe("Email address bounced"));
  c.add(Rule::knockout(
            "do_not_contact",
            all({field("consent.do_not_email").eq(true), field("consent.do_not_call").eq(true)}),
            "do_not_contact")
            .describe("Opted out of both email and calls"));
  c.add(Rule::knockout("test_address",
                       field("email_domain")
                           .in(std::vector<std::string>{"example.com", "example.org", "test.com",
                                                        "mailinator.com"}),
                       "invalid_contact")
            .describe("Test or disposable email address"));
}

void add_stages(Config& c) {
  // ---- stages (best first) ---------------------------------------------------
  Stage pql;
  pql.name = "PQL";
  pql.description = "Product-qualified: uses the free trial and asks about paid features";
  pql.when = all({any({events({"trial_signup"}).count().gte(1),
                       field("attributes.plan").in(std::vector<std::string>{"trial", "free"})}),
                  events({"paid_feature_inquiry"}).within(30).count().gte(1),
                  events({"product_usage"}).within(30).count().gte(3)});
  c.add(pql);

  Stage sql;
  sql.name = "SQL";
  sql.description =
      "Sales-qualified: asked for sales, or discovery established budget, timeline and fit";
  const Condition asked_sales =
      all({events({"demo_request", "contact_sales", "meeting_booked"}).within(30).count().gte(1),
           field("score.fit").gte(40)});
  const Condition positive_reply = all(
      {events({"email_reply"}).where(field("sentiment").eq("positive")).within(30).count().gte(1),
       field("score.fit").gte(30)});
  const Condition discovery =
      all({field("discovery.budget").exists(), field("discovery.timeline").exists(),
           field("score.fit").gte(60)});
  sql.when = any({asked_sales, positive_reply, discovery});
  sql.by_origin.emplace_back(
      Origin::outbound,
      any({all({events({"meeting_booked"}).within(30).count().gte(1), field("score.fit").gte(50)}),
           positive_reply, discovery}));
  c.add(sql);

  Stage mql;
  mql.name = "MQL";
  mql.description =
      "Marketing-qualified: fits and engages (newsletter, lead magnet, webinar, forms)";
  mql.when =
      all({field("score.fit").gte(25),
           any({field("score.engagement").gte(30),
                events({"newsletter_signup", "content_download", "webinar_attended", "form_submit"})
                    .within(90)
                    .count()
                    .gte(1)})});
  mql.by_origin.emplace_back(Origin::outbound,
                             all({field("score.fit").gte(40), field("score.engagement").gte(20)}));
  c.add(mql);
}

void set_lifecycle(Config& c) {
  // ---- lifecycle (LeadState) -------------------------------------------------
  // Stages may go down, but only after their condition has failed for a week
  // (no flapping on a single quiet day); an SQL that sales has not accepted
  // within 14 days goes back to MQL and stays there for 30 days unless
  // something new happens after that.
  c.lifecycle.regression = Regression::hysteresis;
  c.lifecycle.demote_after_days = 7;
  c.lifecycle.demote_margin = 5;
  RecycleRule aging;
  aging.id = "sql_aging";
  aging.stage = "SQL";
  aging.after_days = 14;
  aging.unless = {"accepted", "won"};
  aging.to = "MQL";
  aging.reason = "sql_aging";
  aging.hold_days = 30;
  c.lifecycle.recycle.push_back(std::move(aging));
  c.lifecycle.feedback.rejected_stage = "MQL";
}

}  // namespace

Config default_config() {
  Config c;
  c.name = "leadscore-default-b2b";
  c.description =
      "Built-in B2B configuration: fit from title, company size, industry, business email and "
      "enrichment; engagement from decaying web, email, content and product activity; stages "
      "PQL, SQL, MQL with stricter thresholds for outbound leads.";
  c.scores.fit.max = 100;
  c.scores.engagement.max = 100;

  add_fit_rules(c);
  add_behavior_rules(c);
  add_engagement_rules(c);
  add_knockouts(c);
  add_stages(c);
  set_lifecycle(c);
  return c;
}

}  // namespace leadscore
