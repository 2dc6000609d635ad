// Event accumulation: the one implementation of windows, per-day caps,
// decay, distinct days, implied events and event hygiene (private).
//
// Two feeders share it:
//  - qualify() knows as_of before the first event: EventAccumulator takes a
//    lead's events in time order and decides windows as it goes;
//  - LeadState does not: StreamAccumulator takes events one at a time (in
//    time order) and keeps the events of windowed rules and aggregates, which
//    it replays through the same counting functions when it is read at an
//    as_of.
// Both end in the same Scratch accumulators, which the evaluator reads.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/time.hpp"

#include "eval/implier_tables.hpp"
#include "model/model.hpp"

namespace leadscore::detail {

/// Exact, order-independent accumulator of decay factors in (0, 1]: each
/// factor is rounded to a multiple of 2^-62 and summed as a 128-bit integer.
__extension__ typedef unsigned __int128 FactorSum;

/// Per behaviour rule, what the events contributed.
struct RuleAcc {
  std::int64_t sum;  ///< micro-points (decayed rules: set by finish_rule)
  std::uint32_t matched, counted, over, outside, implied;
  std::int64_t day;  ///< UTC day of the per-day cap being filled
  std::uint32_t day_n;
  double factor_sum;    ///< sum of decay factors (counted events without decay)
  FactorSum factor_fx;  ///< decayed rules: sum of 2^((t - ref) / half-life), fixed point
  std::int64_t ref;     ///< decayed rules: the instant (ms) factor_fx is relative to
};

struct AggAcc {
  std::int64_t sum;
  std::int64_t last;
  std::uint32_t count;
  bool any;
  std::uint32_t days;  ///< distinct_days result
};

/// Leads with at most this many events are sorted, deduplicated and paired
/// (implied events) in fixed buffers; larger ones use a per-thread buffer
/// that grows once.
inline constexpr std::size_t kSortedEventsBuffer = 4096;

/// The evaluator's working state for one lead at one as_of.
struct Scratch {
  /// Storage for the lead's attribute values by slot, constructed by the
  /// evaluator as it binds them (raw, so that a Scratch costs nothing to
  /// create: Val has member initialisers).
  struct alignas(Val) RawVal {
    unsigned char bytes[sizeof(Val)];
  };
  RawVal values[kBoundSlots];
  RuleAcc rules[kHardMaxBehaviorRules];
  AggAcc aggs[kHardMaxAggregates];
  std::uint64_t bits[2048];
  std::uint32_t type_counts[kHardMaxEventTypes + 1];
  std::uint32_t order[kSortedEventsBuffer];
  std::uint32_t implier[kSortedEventsBuffer];  ///< events of implied_by types (first: id hashes)
};

/// What the events of a lead add up to, besides the accumulators.
struct EventSummary {
  std::size_t considered = 0;
  std::size_t after_as_of = 0;
  std::size_t duplicate = 0;  ///< repeated ids left out
  std::size_t automated = 0;  ///< ignored events left out
  bool any = false;
  Instant last{};
};

/// Whether an event takes part in scoring at all: events flagged
/// `automated` do not unless the configuration says otherwise.
inline bool ignored_event(const Model& model, const Event& e) noexcept {
  return e.automated && model.config.options.ignore_automated;
}

/// Of two copies of one event id, whether `a` is the one that counts rather
/// than `b`: the earlier instant, then the smaller content (type, automated
/// flag, properties by name then value). Does not depend on input order.
bool counts_before(const Event& a, const Event& b) noexcept;

/// Repeated event ids, one event at a time (LeadState): the streaming form
/// of the rule EventAccumulator applies to a whole lead, of the copies of a
/// non-empty id the one that counts_before() the others counts.
class SeenIds {
 public:
  /// What to do with `e`, the event about to become ledger entry
  /// ledger.size(): keep it (no id, or a new id), drop it (a copy of an id
  /// whose ledger copy counts before it) or put it in place of ledger entry
  /// `*replace`. Records nothing (see record()).
  enum class Admit : std::uint8_t { keep, drop, replace };
  [[nodiscard]] Admit check(const Event& e, const std::vector<Event>& ledger,
                            std::size_t* replace) const;
  /// The event now at ledger entry `index` is the copy of its id that counts.
  void record(const Event& e, std::size_t index) {
    if (!e.id.empty()) ids_.insert_or_assign(e.id, index);
  }
  void clear() noexcept { ids_.clear(); }

