// JSON utilities shared by the configuration and lead parsers: a strict
// parser (duplicate keys, limits, syntax errors with line:column) and a small
// scanner that maps JSON pointers back to positions in the text.
#include "json/json_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"

#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace leadscore {

namespace detail {
namespace {

constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// 1-based line and column of every offset (any order; offsets past the
/// end count as the end), in one pass over the text: O(text + k log k) for
/// k offsets, so a one-line text with many diagnostics stays linear. Columns
/// count Unicode code points (UTF-8 continuation bytes do not advance the
/// column); lines end at '\n'.
std::vector<TextPosition> positions_of(std::string_view text,
                                       const std::vector<std::size_t>& offsets) {
  std::vector<std::size_t> order(offsets.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&offsets](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
  std::vector<TextPosition> out(offsets.size());
  std::size_t i = 0;
  std::size_t line = 1;
  std::size_t column = 1;
  for (const std::size_t k : order) {
    const std::size_t target = std::min(offsets[k], text.size());
    for (; i < target; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
        ++column;
      }
    }
    out[k] = {line, column};
  }
  return out;
}

TextPosition position_at(std::string_view text, std::size_t offset) {
  return positions_of(text, {offset}).front();
}

/// A name shown in a message: at most 80 bytes, cut at a character boundary.
std::string shown(std::string_view name) {
  if (name.size() <= 80) return std::string(name);
  std::size_t cut = 77;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U) --cut;
  return std::string(name.substr(0, cut)) + "...";
}

std::string hex_byte(unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  out += kDigits[c >> 4U];
  out += kDigits[c & 0x0FU];
  return out;
}

// ---------------------------------------------------------------------------
// Scanner: walks JSON text without building a value, tracking the JSON
// pointer of every value it meets. Iterative, so any nesting is safe.
// ---------------------------------------------------------------------------

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  /// Pointers of interest -> offset of the first value found at that pointer
  /// (kNotFound until seen).
  std::unordered_map<std::string, std::size_t> wanted;
  /// When true, records every repeated object key: the pointer of the
  /// repeated member and the offset of its key.
  bool track_duplicates = false;
  std::vector<std::pair<std::string, std::size_t>> duplicates;
  /// When true (and not tracking duplicates), stops as soon as every wanted
  /// pointer has been seen; run() then says nothing about the rest.
  bool stop_when_found = false;

