// Argument parsing, files, loaders and text helpers of the leadscore tool.
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "leadscore/io.hpp"

#include "cli.hpp"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace leadscore::cli {

namespace {

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------

Args::Args(std::string_view command, std::span<const std::string_view> argv,
           std::span<const OptionSpec> specs) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      throw UsageError("unexpected argument " + quote(arg) + " (see 'leadscore " +
                       std::string(command) + " --help')");
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      std::string message =
          "unknown option " + quote(name) + " for 'leadscore " + std::string(command) + "'";
      std::vector<std::string_view> names;
      for (const OptionSpec& s : specs) names.push_back(s.name);
      if (const std::string best = suggest(name, names); !best.empty()) {
        message += " (did you mean " + quote(best) + "?)";
      }
      throw UsageError(message);
    }
    if (has(name)) throw UsageError(quote(name) + " is given twice");
    std::string value;
    if (spec->value_name.empty()) {
      if (inline_value) throw UsageError(quote(name) + " takes no value");
    } else if (inline_value) {
      value = std::string(*inline_value);
    } else {
      if (i + 1 >= argv.size() || (argv[i + 1].size() > 2 && argv[i + 1].substr(0, 2) == "--")) {
        throw UsageError(std::string(name) + " expects a value (" + std::string(name) + " " +
                         std::string(spec->value_name) + ")");
      }
      value = std::string(argv[++i]);
    }
    values_.emplace_back(std::string(name), std::move(value));
  }
}

bool Args::has(std::string_view name) const {
  return std::any_of(values_.begin(), values_.end(),
                     [&](const auto& v) { return v.first == name; });
}

std::optional<std::string> Args::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string Args::require(std::string_view name, std::string_view form) const {
  if (auto v = get(name)) return *v;
  throw UsageError(std::string(name) + " is required (" + std::string(form) + ")");
}

std::string format_help(const CommandHelp& help) {
  const std::span<const OptionSpec> specs = help.options;
  std::string out = "Usage: " + std::string(help.usage) + "\n\n" + std::string(help.description) +
                    "\n\nOptions:\n";
  std::size_t width = 0;
  for (const OptionSpec& s : specs) {
    width = std::max(width, s.name.size() + (s.value_name.empty() ? 0 : s.value_name.size() + 1));
  }
  for (const OptionSpec& s : specs) {
    std::string head = std::string(s.name);
    if (!s.value_name.empty()) {
      head += ' ';
      head += s.value_name;
    }
    out += "  " + head + std::string(width - head.size() + 2, ' ') + std::string(s.help) + "\n";
  }
  return out;
}

int run_command(const Command& command, std::span<const std::string_view> argv) {
  const auto help = [&] {
    std::fputs(format_help(command.help).c_str(), stdout);
    return kExitOk;
  };
  // -h is --help, for every command.
  std::vector<std::string_view> words(argv.begin(), argv.end());
  std::replace(words.begin(), words.end(), std::string_view("-h"), std::string_view("--help"));
  if (command.help_before_options &&
      std::find(words.begin(), words.end(), "--help") != words.end()) {
    return help();
  }
  const Args args(command.name, words, command.help.options);
  if (args.has("--help")) return help();
  return command.run(args);
}

unsigned parse_threads(std::string_view text) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value == 0 || value > 1024) {
    throw UsageError("--threads expects a positive integer (1..1024), got " + quote(text));
  }
  return value;
}

std::size_t parse_size(std::string_view flag, std::string_view text) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value == 0) {
    throw UsageError(std::string(flag) + " expects a positive integer, got " + quote(text));
  }
  return value;
}

