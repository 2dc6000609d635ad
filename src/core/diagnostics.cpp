// Diagnostics (leadscore/diagnostics.hpp): their one-line text form, the
// error test, and the exception that carries them.
#include "core/diagnostics.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace leadscore {

std::string Diagnostic::to_string() const {
  std::string out;
  if (line > 0) {
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
    out += ": ";
  }
  out += severity == Severity::error ? "error[" : "warning[";
  out += code;
  out += "] at ";
  out += pointer.empty() ? std::string("(document)") : pointer;
  out += ": ";
  out += message;
  if (!suggestion.empty()) {
    out += " (did you mean '";
    out += suggestion;
    out += "'?)";
  }
  return out;
}

std::string to_string(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += d.to_string();
    out += '\n';
  }
  return out;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.is_error(); });
}

namespace {

std::string error_summary(const std::vector<Diagnostic>& diagnostics) {
  if (diagnostics.empty()) return "leadscore: unspecified error";
  // Lead with the first error (warnings may come first in a merged list).
  auto first = std::find_if(diagnostics.begin(), diagnostics.end(),
                            [](const Diagnostic& d) { return d.is_error(); });
  if (first == diagnostics.end()) first = diagnostics.begin();
  std::string out = first->to_string();
  if (diagnostics.size() > 1) {
    out += " (and ";
    out += std::to_string(diagnostics.size() - 1);
    out += " more)";
  }
  return out;
}

}  // namespace

Error::Error(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(error_summary(diagnostics)), diagnostics_(std::move(diagnostics)) {}

Diagnostic detail::make_error(std::string_view code, std::string pointer, std::string message,
                              std::string suggestion) {
  return Diagnostic{Severity::error, std::string(code), std::move(pointer), std::move(message),
                    std::move(suggestion)};
}

Diagnostic detail::make_warning(std::string_view code, std::string pointer, std::string message) {
  return Diagnostic{Severity::warning, std::string(code), std::move(pointer), std::move(message),
                    std::string()};
}

}  // namespace leadscore
