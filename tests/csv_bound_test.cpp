// Tests of CsvLeadMapper::map_into (leadscore/csv.hpp): CSV records written
// straight into a Qualifier's bound form must score exactly as the lead that
// map() builds, fail exactly when map() fails (with the same diagnostics),
// and keep the attributes the model reads by name (enrichment fields, slots
// beyond the first 256). One BoundLead is reused across records, mappings
// and qualifiers, as the CLI does.
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

#include "support/numbered.hpp"

namespace leadscore {
namespace {

const Instant kAsOf = parse_instant("2026-11-22T00:00:00Z").value();

Qualifier build(const std::string& json) {
  Result<Qualifier> q = Qualifier::from_json_text(json);
  if (!q) ADD_FAILURE() << to_string(q.diagnostics()) << "\n" << json;
  return q ? std::move(*q) : Qualifier::with_default_config();
}

CsvLeadMapper mapper_for(std::string_view mapping_json, std::string_view csv) {
  Result<Mapping> mapping = parse_mapping(mapping_json);
  EXPECT_TRUE(mapping.ok()) << to_string(mapping.diagnostics());
  CsvReader reader(csv);
  const auto header = reader.read_header();
  EXPECT_TRUE(header.ok());
  Result<CsvLeadMapper> m = CsvLeadMapper::create(*mapping, *header);
  EXPECT_TRUE(m.ok()) << to_string(m.diagnostics());
  return std::move(*m);
}

/// Rule hits, to compare the listener paths.
class Hits final : public RuleListener {
 public:
  void on_rule(const RuleHit& hit) override {
    seen += std::to_string(hit.index) + ":" + std::to_string(hit.points) + ";";
  }
  std::string seen;
};

/// Maps every record of `csv` both ways with one reused BoundLead and
/// checks they agree; returns how many records scored.
std::size_t expect_same(const Qualifier& q, const CsvLeadMapper& mapper, std::string_view csv,
                        BoundLead& bound) {
  CsvReader reader(csv);
  EXPECT_TRUE(reader.read_header().ok());
  CsvRecord record;
  std::vector<Diagnostic> errors;
  std::size_t scored = 0;
  while (reader.next(record)) {
    const Result<Lead> lead = mapper.map(record, kAsOf);
    const bool ok = mapper.map_into(record, kAsOf, q, bound, errors);
    EXPECT_EQ(ok, lead.ok()) << "record " << record.number;
    if (!lead.ok()) {
      EXPECT_EQ(to_string(errors), to_string(lead.diagnostics())) << "record " << record.number;
      continue;
    }
    if (!ok) continue;
    ++scored;
    const Qualification expected = q.qualify(*lead, kAsOf);
    EXPECT_EQ(q.qualify(bound, kAsOf), expected) << "record " << record.number;
    EXPECT_EQ(bound.lead().id, lead->id);
    EXPECT_EQ(bound.lead().created_at, lead->created_at);
    EXPECT_EQ(bound.lead().events.size(), lead->events.size());
    Hits a;
    Hits b;
    (void)q.qualify(*lead, kAsOf, a);
    (void)q.qualify(bound, kAsOf, b);
    EXPECT_EQ(b.seen, a.seen) << "record " << record.number;
  }
  return scored;
}

constexpr std::string_view kMapping = R"({
  "id": "Id",
  "missing": ["", "-", " N/A "],
  "constants": {"attributes.region": "EMEA", "origin": "inbound"},
  "fields": {
    "contact.email": "Email",
    "company.employees": "Employees",
    "created_at": "Created"
  },
  "attributes": {
    "industry": "Industry",
    "country": {"column": "Country", "lower_case": true},
    "stage": {"column": "Stage", "trim": false},
    "plan": "Plan",
    "revenue": {"column": "Revenue", "type": "number"},
    "visits": {"column": "Visits", "type": "number", "missing": ["", "none"]},
    "partner": {"column": "Partner", "type": "bool"},
    "tags": {"column": "Tags", "type": "list", "separator": "|"},
    "notes": "Notes"
  },
  "events": [{"type": "page_view", "count": "Views", "at": "Last View"}]
})";

