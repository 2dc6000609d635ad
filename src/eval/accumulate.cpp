#include "eval/accumulate.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <compare>
#include <variant>

namespace leadscore::detail {
namespace {

std::int64_t ms_of(Instant t) noexcept { return t.time_since_epoch().count(); }

/// Per-thread buffer for the sorted order of leads with more than
/// kSortedEventsBuffer events: it grows once and is reused.
std::vector<std::uint32_t>& big_buffer(int which) {
  thread_local std::vector<std::uint32_t> buffers[3];
  return buffers[which];
}

/// Per-thread tables for the pairing of leads with many impliers.
ImplierTables& implier_tables() {
  thread_local ImplierTables tables;
  return tables;
}

std::uint64_t hash_id(std::string_view id) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

// ---- shared pieces -----------------------------------------------------------

bool implies(const CompiledRule& rule, const Event& implying, const Event& event) noexcept {
  if (rule.implied_same.empty()) return day_number(implying.at) == day_number(event.at);
  const PropertyValue* a = implying.property(rule.implied_same);
  const PropertyValue* b = event.property(rule.implied_same);
  return a && b && *a == *b;
}

std::uint32_t event_type_id(const Model& model, std::string_view type) noexcept {
  const int id = model.event_types.find(type);
  return id < 0 ? model.other_type() : static_cast<std::uint32_t>(id);
}

bool is_implier_type(const Model& model, std::uint32_t type) noexcept {
  return type < model.implier_type.size() && model.implier_type[type];
}

bool Impliers::imply(const Model& m, const CompiledRule& cr, const Event& e) const {
  if (tables != nullptr && index.size() > kScannedImpliers) {
    return tables->imply(m, cr, e, events, index);
  }
  for (const std::uint32_t j : index) {
    const Event& f = events[j];
    if (&f == &e) continue;
    const std::uint32_t t = event_type_id(m, f.type);
    if (std::find(cr.implied_types.begin(), cr.implied_types.end(), t) == cr.implied_types.end())
      continue;
    if (implies(cr, f, e)) return true;
  }
  return false;
}

RuleAcc empty_rule_acc(std::int64_t ref_ms) noexcept {
  return RuleAcc{0, 0, 0, 0, 0, 0, std::numeric_limits<std::int64_t>::min(), 0, 0.0, 0, ref_ms};
}

void finish_rule(const CompiledRule& cr, RuleAcc& acc, std::int64_t as_of_ms) noexcept {
  if (!(cr.half_life_days > 0)) return;
  acc.factor_sum = static_cast<double>(acc.factor_fx) * 0x1p-62;
  // No event counted: the reference was never set (LeadState starts it at
  // the minimum instant).
  if (acc.factor_fx != 0 && as_of_ms > acc.ref) {
    acc.factor_sum *= decay_factor(cr.half_life_days, acc.ref, as_of_ms);
  }
  acc.sum = to_micro(cr.points * acc.factor_sum);
}

void count_aggregate_event(const Aggregate& ag, std::int64_t t_ms, std::int64_t value_micro,
                           AggAcc& acc) noexcept {
  ++acc.count;
  if (!acc.any || t_ms > acc.last) acc.last = t_ms;
  acc.any = true;
  if (ag.measure == Measure::sum) acc.sum = sat_add(acc.sum, value_micro);
}

std::int64_t aggregate_value_of(const Aggregate& ag, const Event& e) noexcept {
  if (ag.measure != Measure::sum) return 0;
  if (const PropertyValue* pv = e.property(ag.property)) {
    if (const double* d = std::get_if<double>(pv)) return to_micro(*d);
  }
  return 0;
}

void mark_active_day(const Aggregate& ag, std::int64_t day, std::int64_t as_of_day,
                     std::uint64_t* bits) noexcept {
  if (ag.bit_words == 0) return;
  const std::int64_t offset = as_of_day - day;
  if (offset < 0 || offset >= ag.window_days) return;
  const auto bit = static_cast<std::uint64_t>(offset);
  bits[ag.bit_offset + bit / 64] |= std::uint64_t{1} << (bit % 64);
}

void finish_aggregates(const Model& m, Scratch& s) noexcept {
  for (std::size_t a = 0; a < m.aggregates.size(); ++a) {
    const Aggregate& ag = m.aggregates[a];
    if (ag.measure != Measure::distinct_days) continue;
    std::uint32_t days = 0;
    for (std::uint32_t w = 0; w < ag.bit_words; ++w)
      days += static_cast<std::uint32_t>(std::popcount(s.bits[ag.bit_offset + w]));
    s.aggs[a].days = days;
  }
}

// ---- repeated ids ----------------------------------------------------------------

namespace {

// A total order on property values: text before numbers, numbers by
// std::strong_order (NaN included), so that sorting by it is well defined.
std::strong_ordering compare_value(const PropertyValue& a, const PropertyValue& b) noexcept {
  if (a.index() != b.index()) return a.index() <=> b.index();
  if (const auto* x = std::get_if<std::string>(&a))
    return x->compare(std::get<std::string>(b)) <=> 0;
  return std::strong_order(std::get<double>(a), std::get<double>(b));
}

std::strong_ordering compare_content(const Event& a, const Event& b) noexcept {
  if (const int c = a.type.compare(b.type); c != 0) return c <=> 0;
  if (a.automated != b.automated) return a.automated <=> b.automated;
  const std::size_t n = std::min(a.properties.size(), b.properties.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& [ak, av] = a.properties[i];
    const auto& [bk, bv] = b.properties[i];
    if (const int c = ak.compare(bk); c != 0) return c <=> 0;
    if (const auto c = compare_value(av, bv); c != 0) return c;
  }
  return a.properties.size() <=> b.properties.size();
}

}  // namespace

bool counts_before(const Event& a, const Event& b) noexcept {
  if (a.at != b.at) return a.at < b.at;
  return compare_content(a, b) < 0;
}

SeenIds::Admit SeenIds::check(const Event& e, const std::vector<Event>& ledger,
                              std::size_t* replace) const {
  if (e.id.empty()) return Admit::keep;
  const auto it = ids_.find(e.id);
  if (it == ids_.end()) return Admit::keep;
  if (!counts_before(e, ledger[it->second])) return Admit::drop;
  *replace = it->second;
  return Admit::replace;
}

// ---- EventAccumulator (qualify) ----------------------------------------------

void EventAccumulator::reset() noexcept {
  for (std::size_t i = 0; i < m_.behavior_rules.size(); ++i) s_.rules[i] = empty_rule_acc(now_);
  for (std::size_t i = 0; i < m_.aggregates.size(); ++i) s_.aggs[i] = kEmptyAggAcc;
  std::fill_n(s_.bits, m_.bit_words_total, std::uint64_t{0});
  std::fill_n(s_.type_counts, m_.other_type() + 1, std::uint32_t{0});
}

// Whether the lead's events can be walked as they are: in time order, none
// ignored, no ids to deduplicate.
bool EventAccumulator::walk_as_is(const Lead& lead) const noexcept {
  const auto& events = lead.events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (!e.id.empty() || ignored_event(m_, e)) return false;
    if (i > 0 && e.at < events[i - 1].at) return false;
  }
  return true;
}

// The lead's events that take part, in time order (ties in input order):
// ignored events and repeated ids (of the copies of an id, the one that
// counts_before() the others counts) left out.
std::span<const std::uint32_t> EventAccumulator::order_events(const Lead& lead,
                                                              EventSummary& summary) {
  const auto& events = lead.events;
  const std::size_t n = events.size();
  const bool big = n > kSortedEventsBuffer;
  std::uint32_t* order = s_.order;
  std::uint32_t* hashes = s_.implier;  // free until list_impliers()
  if (big) {
    auto& buf = big_buffer(0);
    auto& hb = big_buffer(1);
    buf.resize(n);
    hb.resize(n);
    order = buf.data();
    hashes = hb.data();
  }
  // Repeated ids: sorted by (hash, id, counts_before, input order), so that
  // equal ids are adjacent and the copy that counts comes first; the others
  // are marked (hash slot 1). O(n log n) whatever the ids. Ignored events
  // take no part, so they claim no id.
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (events[i].id.empty() || ignored_event(m_, events[i])) continue;
    hashes[i] = static_cast<std::uint32_t>(hash_id(events[i].id));
    order[k++] = static_cast<std::uint32_t>(i);
  }
  bool any_skipped = false;
  if (k > 1) {
    std::sort(order, order + k, [hashes, &events](std::uint32_t a, std::uint32_t b) {
      if (hashes[a] != hashes[b]) return hashes[a] < hashes[b];
      const int c = events[a].id.compare(events[b].id);
      if (c != 0) return c < 0;
      if (counts_before(events[a], events[b])) return true;
      return !counts_before(events[b], events[a]) && a < b;
    });
    std::size_t first = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const bool repeated = j > 0 && events[order[j]].id == events[order[first]].id;
      if (!repeated) first = j;
      any_skipped = any_skipped || repeated;
      hashes[order[j]] = repeated ? 1 : 0;
    }
  } else if (k == 1) {
    hashes[order[0]] = 0;
  }
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (ignored_event(m_, events[i])) {
      ++summary.automated;
    } else if (any_skipped && !events[i].id.empty() && hashes[i] == 1) {
      ++summary.duplicate;
    } else {
      order[m++] = static_cast<std::uint32_t>(i);
    }
  }
  bool sorted = true;
  for (std::size_t i = 1; i < m && sorted; ++i) {
    sorted = !(events[order[i]].at < events[order[i - 1]].at);
  }
  if (!sorted) {  // not std::stable_sort: it allocates
    std::sort(order, order + m, [&events](std::uint32_t a, std::uint32_t b) {
      return events[a].at < events[b].at || (events[a].at == events[b].at && a < b);
    });
  }
  return {order, m};
}

