// Tests of the lead JSON format (docs/lead-format.md): lead_from_json,
// to_json(Lead), parse_lead, to_json_text; and of the result records
// to_json(Qualification) / to_json(Explanation).
#include <chrono>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "support/lead_builder.hpp"

namespace leadscore {
namespace {

using nlohmann::json;

Instant instant(std::string_view text) {
  const auto t = parse_instant(text);
  if (!t) throw std::runtime_error("bad test instant");
  return *t;
}

/// A lead with every field set.
Lead full_lead() {
  return test::LeadBuilder("L-1001")
      .name("Ada", "Lovelace")
      .email("ada@acme.io")
      .secondary_email("ada.lovelace@example.org")
      .phone("+33 1 23 45 67 89")
      .secondary_phone("+44 20 7946 0000")
      .company("Acme")
      .domain("acme.io")
      .industry("software")
      .employees(250)
      .revenue(12'000'000.5)
      .title("VP Marketing")
      .seniority("vp")
      .department("marketing")
      .country("FR")
      .region("IDF")
      .city("Paris")
      .inbound()
      .source(std::string(source::web_form))
      .created(instant("2026-10-01T09:30:00Z"))
      .do_not_email(false)
      .do_not_call(true)
      .budget(Value{50'000.0})
      .authority(Value{true})
      .need(Value{std::string("replace spreadsheets")})
      .timeline(Value{std::vector<std::string>{"Q1", "Q2"}})
      .attr("plan", "free")
      .attr("seats", 5.0)
      .attr("ratio", 0.25)
      .attr("beta", true)
      .attr("interests", std::vector<std::string>{"crm", "ai"})
      .attr("none", std::vector<std::string>{})
      // Property names in name order: JSON objects do not keep their order.
      .event(test::ev("page_view", instant("2026-11-20T10:00:00.125Z"))
                 .id("evt-1")
                 .prop("duration", 35.0)
                 .prop("ratio", 0.5)
                 .prop("url", "/pricing"))
      .event("demo_request", instant("2026-11-21T08:00:00Z"))
      .build();
}

/// The diagnostic with `code` at `pointer`, or nullptr.
const Diagnostic* find(const std::vector<Diagnostic>& diagnostics, std::string_view code,
                       std::string_view pointer) {
  for (const Diagnostic& d : diagnostics) {
    if (d.code == code && d.pointer == pointer) return &d;
  }
  return nullptr;
}

std::string dump(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += d.code + " at '" + d.pointer + "': " + d.message;
    if (!d.suggestion.empty()) out += " (suggestion " + d.suggestion + ")";
    out += " [" + std::to_string(d.line) + ":" + std::to_string(d.column) + "]\n";
  }
  return out;
}

/// Expects lead_from_json(j) to fail with exactly one error.
Diagnostic single_error(const json& j, const Limits& limits = {}) {
  const Result<Lead> r = lead_from_json(j, limits);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics().size(), 1u) << dump(r.diagnostics());
  if (r.diagnostics().empty()) return {};
  return r.diagnostics().front();
}

#define EXPECT_DIAG(diag, code_, pointer_, text_)                       \
  do {                                                                  \
    const Diagnostic& d_ = (diag);                                      \
    EXPECT_EQ(d_.code, code_);                                          \
    EXPECT_EQ(d_.pointer, pointer_);                                    \
    EXPECT_NE(d_.message.find(text_), std::string::npos) << d_.message; \
    EXPECT_TRUE(d_.is_error());                                         \
  } while (false)

// ---------------------------------------------------------------------------
// Reading and writing
// ---------------------------------------------------------------------------

TEST(LeadJson, FullLeadRoundTrips) {
  const Lead lead = full_lead();
  const json j = to_json(lead);
  const Result<Lead> back = lead_from_json(j);
  ASSERT_TRUE(back.ok()) << dump(back.diagnostics());
  EXPECT_EQ(back.value(), lead);

  const std::string text = to_json_text(lead);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const Result<Lead> parsed = parse_lead(text);
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics());
  EXPECT_EQ(parsed.value(), lead);
  EXPECT_EQ(to_json_text(parsed.value()), text);
}

TEST(LeadJson, WritesTheDocumentedShape) {
  const json j = to_json(full_lead());
  EXPECT_EQ(j["id"], "L-1001");
  EXPECT_EQ(j["contact"]["email"], "ada@acme.io");
  EXPECT_EQ(j["origin"], "inbound");
  EXPECT_EQ(j["source"], "web_form");
  EXPECT_EQ(j["created_at"], "2026-10-01T09:30:00Z");
  EXPECT_EQ(j["events"][0]["at"], "2026-11-20T10:00:00.125Z");
  EXPECT_EQ(j["events"][0]["id"], "evt-1");
  EXPECT_FALSE(j["events"][1].contains("id"));
  EXPECT_FALSE(j["events"][1].contains("properties"));
  EXPECT_EQ(j["consent"]["do_not_email"], false);
  EXPECT_EQ(j["discovery"]["timeline"], json::array({"Q1", "Q2"}));
  // Integral numbers are integers; the others stay doubles.
  EXPECT_TRUE(j["company"]["employees"].is_number_integer());
  EXPECT_TRUE(j["attributes"]["seats"].is_number_integer());
  EXPECT_TRUE(j["events"][0]["properties"]["duration"].is_number_integer());
  EXPECT_TRUE(j["company"]["annual_revenue"].is_number_float());
  EXPECT_TRUE(j["events"][0]["properties"]["ratio"].is_number_float());
  const std::string text = j.dump();
  EXPECT_NE(text.find("\"employees\":250,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"budget\":50000,"), std::string::npos) << text;
}

TEST(LeadJson, MinimalLeadWritesOnlyTheId) {
  Lead lead;
  lead.id = "x";
  EXPECT_EQ(to_json_text(lead), R"({"id":"x"})");
  const Result<Lead> back = parse_lead(R"({"id":"x"})");
  ASSERT_TRUE(back.ok()) << dump(back.diagnostics());
  EXPECT_EQ(back.value(), lead);
}

TEST(LeadJson, ParsesTheDocumentedExample) {
  const std::string_view text = R"({
    "id": "L-1001",
    "contact": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@acme.io",
                "phone": "+33 1 23 45 67 89"},
    "company": {"name": "Acme", "domain": "acme.io", "industry": "software",
                "employees": 250, "annual_revenue": 12000000},
    "job_title": "VP Marketing", "seniority": "vp", "department": "marketing",
    "location": {"country": "FR", "region": "IDF", "city": "Paris"},
    "origin": "Inbound",
    "source": "web_form",
    "created_at": "2026-10-01 11:30+02:00",
    "consent": {"do_not_email": false, "do_not_call": true},
    "discovery": {"budget": 50000, "authority": true, "need": "replace spreadsheets",
                  "timeline": "Q1"},
    "attributes": {"plan": "free", "seats": 5, "beta": true, "interests": ["crm", "ai"]},
    "events": [
      {"type": "page_view", "at": "2026-11-20T10:00:00Z", "id": "evt-1",
       "properties": {"url": "/pricing", "duration": 35}},
      {"type": "demo_request", "at": "2026-11-21T08:00:00Z"}
    ]
  })";
  const Result<Lead> r = parse_lead(text);
  ASSERT_TRUE(r.ok()) << dump(r.diagnostics());
  const Lead& lead = r.value();
  EXPECT_EQ(lead.id, "L-1001");
  EXPECT_EQ(lead.contact.email, "ada@acme.io");
  EXPECT_EQ(lead.contact.secondary_email, std::nullopt);
  EXPECT_EQ(lead.company.employees, 250.0);
  EXPECT_EQ(lead.company.annual_revenue, 12'000'000.0);
  EXPECT_EQ(lead.origin, Origin::inbound);
  EXPECT_EQ(lead.created_at, instant("2026-10-01T09:30:00Z"));
  EXPECT_EQ(lead.consent.do_not_email, false);
  EXPECT_EQ(lead.consent.do_not_call, true);
  EXPECT_EQ(lead.discovery.budget, Value{50'000.0});
  EXPECT_EQ(lead.discovery.authority, Value{true});
  EXPECT_EQ(lead.discovery.timeline, Value{std::string("Q1")});
  EXPECT_EQ(lead.attributes.at("interests"), (Value{std::vector<std::string>{"crm", "ai"}}));
  EXPECT_EQ(lead.attributes.at("seats"), Value{5.0});
  ASSERT_EQ(lead.events.size(), 2u);
  EXPECT_EQ(lead.events[0].type, "page_view");
  EXPECT_EQ(lead.events[0].id, "evt-1");
  ASSERT_NE(lead.events[0].property("url"), nullptr);
  EXPECT_EQ(*lead.events[0].property("url"), PropertyValue{std::string("/pricing")});
  EXPECT_EQ(*lead.events[0].property("duration"), PropertyValue{35.0});
  EXPECT_EQ(lead.events[1].id, "");
  EXPECT_TRUE(lead.events[1].properties.empty());
}

#ifdef LEADSCORE_SOURCE_DIR
TEST(LeadJson, TheExampleInTheDocumentationParses) {
  std::ifstream in(std::string(LEADSCORE_SOURCE_DIR) + "/docs/lead-format.md");
  ASSERT_TRUE(in) << "docs/lead-format.md not found";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string doc = buffer.str();
  const std::size_t open = doc.find("```json\n");
  ASSERT_NE(open, std::string::npos);
  const std::size_t start = open + 8;
  const std::size_t close = doc.find("```", start);
  ASSERT_NE(close, std::string::npos);
  const Result<Lead> r = parse_lead(std::string_view(doc).substr(start, close - start));
  ASSERT_TRUE(r.ok()) << dump(r.diagnostics());
  EXPECT_EQ(r->id, "L-1001");
  EXPECT_EQ(r->origin, Origin::inbound);
  EXPECT_EQ(r->events.size(), 2u);
  // Every top-level key of the format appears in the example.
  const json j = to_json(r.value());
  for (const char* key :
       {"id", "contact", "company", "job_title", "seniority", "department", "location", "origin",
        "source", "created_at", "consent", "discovery", "attributes", "events"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}
#endif

TEST(LeadJson, MissingEmptyAndZeroAreDistinct) {
  const Result<Lead> missing = parse_lead(R"({"id": "a"})");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->job_title, std::nullopt);
  EXPECT_EQ(missing->company.employees, std::nullopt);
  EXPECT_EQ(missing->contact.email, std::nullopt);
  EXPECT_EQ(missing->discovery.budget, std::nullopt);
  EXPECT_EQ(missing->consent.do_not_call, std::nullopt);
  EXPECT_EQ(missing->origin, Origin::unknown);

  const Result<Lead> empty = parse_lead(
      R"({"id": "", "job_title": "", "contact": {"email": ""}, "company": {"employees": 0},
          "discovery": {"budget": 0, "need": "", "timeline": []},
          "consent": {"do_not_call": false}, "attributes": {"plan": ""}})");
  ASSERT_TRUE(empty.ok()) << dump(empty.diagnostics());
  EXPECT_EQ(empty->id, "");
  EXPECT_EQ(empty->job_title, std::optional<std::string>(""));
  EXPECT_EQ(empty->contact.email, std::optional<std::string>(""));
  EXPECT_EQ(empty->company.employees, std::optional<double>(0.0));
  EXPECT_EQ(empty->discovery.budget, std::optional<Value>(0.0));
  EXPECT_EQ(empty->discovery.need, std::optional<Value>(std::string()));
  EXPECT_EQ(empty->discovery.timeline, std::optional<Value>(std::vector<std::string>{}));
  EXPECT_EQ(empty->consent.do_not_call, std::optional<bool>(false));
  EXPECT_EQ(empty->attributes.at("plan"), Value{std::string()});
  EXPECT_NE(empty.value(), missing.value());

  // Written back, empty and zero stay present.
  const Result<Lead> again = parse_lead(to_json_text(empty.value()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), empty.value());
  const json j = to_json(empty.value());
  EXPECT_EQ(j["job_title"], "");
  EXPECT_EQ(j["company"]["employees"], 0);
}

TEST(LeadJson, NullIsTreatedAsAbsent) {
  const Result<Lead> r = parse_lead(
      R"({"id": "a", "job_title": null, "contact": null, "company": {"name": null},
          "origin": null, "created_at": null, "consent": {"do_not_email": null},
          "discovery": {"budget": null}, "attributes": {"plan": null, "seats": 3},
          "events": [{"type": "page_view", "at": "2026-01-01", "id": null,
                      "properties": {"url": null, "n": 1}}]})");
  ASSERT_TRUE(r.ok()) << dump(r.diagnostics());
  Lead expected;
  expected.id = "a";
  expected.attributes["seats"] = 3.0;
  Event e;
  e.type = "page_view";
  e.at = instant("2026-01-01");
  e.properties = {{"n", 1.0}};
  expected.events = {e};
  EXPECT_EQ(r.value(), expected);

  EXPECT_TRUE(parse_lead(R"({"id": "a", "events": null, "attributes": null})").ok());
}