Instant parse_as_of(std::optional<std::string> text) {
  if (!text) {
    // The one place that reads the clock: the tool's default as-of.
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  }
  if (const auto t = parse_instant(*text)) return *t;
  throw UsageError(
      "--as-of expects an ISO-8601 instant such as 2026-11-20T10:00:00Z or "
      "2026-11-20, got " +
      quote(*text));
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

namespace {

std::string errno_text(int error) { return std::strerror(error); }

/// The files opened by open_input (device, inode), for Output to refuse.
std::vector<std::pair<dev_t, ino_t>>& opened_inputs() {
  static std::vector<std::pair<dev_t, ino_t>> files;
  return files;
}

/// An istream buffer over a file descriptor whose read errors throw IoError
/// (std::filebuf reports them as "basic_filebuf::xsgetn error", without the
/// file or the errno).
class FdBuffer final : public std::streambuf {
 public:
  FdBuffer(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)), buf_(1u << 16) {}
  ~FdBuffer() override {
    if (owned_) ::close(fd_);
  }
  FdBuffer(const FdBuffer&) = delete;
  FdBuffer& operator=(const FdBuffer&) = delete;

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::size_t n = read_some(buf_.data(), buf_.size());
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
  }
  std::streamsize xsgetn(char* out, std::streamsize count) override {
    std::streamsize done = 0;
    const std::streamsize buffered = std::min<std::streamsize>(count, egptr() - gptr());
    if (buffered > 0) {
      std::memcpy(out, gptr(), static_cast<std::size_t>(buffered));
      gbump(static_cast<int>(buffered));
      done = buffered;
    }
    if (done < count) {
      done += static_cast<std::streamsize>(
          read_some(out + done, static_cast<std::size_t>(count - done)));
    }
    return done;
  }

 private:
  std::size_t read_some(char* out, std::size_t count) {
    for (;;) {
      const ssize_t n = ::read(fd_, out, count);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      throw ReadError("reading " + name_ + " failed (" + errno_text(errno) + ")");
    }
  }
  int fd_;
  bool owned_;
  std::string name_;
  std::vector<char> buf_;
};

/// Opens `path` for reading ("-": standard input, not owned).
int open_for_reading(const std::string& path, std::string_view flag) {
  if (path == "-") return STDIN_FILENO;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": is a directory, expected a file");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": cannot open (" + errno_text(errno) +
                     ")");
  }
  return fd;
}

// Signal handling: the temporary files to remove, and whether a write is in
// progress (then the handler only records the signal).
constexpr std::size_t kMaxTempFiles = 8;
constexpr std::size_t kMaxTempPath = 4096;
char g_temp_files[kMaxTempFiles][kMaxTempPath];
std::atomic<bool> g_temp_used[kMaxTempFiles];
std::atomic<int> g_writing{0};
std::atomic<int> g_pending_signal{0};

void remove_temp_files() {
  for (std::size_t i = 0; i < kMaxTempFiles; ++i) {
    if (g_temp_used[i].load()) ::unlink(g_temp_files[i]);
  }
}

void remove_temp_files_and_exit(int signal) {
  remove_temp_files();
  ::_exit(128 + signal);
}

std::string& command_name() {
  static std::string name = "leadscore";
  return name;
}

/// A failed write ends the run at once, from whichever thread wrote: the
/// other threads may be blocked reading an input that never ends (a pipe),
/// so unwinding them is not an option. Prints the message, removes the
/// temporary files and exits with status 4.
[[noreturn]] void fail_write(const std::string& what, int error) {
  const std::string line =
      command_name() + ": writing " + what + " failed (" + errno_text(error) + ")\n";
  std::fflush(stderr);
  const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  static_cast<void>(written);
  remove_temp_files();
  ::_exit(kExitIo);
}

void on_termination_signal(int signal) {
  if (g_writing.load() > 0) {
    g_pending_signal.store(signal);
    return;
  }
  remove_temp_files_and_exit(signal);
}

void register_temp(const std::string& path, bool add) {
  for (std::size_t i = 0; i < kMaxTempFiles; ++i) {
    if (add && !g_temp_used[i].load() && path.size() < kMaxTempPath) {
      std::memcpy(g_temp_files[i], path.c_str(), path.size() + 1);
      g_temp_used[i].store(true);
      return;
    }
    if (!add && g_temp_used[i].load() && path == g_temp_files[i]) {
      g_temp_used[i].store(false);
      return;
    }
  }
}

