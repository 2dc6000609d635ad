// The lead schema (private): every field a configuration, a CSV mapping or
// the lead JSON format names, written once in kLeadFields.
//
// A row gives the field's path as configurations write it
// ("company.employees"), its FieldId, its type for conditions, where it may
// be used, and how to reach it in a Lead: a pointer to the Lead member (for
// the readers and the mapping, which set it, and the writer), a read that
// gives the evaluator's Val, and a presence test (enrichment). Derived facts,
// scores and lifecycle facts are rows too: they have no Lead member, and the
// evaluator computes them. The compiler (field lookup and the did-you-mean
// lists), the evaluator, the CSV mapping, the lead JSON reader and writer and
// the tool's simdjson reader all work from this table, so a new lead field is
// one new row (and its Lead member).
//
// Rows are in FieldId order (lead_field(id) is an index). The order is also
// the order of every list shown to users (unknown field, mapping targets,
// enrichment fields) and of the lead JSON sections.
//
// Names resolve to rows once, when a configuration is compiled or a mapping
// is bound (find_field); only `attributes.<name>` and `event_count.<type>`
// keep a name beside their row.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/lead.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/time.hpp"

#include "core/names.hpp"

namespace leadscore::detail {

/// Every field, in kLeadFields order: lead fields (in the order of the lead
/// JSON format), custom attributes, derived facts, scores, grades and
/// lifecycle facts (stage conditions only), then the event context (`where`).
enum class FieldId : std::uint8_t {
  id,
  first_name,
  last_name,
  email,
  secondary_email,
  phone,
  secondary_phone,
  company_name,
  company_domain,
  company_industry,
  company_employees,
  company_revenue,
  job_title,
  seniority,
  department,
  country,
  region,
  city,
  origin,
  source,
  created_at,
  do_not_email,
  do_not_call,
  budget,
  authority,
  need,
  timeline,
  attribute,
  enrichment,
  completeness,
  email_domain,
  free_email,
  days_since_created,
  days_since_last_activity,
  event_count,
  event_count_type,
  score_fit,
  score_engagement,
  score_total,
  grade_fit,
  grade_engagement,
  grade,
  stage_current,
  days_in_stage,
  sales_status,
  event_type,
  event_property,
};

/// A field's type for conditions (dynamic: whatever the value holds).
/// `instant` fields are not compared by conditions.
enum class FieldType : std::uint8_t { text, number, boolean, dynamic, instant };

/// A value seen at evaluation time: a view, never an owner. 32 bytes: a
/// bound lead's values are read slot by slot on the hot path, so a compact
/// Val touches fewer cache lines. A number, a text's hash and a list share
/// one 64-bit word (`bits`), read through n(), hash() and list().
struct Val {
  enum class T : std::uint8_t { missing, text, number, boolean, list };
  T t = T::missing;
  bool b = false;
  bool hashed = false;  ///< text: hash() is StringSet::hash(s, true), computed once
  /// Text bound to a value slot: its index in the slot's dictionary of
  /// compared texts (ValueSlot::texts), or -1 when it is none of them.
  std::int32_t id = -1;
  std::string_view s;
  /// number: the double's bits; hashed text: the hash; list: the pointer.
  std::uint64_t bits = 0;

  /// The number (0 unless t is number; any value for other types, so that
  /// branch-free code may read it and mask the result by `t`).
  [[nodiscard]] double n() const noexcept { return std::bit_cast<double>(bits); }
  void set_n(double d) noexcept { bits = std::bit_cast<std::uint64_t>(d); }
  [[nodiscard]] std::uint64_t hash() const noexcept { return bits; }
  void set_hash(std::uint64_t h) noexcept { bits = h; }
  /// The list (t is list).
  [[nodiscard]] const std::vector<std::string>* list() const noexcept {
    return reinterpret_cast<const std::vector<std::string>*>(static_cast<std::uintptr_t>(bits));
  }
  void set_list(const std::vector<std::string>* l) noexcept {
    bits = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(l));
  }
};
static_assert(sizeof(Val) == 32);