constexpr std::string_view kHeader =
    "Id,Email,Employees,Created,Industry,Country,Stage,Plan,Revenue,Visits,Partner,Tags,Notes,"
    "Views,Last View\n";

/// Random records over small vocabularies (mixed case, padding, missing
/// tokens, the odd bad number or bool so that some records fail).
std::string random_csv(std::mt19937& rng, std::size_t rows) {
  const auto pick = [&rng](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  const std::vector<std::string> industry{"Software", "software ", "RETAIL",  "Retail",
                                          "",         "-",         "banking", "Health care"};
  const std::vector<std::string> country{"France", " germany", "SPAIN", "", "n/a", "Italy"};
  const std::vector<std::string> stage{"lead", " lead", "MQL", "sql", "", "customer"};
  const std::vector<std::string> plan{"Enterprise", "team", "free", "", "-", "Team Plus"};
  const std::vector<std::string> number{"10", "250", "1e3", "-4", "", "abc", "0", "12.5"};
  const std::vector<std::string> visits{"3", "30", "none", "", "7"};
  const std::vector<std::string> boolean{"true", "no", "yes", "", "maybe", "0"};
  const std::vector<std::string> tags{"a|b", "vip", "", "B|c|vip", "x"};
  const std::vector<std::string> email{"ann@acme.com", "bob@gmail.com", "", "c@rival.io"};
  const std::vector<std::string> views{"", "2", "0", "5", "x"};
  const std::vector<std::string> when{"", "2026-11-01T00:00:00Z", "2026-10-01T00:00:00Z", "bad"};
  std::string csv(kHeader);
  for (std::size_t i = 0; i < rows; ++i) {
    // Appends only (numbered(), tests/support/numbered.hpp: GCC bug 105651).
    csv += test::numbered("L", i);
    csv += ",";
    csv += pick(email);
    csv += ",";
    csv += pick(number);
    csv += ",";
    if (i % 3 != 0) {
      csv += test::numbered("2026-0", 1 + i % 9);
      csv += "-02T00:00:00Z";
    }
    for (const std::string* cell : {&pick(industry), &pick(country), &pick(stage), &pick(plan),
                                    &pick(number), &pick(visits), &pick(boolean), &pick(tags)}) {
      csv += ",";
      csv += *cell;
    }
    csv += ",";
    csv += test::numbered("n", i);
    csv += ",";
    csv += pick(views);
    csv += ",";
    csv += pick(when);
    csv += "\n";
  }
  return csv;
}

constexpr std::string_view kConfig = R"({
  "version": 1,
  "options": {"enrichment": {"fields": ["company.employees", "attributes.notes",
                                        "attributes.plan"], "min_fields": 2}},
  "rules": [
    {"id": "software", "kind": "fit", "points": 10,
     "when": {"field": "attributes.industry", "op": "eq", "value": "software"}},
    {"id": "not_retail", "kind": "fit", "points": 3,
     "when": {"field": "attributes.industry", "op": "ne", "value": "retail"}},
    {"id": "eu", "kind": "fit", "points": 5,
     "when": {"field": "attributes.country", "op": "in", "value": ["france", "germany"]}},
    {"id": "not_spain", "kind": "fit", "points": 1,
     "when": {"field": "attributes.country", "op": "not_in", "value": ["spain"]}},
    {"id": "stage_exact", "kind": "fit", "points": 7,
     "when": {"field": "attributes.stage", "op": "eq", "value": "lead", "case_sensitive": true}},
    {"id": "stage_mql", "kind": "fit", "points": 4,
     "when": {"field": "attributes.stage", "op": "starts_with", "value": "m"}},
    {"id": "region", "kind": "fit", "points": 2,
     "when": {"field": "attributes.region", "op": "eq", "value": "emea"}},
    {"id": "revenue", "kind": "fit", "points": 6,
     "when": {"field": "attributes.revenue", "op": "between", "value": [100, 5000]}},
    {"id": "busy", "kind": "fit", "points": 5,
     "when": {"field": "attributes.visits", "op": "gte", "value": 5}},
    {"id": "no_visits", "kind": "fit", "points": -2,
     "when": {"field": "attributes.visits", "op": "missing"}},
    {"id": "partner", "kind": "fit", "points": 8,
     "when": {"field": "attributes.partner", "op": "eq", "value": true}},
    {"id": "vip", "kind": "fit", "points": 9,
     "when": {"field": "attributes.tags", "op": "contains", "value": "vip"}},
    {"id": "tagged", "kind": "fit", "points": 1,
     "when": {"field": "attributes.tags", "op": "in", "value": ["a", "c"]}},
    {"id": "size", "kind": "fit", "points": 4,
     "when": {"field": "company.employees", "op": "gte", "value": 100}},
    {"id": "enriched", "kind": "fit", "points": 6,
     "when": {"field": "enrichment", "op": "eq", "value": "enriched"}},
    {"id": "views", "kind": "behavior", "event": "page_view", "points": 2, "max_points": 8},
    {"id": "rival", "kind": "knockout", "reason": "competitor",
     "when": {"field": "email_domain", "op": "eq", "value": "rival.io"}},
    {"id": "plan_free", "kind": "knockout", "reason": "free plan",
     "when": {"field": "attributes.plan", "op": "eq", "value": "free"}}
  ],
  "stages": [
    {"name": "SQL", "when": {"all": [{"field": "score.fit", "op": "gte", "value": 25},
                                     {"field": "attributes.plan", "op": "eq", "value": "enterprise"}]}},
    {"name": "MQL", "when": {"field": "score.total", "op": "gte", "value": 15}}
  ]
})";

