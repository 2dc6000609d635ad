// Tests of CSV mappings (leadscore/csv.hpp): parse_mapping's errors with
// pointers and positions, binding to a header, turning records into leads
// (types, missing tokens, normalisation, constants, events) and per-record
// errors naming line and column.
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/time.hpp"

namespace leadscore {
namespace {

Instant at(std::string_view text) { return parse_instant(text).value(); }

const Instant kAsOf = at("2026-11-22T00:00:00Z");

Mapping must_parse(std::string_view json) {
  Result<Mapping> m = parse_mapping(json);
  if (!m) ADD_FAILURE() << to_string(m.diagnostics());
  return m ? *m : Mapping{};
}

/// Reads `csv` with `mapping_json` and maps every record.
std::vector<Result<Lead>> map_all(std::string_view mapping_json, std::string_view csv) {
  Mapping mapping = must_parse(mapping_json);
  CsvOptions options;
  options.delimiter = mapping.delimiter;
  CsvReader reader(csv, options);
  auto header = reader.read_header();
  EXPECT_TRUE(header.ok());
  auto mapper = CsvLeadMapper::create(mapping, *header);
  if (!mapper) {
    ADD_FAILURE() << to_string(mapper.diagnostics());
    return {};
  }
  std::vector<Result<Lead>> out;
  CsvRecord record;
  while (reader.next(record)) out.push_back(mapper->map(record, kAsOf));
  return out;
}

const Diagnostic* find_code(const std::vector<Diagnostic>& ds, std::string_view code) {
  for (const Diagnostic& d : ds) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// parse_mapping
// ---------------------------------------------------------------------------

TEST(ParseMapping, FullExample) {
  const Mapping m = must_parse(R"({
    "description": "CRM export",
    "delimiter": ";",
    "id": "Lead ID",
    "trim": true,
    "lower_case": false,
    "missing": ["", "N/A", "Select"],
    "constants": {"origin": "inbound", "source": "web_form", "attributes.batch": 7},
    "fields": {
      "contact.email": {"column": "Email", "lower_case": true},
      "company.employees": "Employees",
      "created_at": "Created",
      "discovery.budget": {"column": "Budget", "type": "number"}
    },
    "attributes": {
      "tags": {"column": "Tags", "type": "list", "separator": "|"},
      "vip": {"column": "VIP", "type": "bool", "missing": ["", "?"]}
    },
    "events": [
      {"type": "email_open", "count": "Opens", "at": "Last Open"},
      {"type": "demo_request", "at": "Demo Date"},
      {"type": "page_view", "count": "Visits", "default_at": "as_of"}
    ],
    "ignore": ["Notes"]
  })");
  EXPECT_EQ(m.delimiter, ';');
  EXPECT_EQ(m.id_column, "Lead ID");
  EXPECT_EQ(m.missing, (std::vector<std::string>{"", "N/A", "Select"}));
  ASSERT_EQ(m.fields.size(), 6u);
  EXPECT_EQ(m.constants.size(), 3u);
  ASSERT_EQ(m.events.size(), 3u);
  EXPECT_TRUE(m.events[2].at_as_of);
  EXPECT_EQ(m.ignore, (std::vector<std::string>{"Notes"}));
  bool saw_tags = false;
  for (const FieldMapping& f : m.fields) {
    if (f.target == "attributes.tags") {
      saw_tags = true;
      EXPECT_EQ(f.type, ValueType::list);
      EXPECT_EQ(f.separator, "|");
      EXPECT_EQ(f.pointer, "/attributes/tags");
    }
    if (f.target == "company.employees") {
      EXPECT_EQ(f.type, ValueType::number);
    }
    if (f.target == "created_at") {
      EXPECT_EQ(f.type, ValueType::instant);
    }
    if (f.target == "contact.email") {
      EXPECT_EQ(f.normalise.lower_case, true);
    }
  }
  EXPECT_TRUE(saw_tags);
}

TEST(ParseMapping, ErrorsCarryPointerLineColumnAndSuggestion) {
  const std::string text =
      "{\n"
      "  \"fields\": {\n"
      "    \"contact.emial\": \"Email\",\n"
      "    \"company.employees\": {\"column\": \"N\", \"type\": \"string\"}\n"
      "  },\n"
      "  \"atributes\": {},\n"
      "  \"events\": [{\"type\": \"x\"}]\n"
      "}\n";
  Result<Mapping> m = parse_mapping(text);
  ASSERT_FALSE(m.ok());
  const auto& ds = m.diagnostics();
  const Diagnostic* target = find_code(ds, "unknown_target");
  ASSERT_NE(target, nullptr) << to_string(ds);
  EXPECT_EQ(target->pointer, "/fields/contact.emial");
  EXPECT_EQ(target->suggestion, "contact.email");
  EXPECT_EQ(target->line, 3u);
  EXPECT_GT(target->column, 0u);

  const Diagnostic* key = find_code(ds, "unknown_key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->pointer, "/atributes");
  EXPECT_EQ(key->suggestion, "attributes");
  EXPECT_EQ(key->line, 6u);

  bool type_error = false;
  bool event_error = false;
  for (const Diagnostic& d : ds) {
    if (d.pointer == "/fields/company.employees/type") {
      type_error = true;
      EXPECT_EQ(d.line, 4u);
    }
    if (d.pointer == "/events/0" && d.code == "missing_key") event_error = true;
  }
  EXPECT_TRUE(type_error) << to_string(ds);
  EXPECT_TRUE(event_error) << to_string(ds);
}

TEST(ParseMapping, BadValues) {
  struct Case {
    const char* json;
    const char* code;
    const char* pointer;
  };
  const Case cases[] = {
      {R"([])", "wrong_type", ""},
      {R"({"delimiter": ",,"})", "invalid_value", "/delimiter"},
      {R"({"delimiter": "\""})", "invalid_value", "/delimiter"},
      {R"({"trim": "yes"})", "wrong_type", "/trim"},
      {R"({"missing": "N/A"})", "wrong_type", "/missing"},
      {R"({"id": 3})", "wrong_type", "/id"},
      {R"({"id": {"colum": "x"}})", "unknown_key", "/id/colum"},
      {R"({"fields": {"contact.email": ""}})", "invalid_value", "/fields/contact.email"},
      {R"({"fields": {"contact.email": {"type": "string"}}})", "missing_key",
       "/fields/contact.email"},
      {R"({"attributes": {"age": {"column": "age", "type": "integer"}}})", "invalid_value",
       "/attributes/age/type"},
      {R"({"attributes": {"age": {"column": "age", "type": "number", "separator": ""}}})",
       "invalid_value", "/attributes/age/separator"},
      {R"({"constants": {"origin": "sideways"}})", "invalid_value", "/constants/origin"},
      {R"({"constants": {"created_at": "yesterday"}})", "invalid_value", "/constants/created_at"},
      {R"({"constants": {"company.employees": "ten"}})", "invalid_value",
       "/constants/company.employees"},
      {R"({"constants": {"attributes.x": {"a": 1}}})", "wrong_type", "/constants/attributes.x"},
      {R"({"constants": {"source": "a"}, "fields": {"source": "Src"}})", "duplicate_target",
       "/constants/source"},
      {R"({"events": [{"type": "x", "count": "c", "default_at": "now"}]})", "invalid_value",
       "/events/0/default_at"},
      {R"({"events": [{"type": "", "at": "a"}]})", "invalid_value", "/events/0/type"},
      {R"({"fields": {"id": "ID"}})", "unknown_target", "/fields/id"},
  };
  for (const Case& c : cases) {
    Result<Mapping> m = parse_mapping(c.json);
    ASSERT_FALSE(m.ok()) << c.json;
    bool found = false;
    for (const Diagnostic& d : m.diagnostics()) {
      if (d.code == c.code && d.pointer == c.pointer) found = true;
    }
    EXPECT_TRUE(found) << c.json << "\n" << to_string(m.diagnostics());
  }
}

TEST(ParseMapping, JsonSyntaxErrorHasAPosition) {
  Result<Mapping> m = parse_mapping("{\n  \"fields\": {,}\n}");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.diagnostics().at(0).code, "json_syntax");
  EXPECT_EQ(m.diagnostics().at(0).line, 2u);
}

TEST(ParseMapping, TargetsListIsComplete) {
  const auto targets = mapping_targets();
  EXPECT_EQ(targets.size(), 26u);
  for (std::string_view t : targets) {
    Result<Mapping> m = parse_mapping(R"({"fields": {")" + std::string(t) + R"(": "c"}})");
    EXPECT_TRUE(m.ok()) << t;
  }
}

// ---------------------------------------------------------------------------
// Binding to a header
// ---------------------------------------------------------------------------

TEST(CsvLeadMapper, UnknownColumnsAreReportedWithSuggestions) {
  const Mapping m = must_parse(R"({"id": "Lead Id", "fields": {"contact.email": "E-mail"},
                                   "events": [{"type": "x", "count": "Opnes"}], "ignore": ["Nope"]})");
  const std::vector<std::string> header{"Lead ID", "Email", "Opens"};
  Result<CsvLeadMapper> mapper = CsvLeadMapper::create(m, header);
  ASSERT_FALSE(mapper.ok());
  const auto& ds = mapper.diagnostics();
  ASSERT_EQ(ds.size(), 4u) << to_string(ds);
  EXPECT_EQ(ds[0].code, "unknown_column");
  EXPECT_EQ(ds[0].pointer, "/fields/contact.email");
  EXPECT_EQ(ds[0].suggestion, "Email");
  EXPECT_EQ(ds[1].pointer, "/id");
  EXPECT_EQ(ds[1].suggestion, "Lead ID");
  EXPECT_EQ(ds[2].pointer, "/events/0/count");
  EXPECT_EQ(ds[2].suggestion, "Opens");
  EXPECT_EQ(ds[3].pointer, "/ignore/0");
}