 private:
  std::unordered_map<std::string, std::size_t> ids_;  ///< id -> ledger index
};

/// Whether `a` (an event of an implied rule) and `b` (an event of one of its
/// implied_by types) are paired: same value of the `same` property, or the
/// same UTC day when the rule names no property.
bool implies(const CompiledRule& rule, const Event& implying, const Event& event) noexcept;

/// Whether `event` satisfies every `where` root (event-context conditions),
/// run as their steps `where` (CompiledRule / Aggregate::where_code; an
/// empty range holds).
bool event_matches(const Model& model, CodeRange where, const Event& event);
/// The interned id of an event type (other_type() when not named).
std::uint32_t event_type_id(const Model& model, std::string_view type) noexcept;
/// Whether some type of the model is an implied_by type (per type id).
bool is_implier_type(const Model& model, std::uint32_t type) noexcept;

/// The events a lead's implied rules pair with: indices into `events` of
/// events of implied_by types, each taking part in scoring.
/// With more than kScannedImpliers of them and `tables` set, the pairing
/// goes through sorted tables (O(log n) per event) rather than a scan.
struct Impliers {
  std::span<const Event> events;
  std::span<const std::uint32_t> index;
  ImplierTables* tables = nullptr;  ///< cleared whenever `events` or `index` changes
  /// Whether one of them (other than `e` itself) implies `e` for rule `cr`.
  [[nodiscard]] bool imply(const Model& m, const CompiledRule& cr, const Event& e) const;
};
inline constexpr std::size_t kScannedImpliers = 16;

// ---- counting (shared by both feeders) ------------------------------------

/// An empty rule accumulator whose decay reference is `ref_ms`.
RuleAcc empty_rule_acc(std::int64_t ref_ms) noexcept;
inline constexpr AggAcc kEmptyAggAcc{0, 0, 0, false, 0};

inline constexpr double kDayMillis = static_cast<double>(kMillisPerDay);

/// 2^(-(ref - t) / half-life): the decay factor of an event at t read at ref.
/// The difference is taken in double: exact for instants of years 1-9999
/// (|ms| < 2^53), and no signed overflow for any int64 instant.
inline double decay_factor(double half_life_days, std::int64_t t, std::int64_t ref) noexcept {
  const double age_days = (static_cast<double>(ref) - static_cast<double>(t)) / kDayMillis;
  return std::exp2(-age_days / half_life_days);
}

inline FactorSum to_factor_fx(double factor) noexcept {
  return static_cast<FactorSum>(std::llround(factor * 0x1p62));
}

/// Counts one event at `t_ms` that matched, lies inside the rule's window
/// and is not implied: the per-day cap, then the points or the decay factor.
/// Events come in time order.
inline void count_rule_event(const CompiledRule& cr, std::int64_t t_ms, RuleAcc& acc) noexcept {
  if (cr.max_per_day > 0) {
    const std::int64_t day = day_number(Instant(std::chrono::milliseconds(t_ms)));
    if (day != acc.day) {
      acc.day = day;
      acc.day_n = 0;
    }
    if (acc.day_n >= cr.max_per_day) {
      ++acc.over;
      return;
    }
    ++acc.day_n;
  }
  ++acc.counted;
  if (cr.half_life_days > 0) {
    if (t_ms > acc.ref) {
      // A newer event than the reference (LeadState): the sum so far is
      // re-expressed relative to it, so every factor stays in (0, 1].
      if (acc.factor_fx != 0) {
        const double scaled =
            static_cast<double>(acc.factor_fx) * decay_factor(cr.half_life_days, acc.ref, t_ms);
        acc.factor_fx = static_cast<FactorSum>(scaled + 0.5);
      }
      acc.ref = t_ms;
    }
    acc.factor_fx += to_factor_fx(decay_factor(cr.half_life_days, t_ms, acc.ref));
  } else {
    acc.factor_sum += 1.0;
    acc.sum = sat_add(acc.sum, cr.points_micro);
  }
}

/// Folds a rule's counted events into its points at as_of (decay: points x
/// the sum of factors, rounded to the millionth once).
void finish_rule(const CompiledRule& cr, RuleAcc& acc, std::int64_t as_of_ms) noexcept;

/// Counts one event (inside the aggregate's window) into a count / sum /
/// days_since_last aggregate; distinct days go through mark_active_day.
void count_aggregate_event(const Aggregate& ag, std::int64_t t_ms, std::int64_t value_micro,
                           AggAcc& acc) noexcept;
/// The value a `sum` aggregate takes from an event (its property, in micro-units).
std::int64_t aggregate_value_of(const Aggregate& ag, const Event& e) noexcept;
/// Marks the UTC day `day` active for a distinct_days aggregate read on `as_of_day`.
void mark_active_day(const Aggregate& ag, std::int64_t day, std::int64_t as_of_day,
                     std::uint64_t* bits) noexcept;
/// Counts the active days of every distinct_days aggregate.
void finish_aggregates(const Model& m, Scratch& s) noexcept;

/// Whether an event at `t_ms` is inside a window of `window_ms` (-1: all
/// history) read at `as_of_ms`.
constexpr bool in_window(std::int64_t window_ms, std::int64_t t_ms,
                         std::int64_t as_of_ms) noexcept {
  return window_ms < 0 || sat_sub(as_of_ms, t_ms) <= window_ms;  // saturating: Instant::min/max
}

// ---- qualify(): a whole lead at a known as_of --------------------------------

/// Walks a lead's events (any order) into `s` at `as_of`: ignored events and
/// repeated ids (all copies but the one that counts_before() the others) skipped, the rest in time
/// order (ties in input order).
class EventAccumulator {
 public:
  /// `where(code, event)` runs a rule's or an aggregate's `where` steps
  /// (CompiledRule / Aggregate::where_code) on the event.
  using WhereFn = bool (*)(const void* ctx, CodeRange where, const Event& e);
  EventAccumulator(const Model& m, Scratch& s, WhereFn where, const void* ctx) noexcept
      : m_(m), s_(s), where_(where), ctx_(ctx) {}