/// Where a field may be used (LeadField::uses, a set of these bits).
namespace use {
inline constexpr unsigned condition = 1U << 0;   ///< rule and stage conditions
inline constexpr unsigned stage_only = 1U << 1;  ///< ... but only in stage conditions
inline constexpr unsigned event = 1U << 2;       ///< `where` conditions on an event
inline constexpr unsigned mapping = 1U << 3;     ///< a target of a CSV mapping
inline constexpr unsigned enrichment = 1U << 4;  ///< countable by options.enrichment.fields
inline constexpr unsigned lead_json = 1U << 5;   ///< a key of the lead JSON format
/// A field of the lead profile: all of the above but stage_only and event.
inline constexpr unsigned profile = condition | mapping | enrichment | lead_json;
}  // namespace use

/// How a field is kept in a Lead.
enum class Storage : std::uint8_t {
  derived,     ///< not in the Lead: computed by the evaluator
  id,          ///< std::string (Lead::id)
  text,        ///< std::optional<std::string>
  number,      ///< std::optional<double>
  boolean,     ///< std::optional<bool>
  value,       ///< std::optional<Value> (discovery fields)
  origin,      ///< Origin
  instant,     ///< std::optional<Instant>
  attributes,  ///< Lead::attributes, by name
};

/// A pointer to the Lead member behind a field.
using LeadMember =
    std::variant<std::string*, std::optional<std::string>*, std::optional<double>*,
                 std::optional<bool>*, std::optional<Value>*, Origin*, std::optional<Instant>*>;
using ConstLeadMember =
    std::variant<const std::string*, const std::optional<std::string>*,
                 const std::optional<double>*, const std::optional<bool>*,
                 const std::optional<Value>*, const Origin*, const std::optional<Instant>*>;

/// Lambdas overloaded for std::visit over a LeadMember.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// Spelled out: clang 14 (the fuzz build) has no aggregate deduction.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

/// How to reach a field in a Lead. All null for derived fields; `member`
/// null for attributes (a map, reached by name through read / present).
struct LeadAccess {
  Storage storage = Storage::derived;
  LeadMember (*member)(Lead&) noexcept = nullptr;
  ConstLeadMember (*const_member)(const Lead&) noexcept = nullptr;
  /// The value for conditions (`name`: the attribute name; else unused).
  Val (*read)(const Lead&, std::string_view name) noexcept = nullptr;
  /// Present for enrichment: text non-empty, other values set, origin known.
  bool (*present)(const Lead&, std::string_view name) noexcept = nullptr;
};

// ---- Val of a Lead member ------------------------------------------------

inline Val val_of(std::string_view s) noexcept { return {.t = Val::T::text, .s = s}; }
inline Val val_of(const std::string& s) noexcept { return val_of(std::string_view(s)); }
inline Val val_of(double d) noexcept {
  Val v;
  v.t = Val::T::number;
  v.set_n(d);
  return v;
}
inline Val val_of(bool b) noexcept {
  Val v;
  v.t = Val::T::boolean;
  v.b = b;
  return v;
}
inline Val val_of(const std::vector<std::string>& list) noexcept {
  Val v;
  v.t = Val::T::list;
  v.set_list(&list);
  return v;
}
inline Val val_of(const Value& value) noexcept {
  return std::visit([](const auto& v) noexcept { return val_of(v); }, value);
}
inline Val val_of(Origin origin) noexcept { return val_of(name_of(origin, "unknown")); }
/// Missing when unset.
template <class T>
Val val_of(const std::optional<T>& value) noexcept {
  return value ? val_of(*value) : Val{};
}

