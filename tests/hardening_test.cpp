// Regression tests for the library-side findings of issue 12 (hardening,
// round two); tests/time_budget_test.cpp holds the ones about time.
// docs/hardening.md lists every finding with its test.
#include <chrono>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

#include "support/lead_builder.hpp"
#include "support/numbered.hpp"

namespace leadscore {
namespace {

using namespace std::chrono_literals;
using test::as_of;

Event event_at(Instant at, std::string type = "page_view") {
  Event e;
  e.type = std::move(type);
  e.at = at;
  return e;
}

/// The code of the single diagnostic `run` throws as leadscore::Error.
template <class Run>
std::string thrown_code(Run run) {
  try {
    run();
  } catch (const Error& e) {
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.diagnostics().empty() ? std::string() : e.diagnostics().front().code;
  }
  return "(nothing thrown)";
}

bool loads(const Qualifier& q, const LeadState& state) {
  return LeadState::from_json(q, state.to_json()).ok();
}

// ---- finding 1: events out of order ---------------------------------------------

TEST(Hardening, ReversedEventsScoreLikeQualify) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  Lead lead;
  for (int i = 0; i < 50; ++i) {
    Event e = event_at(as_of() - std::chrono::hours(i), i % 3 == 0 ? "email_click" : "page_view");
    lead.events.push_back(e);
    const ApplyResult r = state.apply(std::move(e));
    EXPECT_EQ(r, i == 0 ? ApplyResult::applied : ApplyResult::replayed);
  }
  const Qualification full = q.qualify(lead, as_of());
  const Qualification inc = state.score(as_of());
  EXPECT_NEAR(inc.engagement, full.engagement, 1e-9 * std::fabs(full.engagement));
  EXPECT_EQ(inc.stage, full.stage);
  // A copy made while the accumulators are stale scores the same.
  state.apply(event_at(as_of() - 1000h));
  const LeadState copy = state;
  EXPECT_EQ(copy.score(as_of()).engagement, state.score(as_of()).engagement);
}

// ---- finding 2: CSV recovery ------------------------------------------------------

TEST(Hardening, CsvUnbalancedQuoteRecordsStopAtTheirSecondLine) {
  std::string text = "a,b,c\n";
  for (int i = 0; i < 50; ++i) text += "x\"y,\"z,w\n";
  CsvReader reader(text);
  ASSERT_TRUE(reader.read_header().ok());
  CsvRecord record;
  std::size_t records = 0;
  while (reader.next(record)) {
    ++records;
    // One stray quote and one character after a closing quote at most: the
    // record no longer runs on to the end of the input, one error per line.
    EXPECT_LE(record.errors.size(), 2u) << "record on line " << record.line;
    EXPECT_EQ(record.line, records + 1);
  }
  EXPECT_EQ(records, 50u);
}

// ---- finding 3: positions -----------------------------------------------------------

TEST(Hardening, PositionsOfManyDiagnosticsOnOneLine) {
  std::string text = R"({"id":"x","events":[)";
  std::vector<std::size_t> columns;
  for (int i = 0; i < 5; ++i) {
    if (i > 0) text += ',';
    text += R"({"type":"t","at":)";
    columns.push_back(text.size() + 1);
    text += R"("bad"})";
  }
  text += "]}\n";
  const Result<Lead> parsed = parse_lead(text);
  ASSERT_EQ(parsed.diagnostics().size(), columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(parsed.diagnostics()[i].line, 1u);
    EXPECT_EQ(parsed.diagnostics()[i].column, columns[i]);
  }
}

// ---- finding 12: what to_json() writes always loads ---------------------------------

TEST(Hardening, ApplyStopsAtMaxEventsPerLead) {
  const Qualifier q = Qualifier::with_default_config();
  const std::size_t max = Limits{}.max_events_per_lead;
  Lead lead;
  lead.events.assign(max, event_at(as_of() - 24h));
  LeadState state(q, lead);
  EXPECT_EQ(thrown_code([&] { state.apply(event_at(as_of())); }), "limit_exceeded");
  EXPECT_EQ(state.lead().events.size(), max);
  lead.events.push_back(event_at(as_of()));
  EXPECT_EQ(thrown_code([&] { LeadState too_many(q, lead); }), "limit_exceeded");
}

TEST(Hardening, ApplyChecksStringsPropertiesAndInstants) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  Event long_type = event_at(as_of());
  long_type.type.assign(Limits{}.max_string_length + 1, 'x');
  EXPECT_EQ(thrown_code([&] { state.apply(long_type); }), "limit_exceeded");
  Event many = event_at(as_of());
  for (std::size_t i = 0; i <= Limits{}.max_properties; ++i) {
    many.properties.emplace_back(test::numbered("p", i), 1.0);
  }
  EXPECT_EQ(thrown_code([&] { state.apply(many); }), "limit_exceeded");
  EXPECT_EQ(thrown_code([&] { state.apply(event_at(kFirstInstant - 1ms)); }), "invalid_value");
  EXPECT_EQ(thrown_code([&] { state.apply(event_at(kLastInstant + 1ms)); }), "invalid_value");
  EXPECT_EQ(thrown_code([&] { state.apply(event_at(Instant::max())); }), "invalid_value");
  EXPECT_TRUE(state.lead().events.empty());  // nothing changed

