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
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/text.hpp"
#include "leadscore/time.hpp"

namespace leadscore::cli {

/// Exit statuses (docs/cli.md#exit-status).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRecordErrors = 1;  ///< some records failed; the others were written
inline constexpr int kExitUsage = 2;         ///< usage or configuration error: nothing scored
/// An input could not be read or an output could not be written (the
/// records scored before a read error were written); docs/cli.md#exit-status.
inline constexpr int kExitIo = 4;

/// A usage or configuration problem: printed as "leadscore <cmd>: <message>",
/// exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A read or write failure of an input or output file, with the file's name
/// and the system's reason (strerror of the errno of the failed call):
/// printed as "leadscore <cmd>: <message>", exit status 4.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An IoError reading an input (thrown by the stream of open_input).
class ReadError : public IoError {
 public:
  using IoError::IoError;
};

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

struct OptionSpec {
  std::string_view name;        ///< "--threads"
  std::string_view value_name;  ///< "N"; empty for a flag without a value
  std::string_view help;
};

/// The options that several commands share, each with its value name and its
/// usual help text. A command's table lists them by name (common_option) among
/// its own options, in the order its help shows them, rewording the help where
/// the option means something narrower there.
inline constexpr OptionSpec kCommonOptions[] = {
    {"--input", "FILE", "leads: a JSONL or CSV file, or - for standard input (required)"},
    {"--config", "FILE", "scoring configuration (JSON); default: the built-in B2B configuration"},
    {"--format", "FORMAT", "input format: jsonl or csv (default: csv for *.csv, else jsonl)"},
    {"--map", "FILE", "CSV column mapping (JSON, docs/cli.md#mapping)"},
    {"--label", "NAME",
     "the real outcome: a CSV column, or for JSONL an attribute (yes/true/1 = converted)"},
    {"--as-of", "INSTANT", "evaluation time, ISO-8601 (default: now)"},
    {"--threads", "N",
     "worker threads (default: the number of cores); results do not depend on it"},
    {"--output", "FILE", "where to write the text report (default: - = standard output)"},
    {"--max-record-bytes", "N", "longest record accepted, in bytes (default: 1048576)"},
    {"--batch-records", "N", "records per batch handed to a worker thread (default: 4096)"},
    {"--progress", "", "show progress on stderr even when it is not a terminal"},
    {"--help", "", "show this help (also -h)"},
};

/// The common option `name` (kCommonOptions), with `help` in place of its
/// usual help text when given. In a constexpr table an unknown name does not
/// compile.
constexpr OptionSpec common_option(std::string_view name, std::string_view help = {}) {
  for (const OptionSpec& spec : kCommonOptions) {
    if (spec.name == name) return {spec.name, spec.value_name, help.empty() ? spec.help : help};
  }
  throw std::logic_error("not a common option");
}

/// A command's help page: its usage line(s), what it does (ending with its
/// exit statuses), and its options in the order the page lists them.
struct CommandHelp {
  std::string_view usage;
  std::string_view description;
  std::span<const OptionSpec> options;
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
std::string format_help(const CommandHelp& help);

unsigned parse_threads(std::string_view text);         ///< --threads
Instant parse_as_of(std::optional<std::string> text);  ///< --as-of, default now
std::size_t parse_size(std::string_view flag, std::string_view text);

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// Reads a whole file ("-" = standard input) of at most `max_bytes` bytes.
/// Throws UsageError naming the flag when it cannot be opened or is larger
/// (limit_exceeded, found while reading: a link to /dev/zero fails after
/// `max_bytes` + 1 bytes), IoError when reading fails.
std::string read_file(const std::string& path, std::string_view flag, std::size_t max_bytes);

/// An input stream: a file or standard input ("-"), with its size when known.
/// Read errors throw IoError (naming the file and the errno) from the
/// stream's buffer, through any reader.
struct Input {
  std::istream* stream = nullptr;
  std::unique_ptr<std::streambuf> buffer;
  std::unique_ptr<std::istream> owned;
  std::optional<std::uint64_t> size;
  std::string name;
};
/// Opens an input. Its file is remembered, so that an Output naming the same
/// file (same device and inode) is refused before it truncates it.
Input open_input(const std::string& path, std::string_view flag);

/// An output file or standard output ("-"), written whole records at a time:
/// the caller's write() calls end on record boundaries, and the buffer is
/// only written out at those boundaries with write(2), retried until done.
/// A regular file (or a new one) is written to a temporary file beside it
/// (".NAME.leadscore-XXXXXX") renamed over NAME by close(), so an
/// interrupted run leaves NAME as it was; devices, pipes and symbolic links
/// are written in place. SIGTERM and SIGINT (install_signal_handlers) let a
/// write in progress finish, then remove the temporary files and exit.
/// A failed write ends the process at once (from any thread): it prints
/// "leadscore <cmd>: writing NAME failed (<strerror>)", removes the
/// temporary files and exits with status 4 (kExitIo).
class Output {
 public:
  Output(const std::string& path, std::string_view flag);
  ~Output();  ///< without close(): removes the temporary file
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void write(std::string_view bytes);
  /// Writes out the buffer and, for a temporary file, syncs it and renames
  /// it over the target.
  void close();

