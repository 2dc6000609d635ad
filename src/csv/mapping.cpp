// CSV column -> lead mappings (leadscore/csv.hpp, docs/cli.md#mapping):
// parse_mapping() reads the JSON form, CsvLeadMapper binds a mapping to a
// header row and turns records into leads.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/time.hpp"

#include "core/diagnostics.hpp"
#include "core/names.hpp"
#include "core/text.hpp"
#include "eval/evaluator.hpp"
#include "json/json_reader.hpp"
#include "json/json_util.hpp"
#include "model/fields.hpp"

namespace leadscore {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/// A mapping target: a lead field (detail::kLeadFields rows usable as
/// mapping targets), or an attribute (then `name` is set).
struct Resolved {
  const detail::LeadField* field = nullptr;
  ValueType type = ValueType::string;
  bool declared = false;  ///< the mapping declares the type (discovery, attributes); else fixed
  std::string_view name;  ///< attribute name
};

/// The column type a field is always read as, or nullopt when the mapping
/// declares it (discovery fields and attributes hold any Value).
std::optional<ValueType> fixed_type(detail::Storage storage) {
  switch (storage) {
    case detail::Storage::number:
      return ValueType::number;
    case detail::Storage::boolean:
      return ValueType::boolean;
    case detail::Storage::origin:
      return ValueType::origin;
    case detail::Storage::instant:
      return ValueType::instant;
    case detail::Storage::value:
    case detail::Storage::attributes:
      return std::nullopt;
    default:
      return ValueType::string;
  }
}

std::optional<Resolved> resolve(std::string_view path) {
  std::string_view name;
  const detail::LeadField* field = detail::find_field(path, detail::use::mapping, name);
  if (field == nullptr) return std::nullopt;
  const std::optional<ValueType> fixed = fixed_type(field->access.storage);
  return Resolved{field, fixed.value_or(ValueType::string), !fixed, name};
}

constexpr std::string_view kAttributePrefix = detail::lead_field(detail::FieldId::attribute).path;

/// The mapping targets, in the lead format's order (mapping_targets()).
const std::vector<std::string_view>& target_paths() {
  static const std::vector<std::string_view> paths = detail::field_paths(detail::use::mapping);
  return paths;
}

/// The JSON pointer of a target inside a lead: "/company/employees".
std::string lead_pointer(std::string_view path) {
  std::string out;
  if (path.substr(0, kAttributePrefix.size()) == kAttributePrefix) {
    return "/attributes/" + detail::pointer_escape(path.substr(kAttributePrefix.size()));
  }
  out.reserve(path.size() + 1);
  out += '/';
  for (char c : path) out += c == '.' ? '/' : c;
  return out;
}

// ---------------------------------------------------------------------------
// Text to values
// ---------------------------------------------------------------------------

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

inline std::string_view trim(std::string_view s) noexcept {
  if (s.empty() || (!is_space(s.front()) && !is_space(s.back()))) return s;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// True when the well-formed decimal number `s` is below 1 in magnitude
/// (from its digits and exponent, not its value): what tells an underflow
/// from an overflow when the number is out of a double's range.
bool below_one(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  long long order = 0;  // the decimal exponent of the first significant digit
  std::size_t i = 0;
  bool significant = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (significant || s[i] != '0') {
      significant = true;
      ++order;
    }
  }
  order = significant ? order - 1 : -1;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (significant) continue;
      if (s[i] != '0') significant = true;
      if (!significant) --order;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    long long exponent = 0;
    const char* const end = s.data() + s.size();
    const auto [ptr, ec] =
        std::from_chars(s.data() + i + 1 + (s[i + 1] == '+' ? 1 : 0), end, exponent);
    if (ec == std::errc::result_out_of_range) return s[i + 1] == '-';
    if (ec != std::errc() || ptr != end) return false;
    order += exponent;
  }
  return order < 0;
}

std::optional<double> parse_number(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  double value = 0;
  const char* const end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && ptr == end && below_one(s)) {
    return s.front() == '-' ? -0.0 : 0.0;  // an underflow is zero, as in JSON (1e-400)
  }
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view s) noexcept {
  static constexpr std::array<std::string_view, 5> kTrue{"true", "yes", "y", "1", "t"};
  static constexpr std::array<std::string_view, 5> kFalse{"false", "no", "n", "0", "f"};
  for (std::string_view t : kTrue) {
    if (detail::iequals(s, t)) return true;
  }
  for (std::string_view f : kFalse) {
    if (detail::iequals(s, f)) return false;
  }
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view s, std::string_view separator, bool lower) {
  std::vector<std::string> out;
  if (separator.empty()) separator = ";";
  for (;;) {
    const std::size_t at = s.find(separator);
    const std::string_view item = trim(s.substr(0, at));
    if (!item.empty()) out.emplace_back(lower ? detail::to_lower(item) : std::string(item));
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + separator.size());
  }
  return out;
}

/// A value quoted in a message: at most 40 bytes, cut at a character boundary.
std::string shown_value(std::string_view text) {
  std::string out = "\"";
  if (text.size() <= 40) {
    out += text;
  } else {
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    out += text.substr(0, cut);
    out += "...";
  }
  out += '"';
  return out;
}

std::string_view expected_text(ValueType type) {
  switch (type) {
    case ValueType::string:
      return "a string";
    case ValueType::number:
      return "a number";
    case ValueType::boolean:
      return "a boolean (true/false, yes/no, y/n, 1/0, t/f)";
    case ValueType::list:
      return "a list";
    case ValueType::instant:
      return "an ISO-8601 instant such as 2026-11-20T10:00:00Z";
    case ValueType::origin:
      return "an origin (inbound, outbound or unknown)";
  }
  return "a value";
}