  EXPECT_EQ(state.apply(event_at(kFirstInstant)), ApplyResult::applied);
  EXPECT_EQ(state.apply(event_at(kLastInstant)), ApplyResult::applied);
  Event bad_utf8 = event_at(as_of());
  bad_utf8.properties.emplace_back("url", std::string("\xFF\xFE"));
  EXPECT_EQ(state.apply(bad_utf8), ApplyResult::replayed);
  EXPECT_TRUE(loads(q, state));

  Lead profile;
  profile.created_at = kFirstInstant - 1ms;
  EXPECT_EQ(thrown_code([&] { state.set_profile(profile); }), "invalid_value");
}

/// Applies events with property "blob" = `blob` until apply() refuses one:
/// the error code, and how many it took.
std::pair<std::string, std::size_t> apply_until_refused(LeadState& state, const std::string& blob) {
  std::size_t applied = 0;
  std::string code = thrown_code([&] {
    for (;;) {
      Event e = event_at(as_of());
      e.properties.emplace_back("blob", blob);
      state.apply(std::move(e));
      ++applied;
    }
  });
  return {std::move(code), applied};
}

TEST(Hardening, ApplyKeepsTheLeadUnderMaxLeadBytes) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  const std::string big(Limits{}.max_string_length, 'x');
  const auto [code, applied] = apply_until_refused(state, big);
  EXPECT_EQ(code, "limit_exceeded");
  EXPECT_GT(applied * big.size(), Limits{}.max_lead_bytes * 9 / 10);
  EXPECT_LE(state.to_json().size(), 2 * Limits{}.max_lead_bytes);
}

// Bytes that JSON escapes count as written: a control character as \u00XX
// (6 bytes), a quote as 2 (JsonStringBytes in text_test.cpp checks every
// case of the count itself).
TEST(Hardening, ApplyCountsEscapedBytesTowardsMaxLeadBytes) {
  const Qualifier q = Qualifier::with_default_config();
  for (const std::string unit : {"abcde\x01fg", "abc\"defgh"}) {
    LeadState state(q, Lead{});
    std::string blob;
    while (blob.size() + unit.size() <= Limits{}.max_string_length) blob += unit;
    const auto [code, applied] = apply_until_refused(state, blob);
    EXPECT_EQ(code, "limit_exceeded");
    EXPECT_GT(applied, 0U);
    // The saved lead stays within max_lead_bytes (plus the state's own keys).
    EXPECT_LE(state.to_json().size(), Limits{}.max_lead_bytes + 4096) << "unit " << unit.size();
  }
}

TEST(Hardening, ObserveAndFeedbackRecordOnlyInstantsThatReadBack) {
  const Qualifier q = Qualifier::with_default_config();
  LeadState state(q, Lead{});
  EXPECT_EQ(thrown_code([&] { state.observe(Instant::max()); }), "invalid_value");
  EXPECT_EQ(thrown_code([&] { state.feedback(SalesStatus::rejected, Instant::min()); }),
            "invalid_value");
  EXPECT_TRUE(state.history().empty());
  // A hold from late in year 9999 ends at kLastInstant (saturated), and loads.
  state.feedback(SalesStatus::lost, kLastInstant - 24h, "no budget");
  EXPECT_TRUE(loads(q, state));
}

TEST(Hardening, OffsetsCannotLeaveYears1To9999) {
  EXPECT_FALSE(parse_instant("0001-01-01T00:00:00+00:01"));
  EXPECT_FALSE(parse_instant("9999-12-31T23:59:00-00:01"));
  EXPECT_EQ(parse_instant("0001-01-01T00:01:00+00:01"), kFirstInstant);
  EXPECT_EQ(parse_instant("9999-12-31T23:59:59.999Z"), kLastInstant);
  const Result<Lead> lead = parse_lead(R"({"id":"x","created_at":"0001-01-01T00:00:00+00:01"})");
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.diagnostics().front().pointer, "/created_at");
}