TEST(LeadJson, EventPropertiesComeBackInNameOrderAndTheFirstDuplicateWins) {
  Lead lead;
  lead.id = "a";
  Event e;
  e.type = "page_view";
  e.properties = {{"url", std::string("/b")}, {"duration", 5.0}, {"url", std::string("/c")}};
  lead.events = {e};
  const json j = to_json(lead);
  EXPECT_EQ(j["events"][0]["properties"], (json{{"duration", 5}, {"url", "/b"}}));
  const Result<Lead> back = lead_from_json(j);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->events.size(), 1u);
  EXPECT_EQ(back->events[0].properties, (std::vector<std::pair<std::string, PropertyValue>>{
                                            {"duration", 5.0}, {"url", std::string("/b")}}));
}

TEST(LeadJson, NumbersRoundTripExactly) {
  Lead lead;
  lead.id = "n";
  for (const double v :
       {0.0, -0.0, 1.0, -1.0, 0.1, 1e-300, 1e300, 123456789012345678.0, 9007199254740993.0,
        -9223372036854775808.0, 9223372036854775808.0, std::numeric_limits<double>::denorm_min(),
        std::numeric_limits<double>::max()}) {
    lead.company.employees = v;
    lead.attributes["v"] = v;
    const Result<Lead> back = parse_lead(to_json_text(lead));
    ASSERT_TRUE(back.ok()) << v << "\n" << dump(back.diagnostics());
    EXPECT_EQ(back.value(), lead) << v << " -> " << to_json_text(lead);
  }
}