  /// Walks the whole text; true when it is one valid JSON value. On invalid
  /// text, whatever was seen before the error is still recorded.
  bool run() {
    longest_wanted_ = 0;
    for (const auto& entry : wanted)
      longest_wanted_ = std::max(longest_wanted_, entry.first.size());
    if (wanted.empty()) longest_wanted_ = 0;
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    std::string pointer;
    bool expect_value = true;
    while (true) {
      if (expect_value) {
        skip_ws();
        if (pos_ >= text_.size()) return false;
        visit(pointer);
        if (stop_when_found && !track_duplicates && found_ == wanted.size()) return true;
        const char c = text_[pos_];
        if (c == '{' || c == '[') {
          ++pos_;
          const bool is_array = c == '[';
          stack_.push_back(Frame{is_array, pointer.size(), 0, {}});
          skip_ws();
          if (pos_ < text_.size() && text_[pos_] == (is_array ? ']' : '}')) {
            ++pos_;
            stack_.pop_back();
            expect_value = false;
            continue;
          }
          if (is_array) {
            pointer += "/0";
          } else if (!member_key(stack_.back(), pointer)) {
            return false;
          }
          continue;
        }
        if (!scalar()) return false;
        expect_value = false;
        continue;
      }
      if (stack_.empty()) {
        skip_ws();
        return pos_ == text_.size();
      }
      Frame& frame = stack_.back();
      pointer.resize(frame.pointer_size);
      skip_ws();
      if (pos_ >= text_.size()) return false;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        if (frame.is_array) {
          ++frame.index;
          pointer += '/';
          pointer += std::to_string(frame.index);
        } else if (!member_key(frame, pointer)) {
          return false;
        }
        expect_value = true;
        continue;
      }
      if (c == (frame.is_array ? ']' : '}')) {
        ++pos_;
        stack_.pop_back();
        continue;
      }
      return false;
    }
  }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t pointer_size = 0;
    std::size_t index = 0;
    std::unordered_set<std::string> keys;  // only when tracking duplicates
  };

  void visit(const std::string& pointer) {
    // Pointers longer than every wanted one are skipped without hashing, so
    // deep nesting stays linear.
    if (pointer.size() > longest_wanted_) return;
    const auto it = wanted.find(pointer);
    if (it != wanted.end() && it->second == kNotFound) {
      it->second = pos_;
      ++found_;
    }
  }

  void skip_ws() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  // Reads `"key" :` and appends the key to the pointer.
  bool member_key(Frame& frame, std::string& pointer) {
    skip_ws();
    const std::size_t key_offset = pos_;
    std::string key;
    if (!string(&key)) return false;
    skip_ws();
    if (pos_ >= text_.size() || text_[pos_] != ':') return false;
    ++pos_;
    std::string escaped = pointer_escape(key);
    if (track_duplicates && !frame.keys.insert(std::move(key)).second) {
      duplicates.emplace_back(pointer + "/" + escaped, key_offset);
    }
    pointer += '/';
    pointer += escaped;
    return true;
  }

  bool scalar() {
    const char c = text_[pos_];
    if (c == '"') return string(nullptr);
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return false;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  bool hex4(std::uint32_t& out) {
    if (text_.size() - pos_ < 4) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = text_[pos_++];
      std::uint32_t v = 0;
      if (h >= '0' && h <= '9') {
        v = static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v = static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v = static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return false;
      }
      out = out * 16U + v;
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80U) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800U) {
      out += static_cast<char>(0xC0U | (cp >> 6U));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else if (cp < 0x10000U) {
      out += static_cast<char>(0xE0U | (cp >> 12U));
      out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else {
      out += static_cast<char>(0xF0U | (cp >> 18U));
      out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
      out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    }
  }

  // A string token; decoded into *out when out is not null.
  bool string(std::string* out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        if (out != nullptr) *out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      char plain = 0;
      switch (e) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800U && cp <= 0xDBFFU) {
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") return false;
            pos_ += 2;
            if (!hex4(low) || low < 0xDC00U || low > 0xDFFFU) return false;
            cp = 0x10000U + ((cp - 0xD800U) << 10U) + (low - 0xDC00U);
          } else if (cp >= 0xDC00U && cp <= 0xDFFFU) {
            return false;
          }
          if (out != nullptr) append_utf8(*out, cp);
          continue;
        }
        default:
          return false;
      }
      if (out != nullptr) *out += plain;
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<Frame> stack_;
  std::size_t longest_wanted_ = 0;
  std::size_t found_ = 0;
};

/// "", "/a", "/a/b" for "/a/b".
std::vector<std::string> pointer_prefixes(std::string_view pointer) {
  std::vector<std::string> out;
  out.emplace_back();
  if (pointer.empty() || pointer.front() != '/') return out;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') out.emplace_back(pointer.substr(0, i));
  }
  return out;
}

/// Offset of the innermost value found on `pointer`'s path, or kNotFound.
std::size_t innermost_offset(const Scanner& scanner, std::string_view pointer) {
  const std::vector<std::string> prefixes = pointer_prefixes(pointer);
  for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it) {
    const auto found = scanner.wanted.find(*it);
    if (found != scanner.wanted.end() && found->second != kNotFound) return found->second;
  }
  return kNotFound;
}

