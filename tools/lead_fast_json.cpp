// The simdjson reader of JSONL leads (see lead_fast_json.hpp).
//
// It mirrors LeadReader in src/json/lead_json.cpp, with one rule: every condition
// that makes parse_lead report a diagnostic makes this reader decline.
//
// - Text: longer than max_lead_bytes, max_string_length (then no string or
//   key in it can exceed that limit) or kFastLeadMaxBytes; a byte-order mark.
// - JSON: simdjson's DOM parser validates the whole text (UTF-8 as strict as
//   utf8_error_offset, syntax as strict as nlohmann's strict mode). Every
//   object of a lead is walked, so duplicate keys are found.
// - Lead format: unknown keys, missing id / event type / event time, wrong
//   types, bad origin or instant, too many events, attributes or properties.
//
// Numbers: nlohmann reads an integer token as int64 or uint64 and converts it
// to double with a cast, and any other number with strtod (correctly
// rounded); simdjson gives the same int64 / uint64 (it fails on integers
// beyond uint64, which then go to parse_lead) and correctly rounded doubles.
// Both read "-0" as the integer 0, hence +0.0.
//
// Event properties are stored in key order, as parse_lead stores them (an
// nlohmann object iterates its keys sorted).
#include "lead_fast_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#ifdef LEADSCORE_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace leadscore::cli {

#ifndef LEADSCORE_HAVE_SIMDJSON

bool fast_lead_reader_available() noexcept { return false; }

bool fast_parse_lead(std::string_view /*text*/, const Limits& /*limits*/, Lead& /*out*/) {
  return false;
}

#else

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::key_value_pair;
using simdjson::dom::object;

/// Deep enough for any lead (root, events, event, properties); deeper text
/// is not a lead and is declined.
constexpr std::size_t kMaxDepth = 16;

/// Index of `key` in `keys`, or -1.
template <std::size_t N>
int key_index(std::string_view key, const std::string_view (&keys)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (keys[i] == key) return static_cast<int>(i);
  }
  return -1;
}

constexpr std::string_view kLeadKeys[] = {
    "id",     "contact", "company",    "job_title", "seniority", "department", "location",
    "origin", "source",  "created_at", "consent",   "discovery", "attributes", "events"};
constexpr std::string_view kContactKeys[] = {"first_name",      "last_name", "email",
                                             "secondary_email", "phone",     "secondary_phone"};
constexpr std::string_view kCompanyKeys[] = {"name", "domain", "industry", "employees",
                                             "annual_revenue"};
constexpr std::string_view kLocationKeys[] = {"country", "region", "city"};
constexpr std::string_view kConsentKeys[] = {"do_not_email", "do_not_call"};
constexpr std::string_view kDiscoveryKeys[] = {"budget", "authority", "need", "timeline"};
constexpr std::string_view kEventKeys[] = {"type", "at", "id", "automated", "properties"};

/// Tracks the keys of an object with a fixed key set: false for an unknown
/// or repeated key.
class KeySet {
 public:
  template <std::size_t N>
  bool add(std::string_view key, const std::string_view (&keys)[N], int& index) {
    index = key_index(key, keys);
    if (index < 0) return false;
    const std::uint32_t bit = 1u << static_cast<unsigned>(index);
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    return true;
  }

 private:
  std::uint32_t seen_ = 0;
};

