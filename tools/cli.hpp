// Shared pieces of the `leadscore` command-line tool: argument parsing,
// input and output files, the configuration and mapping loaders, and the
// command entry points. See docs/cli.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/csv.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/text.hpp"
#include "leadscore/time.hpp"

namespace leadscore::cli {

/// Exit statuses (docs/cli.md#exit-status).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRecordErrors = 1;  ///< some records failed; the others were written
inline constexpr int kExitUsage = 2;         ///< usage or configuration error: nothing scored

/// A usage or configuration problem: printed as "leadscore <cmd>: <message>",
/// exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

struct OptionSpec {
  std::string_view name;        ///< "--threads"
  std::string_view value_name;  ///< "N"; empty for a flag without a value
  std::string_view help;
};

/// Parsed options of one command. Accepts "--name value" and "--name=value";
/// a lone "-" is a value. Throws UsageError on unknown options (with a
/// suggestion), missing values, repeated options and stray arguments.
class Args {
 public:
  Args(std::string_view command, std::span<const std::string_view> argv,
       std::span<const OptionSpec> specs);

  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  /// The value, or throws UsageError "<name> is required (<form>)".
  [[nodiscard]] std::string require(std::string_view name, std::string_view form) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// "Usage: ...\n\nOptions:\n  --name VALUE  help\n".
std::string format_help(std::string_view usage, std::string_view description,
                        std::span<const OptionSpec> specs);

unsigned parse_threads(std::string_view text);         ///< --threads
Instant parse_as_of(std::optional<std::string> text);  ///< --as-of, default now
std::size_t parse_size(std::string_view flag, std::string_view text);

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// Reads a whole file ("-" = standard input). Throws UsageError naming the
/// flag when it cannot be read.
std::string read_file(const std::string& path, std::string_view flag);

/// An input stream: a file or standard input ("-"), with its size when known.
struct Input {
  std::istream* stream = nullptr;
  std::unique_ptr<std::istream> owned;
  std::optional<std::uint64_t> size;
  std::string name;
};
Input open_input(const std::string& path, std::string_view flag);

/// A buffered output file or standard output ("-").
class Output {
 public:
  Output(const std::string& path, std::string_view flag);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void write(std::string_view bytes);
  /// Flushes; throws UsageError when anything failed to be written.
  void close();

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool failed_ = false;
  std::string name_;
};

// ---------------------------------------------------------------------------
// Configuration and mapping
// ---------------------------------------------------------------------------

/// Prints diagnostics compiler-style: "FILE:LINE:COL: error[code] at /ptr: message".
std::string format_diagnostic(const Diagnostic& d, std::string_view file);

/// --config FILE or the built-in default. Errors are printed on stderr and
/// thrown as UsageError.
Qualifier load_qualifier(const std::optional<std::string>& path, std::string_view command);

/// --map FILE. Errors printed, thrown as UsageError. `text` receives the
/// file's text (to locate the diagnostics of binding it to a header).
Mapping load_mapping(const std::string& path, std::string& text);

/// The input format: "--format" if given, else inferred from the extension.
enum class Format { jsonl, csv };
Format input_format(const std::optional<std::string>& flag, const std::string& path);

// ---------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------

// Numbers and suggestions are the library's (leadscore/text.hpp:
// format_number, suggest), JSON text too (leadscore/io.hpp:
// append_json_string, append_json_number).

/// Appends a CSV field, quoted when needed (RFC 4180).
void append_csv_field(std::string& out, std::string_view s);
/// "0.40 s" below a minute, else "m:ss" or "h:mm:ss".
std::string format_duration(double seconds);

bool stderr_is_terminal();

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

int run_score(std::string_view command, std::span<const std::string_view> argv);
int run_check(std::string_view command, std::span<const std::string_view> argv);
int run_explain(std::string_view command, std::span<const std::string_view> argv);
int run_report(std::string_view command, std::span<const std::string_view> argv);
int run_calibrate(std::string_view command,
                  std::span<const std::string_view> argv);                       // calibrate.cpp
int run_diff(std::string_view command, std::span<const std::string_view> argv);  // diff.cpp

}  // namespace leadscore::cli
