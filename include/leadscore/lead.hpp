// leadscore/lead.hpp — the lead model: who the lead is and what it did.
//
// A Lead is a plain value type the application fills in (directly, or from
// JSON with leadscore/json.hpp). Missing, empty and zero are distinct: an
// optional field that is std::nullopt is *missing*; an engaged optional that
// holds "" is *empty*; rules can tell them apart (`exists` / `missing` look
// at presence, `eq ""` at the value).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "leadscore/export.hpp"
#include "leadscore/time.hpp"

namespace leadscore {

/// How the lead reached us. Inbound = found us themselves (warm);
/// outbound = found by our targeting (cold). `unknown` when not recorded.
enum class Origin : std::uint8_t { unknown, inbound, outbound };

/// "inbound", "outbound" or "unknown".
LEADSCORE_EXPORT std::string_view to_string(Origin origin) noexcept;
/// Parses "inbound" / "outbound" / "unknown" (case-insensitive).
LEADSCORE_EXPORT std::optional<Origin> parse_origin(std::string_view text) noexcept;

/// Documented standard values of Lead::source (other strings are allowed).
namespace source {
inline constexpr std::string_view web_form = "web_form";
inline constexpr std::string_view newsletter = "newsletter";
inline constexpr std::string_view content_download = "content_download";
inline constexpr std::string_view webinar = "webinar";
inline constexpr std::string_view trade_show = "trade_show";
inline constexpr std::string_view referral = "referral";
inline constexpr std::string_view paid_ads = "paid_ads";
inline constexpr std::string_view social = "social";
inline constexpr std::string_view organic_search = "organic_search";
inline constexpr std::string_view cold_email = "cold_email";
inline constexpr std::string_view cold_call = "cold_call";
inline constexpr std::string_view purchased_list = "purchased_list";
}  // namespace source

/// A free-form value: custom attributes and sales-discovery fields.
using Value = std::variant<std::string, double, bool, std::vector<std::string>>;

/// An event property value: text or number.
using PropertyValue = std::variant<std::string, double>;

/// One behavioural activity of the lead (a page view, a form, an email click).
struct Event {
  /// Event type, e.g. "page_view", "demo_request". The Qualifier interns the
  /// types its configuration names into small ids when it is built; any other
  /// type still counts for rules and aggregates that accept any event type.
  std::string type;
  /// When it happened (UTC). Events after the evaluation's as_of are ignored.
  Instant at{};
  /// Optional delivery id (empty = none).
  std::string id;
  /// Optional properties (url, feature, duration, ...), looked up by name.
  std::vector<std::pair<std::string, PropertyValue>> properties;

  /// The property named `name`, or nullptr. First match wins.
  [[nodiscard]] const PropertyValue* property(std::string_view name) const noexcept {
    for (const auto& [key, value] : properties) {
      if (key == name) return &value;
    }
    return nullptr;
  }

  friend bool operator==(const Event&, const Event&) = default;
};

struct Contact {
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> email;  ///< primary email
  std::optional<std::string> secondary_email;
  std::optional<std::string> phone;  ///< primary phone
  std::optional<std::string> secondary_phone;

  friend bool operator==(const Contact&, const Contact&) = default;
};

struct Company {
  std::optional<std::string> name;
  std::optional<std::string> domain;
  std::optional<std::string> industry;
  std::optional<double> employees;       ///< head count
  std::optional<double> annual_revenue;  ///< in the account's currency

  friend bool operator==(const Company&, const Company&) = default;
};

struct Location {
  std::optional<std::string> country;
  std::optional<std::string> region;
  std::optional<std::string> city;

  friend bool operator==(const Location&, const Location&) = default;
};

/// Consent flags. Missing = not recorded.
struct Consent {
  std::optional<bool> do_not_email;
  std::optional<bool> do_not_call;

  friend bool operator==(const Consent&, const Consent&) = default;
};

/// Sales-discovery (BANT) fields, each unknown (nullopt) or known with a value.
struct Discovery {
  std::optional<Value> budget;
  std::optional<Value> authority;
  std::optional<Value> need;
  std::optional<Value> timeline;

  friend bool operator==(const Discovery&, const Discovery&) = default;
};

/// A sales lead. Plain data; copy, move and compare freely.
struct Lead {
  std::string id;
  Contact contact;
  Company company;
  std::optional<std::string> job_title;
  std::optional<std::string> seniority;
  std::optional<std::string> department;
  Location location;
  Origin origin = Origin::unknown;
  /// Source channel: see leadscore::source for the standard values.
  std::optional<std::string> source;
  std::optional<Instant> created_at;
  Consent consent;
  Discovery discovery;
  /// Custom attributes, looked up by exact name (transparent comparator:
  /// lookups with a string_view do not allocate).
  std::map<std::string, Value, std::less<>> attributes;
  /// Behavioural events, in any order.
  std::vector<Event> events;

  friend bool operator==(const Lead&, const Lead&) = default;
};

}  // namespace leadscore