std::span<const std::uint32_t> EventAccumulator::list_impliers(const Lead& lead,
                                                               const EventOrder& order) {
  if (!m_.has_implications) return {};
  std::uint32_t* out = s_.implier;
  if (order.size() > kSortedEventsBuffer) {
    auto& buf = big_buffer(2);
    buf.resize(order.size());
    out = buf.data();
  }
  std::size_t k = 0;
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const std::uint32_t i = order[pos];
    const Event& e = lead.events[i];
    if (ms_of(e.at) > now_) break;
    if (is_implier_type(m_, event_type_id(m_, e.type))) out[k++] = i;
  }
  return {out, k};
}

void EventAccumulator::feed(const Event& e, const Impliers& impliers) {
  const std::uint32_t t = event_type_id(m_, e.type);
  ++s_.type_counts[t];
  const std::int64_t at = ms_of(e.at);
  for (std::uint32_t k = m_.rule_sub_offsets[t]; k < m_.rule_sub_offsets[t + 1]; ++k) {
    const std::uint32_t slot = m_.rule_subs[k];
    const CompiledRule& cr = m_.rules[m_.behavior_rules[slot]];
    if (!cr.where.empty() && !where_(ctx_, cr.where_code, e)) continue;
    RuleAcc& acc = s_.rules[slot];
    ++acc.matched;
    if (!in_window(cr.window_ms, at, now_)) {
      ++acc.outside;
    } else if (!cr.implied_types.empty() && impliers.imply(m_, cr, e)) {
      ++acc.implied;
    } else {
      count_rule_event(cr, at, acc);
    }
  }
  for (std::uint32_t k = m_.agg_sub_offsets[t]; k < m_.agg_sub_offsets[t + 1]; ++k) {
    const std::uint32_t a = m_.agg_subs[k];
    const Aggregate& ag = m_.aggregates[a];
    if (!in_window(ag.window_ms, at, now_)) continue;
    if (!ag.where.empty() && !where_(ctx_, ag.where_code, e)) continue;
    count_aggregate_event(ag, at, aggregate_value_of(ag, e), s_.aggs[a]);
    if (ag.measure == Measure::distinct_days) {
      mark_active_day(ag, day_number(e.at), today_, s_.bits);
    }
  }
}

