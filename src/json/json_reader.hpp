// The strict JSON reading base under the library's four readers: the
// configuration (config_json.cpp), the lead (lead_json.cpp), the CSV mapping
// (csv/mapping.cpp) and the lead state (state_json.cpp).
//
// A reader walks an nlohmann::json value and never stops at the first
// problem: every diagnostic is collected, each with the JSON pointer of the
// offending value (built by appending tokens with child()). The base holds
// what the four have in common: diagnostics, pointers, member lookup,
// unknown-key checks with "did you mean", and typed reads of strings,
// numbers, booleans and instants. Each reader keeps its own structure and
// words the few messages that differ between the formats through the hooks
// below (their wording is pinned by the error tests and docs/errors.md).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/diagnostics.hpp"
#include "leadscore/time.hpp"

namespace leadscore::detail {

class JsonReader {
 public:
  using json = nlohmann::json;

  /// What a reader checks and how it names an expected boolean.
  struct Settings {
    /// Longer strings are `limit_exceeded` (npos: no limit).
    std::size_t max_string_length = std::string::npos;
    /// A member whose value is null counts as absent (the lead format).
    bool null_is_absent = false;
    /// The expected type named by a `wrong_type` on a boolean.
    std::string_view boolean = "a boolean";
  };

  /// Every problem found so far, in the order found.
  std::vector<Diagnostic> diagnostics;

  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

 protected:
  explicit JsonReader(Settings settings) : settings_(settings) {}
  virtual ~JsonReader() = default;

  // ---- pointers --------------------------------------------------------------

  /// `pointer` + "/" + the escaped key (RFC 6901), or + "/" + the index.
  static std::string child(std::string_view pointer, std::string_view key);
  static std::string child(std::string_view pointer, std::size_t index);

  // ---- diagnostics -----------------------------------------------------------

  void error(std::string_view code, std::string pointer, std::string message,
             std::string suggestion = {});
  /// wrong_type: "expected <expected>, got <JSON type>".
  void wrong_type(std::string pointer, std::string_view expected, const json& got);
  /// missing_key at `object_pointer`/`key`: "missing required key "<key>""
  /// and, when given, " (<hint>)".
  void missing_key(std::string_view object_pointer, std::string_view key,
                   std::string_view hint = {});
  /// limit_exceeded: "<what> (<actual>) exceeds the limit <name> = <limit>".
  void limit_exceeded(std::string pointer, std::string_view what, std::size_t actual,
                      std::string_view limit_name, std::size_t limit);

  // ---- members ---------------------------------------------------------------

  /// The member `key` of `object`, or nullptr when it is absent (or null, when
  /// Settings::null_is_absent).
  [[nodiscard]] const json* member(const json& object, std::string_view key) const;
  /// member(), and when it is absent a missing_key diagnostic.
  const json* required(const json& object, std::string_view object_pointer, std::string_view key);

  /// True when `value` is an object; else a wrong_type naming `expected`.
  bool expect_object(const json& value, const std::string& pointer,
                     std::string_view expected = "an object");

  /// Reports every key of `object` (at `pointer`) that is not in `allowed`,
  /// as unknown_key with the nearest allowed key as suggestion. Returns the
  /// keys suggested, so that a reader can leave out a "missing key" report
  /// that a misspelling explains. `where` names the object in the message.
  std::vector<std::string> check_keys(const json& object, std::string_view pointer,
                                      std::span<const std::string_view> allowed,
                                      std::string_view where);
  static bool contains(const std::vector<std::string>& names, std::string_view name);

  // ---- typed reads -------------------------------------------------------------
  // Each returns false (or nullopt) after reporting why the value does not
  // fit; `out` is written only on success.

  /// A string of at most Settings::max_string_length bytes.
  bool read_string(const json& value, const std::string& pointer, std::string& out);
  /// A boolean (Settings::boolean names it when it is not one).
  bool read_bool(const json& value, const std::string& pointer, bool& out);
  /// A finite number.
  bool read_number(const json& value, const std::string& pointer, double& out);
  /// An ISO-8601 instant (a string); `expected` names it when it is not a string.
  std::optional<Instant> read_instant(const json& value, const std::string& pointer,
                                      std::string_view expected);
  /// Length check of a string read some other way (a key, a list element).
  bool check_length(std::string_view text, const std::string& pointer);

  /// One of the reads above, chosen by the type of `out` (std::string,
  /// bool, double, or std::optional of one of them).
  bool read_value(const json& value, const std::string& pointer, std::string& out) {
    return read_string(value, pointer, out);
  }
  bool read_value(const json& value, const std::string& pointer, bool& out) {
    return read_bool(value, pointer, out);
  }
  bool read_value(const json& value, const std::string& pointer, double& out) {
    return read_number(value, pointer, out);
  }
  template <class T>
  bool read_value(const json& value, const std::string& pointer, std::optional<T>& out) {
    T v{};
    if (!read_value(value, pointer, v)) return false;
    out = std::move(v);
    return true;
  }

  /// The member `key` of `object` (at `pointer`), when present, read into
  /// `out` with read_value().
  template <class T>
  void field(const json& object, std::string_view pointer, std::string_view key, T& out) {
    if (const json* value = member(object, key)) read_value(*value, child(pointer, key), out);
  }

  // ---- wording hooks (defaults: the mapping's and the lead's wording) ----------

  /// The message of an unknown key. Default:
  /// unknown key "<key>" in <where> (valid keys: a, b, c)
  [[nodiscard]] virtual std::string unknown_key_message(std::string_view key,
                                                        std::string_view where,
                                                        std::span<const std::string_view> allowed,
                                                        std::string_view pointer,
                                                        bool suggested) const;
  /// The default unknown-key text with the key shown as `shown_key` and a
  /// `note` (": it belongs in ...") before the list of valid keys.
  static std::string valid_keys_message(std::string_view shown_key, std::string_view where,
                                        std::span<const std::string_view> allowed,
                                        std::string_view note = {});
  /// A string over the limit. Default:
  /// string length (<size>) exceeds the limit max_string_length = <limit>
  [[nodiscard]] virtual std::string string_too_long_message(std::size_t size) const;
  /// A number that is not finite. Default: expected a finite number, got <value>
  [[nodiscard]] virtual std::string not_finite_message(const json& value) const;
  /// A string that is not an instant. Default: expected an ISO-8601 instant
  /// such as 2026-11-20T10:00:00Z, got "<text>" (40 bytes at most)
  [[nodiscard]] virtual std::string bad_instant_message(const std::string& text,
                                                        const json& value) const;

  [[nodiscard]] const Settings& settings() const noexcept { return settings_; }

 private:
  Settings settings_;
};

/// `text` in double quotes, cut to about 40 bytes ("...") — how the lead and
/// state readers show a value in a message.
std::string quoted_excerpt(std::string_view text);

}  // namespace leadscore::detail
