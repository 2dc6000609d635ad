// Files for the tests: the source tree, reading and writing whole files, and
// scratch directories removed at the end of a test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace leadscore::test {

/// The source tree: $LEADSCORE_SOURCE_DIR when set, else the
/// LEADSCORE_SOURCE_DIR the tests were compiled with.
std::filesystem::path source_dir();

/// The whole file as bytes; "" when it cannot be read.
std::string read_text(const std::filesystem::path& path);

/// Writes `text` to `path` as bytes, replacing the file.
void write_text(const std::filesystem::path& path, std::string_view text);

/// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text);

/// A fresh directory <temp>/<prefix>-<pid>-<n>, removed with everything in it
/// when the object goes.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "leadscore-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace leadscore::test