TEST(LeadJson, InvalidUtf8IsReplacedNotThrown) {
  Lead lead;
  lead.id = "bad\xff";
  std::string text;
  EXPECT_NO_THROW(text = to_json_text(lead));
  EXPECT_EQ(text, "{\"id\":\"bad\xEF\xBF\xBD\"}");  // U+FFFD
  EXPECT_TRUE(parse_lead(text).ok());
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

TEST(LeadJsonErrors, MissingId) {
  EXPECT_DIAG(single_error(json::object()), "missing_key", "/id", "\"id\"");
  EXPECT_DIAG(single_error(json{{"id", nullptr}}), "missing_key", "/id", "\"id\"");
}

TEST(LeadJsonErrors, NotAnObject) {
  EXPECT_DIAG(single_error(json::array()), "wrong_type", "", "got array");
  EXPECT_DIAG(single_error(json("L-1")), "wrong_type", "", "got string");
}

TEST(LeadJsonErrors, WrongTypes) {
  EXPECT_DIAG(single_error(json{{"id", 7}}), "wrong_type", "/id", "expected a string, got number");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"job_title", true}}), "wrong_type", "/job_title",
              "expected a string, got boolean");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"contact", "ada@acme.io"}}), "wrong_type", "/contact",
              "expected an object, got string");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"contact", {{"email", 1}}}}), "wrong_type",
              "/contact/email", "expected a string, got number");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"company", {{"employees", "250"}}}}), "wrong_type",
              "/company/employees", "expected a number, got string");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"location", json::array()}}), "wrong_type",
              "/location", "expected an object, got array");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"consent", {{"do_not_call", "yes"}}}}), "wrong_type",
              "/consent/do_not_call", "expected a boolean, got string");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"origin", 1}}), "wrong_type", "/origin",
              "got number");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"created_at", 1700000000}}), "wrong_type",
              "/created_at", "got number");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"discovery", {{"budget", json::object()}}}}),
              "wrong_type", "/discovery/budget",
              "expected a string, number, boolean or array of strings, got object");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"attributes", {{"tags", {"a", 1}}}}}), "wrong_type",
              "/attributes/tags/1", "expected a string, got number");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"attributes", "plan=free"}}), "wrong_type",
              "/attributes", "expected an object, got string");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", json::object()}}), "wrong_type", "/events",
              "got object");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {"page_view"}}}), "wrong_type", "/events/0",
              "got string");
}

