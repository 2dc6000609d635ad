// The compiled form's last passes (docs/design.md, "The compiled form"):
// value slots for every lead field and attribute a condition reads, the
// dictionary of compared texts per slot, and the flat program that rule and
// stage conditions run as.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compile/compiler.hpp"

namespace leadscore::detail {
namespace {

/// Whether `n` reads a value of the lead itself (bindable once per lead).
bool reads_lead_value(const Node& n) noexcept {
  return n.kind == Condition::Kind::compare &&
         (n.field == FieldId::attribute || lead_field(n.field).access.read != nullptr);
}

/// Whether `n` compares text case-insensitively with eq / ne / in / not_in,
/// which bound values answer with their dictionary id.
bool compares_text_ids(const Node& n) noexcept {
  if (!n.ci) return false;
  if (n.op == Op::eq || n.op == Op::ne) return n.operand == OperandKind::text;
  if (n.op == Op::in || n.op == Op::not_in) return n.operand == OperandKind::texts;
  return false;
}

/// The steps of one condition tree.
class ProgramWriter {
 public:
  explicit ProgramWriter(Model& m) : m_(m) {}

  CodeRange write(std::uint32_t root) {
    CodeRange c;
    c.begin = static_cast<std::uint32_t>(m_.program.size());
    emit(root);
    c.end = static_cast<std::uint32_t>(m_.program.size());
    return c;
  }

  /// The `where` roots of a behaviour rule or an aggregate (event context),
  /// all of which must hold: each root, then a jump to the end when it did
  /// not. Every leaf is a `leaf` step: the event's fields have no slot.
  CodeRange write_where(const std::vector<std::uint32_t>& roots) {
    CodeRange c;
    c.begin = static_cast<std::uint32_t>(m_.program.size());
    event_context_ = true;
    std::vector<std::size_t> jumps;
    for (std::size_t i = 0; i < roots.size(); ++i) {
      emit(roots[i]);
      if (i + 1 < roots.size()) {
        jumps.push_back(m_.program.size());
        push(Instr::Code::jump_if_false, roots[i]);
      }
    }
    event_context_ = false;
    c.end = static_cast<std::uint32_t>(m_.program.size());
    for (const std::size_t j : jumps) m_.program[j].arg = c.end;
    return c;
  }

 private:
  Instr& push(Instr::Code code, std::uint32_t node) {
    Instr& in = m_.program.emplace_back();
    in.code = code;
    in.node = node;
    return in;
  }

  void emit(std::uint32_t id) {
    const Node& n = m_.nodes[id];
    switch (n.kind) {
      case Condition::Kind::all:
      case Condition::Kind::any:
        emit_group(id, n.kind == Condition::Kind::all);
        return;
      case Condition::Kind::negate:
        if (n.child_count != 1) {
          push(Instr::Code::constant, id).lo_open = false;
          return;
        }
        emit(m_.child_ids[n.first_child]);
        push(Instr::Code::negate, id);
        return;
      case Condition::Kind::compare:
      case Condition::Kind::aggregate:
        emit_leaf(id);
        return;
    }
  }

  /// all / any: each child, then a jump to the end when the result is
  /// known (false for all, true for any); the last child's result is the
  /// group's when no jump was taken.
  void emit_group(std::uint32_t id, bool is_all) {
    const Node& n = m_.nodes[id];
    if (n.child_count == 0) {
      push(Instr::Code::constant, id).lo_open = is_all;
      return;
    }
    std::vector<std::size_t> jumps;
    for (std::uint32_t i = 0; i < n.child_count; ++i) {
      emit(m_.child_ids[n.first_child + i]);
      if (i + 1 < n.child_count) {
        jumps.push_back(m_.program.size());
        push(is_all ? Instr::Code::jump_if_false : Instr::Code::jump_if_true, id);
      }
    }
    const auto end = static_cast<std::uint32_t>(m_.program.size());
    for (const std::size_t j : jumps) m_.program[j].arg = end;
  }

  void emit_leaf(std::uint32_t id) {
    const Node& n = m_.nodes[id];
    if (event_context_ || n.slot == kNoSlot || n.op == Op::exists || n.op == Op::missing) {
      push(Instr::Code::leaf, id);
      return;
    }
    if (compares_text_ids(n)) {
      emit_text(id);
      return;
    }
    if (n.operand == OperandKind::number || n.operand == OperandKind::range) {
      emit_number(id);
      return;
    }
    push(Instr::Code::leaf, id);
  }

