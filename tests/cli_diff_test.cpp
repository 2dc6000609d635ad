// `leadscore diff`: a configuration change reviewed on a file of leads.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "leadscore/config.hpp"
#include "leadscore/io.hpp"

#include "support/files.hpp"
#include "support/tool_run.hpp"
#include "support/tool_test.hpp"

namespace fs = std::filesystem;

namespace leadscore {
namespace {

using test::run_tool;
using test::ToolRun;

using CliDiff = test::ToolTest;

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
  const ToolRun r =
      run_tool({"diff", "--new-config", cfg.string(), "--input", leads.string(), "--as-of",
                "2026-11-20T12:00:00Z", "--json", (dir_ / "diff.json").string()});
  EXPECT_EQ(r.status, 1) << r.err;  // one record could not be read
  EXPECT_NE(r.err.find("record 3"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 leads: 1 change stage, 1 change score"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lead -> MQL: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fan: lead -> MQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("webinars: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stage MQL: score.engagement >= 20"), std::string::npos) << r.out;
  const std::string json = test::read_text(dir_ / "diff.json");
  EXPECT_NE(json.find("\"stage_changes\":1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"record\":1"), std::string::npos) << json;
}

TEST_F(CliDiff, UsageErrors) {
  const fs::path leads = write("leads.jsonl", kLeads);
  const ToolRun missing = run_tool({"diff", "--input", leads.string()});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--new-config"), std::string::npos) << missing.err;
  const fs::path bad = write("bad.json", R"({"rules": [{"id": "x", "kind": "fitt"}]})");
  const ToolRun invalid =
      run_tool({"diff", "--new-config", bad.string(), "--input", leads.string()});
  EXPECT_EQ(invalid.status, 2);
  EXPECT_NE(invalid.err.find("bad.json"), std::string::npos) << invalid.err;
}

}  // namespace
}  // namespace leadscore