/// Writes all of `bytes` to `fd`; false with errno set when a write fails.
bool write_all(int fd, std::string_view bytes) {
  ++g_writing;
  bool ok = true;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      ok = false;
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  const int saved = errno;
  if (--g_writing == 0 && g_pending_signal.load() != 0) {
    remove_temp_files_and_exit(g_pending_signal.load());
  }
  errno = saved;
  return ok;
}

}  // namespace

std::string read_file(const std::string& path, std::string_view flag, std::size_t max_bytes) {
  const int fd = open_for_reading(path, flag);
  const std::string name = path == "-" ? std::string("<stdin>") : path;
  FdBuffer buffer(fd, path != "-", name);
  std::string text;
  constexpr std::size_t kChunk = 1u << 16;
  for (;;) {
    const std::size_t old = text.size();
    text.resize(old + kChunk);
    const auto n = static_cast<std::size_t>(
        buffer.sgetn(text.data() + old, static_cast<std::streamsize>(kChunk)));
    text.resize(old + n);
    if (text.size() > max_bytes) {
      throw UsageError(std::string(flag) + " " + quote(name) +
                       ": error[limit_exceeded]: larger than the limit of " +
                       std::to_string(max_bytes) + " bytes");
    }
    if (n == 0) return text;
  }
}

Input open_input(const std::string& path, std::string_view flag) {
  Input input;
  input.name = path == "-" ? "<stdin>" : path;
  const int fd = open_for_reading(path, flag);
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISREG(st.st_mode)) {
      input.size = static_cast<std::uint64_t>(st.st_size);
      opened_inputs().emplace_back(st.st_dev, st.st_ino);
    }
  }
  input.buffer = std::make_unique<FdBuffer>(fd, path != "-", input.name);
  input.owned = std::make_unique<std::istream>(input.buffer.get());
  input.stream = input.owned.get();
  return input;
}

Output::Output(const std::string& path, std::string_view flag) : name_(path), path_(path) {
  struct stat target {};
  const bool exists = path != "-" && ::stat(path.c_str(), &target) == 0;
  if (path == "-" && ::fstat(STDOUT_FILENO, &target) != 0) target = {};
  for (const auto& [dev, ino] : opened_inputs()) {
    if ((exists || path == "-") && S_ISREG(target.st_mode) && target.st_dev == dev &&
        target.st_ino == ino) {
      throw UsageError(std::string(flag) + " " + quote(path == "-" ? "<stdout>" : path) +
                       " is the same file as --input: refused, it would be overwritten "
                       "while it is read");
    }
  }
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    name_ = "<stdout>";
    return;
  }
  struct stat link {};
  const bool in_place = ::lstat(path.c_str(), &link) == 0 && !S_ISREG(link.st_mode);
  if (in_place) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  } else {
    const std::filesystem::path p(path);
    temp_ = (p.parent_path() / ("." + p.filename().string() + ".leadscore-XXXXXX")).string();
    fd_ = ::mkstemp(temp_.data());
    if (fd_ >= 0) {
      register_temp(temp_, true);
      const mode_t mask = ::umask(0);
      ::umask(mask);
      // The mode of the file it replaces, else what creating it would give
      // (best effort: a failure leaves the temporary file's 0600).
      const int chmod_status = ::fchmod(fd_, exists ? (target.st_mode & 07777) : (0666 & ~mask));
      static_cast<void>(chmod_status);
    }
  }
  if (fd_ < 0) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": cannot create (" +
                     errno_text(errno) + ")");
  }
  owned_ = true;
}

Output::~Output() {
  if (owned_) ::close(fd_);
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    register_temp(temp_, false);
  }
}

void Output::flush() {
  if (buffer_.empty()) return;
  if (fd_ == STDOUT_FILENO) std::fflush(stdout);  // what stdio holds goes first
  if (!write_all(fd_, buffer_)) fail_write(name_, errno);
  buffer_.clear();
}

void Output::write(std::string_view bytes) {
  buffer_ += bytes;
  if (buffer_.size() >= (1u << 16)) flush();
}

