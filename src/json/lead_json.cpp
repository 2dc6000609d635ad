// Lead <-> JSON (docs/lead-format.md).
//
// Reading never stops at the first problem: every unknown key, wrong type,
// bad instant and exceeded limit is reported, each with its JSON pointer.
// Writing emits only the fields that are present, so that
// lead_from_json(to_json(lead)) == lead.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
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
#include "leadscore/time.hpp"

#include "core/names.hpp"
#include "core/text.hpp"
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

std::string join(const KeyList& keys) {
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

/// `text` quoted, shortened to about 40 bytes (never inside a UTF-8 sequence).
std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  if (text.size() <= kMax) {
    out += text;
  } else {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
    out += text.substr(0, cut);
    out += "...";
  }
  out += '"';
  return out;
}

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + detail::pointer_escape(key);
}

std::string child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

/// The member `key` of `object`, or nullptr when absent or null (null means
/// absent everywhere in the lead format).
const json* member(const json& object, std::string_view key) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

class LeadReader {
 public:
  explicit LeadReader(const Limits& limits) : limits_(limits) {}

  std::vector<Diagnostic> diagnostics;

  Lead read(const json& j) {
    Lead lead;
    if (!j.is_object()) {
      wrong_type(j, "", "a lead object");
      return lead;
    }
    check_keys(j, "", kLeadKeys, "the lead");
    for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
      const LeadJsonKey& entry = kLeadJsonKeys[i];
      if (is_attributes(entry)) {
        if (const json* attributes = member(j, entry.key)) read_attributes(*attributes, lead);
      } else if (!entry.section) {
        read_field(j, "", entry.fields().front(), lead);
      } else {
        const std::string pointer = child("", entry.key);
        if (const json* section = member(j, entry.key);
            section && expect_object(*section, pointer)) {
          check_keys(*section, pointer, kSectionKeys[i], "\"" + std::string(entry.key) + "\"");
          for (const LeadField& field : entry.fields()) read_field(*section, pointer, field, lead);
        }
      }
    }
    if (const json* events = member(j, "events")) read_events(*events, lead);
    return lead;
  }

 private:
  const Limits& limits_;

  void error(std::string code, std::string pointer, std::string message,
             std::string suggestion = {}) {
    Diagnostic d;
    d.severity = Severity::error;
    d.code = std::move(code);
    d.pointer = std::move(pointer);
    d.message = std::move(message);
    d.suggestion = std::move(suggestion);
    diagnostics.push_back(std::move(d));
  }

  void wrong_type(const json& j, const std::string& pointer, std::string_view expected) {
    std::string message = "expected ";
    message += expected;
    message += ", got ";
    message += detail::json_type_name(j);
    error("wrong_type", pointer, std::move(message));
  }

  void limit_exceeded(const std::string& pointer, std::string_view what, std::size_t actual,
                      std::string_view limit_name, std::size_t limit) {
    std::string message(what);
    message += " (";
    message += std::to_string(actual);
    message += ") exceeds the limit ";
    message += limit_name;
    message += " = ";
    message += std::to_string(limit);
    error("limit_exceeded", pointer, std::move(message));
  }

  bool expect_object(const json& j, const std::string& pointer) {
    if (j.is_object()) return true;
    wrong_type(j, pointer, "an object");
    return false;
  }

  /// Reports every key of `object` that is not in `known`.
  void check_keys(const json& object, const std::string& pointer, const KeyList& known,
                  std::string_view where) {
    for (const auto& [key, value] : object.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string suggestion = detail::suggest(key, known);
      std::string message = "unknown key " + quoted_excerpt(key) + " in " + std::string(where);
      if (suggestion.empty() && pointer.empty()) {
        // A key of a nested section written at the top level: say where it goes.
        for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
          const KeyList& keys = kSectionKeys[i];
          if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            message += ": it belongs in \"" + std::string(kLeadJsonKeys[i].key) + "\"";
            break;
          }
        }
      }
      message += " (valid keys: " + join(known) + ")";
      error("unknown_key", child(pointer, key), std::move(message), std::move(suggestion));
    }
  }

  bool check_length(std::string_view text, const std::string& pointer) {
    if (text.size() <= limits_.max_string_length) return true;
    limit_exceeded(pointer, "string length", text.size(), "max_string_length",
                   limits_.max_string_length);
    return false;
  }

  std::optional<std::string> read_string(const json& j, const std::string& pointer) {
    if (!j.is_string()) {
      wrong_type(j, pointer, "a string");
      return std::nullopt;
    }
    const auto& text = j.get_ref<const std::string&>();
    if (!check_length(text, pointer)) return std::nullopt;
    return text;
  }

  std::optional<double> read_number(const json& j, const std::string& pointer) {
    if (!j.is_number()) {
      wrong_type(j, pointer, "a number");
      return std::nullopt;
    }
    const auto value = j.get<double>();
    if (!std::isfinite(value)) {
      error("invalid_value", pointer, "expected a finite number");
      return std::nullopt;
    }
    return value;
  }

  std::optional<Instant> read_instant(const json& j, const std::string& pointer) {
    if (!j.is_string()) {
      wrong_type(j, pointer, "a string (an ISO-8601 instant)");
      return std::nullopt;
    }
    const auto& text = j.get_ref<const std::string&>();
    if (auto instant = parse_instant(text)) return instant;
    error("invalid_value", pointer,
          "expected an ISO-8601 instant such as 2026-11-20T10:00:00Z, got " + quoted_excerpt(text));
    return std::nullopt;
  }

  /// A free-form value: string, number, boolean or array of strings.
  std::optional<Value> read_value(const json& j, const std::string& pointer) {
    switch (j.type()) {
      case json::value_t::string:
        if (auto text = read_string(j, pointer)) return Value{std::move(*text)};
        return std::nullopt;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float:
        if (auto number = read_number(j, pointer)) return Value{*number};
        return std::nullopt;
      case json::value_t::boolean:
        return Value{j.get<bool>()};
      case json::value_t::array: {
        std::vector<std::string> list;
        list.reserve(j.size());
        bool ok = true;
        for (std::size_t i = 0; i < j.size(); ++i) {
          if (auto text = read_string(j[i], child(pointer, i))) {
            list.push_back(std::move(*text));
          } else {
            ok = false;
          }
        }
        if (!ok) return std::nullopt;
        return Value{std::move(list)};
      }
      default:
        wrong_type(j, pointer, "a string, number, boolean or array of strings");
        return std::nullopt;
    }
  }

  /// Reads the field's key of `object` (at `pointer`) into the lead.
  void read_field(const json& object, const std::string& pointer, const LeadField& field,
                  Lead& lead) {
    const json* j = member(object, field.key());
    if (j == nullptr) {
      if (field.access.storage == detail::Storage::id) {
        error("missing_key", child(pointer, field.key()),
              "missing required key \"id\" (the lead's id, a string)");
      }
      return;
    }
    const std::string at = child(pointer, field.key());
    std::visit(detail::Overloaded{
                   [&](std::string* out) {
                     if (auto text = read_string(*j, at)) *out = std::move(*text);
                   },
                   [&](std::optional<std::string>* out) { *out = read_string(*j, at); },
                   [&](std::optional<double>* out) { *out = read_number(*j, at); },
                   [&](std::optional<bool>* out) {
                     if (j->is_boolean()) {
                       *out = j->get<bool>();
                     } else {
                       wrong_type(*j, at, "a boolean");
                     }
                   },
                   [&](std::optional<Value>* out) { *out = read_value(*j, at); },
                   [&](Origin* out) { read_origin(*j, *out); },
                   [&](std::optional<Instant>* out) { *out = read_instant(*j, at); },
               },
               field.access.member(lead));
  }

  void read_origin(const json& j, Origin& out) {
    if (!j.is_string()) {
      wrong_type(j, "/origin", "a string (\"inbound\", \"outbound\" or \"unknown\")");
      return;
    }
    const auto& text = j.get_ref<const std::string&>();
    if (auto origin = parse_origin(text)) {
      out = *origin;
      return;
    }
    error("unknown_origin", "/origin",
          "unknown origin " + quoted_excerpt(text) +
              "; expected \"inbound\", \"outbound\" or \"unknown\"",
          detail::suggest(text, detail::name_list<Origin>()));
  }

  void read_attributes(const json& j, Lead& lead) {
    const std::string pointer = "/attributes";
    if (!expect_object(j, pointer)) return;
    if (j.size() > limits_.max_properties) {
      limit_exceeded(pointer, "number of attributes", j.size(), "max_properties",
                     limits_.max_properties);
      return;
    }
    for (const auto& [key, value] : j.items()) {
      const std::string at = child(pointer, key);
      if (!check_length(key, at) || value.is_null()) continue;
      if (auto v = read_value(value, at)) lead.attributes.emplace(key, std::move(*v));
    }
  }

  void read_events(const json& j, Lead& lead) {
    const std::string pointer = "/events";
    if (!j.is_array()) {
      wrong_type(j, pointer, "an array of events");
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
    if (!j.is_object()) {
      wrong_type(j, pointer, "an event object");
      return event;
    }
    check_keys(j, pointer, kEventKeys, "an event");

    if (const json* type = member(j, "type")) {
      if (auto text = read_string(*type, pointer + "/type")) event.type = std::move(*text);
    } else {
      error("missing_key", pointer + "/type",
            "missing required key \"type\" (the event type, e.g. \"page_view\")");
    }

    if (const json* at = member(j, "at")) {
      if (auto instant = read_instant(*at, pointer + "/at")) event.at = *instant;
    } else {
      error("missing_key", pointer + "/at",
            "missing required key \"at\" (when the event happened, e.g. "
            "\"2026-11-20T10:00:00Z\")");
    }

    if (const json* id = member(j, "id")) {
      if (auto text = read_string(*id, pointer + "/id")) event.id = std::move(*text);
    }

    if (const json* automated = member(j, "automated")) {
      if (automated->is_boolean()) {
        event.automated = automated->get<bool>();
      } else {
        wrong_type(*automated, pointer + "/automated", "a boolean (true or false)");
      }
    }

    if (const json* properties = member(j, "properties")) {
      const std::string at = pointer + "/properties";
      if (!expect_object(*properties, at)) return event;
      if (properties->size() > limits_.max_properties) {
        limit_exceeded(at, "number of properties", properties->size(), "max_properties",
                       limits_.max_properties);
        return event;
      }
      event.properties.reserve(properties->size());
      for (const auto& [key, value] : properties->items()) {
        const std::string prop = child(at, key);
        if (!check_length(key, prop) || value.is_null()) continue;
        if (value.is_string()) {
          if (auto text = read_string(value, prop)) event.properties.emplace_back(key, *text);
        } else if (value.is_number()) {
          if (auto number = read_number(value, prop)) event.properties.emplace_back(key, *number);
        } else {
          wrong_type(value, prop, "a string or number");
        }
      }
    }
    return event;
  }
};

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// A number as JSON: integral values that an int64 holds exactly are written
/// as integers (250, not 250.0); everything else as a double.
json number_json(double value) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (std::isfinite(value) && std::trunc(value) == value && value >= -kTwoTo63 &&
      value < kTwoTo63) {
    return json(static_cast<std::int64_t>(value));
  }
  return json(value);
}

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
  detail::StrictParse parsed = detail::parse_json_strict(json_text, limits.max_lead_bytes,
                                                         kMaxLeadDepth, limits.max_string_length);
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