TEST(CsvBound, ScoresExactlyAsTheMappedLeadOnRandomRecords) {
  const Qualifier q = build(std::string(kConfig));
  std::mt19937 rng(20261207);
  const std::string csv = random_csv(rng, 600);
  const CsvLeadMapper mapper = mapper_for(kMapping, csv);
  BoundLead bound;
  const std::size_t scored = expect_same(q, mapper, csv, bound);
  EXPECT_GT(scored, 100U);  // the vocabularies leave most records valid
  EXPECT_LT(scored, 600U);  // and some invalid
}

// The same records read as views (CsvReader::next(CsvRecordView&)): map(),
// map_into() and id_of() give what they give on the copied records.
TEST(CsvBound, RecordsReadAsViewsMapAsCopiedRecords) {
  const Qualifier q = build(std::string(kConfig));
  std::mt19937 rng(20261208);
  const std::string csv = random_csv(rng, 400);
  const CsvLeadMapper mapper = mapper_for(kMapping, csv);
  CsvReader copies{std::string_view(csv)};
  CsvReader views{std::string_view(csv)};
  ASSERT_TRUE(copies.read_header().ok());
  ASSERT_TRUE(views.read_header().ok());
  CsvRecord record;
  CsvRecordView view;
  BoundLead a;
  BoundLead b;
  std::vector<Diagnostic> errors_a;
  std::vector<Diagnostic> errors_b;
  std::size_t scored = 0;
  while (copies.next(record)) {
    ASSERT_TRUE(views.next(view));
    EXPECT_EQ(mapper.id_of(view), mapper.id_of(record));
    const Result<Lead> lead_a = mapper.map(record, kAsOf);
    const Result<Lead> lead_b = mapper.map(view, kAsOf);
    ASSERT_EQ(lead_b.ok(), lead_a.ok()) << "record " << record.number;
    const bool ok = mapper.map_into(record, kAsOf, q, a, errors_a);
    ASSERT_EQ(mapper.map_into(view, kAsOf, q, b, errors_b), ok) << "record " << record.number;
    if (!ok) {
      EXPECT_EQ(to_string(errors_b), to_string(errors_a)) << "record " << record.number;
      EXPECT_EQ(to_string(lead_b.diagnostics()), to_string(lead_a.diagnostics()));
      continue;
    }
    ++scored;
    EXPECT_EQ(q.qualify(*lead_b, kAsOf), q.qualify(*lead_a, kAsOf)) << "record " << record.number;
    EXPECT_EQ(q.qualify(b, kAsOf), q.qualify(a, kAsOf)) << "record " << record.number;
    EXPECT_EQ(b.lead().id, a.lead().id);
  }
  EXPECT_FALSE(views.next(view));
  EXPECT_GT(scored, 50U);
  EXPECT_LT(scored, 400U);
}

