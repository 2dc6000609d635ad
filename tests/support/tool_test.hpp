// A GoogleTest fixture for tests that run the `leadscore` tool: skipped when
// the tool is not built, with a scratch directory for its files.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include "support/tool_run.hpp"

namespace leadscore::test {

class ToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (cli_path().empty()) GTEST_SKIP() << "the leadscore tool is not built";
  }
  /// Writes `text` to `name` in the scratch directory; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const std::filesystem::path p = dir_ / name;
    write_text(p, text);
    return p;
  }
  TempDir dir_{"leadscore-tool"};
};

}  // namespace leadscore::test
