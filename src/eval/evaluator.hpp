// The evaluator (private): one lead, one as_of, one compiled model.
//
// There is one evaluator. qualify() runs it with no listener (no virtual
// call, no allocation); explain() with the recording listener of
// src/explain/; Qualifier::qualify(lead, as_of, RuleListener&) (calibration's
// rule hits) with an adapter. A listener is told what the evaluator decided
// and never changes it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/qualifier.hpp"

#include "eval/accumulate.hpp"
#include "model/model.hpp"

namespace leadscore::detail {

/// Lifecycle facts visible to stage conditions (stage.current,
/// stage.days_in_stage, sales.status) when LeadState classifies a lead.
struct StageContext {
  std::string_view current;
  double days_in_stage = 0;
  std::string_view sales_status;  ///< "" = none
};

/// What stage classification is given besides the scores: the lifecycle
/// facts, and optionally a second question (hysteresis): would stage
/// `margin_stage` still hold with every score raised by `margin`?
struct StageQuery {
  const StageContext* context = nullptr;
  int margin_stage = -1;
  double margin = 0;
  bool* margin_held = nullptr;
};

/// What a listener may ask the evaluator once a result is known.
class EvalView {
 public:
  [[nodiscard]] virtual const Model& model() const noexcept = 0;
  [[nodiscard]] virtual const Lead& lead() const noexcept = 0;
  /// Whether condition node `node` holds for this lead at as_of.
  virtual bool holds(std::uint32_t node) = 0;
  /// The value a leaf condition (compare or aggregate) reads.
  virtual Val leaf(std::uint32_t node) = 0;
  /// The value of aggregate `a`.
  virtual Val aggregate(std::uint32_t a) = 0;

 protected:
  ~EvalView() = default;
};

/// Told what one evaluation decided, in order: rules (configuration order),
/// then stages (in order, up to the one that held), then the result.
class EvalListener {
 public:
  virtual ~EvalListener() = default;
  /// Whether condition traces are wanted (they allocate).
  [[nodiscard]] virtual bool wants_traces() const noexcept { return false; }
  /// A behaviour rule whose events matched: its accumulator and its total
  /// after the cap, in micro-points.
  virtual void on_behavior_rule(std::size_t /*rule*/, const RuleAcc& /*acc*/,
                                std::int64_t /*total_micro*/, bool /*capped*/) {}
  /// A fit, engagement or knockout rule (trace only when wants_traces()).
  virtual void on_condition_rule(std::size_t /*rule*/, bool /*held*/, ConditionTrace* /*trace*/,
                                 EvalView& /*view*/) {}
  /// A stage tried (trace only when wants_traces()).
  virtual void on_stage(std::size_t /*stage*/, bool /*held*/, ConditionTrace* /*trace*/,
                        bool /*by_origin*/) {}
  /// The result, with the scores before clamping.
  virtual void on_result(const Qualification& /*q*/, double /*fit_raw*/, double /*engagement_raw*/,
                         EvalView& /*view*/) {}
};

/// What the evaluator reads of a bound lead's Lead besides its values by
/// slot (unless a condition reads enrichment or e-mail facts, or more slots
/// than are bound), copied when the lead is bound: a BoundLead's lead stays
/// unchanged while it is bound, and qualify() then reads one block per lead.
struct BoundFacts {
  std::optional<Instant> created_at;
  Origin origin = Origin::unknown;
  bool has_events = false;
};

/// How the evaluator gets a lead's event accumulators and stage context.
struct EvalRequest {
  /// Non-null: the Scratch accumulators are already filled at as_of (by
  /// LeadState's StreamAccumulator) and this is their summary; null: the
  /// evaluator accumulates the lead's events itself (EventAccumulator).
  const EventSummary* events = nullptr;
  /// Non-null: the lead's values by slot (a BoundLead's), all
  /// min(Model::value_slots.size(), kBoundSlots) of them.
  const Val* values = nullptr;
  /// Non-null (with `values`): the bound lead's facts, read instead of the
  /// Lead's own members.
  const BoundFacts* facts = nullptr;
  StageQuery stage;
};

/// A bound lead's values by slot: inline up to kInlineSlots (so that a
/// BoundLead is one block, read front to back), on the heap beyond. Not
/// copied nor moved (the data pointer may point into the object).
class SlotValues {
 public:
  static constexpr std::size_t kInlineSlots = 24;
  SlotValues() noexcept { data_ = inline_.data(); }
  SlotValues(const SlotValues&) = delete;
  SlotValues& operator=(const SlotValues&) = delete;
  ~SlotValues() = default;