TEST(LeadJsonErrors, PointersEscapeKeys) {
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"attributes", {{"a/b~c", json::object()}}}}),
              "wrong_type", "/attributes/a~1b~0c", "got object");
}

TEST(LeadJsonErrors, NonFiniteNumbers) {
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"company", {{"employees", std::nan("")}}}}),
              "invalid_value", "/company/employees", "finite");
  EXPECT_DIAG(single_error(json{{"id", "a"},
                                {"attributes", {{"x", std::numeric_limits<double>::infinity()}}}}),
              "invalid_value", "/attributes/x", "finite");
}

TEST(LeadJsonErrors, BadInstants) {
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"created_at", "yesterday"}}), "invalid_value",
              "/created_at", "expected an ISO-8601 instant such as 2026-11-20T10:00:00Z");
  // The value is not echoed (docs/guarantees.md#privacy, issue 12 item 16).
  const Diagnostic bad_day = single_error(json{{"id", "a"}, {"created_at", "2026-02-30"}});
  EXPECT_DIAG(bad_day, "invalid_value", "/created_at", "(the value is not shown)");
  EXPECT_EQ(bad_day.message.find("2026-02-30"), std::string::npos) << bad_day.message;
  const json j = {{"id", "a"},
                  {"events", {{{"type", "page_view"}, {"at", "2026-11-20T25:00:00Z"}}}}};
  EXPECT_DIAG(single_error(j), "invalid_value", "/events/0/at", "ISO-8601");
}