 private:
  void flush();
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  std::string path_;
  std::string temp_;  ///< the temporary file, renamed to path_ by close()
  std::string buffer_;
};

/// SIGTERM, SIGINT and SIGHUP: a write of whole records in progress ends
/// first, temporary output files are removed, and the tool exits with 128 +
/// the signal number. SIGPIPE is left as it is. `command` names the command
/// in the message of a failed write.
void install_signal_handlers(std::string_view command);

/// Standard input, output or error closed when the tool starts: each gets
/// /dev/null opened the wrong way round in its place (output and error for
/// reading, input for writing), so that files the tool opens never take
/// descriptor 0, 1 or 2 and a write to a closed standard output fails with
/// EBADF, as it would have. Also buffers a standard output that is not a
/// terminal in 1 MiB, so that finish_stdout() reports the errno of the write.
void hold_closed_standard_descriptors();

/// Flushes standard output (what check, explain and the help write with
/// stdio); throws IoError naming the errno when it fails.
void finish_stdout();

// ---------------------------------------------------------------------------
// Configuration and mapping
// ---------------------------------------------------------------------------

/// Prints diagnostics compiler-style: "FILE:LINE:COL: error[code] at /ptr: message".
std::string format_diagnostic(const Diagnostic& d, std::string_view file);

/// --config FILE or the built-in default. Errors are printed on stderr and
/// thrown as UsageError.
Qualifier load_qualifier(const std::optional<std::string>& path);

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
/// Rule points with their sign: "+10", "-5", "0".
std::string signed_points(double points);
/// "0.40 s" below a minute, else "m:ss" or "h:mm:ss".
std::string format_duration(double seconds);

bool stderr_is_terminal();
bool stdout_is_terminal();

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// A command of the tool: its name, its help page, and what it does with its
/// options (returning the exit status).
struct Command {
  std::string_view name;
  CommandHelp help;
  int (*run)(const Args& args);
  /// "--help" anywhere among the arguments shows the help page before they
  /// are read; false (diff): the arguments are read first, so a usage error
  /// wins over the help page.
  bool help_before_options = true;
};

/// The help page if asked for, else the command run on its options.
int run_command(const Command& command, std::span<const std::string_view> argv);

extern const Command kScoreCommand;      // score.cpp
extern const Command kCheckCommand;      // check.cpp
extern const Command kExplainCommand;    // explain.cpp
extern const Command kReportCommand;     // report.cpp
extern const Command kCalibrateCommand;  // calibrate.cpp
extern const Command kDiffCommand;       // diff.cpp

}  // namespace leadscore::cli
