#include "model/string_set.hpp"

#include <cstring>

#include "core/text.hpp"

namespace leadscore::detail {

StringSet::StringSet(const std::vector<std::string>& items, bool case_insensitive)
    : ci_(case_insensitive) {
  std::size_t capacity = 8;
  while (capacity < items.size() * 2) capacity *= 2;
  slots_.assign(capacity, -1);
  mask_ = capacity - 1;
  for (const auto& item : items) {
    if (find(item) >= 0) continue;  // duplicates collapse onto the first
    const std::uint64_t full = hash(item, ci_);
    std::uint64_t h = full & mask_;
    while (slots_[h] >= 0) h = (h + 1) & mask_;
    slots_[h] = static_cast<std::int32_t>(keys_.size());
    keys_.push_back(item);
    hashes_.push_back(full);
    sizes_ |= std::uint64_t{1} << (item.size() < 63 ? item.size() : 63);
  }
}

namespace {
// ASCII lower case of the 8 bytes of `x` at once (bytes >= 0x80 unchanged).
constexpr std::uint64_t lower8(std::uint64_t x) noexcept {
  constexpr std::uint64_t k7f = 0x7f7f7f7f7f7f7f7full, k80 = 0x8080808080808080ull;
  const std::uint64_t low7 = x & k7f;
  const std::uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;  // high bit set where byte >= 'A'
  const std::uint64_t gt_z = low7 + 0x2525252525252525ull;  // high bit set where byte > 'Z'
  const std::uint64_t upper = (ge_a ^ gt_z) & ~x & k80;
  return x | (upper >> 2);
}
std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);  // one unaligned load
  return w;
}
constexpr std::uint64_t kHigh = 0x8080808080808080ull;
bool has_high_bytes(std::string_view s) noexcept {
  const std::size_t n = s.size();
  std::size_t i = 0;
  std::uint64_t any = 0;
  for (; i + 8 <= n; i += 8) any |= load8(s.data() + i);
  for (; i < n; ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & kHigh) != 0;
}
/// iequals(key, other) for a set's key: eight ASCII bytes at a time,
/// folded with lower8(); from the first word with a non-ASCII byte on, the
/// byte-by-byte fold (which looks at the byte before).
bool equal_folded(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t x = load8(a.data() + i), y = load8(b.data() + i);
    if (((x | y) & kHigh) != 0) break;
    if (lower8(x) != lower8(y)) return false;
  }
  for (; i < n; ++i) {
    if (folded_at(a, i) != folded_at(b, i)) return false;
  }
  return true;
}
}  // namespace

// Eight bytes at a time: a few instructions for a typical event type or
// attribute value. Case-insensitive sets fold ASCII with lower8(); a key
// with non-ASCII bytes (which folding never maps to ASCII) is hashed byte by
// byte with the full fold (Latin-1 capitals), so equal keys hash equally.
std::uint64_t StringSet::hash(std::string_view key, bool ci) noexcept {
  const std::size_t n = key.size();
  const char* p = key.data();
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  if (ci && has_high_bytes(key)) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(folded_at(key, i));
      h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
  }
  auto mix = [&](std::uint64_t w) {
    h = (h ^ (ci ? lower8(w) : w)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) mix(load8(p + i));
    if (n % 8 != 0) mix(load8(p + n - 8));  // the last 8 bytes, overlapping
  } else {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i)
      w |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    mix(w);
  }
  return h ^ (h >> 29);
}

int StringSet::find(std::string_view key) const noexcept { return find(key, hash(key, ci_)); }

int StringSet::find(std::string_view key, std::uint64_t key_hash) const noexcept {
  if (slots_.empty()) return -1;
  std::uint64_t h = key_hash & mask_;
  while (slots_[h] >= 0) {
    const auto i = static_cast<std::size_t>(slots_[h]);
    const std::string& k = keys_[i];
    if (hashes_[i] == key_hash && (ci_ ? equal_folded(k, key) : k == key)) return slots_[h];
    h = (h + 1) & mask_;
  }
  return -1;
}

bool StringSet::contains(std::string_view key) const noexcept { return find(key) >= 0; }

}  // namespace leadscore::detail
