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
  assign_attribute_slots();
  if (has_errors(diags_)) return Result<std::shared_ptr<const Model>>(std::move(diags_));
  model_->warnings = warnings_;
  std::vector<Diagnostic> w = warnings_;
  return Result<std::shared_ptr<const Model>>(std::shared_ptr<const Model>(model_), std::move(w));
}

// Names resolved when the Qualifier is built: one slot per attribute name,
// in name order (so a lead's attributes, also in name order, bind to slots
// in one merge pass).
void Compiler::assign_attribute_slots() {
  std::map<std::string, std::uint32_t, std::less<>> slots;
  for (const Node& n : model_->nodes) {
    if (n.field == FieldId::attribute && n.kind == Condition::Kind::compare)
      slots.emplace(n.name, 0);
  }
  for (auto& [name, slot] : slots) {
    slot = static_cast<std::uint32_t>(model_->attribute_slots.size());
    model_->attribute_slots.push_back(name);
  }
  for (Node& n : model_->nodes) {
    if (n.field == FieldId::attribute && n.kind == Condition::Kind::compare) n.slot = slots[n.name];
    if (n.operand == OperandKind::text) n.text_hash = StringSet::hash(n.text, true);
  }
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
