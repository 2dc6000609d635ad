// Compilation of a Config into a Model: the order of the passes, and the
// diagnostics they report (compiler.hpp lists where each pass lives).
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compile/compiler.hpp"
#include "core/diagnostics.hpp"

namespace leadscore::detail {

Compiler::Compiler(Config config, const Limits& limits) {
  model_ = std::make_shared<Model>();
  model_->config = std::move(config);
  model_->limits = limits;
}

Result<std::shared_ptr<const Model>> Compiler::run() {
  check_top();
  intern_event_types();
  compile_options();
  compile_grades();
  compile_rules();
  compile_stages();
  check_demotion();
  lint_regression();
  check_recycle_rules();
  check_feedback();
  build_subscriptions();
  assign_value_slots();
  build_program();
  if (has_errors(diags_)) return Result<std::shared_ptr<const Model>>(std::move(diags_));
  model_->warnings = warnings_;
  std::vector<Diagnostic> w = warnings_;
  return Result<std::shared_ptr<const Model>>(std::shared_ptr<const Model>(model_), std::move(w));
}

void Compiler::error(std::string code, std::string pointer, std::string message,
                     std::string suggestion) {
  diags_.push_back(make_error(code, std::move(pointer), std::move(message), std::move(suggestion)));
}

void Compiler::warning(std::string code, std::string pointer, std::string message,
                       std::string suggestion) {
  Diagnostic d = make_warning(code, std::move(pointer), std::move(message));
  d.suggestion = std::move(suggestion);
  diags_.push_back(d);
  warnings_.push_back(std::move(d));
}

void Compiler::check_string(std::string_view s, const std::string& pointer) {
  if (s.size() > model_->limits.max_string_length) {
    error("limit_exceeded", pointer,
          "string of " + std::to_string(s.size()) + " characters is longer than " +
              std::to_string(model_->limits.max_string_length) + " (Limits::max_string_length)");
  }
}

bool Compiler::finite(double v, const std::string& pointer, std::string_view what) {
  if (std::isfinite(v)) return true;
  error("invalid_value", pointer, std::string(what) + " must be a finite number");
  return false;
}

Result<std::shared_ptr<const Model>> compile(Config config, const Limits& limits) {
  return Compiler(std::move(config), limits).run();
}

}  // namespace leadscore::detail
