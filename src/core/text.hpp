// Private text helpers shared by the parsers and the compiler. (The public
// ones, format_number() and suggest(), are in leadscore/text.hpp.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/text.hpp"

namespace leadscore::detail {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

/// Case folding used by case-insensitive matching: ASCII A-Z, plus the
/// Latin-1 capitals encoded in UTF-8 as 0xC3 0x80..0x9E (À..Þ, except the
/// multiplication sign), so "Étudiant" matches "étudiant". `prev` is the byte
/// before `c` in its string (0 at the start).
constexpr char fold_case(char prev, char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 'A' && u <= 'Z') return static_cast<char>(u - 'A' + 'a');
  if (static_cast<unsigned char>(prev) == 0xC3 && u >= 0x80 && u <= 0x9E && u != 0x97) {
    return static_cast<char>(u + 0x20);
  }
  return c;
}

/// The byte at `i` of `s`, folded.
constexpr char folded_at(std::string_view s, std::size_t i) noexcept {
  return fold_case(i == 0 ? '\0' : s[i - 1], s[i]);
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (folded_at(a, i) != folded_at(b, i)) return false;
  }
  return true;
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < s.size(); ++i) out[i] = folded_at(s, i);
  return out;
}

/// Levenshtein distance, capped: returns cap+1 as soon as it exceeds cap.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap = 3);

using leadscore::suggest;

/// Offset of the first byte that keeps `text` from being well-formed UTF-8
/// (no overlong forms, no surrogates, nothing above U+10FFFF): the lead byte
/// when it cannot start a sequence, else the first bad or missing
/// continuation byte. std::string_view::npos when the text is valid.
std::size_t utf8_error_offset(std::string_view text) noexcept;

/// Length of the well-formed UTF-8 sequence that starts at text[i] (1 for an
/// ASCII byte), or 0 when none starts there (the rules of utf8_error_offset).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

/// The bytes `s` takes as a JSON string, quotes and escapes included, at
/// most: what nlohmann::json's dump() writes with error_handler_t::replace
/// (a control character as \u00XX, a quote or a backslash escaped, a byte
/// of invalid UTF-8 as U+FFFD), exact for text without any of those. A
/// string of printable ASCII without quote or backslash (an event type or
/// id) is recognised 8 bytes at a time.
std::size_t json_string_bytes(std::string_view s) noexcept;

/// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string pointer_escape(std::string_view token);

}  // namespace leadscore::detail
