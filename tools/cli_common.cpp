// Argument parsing, files, loaders and text helpers of the leadscore tool.
#include <algorithm>
#include <array>
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

#include "leadscore/io.hpp"

#include "cli.hpp"
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

std::string read_file(const std::string& path, std::string_view flag) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": cannot open (" +
                     std::strerror(errno) + ")");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

Input open_input(const std::string& path, std::string_view flag) {
  Input input;
  input.name = path;
  if (path == "-") {
    input.stream = &std::cin;
    input.name = "<stdin>";
    return input;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": is a directory, expected a file");
  }
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": cannot open (" +
                     std::strerror(errno) + ")");
  }
  if (std::filesystem::is_regular_file(path, ec)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) input.size = size;
  }
  input.stream = file.get();
  input.owned = std::move(file);
  return input;
}

Output::Output(const std::string& path, std::string_view flag) : name_(path) {
  if (path == "-") {
    file_ = stdout;
    name_ = "<stdout>";
    return;
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    throw UsageError(std::string(flag) + " " + quote(path) + ": cannot create (" +
                     std::strerror(errno) + ")");
  }
  owned_ = true;
  static_cast<void>(std::setvbuf(file_, nullptr, _IOFBF, 1u << 16));
}

Output::~Output() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

void Output::write(std::string_view bytes) {
  if (bytes.empty() || failed_) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) failed_ = true;
}

void Output::close() {
  bool ok = !failed_ && std::fflush(file_) == 0 && std::ferror(file_) == 0;
  if (owned_) {
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    owned_ = false;
  }
  if (!ok) throw UsageError("writing " + name_ + " failed (" + std::strerror(errno) + ")");
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
  const std::string text = read_file(*path, "--config");
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
  text = read_file(path, "--map");
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

std::string signed_points(double points) { return (points > 0 ? "+" : "") + format_number(points); }

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
