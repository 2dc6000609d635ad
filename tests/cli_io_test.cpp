// The command-line tool facing faults of its files (docs/cli.md#files-and-faults,
// docs/hardening.md items 7-11): oversized --config/--map/--lead, --input and
// --output naming one file, read errors, write errors, and signals. The tool
// runs as a child process.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/files.hpp"
#include "support/numbered.hpp"
#include "support/sanitizers.hpp"
#include "support/tool_run.hpp"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace leadscore {
namespace {

using test::cli_path;
using test::lines_of;
using test::read_text;
using test::run_tool;
using test::TempDir;
using test::ToolRun;
using test::write_text;

constexpr const char* kAsOf = "2026-11-22T00:00:00Z";

std::string leads_jsonl(int from, int count) {
  std::string out;
  for (int i = from; i < from + count; ++i) {
    out += R"({"id":"L)" + std::to_string(i) + R"(","company":{"employees":)" +
           std::to_string(i % 900) + "}}\n";
  }
  return out;
}

/// Every line of `text` is a whole JSON record with an "id" (the last one
/// ends with a line break).
void expect_whole_records(const std::string& text) {
  if (text.empty()) return;
  EXPECT_EQ(text.back(), '\n') << "the last record is torn";
  for (const std::string& line : lines_of(text)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "torn record: " << line.substr(0, 200);
    EXPECT_TRUE(j.contains("id")) << line;
  }
}

/// Waits for `pid` at most `seconds`; kills it and returns -1 when it is
/// still running (a hang is then a test failure, not a hung test).
int wait_at_most(int pid, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  test::wait_tool(pid);
  return -1;
}

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

class CliIo : public ::testing::Test {
 protected:
  void SetUp() override {
    if (cli_path().empty()) GTEST_SKIP() << "the leadscore executable was not found";
  }
};

// ---------------------------------------------------------------------------
// 7: --config, --map and --lead are limited while they are read
// ---------------------------------------------------------------------------

TEST_F(CliIo, ConfigMapAndLeadLinkedToDevZeroFailFastWithLimitExceeded) {
  TempDir dir;
  fs::create_symlink("/dev/zero", dir / "zero.json");
  const std::string zero = (dir / "zero.json").string();
  write_text(dir / "in.csv", "id,x\n1,2\n");
  write_text(dir / "in.jsonl", leads_jsonl(0, 2));
  const std::vector<std::vector<std::string>> runs = {
      {"score", "--input", (dir / "in.jsonl").string(), "--config", zero, "--as-of", kAsOf},
      {"score", "--input", (dir / "in.csv").string(), "--map", zero, "--as-of", kAsOf},
      {"check", "--config", zero},
      {"check", "--map", zero},
      {"explain", "--lead", zero, "--as-of", kAsOf},
      {"explain", "--lead", (dir / "in.jsonl").string(), "--config", zero, "--as-of", kAsOf},
  };
  for (const auto& args : runs) {
    const ToolRun r = run_tool(args);
    EXPECT_EQ(r.status, 2) << args[0] << " " << args[2] << "\n" << r;
    EXPECT_NE(r.err.find("limit_exceeded"), std::string::npos) << r;
    EXPECT_NE(r.err.find("zero.json"), std::string::npos) << r;
    // Before: the whole "file" was read first (4.2 GB before the check).
    if (!test::kSanitized) {
      EXPECT_LT(r.max_rss_kb, 256 * 1024) << args[0] << " " << args[2];
    }
  }
}

// ---------------------------------------------------------------------------
// 8: --input and --output naming the same file
// ---------------------------------------------------------------------------

TEST_F(CliIo, InputAndOutputNamingOneFileAreRefusedAndTheInputKept) {
  TempDir dir;
  const std::string input = leads_jsonl(0, 50);
  write_text(dir / "leads.jsonl", input);
  fs::create_symlink(dir / "leads.jsonl", dir / "link.jsonl");
  fs::create_hard_link(dir / "leads.jsonl", dir / "hard.jsonl");
  const std::string in = (dir / "leads.jsonl").string();
  const std::vector<std::string> outputs = {in, (dir / "link.jsonl").string(),
                                            (dir / "hard.jsonl").string(),
                                            (dir / "." / "leads.jsonl").string()};
  for (const std::string& out : outputs) {
    for (const char* command : {"score", "report"}) {
      const ToolRun r =
          run_tool({command, "--input", in, "--as-of", kAsOf, "--output", out, "--threads", "1"});
      EXPECT_EQ(r.status, 2) << command << " --output " << out << "\n" << r;
      EXPECT_NE(r.err.find("same file as --input"), std::string::npos) << r;
      EXPECT_EQ(read_text(dir / "leads.jsonl"), input) << "the input was changed";
    }
  }
  // Standard input and an --output naming the file it comes from.
  const int fd = ::open(in.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  const int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int status = test::wait_tool(
      test::start_tool({"score", "--input", "-", "--as-of", kAsOf, "--output", in}, fd, -1, err));
  ::close(fd);
  ::close(err);
  EXPECT_EQ(status, 2) << read_text(dir / "err");
  EXPECT_EQ(read_text(dir / "leads.jsonl"), input);
}

// ---------------------------------------------------------------------------
// 9: read errors
// ---------------------------------------------------------------------------

/// A socket pair whose far end is closed with unread data: reading the near
/// end gives what was sent, then fails with ECONNRESET (a read error in the
/// middle of the input).
int input_failing_after(const std::string& text) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return -1;
  write_all(fds[1], "x");  // to the far end, never read by it
  write_all(fds[0], text);
  ::close(fds[0]);
  return fds[1];
}

TEST_F(CliIo, ReadErrorNamesTheFileAndKeepsWhatWasScoredBefore) {
  for (const bool csv : {false, true}) {
    SCOPED_TRACE(csv ? "csv" : "jsonl");
    TempDir dir;
    std::string text;
    if (csv) {
      text = "id,company.employees\n";
      for (int i = 0; i < 300; ++i) text += test::numbered("L", i) + "," + std::to_string(i) + "\n";
    } else {
      text = leads_jsonl(0, 300);
    }
    text += R"({"id":"partial)";  // a record cut by the failure: never scored
    const int in = input_failing_after(text);
    ASSERT_GE(in, 0);
    const int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args = {"score",
                                     "--input",
                                     "-",
                                     "--as-of",
                                     kAsOf,
                                     "--output",
                                     (dir / "out.jsonl").string(),
                                     "--threads",
                                     "2",
                                     "--batch-records",
                                     "7"};
    if (csv) args.insert(args.end(), {"--format", "csv"});
    const int status = test::wait_tool(test::start_tool(args, in, -1, err));
    ::close(in);
    ::close(err);
    const std::string message = read_text(dir / "err");
    EXPECT_EQ(status, 4) << message;
    EXPECT_NE(message.find("reading <stdin> failed (Connection reset by peer)"), std::string::npos)
        << message;
    EXPECT_NE(message.find(csv ? "after line 301 (record 300)" : "after line 300 (record 300)"),
              std::string::npos)
        << message;
    const std::string out = read_text(dir / "out.jsonl");
    EXPECT_EQ(lines_of(out).size(), 300u) << "every record read before the error is written";
    expect_whole_records(out);
    EXPECT_EQ(out.find("partial"), std::string::npos);
  }
}

