// The compiler of a Config into a Model (private to src/compile/).
//
// One Compiler runs once per Qualifier::build. Its members live in files by
// job, and run() calls them in one fixed order, which is the order of the
// diagnostics:
//   compile.cpp   run(), the diagnostics sink, compile()
//   validate.cpp  errors on the Config's values (limits, ids, operands, settings)
//   lint.cpp      warnings on a valid configuration (never fires, unreachable,
//                 near-miss event types) and the analysis behind them
//   lower.cpp     building the Model: event types, options, grades, condition
//                 nodes, aggregates, rules, stages and event subscriptions
//   describe.cpp  readable forms of conditions and numbers (Node::display)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/limits.hpp"

#include "model/model.hpp"

namespace leadscore::detail {

// ---- describe.cpp ----------------------------------------------------------

/// A number as conditions and messages show it: format_number(v), the
/// library's one number rule (leadscore/text.hpp).
std::string fmt_num(double v);
/// "a string", "a list of numbers", ...: what an operand is, for messages.
std::string_view operand_type_name(const Operand& v);
/// The readable form of a compare or aggregate condition: `lhs` and the
/// operator and operand, e.g. "company.employees >= 50".
std::string describe_leaf(const Condition& c, std::string_view lhs);

// ---- the compiler ------------------------------------------------------------

class Compiler {
 public:
  Compiler(Config config, const Limits& limits);
  Result<std::shared_ptr<const Model>> run();

 private:
  enum class Context { rule, stage, event };

  // compile.cpp: diagnostics
  void error(std::string code, std::string pointer, std::string message,
             std::string suggestion = {});
  void warning(std::string code, std::string pointer, std::string message,
               std::string suggestion = {});
  void check_string(std::string_view s, const std::string& pointer);
  bool finite(double v, const std::string& pointer, std::string_view what);

  // validate.cpp
  void check_top();
  void check_event_type_count();
  void check_free_email_domains();
  const LeadField* enrichment_field(const std::string& path, const std::string& pointer,
                                    std::string_view& name);
  void check_enrichment_count_and_fallback();
  void check_bands(const std::vector<GradeBand>& bands, const std::string& p);
  bool check_operand(const Condition& c, FieldType type, const std::string& p,
                     std::string_view field_label);
  void check_enumerated(const Condition& c, const LeadField& field, const std::string& p);
  const LeadField* resolve_field(const Condition& c, const std::string& p, Context ctx,
                                 std::string_view& name);
  bool check_aggregate_context(const std::string& p, Context ctx);
  std::int64_t window_ms(const std::optional<double>& within_days, const std::string& p);
  void check_aggregate_property(const Condition& c, const std::string& p);
  bool check_distinct_days_window(const Condition& c, const std::string& p);
  bool check_aggregate_op(const Condition& c, const std::string& p);
  /// Reports an empty rule id or stage name (`missing`); false when empty.
  bool check_name(const std::string& name, const std::string& pointer, std::string_view missing);
  void check_rule_id(const Rule& rule, std::size_t r, const std::string& p,
                     std::unordered_map<std::string, std::size_t>& ids);
  bool check_points(const Rule& rule, const std::string& p);
  void check_behavior_rule_start(const Rule& rule, const std::string& p);
  bool valid_max_points(double v, const std::string& p);
  bool valid_max_per_day(int v, const std::string& p);
  bool valid_half_life(double v, const std::string& p);
  void check_implied_by(const Rule& rule, const std::string& p);
  void check_scoring_rule_keys(const Rule& rule, const std::string& p, std::string_view kind);
  void check_reason(const Rule& rule, const std::string& p);
  void check_stage_header(const Stage& st, std::size_t s, const std::string& p,
                          std::unordered_map<std::string, std::size_t>& names);
  void check_stage_name(const std::string& name, const std::string& pointer, bool allow_empty);
  void check_days(double v, const std::string& pointer, bool positive);
  void check_demotion();
  void check_recycle_rules();
  void check_feedback();

  // lint.cpp
  void lint_event_types();
  void lint_grades();
  void lint_regression();
  void lint_behavior_rule(const Rule& rule, const std::string& p, const CompiledRule& cr);
  void lint_scoring_rule(const Rule& rule, const std::string& p, const CompiledRule& cr,
                         bool has_when);
  void lint_stage(const Stage& st, const std::string& p, const CompiledStage& cs,
                  bool (&earlier_always)[3]);
  [[nodiscard]] bool never_holds(std::uint32_t id) const;
  [[nodiscard]] bool always_holds(std::uint32_t id) const;
  [[nodiscard]] bool contradicts(const Node& all, const Node& a) const;
  /// Whether node `b` implies node `a` (sound, partial); gives up (false)
  /// once `budget` steps are spent, so that hostile configurations stay cheap.
  [[nodiscard]] bool implies(std::uint32_t b, std::uint32_t a, std::size_t& budget) const;
  [[nodiscard]] bool bound_implies(const Node& b, const Node& a) const;
  void lint_stage_thresholds(const Stage& st, const std::string& p, const CompiledStage& cs);

  // lower.cpp
  void note_type(const std::string& t, const std::string& pointer);
  void collect_types(const Condition& c, const std::string& p);
  void intern_event_types();
  [[nodiscard]] std::uint32_t type_id(const std::string& t) const;
  void compile_options();
  static void compile_bands(const std::vector<GradeBand>& bands, std::vector<double>& mins,
                            std::vector<std::string>& labels);
  void compile_grades();
  std::uint32_t add_node(Node n);
  void fill_operand(Node& n, const Operand& v);
  std::uint32_t compile_condition(const Condition& c, const std::string& p, Context ctx,
                                  std::size_t depth, std::int32_t* first_aggregate = nullptr);
  void compile_compare(const Condition& c, Node& n, const std::string& p, Context ctx);
  void compile_aggregate(const Condition& c, Node& n, const std::string& p, Context ctx,
                         std::size_t depth);
  void allocate_distinct_days(const Condition& c, Aggregate& a, const std::string& p);
  void compile_rules();
  void compile_behavior_rule(const Rule& rule, const std::string& p, CompiledRule& cr);
  void compile_behavior_settings(const Rule& rule, const std::string& p, CompiledRule& cr);
  void compile_scoring_rule(const Rule& rule, const std::string& p, CompiledRule& cr);
  void compile_stages();
  void build_subscriptions();

  // program.cpp
  void assign_value_slots();
  void build_program();

  static constexpr std::uint32_t kMaxBitWords = 2048;

  std::shared_ptr<Model> model_;
  std::vector<Diagnostic> diags_;
  std::vector<Diagnostic> warnings_;
  std::unordered_map<std::string, std::uint32_t> type_index_;
  std::vector<std::string> type_names_;
  std::vector<std::string> type_pointers_;
  std::vector<std::vector<std::string>> agg_types_;
  std::vector<std::vector<std::string>> rule_types_;
};

}  // namespace leadscore::detail