TEST(CsvLeadMapper, DuplicateHeaderNamesOnlyMatterWhenUsed) {
  const Mapping m = must_parse(R"({"fields": {"contact.email": "Email"}})");
  EXPECT_TRUE(CsvLeadMapper::create(m, std::vector<std::string>{"Email", "x", "x"}).ok());
  Result<CsvLeadMapper> dup = CsvLeadMapper::create(m, std::vector<std::string>{"Email", "Email"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.diagnostics().at(0).code, "duplicate_column");
}

// ---------------------------------------------------------------------------
// Records to leads
// ---------------------------------------------------------------------------

TEST(CsvLeadMapper, MapsEveryKindOfField) {
  const auto leads = map_all(
      R"({
        "id": "ID",
        "missing": ["", "N/A", "Select"],
        "constants": {"origin": "inbound", "attributes.campaign": "spring"},
        "fields": {
          "contact.first_name": "First",
          "contact.email": {"column": "Email", "lower_case": true},
          "company.employees": "Size",
          "created_at": "Created",
          "consent.do_not_call": "DNC",
          "source": "Source",
          "discovery.budget": {"column": "Budget", "type": "number"}
        },
        "attributes": {
          "tags": {"column": "Tags", "type": "list", "separator": "|", "lower_case": true},
          "vip": {"column": "VIP", "type": "bool"},
          "note": {"column": "Note", "trim": false}
        }
      })",
      "ID,First,Email,Size,Created,DNC,Source,Budget,Tags,VIP,Note\n"
      "L-1, Ada ,ADA@Acme.IO, 250 ,2026-10-01T09:30:00Z,yes,web_form,5e4,CRM| AI ||,Y, padded \n"
      "L-2,,N/A,Select,,,,,,,\n");
  ASSERT_EQ(leads.size(), 2u);
  ASSERT_TRUE(leads[0].ok()) << to_string(leads[0].diagnostics());
  const Lead& a = *leads[0];
  EXPECT_EQ(a.id, "L-1");
  EXPECT_EQ(a.contact.first_name, "Ada");
  EXPECT_EQ(a.contact.email, "ada@acme.io");
  EXPECT_EQ(a.company.employees, 250.0);
  EXPECT_EQ(a.created_at, at("2026-10-01T09:30:00Z"));
  EXPECT_EQ(a.consent.do_not_call, true);
  EXPECT_EQ(a.source, "web_form");
  EXPECT_EQ(a.origin, Origin::inbound);
  ASSERT_TRUE(a.discovery.budget.has_value());
  EXPECT_EQ(std::get<double>(*a.discovery.budget), 50000.0);
  EXPECT_EQ(std::get<std::vector<std::string>>(a.attributes.at("tags")),
            (std::vector<std::string>{"crm", "ai"}));
  EXPECT_EQ(std::get<bool>(a.attributes.at("vip")), true);
  EXPECT_EQ(std::get<std::string>(a.attributes.at("note")), " padded ");
  EXPECT_EQ(std::get<std::string>(a.attributes.at("campaign")), "spring");

  ASSERT_TRUE(leads[1].ok()) << to_string(leads[1].diagnostics());
  const Lead& b = *leads[1];
  EXPECT_FALSE(b.contact.first_name.has_value()) << "empty is a missing token";
  EXPECT_FALSE(b.contact.email.has_value()) << "N/A is a missing token";
  EXPECT_FALSE(b.company.employees.has_value()) << "Select is a missing token";
  EXPECT_FALSE(b.created_at.has_value());
  EXPECT_EQ(b.attributes.count("tags"), 0u);
  EXPECT_EQ(b.attributes.count("note"), 0u);
  EXPECT_EQ(b.origin, Origin::inbound) << "constants apply to every record";
}

