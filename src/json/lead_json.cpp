// Lead <-> JSON (docs/lead-format.md).
//
// Reading never stops at the first problem: every unknown key, wrong type,
// bad instant and exceeded limit is reported, each with its JSON pointer.
// Writing emits only the fields that are present, so that
// lead_from_json(to_json(lead)) == lead.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/text.hpp"
#include "leadscore/time.hpp"

#include "core/format.hpp"
#include "core/names.hpp"
#include "json/json_reader.hpp"
#include "json/json_util.hpp"
#include "model/fields.hpp"

namespace leadscore {

namespace {

using nlohmann::json;
using KeyList = std::vector<std::string_view>;

/// Nesting depth accepted by parse_lead (a lead needs 5 levels at most).
constexpr std::size_t kMaxLeadDepth = 64;

using detail::kLeadJsonKeys;
using detail::LeadField;
using detail::LeadJsonKey;

/// The lead object's keys: the fields' (detail::kLeadFields), then "events".
const KeyList kLeadKeys = [] {
  KeyList keys;
  for (const LeadJsonKey& entry : kLeadJsonKeys) keys.push_back(entry.key);
  keys.push_back("events");
  return keys;
}();
/// The keys of each section of kLeadJsonKeys (empty for a top-level field).
const std::vector<KeyList> kSectionKeys = [] {
  std::vector<KeyList> sections;
  for (const LeadJsonKey& entry : kLeadJsonKeys) {
    KeyList& keys = sections.emplace_back();
    if (!entry.section) continue;
    for (const LeadField& field : entry.fields()) keys.push_back(field.key());
  }
  return sections;
}();
const KeyList kEventKeys{"type", "at", "id", "automated", "properties"};

bool is_attributes(const LeadJsonKey& entry) {
  return entry.fields().front().access.storage == detail::Storage::attributes;
}

class LeadReader final : public detail::JsonReader {
 public:
  explicit LeadReader(const Limits& limits)
      : JsonReader({limits.max_string_length, /*null_is_absent=*/true, "a boolean"}),
        limits_(limits) {}

  /// The lead's keys in the order of kLeadJsonKeys (the field table), then
  /// "events".
  Lead read(const json& j) {
    Lead lead;
    if (!expect_object(j, "", "a lead object")) return lead;
    check_keys(j, "", kLeadKeys, "the lead");
    for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
      const LeadJsonKey& entry = kLeadJsonKeys[i];
      const std::string pointer = child("", entry.key);
      if (is_attributes(entry)) {
        if (const json* attributes = member(j, entry.key)) {
          read_attributes(*attributes, pointer, lead);
        }
      } else if (!entry.section) {
        read_field(j, "", entry.fields().front(), lead);
      } else if (const json* section = member(j, entry.key);
                 section && expect_object(*section, pointer)) {
        check_keys(*section, pointer, kSectionKeys[i], detail::in_quotes(entry.key));
        for (const LeadField& field : entry.fields()) read_field(*section, pointer, field, lead);
      }
    }
    if (const json* events = member(j, "events")) read_events(*events, lead);
    return lead;
  }

 private:
  static constexpr std::string_view kInstant = "a string (an ISO-8601 instant)";

  const Limits& limits_;

