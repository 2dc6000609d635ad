// The lead schema's lists (fields.hpp), and the checks that keep the table
// consistent with FieldId, the Lead and the lead JSON layout.
#include "model/fields.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace leadscore::detail {

namespace {

constexpr bool rows_in_id_order() {
  for (std::size_t i = 0; i < kLeadFields.size(); ++i) {
    if (static_cast<std::size_t>(kLeadFields[i].id) != i) return false;
  }
  return kLeadFields.size() == static_cast<std::size_t>(FieldId::event_property) + 1;
}

/// Lead members where the readers, the mapping and the writer need them,
/// and a Val wherever a condition reads a lead field. (Checked by a test, not
/// a static_assert: GCC under AddressSanitizer cannot compare the accessor
/// function pointers in a constant expression.)
bool accessors_where_needed() noexcept {
  for (const LeadField& f : kLeadFields) {
    const bool stored = f.access.storage != Storage::derived;
    if (f.usable(use::mapping | use::lead_json | use::enrichment) && !stored) return false;
    if (stored && f.access.storage != Storage::attributes && !f.access.member) return false;
    if (stored && f.usable(use::condition) && !f.access.read) return false;
    if (f.usable(use::enrichment) && !f.access.present) return false;
  }
  return true;
}

/// The fields of a lead JSON section are neighbours in the table.
constexpr bool lead_json_sections_contiguous() {
  for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
    for (std::size_t j = i + 1; j < kLeadJsonKeys.size(); ++j) {
      if (kLeadJsonKeys[i].key == kLeadJsonKeys[j].key) return false;
    }
  }
  return true;
}

static_assert(rows_in_id_order(), "kLeadFields rows must be in FieldId order");
static_assert(lead_json_sections_contiguous());
static_assert(kLeadFields.size() <= 64, "readers track the keys seen in a 64-bit set");

}  // namespace

bool lead_field_accessors_complete() noexcept { return accessors_where_needed(); }

std::vector<std::string_view> field_paths(unsigned uses, unsigned except) {
  std::vector<std::string_view> out;
  for (const LeadField& f : kLeadFields) {
    if (f.usable(uses) && !f.usable(except) && !f.named()) out.push_back(f.path);
  }
  return out;
}

}  // namespace leadscore::detail
