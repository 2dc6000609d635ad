// The JSON reading base (json/json_reader.hpp).
#include "json/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/diagnostics.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "json/json_util.hpp"

namespace leadscore::detail {

std::string quoted_excerpt(std::string_view text) { return in_quotes(shorten(text, 40, 40)); }

// ---- pointers ------------------------------------------------------------------

std::string JsonReader::child(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out += '/';
  out += pointer_escape(key);
  return out;
}

std::string JsonReader::child(std::string_view pointer, std::size_t index) {
  std::string out(pointer);
  out += '/';
  out += std::to_string(index);
  return out;
}

// ---- diagnostics ---------------------------------------------------------------

void JsonReader::error(std::string_view code, std::string pointer, std::string message,
                       std::string suggestion) {
  diagnostics.push_back(
      make_error(code, std::move(pointer), std::move(message), std::move(suggestion)));
}

void JsonReader::wrong_type(std::string pointer, std::string_view expected, const json& got) {
  std::string message = "expected ";
  message += expected;
  message += ", got ";
  message += json_type_name(got);
  error("wrong_type", std::move(pointer), std::move(message));
}

void JsonReader::missing_key(std::string_view object_pointer, std::string_view key,
                             std::string_view hint) {
  std::string message = "missing required key \"";
  message += key;
  message += '"';
  if (!hint.empty()) {
    message += " (";
    message += hint;
    message += ')';
  }
  error("missing_key", child(object_pointer, key), std::move(message));
}

void JsonReader::limit_exceeded(std::string pointer, std::string_view what, std::size_t actual,
                                std::string_view limit_name, std::size_t limit) {
  std::string message(what);
  message += " (";
  message += std::to_string(actual);
  message += ") exceeds the limit ";
  message += limit_name;
  message += " = ";
  message += std::to_string(limit);
  error("limit_exceeded", std::move(pointer), std::move(message));
}

// ---- members ---------------------------------------------------------------------

const nlohmann::json* JsonReader::member(const json& object, std::string_view key) const {
  const auto it = object.find(key);
  if (it == object.end() || (settings_.null_is_absent && it->is_null())) return nullptr;
  return &*it;
}

const nlohmann::json* JsonReader::required(const json& object, std::string_view object_pointer,
                                           std::string_view key) {
  const json* value = member(object, key);
  if (value == nullptr) missing_key(object_pointer, key);
  return value;
}

bool JsonReader::expect_object(const json& value, const std::string& pointer,
                               std::string_view expected) {
  if (value.is_object()) return true;
  wrong_type(pointer, expected, value);
  return false;
}

std::vector<std::string> JsonReader::check_keys(const json& object, std::string_view pointer,
                                                std::span<const std::string_view> allowed,
                                                std::string_view where) {
  std::vector<std::string> suggested;
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string suggestion = suggest(key, allowed);
    std::string message = unknown_key_message(key, where, allowed, pointer, !suggestion.empty());
    if (!suggestion.empty()) suggested.push_back(suggestion);
    error("unknown_key", child(pointer, key), std::move(message), std::move(suggestion));
  }
  return suggested;
}

bool JsonReader::contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// ---- typed reads ---------------------------------------------------------------------

bool JsonReader::check_length(std::string_view text, const std::string& pointer) {
  if (text.size() <= settings_.max_string_length) return true;
  error("limit_exceeded", pointer, string_too_long_message(text.size()));
  return false;
}

bool JsonReader::read_string(const json& value, const std::string& pointer, std::string& out) {
  if (!value.is_string()) {
    wrong_type(pointer, "a string", value);
    return false;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (!check_length(text, pointer)) return false;
  out = text;
  return true;
}

bool JsonReader::read_bool(const json& value, const std::string& pointer, bool& out) {
  if (!value.is_boolean()) {
    wrong_type(pointer, settings_.boolean, value);
    return false;
  }
  out = value.get<bool>();
  return true;
}

bool JsonReader::read_number(const json& value, const std::string& pointer, double& out) {
  if (!value.is_number()) {
    wrong_type(pointer, "a number", value);
    return false;
  }
  const double d = value.get<double>();
  if (!std::isfinite(d)) {
    error("invalid_value", pointer, not_finite_message(value));
    return false;
  }
  out = d;
  return true;
}

std::optional<Instant> JsonReader::read_instant(const json& value, const std::string& pointer,
                                                std::string_view expected) {
  if (!value.is_string()) {
    wrong_type(pointer, expected, value);
    return std::nullopt;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (auto instant = parse_instant(text)) return instant;
  error("invalid_value", pointer, bad_instant_message(text, value));
  return std::nullopt;
}

// ---- wording ---------------------------------------------------------------------------

std::string JsonReader::valid_keys_message(std::string_view shown_key, std::string_view where,
                                           std::span<const std::string_view> allowed,
                                           std::string_view note) {
  std::string message = "unknown key ";
  message += shown_key;
  message += " in ";
  message += where;
  message += note;
  message += " (valid keys: ";
  message += join(allowed);
  message += ')';
  return message;
}

std::string JsonReader::unknown_key_message(std::string_view key, std::string_view where,
                                            std::span<const std::string_view> allowed,
                                            std::string_view /*pointer*/,
                                            bool /*suggested*/) const {
  return valid_keys_message(in_quotes(key), where, allowed);
}

std::string JsonReader::string_too_long_message(std::size_t size) const {
  return "string length (" + std::to_string(size) +
         ") exceeds the limit max_string_length = " + std::to_string(settings_.max_string_length);
}

std::string JsonReader::not_finite_message(const json& value) const {
  return "expected a finite number, got " + value.dump();
}

std::string JsonReader::bad_instant_message(const std::string& text, const json& /*value*/) const {
  return "expected an ISO-8601 instant such as 2026-11-20T10:00:00Z, got " + quoted_excerpt(text);
}

}  // namespace leadscore::detail