TEST(CsvLeadMapper, EmptyIsNotMissingUnlessSaidSo) {
  const auto leads =
      map_all(R"({"missing": ["N/A"], "fields": {"job_title": "Title"}})", "Title\n\"\"\nN/A\n");
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0]->job_title, "") << "an empty field is an empty string here";
  EXPECT_FALSE(leads[1]->job_title.has_value());
}

TEST(CsvLeadMapper, IdDefaultsToTheRecordNumber) {
  const auto leads = map_all(R"({"id": {"record_number": true, "prefix": "bank-"}})", "a\nx\ny\n");
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads[0]->id, "bank-1");
  EXPECT_EQ(leads[1]->id, "bank-2");
  const auto plain = map_all(R"({})", "a\nx\n");
  EXPECT_EQ(plain.at(0)->id, "1");
}

TEST(CsvLeadMapper, BadValuesNameLineAndColumn) {
  const auto leads = map_all(
      R"({"id": "id", "fields": {"company.employees": "size", "created_at": "created",
          "consent.do_not_email": "dne", "origin": "origin"}})",
      "id,size,created,dne,origin\n"
      "a,12,2026-01-01,no,inbound\n"
      "b,twelve,2026-13-01,maybe,sideways\n"
      "c,1e3,,,\n");
  ASSERT_EQ(leads.size(), 3u);
  EXPECT_TRUE(leads[0].ok());
  ASSERT_FALSE(leads[1].ok());
  const auto& ds = leads[1].diagnostics();
  ASSERT_EQ(ds.size(), 4u) << to_string(ds) << " (every bad value is reported)";
  EXPECT_EQ(ds[0].code, "invalid_value");
  EXPECT_EQ(ds[0].line, 3u);
  EXPECT_EQ(ds[0].column, 2u);
  EXPECT_EQ(ds[0].pointer, "/company/employees");
  EXPECT_NE(ds[0].message.find("column \"size\" (2)"), std::string::npos) << ds[0].message;
  // The value is not echoed (docs/guarantees.md#privacy, issue 12 item 16).
  EXPECT_EQ(ds[0].message.find("twelve"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].message.find("expected a number"), std::string::npos) << ds[0].message;
  EXPECT_EQ(ds[1].pointer, "/created_at");
  EXPECT_EQ(ds[1].column, 3u);
  EXPECT_EQ(ds[2].pointer, "/consent/do_not_email");
  EXPECT_EQ(ds[3].pointer, "/origin");
  EXPECT_TRUE(leads[2].ok());
  EXPECT_EQ(leads[2]->company.employees, 1000.0);
  EXPECT_EQ(leads[2]->id, "c");
}