EventSummary EventAccumulator::run(const Lead& lead, Instant as_of) {
  now_ = ms_of(as_of);
  today_ = day_number(as_of);
  reset();
  EventSummary summary;
  EventOrder order;
  if (walk_as_is(lead)) {
    order.count = lead.events.size();
  } else {
    const std::span<const std::uint32_t> sorted = order_events(lead, summary);
    order.index = sorted.data();
    order.count = sorted.size();
  }
  ImplierTables* tables = nullptr;
  if (m_.has_implications) {
    tables = &implier_tables();
    tables->clear();
  }
  const Impliers impliers{lead.events, list_impliers(lead, order), tables};
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const Event& e = lead.events[order[pos]];
    if (e.at > as_of) {
      ++summary.after_as_of;
      continue;
    }
    ++summary.considered;
    summary.last = e.at;  // time order: the last one seen is the newest
    summary.any = true;
    feed(e, impliers);
  }
  for (std::size_t slot = 0; slot < m_.behavior_rules.size(); ++slot) {
    finish_rule(m_.rules[m_.behavior_rules[slot]], s_.rules[slot], now_);
  }
  finish_aggregates(m_, s_);
  return summary;
}

// ---- StreamAccumulator (LeadState) -------------------------------------------

StreamAccumulator::StreamAccumulator(const Model& m) : m_(&m) { clear(); }

