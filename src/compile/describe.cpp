// Readable forms of conditions (Node::display, explanations) and of the
// numbers and lists in the compiler's messages.
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compile/compiler.hpp"
#include "core/names.hpp"
#include "core/text.hpp"

namespace leadscore::detail {

namespace {

/// The symbols conditions show for the comparison operators (the others
/// show their names).
constexpr std::array<Named<Op>, 6> kOpSymbols{{{Op::eq, "=="},
                                               {Op::ne, "!="},
                                               {Op::lt, "<"},
                                               {Op::lte, "<="},
                                               {Op::gt, ">"},
                                               {Op::gte, ">="}}};

std::string_view op_symbol(Op op) {
  for (const auto& [value, symbol] : kOpSymbols) {
    if (value == op) return symbol;
  }
  return to_string(op);
}

std::string item_text(const std::string& s) { return "\"" + s + "\""; }
std::string item_text(double d) { return fmt_num(d); }

/// "[a, b, ... 3 more]": at most 8 items.
template <class T>
std::string list_text(const std::vector<T>& l) {
  std::string out = "[";
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (i) out += ", ";
    if (i == 8) {
      out += "... " + std::to_string(l.size() - 8) + " more";
      break;
    }
    out += item_text(l[i]);
  }
  return out + "]";
}

std::string operand_text(const Operand& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const { return item_text(d); }
    std::string operator()(const std::string& s) const { return item_text(s); }
    std::string operator()(const std::vector<std::string>& l) const { return list_text(l); }
    std::string operator()(const std::vector<double>& l) const { return list_text(l); }
  };
  return std::visit(Visitor{}, v);
}

}  // namespace

std::string fmt_num(double v) { return format_number(v); }

std::string_view operand_type_name(const Operand& v) {
  switch (v.index()) {
    case 0:
      return "nothing";
    case 1:
      return "a boolean";
    case 2:
      return "a number";
    case 3:
      return "a string";
    case 4:
      return "a list of strings";
    default:
      return "a list of numbers";
  }
}

std::string describe_leaf(const Condition& c, std::string_view lhs) {
  std::string out(lhs);
  if (c.op == Op::exists || c.op == Op::missing) return out + " " + std::string(to_string(c.op));
  if (c.op == Op::between) {
    const auto* r = std::get_if<std::vector<double>>(&c.value);
    if (r && r->size() == 2)
      return out + " between " + fmt_num((*r)[0]) + " and " + fmt_num((*r)[1]);
  }
  return out + " " + std::string(op_symbol(c.op)) + " " + operand_text(c.value);
}

}  // namespace leadscore::detail