// ---------------------------------------------------------------------------
// 10: write errors
// ---------------------------------------------------------------------------

TEST_F(CliIo, WriteErrorsNameTheErrnoAndExitFour) {
  TempDir dir;
  write_text(dir / "in.jsonl", leads_jsonl(0, 20));
  const std::string in = (dir / "in.jsonl").string();
  const ToolRun score =
      run_tool({"score", "--input", in, "--as-of", kAsOf, "--output", "/dev/full"});
  EXPECT_EQ(score.status, 4) << score;
  EXPECT_NE(score.err.find("writing /dev/full failed (No space left on device)"), std::string::npos)
      << score;
  // Standard output on /dev/full: score, check and explain.
  const int full = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  write_text(dir / "lead.json", R"({"id":"a","company":{"employees":50}})");
  const std::vector<std::vector<std::string>> runs = {
      {"score", "--input", in, "--as-of", kAsOf},
      {"check", "--config",
       (test::source_dir() / "examples" / "data" / "bank-marketing.config.json").string()},
      {"explain", "--lead", (dir / "lead.json").string(), "--as-of", kAsOf},
      {"explain", "--lead", (dir / "lead.json").string(), "--as-of", kAsOf, "--format", "json"},
      {"report", "--input", in, "--as-of", kAsOf},
  };
  for (const auto& args : runs) {
    const int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int status = test::wait_tool(test::start_tool(args, -1, full, err));
    ::close(err);
    const std::string message = read_text(dir / "err");
    EXPECT_EQ(status, 4) << args[0] << ": " << message;
    EXPECT_NE(message.find("writing <stdout> failed (No space left on device)"), std::string::npos)
        << args[0] << ": " << message;
  }
  ::close(full);
}