TEST(CsvLeadMapper, ReadErrorsComeThroughWithTheirLine) {
  const auto leads = map_all(R"({"id": "id"})", "id,x\n1,2\n2,\"open\n3,4\n4,\xFF\n");
  ASSERT_EQ(leads.size(), 4u);
  EXPECT_TRUE(leads[0].ok());
  EXPECT_EQ(leads[1].diagnostics().at(0).line, 3u);
  EXPECT_TRUE(leads[2].ok());
  EXPECT_EQ(leads[2]->id, "3");
  ASSERT_FALSE(leads[3].ok());
  EXPECT_EQ(leads[3].diagnostics().at(0).code, "invalid_utf8");
  EXPECT_EQ(leads[3].diagnostics().at(0).line, 5u);
  EXPECT_EQ(leads[3].diagnostics().at(0).column, 2u);
}

TEST(CsvLeadMapper, HugeValuesAreRecordErrors) {
  Limits limits;
  limits.max_string_length = 10;
  const Mapping m = must_parse(R"({"fields": {"job_title": "t"}})");
  auto mapper = CsvLeadMapper::create(m, std::vector<std::string>{"t"}, limits);
  ASSERT_TRUE(mapper.ok());
  CsvRecord record;
  record.line = 7;
  record.number = 6;
  record.fields = {std::string(11, 'x')};
  Result<Lead> lead = mapper->map(record, kAsOf);
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.diagnostics().at(0).code, "limit_exceeded");
  EXPECT_EQ(lead.diagnostics().at(0).line, 7u);
  record.fields = {std::string(10, 'x')};
  EXPECT_TRUE(mapper->map(record, kAsOf).ok());
}