  EventSummary run(const Lead& lead, Instant as_of);

 private:
  /// Positions of the events to walk: `index[pos]`, or `pos` itself when
  /// the lead's events are walked as they are.
  struct EventOrder {
    const std::uint32_t* index = nullptr;
    std::size_t count = 0;
    [[nodiscard]] std::size_t size() const noexcept { return count; }
    std::uint32_t operator[](std::size_t pos) const noexcept {
      return index ? index[pos] : static_cast<std::uint32_t>(pos);
    }
  };
  void reset() noexcept;
  [[nodiscard]] bool walk_as_is(const Lead& lead) const noexcept;
  std::span<const std::uint32_t> order_events(const Lead& lead, EventSummary& summary);
  std::span<const std::uint32_t> list_impliers(const Lead& lead, const EventOrder& order);
  void feed(const Event& e, const Impliers& impliers);

  const Model& m_;
  Scratch& s_;
  WhereFn where_;
  const void* ctx_;
  std::int64_t now_ = 0;
  std::int64_t today_ = 0;
};

// ---- LeadState: one event at a time, read at any later as_of ----------------

/// Accumulators fed one event at a time in time order. Rules and aggregates
/// without a window are counted as events arrive; those with a window keep
/// the events that a later as_of may still see, replayed when read.
class StreamAccumulator {
 public:
  explicit StreamAccumulator(const Model& m);
  void clear();
  /// Feeds one event that takes part in scoring (time order: not older than
  /// the newest fed), with the events it may be implied by.
  void feed(const Event& e, std::uint32_t type, const Impliers& impliers);
  /// The accumulators at `as_of` (not before the newest event fed).
  void read(Instant as_of, Scratch& s, EventSummary& summary) const;
  [[nodiscard]] bool any() const noexcept { return any_; }
  [[nodiscard]] std::int64_t newest() const noexcept { return newest_; }

 private:
  struct Timed {
    std::int64_t t;
    std::int64_t value;   ///< sum aggregates: micro-units; rules: 1 when implied
    std::int64_t prefix;  ///< running (saturating) sum of `value` up to this entry
  };
  /// Events of a windowed rule or aggregate, time order; entries before
  /// `head` can no longer be inside a window and are counted in `dropped`.
  struct Kept {
    std::vector<Timed> events;
    std::size_t head = 0;
    std::uint32_t dropped = 0;
    void push(std::int64_t t, std::int64_t value, std::int64_t window_ms);
    /// The first entry a window of `window_ms` read at `now` sees.
    [[nodiscard]] std::size_t first_in_window(std::int64_t window_ms,
                                              std::int64_t now) const noexcept;
    /// The sum of `value` over entries [from, end).
    [[nodiscard]] std::int64_t sum_from(std::size_t from) const noexcept;
  };
  void feed_rule(std::uint32_t slot, const Event& e, std::int64_t t, const Impliers& impliers);
  void feed_aggregate(std::uint32_t a, const Event& e, std::int64_t t);
  void read_rule(std::uint32_t slot, std::int64_t now, RuleAcc& acc) const noexcept;
  void read_aggregate(std::uint32_t a, std::int64_t now, Scratch& s) const noexcept;

  const Model* m_;
  std::vector<RuleAcc> rules_;  ///< rules without a window
  std::vector<Kept> rule_events_;
  std::vector<AggAcc> aggs_;  ///< aggregates without a window (not distinct_days)
  std::vector<Kept> agg_events_;
  std::vector<std::uint32_t> type_counts_;
  std::size_t considered_ = 0;
  bool any_ = false;
  std::int64_t newest_ = 0;
};

}  // namespace leadscore::detail