  void emit_text(std::uint32_t id) {
    const Node& n = m_.nodes[id];
    const StringSet& dict = m_.value_slots[n.slot].texts;
    if (n.op == Op::eq || n.op == Op::ne) {
      Instr& in = push(n.op == Op::eq ? Instr::Code::text_eq : Instr::Code::text_ne, id);
      in.slot = n.slot;
      in.arg = static_cast<std::uint32_t>(dict.find(n.text));
      return;
    }
    // At least one word: the evaluator reads bit 0 of the set for any text
    // outside the dictionary (and masks it out), so the set must exist.
    const std::size_t words = std::max<std::size_t>(1, (dict.keys().size() + 63) / 64);
    const auto offset = static_cast<std::uint32_t>(m_.program_bits.size());
    m_.program_bits.resize(m_.program_bits.size() + words, 0);
    for (const auto& t : n.texts) {
      const auto k = static_cast<std::size_t>(dict.find(t));
      m_.program_bits[offset + k / 64] |= std::uint64_t{1} << (k % 64);
    }
    Instr& in = push(n.op == Op::in ? Instr::Code::text_in : Instr::Code::text_not_in, id);
    in.slot = n.slot;
    in.arg = offset;
  }

  /// Every numeric comparison as an interval test: lt x is [-inf, x),
  /// between a b is [a, b], eq x is [x, x]; ne stays a step of its own.
  void emit_number(std::uint32_t id) {
    const Node& n = m_.nodes[id];
    constexpr double inf = std::numeric_limits<double>::infinity();
    double lo = -inf, hi = inf;
    bool lo_open = false, hi_open = false;
    switch (n.op) {
      case Op::eq:
        lo = hi = n.num;
        break;
      case Op::ne: {
        Instr& in = push(Instr::Code::number_ne, id);
        in.slot = n.slot;
        in.lo = n.num;
        return;
      }
      case Op::lt:
        hi = n.num;
        hi_open = true;
        break;
      case Op::lte:
        hi = n.num;
        break;
      case Op::gt:
        lo = n.num;
        lo_open = true;
        break;
      case Op::gte:
        lo = n.num;
        break;
      case Op::between:
        lo = n.num;
        hi = n.num2;
        break;
      default:
        push(Instr::Code::leaf, id);
        return;
    }
    if ((n.op == Op::between) != (n.operand == OperandKind::range)) {
      push(Instr::Code::leaf, id);  // an operand the operator does not take: never holds
      return;
    }
    Instr& in = push(Instr::Code::number, id);
    in.slot = n.slot;
    in.lo = lo;
    in.hi = hi;
    in.lo_open = lo_open;
    in.hi_open = hi_open;
  }