TEST(CsvBound, OneBoundLeadServesSeveralQualifiersAndMappings) {
  // The attribute targets are found again when the qualifier or the mapping
  // changes: alternate two configurations reading different attributes.
  const Qualifier a = build(std::string(kConfig));
  const Qualifier b = build(R"({"version": 1, "rules": [
    {"id": "plan", "kind": "fit", "points": 3,
     "when": {"field": "attributes.plan", "op": "in", "value": ["team", "enterprise"]}},
    {"id": "notes", "kind": "fit", "points": 4,
     "when": {"field": "attributes.notes", "op": "ends_with", "value": "7"}}]})");
  std::mt19937 rng(7);
  const std::string csv = random_csv(rng, 80);
  const CsvLeadMapper first = mapper_for(kMapping, csv);
  const CsvLeadMapper second = mapper_for(kMapping, csv);
  BoundLead bound;
  for (int round = 0; round < 3; ++round) {
    expect_same(a, first, csv, bound);
    expect_same(b, first, csv, bound);
    expect_same(b, second, csv, bound);
  }
}

TEST(CsvBound, AttributesReadByNameAreKeptInTheLead) {
  // Enrichment counts attributes.notes and attributes.plan by name; a rule
  // on attributes.visits reads it by slot only.
  const Qualifier q = build(std::string(kConfig));
  const std::string csv =
      std::string(kHeader) + "L1,,,,Software,France,lead,team,10,3,true,vip,hello,,\n";
  const CsvLeadMapper mapper = mapper_for(kMapping, csv);
  CsvReader reader(csv);
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  BoundLead bound;
  std::vector<Diagnostic> errors;
  ASSERT_TRUE(mapper.map_into(record, kAsOf, q, bound, errors)) << to_string(errors);
  const auto& attributes = bound.lead().attributes;
  EXPECT_EQ(attributes.count("notes"), 1U);
  EXPECT_EQ(attributes.count("plan"), 1U);
  EXPECT_EQ(attributes.count("visits"), 0U);    // read by slot only
  EXPECT_EQ(attributes.count("industry"), 0U);  // read by slot only
  EXPECT_EQ(q.qualify(bound, kAsOf), q.qualify(*mapper.map(record, kAsOf), kAsOf));
}

TEST(CsvBound, AttributesBeyondTheBoundSlotsAreReadByName) {
  // 300 attributes read by the configuration: the first 256 (in name order)
  // bind to slots, the others are kept in the lead and read by name.
  std::string rules;
  std::string fields;
  std::string header = "Id";
  std::string row = "L1";
  for (int i = 0; i < 300; ++i) {
    const std::string name = test::numbered("a", 1000 + i);
    if (i > 0) {
      rules += ",";
      fields += ",";
    }
    rules += R"({"id": "r)" + std::to_string(i) +
             R"(", "kind": "fit", "points": 1, "when": {"field": "attributes.)" + name +
             R"(", "op": "eq", "value": "y"}})";
    fields += "\"" + name + "\": \"" + name + "\"";
    header += "," + name;
    row += i % 3 == 0 ? ",n" : ",Y";
  }
  const Qualifier q =
      build(R"({"version": 1, "scores": {"fit": {"max": 1000}}, "rules": [)" + rules + "]}");
  const std::string csv = header + "\n" + row + "\n";
  const CsvLeadMapper mapper = mapper_for(R"({"id": "Id", "attributes": {)" + fields + "}}", csv);
  BoundLead bound;
  ASSERT_EQ(expect_same(q, mapper, csv, bound), 1U);
  EXPECT_EQ(q.qualify(bound, kAsOf).fit, 200);  // 300 attributes, one in three "n"
  EXPECT_EQ(bound.lead().attributes.size(), 300U - 256U);
}

TEST(CsvBound, ReadErrorsAndShortRecordsFailAsMapDoes) {
  const Qualifier q = build(std::string(kConfig));
  const std::string csv = std::string(kHeader) + "L1,\"unclosed\n" + "L2,a@b.c,10\n";
  const CsvLeadMapper mapper = mapper_for(kMapping, std::string(kHeader));
  BoundLead bound;
  EXPECT_EQ(expect_same(q, mapper, csv, bound), 0U);
}

}  // namespace
}  // namespace leadscore
