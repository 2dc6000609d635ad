// leadscore/limits.hpp — hard limits that keep hostile input from exhausting
// memory or time. Every limit has a documented default; exceeding one is a
// clear error (code "limit_exceeded") naming the limit and where it was hit.
#pragma once

#include <cstddef>

namespace leadscore {

struct Limits {
  /// Bytes of configuration JSON text accepted.
  std::size_t max_config_bytes = 16u << 20;
  /// Rules in one configuration (all kinds).
  std::size_t max_rules = 10'000;
  /// Behaviour rules (per-event points) in one configuration. Hard cap 1024.
  std::size_t max_behavior_rules = 1'024;
  /// Event aggregates (measure conditions) in one configuration. Hard cap 256.
  std::size_t max_aggregates = 256;
  /// Distinct event types a configuration names. Hard cap 1024.
  std::size_t max_event_types = 1'024;
  /// Stages in one configuration.
  std::size_t max_stages = 64;
  /// Nesting depth of a condition (all/any/not levels).
  std::size_t max_condition_depth = 32;
  /// Elements of an `in` / `not_in` / `contains_any` list, or free-mail domains.
  std::size_t max_set_size = 100'000;
  /// Characters of any string (names, values, ids) in a configuration or lead.
  std::size_t max_string_length = 64u << 10;
  /// Largest `within_days` of a distinct_days aggregate. Hard cap 3660.
  double max_distinct_days_window = 3'660;
  /// Events in one lead (lead JSON parsing rejects more).
  std::size_t max_events_per_lead = 100'000;
  /// Properties of one event, and custom attributes of one lead.
  std::size_t max_properties = 1'000;
  /// Bytes of one lead's JSON text.
  std::size_t max_lead_bytes = 64u << 20;
  /// Items of one list value (an attribute or discovery field): lead JSON
  /// and CSV list columns reject more, as CSV records reject more than
  /// CsvOptions::max_fields cells. JSON arrays longer than this and
  /// max_events_per_lead are rejected while the text is parsed, so a line
  /// of millions of tiny items is never built in memory.
  std::size_t max_list_items = 4'096;
};

/// The hard caps that Limits cannot raise (stack-sized evaluation buffers).
inline constexpr std::size_t kHardMaxBehaviorRules = 1'024;
inline constexpr std::size_t kHardMaxAggregates = 256;
inline constexpr std::size_t kHardMaxEventTypes = 1'024;
inline constexpr double kHardMaxDistinctDaysWindow = 3'660;

}  // namespace leadscore