void Output::close() {
  flush();
  if (!owned_) return;
  if (!temp_.empty() && ::fsync(fd_) != 0) fail_write(name_, errno);
  const int status = ::close(fd_);
  owned_ = false;
  if (status != 0) fail_write(name_, errno);
  if (temp_.empty()) return;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    throw IoError("writing " + name_ + " failed: cannot rename " + quote(temp_) + " to it (" +
                  errno_text(errno) + ")");
  }
  register_temp(temp_, false);
  temp_.clear();
}

void install_signal_handlers(std::string_view command) {
  command_name() = "leadscore " + std::string(command);
  struct sigaction action {};
  action.sa_handler = on_termination_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
}

void hold_closed_standard_descriptors() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int held = ::open("/dev/null", (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY));
    if (held >= 0 && held != fd) {
      ::dup2(held, fd);
      ::close(held);
    }
  }
  // What stdio writes (check, explain, help) then goes out at finish_stdout(),
  // whose errno is the real one, unless it is over 1 MiB.
  if (::isatty(STDOUT_FILENO) == 0) {
    // (glibc ignores the size without a buffer: give it one.)
    // A static array: it must outlive the flush at exit.
    static char buffer[1u << 20];
    static_cast<void>(std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer));
  }
}

void finish_stdout() {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && std::ferror(stdout) == 0) return;
  throw IoError(
      "writing <stdout> failed (" +
      (flushed || error == 0 ? std::string("an earlier write failed") : errno_text(error)) + ")");
}

// ---------------------------------------------------------------------------
// Configuration and mapping
// ---------------------------------------------------------------------------

std::string format_diagnostic(const Diagnostic& d, std::string_view file) {
  // Diagnostic::to_string() starts with "LINE:COL: " when the line is known.
  std::string out(file);
  out += d.line > 0 ? ":" : ": ";
  out += d.to_string();
  return out;
}

Qualifier load_qualifier(const std::optional<std::string>& path) {
  if (!path) return Qualifier::with_default_config();
  const std::string text = read_file(*path, "--config", Limits{}.max_config_bytes);
  Result<Qualifier> q = Qualifier::from_json_text(text);
  if (!q) {
    for (const Diagnostic& d : q.diagnostics()) {
      std::fprintf(stderr, "%s\n", format_diagnostic(d, *path).c_str());
    }
    const auto errors = std::count_if(q.diagnostics().begin(), q.diagnostics().end(),
                                      [](const Diagnostic& d) { return d.is_error(); });
    throw UsageError("--config " + quote(*path) + ": " + std::to_string(errors) + " error" +
                     (errors == 1 ? "" : "s") + " (run 'leadscore check --config " + *path +
                     "' for details)");
  }
  return std::move(q).value();
}

Mapping load_mapping(const std::string& path, std::string& text) {
  text = read_file(path, "--map", Limits{}.max_config_bytes);
  Result<Mapping> m = parse_mapping(text);
  if (!m) {
    for (const Diagnostic& d : m.diagnostics()) {
      std::fprintf(stderr, "%s\n", format_diagnostic(d, path).c_str());
    }
    throw UsageError("--map " + quote(path) + ": invalid mapping");
  }
  return std::move(m).value();
}

Format input_format(const std::optional<std::string>& flag, const std::string& path) {
  if (flag) {
    if (*flag == "jsonl") return Format::jsonl;
    if (*flag == "csv") return Format::csv;
    throw UsageError("--format expects jsonl or csv, got " + quote(*flag));
  }
  const std::string ext = std::filesystem::path(path).extension().string();
  std::string lower;
  for (char c : ext) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == ".csv" ? Format::csv : Format::jsonl;
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

void append_csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string signed_points(double points) {
  return std::string(points > 0 ? "+" : "") + format_number(points);
}

std::string format_duration(double seconds) {
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  } else {
    const auto total = static_cast<long long>(seconds + 0.5);
    if (total >= 3600) {
      std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                    total % 60);
    } else {
      std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
    }
  }
  return buf;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }
bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace leadscore::cli