/// A converted cell.
struct Cell {
  std::string text;
  double number = 0;
  bool boolean = false;
  std::vector<std::string> list;
  Instant instant{};
  Origin origin = Origin::unknown;
};

/// Converts normalised text to `type`; false when it does not parse.
bool convert(std::string_view text, ValueType type, std::string_view separator, bool lower,
             Cell& out) {
  switch (type) {
    case ValueType::string:
      out.text.assign(text);
      if (lower) {
        for (char& c : out.text) c = detail::ascii_lower(c);
      }
      return true;
    case ValueType::number:
      if (const auto n = parse_number(text)) {
        out.number = *n;
        return true;
      }
      return false;
    case ValueType::boolean:
      if (const auto b = parse_bool(text)) {
        out.boolean = *b;
        return true;
      }
      return false;
    case ValueType::list:
      out.list = split_list(text, separator, lower);
      return true;
    case ValueType::instant:
      if (const auto t = parse_instant(text)) {
        out.instant = *t;
        return true;
      }
      return false;
    case ValueType::origin:
      if (const auto o = parse_origin(text)) {
        out.origin = *o;
        return true;
      }
      return false;
  }
  return false;
}

Value to_value(ValueType type, Cell&& cell) {
  switch (type) {
    case ValueType::number:
      return cell.number;
    case ValueType::boolean:
      return cell.boolean;
    case ValueType::list:
      return std::move(cell.list);
    default:
      return std::move(cell.text);
  }
}

/// Stores a converted cell into its lead field.
void store(Lead& lead, const Resolved& r, ValueType type, Cell&& cell) {
  if (r.field->access.storage == detail::Storage::attributes) {
    lead.attributes.insert_or_assign(std::string(r.name), to_value(type, std::move(cell)));
    return;
  }
  std::visit(detail::Overloaded{
                 [&](std::string* out) { *out = std::move(cell.text); },
                 [&](std::optional<std::string>* out) { *out = std::move(cell.text); },
                 [&](std::optional<double>* out) { *out = cell.number; },
                 [&](std::optional<bool>* out) { *out = cell.boolean; },
                 [&](std::optional<Value>* out) { *out = to_value(type, std::move(cell)); },
                 [&](Origin* out) { *out = cell.origin; },
                 [&](std::optional<Instant>* out) { *out = cell.instant; },
             },
             r.field->access.member(lead));
}

/// The Cell for a constant; "" when it fits the target, else what was expected.
std::string constant_cell(const Resolved& r, const Value& value, ValueType& type, Cell& cell) {
  const ValueType fixed = r.type;
  if (r.declared) {
    // discovery / attributes: the constant's own type.
    if (const auto* s = std::get_if<std::string>(&value)) {
      type = ValueType::string;
      cell.text = *s;
    } else if (const auto* n = std::get_if<double>(&value)) {
      type = ValueType::number;
      cell.number = *n;
    } else if (const auto* b = std::get_if<bool>(&value)) {
      type = ValueType::boolean;
      cell.boolean = *b;
    } else {
      type = ValueType::list;
      cell.list = std::get<std::vector<std::string>>(value);
    }
    return {};
  }
  type = fixed;
  switch (fixed) {
    case ValueType::string:
      if (const auto* s = std::get_if<std::string>(&value)) {
        cell.text = *s;
        return {};
      }
      return "a string";
    case ValueType::number:
      if (const auto* n = std::get_if<double>(&value)) {
        cell.number = *n;
        return {};
      }
      return "a number";
    case ValueType::boolean:
      if (const auto* b = std::get_if<bool>(&value)) {
        cell.boolean = *b;
        return {};
      }
      return "a boolean";
    case ValueType::instant:
    case ValueType::origin:
      if (const auto* s = std::get_if<std::string>(&value)) {
        if (convert(*s, fixed, ";", false, cell)) return {};
      }
      return std::string(expected_text(fixed));
    case ValueType::list:
      break;
  }
  return "a value";
}

std::optional<ValueType> parse_value_type(std::string_view name) {
  if (name == "boolean") return ValueType::boolean;  // also spelt "bool"
  return detail::parse_name<ValueType>(name);
}

// ---------------------------------------------------------------------------
// The JSON form
// ---------------------------------------------------------------------------

const std::vector<std::string_view> kMappingKeys{"description", "delimiter", "id",     "trim",
                                                 "lower_case",  "missing",   "fields", "attributes",
                                                 "constants",   "events",    "ignore"};
const std::vector<std::string_view> kIdKeys{"column", "record_number", "prefix"};
const std::vector<std::string_view> kFieldKeys{"column",     "type",    "separator",  "trim",
                                               "lower_case", "missing", "description"};
const std::vector<std::string_view> kEventKeys{"type", "count", "at", "default_at", "description"};
const std::vector<std::string_view> kAttributeTypes{"string", "number", "bool", "list"};

class MappingReader final : public detail::JsonReader {
 public:
  explicit MappingReader(const Limits& limits)
      : JsonReader({limits.max_string_length, /*null_is_absent=*/false, "a boolean"}),
        limits_(limits) {}

