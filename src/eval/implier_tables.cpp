#include "eval/implier_tables.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "leadscore/time.hpp"

#include "eval/accumulate.hpp"

namespace leadscore::detail {
namespace {

/// A pairing key: a UTC day (value == nullptr) or a property value.
struct Key {
  std::uint32_t type;
  std::int64_t day;
  const PropertyValue* value;
};

/// Orders keys by type, then day or value. Values of one table are all set;
/// NaN never takes part (it equals nothing), so that equivalent keys are
/// exactly the equal ones of implies(): -0 and +0 too.
bool key_less(const Key& a, const Key& b) noexcept {
  if (a.type != b.type) return a.type < b.type;
  if (a.value == nullptr) return a.day < b.day;
  return *a.value < *b.value;
}

/// The position of the first property named `name` (Event::property()'s
/// match), or properties.size().
std::size_t property_index(const Event& e, const std::string& name) noexcept {
  std::size_t i = 0;
  while (i < e.properties.size() && e.properties[i].first != name) ++i;
  return i;
}

/// The key of a table entry (an Entry of ImplierTables).
template <class Entry>
Key key_of(const Entry& x, std::span<const Event> events, const std::string& same) noexcept {
  return Key{x.type, x.day, same.empty() ? nullptr : &events[x.event].properties[x.prop].second};
}

bool is_nan(const PropertyValue& v) noexcept {
  const double* d = std::get_if<double>(&v);
  return d != nullptr && std::isnan(*d);
}

}  // namespace

ImplierTables::Table& ImplierTables::table(const Model& m, const std::string& same,
                                           std::span<const Event> events,
                                           std::span<const std::uint32_t> index) {
  for (std::size_t i = 0; i < used_; ++i) {
    if (tables_[i].same == same) return tables_[i];
  }
  if (used_ == tables_.size()) tables_.emplace_back();
  Table& t = tables_[used_];
  t.same = same;
  t.entries.clear();
  for (const std::uint32_t j : index) {
    const Event& f = events[j];
    Entry entry{event_type_id(m, f.type), j, 0, 0};
    if (same.empty()) {
      entry.day = day_number(f.at);
    } else {
      const std::size_t p = property_index(f, same);
      if (p == f.properties.size() || is_nan(f.properties[p].second)) continue;
      entry.prop = static_cast<std::uint32_t>(p);
    }
    t.entries.push_back(entry);
  }
  const auto key = [&events, &same](const Entry& x) { return key_of(x, events, same); };
  std::sort(t.entries.begin(), t.entries.end(),
            [&key](const Entry& a, const Entry& b) { return key_less(key(a), key(b)); });
  ++used_;
  return t;
}

bool ImplierTables::imply(const Model& m, const CompiledRule& cr, const Event& e,
                          std::span<const Event> events, std::span<const std::uint32_t> index) {
  const std::string& same = cr.implied_same;
  const PropertyValue* value = nullptr;
  if (!same.empty()) {
    value = e.property(same);
    if (value == nullptr || is_nan(*value)) return false;
  }
  const Table& t = table(m, same, events, index);
  const auto key = [&events, &same](const Entry& x) { return key_of(x, events, same); };
  for (const std::uint32_t type : cr.implied_types) {
    const Key wanted{type, same.empty() ? day_number(e.at) : 0, value};
    auto it =
        std::lower_bound(t.entries.begin(), t.entries.end(), wanted,
                         [&key](const Entry& x, const Key& k) { return key_less(key(x), k); });
    // Equal keys pair, except `e` with itself: the first two equal entries decide.
    for (int n = 0; n < 2 && it != t.entries.end() && !key_less(wanted, key(*it)); ++n, ++it) {
      if (&events[it->event] != &e) return true;
    }
  }
  return false;
}

}  // namespace leadscore::detail