inline bool is_present(const std::string& s) noexcept { return !s.empty(); }
inline bool is_present(const std::optional<std::string>& s) noexcept { return s && !s->empty(); }
template <class T>
bool is_present(const std::optional<T>& v) noexcept {
  return v.has_value();
}
inline bool is_present(Origin origin) noexcept { return origin != Origin::unknown; }

template <class M>
constexpr Storage storage_of() noexcept {
  if constexpr (std::is_same_v<M, std::string>) return Storage::id;
  if constexpr (std::is_same_v<M, std::optional<std::string>>) return Storage::text;
  if constexpr (std::is_same_v<M, std::optional<double>>) return Storage::number;
  if constexpr (std::is_same_v<M, std::optional<bool>>) return Storage::boolean;
  if constexpr (std::is_same_v<M, std::optional<Value>>) return Storage::value;
  if constexpr (std::is_same_v<M, Origin>) return Storage::origin;
  if constexpr (std::is_same_v<M, std::optional<Instant>>) return Storage::instant;
  return Storage::derived;
}

/// The access to the Lead member at `path`, a chain of member pointers:
/// member<&Lead::company, &Company::employees>().
template <auto... path>
constexpr LeadAccess member() noexcept {
  using M = std::remove_cvref_t<decltype((std::declval<Lead&>().*....*path))>;
  static_assert(storage_of<M>() != Storage::derived, "not a lead field member");
  LeadAccess a;
  a.storage = storage_of<M>();
  a.member = [](Lead& lead) noexcept -> LeadMember { return &(lead.*....*path); };
  a.const_member = [](const Lead& lead) noexcept -> ConstLeadMember { return &(lead.*....*path); };
  if constexpr (storage_of<M>() != Storage::instant) {
    a.read = [](const Lead& lead, std::string_view) noexcept { return val_of((lead.*....*path)); };
  }
  a.present = [](const Lead& lead, std::string_view) noexcept {
    return is_present((lead.*....*path));
  };
  return a;
}

/// Custom attributes: Lead::attributes[name].
inline constexpr LeadAccess kAttributeAccess{
    Storage::attributes, nullptr, nullptr,
    [](const Lead& lead, std::string_view name) noexcept {
      const auto it = lead.attributes.find(name);
      return it == lead.attributes.end() ? Val{} : val_of(it->second);
    },
    [](const Lead& lead, std::string_view name) noexcept {
      return lead.attributes.find(name) != lead.attributes.end();
    }};

// ---- the table -------------------------------------------------------------

struct LeadField {
  /// As written in configurations and mappings: "company.employees". A path
  /// ending in '.' names a family ("attributes.<name>"); "" is any event
  /// property.
  std::string_view path;
  FieldId id;
  FieldType type;
  unsigned uses;  ///< use::* bits
  LeadAccess access{};
  /// The values an enumerated text field takes (origin, enrichment).
  std::span<const std::string_view> values{};