TEST(LeadJsonErrors, UnknownOrigin) {
  const Diagnostic d = single_error(json{{"id", "a"}, {"origin", "inbond"}});
  EXPECT_DIAG(d, "unknown_origin", "/origin", "(the value is not shown)");
  EXPECT_EQ(d.message.find("inbond"), std::string::npos) << d.message;
  EXPECT_EQ(d.suggestion, "inbound");
  EXPECT_EQ(single_error(json{{"id", "a"}, {"origin", "warm"}}).suggestion, "");
}

TEST(LeadJsonErrors, UnknownKeysSuggestTheNearestValidKey) {
  const Diagnostic d = single_error(json{{"id", "a"}, {"contact", {{"emial", "ada@acme.io"}}}});
  EXPECT_DIAG(d, "unknown_key", "/contact/emial", "\"emial\"");
  EXPECT_EQ(d.suggestion, "email");
  EXPECT_NE(d.to_string().find("email"), std::string::npos) << d.to_string();

  EXPECT_EQ(single_error(json{{"id", "a"}, {"job_tittle", "CEO"}}).suggestion, "job_title");
  EXPECT_EQ(single_error(json{{"id", "a"}, {"company", {{"employes", 5}}}}).suggestion,
            "employees");
  EXPECT_EQ(single_error(json{{"id", "a"}, {"consent", {{"do_not_mail", true}}}}).suggestion,
            "do_not_email");
  EXPECT_EQ(single_error(json{{"id", "a"}, {"Origin", "inbound"}}).suggestion, "origin");

  const json event = {{"tpye", "page_view"}, {"type", "page_view"}, {"at", "2026-01-01"}};
  const Diagnostic e = single_error(json{{"id", "a"}, {"events", {event}}});
  EXPECT_DIAG(e, "unknown_key", "/events/0/tpye", "unknown key");
  EXPECT_EQ(e.suggestion, "type");

  const Diagnostic far = single_error(json{{"id", "a"}, {"favourite_colour", "blue"}});
  EXPECT_DIAG(far, "unknown_key", "/favourite_colour", "valid keys:");
  EXPECT_EQ(far.suggestion, "");
}

TEST(LeadJsonErrors, AKeyOfASectionAtTheTopLevelSaysWhereItBelongs) {
  const Diagnostic d = single_error(json{{"id", "a"}, {"email", "ada@acme.io"}});
  EXPECT_DIAG(d, "unknown_key", "/email", "belongs in \"contact\"");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"country", "FR"}}), "unknown_key", "/country",
              "belongs in \"location\"");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"budget", 5}}), "unknown_key", "/budget",
              "belongs in \"discovery\"");
}

TEST(LeadJsonErrors, AttributeAndPropertyNamesAreFree) {
  EXPECT_TRUE(lead_from_json(json{{"id", "a"}, {"attributes", {{"emial", "x"}}}}).ok());
  const json event = {{"type", "t"}, {"at", "2026-01-01"}, {"properties", {{"anything", 1}}}};
  EXPECT_TRUE(lead_from_json(json{{"id", "a"}, {"events", {event}}}).ok());
}

