// The `leadscore` command-line tool (docs/cli.md).
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/version.hpp"

#include "cli.hpp"

namespace {

constexpr std::string_view kHelp =
    "leadscore — score and qualify sales leads\n"
    "\n"
    "Usage: leadscore <command> [options]\n"
    "\n"
    "Commands:\n"
    "  score      score a JSONL or CSV file of leads (a streaming filter: --input - --output -)\n"
    "  check      validate and lint a scoring configuration (and a CSV mapping)\n"
    "  explain    explain how one lead is scored and what it lacks for the next stage\n"
    "  report     stage counts, score distributions and, with outcomes, AUC and lift\n"
    "  calibrate  learn rule points and stage thresholds from leads with known outcomes\n"
    "  diff       review a configuration change: which leads change stage, and why\n"
    "\n"
    "Run 'leadscore <command> --help' for a command's options. 'leadscore --version' prints\n"
    "the version. Documentation: docs/cli.md.\n"
    "\n"
    "Exit status: 0 success; 1 some records failed (score) or the lead could not be read\n"
    "(explain); 2 usage or configuration error; 4 an input could not be read or an output\n"
    "could not be written.\n";

constexpr const leadscore::cli::Command* kCommands[] = {
    &leadscore::cli::kScoreCommand,     &leadscore::cli::kCheckCommand,
    &leadscore::cli::kExplainCommand,   &leadscore::cli::kReportCommand,
    &leadscore::cli::kCalibrateCommand, &leadscore::cli::kDiffCommand,
};

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  leadscore::cli::hold_closed_standard_descriptors();
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kHelp.data(), stderr);
    return leadscore::cli::kExitUsage;
  }
  const std::string_view command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    if (command == "help" && args.size() > 1) {
      args = {args[1], "--help"};
    } else {
      std::fputs(kHelp.data(), stdout);
      return leadscore::cli::kExitOk;
    }
  } else if (command == "--version" || command == "version") {
    std::printf("leadscore %s\n", std::string(leadscore::version).c_str());
    return leadscore::cli::kExitOk;
  }
  const std::string_view name = args.front();
  const std::span<const std::string_view> rest(args.data() + 1, args.size() - 1);
  try {
    for (const leadscore::cli::Command* c : kCommands) {
      if (c->name != name) continue;
      leadscore::cli::install_signal_handlers(name);
      const int status = leadscore::cli::run_command(*c, rest);
      leadscore::cli::finish_stdout();  // check, explain: output that cannot be written fails
      return status;
    }
    std::fprintf(stderr,
                 "leadscore: unknown command '%s' (commands: score, check, explain, report, "
                 "calibrate, diff; "
                 "see "
                 "'leadscore --help')\n",
                 std::string(name).c_str());
    return leadscore::cli::kExitUsage;
  } catch (const leadscore::cli::UsageError& e) {
    std::fprintf(stderr, "leadscore %s: %s\n", std::string(name).c_str(), e.what());
    return leadscore::cli::kExitUsage;
  } catch (const leadscore::cli::IoError& e) {
    std::fprintf(stderr, "leadscore %s: %s\n", std::string(name).c_str(), e.what());
    return leadscore::cli::kExitIo;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "leadscore %s: internal error: %s\n", std::string(name).c_str(), e.what());
    return 3;
  }
}
