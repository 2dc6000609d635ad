// The simdjson reader of JSONL leads (see lead_fast_json.hpp).
//
// It mirrors LeadReader in src/json/lead_json.cpp, with one rule: every condition
// that makes parse_lead report a diagnostic makes this reader decline. Both
// take the lead's keys and fields from the lead-field table
// (src/model/fields.hpp).
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
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "eval/evaluator.hpp"
#include "model/fields.hpp"
#include "model/model.hpp"

#ifdef LEADSCORE_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace leadscore::cli {

Lead& owned_lead(BoundLead& out) noexcept { return detail::values_of(out).own().owned; }

void bind_owned_lead(const Qualifier& qualifier, BoundLead& out) {
  detail::BoundValues& b = detail::values_of(out);
  detail::OwnedForm& f = b.own();
  f.plan = nullptr;  // the lists are not laid out for any reader any more
  f.owner = detail::model_of(qualifier);
  detail::bind_lead(*f.owner, f.owned, b);
}

#ifndef LEADSCORE_HAVE_SIMDJSON

bool fast_lead_reader_available() noexcept { return false; }

bool fast_parse_lead(std::string_view /*text*/, const Limits& /*limits*/, Lead& /*out*/) {
  return false;
}

bool fast_parse_bound(std::string_view /*text*/, const Limits& /*limits*/,
                      const Qualifier& /*qualifier*/, BoundLead& /*out*/) {
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

using detail::kLeadJsonKeys;
using detail::LeadField;
using detail::LeadJsonKey;

/// The lead's top-level keys are kLeadJsonKeys (the lead-field table's
/// layout of the format), then "events" at this index.
constexpr int kEventsKey = static_cast<int>(kLeadJsonKeys.size());

/// Index of a top-level key of the lead object, or -1.
int lead_key_index(std::string_view key) {
  for (std::size_t i = 0; i < kLeadJsonKeys.size(); ++i) {
    if (kLeadJsonKeys[i].key == key) return static_cast<int>(i);
  }
  return key == "events" ? kEventsKey : -1;
}

/// Index of `key` among the fields of a section, or -1.
int field_index(const LeadJsonKey& section, std::string_view key) {
  const std::span<const LeadField> fields = section.fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].key() == key) return static_cast<int>(i);
  }
  return -1;
}

constexpr std::string_view kEventKeys[] = {"type", "at", "id", "automated", "properties"};

/// Index of `key` in kEventKeys, or -1.
int event_key_index(std::string_view key) {
  for (std::size_t i = 0; i < std::size(kEventKeys); ++i) {
    if (kEventKeys[i] == key) return static_cast<int>(i);
  }
  return -1;
}

/// Tracks the keys of an object with a fixed key set, by index: false for
/// an unknown (-1) or repeated key.
class KeySet {
 public:
  bool add(int index) {
    if (index < 0) return false;
    const std::uint32_t bit = 1u << static_cast<unsigned>(index);
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    return true;
  }