  /// `n` copies of `v` (the storage is kept from call to call).
  void assign(std::size_t n, const Val& v) {
    if (n > kInlineSlots) {
      heap_.assign(n, v);
      data_ = heap_.data();
    } else {
      data_ = inline_.data();
      std::fill_n(data_, n, v);
    }
    size_ = n;
  }
  [[nodiscard]] Val& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const Val& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] Val* data() noexcept { return data_; }
  [[nodiscard]] const Val* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  Val* data_ = nullptr;
  std::size_t size_ = 0;
  std::array<Val, kInlineSlots> inline_{};
  std::vector<Val> heap_;
};

/// What a BoundLead filled from a record owns (CsvLeadMapper::map_into,
/// the JSONL reader): the lead fields, events and the attributes the model
/// reads by name live in `owned`; attribute values read by slot live in
/// `texts` / `lists`. Reused from record to record, so their storage is kept.
struct OwnedForm {
  std::shared_ptr<const Model> owner;  ///< keeps the model alive
  Lead owned;
  std::string texts;                            ///< text values, reserved per record
  std::vector<std::vector<std::string>> lists;  ///< list values, one per mapping field
  /// Per mapping field (CsvLeadMapper's), where its attribute goes: a slot
  /// (>= 0) or -1 (none); `keep` when the model also reads it by name.
  struct Target {
    std::int32_t slot = -1;
    bool keep = false;
  };
  const void* plan = nullptr;  ///< the mapping `targets` were computed for
  std::vector<Target> targets;
};

/// A lead bound to a model (the state behind leadscore::BoundLead). The
/// values the evaluator reads come first, inline; what a lead filled from a
/// record owns is apart (`form`, null for Qualifier::bind()), so that bound
/// leads stay small blocks.
struct BoundValues {
  const Model* model = nullptr;
  const Lead* lead = nullptr;
  BoundFacts facts;   ///< of *lead, set with the lead-field slots
  SlotValues values;  ///< by slot (Model::value_slots), at most kBoundSlots
  std::unique_ptr<OwnedForm> form;

  /// The owned form, made on first use.
  OwnedForm& own() {
    if (!form) form = std::make_unique<OwnedForm>();
    return *form;
  }
};
/// Binds `lead`'s values to `model`'s slots.
LEADSCORE_EXPORT void bind_lead(const Model& model, const Lead& lead, BoundValues& out);
/// A value read for `slot`, bound to its dictionary (hash and id of a text).
LEADSCORE_EXPORT Val bind_value(const ValueSlot& slot, const Val& v) noexcept;
/// bind_value() of a text.
/// Written in place: a Val returned by value is stored in pieces and read
/// back whole, which stalls store forwarding on the per-cell path.
LEADSCORE_EXPORT void bind_text(const ValueSlot& slot, std::string_view text, Val& out) noexcept;
/// Binds the lead-field slots (those after the attribute slots) of `lead`,
/// and its facts (BoundFacts), into `out`.
LEADSCORE_EXPORT void bind_lead_fields(const Model& model, const Lead& lead,
                                       BoundValues& out) noexcept;

/// The evaluator. `listener` may be null (the fast path); `facts_out`
/// receives the derived facts when non-null.
Qualification evaluate(const Model& model, const Lead& lead, Instant as_of, Scratch& scratch,
                       const EvalRequest& request, EvalListener* listener = nullptr,
                       DerivedFacts* facts_out = nullptr);

/// qualify(): the evaluator with no listener over a Scratch on the stack.
/// Allocates nothing.
Qualification evaluate(const Model& model, const Lead& lead, Instant as_of);

}  // namespace leadscore::detail