TEST(CsvLeadMapper, EventsFromCountsAndInstants) {
  const auto leads = map_all(
      R"({"id": "id",
          "fields": {"created_at": "created"},
          "events": [
            {"type": "email_open", "count": "opens", "at": "last_open"},
            {"type": "page_view", "count": "visits"},
            {"type": "webinar_attended", "count": "webinars", "default_at": "as_of"},
            {"type": "demo_request", "at": "demo"}
          ]})",
      "id,created,opens,last_open,visits,webinars,demo\n"
      "a,2026-11-01,3,2026-11-10T08:00:00Z,2,1,2026-11-20\n"
      "b,,0,,1,,\n"
      "c,2026-11-01,-1,,2.5,x,tomorrow\n");
  ASSERT_EQ(leads.size(), 3u);
  ASSERT_TRUE(leads[0].ok()) << to_string(leads[0].diagnostics());
  const Lead& a = *leads[0];
  ASSERT_EQ(a.events.size(), 3u + 2u + 1u + 1u);
  EXPECT_EQ(a.events[0].type, "email_open");
  EXPECT_EQ(a.events[0].at, at("2026-11-10T08:00:00Z"));
  EXPECT_EQ(a.events[3].type, "page_view");
  EXPECT_EQ(a.events[3].at, at("2026-11-01")) << "no instant column: created_at";
  EXPECT_EQ(a.events[5].type, "webinar_attended");
  EXPECT_EQ(a.events[5].at, kAsOf) << "default_at as_of";
  EXPECT_EQ(a.events[6].type, "demo_request");
  EXPECT_EQ(a.events[6].at, at("2026-11-20"));

  ASSERT_TRUE(leads[1].ok());
  ASSERT_EQ(leads[1]->events.size(), 1u);
  EXPECT_EQ(leads[1]->events[0].at, kAsOf) << "no created_at: as_of";

  ASSERT_FALSE(leads[2].ok());
  EXPECT_EQ(leads[2].diagnostics().size(), 4u) << to_string(leads[2].diagnostics());
  for (const Diagnostic& d : leads[2].diagnostics()) EXPECT_EQ(d.line, 4u);
}

TEST(CsvLeadMapper, EventCountsAreLimited) {
  Limits limits;
  limits.max_events_per_lead = 5;
  const Mapping m = must_parse(R"({"events": [{"type": "x", "count": "n"}]})");
  auto mapper = CsvLeadMapper::create(m, std::vector<std::string>{"n"}, limits);
  ASSERT_TRUE(mapper.ok());
  CsvRecord record;
  record.line = 2;
  record.number = 1;
  record.fields = {"6"};
  EXPECT_EQ(mapper->map(record, kAsOf).diagnostics().at(0).code, "limit_exceeded");
  record.fields = {"1e300"};
  EXPECT_EQ(mapper->map(record, kAsOf).diagnostics().at(0).code, "limit_exceeded");
  record.fields = {"5"};
  EXPECT_EQ(mapper->map(record, kAsOf)->events.size(), 5u);
}