  Mapping read(const json& root) {
    Mapping m;
    if (!expect_object(root, "", "a mapping object")) return m;
    check_keys(root, "", kMappingKeys, "the mapping");
    if (const json* v = member(root, "description"); v && !v->is_string()) {
      wrong_type("/description", "a string", *v);
    }
    if (const json* v = member(root, "delimiter")) read_delimiter(*v, m);
    if (const json* v = member(root, "id")) read_id(*v, m);
    field(root, "", "trim", m.trim);
    field(root, "", "lower_case", m.lower_case);
    if (const json* v = member(root, "missing")) read_strings(*v, "/missing", m.missing);
    if (const json* v = member(root, "fields")) read_fields(*v, "/fields", "", m);
    if (const json* v = member(root, "attributes")) {
      read_fields(*v, "/attributes", kAttributePrefix, m);
    }
    if (const json* v = member(root, "constants")) read_constants(*v, m);
    if (const json* v = member(root, "events")) read_events(*v, m);
    if (const json* v = member(root, "ignore")) read_strings(*v, "/ignore", m.ignore);
    check_duplicates(m);
    return m;
  }

 private:
  const Limits& limits_;

  [[nodiscard]] std::string string_too_long_message(std::size_t size) const override {
    return "string of " + std::to_string(size) + " bytes exceeds the limit max_string_length = " +
           std::to_string(limits_.max_string_length);
  }

  bool read_column(const json& v, const std::string& pointer, std::string& out) {
    if (!read_string(v, pointer, out)) return false;
    if (out.empty()) {
      error("invalid_value", pointer, "expected a column name, got an empty string");
      return false;
    }
    return true;
  }

