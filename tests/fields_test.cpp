// Tests of the lead schema (src/model/fields.hpp): every path resolves to
// its own row, every mapping target and lead JSON key is a field of the
// table, every condition field compiles and reads the lead through the
// table, and enrichment counts every lead field.
#include "model/fields.hpp"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/config.hpp"
#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/qualifier_helpers.hpp"

namespace leadscore {
namespace {

using detail::find_field;
using detail::kLeadFields;
using detail::LeadField;
using detail::Storage;
namespace use = detail::use;

/// A lead with every field of the table set (and one attribute).
Lead full_lead() {
  Lead lead;
  for (const LeadField& f : kLeadFields) {
    if (f.access.member == nullptr) continue;
    const std::string text = "x_" + std::string(f.key());
    std::visit(detail::Overloaded{
                   [&](std::string* out) { *out = "lead-1"; },
                   [&](std::optional<std::string>* out) { *out = text; },
                   [&](std::optional<double>* out) { *out = 42; },
                   [&](std::optional<bool>* out) { *out = true; },
                   [&](std::optional<Value>* out) { *out = Value{text}; },
                   [&](Origin* out) { *out = Origin::inbound; },
                   [&](std::optional<Instant>* out) { *out = test::as_of(); },
               },
               f.access.member(lead));
  }
  lead.attributes.emplace("plan", Value{std::string("pro")});
  return lead;
}

TEST(LeadFields, EveryRowHasTheAccessorsItsUsesNeed) {
  EXPECT_TRUE(detail::lead_field_accessors_complete());
}

TEST(LeadFields, EveryPathResolvesToItsOwnRow) {
  for (const LeadField& f : kLeadFields) {
    SCOPED_TRACE(std::string(f.path));
    EXPECT_EQ(&detail::lead_field(f.id), &f);
    const std::string path = f.named() ? std::string(f.path) + "some_name" : std::string(f.path);
    for (unsigned bit = 1; bit <= use::lead_json; bit <<= 1) {
      if (!f.usable(bit) || bit == use::stage_only) continue;
      std::string_view name = "stale";
      EXPECT_EQ(find_field(path, bit, name), &f) << "use " << bit;
      EXPECT_EQ(name, f.named() ? std::string_view("some_name") : std::string_view());
    }
  }
  std::string_view name;
  EXPECT_EQ(find_field("attributes.", use::condition, name), nullptr);
  EXPECT_EQ(find_field("event_count.", use::condition, name), nullptr);
  EXPECT_EQ(find_field("company.employee", use::condition, name), nullptr);
  EXPECT_EQ(find_field("created_at", use::condition, name),
            nullptr);  // not a condition field
  EXPECT_EQ(find_field("id", use::mapping, name),
            nullptr);  // the id column is given apart
}

TEST(LeadFields, EveryMappingTargetIsALeadField) {
  std::vector<std::string_view> expected;
  for (const LeadField& f : kLeadFields) {
    if (f.usable(use::mapping) && !f.named()) expected.push_back(f.path);
  }
  const auto targets = mapping_targets();
  ASSERT_EQ(std::vector<std::string_view>(targets.begin(), targets.end()), expected);
  for (std::string_view target : targets) {
    std::string_view name;
    const LeadField* f = find_field(target, use::mapping, name);
    ASSERT_NE(f, nullptr) << target;
    EXPECT_NE(f->access.member, nullptr) << target;
  }
  EXPECT_EQ(targets.front(), "contact.first_name");
  EXPECT_EQ(targets.back(), "discovery.timeline");
}

TEST(LeadFields, EveryLeadJsonKeyIsALeadField) {
  const Lead lead = full_lead();
  const nlohmann::json j = to_json(lead);
  std::set<std::string> written;
  for (const auto& [key, value] : j.items()) {
    if (key == "events" || key == "attributes") continue;
    if (!value.is_object()) {
      written.insert(key);
      continue;
    }
    for (const auto& [inner, v] : value.items()) written.insert(key + "." + inner);
  }
  std::set<std::string> fields;
  for (const LeadField& f : kLeadFields) {
    if (f.usable(use::lead_json) && !f.named()) fields.emplace(f.path);
  }
  EXPECT_EQ(written, fields);
  for (const std::string& path : written) {
    std::string_view name;
    EXPECT_NE(find_field(path, use::lead_json, name), nullptr) << path;
  }
  const Result<Lead> back = parse_lead(to_json_text(lead));
  ASSERT_TRUE(back.ok()) << to_string(back.diagnostics());
  EXPECT_EQ(back.value(), lead);
}

TEST(LeadFields, EveryConditionFieldCompilesAndReadsTheLead) {
  // One rule per field: `exists` on the lead's own fields (all set in
  // full_lead), an always-true `exists or not` on the derived facts; the
  // stage-only fields in the stage, and refused in rules.
  Config config;
  std::vector<Condition> stage_checks;
  for (const LeadField& f : kLeadFields) {
    if (!f.usable(use::condition)) continue;
    const std::string path = f.id == detail::FieldId::attribute          ? "attributes.plan"
                             : f.id == detail::FieldId::event_count_type ? "event_count.page_view"
                                                                         : std::string(f.path);
    const Condition exists = Condition::compare(path, Op::exists);
    const Condition always = Condition::any({exists, Condition::negate(exists)});
    if (f.usable(use::stage_only)) {
      stage_checks.push_back(always);
      const auto errors = test::build_errors(test::config_with({Rule::fit("r", exists, 1)}));
      EXPECT_EQ(test::with_code(errors, "field_not_allowed").size(), 1U) << path;
      continue;
    }
    const std::string id = "r" + std::to_string(config.rules.size());
    config.rules.push_back(Rule::fit(id, f.access.read != nullptr ? exists : always, 1));
  }
  Stage stage;
  stage.name = "every_field";
  stage.when = Condition::all(stage_checks);
  config.stages.push_back(stage);
  const Qualifier q = test::build_ok(config);
  const Qualification result = q.qualify(full_lead(), test::as_of());
  EXPECT_EQ(result.fit, static_cast<double>(config.rules.size()));
  EXPECT_EQ(result.stage, "every_field");
  EXPECT_EQ(q.qualify(Lead{}, test::as_of()).fit < result.fit, true);
}

TEST(LeadFields, EnrichmentCountsEveryLeadField) {
  Config config;
  config.options.enrichment.fields.clear();
  for (const LeadField& f : kLeadFields) {
    if (!f.usable(use::enrichment)) continue;
    config.options.enrichment.fields.emplace_back(f.named() ? "attributes.plan"
                                                            : std::string(f.path));
  }
  config.options.enrichment.min_fields = config.options.enrichment.fields.size();
  const Qualifier q = test::build_ok(config);
  const DerivedFacts facts = q.derive(full_lead(), test::as_of());
  EXPECT_EQ(facts.completeness, 1.0);
  EXPECT_EQ(facts.enrichment, EnrichmentLevel::enriched);
  EXPECT_EQ(q.derive(Lead{}, test::as_of()).completeness, 0.0);
}

}  // namespace
}  // namespace leadscore
