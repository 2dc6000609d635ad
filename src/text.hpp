// Private text helpers shared by the parsers and the compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadscore::detail {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Levenshtein distance, capped: returns cap+1 as soon as it exceeds cap.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap = 3);

/// The candidate nearest to `name` (case-insensitive) within a distance that
/// scales with the length (1 for short names, up to 3), or "" when none is near.
std::string suggest(std::string_view name, const std::vector<std::string_view>& candidates);
std::string suggest(std::string_view name, const std::vector<std::string>& candidates);

/// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string pointer_escape(std::string_view token);

}  // namespace leadscore::detail