  Model& m_;
  bool event_context_ = false;  ///< writing `where` roots: leaves read the event
};

/// Marks the end of rule `r`'s condition for scoring: on its only step when
/// it has one, else on a `rule_end` step where its jumps land.
void end_rule(Model& m, CompiledRule& cr, std::uint32_t r) {
  if (cr.code.end - cr.code.begin != 1) {
    Instr& in = m.program.emplace_back();
    in.code = Instr::Code::rule_end;
    in.node = cr.when;
    cr.code.end = static_cast<std::uint32_t>(m.program.size());
  }
  Instr& last = m.program[cr.code.end - 1];
  last.end = cr.kind == RuleKind::fit          ? Instr::End::fit
             : cr.kind == RuleKind::engagement ? Instr::End::engagement
                                               : Instr::End::knockout;
  last.rule = r;
  last.points_micro = cr.points_micro;
}

/// Whether the fit points of all rules, summed in any order, stay within
/// int64 (then no sum saturates and the order does not matter).
bool fit_sum_is_exact(const Model& m) {
  std::uint64_t magnitude = 0;
  for (const CompiledRule& cr : m.rules) {
    if (cr.kind != RuleKind::fit) continue;
    const std::uint64_t p = cr.points_micro < 0 ? 0 - static_cast<std::uint64_t>(cr.points_micro)
                                                : static_cast<std::uint64_t>(cr.points_micro);
    if (__builtin_add_overflow(magnitude, p, &magnitude)) return false;
  }
  return magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

// The scoring run without the one-step fit rules (Model::simple_fit): the
// other rules' steps copied after the program, jumps moved with them.
void split_simple_fit(Model& m, const std::vector<CodeRange>& steps) {
  if (!fit_sum_is_exact(m)) return;
  std::vector<Instr> rest;
  const auto base = static_cast<std::uint32_t>(m.program.size());
  for (std::size_t r = 0; r < m.rules.size(); ++r) {
    const CodeRange c = steps[r];
    const Instr& first = m.program[c.begin];
    if (m.rules[r].kind == RuleKind::fit && c.end - c.begin == 1 &&
        static_cast<std::size_t>(first.code) < kSimpleCodes) {
      m.simple_fit[static_cast<std::size_t>(first.code)].push_back(first);
      continue;
    }
    const auto at = base + static_cast<std::uint32_t>(rest.size());
    for (std::uint32_t pc = c.begin; pc < c.end; ++pc) {
      Instr in = m.program[pc];
      if (in.code == Instr::Code::jump_if_false || in.code == Instr::Code::jump_if_true) {
        in.arg = in.arg - c.begin + at;  // jumps stay inside their rule
      }
      rest.push_back(in);
    }
  }
  m.rules_code = {base, base + static_cast<std::uint32_t>(rest.size())};
  m.program.insert(m.program.end(), rest.begin(), rest.end());
}

}  // namespace

// Names resolved when the Qualifier is built: one slot per lead field or
// attribute name a condition reads. Attributes come first, in name order
// (so a lead's attributes, also in name order, bind to slots in one merge
// pass). Each slot's dictionary holds the texts compared with it.
void Compiler::assign_value_slots() {
  Model& m = *model_;
  std::map<std::string, std::vector<std::string>, std::less<>> attributes;
  std::map<FieldId, std::vector<std::string>> fields;
  for (const Node& n : m.nodes) {
    if (!reads_lead_value(n)) continue;
    auto& texts = n.field == FieldId::attribute ? attributes[n.name] : fields[n.field];
    if (!compares_text_ids(n)) continue;
    if (n.operand == OperandKind::text) texts.push_back(n.text);
    for (const auto& t : n.texts) texts.push_back(t);
  }
  for (auto& [name, texts] : attributes) {
    ValueSlot& slot = m.value_slots.emplace_back();
    slot.field = FieldId::attribute;
    slot.name = name;
    slot.texts = StringSet(texts, true);
  }
  m.attribute_slot_count = static_cast<std::uint32_t>(m.value_slots.size());
  for (auto& [field, texts] : fields) {
    ValueSlot& slot = m.value_slots.emplace_back();
    slot.field = field;
    slot.texts = StringSet(texts, true);
  }
  for (Node& n : m.nodes) {
    if (n.operand == OperandKind::text) n.text_hash = StringSet::hash(n.text, true);
    if (!reads_lead_value(n)) continue;
    const auto first = m.value_slots.begin();
    const auto last = first + m.attribute_slot_count;
    const auto it = n.field == FieldId::attribute
                        ? std::lower_bound(first, last, n.name,
                                           [](const ValueSlot& s, const std::string& name) {
                                             return s.name < name;
                                           })
                        : std::find_if(last, m.value_slots.end(),
                                       [&n](const ValueSlot& s) { return s.field == n.field; });
    n.slot = static_cast<std::uint32_t>(it - first);
  }
}

// Rule and stage conditions as flat steps. Conditions beyond the bound slots
// (kBoundSlots) keep reading the lead through `leaf` steps.
void Compiler::build_program() {
  Model& m = *model_;
  for (Node& n : m.nodes) {
    if (n.slot != kNoSlot && n.slot >= kBoundSlots) n.slot = kNoSlot;
    if (n.kind != Condition::Kind::compare) continue;
    if (n.field == FieldId::enrichment || n.field == FieldId::completeness)
      m.reads_enrichment = true;
    if (n.field == FieldId::email_domain || n.field == FieldId::free_email) m.reads_email = true;
  }
  for (std::size_t k = 0; m.reads_enrichment && k < m.enrichment_fields.size(); ++k) {
    if (m.enrichment_fields[k] == FieldId::attribute) {
      m.attributes_read_by_name.push_back(m.enrichment_attr_names[k]);
    }
  }
  ProgramWriter writer(m);
  std::vector<CodeRange> steps(m.rules.size());  // each rule's steps, behaviour ones too
  for (std::size_t r = 0; r < m.rules.size(); ++r) {
    CompiledRule& cr = m.rules[r];
    if (cr.kind == RuleKind::behavior) {
      const auto at = static_cast<std::uint32_t>(m.program.size());
      Instr& in = m.program.emplace_back();
      in.code = Instr::Code::behavior;
      in.rule = static_cast<std::uint32_t>(r);
      steps[r] = {at, at + 1};
      continue;
    }
    cr.code = writer.write(cr.when);
    end_rule(m, cr, static_cast<std::uint32_t>(r));
    steps[r] = cr.code;
  }
  m.rules_code = {0, static_cast<std::uint32_t>(m.program.size())};
  for (CompiledStage& cs : m.stages) {
    for (std::size_t o = 0; o < cs.root.size(); ++o) cs.code[o] = writer.write(cs.root[o]);
  }
  for (CompiledRule& cr : m.rules) {
    if (!cr.where.empty()) cr.where_code = writer.write_where(cr.where);
  }
  for (Aggregate& ag : m.aggregates) {
    if (!ag.where.empty()) ag.where_code = writer.write_where(ag.where);
  }
  split_simple_fit(m, steps);
}

}  // namespace leadscore::detail
