// Text helpers: edit distance and suggestions, UTF-8 validation, JSON pointer
// escaping.
#include "core/text.hpp"

#include <algorithm>
#include <cstring>

namespace leadscore::detail {

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  const std::size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > cap) return cap + 1;
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + subst});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

namespace {

/// The multi-byte sequence whose lead byte is text[i] (>= 0x80): its length
/// when well-formed; else 0, with `bad` set to the offset of the byte that
/// breaks it (the lead byte when it cannot start a sequence, else the first
/// bad or missing continuation byte).
std::size_t multibyte_length(std::string_view text, std::size_t i, std::size_t& bad) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char c = p[i];
  std::size_t length = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    bad = i;
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (i + k >= n || p[i + k] < min || p[i + k] > max) {
      bad = i + k;
      return 0;
    }
  }
  return length;
}

}  // namespace

std::size_t utf8_error_offset(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t word = 0;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    std::size_t bad = 0;
    const std::size_t length = multibyte_length(text, i, bad);
    if (length == 0) return bad;
    i += length;
  }
  return std::string_view::npos;
}

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  if (static_cast<unsigned char>(text[i]) < 0x80) return 1;
  std::size_t bad = 0;
  return multibyte_length(text, i, bad);
}

namespace {
/// Whether `s` is written in JSON as it is, between quotes: no byte below
/// 0x20, no quote, no backslash and no byte of 0x80 or more.
bool json_plain(std::string_view s) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  // A high bit set for a zero byte (exact as to whether there is one).
  const auto zero_byte = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  std::uint64_t bad = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    bad |= ((w - 0x20 * kOnes) & ~w & kHigh)  // a byte below 0x20 (among those below 0x80)
           | zero_byte(w ^ ('"' * kOnes)) | zero_byte(w ^ ('\\' * kOnes)) | (w & kHigh);
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  }
  return bad == 0;
}
}  // namespace

std::size_t json_string_bytes(std::string_view s) noexcept {
  if (json_plain(s)) return s.size() + 2;
  const bool valid = utf8_error_offset(s) == std::string_view::npos;
  std::size_t n = 2;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      n += 2;
    } else if (u < 0x20) {
      n += 6;
    } else if (u >= 0x80 && !valid) {
      n += 3;  // written as U+FFFD
    } else {
      n += 1;
    }
  }
  return n;
}

std::string pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace leadscore::detail

namespace leadscore {

std::string suggest(std::string_view name, std::span<const std::string_view> candidates) {
  const std::size_t allowed = name.size() <= 3 ? 1 : (name.size() <= 7 ? 2 : 3);
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = detail::edit_distance(name, candidate, allowed);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string suggest(std::string_view name, std::span<const std::string> candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  return suggest(name, views);
}

}  // namespace leadscore