  /// Unknown keys are quoted in full up to 40 bytes; a key of a nested
  /// section written at the top level is pointed to its section.
  [[nodiscard]] std::string unknown_key_message(std::string_view key, std::string_view where,
                                                std::span<const std::string_view> allowed,
                                                std::string_view pointer,
                                                bool suggested) const override {
    std::string note;
    if (!suggested && pointer.empty()) {
      for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
        const KeyList& keys = kSectionKeys[i];
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
          note = ": it belongs in \"" + std::string(kLeadJsonKeys[i].key) + "\"";
          break;
        }
      }
    }
    return valid_keys_message(detail::quoted_excerpt(key), where, allowed, note);
  }

  [[nodiscard]] std::string not_finite_message(const json& /*value*/) const override {
    return "expected a finite number";
  }

  /// Lead values are never quoted (docs/guarantees.md#privacy).
  [[nodiscard]] std::string bad_instant_message(const std::string& /*text*/,
                                                const json& /*value*/) const override {
    return "expected an ISO-8601 instant such as 2026-11-20T10:00:00Z (the value is not shown)";
  }

  /// Reads the field's key of `object` (at `pointer`) into the lead, by the
  /// type of its Lead member.
  void read_field(const json& object, const std::string& pointer, const LeadField& field,
                  Lead& lead) {
    const std::string_view key = field.key();
    const json* j = member(object, key);
    if (j == nullptr) {
      if (field.access.storage == detail::Storage::id) {
        missing_key(pointer, key, "the lead's id, a string");
      }
      return;
    }
    const std::string at = child(pointer, key);
    std::visit(detail::Overloaded{
                   [&](std::optional<Value>* out) { *out = read_free_value(*j, at); },
                   [&](Origin* out) { read_origin(*j, at, *out); },
                   [&](std::optional<Instant>* out) { *out = read_instant(*j, at, kInstant); },
                   // std::string, and optional text, number or boolean.
                   [&](auto* out) { read_value(*j, at, *out); },
               },
               field.access.member(lead));
  }

  /// A free-form value: string, number, boolean or array of strings.
  std::optional<Value> read_free_value(const json& j, const std::string& pointer) {
    switch (j.type()) {
      case json::value_t::string: {
        std::string text;
        if (read_string(j, pointer, text)) return Value{std::move(text)};
        return std::nullopt;
      }
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float: {
        double number = 0;
        if (read_number(j, pointer, number)) return Value{number};
        return std::nullopt;
      }
      case json::value_t::boolean:
        return Value{j.get<bool>()};
      case json::value_t::array: {
        if (j.size() > limits_.max_list_items) {
          limit_exceeded(pointer, "number of list items", j.size(), "max_list_items",
                         limits_.max_list_items);
          return std::nullopt;
        }
        std::vector<std::string> list(j.size());
        bool ok = true;
        for (std::size_t i = 0; i < j.size(); ++i) {
          ok = read_string(j[i], child(pointer, i), list[i]) && ok;
        }
        if (!ok) return std::nullopt;
        return Value{std::move(list)};
      }
      default:
        wrong_type(pointer, "a string, number, boolean or array of strings", j);
        return std::nullopt;
    }
  }

  void read_origin(const json& j, const std::string& pointer, Origin& out) {
    if (!j.is_string()) {
      wrong_type(pointer, "a string (\"inbound\", \"outbound\" or \"unknown\")", j);
      return;
    }
    const auto& text = j.get_ref<const std::string&>();
    if (auto origin = parse_origin(text)) {  // any case
      out = *origin;
      return;
    }
    error("unknown_origin", pointer,
          "unknown origin (the value is not shown); expected \"inbound\", \"outbound\" or "
          "\"unknown\"",
          suggest(text, detail::kNames<Origin>));
  }

  /// True when `j` is an object of at most Limits::max_properties members
  /// (`what` names them: "number of attributes"); else reports why not.
  bool expect_properties(const json& j, const std::string& pointer, std::string_view what) {
    if (!expect_object(j, pointer)) return false;
    if (j.size() <= limits_.max_properties) return true;
    limit_exceeded(pointer, what, j.size(), "max_properties", limits_.max_properties);
    return false;
  }

  void read_attributes(const json& j, const std::string& pointer, Lead& lead) {
    if (!expect_properties(j, pointer, "number of attributes")) return;
    for (const auto& [key, value] : j.items()) {
      const std::string at = child(pointer, key);
      if (!check_length(key, at) || value.is_null()) continue;
      if (auto v = read_free_value(value, at)) lead.attributes.emplace(key, std::move(*v));
    }
  }

  void read_events(const json& j, Lead& lead) {
    const std::string pointer = "/events";
    if (!j.is_array()) {
      wrong_type(pointer, "an array of events", j);
      return;
    }
    if (j.size() > limits_.max_events_per_lead) {
      limit_exceeded(pointer, "number of events", j.size(), "max_events_per_lead",
                     limits_.max_events_per_lead);
      return;
    }
    lead.events.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      lead.events.push_back(read_event(j[i], child(pointer, i)));
    }
  }

  Event read_event(const json& j, const std::string& pointer) {
    Event event;
    if (!expect_object(j, pointer, "an event object")) return event;
    check_keys(j, pointer, kEventKeys, "an event");

    if (const json* type = member(j, "type")) {
      read_string(*type, pointer + "/type", event.type);
    } else {
      missing_key(pointer, "type", "the event type, e.g. \"page_view\"");
    }

    if (const json* at = member(j, "at")) {
      if (auto instant = read_instant(*at, pointer + "/at", kInstant)) event.at = *instant;
    } else {
      missing_key(pointer, "at", "when the event happened, e.g. \"2026-11-20T10:00:00Z\"");
    }

    field(j, pointer, "id", event.id);
    if (const json* automated = member(j, "automated")) {
      if (automated->is_boolean()) {
        event.automated = automated->get<bool>();
      } else {
        wrong_type(pointer + "/automated", "a boolean (true or false)", *automated);
      }
    }
    if (const json* properties = member(j, "properties")) {
      read_properties(*properties, pointer + "/properties", event);
    }
    return event;
  }

  void read_properties(const json& properties, const std::string& at, Event& event) {
    if (!expect_properties(properties, at, "number of properties")) return;
    event.properties.reserve(properties.size());
    for (const auto& [key, value] : properties.items()) {
      const std::string prop = child(at, key);
      if (!check_length(key, prop) || value.is_null()) continue;
      if (value.is_string()) {
        std::string text;
        if (read_string(value, prop, text)) event.properties.emplace_back(key, std::move(text));
      } else if (value.is_number()) {
        double number = 0;
        if (read_number(value, prop, number)) event.properties.emplace_back(key, number);
      } else {
        wrong_type(prop, "a string or number", value);
      }
    }
  }
};

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

