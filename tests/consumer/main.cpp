// Consumer smoke program, shared by the find_package, pkg_config and
// add_subdirectory consumer tests: compiled against an installed (or
// add_subdirectory'd) leadscore, it prints the header version and the size of
// the default rule set. Exits 0 only when the library is usable and the
// default config has rules.
#if __has_include(<leadscore/leadscore.hpp>)
#include <leadscore/leadscore.hpp>
#endif
#include <cstdlib>
#include <iostream>

#include <leadscore/config.hpp>
#include <leadscore/version.hpp>

static_assert(!leadscore::version.empty(), "leadscore::version must be a constant expression");
static_assert(leadscore::version == LEADSCORE_VERSION_STRING);

int main() {
  const leadscore::Config config = leadscore::default_config();
  std::cout << "leadscore " << leadscore::version << '\n';
  std::cout << "default rules: " << config.rules.size() << '\n';
  return config.rules.empty() ? EXIT_FAILURE : EXIT_SUCCESS;
}