/// Fills line/column of diagnostics that have none. Duplicate-key
/// diagnostics (when `duplicates` is true) take the position of the repeated
/// key itself, in document order.
void locate_impl(std::vector<Diagnostic>& diagnostics, std::string_view text, bool duplicates) {
  Scanner scanner(text);
  scanner.track_duplicates = duplicates;
  bool any = false;
  for (const Diagnostic& d : diagnostics) {
    if (d.line != 0) continue;
    any = true;
    for (std::string& prefix : pointer_prefixes(d.pointer)) {
      scanner.wanted.emplace(std::move(prefix), kNotFound);
    }
  }
  if (!any) return;
  scanner.stop_when_found = true;
  scanner.run();
  // The repeated keys of each pointer, in document order, taken in turn.
  std::unordered_map<std::string, std::pair<std::size_t, std::vector<std::size_t>>> repeated;
  for (auto& [pointer, offset] : scanner.duplicates) repeated[pointer].second.push_back(offset);
  std::vector<Diagnostic*> targets;
  std::vector<std::size_t> offsets;
  for (Diagnostic& d : diagnostics) {
    if (d.line != 0) continue;
    std::size_t offset = kNotFound;
    if (duplicates && d.code == "duplicate_key") {
      if (const auto it = repeated.find(d.pointer); it != repeated.end()) {
        auto& [next, found] = it->second;
        if (next < found.size()) offset = found[next++];
      }
    }
    if (offset == kNotFound) offset = innermost_offset(scanner, d.pointer);
    if (offset == kNotFound) continue;
    targets.push_back(&d);
    offsets.push_back(offset);
  }
  const std::vector<TextPosition> positions = positions_of(text, offsets);
  for (std::size_t k = 0; k < targets.size(); ++k) {
    targets[k]->line = positions[k].line;
    targets[k]->column = positions[k].column;
  }
}

// ---------------------------------------------------------------------------
// Strict parse: a SAX handler that builds the value and reports duplicate
// keys, depth and string-length violations and syntax errors.
// ---------------------------------------------------------------------------

using json = nlohmann::json;

/// Removes nlohmann's "[json.exception.parse_error.101] parse error at line
/// 1, column 2: " boilerplate, and makes the message printable.
std::string clean_parse_message(std::string_view what, bool quote_text) {
  if (what.substr(0, 1) == "[") {
    const std::size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  if (what.substr(0, 11) == "parse error") {
    const std::size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  if (!quote_text) {
    // Lead data: the position says where; the text itself is not repeated.
    if (const std::size_t at = what.find("; last read: "); at != std::string_view::npos) {
      what = what.substr(0, at);
    }
    if (what.substr(0, 15) == "number overflow") what = "number overflow (beyond a double)";
  }
  std::string out;
  out.reserve(what.size());
  for (const char c : what) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += "\\x";
      out += hex_byte(u).substr(2);
    } else {
      out += c;
    }
  }
  return out;
}

class StrictHandler final : public nlohmann::json_sax<json> {
 public:
  StrictHandler(std::string_view text, const StrictOptions& options)
      : text_(text),
        max_depth_(options.max_depth),
        max_string_length_(options.max_string_length),
        max_array_items_(options.max_array_items),
        quote_text_(options.quote_text) {}

