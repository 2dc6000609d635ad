// Numbers and names in messages: format_number() (leadscore/text.hpp) and the
// private helpers of core/format.hpp.
#include "core/format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace leadscore {

std::string format_number(double value, int max_decimals) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  const int decimals = std::clamp(max_decimals, 0, 17);
  // Fixed notation as printf's "%.*f" writes it: at most a sign, 309 integer
  // digits, the point and 17 decimals.
  std::array<char, 330> buffer{};
  const auto written = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                     std::chars_format::fixed, decimals);
  std::string out(buffer.data(), written.ptr);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

}  // namespace leadscore

namespace leadscore::detail {

std::string in_quotes(std::string_view text) {
  std::string out(text.size() + 2, '"');
  text.copy(out.data() + 1, text.size());
  return out;
}

std::string shorten(std::string_view text, std::size_t max_bytes, std::size_t cut) {
  if (text.size() <= max_bytes) return std::string(text);
  cut = std::min(cut, text.size());
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

std::string join(std::span<const std::string_view> names, std::string_view separator,
                 std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? last_separator : separator;
    out += names[i];
  }
  return out;
}

}  // namespace leadscore::detail
