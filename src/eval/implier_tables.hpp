// The pairing of implied_by rules for leads with many impliers (private).
//
// Whether an event is implied ("a click implies the open") asks whether one
// of the lead's events of an implied_by type, other than the event itself,
// has the same value of the rule's `same` property (or falls on the same UTC
// day). A scan of every implier per event costs impliers x events; these
// tables sort the impliers once by (type, pairing key), so that each question
// costs O(log n) and a lead O(n log n). Same answers as the scan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leadscore/lead.hpp"

#include "model/model.hpp"

namespace leadscore::detail {

class ImplierTables {
 public:
  /// Forgets the tables (the impliers or their events changed); keeps the storage.
  void clear() noexcept { used_ = 0; }

  /// Whether an event `events[i]` (i in `index`), other than `e` itself, of
  /// one of `cr`'s implied_by types, implies `e`: the answer of implies()
  /// over every one of them. Builds the table of `cr`'s `same` property on
  /// first use: until clear(), `index` and the events it names must stay the
  /// same (`events` may grow).
  [[nodiscard]] bool imply(const Model& m, const CompiledRule& cr, const Event& e,
                           std::span<const Event> events, std::span<const std::uint32_t> index);

 private:
  struct Entry {
    std::uint32_t type;   ///< interned event type of the implier
    std::uint32_t event;  ///< index into events
    std::uint32_t prop;   ///< index of the `same` property in its properties
    std::int64_t day;     ///< UTC day number (tables without a `same` property)
  };
  struct Table {
    std::string same;            ///< the property pairing events ("" = the same UTC day)
    std::vector<Entry> entries;  ///< impliers that have it, sorted by (type, key)
  };
  Table& table(const Model& m, const std::string& same, std::span<const Event> events,
               std::span<const std::uint32_t> index);

  std::vector<Table> tables_;
  std::size_t used_ = 0;  ///< tables_[0, used_) are built
};

}  // namespace leadscore::detail