TEST(LeadJsonErrors, Events) {
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {{{"at", "2026-01-01"}}}}}), "missing_key",
              "/events/0/type", "\"type\"");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {{{"type", "page_view"}}}}}), "missing_key",
              "/events/0/at", "\"at\"");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {{{"type", 3}, {"at", "2026-01-01"}}}}}),
              "wrong_type", "/events/0/type", "expected a string, got number");
  EXPECT_DIAG(single_error(json{{"id", "a"},
                                {"events", {{{"type", "t"}, {"at", "2026-01-01"}, {"id", 9}}}}}),
              "wrong_type", "/events/0/id", "expected a string, got number");
  const json bool_property = {
      {"type", "t"}, {"at", "2026-01-01"}, {"properties", {{"trial", true}}}};
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {bool_property}}}), "wrong_type",
              "/events/0/properties/trial", "expected a string or number, got boolean");
  const json list_property = {
      {"type", "t"}, {"at", "2026-01-01"}, {"properties", {{"tags", {"a"}}}}};
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {list_property}}}), "wrong_type",
              "/events/0/properties/tags", "got array");
  const json properties_list = {{"type", "t"}, {"at", "2026-01-01"}, {"properties", {1, 2}}};
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {properties_list}}}), "wrong_type",
              "/events/0/properties", "expected an object, got array");
}

TEST(LeadJsonErrors, AllProblemsAreReportedAtOnce) {
  const json j = {
      {"contact", {{"emial", "x"}, {"phone", 33}}},
      {"origin", "sideways"},
      {"created_at", "soon"},
      {"events",
       {{{"type", "page_view"}, {"at", "2026-01-01"}},
        {{"type", "page_view"}},
        {{"type", "page_view"}, {"at", "never"}, {"properties", {{"x", false}}}}}},
  };
  const Result<Lead> r = lead_from_json(j);
  ASSERT_FALSE(r.ok());
  const auto& ds = r.diagnostics();
  EXPECT_EQ(ds.size(), 8u) << dump(ds);
  EXPECT_NE(find(ds, "missing_key", "/id"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "unknown_key", "/contact/emial"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "wrong_type", "/contact/phone"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "unknown_origin", "/origin"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "invalid_value", "/created_at"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "missing_key", "/events/1/at"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "invalid_value", "/events/2/at"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "wrong_type", "/events/2/properties/x"), nullptr) << dump(ds);
  EXPECT_THROW((void)r.value(), Error);
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

TEST(LeadJsonLimits, EventsPerLead) {
  Limits limits;
  limits.max_events_per_lead = 2;
  const json e = {{"type", "t"}, {"at", "2026-01-01"}};
  EXPECT_TRUE(lead_from_json(json{{"id", "a"}, {"events", {e, e}}}, limits).ok());
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {e, e, e}}}, limits), "limit_exceeded",
              "/events", "max_events_per_lead = 2");
}

TEST(LeadJsonLimits, PropertiesAndAttributes) {
  Limits limits;
  limits.max_properties = 2;
  EXPECT_TRUE(lead_from_json(json{{"id", "a"}, {"attributes", {{"a", 1}, {"b", 2}}}}, limits).ok());
  EXPECT_DIAG(
      single_error(json{{"id", "a"}, {"attributes", {{"a", 1}, {"b", 2}, {"c", 3}}}}, limits),
      "limit_exceeded", "/attributes", "max_properties = 2");
  const json e = {
      {"type", "t"}, {"at", "2026-01-01"}, {"properties", {{"a", 1}, {"b", 2}, {"c", 3}}}};
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {e}}}, limits), "limit_exceeded",
              "/events/0/properties", "max_properties");
}

TEST(LeadJsonLimits, StringLength) {
  Limits limits;
  limits.max_string_length = 5;
  EXPECT_TRUE(lead_from_json(json{{"id", "12345"}}, limits).ok());
  EXPECT_DIAG(single_error(json{{"id", "123456"}}, limits), "limit_exceeded", "/id",
              "max_string_length = 5");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"contact", {{"email", "a@b.example"}}}}, limits),
              "limit_exceeded", "/contact/email", "max_string_length");
  EXPECT_DIAG(
      single_error(json{{"id", "a"}, {"attributes", {{"tags", {"ok", "toolong"}}}}}, limits),
      "limit_exceeded", "/attributes/tags/1", "max_string_length");
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"attributes", {{"longname", 1}}}}, limits),
              "limit_exceeded", "/attributes/longname", "max_string_length");
  const json e = {{"type", "t"}, {"at", "2026-01-01"}, {"properties", {{"u", "/pricing"}}}};
  EXPECT_DIAG(single_error(json{{"id", "a"}, {"events", {e}}}, limits), "limit_exceeded",
              "/events/0/properties/u", "max_string_length");
}

TEST(LeadJsonLimits, LeadBytes) {
  Limits limits;
  limits.max_lead_bytes = 10;
  const Result<Lead> r = parse_lead(R"({"id": "a-rather-long-id"})", limits);
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics().empty());
  EXPECT_EQ(r.diagnostics().front().code, "limit_exceeded") << dump(r.diagnostics());
}