  /// A family of fields told apart by a name after the path.
  [[nodiscard]] constexpr bool named() const noexcept { return path.empty() || path.back() == '.'; }
  [[nodiscard]] constexpr bool usable(unsigned u) const noexcept { return (uses & u) != 0; }
  /// The lead JSON object that holds the field ("company"), "" at the top level.
  [[nodiscard]] constexpr std::string_view section() const noexcept {
    const std::size_t dot = path.find('.');
    return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
  }
  /// Its key in that object ("employees").
  [[nodiscard]] constexpr std::string_view key() const noexcept {
    const std::size_t dot = path.find('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
  }
};

inline constexpr std::array<LeadField, 47> kLeadFields{{
    // The lead profile, in the order of the lead JSON format.
    {"id", FieldId::id, FieldType::text, use::condition | use::enrichment | use::lead_json,
     member<&Lead::id>()},
    {"contact.first_name", FieldId::first_name, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::first_name>()},
    {"contact.last_name", FieldId::last_name, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::last_name>()},
    {"contact.email", FieldId::email, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::email>()},
    {"contact.secondary_email", FieldId::secondary_email, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::secondary_email>()},
    {"contact.phone", FieldId::phone, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::phone>()},
    {"contact.secondary_phone", FieldId::secondary_phone, FieldType::text, use::profile,
     member<&Lead::contact, &Contact::secondary_phone>()},
    {"company.name", FieldId::company_name, FieldType::text, use::profile,
     member<&Lead::company, &Company::name>()},
    {"company.domain", FieldId::company_domain, FieldType::text, use::profile,
     member<&Lead::company, &Company::domain>()},
    {"company.industry", FieldId::company_industry, FieldType::text, use::profile,
     member<&Lead::company, &Company::industry>()},
    {"company.employees", FieldId::company_employees, FieldType::number, use::profile,
     member<&Lead::company, &Company::employees>()},
    {"company.annual_revenue", FieldId::company_revenue, FieldType::number, use::profile,
     member<&Lead::company, &Company::annual_revenue>()},
    {"job_title", FieldId::job_title, FieldType::text, use::profile, member<&Lead::job_title>()},
    {"seniority", FieldId::seniority, FieldType::text, use::profile, member<&Lead::seniority>()},
    {"department", FieldId::department, FieldType::text, use::profile, member<&Lead::department>()},
    {"location.country", FieldId::country, FieldType::text, use::profile,
     member<&Lead::location, &Location::country>()},
    {"location.region", FieldId::region, FieldType::text, use::profile,
     member<&Lead::location, &Location::region>()},
    {"location.city", FieldId::city, FieldType::text, use::profile,
     member<&Lead::location, &Location::city>()},
    {"origin", FieldId::origin, FieldType::text, use::profile, member<&Lead::origin>(),
     kNames<Origin>},
    {"source", FieldId::source, FieldType::text, use::profile, member<&Lead::source>()},
    {"created_at", FieldId::created_at, FieldType::instant, use::mapping | use::lead_json,
     member<&Lead::created_at>()},
    {"consent.do_not_email", FieldId::do_not_email, FieldType::boolean, use::profile,
     member<&Lead::consent, &Consent::do_not_email>()},
    {"consent.do_not_call", FieldId::do_not_call, FieldType::boolean, use::profile,
     member<&Lead::consent, &Consent::do_not_call>()},
    {"discovery.budget", FieldId::budget, FieldType::dynamic, use::profile,
     member<&Lead::discovery, &Discovery::budget>()},
    {"discovery.authority", FieldId::authority, FieldType::dynamic, use::profile,
     member<&Lead::discovery, &Discovery::authority>()},
    {"discovery.need", FieldId::need, FieldType::dynamic, use::profile,
     member<&Lead::discovery, &Discovery::need>()},
    {"discovery.timeline", FieldId::timeline, FieldType::dynamic, use::profile,
     member<&Lead::discovery, &Discovery::timeline>()},
    {"attributes.", FieldId::attribute, FieldType::dynamic, use::profile, kAttributeAccess},
    // Derived facts (DerivedFacts), computed by the evaluator.
    {"enrichment",
     FieldId::enrichment,
     FieldType::text,
     use::condition,
     {},
     kNames<EnrichmentLevel>},
    {"completeness", FieldId::completeness, FieldType::number, use::condition},
    {"email_domain", FieldId::email_domain, FieldType::text, use::condition},
    {"free_email", FieldId::free_email, FieldType::boolean, use::condition},
    {"days_since_created", FieldId::days_since_created, FieldType::number, use::condition},
    {"days_since_last_activity", FieldId::days_since_last_activity, FieldType::number,
     use::condition},
    {"event_count", FieldId::event_count, FieldType::number, use::condition},
    {"event_count.", FieldId::event_count_type, FieldType::number, use::condition},
    // Scores, grades and lifecycle facts: stage conditions only.
    {"score.fit", FieldId::score_fit, FieldType::number, use::condition | use::stage_only},
    {"score.engagement", FieldId::score_engagement, FieldType::number,
     use::condition | use::stage_only},
    {"score.total", FieldId::score_total, FieldType::number, use::condition | use::stage_only},
    {"grade.fit", FieldId::grade_fit, FieldType::text, use::condition | use::stage_only},
    {"grade.engagement", FieldId::grade_engagement, FieldType::text,
     use::condition | use::stage_only},
    {"grade", FieldId::grade, FieldType::text, use::condition | use::stage_only},
    {"stage.current", FieldId::stage_current, FieldType::text, use::condition | use::stage_only},
    {"stage.days_in_stage", FieldId::days_in_stage, FieldType::number,
     use::condition | use::stage_only},
    {"sales.status", FieldId::sales_status, FieldType::text, use::condition | use::stage_only},
    // The event a `where` condition looks at: its type, and any property by name.
    {"type", FieldId::event_type, FieldType::text, use::event},
    {"", FieldId::event_property, FieldType::dynamic, use::event},
}};

/// The row of `id`.
constexpr const LeadField& lead_field(FieldId id) noexcept {
  return kLeadFields[static_cast<std::size_t>(id)];
}

/// The field `path` names among the rows usable as `uses`: an exact path, or
/// a family's prefix followed by a non-empty name (then set in `name`, and
/// cleared otherwise). nullptr when no row matches.
constexpr const LeadField* find_field(std::string_view path, unsigned uses,
                                      std::string_view& name) noexcept {
  name = {};
  for (const LeadField& f : kLeadFields) {
    if (!f.usable(uses)) continue;
    if (!f.named()) {
      if (f.path == path) return &f;
    } else if (path.size() > f.path.size() && path.substr(0, f.path.size()) == f.path) {
      name = path.substr(f.path.size());
      return &f;
    }
  }
  return nullptr;
}

/// The paths of the rows usable as `uses` and not as `except`, families left
/// out, in table order: the candidates of a did-you-mean.
/// Whether every row has the accessors its uses need (tests/fields_test.cpp).
bool lead_field_accessors_complete() noexcept;

std::vector<std::string_view> field_paths(unsigned uses, unsigned except = 0);

// ---- the lead JSON layout --------------------------------------------------

/// A key of the lead JSON object, "events" aside: a field at the top level
/// ("id"), a section of fields ("company": rows [first, first + count)), or
/// "attributes".
struct LeadJsonKey {
  std::string_view key;
  std::uint8_t first = 0;
  std::uint8_t count = 0;
  bool section = false;

