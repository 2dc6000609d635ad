// Outcome labels of a history of leads (leadscore/calibrate.hpp:
// parse_outcome, outcome_of).
#include <string>

#include "leadscore/calibrate.hpp"

namespace leadscore {

std::optional<bool> parse_outcome(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "yes" || lower == "true" || lower == "1" || lower == "y" || lower == "t")
    return true;
  if (lower == "no" || lower == "false" || lower == "0" || lower == "n" || lower == "f")
    return false;
  return std::nullopt;
}

std::optional<bool> outcome_of(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return parse_outcome(*s);
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* n = std::get_if<double>(&value)) return *n != 0;
  return std::nullopt;
}

}  // namespace leadscore
