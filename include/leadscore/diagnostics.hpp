// leadscore/diagnostics.hpp — errors and warnings, and the Result type.
//
// Building a Qualifier (or parsing a configuration or a lead) never yields a
// half-built object: it yields either the object or the complete list of
// problems found, each with a stable code, the JSON pointer of the offending
// value, what was expected, and a "did you mean" suggestion where one is near.
// docs/errors.md lists every code.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadscore/export.hpp"

namespace leadscore {

enum class Severity : unsigned char { error, warning };

/// One problem found in a configuration, a lead or an input record.
struct Diagnostic {
  Severity severity = Severity::error;
  /// Stable machine-readable code, e.g. "unknown_key", "unknown_operator".
  std::string code;
  /// RFC 6901 JSON pointer of the offending value, e.g. "/rules/4/when/op"
  /// ("" = the whole document).
  std::string pointer;
  /// Human-readable message: what is wrong and what was expected.
  std::string message;
  /// Nearest valid name for a misspelt key, operator, field or event type.
  std::string suggestion;
  /// 1-based position in the source text when known (0 = unknown).
  std::size_t line = 0;
  std::size_t column = 0;

  [[nodiscard]] bool is_error() const noexcept { return severity == Severity::error; }
  /// "error[code] at /rules/4/when/op: message (did you mean 'gte'?)".
  [[nodiscard]] LEADSCORE_EXPORT std::string to_string() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Formats every diagnostic on its own line.
LEADSCORE_EXPORT std::string to_string(const std::vector<Diagnostic>& diagnostics);

/// True when any diagnostic is an error.
LEADSCORE_EXPORT bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept;

/// Thrown by the throwing convenience layer (Result::value(), Qualifier
/// factories named *_or_throw); carries every diagnostic.
class LEADSCORE_EXPORT Error : public std::runtime_error {
 public:
  explicit Error(std::vector<Diagnostic> diagnostics);
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Either a value or the errors that prevented it, plus any warnings.
/// `ok()` is true exactly when a value is present (and then no diagnostic is
/// an error).
template <class T>
class Result {
 public:
  Result(T value, std::vector<Diagnostic> warnings = {})
      : value_(std::move(value)), diagnostics_(std::move(warnings)) {}
  Result(std::vector<Diagnostic> diagnostics) : diagnostics_(std::move(diagnostics)) {}

  [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws leadscore::Error with the diagnostics when !ok().
  T& value() & {
    if (!value_) throw Error(diagnostics_);
    return *value_;
  }
  const T& value() const& {
    if (!value_) throw Error(diagnostics_);
    return *value_;
  }
  T&& value() && {
    if (!value_) throw Error(diagnostics_);
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// All diagnostics: errors (when !ok()) and warnings.
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::optional<T> value_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace leadscore
