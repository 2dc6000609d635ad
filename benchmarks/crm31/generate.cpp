// crm31_generate: writes the crm31 workload (workload.hpp) as files for the
// end-to-end comparison with DuckDB (scripts/bench-duckdb):
//
//   crm31_generate --rows 1000000 --out DIR [--seed N]
//
//   DIR/crm31.csv           the CRM export: a header row and one record per lead
//   DIR/crm31.jsonl         the same leads in the lead format (docs/lead-format.md)
//   DIR/crm31.expected.csv  id,total,stage of each lead, computed by
//                           crm31::hand_written() (the reference the outputs
//                           of leadscore and DuckDB are checked against)
//
// The same --rows and --seed give the same bytes on every run and machine.
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "workload.hpp"

namespace {

/// A file written through a large buffer.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
    if (!file_)
      std::fprintf(stderr, "crm31_generate: cannot write %s: %s\n", path.c_str(),
                   std::strerror(errno));
  }
  ~Output() {
    if (file_) std::fclose(file_);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr && !failed_; }
  std::string& buffer() noexcept { return buffer_; }
  /// Writes the buffer out when it is large (or always with `force`).
  void flush(bool force = false) {
    if (!file_ || (!force && buffer_.size() < (1u << 20))) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
    buffer_.clear();
  }
  bool close() {
    flush(true);
    if (file_ && std::fclose(file_) != 0) failed_ = true;
    file_ = nullptr;
    if (failed_) std::fprintf(stderr, "crm31_generate: error writing %s\n", path_.c_str());
    return !failed_;
  }

 private:
  std::string path_;
  std::FILE* file_;
  bool failed_ = false;
  std::string buffer_;
};

bool parse_count(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int usage() {
  std::fprintf(stderr, "usage: crm31_generate --rows N --out DIR [--seed N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t rows = 1'000'000;
  std::uint64_t seed = 0;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string_view value = argv[++i];
    if (arg == "--rows") {
      if (!parse_count(value, rows)) return usage();
    } else if (arg == "--seed") {
      if (!parse_count(value, seed) || seed > UINT32_MAX) return usage();
    } else if (arg == "--out") {
      dir = value;
    } else {
      return usage();
    }
  }
  if (dir.empty()) return usage();

  Output csv(dir + "/crm31.csv");
  Output jsonl(dir + "/crm31.jsonl");
  Output expected(dir + "/crm31.expected.csv");
  if (!csv.ok() || !jsonl.ok() || !expected.ok()) return 1;
  crm31::append_csv(crm31::kHeader, csv.buffer());
  expected.buffer() += "id,total,stage\n";
  bool loaded = true;
  crm31::generate(static_cast<std::size_t>(rows), static_cast<std::uint32_t>(seed),
                  [&](const crm31::Row& row) {
                    crm31::append_csv(row, csv.buffer());
                    crm31::append_jsonl(row, jsonl.buffer());
                    const auto plain = crm31::load(row);
                    if (!plain) {
                      loaded = false;
                      return;
                    }
                    const crm31::Score s = crm31::hand_written(*plain);
                    std::string& e = expected.buffer();
                    e += plain->id;
                    e += ',';
                    e += std::to_string(s.fit);
                    e += ',';
                    e += s.stage;
                    e += '\n';
                    csv.flush();
                    jsonl.flush();
                    expected.flush();
                  });
  if (!loaded) {
    std::fprintf(stderr, "crm31_generate: a generated row does not load (a bug)\n");
    return 1;
  }
  const bool csv_ok = csv.close();
  const bool jsonl_ok = jsonl.close();
  const bool expected_ok = expected.close();
  return csv_ok && jsonl_ok && expected_ok ? 0 : 1;
}