  void read_strings(const json& v, const std::string& pointer, std::vector<std::string>& out) {
    if (!v.is_array()) return wrong_type(pointer, "an array of strings", v);
    out.clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string s;
      if (read_string(v[i], child(pointer, i), s)) out.push_back(std::move(s));
    }
  }

  void read_delimiter(const json& v, Mapping& m) {
    std::string s;
    if (!read_string(v, "/delimiter", s)) return;
    if (s == "\\t" || s == "tab") s = "\t";
    if (s.size() != 1 || s[0] == '"' || s[0] == '\r' || s[0] == '\n') {
      error("invalid_value", "/delimiter",
            "expected one character other than a quote or a line break, got " + shown_value(s));
      return;
    }
    m.delimiter = s[0];
  }

  void read_id(const json& v, Mapping& m) {
    if (v.is_string()) {
      read_column(v, "/id", m.id_column);
      return;
    }
    if (!expect_object(v, "/id", "a column name or an object")) return;
    check_keys(v, "/id", kIdKeys, "\"id\"");
    const json* column = member(v, "column");
    const json* number = member(v, "record_number");
    if (column != nullptr) read_column(*column, "/id/column", m.id_column);
    if (number != nullptr) {
      bool on = false;
      read_bool(*number, "/id/record_number", on);
      if (number->is_boolean() && !on && column == nullptr) {
        error("invalid_value", "/id/record_number",
              "record_number false needs a \"column\" holding the id");
      }
      if (on && column != nullptr) {
        error("invalid_value", "/id",
              "give either \"column\" or \"record_number\": true, not both");
      }
    }
    if (const json* p = member(v, "prefix")) read_string(*p, "/id/prefix", m.id_prefix);
  }

  void read_normalise(const json& spec, const std::string& pointer, Normalise& n) {
    field(spec, pointer, "trim", n.trim);
    field(spec, pointer, "lower_case", n.lower_case);
    if (const json* v = member(spec, "missing")) {
      std::vector<std::string> tokens;
      read_strings(*v, pointer + "/missing", tokens);
      if (v->is_array()) n.missing = std::move(tokens);
    }
  }

  void read_fields(const json& v, const std::string& pointer, std::string_view prefix, Mapping& m) {
    if (!expect_object(v, pointer)) return;
    std::size_t attributes = 0;
    for (const auto& [key, spec] : v.items()) {
      const std::string at = child(pointer, key);
      const std::string target = std::string(prefix) + key;
      const std::optional<Resolved> r = resolve(target);
      if (!r) {
        const std::vector<std::string_view>& candidates = target_paths();
        if (key == "id") {
          error("unknown_target", at, "the id column is given by the top-level key \"id\"");
        } else if (prefix.empty()) {
          error("unknown_target", at,
                "unknown lead field \"" + key +
                    "\" (lead fields: contact.email, company.employees, created_at, ...; custom "
                    "attributes go in \"attributes\" or as \"attributes.<name>\")",
                detail::suggest(key, candidates));
        } else {
          error("invalid_value", at, "an attribute name must not be empty");
        }
        continue;
      }
      if (r->field->access.storage == detail::Storage::attributes) ++attributes;
      FieldMapping f;
      f.target = target;
      f.type = r->type;
      f.pointer = at;
      if (spec.is_string()) {
        if (!read_column(spec, at, f.column)) continue;
      } else if (spec.is_object()) {
        check_keys(spec, at, kFieldKeys, "a column mapping");
        const json* column = member(spec, "column");
        if (column == nullptr) {
          error("missing_key", at, "missing required key \"column\"");
          continue;
        }
        if (!read_column(*column, at + "/column", f.column)) continue;
        if (const json* t = member(spec, "type")) read_type(*t, at + "/type", *r, f.type);
        if (const json* s = member(spec, "separator")) {
          if (read_string(*s, at + "/separator", f.separator) && f.separator.empty()) {
            error("invalid_value", at + "/separator", "expected a non-empty separator");
          }
        }
        if (const json* d = member(spec, "description"); d && !d->is_string()) {
          wrong_type(at + "/description", "a string", *d);
        }
        read_normalise(spec, at, f.normalise);
      } else {
        wrong_type(at, "a column name or an object", spec);
        continue;
      }
      m.fields.push_back(std::move(f));
    }
    if (attributes > limits_.max_properties) {
      error("limit_exceeded", pointer,
            "number of attributes (" + std::to_string(attributes) +
                ") exceeds the limit max_properties = " + std::to_string(limits_.max_properties));
    }
  }

  void read_type(const json& v, const std::string& pointer, const Resolved& r, ValueType& out) {
    if (!v.is_string()) return wrong_type(pointer, "a type name", v);
    const std::string name = v.get<std::string>();
    const std::optional<ValueType> type = parse_value_type(name);
    if (!r.declared) {
      if (!type || *type != r.type) {
        error("invalid_value", pointer,
              "\"" + std::string(r.field->path) + "\" is always of type \"" +
                  std::string(to_string(r.type)) + "\"; leave \"type\" out",
              std::string(to_string(r.type)));
      }
      return;
    }
    if (!type || *type == ValueType::instant || *type == ValueType::origin) {
      error("invalid_value", pointer,
            "unknown type \"" + name + "\" (expected string, number, bool or list)",
            detail::suggest(name, kAttributeTypes));
      return;
    }
    out = *type;
  }

  void read_constants(const json& v, Mapping& m) {
    if (!expect_object(v, "/constants")) return;
    for (const auto& [key, value] : v.items()) {
      const std::string at = child("/constants", key);
      const std::optional<Resolved> r = resolve(key);
      if (!r) {
        const std::vector<std::string_view>& candidates = target_paths();
        error("unknown_target", at, "unknown lead field \"" + key + "\"",
              detail::suggest(key, candidates));
        continue;
      }
      ConstantMapping c;
      c.target = key;
      c.pointer = at;
      if (value.is_string()) {
        std::string s;
        if (!read_string(value, at, s)) continue;
        c.value = std::move(s);
      } else if (value.is_boolean()) {
        c.value = value.get<bool>();
      } else if (value.is_number()) {
        c.value = value.get<double>();
      } else if (value.is_array() && std::all_of(value.begin(), value.end(),
                                                 [](const json& e) { return e.is_string(); })) {
        c.value = value.get<std::vector<std::string>>();
      } else {
        wrong_type(at, "a string, number, boolean or array of strings", value);
        continue;
      }
      ValueType type = ValueType::string;
      Cell cell;
      const std::string expected = constant_cell(*r, c.value, type, cell);
      if (!expected.empty()) {
        error("invalid_value", at, "\"" + key + "\" expects " + expected);
        continue;
      }
      m.constants.push_back(std::move(c));
    }
  }

  void read_events(const json& v, Mapping& m) {
    if (!v.is_array()) return wrong_type("/events", "an array", v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& spec = v[i];
      const std::string at = child("/events", i);
      if (!spec.is_object()) {
        wrong_type(at, "an object", spec);
        continue;
      }
      check_keys(spec, at, kEventKeys, "an event mapping");
      EventMapping e;
      e.pointer = at;
      bool good = true;
      if (const json* t = member(spec, "type")) {
        good = read_string(*t, at + "/type", e.type) && good;
        if (t->is_string() && t->get_ref<const std::string&>().empty()) {
          error("invalid_value", at + "/type", "expected an event type, got an empty string");
          good = false;
        }
      } else {
        error("missing_key", at, "missing required key \"type\"");
        good = false;
      }
      if (const json* c = member(spec, "count"))
        good = read_column(*c, at + "/count", e.count_column) && good;
      if (const json* a = member(spec, "at"))
        good = read_column(*a, at + "/at", e.at_column) && good;
      if (const json* d = member(spec, "default_at")) {
        std::string s;
        if (read_string(*d, at + "/default_at", s)) {
          if (s == "as_of") {
            e.at_as_of = true;
          } else if (s != "created_at") {
            error("invalid_value", at + "/default_at",
                  "expected \"created_at\" or \"as_of\", got " + shown_value(s),
                  detail::suggest(s, std::vector<std::string_view>{"created_at", "as_of"}));
            good = false;
          }
        }
      }
      if (good && e.count_column.empty() && e.at_column.empty()) {
        error("missing_key", at,
              "an event mapping needs \"count\" (a column of counts) or \"at\" "
              "(a column of instants), or both");
        good = false;
      }
      if (good) m.events.push_back(std::move(e));
    }
  }

  void check_duplicates(const Mapping& m) {
    std::unordered_map<std::string, std::string> seen;  // target -> pointer
    const auto see = [&](const std::string& target, const std::string& pointer) {
      const auto [it, inserted] = seen.emplace(target, pointer);
      if (!inserted) {
        error("duplicate_target", pointer, "\"" + target + "\" is already set by " + it->second);
      }
    };
    for (const FieldMapping& f : m.fields) see(f.target, f.pointer);
    for (const ConstantMapping& c : m.constants) see(c.target, c.pointer);
  }
};

template <class Record>
Diagnostic record_error(std::string_view code, const Record& record, std::size_t column,
                        std::string pointer, std::string message) {
  Diagnostic d = detail::make_error(code, std::move(pointer), std::move(message));
  d.line = record.line;
  d.column = column;
  return d;
}

}  // namespace

std::span<const std::string_view> mapping_targets() noexcept {
  const auto& paths = target_paths();
  return {paths.data(), paths.size()};
}