TEST_F(CliIo, ClosedPipeAndClosedStdoutStopTheRunEarly) {
  TempDir dir;
  // SIGPIPE ignored (inherited through exec): the write fails with EPIPE.
  const auto old = std::signal(SIGPIPE, SIG_IGN);
  int out_pipe[2];
  int in_pipe[2];
  ASSERT_EQ(::pipe(out_pipe), 0);
  ASSERT_EQ(::pipe(in_pipe), 0);
  ::close(out_pipe[0]);  // nobody reads the output
  const int err = ::open((dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int pid = test::start_tool(
      {"score", "--input", "-", "--as-of", kAsOf, "--threads", "2", "--batch-records", "10"},
      in_pipe[0], out_pipe[1], err);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  // Some input, and the input left open: a run that only stops at the end of
  // its input would wait for more, so exiting proves that it stopped early.
  write_all(in_pipe[1], leads_jsonl(0, 2000));
  const int status = wait_at_most(pid, 60);
  ::close(in_pipe[1]);
  std::signal(SIGPIPE, old);
  ::close(err);
  EXPECT_EQ(status, 4) << read_text(dir / "err");
  EXPECT_NE(read_text(dir / "err").find("writing <stdout> failed (Broken pipe)"), std::string::npos)
      << read_text(dir / "err");

  // A closed standard output (EBADF).
  write_text(dir / "in.jsonl", leads_jsonl(0, 20));
  const std::string exe = cli_path();
  const std::string command = "'" + exe + "' score --input '" + (dir / "in.jsonl").string() +
                              "' --as-of " + kAsOf + " >&- 2>'" + (dir / "err2").string() + "'";
  const int shell = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(shell));
  EXPECT_EQ(WEXITSTATUS(shell), 4) << read_text(dir / "err2");
  EXPECT_NE(read_text(dir / "err2").find("failed (Bad file descriptor)"), std::string::npos)
      << read_text(dir / "err2");
}

// ---------------------------------------------------------------------------
// 11: signals: whole records, and --output replaced only by a finished run
// ---------------------------------------------------------------------------

/// Starts `score` reading from a pipe fed here, writes some input, waits
/// until `ready()` and sends `signal`; returns the exit status.
template <class Ready>
int interrupted_run(const std::vector<std::string>& extra, int out_fd, int signal,
                    const Ready& ready) {
  int in_pipe[2];
  if (::pipe(in_pipe) != 0) return -1;
  std::vector<std::string> args = {"score", "--input",         "-", "--as-of", kAsOf, "--threads",
                                   "2",     "--batch-records", "50"};
  args.insert(args.end(), extra.begin(), extra.end());
  const int pid = test::start_tool(args, in_pipe[0], out_fd, -1);
  ::close(in_pipe[0]);
  std::atomic<bool> stop{false};
  std::thread feeder([&] {
    for (int i = 0; !stop && i < 400; ++i) write_all(in_pipe[1], leads_jsonl(i * 500, 500));
  });
  for (int i = 0; i < 600 && !ready(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, signal);
  const int status = wait_at_most(pid, 60);
  stop = true;
  ::close(in_pipe[1]);  // the feeder's write fails (EPIPE/SIGPIPE ignored below) and it ends
  feeder.join();
  return status;
}

TEST_F(CliIo, SigtermLeavesWholeRecordsOnStdoutAndNoOutputFile) {
  TempDir dir;
  const auto old = std::signal(SIGPIPE, SIG_IGN);
  const fs::path stdout_path = dir / "stdout.jsonl";
  for (int round = 0; round < 3; ++round) {
    const int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int status = interrupted_run({}, out, SIGTERM, [&] {
      std::error_code ec;
      return fs::file_size(stdout_path, ec) > 100000u * static_cast<unsigned>(round + 1);
    });
    ::close(out);
    EXPECT_EQ(status, 128 + SIGTERM);
    expect_whole_records(read_text(stdout_path));
  }
  // --output FILE: the old file stays as it was, and no temporary file is left.
  write_text(dir / "out.jsonl", "old\n");
  // The temporary file beside out.jsonl has grown past `bytes`.
  const auto temp_grown = [&](std::uintmax_t bytes) {
    return [&dir, bytes] {
      for (const auto& e : fs::directory_iterator(dir.path())) {
        std::error_code ec;
        if (e.path().filename().string().find(".leadscore-") != std::string::npos &&
            fs::file_size(e.path(), ec) > bytes && !ec) {
          return true;
        }
      }
      return false;
    };
  };
  const int status =
      interrupted_run({"--output", (dir / "out.jsonl").string()}, -1, SIGTERM, temp_grown(100000));
  EXPECT_EQ(status, 128 + SIGTERM);
  EXPECT_EQ(read_text(dir / "out.jsonl"), "old\n");
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".leadscore-"), std::string::npos) << e.path();
  }
  // kill -9: the old file is still as it was (a temporary file may be left).
  const int killed =
      interrupted_run({"--output", (dir / "out.jsonl").string()}, -1, SIGKILL, temp_grown(100000));
  EXPECT_EQ(killed, 128 + SIGKILL);
  EXPECT_EQ(read_text(dir / "out.jsonl"), "old\n");
  std::signal(SIGPIPE, old);
}

TEST_F(CliIo, AFinishedRunReplacesTheOutputFileKeepingItsMode) {
  TempDir dir;
  write_text(dir / "in.jsonl", leads_jsonl(0, 30));
  write_text(dir / "out.jsonl", "old\n");
  fs::permissions(dir / "out.jsonl",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const ToolRun r = run_tool({"score", "--input", (dir / "in.jsonl").string(), "--as-of", kAsOf,
                              "--output", (dir / "out.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_EQ(lines_of(read_text(dir / "out.jsonl")).size(), 30u);
  EXPECT_EQ(fs::status(dir / "out.jsonl").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 2u) << "no temporary file left";
}

}  // namespace
}  // namespace leadscore