// ---------------------------------------------------------------------------
// parse_lead: positions in the text
// ---------------------------------------------------------------------------

TEST(ParseLead, SyntaxErrorHasLineAndColumn) {
  const Result<Lead> r = parse_lead("{\"id\": \"a\",\n \"job_title\": }");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics().size(), 1u) << dump(r.diagnostics());
  const Diagnostic& d = r.diagnostics().front();
  EXPECT_EQ(d.code, "json_syntax");
  EXPECT_EQ(d.line, 2u) << dump(r.diagnostics());
  EXPECT_GT(d.column, 0u);
}

TEST(ParseLead, DuplicateKeyIsAnError) {
  const Result<Lead> r = parse_lead("{\"id\": \"a\",\n \"id\": \"b\"}");
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics().empty());
  EXPECT_EQ(r.diagnostics().front().code, "duplicate_key") << dump(r.diagnostics());
  EXPECT_EQ(r.diagnostics().front().line, 2u) << dump(r.diagnostics());
}

TEST(ParseLead, SemanticErrorsHaveLineAndColumnInDocumentOrder) {
  const std::string_view text =
      "{\n"
      "  \"id\": \"a\",\n"
      "  \"origin\": \"inbond\",\n"
      "  \"contact\": {\"emial\": \"x\"},\n"
      "  \"events\": [\n"
      "    {\"type\": \"page_view\", \"at\": \"yesterday\"}\n"
      "  ]\n"
      "}\n";
  const Result<Lead> r = parse_lead(text);
  ASSERT_FALSE(r.ok());
  const auto& ds = r.diagnostics();
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  EXPECT_EQ(ds[0].code, "unknown_origin");
  EXPECT_EQ(ds[0].line, 3u) << dump(ds);
  EXPECT_EQ(ds[1].code, "unknown_key");
  EXPECT_EQ(ds[1].pointer, "/contact/emial");
  EXPECT_EQ(ds[1].suggestion, "email");
  EXPECT_EQ(ds[1].line, 4u) << dump(ds);
  EXPECT_GE(ds[1].column, 15u) << dump(ds);  // at the key or its value, not the line start
  EXPECT_EQ(ds[2].code, "invalid_value");
  EXPECT_EQ(ds[2].pointer, "/events/0/at");
  EXPECT_EQ(ds[2].line, 6u) << dump(ds);
  EXPECT_GE(ds[2].column, 30u) << dump(ds);
}

TEST(ParseLead, MissingKeyPointsAtTheEnclosingObject) {
  const Result<Lead> r = parse_lead("{\"events\": [\n  {\"type\": \"t\"}\n]}");
  ASSERT_FALSE(r.ok());
  const Diagnostic* at = find(r.diagnostics(), "missing_key", "/events/0/at");
  ASSERT_NE(at, nullptr) << dump(r.diagnostics());
  EXPECT_EQ(at->line, 2u) << dump(r.diagnostics());
  EXPECT_NE(find(r.diagnostics(), "missing_key", "/id"), nullptr) << dump(r.diagnostics());
}

TEST(ParseLead, JsonlLines) {
  // JSONL: to_json_text writes one lead per line; each line parses alone.
  const Lead a = full_lead();
  Lead b;
  b.id = "L-1002";
  b.job_title = "line\nbreak";
  const std::string text = to_json_text(a) + "\n" + to_json_text(b) + "\n";
  std::vector<Lead> leads;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const Result<Lead> r = parse_lead(std::string_view(text).substr(start, end - start));
    ASSERT_TRUE(r.ok()) << dump(r.diagnostics());
    leads.push_back(r.value());
    start = end + 1;
  }
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0], a);
  EXPECT_EQ(leads[1], b);
}

// ---------------------------------------------------------------------------
// Result records
// ---------------------------------------------------------------------------

TEST(ResultJson, QualificationShape) {
  Qualification q;
  q.fit = 60;
  q.engagement = 42.5;
  q.total = 102.5;
  q.fit_grade = "B";
  q.engagement_grade = "3";
  q.grade = "B3";
  q.stage = "MQL";
  q.stage_index = 2;
  const json j = to_json(q);
  EXPECT_EQ(j, json::parse(R"({"stage": "MQL", "fit": 60, "engagement": 42.5, "total": 102.5,
                               "grade": "B3", "fit_grade": "B", "engagement_grade": "3",
                               "disqualified": false, "reason": null})"))
      << j.dump();
  EXPECT_TRUE(j["fit"].is_number_integer());
  EXPECT_FALSE(j.contains("id"));

  q.disqualified = true;
  q.reason = "competitor";
  q.knockout_rule = "ko.competitor";
  q.stage = "lead";
  EXPECT_EQ(to_json(q)["reason"], "competitor");
  EXPECT_EQ(to_json(q)["disqualified"], true);
}