Result<Mapping> parse_mapping(std::string_view json_text, const Limits& limits) {
  detail::StrictParse parsed =
      detail::parse_json_strict(json_text, limits.max_config_bytes, 32, limits.max_string_length);
  if (!parsed.value) return std::move(parsed.diagnostics);
  MappingReader reader(limits);
  Mapping mapping = reader.read(*parsed.value);
  if (!reader.diagnostics.empty()) {
    locate(reader.diagnostics, json_text);
    return std::move(reader.diagnostics);
  }
  return mapping;
}

std::vector<Diagnostic> lint_mapping(const Mapping& mapping, std::span<const std::string> header,
                                     std::string_view csv_name) {
  const auto used = [&](const std::string& name) {
    return name == mapping.id_column ||
           std::any_of(mapping.fields.begin(), mapping.fields.end(),
                       [&](const FieldMapping& f) { return f.column == name; }) ||
           std::any_of(mapping.events.begin(), mapping.events.end(),
                       [&](const EventMapping& e) {
                         return e.count_column == name || e.at_column == name;
                       }) ||
           std::find(mapping.ignore.begin(), mapping.ignore.end(), name) != mapping.ignore.end();
  };
  std::vector<Diagnostic> warnings;
  for (const std::string& name : header) {
    if (used(name)) continue;
    warnings.push_back(detail::make_warning("unmapped_column", "",
                                            "column \"" + name + "\" of " + std::string(csv_name) +
                                                " is neither mapped nor listed in \"ignore\""));
  }
  return warnings;
}

Mapping default_mapping(std::span<const std::string> header) {
  Mapping m;
  for (const std::string& name : header) {
    if (name.empty()) continue;
    if (name == "id") {
      if (m.id_column.empty()) m.id_column = name;
      continue;
    }
    const bool taken = std::any_of(m.fields.begin(), m.fields.end(),
                                   [&](const FieldMapping& f) { return f.column == name; });
    if (taken) continue;
    FieldMapping f;
    f.column = name;
    if (const std::optional<Resolved> r = resolve(name)) {
      f.target = name;
      f.type = r->type;
    } else {
      f.target = std::string(kAttributePrefix) + name;
      f.type = ValueType::string;
    }
    const bool duplicate = std::any_of(m.fields.begin(), m.fields.end(),
                                       [&](const FieldMapping& g) { return g.target == f.target; });
    if (!duplicate) m.fields.push_back(std::move(f));
  }
  return m;
}

// ---------------------------------------------------------------------------
// CsvLeadMapper
// ---------------------------------------------------------------------------

/// Each mapping field resolved once, so that mapping a record never parses a
/// target path or trims a missing-value token again.
struct CsvLeadMapper::Plan {
  struct Field {
    std::size_t column = 0;
    const detail::LeadField* target = nullptr;
    bool attribute = false;  ///< target is "attributes.<name>"
    bool trim = true;
    bool lower = false;
    std::string name;                  ///< the attribute name
    std::vector<std::string> missing;  ///< the missing-value tokens, trimmed
    std::uint64_t missing_sizes = 0;   ///< bit min(size, 63) of each token
  };
  std::vector<Field> fields;         ///< one per Mapping::fields entry
  std::vector<std::string> missing;  ///< the mapping-wide tokens, trimmed (events)
};

namespace {

std::vector<std::string> trimmed(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const std::string& t : tokens) out.emplace_back(trim(t));
  return out;
}

constexpr std::uint64_t size_bit(std::size_t size) noexcept {
  return std::uint64_t{1} << std::min<std::size_t>(size, 63);
}

bool is_missing(std::string_view text, const std::vector<std::string>& tokens) noexcept {
  for (const std::string& t : tokens) {
    if (detail::iequals(t, text)) return true;
  }
  return false;
}

}  // namespace

std::shared_ptr<const CsvLeadMapper::Plan> CsvLeadMapper::make_plan(
    const Mapping& mapping, const std::vector<std::size_t>& columns) {
  auto plan = std::make_shared<Plan>();
  plan->missing = trimmed(mapping.missing);
  for (std::size_t i = 0; i < mapping.fields.size(); ++i) {
    const FieldMapping& f = mapping.fields[i];
    const std::optional<Resolved> r = resolve(f.target);  // create() checked it
    Plan::Field& p = plan->fields.emplace_back();
    p.column = columns[i];
    p.target = r->field;
    p.attribute = r->field->access.storage == detail::Storage::attributes;
    p.name = std::string(r->name);
    p.trim = f.normalise.trim.value_or(mapping.trim);
    p.lower = f.normalise.lower_case.value_or(mapping.lower_case);
    p.missing = f.normalise.missing ? trimmed(*f.normalise.missing) : plan->missing;
    for (const std::string& t : p.missing) p.missing_sizes |= size_bit(t.size());
  }
  return plan;
}

