// Running the `leadscore` command-line tool from a test, as a child process.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace leadscore::test {

/// The tool: the LEADSCORE_CLI_PATH compile definition, $LEADSCORE_CLI, or
/// ../tools/leadscore beside this test program, whichever exists first; ""
/// when none does (tests then skip themselves).
std::string cli_path();

/// What one run of the tool did.
struct ToolRun {
  int status = -1;      ///< exit status; 128 + signal when killed
  std::string out;      ///< standard output
  std::string err;      ///< standard error
  long max_rss_kb = 0;  ///< peak resident set size (the tool's own summary when it prints one)
};

/// Exit status, then the first 4,000 bytes of stdout and of stderr.
std::ostream& operator<<(std::ostream& os, const ToolRun& r);

/// Runs the tool with `args` in `cwd` (this process's directory when empty),
/// `input` as its standard input, and captures what it did.
ToolRun run_tool(const std::vector<std::string>& args, const std::string& input = "",
                 const std::filesystem::path& cwd = {});

/// Starts the tool with `args` and the given descriptors as its standard
/// input, output and error (-1: /dev/null), without waiting; returns its
/// process id (-1 when it cannot be started).
int start_tool(const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd);

/// Waits for a started tool: its exit status, or 128 + the signal that
/// killed it.
int wait_tool(int pid);

}  // namespace leadscore::test
