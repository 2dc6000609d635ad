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
#include "leadscore/text.hpp"
#include "leadscore/time.hpp"

#include "json/json_reader.hpp"
#include "json/json_util.hpp"

namespace leadscore {

namespace {

using nlohmann::json;
using KeyList = std::vector<std::string_view>;

/// Nesting depth accepted by parse_lead (a lead needs 5 levels at most).
constexpr std::size_t kMaxLeadDepth = 64;

const KeyList kLeadKeys{"id",         "contact",   "company",    "job_title", "seniority",
                        "department", "location",  "origin",     "source",    "created_at",
                        "consent",    "discovery", "attributes", "events"};
const KeyList kContactKeys{"first_name",      "last_name", "email",
                           "secondary_email", "phone",     "secondary_phone"};
const KeyList kCompanyKeys{"name", "domain", "industry", "employees", "annual_revenue"};
const KeyList kLocationKeys{"country", "region", "city"};
const KeyList kConsentKeys{"do_not_email", "do_not_call"};
const KeyList kDiscoveryKeys{"budget", "authority", "need", "timeline"};
const KeyList kEventKeys{"type", "at", "id", "automated", "properties"};
const KeyList kOriginNames{"inbound", "outbound", "unknown"};

/// The nested objects of a lead, to point a misplaced key to its section.
struct Section {
  std::string_view name;
  const KeyList* keys;
};
const std::vector<Section> kSections{{"contact", &kContactKeys},
                                     {"company", &kCompanyKeys},
                                     {"location", &kLocationKeys},
                                     {"consent", &kConsentKeys},
                                     {"discovery", &kDiscoveryKeys}};

class LeadReader final : public detail::JsonReader {
 public:
  explicit LeadReader(const Limits& limits)
      : JsonReader({limits.max_string_length, /*null_is_absent=*/true, "a boolean"}),
        limits_(limits) {}

  Lead read(const json& j) {
    Lead lead;
    if (!expect_object(j, "", "a lead object")) return lead;
    check_keys(j, "", kLeadKeys, "the lead");

    if (const json* id = member(j, "id")) {
      read_string(*id, "/id", lead.id);
    } else {
      missing_key("", "id", "the lead's id, a string");
    }

    if (const json* contact = member(j, "contact");
        contact && expect_object(*contact, "/contact")) {
      check_keys(*contact, "/contact", kContactKeys, "\"contact\"");
      Contact& c = lead.contact;
      field(*contact, "/contact", "first_name", c.first_name);
      field(*contact, "/contact", "last_name", c.last_name);
      field(*contact, "/contact", "email", c.email);
      field(*contact, "/contact", "secondary_email", c.secondary_email);
      field(*contact, "/contact", "phone", c.phone);
      field(*contact, "/contact", "secondary_phone", c.secondary_phone);
    }

    if (const json* company = member(j, "company");
        company && expect_object(*company, "/company")) {
      check_keys(*company, "/company", kCompanyKeys, "\"company\"");
      Company& c = lead.company;
      field(*company, "/company", "name", c.name);
      field(*company, "/company", "domain", c.domain);
      field(*company, "/company", "industry", c.industry);
      field(*company, "/company", "employees", c.employees);
      field(*company, "/company", "annual_revenue", c.annual_revenue);
    }

    field(j, "", "job_title", lead.job_title);
    field(j, "", "seniority", lead.seniority);
    field(j, "", "department", lead.department);

    if (const json* location = member(j, "location");
        location && expect_object(*location, "/location")) {
      check_keys(*location, "/location", kLocationKeys, "\"location\"");
      Location& l = lead.location;
      field(*location, "/location", "country", l.country);
      field(*location, "/location", "region", l.region);
      field(*location, "/location", "city", l.city);
    }

    if (const json* origin = member(j, "origin")) read_origin(*origin, lead.origin);
    field(j, "", "source", lead.source);
    if (const json* created = member(j, "created_at")) {
      lead.created_at = read_instant(*created, "/created_at", kInstant);
    }

    if (const json* consent = member(j, "consent");
        consent && expect_object(*consent, "/consent")) {
      check_keys(*consent, "/consent", kConsentKeys, "\"consent\"");
      field(*consent, "/consent", "do_not_email", lead.consent.do_not_email);
      field(*consent, "/consent", "do_not_call", lead.consent.do_not_call);
    }

    if (const json* discovery = member(j, "discovery");
        discovery && expect_object(*discovery, "/discovery")) {
      check_keys(*discovery, "/discovery", kDiscoveryKeys, "\"discovery\"");
      Discovery& d = lead.discovery;
      value_field(*discovery, "/discovery", "budget", d.budget);
      value_field(*discovery, "/discovery", "authority", d.authority);
      value_field(*discovery, "/discovery", "need", d.need);
      value_field(*discovery, "/discovery", "timeline", d.timeline);
    }

    if (const json* attributes = member(j, "attributes")) read_attributes(*attributes, lead);
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
      for (const Section& section : kSections) {
        const KeyList& keys = *section.keys;
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
          note = ": it belongs in \"" + std::string(section.name) + "\"";
          break;
        }
      }
    }
    return valid_keys_message(detail::quoted_excerpt(key), where, allowed, note);
  }

