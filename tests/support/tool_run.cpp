#include "support/tool_run.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace leadscore::test {

namespace {

std::vector<std::string> with_program(const std::string& exe,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> storage{exe};
  storage.insert(storage.end(), args.begin(), args.end());
  return storage;
}

/// execv's argument vector over `storage` (null-terminated).
std::vector<char*> argv_of(std::vector<std::string>& storage) {
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

std::string cli_path() {
#ifdef LEADSCORE_CLI_PATH
  if (fs::exists(LEADSCORE_CLI_PATH)) return LEADSCORE_CLI_PATH;
#endif
  if (const char* env = std::getenv("LEADSCORE_CLI"); env != nullptr && fs::exists(env)) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path().parent_path() / "tools" / "leadscore";
    if (fs::exists(beside)) return beside.string();
  }
  return {};
}

std::ostream& operator<<(std::ostream& os, const ToolRun& r) {
  return os << "exit " << r.status << "\n--- stdout ---\n"
            << r.out.substr(0, 4000) << "\n--- stderr ---\n"
            << r.err.substr(0, 4000);
}

ToolRun run_tool(const std::vector<std::string>& args, const std::string& input,
                 const fs::path& cwd) {
  TempDir io("leadscore-cli");
  write_text(io / "stdin", input);
  const std::string in_path = (io / "stdin").string();
  const std::string out_path = (io / "stdout").string();
  const std::string err_path = (io / "stderr").string();
  const std::string exe = cli_path();
  std::vector<std::string> storage = with_program(exe, args);
  const std::vector<char*> argv = argv_of(storage);
  const std::string dir = cwd.string();

  const int in_fd = ::open(in_path.c_str(), O_RDONLY);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ToolRun r;
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
    ADD_FAILURE() << "cannot create the child's files";
    return r;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  int status = 0;
  struct rusage usage {};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) {
    ADD_FAILURE() << "cannot run " << exe;
    return r;
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  // The child's getrusage figure includes the test process's own resident
  // memory before exec (fork shares it); the tool's summary reports its own
  // peak (VmHWM), so prefer that when it is there.
  r.max_rss_kb = usage.ru_maxrss;
  if (const auto at = r.err.find("peak memory "); at != std::string::npos) {
    r.max_rss_kb = std::stol(r.err.substr(at + 12));
  }
  return r;
}

int start_tool(const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd) {
  const std::string exe = cli_path();
  std::vector<std::string> storage = with_program(exe, args);
  const std::vector<char*> argv = argv_of(storage);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    const int fds[] = {in_fd, out_fd, err_fd};
    for (int target = 0; target < 3; ++target) {
      ::dup2(fds[target] >= 0 ? fds[target] : null_fd, target);
    }
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_tool(int pid) {
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace leadscore::test