Result<CsvLeadMapper> CsvLeadMapper::create(Mapping mapping, std::span<const std::string> header,
                                            const Limits& limits) {
  std::vector<Diagnostic> errors;
  const auto fail = [&](std::string_view code, std::string pointer, std::string message,
                        std::string suggestion = {}) {
    errors.push_back(
        detail::make_error(code, std::move(pointer), std::move(message), std::move(suggestion)));
  };

  CsvLeadMapper m;
  m.header_.assign(header.begin(), header.end());
  m.limits_ = limits;

  std::unordered_map<std::string_view, std::size_t> index;
  std::unordered_map<std::string_view, std::size_t> count;
  for (std::size_t i = 0; i < m.header_.size(); ++i) {
    index.emplace(m.header_[i], i);
    ++count[m.header_[i]];
  }
  const auto column = [&](const std::string& name, const std::string& pointer,
                          std::string_view role) -> std::optional<std::size_t> {
    const auto it = index.find(name);
    if (it == index.end()) {
      fail("unknown_column", pointer,
           "no column \"" + name + "\" (" + std::string(role) + ") in the CSV header",
           detail::suggest(name, m.header_));
      return std::nullopt;
    }
    if (count[name] > 1) {
      fail("duplicate_column", pointer,
           "column \"" + name + "\" (" + std::string(role) + ") appears " +
               std::to_string(count[name]) + " times in the CSV header");
      return std::nullopt;
    }
    return it->second;
  };

  std::vector<std::size_t> field_columns;  // of each mapping.fields entry
  for (const FieldMapping& f : mapping.fields) {
    const std::string at =
        f.pointer.empty() ? "/fields/" + detail::pointer_escape(f.target) : f.pointer;
    if (!resolve(f.target)) {
      fail("unknown_target", at, "unknown lead field \"" + f.target + "\"");
      field_columns.push_back(0);
      continue;
    }
    field_columns.push_back(column(f.column, at, f.target).value_or(0));
  }
  if (!mapping.id_column.empty()) {
    m.id_column_ = column(mapping.id_column, "/id", "the id");
  }
  for (std::size_t i = 0; i < mapping.events.size(); ++i) {
    const EventMapping& e = mapping.events[i];
    const std::string at = e.pointer.empty() ? "/events/" + std::to_string(i) : e.pointer;
    EventSlot slot;
    if (!e.count_column.empty())
      slot.count_column = column(e.count_column, at + "/count", "event count");
    if (!e.at_column.empty()) slot.at_column = column(e.at_column, at + "/at", "event instant");
    m.event_slots_.push_back(slot);
  }
  for (std::size_t i = 0; i < mapping.ignore.size(); ++i) {
    if (index.find(mapping.ignore[i]) == index.end()) {
      fail("unknown_column", "/ignore/" + std::to_string(i),
           "no column \"" + mapping.ignore[i] + "\" (ignored) in the CSV header",
           detail::suggest(mapping.ignore[i], m.header_));
    }
  }
  for (const ConstantMapping& c : mapping.constants) {
    const std::string at =
        c.pointer.empty() ? "/constants/" + detail::pointer_escape(c.target) : c.pointer;
    const std::optional<Resolved> r = resolve(c.target);
    if (!r) {
      fail("unknown_target", at, "unknown lead field \"" + c.target + "\"");
      continue;
    }
    ValueType type = ValueType::string;
    Cell cell;
    const std::string expected = constant_cell(*r, c.value, type, cell);
    if (!expected.empty()) {
      fail("invalid_value", at, "\"" + c.target + "\" expects " + expected);
      continue;
    }
    store(m.base_, *r, type, std::move(cell));
  }
  if (!errors.empty()) return errors;
  m.mapping_ = std::move(mapping);
  m.plan_ = make_plan(m.mapping_, field_columns);
  return m;
}

std::optional<std::size_t> CsvLeadMapper::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

template <class Record>
std::optional<std::string> CsvLeadMapper::record_id(const Record& record) const {
  if (!id_column_) return mapping_.id_prefix + std::to_string(record.number);
  if (*id_column_ >= record.fields.size()) return std::nullopt;
  return std::string(trim(record.fields[*id_column_]));
}

std::optional<std::string> CsvLeadMapper::id_of(const CsvRecord& record) const {
  return record_id(record);
}

std::optional<std::string> CsvLeadMapper::id_of(const CsvRecordView& record) const {
  return record_id(record);
}

namespace {

using Target = detail::OwnedForm::Target;
using detail::Val;

/// Where each attribute of `plan` (then each constant attribute of `base`)
/// goes for `model`: its value slot, and `keep` in the lead when the model
/// reads it by name (an enrichment field; a slot beyond kBoundSlots).
void find_targets(const detail::Model& model, const std::vector<std::string_view>& names,
                  std::vector<Target>& out) {
  const std::size_t na =
      std::min<std::size_t>(model.attribute_slot_count, model.value_slots.size());
  const auto first = model.value_slots.begin();
  const auto last = first + static_cast<std::ptrdiff_t>(na);
  out.clear();
  for (const std::string_view name : names) {
    Target t;
    if (name.data() == nullptr) {  // not an attribute
      out.push_back(t);
      continue;
    }
    const auto it =
        std::lower_bound(first, last, name,
                         [](const detail::ValueSlot& s, std::string_view n) { return s.name < n; });
    if (it != last && it->name == name) {
      const auto slot = static_cast<std::size_t>(it - first);
      if (slot < detail::kBoundSlots) {
        t.slot = static_cast<std::int32_t>(slot);
      } else {
        t.keep = true;
      }
    }
    const auto& by_name = model.attributes_read_by_name;
    if (std::find(by_name.begin(), by_name.end(), name) != by_name.end()) t.keep = true;
    out.push_back(t);
  }
}

/// Binds the text of string attribute `i` (not kept in the lead) to its slot.
void bind_text(detail::BoundValues& b, std::size_t i, std::string_view text, bool lower) {
  const Target t = b.form->targets[i];
  if (t.slot < 0) return;  // not read
  const std::size_t at = b.form->texts.size();
  b.form->texts.append(text);  // never beyond the capacity reserved for the record
  if (lower) {
    for (std::size_t k = at; k < b.form->texts.size(); ++k)
      b.form->texts[k] = detail::ascii_lower(b.form->texts[k]);
  }
  const auto slot = static_cast<std::size_t>(t.slot);
  detail::bind_text(b.model->value_slots[slot], std::string_view(b.form->texts).substr(at),
                    b.values[slot]);
}

/// Stores a converted attribute cell of mapping field `i` into `bound`'s
/// slot (and into the lead when the model also reads it by name).
void bind_cell(detail::BoundValues& b, std::size_t i, std::string_view name, ValueType type,
               Cell& cell) {
  const Target t = b.form->targets[i];
  if (t.slot < 0 && !t.keep) return;  // checked, not read
  Val v;
  if (t.keep) {
    auto [it, inserted] = b.form->owned.attributes.insert_or_assign(
        std::string(name), to_value(type, std::move(cell)));
    (void)inserted;
    v = detail::val_of(it->second);
    cell = Cell{};
  } else if (type == ValueType::string) {
    const std::size_t at = b.form->texts.size();
    b.form->texts.append(cell.text);  // never beyond the capacity reserved for the record
    v = detail::val_of(std::string_view(b.form->texts).substr(at, cell.text.size()));
  } else if (type == ValueType::list) {
    b.form->lists[i] = std::move(cell.list);
    v = detail::val_of(b.form->lists[i]);
  } else if (type == ValueType::number) {
    v = detail::val_of(cell.number);
  } else if (type == ValueType::boolean) {
    v = detail::val_of(cell.boolean);
  } else {
    v = detail::val_of(std::string_view());
  }
  if (t.slot >= 0) {
    b.values[static_cast<std::size_t>(t.slot)] =
        detail::bind_value(b.model->value_slots[static_cast<std::size_t>(t.slot)], v);
  }
}

}  // namespace