  json root;
  std::vector<Diagnostic> diagnostics;

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool value) override { return add(json(value)); }
  bool number_integer(number_integer_t value) override { return add(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(json(value)); }
  bool number_float(number_float_t value, const string_t& /*raw*/) override {
    return add(json(value));
  }
  bool string(string_t& value) override {
    if (value.size() > max_string_length_) {
      error("limit_exceeded", child_pointer(), too_long("string", value.size()));
      return add(json(string_t()));
    }
    return add(json(std::move(value)));
  }
  bool binary(binary_t& /*value*/) override { return add(json(nullptr)); }

  bool start_object(std::size_t /*elements*/) override { return open(json::object()); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*elements*/) override { return open(json::array()); }
  bool end_array() override { return close(); }

  bool key(string_t& value) override {
    Frame& frame = stack_.back();
    if (value.size() > max_string_length_) {
      error("limit_exceeded", pointer_, too_long("object key", value.size()));
    } else if (frame.value->contains(value)) {
      error("duplicate_key", pointer_ + "/" + pointer_escape(value),
            "duplicate key '" + shown(value) + "' (each key may appear only once in an object)");
    }
    key_ = std::move(value);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    // `position` counts the bytes read, the offending one included.
    std::size_t offset = position > 0 ? position - 1 : 0;
    Diagnostic d;
    d.code = "json_syntax";
    d.pointer = stack_.empty() ? std::string() : pointer_;
    d.message = clean_parse_message(ex.what(), quote_text_);
    // An unexpected but well-formed string or number is shown at its first
    // byte (nlohmann reports its last one; its token text is exact for these
    // two token kinds only). Anything else is shown where it went wrong.
    const bool whole_token = d.message.find("unexpected string literal") != std::string::npos ||
                             d.message.find("unexpected number literal") != std::string::npos ||
                             d.message.find("number overflow") != std::string::npos;
    if (whole_token && last_token.size() > 1 && offset + 1 >= last_token.size()) {
      offset = offset + 1 - last_token.size();
    }
    const TextPosition at = position_at(text_, offset);
    d.line = at.line;
    d.column = at.column;
    diagnostics.push_back(std::move(d));
    return false;
  }

 private:
  struct Frame {
    json* value = nullptr;
    std::size_t pointer_size = 0;  // size of pointer_ for this container
    std::size_t next_index = 0;    // arrays: index of the next element
  };

  void error(std::string_view code, std::string pointer, std::string message) {
    diagnostics.push_back(make_error(code, std::move(pointer), std::move(message)));
  }

  [[nodiscard]] std::string too_long(std::string_view what, std::size_t size) const {
    return std::string(what) + " of " + std::to_string(size) + " bytes is longer than " +
           std::to_string(max_string_length_) + " (Limits::max_string_length)";
  }

  // Pointer of the value about to be added.
  [[nodiscard]] std::string child_pointer() const {
    if (stack_.empty()) return {};
    const Frame& frame = stack_.back();
    if (frame.value->is_array()) return pointer_ + "/" + std::to_string(frame.next_index);
    return pointer_ + "/" + pointer_escape(key_);
  }

  json* place(json value) {
    if (stack_.empty()) {
      root = std::move(value);
      return &root;
    }
    Frame& frame = stack_.back();
    if (frame.value->is_array()) {
      frame.value->push_back(std::move(value));
      ++frame.next_index;
      return &frame.value->back();
    }
    json& slot = (*frame.value)[key_];
    slot = std::move(value);
    return &slot;
  }

  /// False (and an error) when the innermost array is full: the parse stops
  /// before the item is built.
  bool array_full() {
    if (stack_.empty() || !stack_.back().value->is_array() ||
        stack_.back().next_index < max_array_items_) {
      return false;
    }
    error("limit_exceeded", pointer_,
          "array of more than " + std::to_string(max_array_items_) +
              " items (Limits::max_list_items, Limits::max_events_per_lead)");
    return true;
  }

  bool add(json value) {
    if (array_full()) return false;
    place(std::move(value));
    return true;
  }

  bool open(json container) {
    if (array_full()) return false;
    std::string pointer = child_pointer();
    if (stack_.size() >= max_depth_) {
      error("limit_exceeded", std::move(pointer),
            "nesting deeper than " + std::to_string(max_depth_) + " levels");
      return false;  // stop: nothing deeper is read
    }
    json* slot = place(std::move(container));
    stack_.push_back(Frame{slot, pointer.size(), 0});
    pointer_ = std::move(pointer);
    return true;
  }

  bool close() {
    stack_.pop_back();
    pointer_.resize(stack_.empty() ? 0 : stack_.back().pointer_size);
    return true;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t max_string_length_;
  std::size_t max_array_items_;
  bool quote_text_;
  std::vector<Frame> stack_;
  std::string pointer_;  // pointer of the innermost open container
  std::string key_;      // last key read in the innermost object
};

}  // namespace