bool is_number(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

/// The number as parse_lead reads it (nlohmann's get<double>()).
bool number_of(element v, double& out) {
  switch (v.type()) {
    case element_type::INT64:
      out = static_cast<double>(v.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      out = static_cast<double>(v.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE:
      out = v.get_double().value_unsafe();
      return std::isfinite(out);
    default:
      return false;
  }
}

std::string_view string_of(element v) { return v.get_string().value_unsafe(); }

// Through a named result, not a temporary: GCC's -O3 -Wmaybe-uninitialized
// otherwise warns inside simdjson.h about the temporary's unused error branch.
object object_of(element v) {
  object out;
  if (v.get_object().get(out) != simdjson::SUCCESS) out = object();
  return out;
}

array array_of(element v) {
  array out;
  if (v.get_array().get(out) != simdjson::SUCCESS) out = array();
  return out;
}

/// The reader proper: one per thread, reused for every line.
class FastReader {
 public:
  FastReader() : parser_(kFastLeadMaxBytes) {
    // Allocated once for the largest line taken, so parsing never allocates.
    ok_ = parser_.allocate(kFastLeadMaxBytes, kMaxDepth) == simdjson::SUCCESS;
    buffer_.resize(kFastLeadMaxBytes + simdjson::SIMDJSON_PADDING);
  }

  bool parse(std::string_view text, const Limits& limits, Lead& lead) {
    if (!ok_ || text.size() > kFastLeadMaxBytes || text.size() > limits.max_lead_bytes ||
        text.size() > limits.max_string_length) {
      return false;
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") return false;  // nlohmann skips it; we do not
    std::memcpy(buffer_.data(), text.data(), text.size());
    element root;
    if (parser_.parse(buffer_.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
      return false;
    }
    limits_ = &limits;
    reset(lead);
    return read_lead(root, lead);
  }

 private:
  simdjson::dom::parser parser_;
  std::string buffer_;  // the line, followed by simdjson's padding
  bool ok_ = false;
  const Limits* limits_ = nullptr;
  std::vector<std::pair<std::string_view, element>> members_;  // scratch

  /// Empties `lead` but keeps the storage of its events (vector, strings,
  /// properties) for the next lead. Every other field, including any added
  /// to Lead later, is reset by assigning a default Lead.
  static void reset(Lead& lead) {
    std::vector<Event> events = std::move(lead.events);
    lead = Lead{};
    lead.events = std::move(events);
  }

  /// The same for an event: defaults everywhere, storage kept.
  static void reset(Event& event) {
    Event fresh;
    fresh.type = std::move(event.type);
    fresh.id = std::move(event.id);
    fresh.properties = std::move(event.properties);
    event = std::move(fresh);
    event.id.clear();
  }

  static void assign(PropertyValue& out, std::string_view text) {
    if (auto* s = std::get_if<std::string>(&out)) {
      s->assign(text);
    } else {
      out.emplace<std::string>(text);
    }
  }

  static bool read_string(element v, std::optional<std::string>& out) {
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) return true;
    if (t != element_type::STRING) return false;
    out.emplace(string_of(v));
    return true;
  }

  static bool read_number(element v, std::optional<double>& out) {
    if (v.type() == element_type::NULL_VALUE) return true;
    double number = 0;
    if (!number_of(v, number)) return false;
    out = number;
    return true;
  }

  static bool read_bool(element v, std::optional<bool>& out) {
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) return true;
    if (t != element_type::BOOL) return false;
    out = v.get_bool().value_unsafe();
    return true;
  }

  /// A free-form value (not null): string, number, boolean or array of strings.
  static bool read_value(element v, Value& out) {
    const element_type t = v.type();
    if (t == element_type::STRING) {
      out.emplace<std::string>(string_of(v));
      return true;
    }
    if (is_number(t)) {
      double number = 0;
      if (!number_of(v, number)) return false;
      out = number;
      return true;
    }
    if (t == element_type::BOOL) {
      out = v.get_bool().value_unsafe();
      return true;
    }
    if (t != element_type::ARRAY) return false;
    const array items = array_of(v);
    std::vector<std::string> list;
    list.reserve(items.size());
    for (element item : items) {
      if (item.type() != element_type::STRING) return false;
      list.emplace_back(string_of(item));
    }
    out = std::move(list);
    return true;
  }

  static bool read_value(element v, std::optional<Value>& out) {
    if (v.type() == element_type::NULL_VALUE) return true;
    return read_value(v, out.emplace());
  }

  /// A section object (contact, company, ...): null is absent.
  template <std::size_t N, class Field>
  static bool read_section(element v, const std::string_view (&keys)[N], Field&& field) {
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) return true;
    if (t != element_type::OBJECT) return false;
    KeySet seen;
    for (key_value_pair member : object_of(v)) {
      int index = -1;
      if (!seen.add(member.key, keys, index) || !field(index, member.value)) return false;
    }
    return true;
  }

  /// Collects the members of an object into members_, sorted by key; false
  /// when a key repeats or there are more than max_properties.
  bool sorted_members(element v) {
    if (v.type() != element_type::OBJECT) return false;
    const object members = object_of(v);
    if (members.size() > limits_->max_properties) return false;
    members_.clear();
    for (key_value_pair member : members) members_.emplace_back(member.key, member.value);
    std::sort(members_.begin(), members_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    const auto repeated =
        std::adjacent_find(members_.begin(), members_.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; });
    return repeated == members_.end();
  }

  bool read_attributes(element v, Lead& lead) {
    if (v.type() == element_type::NULL_VALUE) return true;
    if (!sorted_members(v)) return false;
    for (const auto& [key, value] : members_) {
      if (value.type() == element_type::NULL_VALUE) continue;
      Value parsed;
      if (!read_value(value, parsed)) return false;
      lead.attributes.emplace_hint(lead.attributes.end(), std::string(key), std::move(parsed));
    }
    return true;
  }

  bool read_event(element v, Event& event) {
    if (v.type() != element_type::OBJECT) return false;
    KeySet seen;
    bool has_type = false;
    bool has_at = false;
    element properties;
    bool has_properties = false;
    reset(event);
    for (key_value_pair member : object_of(v)) {
      int index = -1;
      if (!seen.add(member.key, kEventKeys, index)) return false;
      const element value = member.value;
      const element_type t = value.type();
      switch (index) {
        case 0:  // type
          if (t != element_type::STRING) return false;
          event.type.assign(string_of(value));
          has_type = true;
          break;
        case 1: {  // at
          if (t != element_type::STRING) return false;
          const std::optional<Instant> at = parse_instant(string_of(value));
          if (!at) return false;
          event.at = *at;
          has_at = true;
          break;
        }
        case 2:  // id
          if (t == element_type::NULL_VALUE) break;
          if (t != element_type::STRING) return false;
          event.id.assign(string_of(value));
          break;
        case 3:  // automated
          if (t == element_type::NULL_VALUE) break;
          if (t != element_type::BOOL) return false;
          event.automated = value.get_bool().value_unsafe();
          break;
        default:  // properties
          if (t == element_type::NULL_VALUE) break;
          properties = value;
          has_properties = true;
          break;
      }
    }
    if (!has_type || !has_at) return false;
    std::vector<std::pair<std::string, PropertyValue>>& out = event.properties;
    if (!has_properties) {
      out.clear();
      return true;
    }
    if (!sorted_members(properties)) return false;
    // Overwrite the properties in place, so that their strings keep their storage.
    std::size_t n = 0;
    for (const auto& [key, value] : members_) {
      const element_type t = value.type();
      if (t == element_type::NULL_VALUE) continue;
      double number = 0;
      if (t != element_type::STRING && !number_of(value, number)) return false;
      if (n == out.size()) out.emplace_back();
      auto& [name, property] = out[n++];
      name.assign(key);
      if (t == element_type::STRING) {
        assign(property, string_of(value));
      } else {
        property = number;
      }
    }
    out.resize(n);
    return true;
  }

  bool read_events(element v, Lead& lead) {
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) {
      lead.events.clear();
      return true;
    }
    if (t != element_type::ARRAY) return false;
    const array events = array_of(v);
    const std::size_t count = events.size();
    if (count > limits_->max_events_per_lead) return false;
    lead.events.resize(count);
    std::size_t i = 0;
    for (element event : events) {
      if (!read_event(event, lead.events[i++])) return false;
    }
    return true;
  }

  bool read_lead(element root, Lead& lead) {
    if (root.type() != element_type::OBJECT) return false;
    KeySet seen;
    bool has_id = false;
    // Attributes and events use members_; read them after the loop so that
    // the scratch space is not shared with anything else.
    element attributes;
    element events;
    bool has_attributes = false;
    bool has_events = false;
    for (key_value_pair member : object_of(root)) {
      int index = -1;
      if (!seen.add(member.key, kLeadKeys, index)) return false;
      const element v = member.value;
      bool ok = true;
      switch (index) {
        case 0:  // id
          if (v.type() != element_type::STRING) return false;
          lead.id.assign(string_of(v));
          has_id = true;
          break;
        case 1:
          ok = read_section(v, kContactKeys, [&](int k, element value) {
            Contact& c = lead.contact;
            std::optional<std::string>* fields[] = {&c.first_name, &c.last_name,
                                                    &c.email,      &c.secondary_email,
                                                    &c.phone,      &c.secondary_phone};
            return read_string(value, *fields[k]);
          });
          break;
        case 2:
          ok = read_section(v, kCompanyKeys, [&](int k, element value) {
            Company& c = lead.company;
            switch (k) {
              case 0:
                return read_string(value, c.name);
              case 1:
                return read_string(value, c.domain);
              case 2:
                return read_string(value, c.industry);
              case 3:
                return read_number(value, c.employees);
              default:
                return read_number(value, c.annual_revenue);
            }
          });
          break;
        case 3:
          ok = read_string(v, lead.job_title);
          break;
        case 4:
          ok = read_string(v, lead.seniority);
          break;
        case 5:
          ok = read_string(v, lead.department);
          break;
        case 6:
          ok = read_section(v, kLocationKeys, [&](int k, element value) {
            Location& l = lead.location;
            std::optional<std::string>* fields[] = {&l.country, &l.region, &l.city};
            return read_string(value, *fields[k]);
          });
          break;
        case 7: {  // origin
          const element_type t = v.type();
          if (t == element_type::NULL_VALUE) break;
          if (t != element_type::STRING) return false;
          const std::optional<Origin> origin = parse_origin(string_of(v));
          if (!origin) return false;
          lead.origin = *origin;
          break;
        }
        case 8:
          ok = read_string(v, lead.source);
          break;
        case 9: {  // created_at
          const element_type t = v.type();
          if (t == element_type::NULL_VALUE) break;
          if (t != element_type::STRING) return false;
          lead.created_at = parse_instant(string_of(v));
          ok = lead.created_at.has_value();
          break;
        }
        case 10:
          ok = read_section(v, kConsentKeys, [&](int k, element value) {
            return read_bool(value, k == 0 ? lead.consent.do_not_email : lead.consent.do_not_call);
          });
          break;
        case 11:
          ok = read_section(v, kDiscoveryKeys, [&](int k, element value) {
            Discovery& d = lead.discovery;
            std::optional<Value>* fields[] = {&d.budget, &d.authority, &d.need, &d.timeline};
            return read_value(value, *fields[k]);
          });
          break;
        case 12:
          attributes = v;
          has_attributes = true;
          break;
        default:
          events = v;
          has_events = true;
          break;
      }
      if (!ok) return false;
    }
    if (!has_id) return false;
    if (has_attributes && !read_attributes(attributes, lead)) return false;
    if (!has_events) {
      lead.events.clear();
      return true;
    }
    return read_events(events, lead);
  }
};

}  // namespace

bool fast_lead_reader_available() noexcept { return true; }

bool fast_parse_lead(std::string_view text, const Limits& limits, Lead& out) {
  thread_local FastReader reader;
  return reader.parse(text, limits, out);
}

#endif  // LEADSCORE_HAVE_SIMDJSON

}  // namespace leadscore::cli