/// A contribution of rule `id`: `points` (the same before its cap) and its evidence.
Contribution contribution(std::string id, RuleKind kind, double points, std::string evidence) {
  Contribution c;
  c.rule_id = std::move(id);
  c.kind = kind;
  c.points = points;
  c.uncapped_points = points;
  c.evidence = std::move(evidence);
  return c;
}

TEST(ResultJson, ExplanationShape) {
  Explanation e;
  e.result.fit = 30;
  e.result.engagement = 12.25;
  e.result.total = 42.25;
  e.result.grade = "C4";
  e.result.fit_grade = "C";
  e.result.engagement_grade = "4";
  e.result.stage = "lead";
  e.facts.enrichment = EnrichmentLevel::enriched;
  e.facts.completeness = 0.5;
  e.facts.email_domain = "acme.io";
  e.facts.days_since_created = 10;
  e.facts.events_considered = 3;
  e.facts.events_after_as_of = 1;
  const Contribution fit = contribution("fit.size", RuleKind::fit, 30, "company.employees is 250");
  Contribution visits = contribution("beh.pricing", RuleKind::behavior, 12.25, "3 events, decayed");
  visits.uncapped_points = 14.5;
  visits.capped = true;
  visits.matched_events = 4;
  visits.counted_events = 3;
  visits.over_daily_cap = 1;
  visits.decay_factor_sum = 2.45;
  Contribution active = contribution("eng.active", RuleKind::engagement, 0, "");
  active.aggregate_value = 3;
  e.contributions = {fit, visits, active};
  e.knockouts = {};
  StageCheck sql;
  sql.stage = "SQL";
  sql.held = false;
  sql.condition.text = "all";
  sql.condition.held = false;
  ConditionTrace leaf;
  leaf.text = "score.total >= 70";
  leaf.actual = "42.25";
  leaf.held = false;
  sql.condition.children = {leaf};
  e.stages = {sql};
  e.next = NextStage{"MQL", {"score.total is 42.25, needs >= 50 (7.75 more)"}};

  const json j = to_json(e);
  EXPECT_EQ(j["stage"], "lead");
  EXPECT_EQ(j["reason"], nullptr);
  ASSERT_EQ(j["contributions"].size(), 3u);
  EXPECT_EQ(j["contributions"][0], json::parse(R"({"rule": "fit.size", "kind": "fit", "points": 30,
                            "uncapped_points": 30, "capped": false, "matched_events": 0,
                            "counted_events": 0, "over_daily_cap": 0, "outside_window": 0,
                            "decay_factor_sum": 0, "evidence": "company.employees is 250"})"))
      << j["contributions"][0].dump();
  EXPECT_EQ(j["contributions"][1]["kind"], "behavior");
  EXPECT_EQ(j["contributions"][1]["capped"], true);
  EXPECT_EQ(j["contributions"][1]["decay_factor_sum"], 2.45);
  EXPECT_FALSE(j["contributions"][1].contains("aggregate_value"));
  EXPECT_EQ(j["contributions"][2]["aggregate_value"], 3);
  EXPECT_EQ(j["knockouts"], json::array());
  EXPECT_EQ(j["stages"], json::parse(R"([{"stage": "SQL", "held": false, "by_origin": false,
      "condition": {"text": "all", "held": false,
                    "children": [{"text": "score.total >= 70", "actual": "42.25",
                                  "held": false}]}}])"))
      << j["stages"].dump();
  EXPECT_EQ(j["next"], json::parse(R"j({"stage": "MQL",
      "missing": ["score.total is 42.25, needs >= 50 (7.75 more)"]})j"));
  EXPECT_EQ(j["facts"], json::parse(R"({"enrichment": "enriched", "completeness": 0.5,
      "email_domain": "acme.io", "free_email": false, "days_since_created": 10,
      "days_since_last_activity": null, "events_considered": 3, "events_after_as_of": 1})"))
      << j["facts"].dump();

  e.next.reset();
  e.facts.email_domain.reset();
  const json top = to_json(e);
  EXPECT_EQ(top["next"], nullptr);
  EXPECT_EQ(top["facts"]["email_domain"], nullptr);
}

}  // namespace
}  // namespace leadscore