  [[nodiscard]] std::span<const LeadField> fields() const noexcept {
    return std::span<const LeadField>(kLeadFields).subspan(first, count);
  }
};

/// The top-level key of a row of the lead JSON format.
constexpr std::string_view lead_json_key(const LeadField& f) noexcept {
  return f.section().empty() ? f.key() : f.section();
}

constexpr std::size_t count_lead_json_keys() noexcept {
  std::size_t n = 0;
  std::string_view last;
  for (const LeadField& f : kLeadFields) {
    if (!f.usable(use::lead_json) || lead_json_key(f) == last) continue;
    last = lead_json_key(f);
    ++n;
  }
  return n;
}

/// The lead JSON object's keys in the format's order ("events" comes last).
inline constexpr auto kLeadJsonKeys = [] {
  std::array<LeadJsonKey, count_lead_json_keys()> out{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < kLeadFields.size(); ++i) {
    const LeadField& f = kLeadFields[i];
    if (!f.usable(use::lead_json)) continue;
    if (n > 0 && out[n - 1].key == lead_json_key(f)) {
      ++out[n - 1].count;
      continue;
    }
    out[n++] = {lead_json_key(f), static_cast<std::uint8_t>(i), 1,
                !f.section().empty() && f.access.storage != Storage::attributes};
  }
  return out;
}();

}  // namespace leadscore::detail