using detail::number_json;

json value_json(const Value& value) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) {
          return number_json(v);
        } else {
          return json(v);
        }
      },
      value);
}

/// Writes the field into `object` under its key, when the lead has it.
void put(json& object, const LeadField& field, const Lead& lead) {
  const std::string key(field.key());
  std::visit(detail::Overloaded{
                 [&](const std::string* v) { object[key] = *v; },
                 [&](const std::optional<std::string>* v) {
                   if (*v) object[key] = **v;
                 },
                 [&](const std::optional<double>* v) {
                   if (*v) object[key] = number_json(**v);
                 },
                 [&](const std::optional<bool>* v) {
                   if (*v) object[key] = **v;
                 },
                 [&](const std::optional<Value>* v) {
                   if (*v) object[key] = value_json(**v);
                 },
                 [&](const Origin* v) {
                   if (*v != Origin::unknown) object[key] = std::string(to_string(*v));
                 },
                 [&](const std::optional<Instant>* v) {
                   if (*v) object[key] = format_instant(**v);
                 },
             },
             field.access.const_member(lead));
}

json event_json(const Event& event) {
  json j = json::object();
  j["type"] = event.type;
  j["at"] = format_instant(event.at);
  if (!event.id.empty()) j["id"] = event.id;
  if (event.automated) j["automated"] = true;
  if (!event.properties.empty()) {
    json properties = json::object();
    for (const auto& [key, value] : event.properties) {
      if (properties.contains(key)) continue;  // Event::property(): the first one wins
      properties[key] = std::visit(
          [](const auto& v) -> json {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>) {
              return number_json(v);
            } else {
              return json(v);
            }
          },
          value);
    }
    j["properties"] = std::move(properties);
  }
  return j;
}

}  // namespace

Result<Lead> lead_from_json(const nlohmann::json& json_value, const Limits& limits) {
  LeadReader reader(limits);
  Lead lead = reader.read(json_value);
  if (!reader.diagnostics.empty()) return Result<Lead>(std::move(reader.diagnostics));
  return Result<Lead>(std::move(lead));
}

nlohmann::json to_json(const Lead& lead) {
  json j = json::object();
  for (const LeadJsonKey& entry : kLeadJsonKeys) {
    if (is_attributes(entry)) {
      if (lead.attributes.empty()) continue;
      json attributes = json::object();
      for (const auto& [key, value] : lead.attributes) attributes[key] = value_json(value);
      j[std::string(entry.key)] = std::move(attributes);
    } else if (!entry.section) {
      put(j, entry.fields().front(), lead);
    } else {
      json section = json::object();
      for (const LeadField& field : entry.fields()) put(section, field, lead);
      if (!section.empty()) j[std::string(entry.key)] = std::move(section);
    }
  }

  if (!lead.events.empty()) {
    json events = json::array();
    for (const Event& event : lead.events) events.push_back(event_json(event));
    j["events"] = std::move(events);
  }
  return j;
}

Result<Lead> parse_lead(std::string_view json_text, const Limits& limits) {
  detail::StrictOptions options;
  options.max_bytes = limits.max_lead_bytes;
  options.max_depth = kMaxLeadDepth;
  options.max_string_length = limits.max_string_length;
  options.max_array_items = std::max(limits.max_events_per_lead, limits.max_list_items);
  options.quote_text = false;  // lead data is never quoted in a diagnostic
  detail::StrictParse parsed = detail::parse_json_strict(json_text, options);
  if (!parsed.value || has_errors(parsed.diagnostics)) {
    return Result<Lead>(std::move(parsed.diagnostics));
  }
  Result<Lead> result = lead_from_json(*parsed.value, limits);
  if (result.ok()) {
    if (parsed.diagnostics.empty()) return result;
    return Result<Lead>(std::move(result).value(), std::move(parsed.diagnostics));
  }
  std::vector<Diagnostic> diagnostics = parsed.diagnostics;
  diagnostics.insert(diagnostics.end(), result.diagnostics().begin(), result.diagnostics().end());
  locate(diagnostics, json_text);
  // Report in document order (objects are read in key order).
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
  return Result<Lead>(std::move(diagnostics));
}

std::string to_json_text(const Lead& lead) {
  // Invalid UTF-8 in a string becomes U+FFFD rather than an exception.
  return to_json(lead).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace leadscore
