// numbered("L", 7) == "L7": the generated names and ids of the tests.
//
// Written with append rather than "L" + std::to_string(7): GCC 12 at -O2 and
// above reports a false -Wrestrict inside libstdc++ for operator+(const char*,
// std::string&&) (GCC bug 105651), and the release build treats warnings as
// errors.
#pragma once

#include <string>
#include <string_view>

namespace leadscore::test {

template <class Integer>
std::string numbered(std::string_view prefix, Integer n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

}  // namespace leadscore::test
