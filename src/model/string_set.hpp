// Open-addressing hash set of strings (private): event types, `in` lists,
// free-mail domains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadscore::detail {

/// Open-addressing hash set of strings, optionally ASCII-case-insensitive.
/// Lookups take a string_view and never allocate.
class StringSet {
 public:
  StringSet() = default;
  StringSet(const std::vector<std::string>& items, bool case_insensitive);
  [[nodiscard]] bool contains(std::string_view key) const noexcept;
  /// Index of `key` in the original item order, or -1.
  [[nodiscard]] int find(std::string_view key) const noexcept;
  /// find() with the key's hash already known (hash(key, case_insensitive())).
  [[nodiscard]] int find(std::string_view key, std::uint64_t key_hash) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return keys_.empty(); }
  /// False when no key has `n` bytes (keys over 62 bytes count as 63): a
  /// key equal under case folding has the same size, so find() would fail.
  [[nodiscard]] bool may_hold_size(std::size_t n) const noexcept {
    return ((sizes_ >> (n < 63 ? n : 63)) & 1U) != 0;
  }
  [[nodiscard]] bool case_insensitive() const noexcept { return ci_; }
  [[nodiscard]] const std::vector<std::string>& keys() const noexcept { return keys_; }

  /// The hash a set uses: with `ci`, equal under case folding gives equal
  /// hashes. Computed once per value, it serves every set and `eq` operand.
  [[nodiscard]] static std::uint64_t hash(std::string_view key, bool ci) noexcept;

 private:
  std::vector<std::string> keys_;
  std::vector<std::uint64_t> hashes_;  // hash of keys_[i], compared before the text
  std::vector<std::int32_t> slots_;    // -1 = empty, else index into keys_
  std::uint64_t mask_ = 0;
  std::uint64_t sizes_ = 0;  // bit min(size, 63) of every key
  bool ci_ = false;
};

}  // namespace leadscore::detail