TEST(DefaultMapping, ColumnsNamedAsLeadFields) {
  const std::vector<std::string> header{"id",   "contact.email",    "company.employees",
                                        "plan", "attributes.seats", ""};
  const Mapping m = default_mapping(header);
  EXPECT_EQ(m.id_column, "id");
  auto mapper = CsvLeadMapper::create(m, header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  CsvRecord record;
  record.line = 2;
  record.number = 1;
  record.fields = {"L-9", "a@b.co", "40", "free", "3", "ignored"};
  Result<Lead> lead = mapper->map(record, kAsOf);
  ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
  EXPECT_EQ(lead->id, "L-9");
  EXPECT_EQ(lead->contact.email, "a@b.co");
  EXPECT_EQ(lead->company.employees, 40.0);
  EXPECT_EQ(std::get<std::string>(lead->attributes.at("plan")), "free");
  EXPECT_EQ(std::get<std::string>(lead->attributes.at("seats")), "3");
}

TEST(CsvLeadMapper, BankMarketingMappingParsesAndBinds) {
  const std::string dir = LEADSCORE_SOURCE_DIR "/examples/data/";
  std::ifstream in(dir + "bank-marketing.map.json");
  ASSERT_TRUE(in) << "examples/data/bank-marketing.map.json";
  std::stringstream text;
  text << in.rdbuf();
  Result<Mapping> m = parse_mapping(text.str());
  ASSERT_TRUE(m.ok()) << to_string(m.diagnostics());
  const std::vector<std::string> header{
      "age", "job",   "marital",  "education", "default", "balance",  "housing",  "loan", "contact",
      "day", "month", "duration", "campaign",  "pdays",   "previous", "poutcome", "y"};
  auto mapper = CsvLeadMapper::create(*m, header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  CsvRecord record;
  record.line = 2;
  record.number = 1;
  record.fields = {"58",  "management", "married", "tertiary", "no",  "2143",
                   "yes", "no",         "unknown", "5",        "may", "261",
                   "1",   "-1",         "0",       "unknown",  "no"};
  Result<Lead> lead = mapper->map(record, kAsOf);
  ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
  EXPECT_EQ(lead->id, "1");
  EXPECT_EQ(lead->origin, Origin::outbound);
  EXPECT_EQ(lead->source, "cold_call");
  EXPECT_EQ(std::get<double>(lead->attributes.at("age")), 58.0);
  EXPECT_EQ(std::get<bool>(lead->attributes.at("housing")), true);
  EXPECT_EQ(lead->attributes.count("contact"), 0u) << "'unknown' is missing";
  EXPECT_EQ(lead->attributes.count("pdays"), 0u) << "-1 is missing for pdays";
  EXPECT_EQ(lead->attributes.count("duration"), 0u) << "duration leaks the outcome";
  EXPECT_EQ(lead->attributes.count("y"), 0u) << "y is the outcome";
}

}  // namespace
}  // namespace leadscore

namespace leadscore {
namespace {

TEST(LintMapping, WarnsOfColumnsNeitherUsedNorIgnored) {
  const Mapping m = must_parse(R"({
    "id": "Ref",
    "fields": {"contact.email": "Email"},
    "events": [{"type": "page_view", "count": "Visits", "at": "Last visit"}],
    "ignore": ["Owner"]
  })");
  const std::vector<std::string> header{"Ref",   "Email", "Visits", "Last visit",
                                        "Owner", "Notes", "Phone"};
  const std::vector<Diagnostic> warnings = lint_mapping(m, header, "export.csv");
  ASSERT_EQ(warnings.size(), 2u) << to_string(warnings);
  EXPECT_EQ(warnings[0].to_string(),
            "warning[unmapped_column] at (document): column \"Notes\" of export.csv is neither "
            "mapped nor listed in \"ignore\"");
  EXPECT_EQ(warnings[1].severity, Severity::warning);
  EXPECT_EQ(warnings[1].code, "unmapped_column");
  EXPECT_NE(warnings[1].message.find("\"Phone\""), std::string::npos);
  EXPECT_FALSE(has_errors(warnings));
}

TEST(LintMapping, NothingToSayWhenEveryColumnIsUsed) {
  const Mapping m = default_mapping(std::vector<std::string>{"id", "contact.email", "plan"});
  EXPECT_TRUE(
      lint_mapping(m, std::vector<std::string>{"id", "contact.email", "plan"}, "x.csv").empty());
}

}  // namespace
}  // namespace leadscore