 private:
  std::uint32_t seen_ = 0;
};
static_assert(kEventsKey < 32, "KeySet holds 32 keys");

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

  /// parse() into a bound lead (fast_parse_bound).
  bool parse_bound(std::string_view text, const Limits& limits, const Qualifier& qualifier,
                   BoundLead& out) {
    detail::BoundValues& b = detail::values_of(out);
    detail::OwnedForm& f = b.own();
    const std::shared_ptr<const detail::Model>& model = detail::model_of(qualifier);
    if (f.owner != model || f.plan != this) {
      f.owner = model;
      b.model = model.get();
      f.plan = this;  // lists by slot (the CSV mapper's are by mapping field)
      f.lists.assign(std::min(model->value_slots.size(), detail::kBoundSlots), {});
    }
    b.lead = &f.owned;
    b.values.assign(std::min(model->value_slots.size(), detail::kBoundSlots), detail::Val{});
    use_slot_names(model);
    bound_ = &b;
    const bool ok = parse(text, limits, f.owned);
    bound_ = nullptr;
    if (ok) detail::bind_lead_fields(*model, f.owned, b);
    return ok;
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
  detail::BoundValues* bound_ = nullptr;  ///< parse_bound(): where attributes go
  std::vector<std::string> list_;         ///< scratch: a list attribute that is not read
  /// parse_bound(): the model's attribute slot names (slot i is key i), and
  /// the model, kept alive so that its address names it.
  std::shared_ptr<const detail::Model> names_model_;
  detail::StringSet slot_names_;
  std::vector<std::uint32_t> slot_seen_;  ///< per slot: the lead that last named it
  std::uint32_t lead_mark_ = 0;           ///< this lead's mark in slot_seen_
  std::vector<std::string_view> others_;  ///< scratch: attribute names that are no slot

  /// The slot names of `model`, made once per model.
  void use_slot_names(const std::shared_ptr<const detail::Model>& model) {
    if (names_model_ == model) return;
    const std::size_t na =
        std::min<std::size_t>(model->attribute_slot_count, model->value_slots.size());
    std::vector<std::string> names;
    names.reserve(na);
    for (std::size_t i = 0; i < na; ++i) names.push_back(model->value_slots[i].name);
    slot_names_ = detail::StringSet(names, false);  // distinct names: key i is slot i
    slot_seen_.assign(na, 0);
    lead_mark_ = 0;
    names_model_ = model;
  }

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
  bool read_value(element v, Value& out) const {
    std::vector<std::string> list;
    detail::Val val;
    if (!element_val(v, list, val)) return false;  // the one place values are checked
    switch (val.t) {
      case detail::Val::T::text:
        out.emplace<std::string>(val.s);
        break;
      case detail::Val::T::number:
        out = val.n();
        break;
      case detail::Val::T::boolean:
        out = val.b;
        break;
      case detail::Val::T::list:
        out = std::move(list);
        break;
      case detail::Val::T::missing:
        return false;
    }
    return true;
  }

  bool read_value(element v, std::optional<Value>& out) const {
    if (v.type() == element_type::NULL_VALUE) return true;
    return read_value(v, out.emplace());
  }

  /// A lead field (not null unless the field allows it), as parse_lead reads it.
  bool read_field(element v, const LeadField& field, Lead& lead) const {
    return std::visit(detail::Overloaded{
                          [&](std::string* out) {  // the id
                            if (v.type() != element_type::STRING) return false;
                            out->assign(string_of(v));
                            return true;
                          },
                          [&](std::optional<std::string>* out) { return read_string(v, *out); },
                          [&](std::optional<double>* out) { return read_number(v, *out); },
                          [&](std::optional<bool>* out) { return read_bool(v, *out); },
                          [&](std::optional<Value>* out) { return read_value(v, *out); },
                          [&](Origin* out) {
                            const element_type t = v.type();
                            if (t == element_type::NULL_VALUE) return true;
                            if (t != element_type::STRING) return false;
                            const std::optional<Origin> origin = parse_origin(string_of(v));
                            if (origin) *out = *origin;
                            return origin.has_value();
                          },
                          [&](std::optional<Instant>* out) {
                            const element_type t = v.type();
                            if (t == element_type::NULL_VALUE) return true;
                            if (t != element_type::STRING) return false;
                            *out = parse_instant(string_of(v));
                            return out->has_value();
                          },
                      },
                      field.access.member(lead));
  }

  /// A section object (contact, company, ...): null is absent.
  bool read_section(element v, const LeadJsonKey& section, Lead& lead) const {
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) return true;
    if (t != element_type::OBJECT) return false;
    KeySet seen;
    for (key_value_pair member : object_of(v)) {
      const int index = field_index(section, member.key);
      if (!seen.add(index)) return false;
      if (!read_field(member.value, section.fields()[static_cast<std::size_t>(index)], lead)) {
        return false;
      }
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

  /// The value of an attribute as a bound value: a text is a view into the
  /// parser's strings, a list goes to `list`. False where read_value() is.
  bool element_val(element v, std::vector<std::string>& list, detail::Val& out) const {
    const element_type t = v.type();
    if (t == element_type::STRING) {
      out = detail::val_of(string_of(v));
      return true;
    }
    if (is_number(t)) {
      double number = 0;
      if (!number_of(v, number)) return false;
      out = detail::val_of(number);
      return true;
    }
    if (t == element_type::BOOL) {
      out = detail::val_of(v.get_bool().value_unsafe());
      return true;
    }
    if (t != element_type::ARRAY) return false;
    const array items = array_of(v);
    if (items.size() > limits_->max_list_items) return false;
    list.clear();
    list.reserve(items.size());
    for (element item : items) {
      if (item.type() != element_type::STRING) return false;
      list.emplace_back(string_of(item));
    }
    out = detail::val_of(list);
    return true;
  }

  /// The attributes of an object into bound_, in the order written: each
  /// name is looked up among the model's slot names (use_slot_names()), a
  /// repeated slot name is caught by its mark, and only the names that are
  /// no slot are sorted, to catch a repeat among them. False where
  /// read_attributes() is (a repeated name, a value read_value() refuses).
  bool bind_attributes(element v, Lead& lead) {
    if (v.type() != element_type::OBJECT) return false;
    const object members = object_of(v);
    if (members.size() > limits_->max_properties) return false;
    if (++lead_mark_ == 0) {  // wrapped: no mark of an earlier lead may match
      std::fill(slot_seen_.begin(), slot_seen_.end(), 0);
      lead_mark_ = 1;
    }
    others_.clear();
    for (key_value_pair member : members) {
      const int s = slot_names_.find(member.key);
      if (s < 0) {
        others_.push_back(member.key);
      } else if (std::exchange(slot_seen_[static_cast<std::size_t>(s)], lead_mark_) == lead_mark_) {
        return false;  // a repeated name
      }
      if (member.value.type() == element_type::NULL_VALUE) continue;
      if (!bind_attribute(member.key, s, member.value, lead)) return false;
    }
    if (others_.size() > 1) {
      std::sort(others_.begin(), others_.end());
      if (std::adjacent_find(others_.begin(), others_.end()) != others_.end()) return false;
    }
    return true;
  }

  /// One attribute into bound_: `s` is its attribute slot, or -1 when the
  /// model reads no slot of that name.
  bool bind_attribute(std::string_view key, int s, element value, Lead& lead) {
    detail::BoundValues& b = *bound_;
    const detail::Model& m = *b.model;
    const bool slot = s >= 0 && static_cast<std::size_t>(s) < detail::kBoundSlots;
    const auto i = static_cast<std::size_t>(s);
    const auto& by_name = m.attributes_read_by_name;
    if ((s >= 0 && !slot) || std::find(by_name.begin(), by_name.end(), key) != by_name.end()) {
      Value parsed;
      if (!read_value(value, parsed)) return false;
      const auto it = lead.attributes.emplace(std::string(key), std::move(parsed)).first;
      if (slot) b.values[i] = detail::bind_value(m.value_slots[i], detail::val_of(it->second));
      return true;
    }
    detail::Val v;
    if (!element_val(value, slot ? b.form->lists[i] : list_, v)) return false;
    if (!slot) return true;
    if (v.t == detail::Val::T::text) {
      detail::bind_text(m.value_slots[i], v.s, b.values[i]);  // in place (evaluator.hpp)
    } else {
      b.values[i] = detail::bind_value(m.value_slots[i], v);
    }
    return true;
  }

  bool read_attributes(element v, Lead& lead) {
    if (v.type() == element_type::NULL_VALUE) return true;
    if (bound_ != nullptr) return bind_attributes(v, lead);
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
      const int index = event_key_index(member.key);
      if (!seen.add(index)) return false;
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
      const int index = lead_key_index(member.key);
      if (!seen.add(index)) return false;
      const element v = member.value;
      if (index == kEventsKey) {
        events = v;
        has_events = true;
        continue;
      }
      const LeadJsonKey& entry = kLeadJsonKeys[static_cast<std::size_t>(index)];
      const LeadField& first = entry.fields().front();
      if (first.access.storage == detail::Storage::attributes) {
        attributes = v;
        has_attributes = true;
      } else if (entry.section) {
        if (!read_section(v, entry, lead)) return false;
      } else {
        if (!read_field(v, first, lead)) return false;
        has_id = has_id || first.access.storage == detail::Storage::id;
      }
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

namespace {

FastReader& thread_reader() {
  thread_local FastReader reader;
  return reader;
}

}  // namespace

bool fast_parse_lead(std::string_view text, const Limits& limits, Lead& out) {
  return thread_reader().parse(text, limits, out);
}

bool fast_parse_bound(std::string_view text, const Limits& limits, const Qualifier& qualifier,
                      BoundLead& out) {
  return thread_reader().parse_bound(text, limits, qualifier, out);
}

#endif  // LEADSCORE_HAVE_SIMDJSON

}  // namespace leadscore::cli
