// Keeps docs/errors.md in sync with the code.
//
//  1. Every diagnostic code the sources can emit is documented: the test
//     scans every file of src/ and tools/ for codes (the snake_case string
//     literals in the first argument of a call to a function whose name
//     contains "error", "warn", "fail" or "diag", and those assigned to or
//     compared with a `code`), and each must appear in docs/errors.md as
//     `code` (in backquotes).
//  2. The runnable examples of docs/errors.md give exactly the documented
//     output. An example is a fenced block whose info string names a runner
//     (```json config, ```json lead, ```json mapping, ```csv csv,
//     ```text csv+mapping, ```text csv+lint, ```json state), followed by a ```text diagnostics
//     block holding Diagnostic::to_string() of every diagnostic, one per line, in order.
//  3. Every code found in the sources has at least one runnable example that
//     produces it, except the few listed in kWithoutRunnableExample.
//
// After a deliberate change of messages, run the test with
// LEADSCORE_UPDATE_ERRORS_DOC=1 to rewrite the diagnostics blocks from the
// actual output (and review the diff of docs/errors.md).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/csv.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/qualifier.hpp"

#include "support/files.hpp"

namespace fs = std::filesystem;

namespace leadscore {
namespace {

/// Codes that no runner of this test can produce (the command-line tool's
/// own, the calibrator's, file I/O), each still documented with an example.
/// Extend it only for codes that cannot be shown with a runner.
const std::set<std::string> kWithoutRunnableExample = {
    "io_error",               // Qualifier::from_json_file on a missing file
    "calibration_error",      // leadscore::calibrate()
    "mapping_type_mismatch",  // leadscore check --config --map (tests/cli_user_test.cpp)
};

using test::lines_of;
using test::read_text;
using test::source_dir;

// ---------------------------------------------------------------------------
// Codes in the sources
// ---------------------------------------------------------------------------

bool is_code(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z' || s.back() == '_') return false;
  bool underscore = false;
  for (char c : s) {
    if (c == '_') {
      underscore = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return underscore && s.find("__") == std::string_view::npos;
}

/// The snake_case string literals in `text`.
std::vector<std::string> literals(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    std::size_t j = i + 1;
    while (j < text.size() && text[j] != '"' && text[j] != '\\' && text[j] != '\n') ++j;
    if (j < text.size() && text[j] == '"' && is_code(text.substr(i + 1, j - i - 1))) {
      out.emplace_back(text.substr(i + 1, j - i - 1));
    }
    i = j;
  }
  return out;
}

/// The first argument of a call whose '(' is just before `at`.
std::string_view first_argument(std::string_view text, std::size_t at) {
  int depth = 0;
  bool in_string = false;
  std::size_t j = at;
  for (; j < text.size() && j < at + 400; ++j) {
    const char c = text[j];
    if (in_string) {
      if (c == '\\') {
        ++j;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0) {
      break;
    }
  }
  return text.substr(at, j - at);
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// Codes in one source file.
std::set<std::string> codes_in(std::string_view text) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') {
      // The identifier before the parenthesis (spaces allowed).
      std::size_t end = i;
      while (end > 0 && text[end - 1] == ' ') --end;
      std::size_t begin = end;
      while (begin > 0 && ident_char(text[begin - 1])) --begin;
      std::string name(text.substr(begin, end - begin));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name.find("error") != std::string::npos || name.find("warn") != std::string::npos ||
          name.find("fail") != std::string::npos || name.find("diag") != std::string::npos) {
        for (auto& code : literals(first_argument(text, i + 1))) out.insert(code);
      }
    }
    // code = "x", code == "x"
    if (text.compare(i, 4, "code") == 0 && (i == 0 || !ident_char(text[i - 1])) &&
        i + 4 < text.size() && !ident_char(text[i + 4])) {
      std::size_t j = i + 4;
      while (j < text.size() && text[j] == ' ') ++j;
      if (j < text.size() && text[j] == '=') {
        ++j;
        if (j < text.size() && text[j] == '=') ++j;
        while (j < text.size() && text[j] == ' ') ++j;
        const std::size_t close = text.find('"', j + 1);
        if (j < text.size() && text[j] == '"' && close != std::string_view::npos &&
            is_code(text.substr(j + 1, close - j - 1))) {
          out.emplace(text.substr(j + 1, close - j - 1));
        }
      }
    }
  }
  return out;
}

/// Every code of src/ and tools/, with the files that emit it.
std::map<std::string, std::set<std::string>> source_codes() {
  std::map<std::string, std::set<std::string>> out;
  for (const char* dir : {"src", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(source_dir() / dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".h")) continue;
      for (const auto& code : codes_in(read_text(entry.path()))) {
        out[code].insert(fs::relative(entry.path(), source_dir()).string());
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Examples in docs/errors.md
// ---------------------------------------------------------------------------

struct Block {
  std::string info;            // the info string after ```
  std::string text;            // the content, each line ending in '\n'
  std::size_t first_line = 0;  // of the content, 0-based, in the document
  std::size_t end_line = 0;    // one past the last content line
};

std::vector<Block> fenced_blocks(const std::vector<std::string>& lines) {
  std::vector<Block> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("```", 0) != 0) continue;
    Block b;
    b.info = lines[i].substr(3);
    b.first_line = i + 1;
    std::size_t j = i + 1;
    for (; j < lines.size() && lines[j].rfind("```", 0) != 0; ++j) b.text += lines[j] + "\n";
    b.end_line = j;
    out.push_back(std::move(b));
    i = j;
  }
  return out;
}

std::string runner_of(const std::string& info) {
  std::istringstream words(info);
  std::string language, runner;
  words >> language >> runner;
  return runner;
}

Instant example_as_of() { return parse_instant("2026-11-22T00:00:00Z").value(); }

void append(std::string& out, const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
}

/// `\xHH` in an example stands for the byte 0xHH (so that the document can
/// show invalid UTF-8 and stay valid UTF-8 itself); JSON has no `\x` escape.
std::string decode_bytes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\\x") == 0 && i + 3 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 3]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// Runs one example; returns the diagnostics as text.
std::string run_example(const std::string& runner, const std::string& raw_input) {
  const std::string input = decode_bytes(raw_input);
  std::string out;
  if (runner == "config") {
    append(out, Qualifier::from_json_text(input).diagnostics());
  } else if (runner == "lead") {
    append(out, parse_lead(input).diagnostics());
  } else if (runner == "mapping") {
    append(out, parse_mapping(input).diagnostics());
  } else if (runner == "state") {
    append(out, LeadState::from_json(Qualifier::with_default_config(), input).diagnostics());
  } else if (runner == "csv" || runner == "csv+mapping" || runner == "csv+lint") {
    std::string csv = input;
    std::optional<Mapping> mapping;
    if (runner != "csv") {
      const std::size_t sep = input.find("\n---\n");
      if (sep == std::string::npos) return "(a csv+mapping example needs a line '---')\n";
      auto parsed = parse_mapping(input.substr(0, sep + 1));
      append(out, parsed.diagnostics());
      if (!parsed.ok()) return out;
      mapping = *parsed;
      csv = input.substr(sep + 5);
    }
    CsvReader reader(csv);
    auto header = reader.read_header();
    append(out, header.diagnostics());
    if (!header.ok()) return out;
    std::optional<CsvLeadMapper> mapper;
    if (mapping) {
      auto created = CsvLeadMapper::create(*mapping, *header);
      append(out, created.diagnostics());
      if (!created.ok()) return out;
      mapper = std::move(created).value();
      if (runner == "csv+lint") {
        append(out, lint_mapping(*mapping, *header, "export.csv"));
        return out;
      }
    }
    CsvRecord record;
    while (reader.next(record)) {
      if (mapper) {
        append(out, mapper->map(record, example_as_of()).diagnostics());
      } else {
        append(out, record.errors);
      }
    }
  } else {
    return "(unknown runner '" + runner + "')\n";
  }
  return out;
}

struct Example {
  std::string runner;
  std::string input;
  std::string expected;
  std::size_t line = 0;            // 1-based line of the input block, for messages
  std::size_t expected_first = 0;  // lines of the expected block's content
  std::size_t expected_end = 0;
};

std::vector<Example> examples(const std::vector<std::string>& lines) {
  const auto blocks = fenced_blocks(lines);
  std::vector<Example> out;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::string runner = runner_of(blocks[i].info);
    if (runner.empty() || runner == "diagnostics") continue;
    Example e;
    e.runner = runner;
    e.input = blocks[i].text;
    e.line = blocks[i].first_line;
    if (i + 1 < blocks.size() && runner_of(blocks[i + 1].info) == "diagnostics") {
      e.expected = blocks[i + 1].text;
      e.expected_first = blocks[i + 1].first_line;
      e.expected_end = blocks[i + 1].end_line;
    }
    out.push_back(std::move(e));
  }
  return out;
}

const fs::path kDoc = fs::path("docs") / "errors.md";

TEST(ErrorsDocTest, TheScannerFindsTheKnownCodes) {
  const auto codes = source_codes();
  for (const char* known :
       {"json_syntax", "duplicate_key", "unknown_key", "limit_exceeded", "unknown_field",
        "rule_never_fires", "csv_unbalanced_quote", "invalid_utf8", "unknown_target",
        "duplicate_column", "unmapped_column"}) {
    EXPECT_TRUE(codes.count(known)) << known << " not found in src/ or tools/";
  }
  // And ignores the snake_case strings that are not codes.
  for (const char* other : {"job_title", "page_view", "half_life_days", "decision_maker"}) {
    EXPECT_FALSE(codes.count(other))
        << other << " taken for a code in " << (codes.count(other) ? *codes.at(other).begin() : "");
  }
}

TEST(ErrorsDocTest, EveryCodeIsDocumented) {
  const std::string doc = read_text(source_dir() / kDoc);
  ASSERT_FALSE(doc.empty());
  for (const auto& [code, files] : source_codes()) {
    std::string where;
    for (const auto& f : files) where += " " + f;
    EXPECT_TRUE(doc.find("`" + code + "`") != std::string::npos)
        << "diagnostic code '" << code << "' (emitted in" << where
        << ") is not documented in docs/errors.md";
  }
}

TEST(ErrorsDocTest, ExamplesGiveTheDocumentedDiagnostics) {
  const fs::path path = source_dir() / kDoc;
  std::vector<std::string> lines = lines_of(read_text(path));
  const auto all = examples(lines);
  ASSERT_GE(all.size(), 30u) << "docs/errors.md has too few runnable examples";
  const char* update = std::getenv("LEADSCORE_UPDATE_ERRORS_DOC");
  const bool rewrite = update != nullptr && *update == '1';

  std::set<std::string> shown;
  // Rewrite from the end, so that earlier line numbers stay valid.
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const Example& e = *it;
    ASSERT_NE(e.expected_end, 0u) << "docs/errors.md:" << e.line
                                  << ": example without a ```text diagnostics block after it";
    const std::string actual = run_example(e.runner, e.input);
    for (const auto& l : lines_of(actual)) {
      const auto open = l.find('[');
      const auto close = l.find(']');
      if (open != std::string::npos && close != std::string::npos && close > open)
        shown.insert(l.substr(open + 1, close - open - 1));
    }
    if (rewrite) {
      std::vector<std::string> replacement = lines_of(actual);
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(e.expected_first),
                  lines.begin() + static_cast<std::ptrdiff_t>(e.expected_end));
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(e.expected_first),
                   replacement.begin(), replacement.end());
    } else {
      EXPECT_EQ(actual, e.expected) << "docs/errors.md:" << e.line << " (" << e.runner
                                    << " example): the documented diagnostics differ "
                                       "(LEADSCORE_UPDATE_ERRORS_DOC=1 rewrites them)";
    }
  }
  if (rewrite) {
    std::ofstream out(path, std::ios::binary);
    for (const auto& l : lines) out << l << "\n";
  }

  for (const auto& [code, files] : source_codes()) {
    if (kWithoutRunnableExample.count(code)) continue;
    EXPECT_TRUE(shown.count(code)) << "no runnable example in docs/errors.md produces '" << code
                                   << "' (emitted in " << *files.begin() << ")";
  }
}

}  // namespace
}  // namespace leadscore