StrictParse parse_json_strict(std::string_view text, std::size_t max_bytes, std::size_t max_depth,
                              std::size_t max_string_length) {
  StrictOptions options;
  options.max_bytes = max_bytes;
  options.max_depth = max_depth;
  options.max_string_length = max_string_length;
  return parse_json_strict(text, options);
}

StrictParse parse_json_strict(std::string_view text, const StrictOptions& options) {
  const std::size_t max_bytes = options.max_bytes;
  StrictParse out;
  if (text.size() > max_bytes) {
    out.diagnostics.push_back(make_error("limit_exceeded", "",
                                         "JSON text of " + std::to_string(text.size()) +
                                             " bytes is larger than the limit of " +
                                             std::to_string(max_bytes) + " bytes"));
    return out;
  }
  if (const std::size_t bad = utf8_error_offset(text); bad != std::string_view::npos) {
    Diagnostic d;
    d.code = "json_syntax";
    // utf8_error_offset() returns text.size() when the text ends inside a
    // multi-byte sequence: there is no byte to show then.
    d.message = bad < text.size()
                    ? "invalid UTF-8: byte " + hex_byte(static_cast<unsigned char>(text[bad])) +
                          " is not part of a well-formed UTF-8 sequence"
                    : std::string("invalid UTF-8: the text ends inside a multi-byte sequence");
    const TextPosition at = position_at(text, bad);
    d.line = at.line;
    d.column = at.column;
    out.diagnostics.push_back(std::move(d));
    return out;
  }

  // nlohmann's reader takes a NUL byte for the end of the input, which would
  // silently drop whatever follows it; JSON has no place for one (inside a
  // string it must be written \u0000).
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    Diagnostic d;
    d.code = "json_syntax";
    d.message = "a NUL byte (0x00) is not allowed in JSON text";
    const TextPosition at = position_at(text, nul);
    d.line = at.line;
    d.column = at.column;
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  StrictHandler handler(text, options);
  const bool parsed = json::sax_parse(text.data(), text.data() + text.size(), &handler,
                                      json::input_format_t::json, /*strict=*/true);
  out.diagnostics = std::move(handler.diagnostics);
  if (parsed && out.diagnostics.empty()) {
    out.value = std::move(handler.root);
    return out;
  }
  const bool duplicates =
      std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                  [](const Diagnostic& d) { return d.code == "duplicate_key"; });
  locate_impl(out.diagnostics, text, duplicates);
  return out;
}

TextPosition position_of(std::string_view text, std::string_view pointer) {
  Scanner scanner(text);
  for (std::string& prefix : pointer_prefixes(pointer)) {
    scanner.wanted.emplace(std::move(prefix), kNotFound);
  }
  if (!scanner.run()) return {};
  const std::size_t offset = innermost_offset(scanner, pointer);
  if (offset == kNotFound) return {};
  return position_at(text, offset);
}

nlohmann::json number_json(double value) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (std::isfinite(value) && std::trunc(value) == value && value >= -kTwoTo63 &&
      value < kTwoTo63) {
    return json(static_cast<std::int64_t>(value));
  }
  return json(value);
}

std::string_view json_type_name(const nlohmann::json& value) noexcept {
  switch (value.type()) {
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number";
    case json::value_t::binary:
      return "binary";
    case json::value_t::discarded:
      return "discarded";
    case json::value_t::null:
      return "null";
  }
  return "null";
}

}  // namespace detail

void locate(std::vector<Diagnostic>& diagnostics, std::string_view json_text) {
  detail::locate_impl(diagnostics, json_text, /*duplicates=*/false);
}

}  // namespace leadscore
