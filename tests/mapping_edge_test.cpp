// Edge cases of the column mapping (leadscore/csv.hpp) that the main mapping
// tests leave out: every lead field as a target, constants of every type
// (and of the wrong type), malformed mapping JSON, long values in messages,
// the limits applied per record.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/limits.hpp"

namespace leadscore {
namespace {

using ::testing::HasSubstr;

Instant as_of() { return parse_instant("2026-11-22T00:00:00Z").value(); }

CsvRecord record_of(std::vector<std::string> fields, std::size_t line = 2) {
  CsvRecord r;
  r.line = line;
  r.number = line - 1;
  r.fields = std::move(fields);
  return r;
}

bool has(const std::vector<Diagnostic>& ds, std::string_view code, std::string_view pointer) {
  for (const auto& d : ds) {
    if (d.code == code && d.pointer == pointer) return true;
  }
  return false;
}

/// Expects a diagnostic with each (code, pointer) of `expected` (one check each).
void expect_diagnostics(
    const std::vector<Diagnostic>& ds,
    const std::vector<std::pair<std::string_view, std::string_view>>& expected) {
  for (const auto& [code, pointer] : expected) {
    EXPECT_TRUE(has(ds, code, pointer)) << code << " at " << pointer << "\n" << to_string(ds);
  }
}

TEST(MappingEdge, EveryTargetIsStoredFromItsColumn) {
  std::vector<std::string> header;
  for (std::string_view t : mapping_targets()) header.emplace_back(t);
  header.emplace_back("attributes.plan");
  // (No "id" target: the id is the record number.)
  const Mapping mapping = default_mapping(header);
  auto mapper = CsvLeadMapper::create(mapping, header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  // A cell that reads as a value of each column type.
  const std::map<ValueType, std::string> sample_cell = {
      {ValueType::string, "text"},        {ValueType::number, "12"},
      {ValueType::boolean, "yes"},        {ValueType::list, "a;b"},
      {ValueType::instant, "2026-01-02"}, {ValueType::origin, "inbound"}};
  std::vector<std::string> cells;
  for (const std::string& column : header) {
    std::string cell = "text";
    for (const auto& f : mapping.fields) {
      if (f.column == column) cell = sample_cell.at(f.type);
    }
    cells.push_back(cell);
  }
  auto lead = mapper->map(record_of(cells), as_of());
  ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
  EXPECT_EQ(lead->id, "1");
  EXPECT_EQ(lead->contact.first_name, "text");
  EXPECT_EQ(lead->contact.last_name, "text");
  EXPECT_EQ(lead->contact.secondary_email, "text");
  EXPECT_EQ(lead->contact.phone, "text");
  EXPECT_EQ(lead->contact.secondary_phone, "text");
  EXPECT_EQ(lead->company.domain, "text");
  EXPECT_EQ(lead->company.employees, 12);
  EXPECT_EQ(lead->company.annual_revenue, 12);
  EXPECT_EQ(lead->seniority, "text");
  EXPECT_EQ(lead->department, "text");
  EXPECT_EQ(lead->location.region, "text");
  EXPECT_EQ(lead->location.city, "text");
  EXPECT_EQ(lead->origin, Origin::inbound);
  EXPECT_EQ(lead->source, "text");
  EXPECT_EQ(lead->created_at, parse_instant("2026-01-02"));
  EXPECT_EQ(lead->consent.do_not_email, true);
  EXPECT_EQ(lead->consent.do_not_call, true);
  EXPECT_TRUE(lead->discovery.budget && lead->discovery.authority && lead->discovery.need &&
              lead->discovery.timeline);
  EXPECT_EQ(lead->attributes.count("plan"), 1u);
}

TEST(MappingEdge, ConstantsOfEveryTypeAndOfTheWrongType) {
  Mapping good;
  good.constants = {{"job_title", Value(std::string("CEO")), ""},
                    {"company.employees", Value(40.0), ""},
                    {"consent.do_not_call", Value(true), ""},
                    {"created_at", Value(std::string("2026-01-01")), ""},
                    {"origin", Value(std::string("outbound")), ""},
                    {"discovery.need", Value(std::vector<std::string>{"crm"}), ""},
                    {"attributes.seats", Value(3.0), ""},
                    {"attributes.beta", Value(false), ""},
                    {"attributes.tier", Value(std::string("gold")), ""}};
  const std::vector<std::string> header{"id"};
  auto mapper = CsvLeadMapper::create(good, header);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  auto lead = mapper->map(record_of({"1"}), as_of());
  ASSERT_TRUE(lead.ok()) << to_string(lead.diagnostics());
  EXPECT_EQ(lead->job_title, "CEO");
  EXPECT_EQ(lead->company.employees, 40);
  EXPECT_EQ(lead->consent.do_not_call, true);
  EXPECT_EQ(lead->origin, Origin::outbound);
  EXPECT_EQ(lead->discovery.need, Value(std::vector<std::string>{"crm"}));
  EXPECT_EQ(lead->attributes.at("seats"), Value(3.0));

  Mapping bad;
  bad.constants = {{"job_title", Value(5.0), ""},
                   {"company.employees", Value(std::string("many")), ""},
                   {"consent.do_not_email", Value(1.0), ""},
                   {"created_at", Value(std::string("yesterday")), ""},
                   {"origin", Value(std::string("sideways")), ""},
                   {"company.nmae", Value(std::string("x")), ""}};
  bad.fields.push_back(FieldMapping{"contact.emial", "id", ValueType::string, ";", {}, ""});
  const auto errors = CsvLeadMapper::create(bad, header).diagnostics();
  expect_diagnostics(errors, {{"invalid_value", "/constants/job_title"},
                              {"invalid_value", "/constants/company.employees"},
                              {"invalid_value", "/constants/consent.do_not_email"},
                              {"invalid_value", "/constants/created_at"},
                              {"invalid_value", "/constants/origin"},
                              {"unknown_target", "/constants/company.nmae"},
                              {"unknown_target", "/fields/contact.emial"}});
}

TEST(MappingEdge, MalformedMappingJson) {
  const auto r = parse_mapping(R"({
    "description": 5,
    "id": {"record_number": false},
    "fields": {"attributes.": "A", "job_title": 7, "company.name": {"column": "C", "description": 1}},
    "constants": {"source": {"a": 1}, "company.nmae": "x"},
    "events": [5, {"type": ""}, {"count": "N"}]
  })");
  ASSERT_FALSE(r.ok());
  const auto& ds = r.diagnostics();
  expect_diagnostics(ds, {{"wrong_type", "/description"},
                          {"invalid_value", "/id/record_number"},
                          {"unknown_target", "/fields/attributes."},
                          {"wrong_type", "/fields/job_title"},
                          {"wrong_type", "/fields/company.name/description"},
                          {"wrong_type", "/constants/source"},
                          {"unknown_target", "/constants/company.nmae"},
                          {"wrong_type", "/events/0"},
                          {"invalid_value", "/events/1/type"},
                          {"missing_key", "/events/2"}});
  for (const auto& d : ds) EXPECT_GT(d.line, 0u) << d.to_string();

  const auto both = parse_mapping(R"({"id": {"column": "A", "record_number": true}})");
  EXPECT_TRUE(has(both.diagnostics(), "invalid_value", "/id")) << to_string(both.diagnostics());

  Limits small;
  small.max_string_length = 8;
  const auto long_string =
      parse_mapping(R"({"fields": {"job_title": "a very long column name"}})", small);
  EXPECT_TRUE(has(long_string.diagnostics(), "limit_exceeded", "/fields/job_title"))
      << to_string(long_string.diagnostics());
  Limits few;
  few.max_properties = 1;
  const auto attributes = parse_mapping(R"({"attributes": {"a": "A", "b": "B"}})", few);
  EXPECT_TRUE(has(attributes.diagnostics(), "limit_exceeded", "/attributes"))
      << to_string(attributes.diagnostics());
}

TEST(MappingEdge, RecordLimitsAndLongValues) {
  Limits small;
  small.max_string_length = 10;
  small.max_events_per_lead = 5;
  auto parsed = parse_mapping(R"({"id": "id", "fields": {"company.employees": "n"},
                                  "events": [{"type": "page_view", "count": "views"}]})");
  ASSERT_TRUE(parsed.ok()) << to_string(parsed.diagnostics());
  const std::vector<std::string> header{"id", "n", "views"};
  auto mapper = CsvLeadMapper::create(*parsed, header, small);
  ASSERT_TRUE(mapper.ok()) << to_string(mapper.diagnostics());
  const std::string long_value(60, '9');
  auto lead = mapper->map(record_of({"an-id-longer-than-ten", long_value + "x", "6"}), as_of());
  ASSERT_FALSE(lead.ok());
  const auto& ds = lead.diagnostics();
  EXPECT_TRUE(has(ds, "limit_exceeded", "/id")) << to_string(ds);
  EXPECT_TRUE(has(ds, "limit_exceeded", "/events"));
  // A bad value is not quoted, long or short (docs/guarantees.md#privacy).
  auto roomy = CsvLeadMapper::create(*parsed, header);
  ASSERT_TRUE(roomy.ok());
  auto bad = roomy->map(record_of({"1", long_value + "x", "1"}), as_of());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.diagnostics()[0].message, HasSubstr("(the value is not shown)"));
  EXPECT_EQ(bad.diagnostics()[0].message.find("999"), std::string::npos);

  // A record with fewer fields than the header (not read against it).
  auto short_record = mapper->map(record_of({"1"}), as_of());
  ASSERT_FALSE(short_record.ok());
  EXPECT_EQ(short_record.diagnostics()[0].code, "csv_field_count");
}

TEST(MappingEdge, ValueTypeNames) {
  EXPECT_EQ(to_string(ValueType::string), "string");
  EXPECT_EQ(to_string(ValueType::number), "number");
  EXPECT_EQ(to_string(ValueType::boolean), "bool");
  EXPECT_EQ(to_string(ValueType::list), "list");
  EXPECT_EQ(to_string(ValueType::instant), "instant");
  EXPECT_EQ(to_string(ValueType::origin), "origin");
}

}  // namespace
}  // namespace leadscore