// ---- finding 13: Instant::min() / max() from C++ ---------------------------------------

TEST(Hardening, ExtremeInstantsSaturate) {
  Config c;
  c.add(Rule::behavior("recent", {"page_view"}, 5).within(7));
  c.add(Rule::behavior("decayed", {"page_view"}, 3).decay(10));
  c.add(Rule::behavior("daily", {"page_view"}, 1).per_day(1));
  const Qualifier q = Qualifier::build(c).value();
  Lead lead;
  lead.created_at = Instant::min();
  lead.events = {event_at(Instant::min()), event_at(kFirstInstant)};
  const Qualification at_max = q.qualify(lead, Instant::max());
  EXPECT_TRUE(std::isfinite(at_max.engagement));
  // Events at the dawn of time are not within 7 days of the end of time.
  const Explanation ex = q.explain(lead, Instant::max());
  for (const Contribution& k : ex.contributions) {
    if (k.rule_id == "recent") {
      EXPECT_EQ(k.points, 0) << "the window's difference overflowed";
    }
  }
  ASSERT_TRUE(ex.facts.days_since_created);
  EXPECT_GT(*ex.facts.days_since_created, 1e9);
  EXPECT_TRUE(std::isfinite(q.qualify(lead, Instant::min()).total));

  LeadState state(q, Lead{});
  state.apply(event_at(kFirstInstant));
  state.apply(event_at(kLastInstant));
  EXPECT_TRUE(std::isfinite(state.score(Instant::max()).engagement));
  EXPECT_TRUE(std::isfinite(state.score(Instant::min()).engagement));
  EXPECT_TRUE(std::isfinite(state.explain(Instant::max()).result.total));
  EXPECT_GT(days_between(Instant::min(), Instant::max()), 0);
}

// ---- finding 14: tampered states -----------------------------------------------------

std::string state_with(std::string_view members) {
  return R"({"format":"leadscore.lead_state","version":1,"lead":{"id":"L"},"stage":"")" +
         std::string(members.empty() ? "" : ",") + std::string(members) + "}";
}

std::string first_error(const Result<LeadState>& r) {
  for (const Diagnostic& d : r.diagnostics()) {
    if (d.is_error()) return d.code + " at " + d.pointer;
  }
  return "(no error)";
}

TEST(Hardening, TamperedStatesDoNotLoad) {
  const Qualifier q = Qualifier::with_default_config();
  EXPECT_EQ(first_error(LeadState::from_json(q, state_with(R"("config":{"fingerprint":42})"))),
            "wrong_type at /config/fingerprint");
  EXPECT_EQ(first_error(LeadState::from_json(q, state_with(R"("config":"x")"))),
            "wrong_type at /config");
  EXPECT_EQ(
      first_error(LeadState::from_json(q, state_with(R"("observed_at":"2026-01-01T00:00:00Z",)"
                                                     R"("entered_at":"2026-02-01T00:00:00Z")"))),
      "invalid_value at /entered_at");
  EXPECT_EQ(
      first_error(LeadState::from_json(q, state_with(R"("entered_at":"2027-03-01T10:00:00Z")"))),
      "invalid_value at /entered_at");  // found by fuzz target lead_state_json
  const std::string future = state_with(R"("observed_at":"9999-12-31T00:00:00Z")");
  EXPECT_TRUE(LeadState::from_json(q, future).ok());  // no clock: consistent by itself
  EXPECT_EQ(first_error(LeadState::from_json(q, future, as_of())), "invalid_value at /observed_at");
  EXPECT_TRUE(
      LeadState::from_json(q, state_with(R"("observed_at":"2026-01-01T00:00:00Z")"), as_of()).ok());
}

// ---- finding 15: NUL bytes --------------------------------------------------------------

TEST(Hardening, NulByteIsInvalidJson) {
  using namespace std::string_view_literals;
  const std::string_view lead = "{\"id\":\"x\"}\0{\"junk"sv;
  const Result<Lead> parsed = parse_lead(lead);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.diagnostics().front().code, "json_syntax");
  EXPECT_EQ(parsed.diagnostics().front().column, 11u);
  EXPECT_FALSE(parse_lead("{\"id\":\"a\0b\"}"sv).ok());
  EXPECT_FALSE(Qualifier::from_json_text("{\"name\":\"x\"}\0"sv).ok());
  const Qualifier q = Qualifier::with_default_config();
  EXPECT_EQ(first_error(LeadState::from_json(q, state_with("") + std::string(1, '\0'))),
            "json_syntax at ");
}

}  // namespace
}  // namespace leadscore