template <class Record>
Result<Lead> CsvLeadMapper::map_lead(const Record& record, Instant as_of) const {
  Lead lead;
  std::vector<Diagnostic> errors;
  if (!map_record(record, as_of, lead, nullptr, errors)) return errors;
  return lead;
}

Result<Lead> CsvLeadMapper::map(const CsvRecord& record, Instant as_of) const {
  return map_lead(record, as_of);
}

Result<Lead> CsvLeadMapper::map(const CsvRecordView& record, Instant as_of) const {
  return map_lead(record, as_of);
}

bool CsvLeadMapper::map_into(const CsvRecord& record, Instant as_of, const Qualifier& qualifier,
                             BoundLead& out, std::vector<Diagnostic>& errors) const {
  return map_bound(record, as_of, qualifier, out, errors);
}

bool CsvLeadMapper::map_into(const CsvRecordView& record, Instant as_of, const Qualifier& qualifier,
                             BoundLead& out, std::vector<Diagnostic>& errors) const {
  return map_bound(record, as_of, qualifier, out, errors);
}

template <class Record>
bool CsvLeadMapper::map_bound(const Record& record, Instant as_of, const Qualifier& qualifier,
                              BoundLead& out, std::vector<Diagnostic>& errors) const {
  detail::BoundValues& b = *out.values_;
  detail::OwnedForm& f = b.own();
  const std::shared_ptr<const detail::Model>& model = detail::model_of(qualifier);
  if (f.owner != model || f.plan != plan_.get()) {
    std::vector<std::string_view> names;
    for (const Plan::Field& field : plan_->fields) {
      names.push_back(field.attribute ? std::string_view(field.name) : std::string_view());
    }
    for (const auto& [name, value] : base_.attributes) names.emplace_back(name);
    find_targets(*model, names, f.targets);
    f.owner = model;
    b.model = model.get();
    f.plan = plan_.get();
    f.lists.resize(plan_->fields.size());
  }
  b.lead = &f.owned;
  b.values.assign(std::min(model->value_slots.size(), detail::kBoundSlots), detail::Val{});
  std::size_t bytes = 0;
  for (const auto& field : record.fields) bytes += field.size();
  f.texts.clear();
  f.texts.reserve(bytes);
  if (!map_record(record, as_of, f.owned, &b, errors)) return false;
  detail::bind_lead_fields(*model, f.owned, b);
  return true;
}

template <class Record>
bool CsvLeadMapper::map_record(const Record& record, Instant as_of, Lead& lead,
                               detail::BoundValues* bound, std::vector<Diagnostic>& errors) const {
  errors.clear();
  if (!record.ok()) {
    errors = record.errors;
    return false;
  }
  if (record.fields.size() < header_.size()) {
    // Only possible for records not read against this header.
    errors.push_back(record_error("csv_field_count", record, 0, "",
                                  "record has " + std::to_string(record.fields.size()) +
                                      " fields, the header has " + std::to_string(header_.size())));
    return false;
  }

  lead = base_;
  if (bound != nullptr) {  // the constant attributes, as map() would keep them
    std::size_t k = plan_->fields.size();
    for (const auto& [name, value] : lead.attributes) {
      const Target t = bound->form->targets[k++];
      if (t.slot >= 0) {
        bound->values[static_cast<std::size_t>(t.slot)] = detail::bind_value(
            bound->model->value_slots[static_cast<std::size_t>(t.slot)], detail::val_of(value));
      }
    }
  }
  if (std::optional<std::string> id = id_of(record)) lead.id = std::move(*id);
  if (lead.id.size() > limits_.max_string_length) {
    errors.push_back(record_error("limit_exceeded", record, id_column_ ? *id_column_ + 1 : 0, "/id",
                                  "id of " + std::to_string(lead.id.size()) +
                                      " bytes exceeds the limit max_string_length = " +
                                      std::to_string(limits_.max_string_length)));
  }
  map_fields(record, lead, bound, errors);
  map_events(record, as_of, lead, errors);
  if (!errors.empty()) {
    // In column order (fields are processed in the mapping's key order).
    std::stable_sort(errors.begin(), errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.column < b.column; });
    return false;
  }
  return true;
}

