// `leadscore diff`: a configuration change reviewed on a file of leads.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/io.hpp"

#include <unistd.h>

namespace fs = std::filesystem;

namespace leadscore {
namespace {

#ifdef LEADSCORE_CLI_PATH
const char* const kCli = LEADSCORE_CLI_PATH;
#else
const char* const kCli = "";
#endif

struct ToolResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliDiff : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kCli)) GTEST_SKIP() << "the leadscore tool is not built";
    dir_ = fs::temp_directory_path() /
           ("leadscore-diff-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  ToolResult run(const std::string& args) {
    const std::string cmd = std::string(kCli) + " " + args + " > " + (dir_ / "out").string() +
                            " 2> " + (dir_ / "err").string();
    const int raw = std::system(cmd.c_str());
    ToolResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    return r;
  }
  fs::path dir_;
};

constexpr const char* kLeads =
    R"({"id": "fan", "origin": "outbound", "contact": {"first_name": "Sam", "email": "sam@corp.example.net"}, "job_title": "Marketing Manager", "company": {"name": "Corp", "employees": 40, "industry": "software"}, "events": [{"type": "webinar_attended", "at": "2026-11-17T12:00:00Z"}]})"
    "\n"
    R"({"id": "quiet", "contact": {"first_name": "Lou"}, "events": [{"type": "page_view", "at": "2026-11-15T12:00:00Z"}]})"
    "\n"
    "{not json}\n";

TEST_F(CliDiff, ListsTheLeadsThatChangeStageAndWhy) {
  Config draft = default_config();
  for (Rule& r : draft.rules) {
    if (r.id == "webinars") {
      r.points = 24;
      r.max_points = 48;
    }
  }
  const fs::path cfg = write("draft.json", to_json_text(draft));
  const fs::path leads = write("leads.jsonl", kLeads);
  const ToolResult r = run("diff --new-config " + cfg.string() + " --input " + leads.string() +
                           " --as-of 2026-11-20T12:00:00Z --json " + (dir_ / "diff.json").string());
  EXPECT_EQ(r.status, 1) << r.err;  // one record could not be read
  EXPECT_NE(r.err.find("record 3"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 leads: 1 change stage, 1 change score"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lead -> MQL: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fan: lead -> MQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("webinars: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stage MQL: score.engagement >= 20"), std::string::npos) << r.out;
  const std::string json = slurp(dir_ / "diff.json");
  EXPECT_NE(json.find("\"stage_changes\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"record\":1"), std::string::npos) << json;
}

TEST_F(CliDiff, UsageErrors) {
  const fs::path leads = write("leads.jsonl", kLeads);
  const ToolResult missing = run("diff --input " + leads.string());
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--new-config"), std::string::npos) << missing.err;
  const fs::path bad = write("bad.json", R"({"rules": [{"id": "x", "kind": "fitt"}]})");
  const ToolResult invalid =
      run("diff --new-config " + bad.string() + " --input " + leads.string());
  EXPECT_EQ(invalid.status, 2);
  EXPECT_NE(invalid.err.find("bad.json"), std::string::npos) << invalid.err;
}

}  // namespace
}  // namespace leadscore