void StreamAccumulator::clear() {
  const Model& m = *m_;
  rules_.assign(m.behavior_rules.size(), empty_rule_acc(std::numeric_limits<std::int64_t>::min()));
  rule_events_.assign(m.behavior_rules.size(), Kept{});
  aggs_.assign(m.aggregates.size(), kEmptyAggAcc);
  agg_events_.assign(m.aggregates.size(), Kept{});
  type_counts_.assign(m.other_type() + 1, 0);
  considered_ = 0;
  any_ = false;
  newest_ = 0;
}

void StreamAccumulator::Kept::push(std::int64_t t, std::int64_t value, std::int64_t window_ms) {
  const std::int64_t before = events.empty() ? 0 : events.back().prefix;
  events.push_back(Timed{t, value, sat_add(before, value)});
  // Entries that no later as_of can see inside the window.
  while (head < events.size() && events[head].t < sat_sub(t, window_ms)) {
    ++head;
    ++dropped;
  }
  if (head > 64 && head * 2 > events.size()) {
    events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
}

std::size_t StreamAccumulator::Kept::first_in_window(std::int64_t window_ms,
                                                     std::int64_t now) const noexcept {
  // in_window(window_ms, t, now) is now - t <= window_ms: t >= now - window_ms.
  const auto begin = events.begin() + static_cast<std::ptrdiff_t>(head);
  const auto it = std::partition_point(
      begin, events.end(), [&](const Timed& e) { return !in_window(window_ms, e.t, now); });
  return static_cast<std::size_t>(it - events.begin());
}

std::int64_t StreamAccumulator::Kept::sum_from(std::size_t from) const noexcept {
  if (from >= events.size()) return 0;
  return sat_add(sat_sub(events.back().prefix, events[from].prefix), events[from].value);
}

void StreamAccumulator::feed_rule(std::uint32_t slot, const Event& e, std::int64_t t,
                                  const Impliers& impliers) {
  const Model& m = *m_;
  const CompiledRule& cr = m.rules[m.behavior_rules[slot]];
  if (!event_matches(m, cr.where_code, e)) return;
  RuleAcc& acc = rules_[slot];
  ++acc.matched;
  const bool implied = !cr.implied_types.empty() && impliers.imply(m, cr, e);
  if (cr.window_ms >= 0) {
    rule_events_[slot].push(t, implied ? 1 : 0, cr.window_ms);
  } else if (implied) {
    ++acc.implied;
  } else {
    count_rule_event(cr, t, acc);
  }
}

void StreamAccumulator::feed_aggregate(std::uint32_t a, const Event& e, std::int64_t t) {
  const Model& m = *m_;
  const Aggregate& ag = m.aggregates[a];
  if (!event_matches(m, ag.where_code, e)) return;
  if (ag.window_ms < 0) {
    count_aggregate_event(ag, t, aggregate_value_of(ag, e), aggs_[a]);
    return;
  }
  Kept& kept = agg_events_[a];
  if (ag.measure == Measure::distinct_days) {
    // One entry per day (its UTC day number as the value): a day is active
    // while its latest event is in the window.
    const std::int64_t day = day_number(e.at);
    if (kept.events.size() > kept.head && kept.events.back().value == day) {
      kept.events.back().t = t;
    } else {
      kept.push(t, day, ag.window_ms);
    }
    return;
  }
  kept.push(t, aggregate_value_of(ag, e), ag.window_ms);
}

void StreamAccumulator::feed(const Event& e, std::uint32_t type, const Impliers& impliers) {
  const Model& m = *m_;
  ++type_counts_[type];
  ++considered_;
  const std::int64_t t = ms_of(e.at);
  if (!any_ || t > newest_) newest_ = t;
  any_ = true;
  for (std::uint32_t k = m.rule_sub_offsets[type]; k < m.rule_sub_offsets[type + 1]; ++k) {
    feed_rule(m.rule_subs[k], e, t, impliers);
  }
  for (std::uint32_t k = m.agg_sub_offsets[type]; k < m.agg_sub_offsets[type + 1]; ++k) {
    feed_aggregate(m.agg_subs[k], e, t);
  }
}

void StreamAccumulator::read_rule(std::uint32_t slot, std::int64_t now,
                                  RuleAcc& acc) const noexcept {
  const CompiledRule& cr = m_->rules[m_->behavior_rules[slot]];
  acc = rules_[slot];
  if (cr.window_ms >= 0) {
    // Replayed at as_of through the same counting as qualify().
    const Kept& kept = rule_events_[slot];
    const std::uint32_t matched = acc.matched;
    acc = empty_rule_acc(now);
    acc.matched = matched;
    acc.outside = kept.dropped;
    if (cr.max_per_day == 0 && !(cr.half_life_days > 0)) {
      // Nothing depends on the order of the events in the window: counted
      // in O(log n) from the running counts.
      const std::size_t start = kept.first_in_window(cr.window_ms, now);
      const auto in = static_cast<std::uint32_t>(kept.events.size() - start);
      acc.outside += static_cast<std::uint32_t>(start - kept.head);
      acc.implied = static_cast<std::uint32_t>(kept.sum_from(start));
      acc.counted = in - acc.implied;
      acc.factor_sum = static_cast<double>(acc.counted);
      acc.sum = sat_mul(static_cast<std::int64_t>(acc.counted), cr.points_micro);
      return;
    }
    for (std::size_t i = kept.head; i < kept.events.size(); ++i) {
      const Timed& ev = kept.events[i];
      if (!in_window(cr.window_ms, ev.t, now)) {
        ++acc.outside;
      } else if (ev.value != 0) {
        ++acc.implied;
      } else {
        count_rule_event(cr, ev.t, acc);
      }
    }
  }
  finish_rule(cr, acc, now);
}

void StreamAccumulator::read_aggregate(std::uint32_t a, std::int64_t now,
                                       Scratch& s) const noexcept {
  const Aggregate& ag = m_->aggregates[a];
  AggAcc& acc = s.aggs[a];
  if (ag.window_ms < 0) {
    acc = aggs_[a];
    return;
  }
  acc = kEmptyAggAcc;
  const Kept& kept = agg_events_[a];
  if (ag.measure != Measure::distinct_days) {
    // count / sum / days_since_last over the window, from the running sums.
    const std::size_t start = kept.first_in_window(ag.window_ms, now);
    acc.count = static_cast<std::uint32_t>(kept.events.size() - start);
    if (acc.count > 0) {
      acc.any = true;
      acc.last = kept.events.back().t;
      if (ag.measure == Measure::sum) acc.sum = kept.sum_from(start);
    }
    return;
  }
  const std::int64_t today = day_number(Instant(std::chrono::milliseconds(now)));
  for (std::size_t i = kept.head; i < kept.events.size(); ++i) {
    const Timed& ev = kept.events[i];
    if (!in_window(ag.window_ms, ev.t, now)) continue;
    count_aggregate_event(ag, ev.t, 0, acc);
    mark_active_day(ag, ev.value, today, s.bits);  // distinct_days: value is the day
  }
}

void StreamAccumulator::read(Instant as_of, Scratch& s, EventSummary& summary) const {
  const Model& m = *m_;
  const std::int64_t now = ms_of(as_of);
  for (std::size_t slot = 0; slot < rules_.size(); ++slot) {
    read_rule(static_cast<std::uint32_t>(slot), now, s.rules[slot]);
  }
  std::fill_n(s.bits, m.bit_words_total, std::uint64_t{0});
  for (std::size_t a = 0; a < aggs_.size(); ++a) {
    read_aggregate(static_cast<std::uint32_t>(a), now, s);
  }
  finish_aggregates(m, s);
  std::copy(type_counts_.begin(), type_counts_.end(), s.type_counts);
  summary.considered = considered_;
  summary.after_as_of = 0;
  summary.any = any_;
  summary.last = Instant(std::chrono::milliseconds(newest_));
}

}  // namespace leadscore::detail