  [[nodiscard]] std::string not_finite_message(const json& /*value*/) const override {
    return "expected a finite number";
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

  void value_field(const json& object, std::string_view pointer, std::string_view key,
                   std::optional<Value>& out) {
    if (const json* j = member(object, key)) out = read_free_value(*j, child(pointer, key));
  }

  void read_origin(const json& j, Origin& out) {
    if (!j.is_string()) {
      wrong_type("/origin", "a string (\"inbound\", \"outbound\" or \"unknown\")", j);
      return;
    }
    const auto& text = j.get_ref<const std::string&>();
    if (auto origin = parse_origin(text)) {
      out = *origin;
      return;
    }
    error("unknown_origin", "/origin",
          "unknown origin " + detail::quoted_excerpt(text) +
              "; expected \"inbound\", \"outbound\" or \"unknown\"",
          suggest(text, kOriginNames));
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
    if (!expect_object(properties, at)) return;
    if (properties.size() > limits_.max_properties) {
      limit_exceeded(at, "number of properties", properties.size(), "max_properties",
                     limits_.max_properties);
      return;
    }
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

void put(json& object, const char* key, const std::optional<std::string>& value) {
  if (value) object[key] = *value;
}
void put(json& object, const char* key, const std::optional<double>& value) {
  if (value) object[key] = number_json(*value);
}
void put(json& object, const char* key, const std::optional<bool>& value) {
  if (value) object[key] = *value;
}
void put(json& object, const char* key, const std::optional<Value>& value) {
  if (value) object[key] = value_json(*value);
}

void put_section(json& lead, const char* key, json section) {
  if (!section.empty()) lead[key] = std::move(section);
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
  j["id"] = lead.id;

  json contact = json::object();
  put(contact, "first_name", lead.contact.first_name);
  put(contact, "last_name", lead.contact.last_name);
  put(contact, "email", lead.contact.email);
  put(contact, "secondary_email", lead.contact.secondary_email);
  put(contact, "phone", lead.contact.phone);
  put(contact, "secondary_phone", lead.contact.secondary_phone);
  put_section(j, "contact", std::move(contact));

  json company = json::object();
  put(company, "name", lead.company.name);
  put(company, "domain", lead.company.domain);
  put(company, "industry", lead.company.industry);
  put(company, "employees", lead.company.employees);
  put(company, "annual_revenue", lead.company.annual_revenue);
  put_section(j, "company", std::move(company));

  put(j, "job_title", lead.job_title);
  put(j, "seniority", lead.seniority);
  put(j, "department", lead.department);

  json location = json::object();
  put(location, "country", lead.location.country);
  put(location, "region", lead.location.region);
  put(location, "city", lead.location.city);
  put_section(j, "location", std::move(location));

  if (lead.origin != Origin::unknown) j["origin"] = std::string(to_string(lead.origin));
  put(j, "source", lead.source);
  if (lead.created_at) j["created_at"] = format_instant(*lead.created_at);

  json consent = json::object();
  put(consent, "do_not_email", lead.consent.do_not_email);
  put(consent, "do_not_call", lead.consent.do_not_call);
  put_section(j, "consent", std::move(consent));

  json discovery = json::object();
  put(discovery, "budget", lead.discovery.budget);
  put(discovery, "authority", lead.discovery.authority);
  put(discovery, "need", lead.discovery.need);
  put(discovery, "timeline", lead.discovery.timeline);
  put_section(j, "discovery", std::move(discovery));

  if (!lead.attributes.empty()) {
    json attributes = json::object();
    for (const auto& [key, value] : lead.attributes) attributes[key] = value_json(value);
    j["attributes"] = std::move(attributes);
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