std::string CsvLeadMapper::column_name(std::size_t c) const {
  return "column \"" + header_[c] + "\" (" + std::to_string(c + 1) + ")";
}

template <class Record>
void CsvLeadMapper::map_fields(const Record& record, Lead& lead, detail::BoundValues* bound,
                               std::vector<Diagnostic>& errors) const {
  Cell cell;
  for (std::size_t i = 0; i < mapping_.fields.size(); ++i) {
    const FieldMapping& f = mapping_.fields[i];
    const Plan::Field& p = plan_->fields[i];
    const std::size_t c = p.column;
    std::string_view text = record.fields[c];
    if (p.trim) text = trim(text);
    if (const std::string_view t = p.trim ? text : trim(text);
        (p.missing_sizes & size_bit(t.size())) != 0 && is_missing(t, p.missing)) {
      continue;
    }
    if (text.size() > limits_.max_string_length) {
      errors.push_back(record_error("limit_exceeded", record, c + 1, lead_pointer(f.target),
                                    column_name(c) + ": value of " + std::to_string(text.size()) +
                                        " bytes exceeds the limit max_string_length = " +
                                        std::to_string(limits_.max_string_length)));
      continue;
    }
    if (bound != nullptr && p.attribute && f.type == ValueType::string &&
        !bound->form->targets[i].keep) {
      bind_text(*bound, i, text, p.lower);  // no Cell: straight into the bound texts
      continue;
    }
    if (!convert(text, f.type, f.separator, p.lower, cell)) {
      errors.push_back(record_error("invalid_value", record, c + 1, lead_pointer(f.target),
                                    column_name(c) + ": expected " +
                                        std::string(expected_text(f.type)) +
                                        " (the value is not shown)"));
      continue;
    }
    if (cell.list.size() > limits_.max_list_items) {
      errors.push_back(record_error("limit_exceeded", record, c + 1, lead_pointer(f.target),
                                    column_name(c) + ": " + std::to_string(cell.list.size()) +
                                        " list items exceed the limit max_list_items = " +
                                        std::to_string(limits_.max_list_items)));
      cell.list.clear();
      continue;
    }
    if (bound != nullptr && p.attribute) {
      bind_cell(*bound, i, p.name, f.type, cell);
    } else {
      store(lead, Resolved{p.target, f.type, false, p.name}, f.type, std::move(cell));
      cell = Cell{};
    }
  }
}

template <class Record>
void CsvLeadMapper::map_events(const Record& record, Instant as_of, Lead& lead,
                               std::vector<Diagnostic>& errors) const {
  const std::vector<std::string>& missing = plan_->missing;
  std::size_t total_events = 0;
  for (std::size_t i = 0; i < mapping_.events.size(); ++i) {
    const EventMapping& e = mapping_.events[i];
    const EventSlot& slot = event_slots_[i];
    std::optional<Instant> at;
    bool bad = false;
    if (slot.at_column) {
      const std::size_t c = *slot.at_column;
      const std::string_view text = trim(record.fields[c]);
      if (!is_missing(text, missing)) {
        if (const auto t = parse_instant(text)) {
          at = *t;
        } else {
          errors.push_back(record_error("invalid_value", record, c + 1, "/events",
                                        column_name(c) + ": expected " +
                                            std::string(expected_text(ValueType::instant)) +
                                            " (the value is not shown)"));
          bad = true;
        }
      }
    }
    std::size_t n = 0;
    if (slot.count_column) {
      const std::size_t c = *slot.count_column;
      const std::string_view text = trim(record.fields[c]);
      if (!is_missing(text, missing)) {
        const std::optional<double> count = parse_number(text);
        if (!count || *count < 0 || std::trunc(*count) != *count) {
          errors.push_back(
              record_error("invalid_value", record, c + 1, "/events",
                           column_name(c) + ": expected a count of \"" + e.type +
                               "\" events (a whole number >= 0; the value is not shown)"));
          bad = true;
        } else if (*count > static_cast<double>(limits_.max_events_per_lead - total_events)) {
          errors.push_back(record_error("limit_exceeded", record, c + 1, "/events",
                                        column_name(c) +
                                            ": the count of events would exceed the limit "
                                            "max_events_per_lead = " +
                                            std::to_string(limits_.max_events_per_lead)));
          bad = true;
        } else {
          n = static_cast<std::size_t>(*count);
        }
      }
      if (!at) {
        if (!e.at_as_of && lead.created_at) {
          at = *lead.created_at;
        } else {
          at = as_of;
        }
      }
    } else if (at) {
      n = 1;
    }
    if (bad || n == 0) continue;
    if (n > limits_.max_events_per_lead - total_events) {
      errors.push_back(record_error("limit_exceeded", record, 0, "/events",
                                    "more events than the limit max_events_per_lead = " +
                                        std::to_string(limits_.max_events_per_lead)));
      continue;
    }
    total_events += n;
    Event event;
    event.type = e.type;
    event.at = *at;
    lead.events.insert(lead.events.end(), n, event);
  }
}

}  // namespace leadscore
