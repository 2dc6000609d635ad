// The command-line tool as a new user meets it (issue 13): silent traps,
// messages, the terminal, help. Each test names the item it covers.
#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"

#include "support/files.hpp"
#include "support/random_leads.hpp"
#include "support/tool_run.hpp"
#include "support/tool_test.hpp"
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace leadscore {
namespace {

using nlohmann::json;
using test::lines_of;
using test::read_text;
using test::run_tool;
using test::ToolRun;

constexpr const char* kAsOf = "2026-11-20T12:00:00Z";

using CliUser = test::ToolTest;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- item 2: numbers compared with text columns ------------------------------

constexpr const char* kSeatsConfig = R"({"rules": [{"id": "big_team", "kind": "fit", "points": 10,
    "when": {"field": "attributes.seats", "op": "gte", "value": 10}},
   {"id": "pro", "kind": "fit", "points": 5,
    "when": {"field": "attributes.plan", "op": "eq", "value": "pro"}}]})";

TEST_F(CliUser, CheckWarnsWhenARuleComparesAMappedTextColumnWithANumber) {
  const fs::path config = write("c.json", kSeatsConfig);
  const fs::path map = write("m.json", R"({"fields": {"attributes.seats": "Seats",
      "attributes.plan": {"column": "Plan", "type": "number"}}})");
  const fs::path csv = write("in.csv", "Seats,Plan\n12,3\n");
  const ToolRun r = run_tool(
      {"check", "--config", config.string(), "--map", map.string(), "--input", csv.string()});
  EXPECT_EQ(r.status, 0) << r;
  EXPECT_TRUE(contains(r.out,
                       "warning[mapping_type_mismatch] at /rules/0/when: rule 'big_team' "
                       "compares attributes.seats with a number, but the mapping reads "
                       "column \"Seats\" as text"))
      << r;
  EXPECT_TRUE(contains(r.out,
                       "warning[mapping_type_mismatch] at /rules/1/when: rule 'pro' "
                       "compares attributes.plan with text, but the mapping reads column "
                       "\"Plan\" as a number"))
      << r;
  const ToolRun strict = run_tool({"check", "--config", config.string(), "--map", map.string(),
                                   "--input", csv.string(), "--strict"});
  EXPECT_EQ(strict.status, 2) << strict;
}

TEST_F(CliUser, ExplainSaysWhyANumericRuleDoesNotMatchText) {
  const fs::path config = write("c.json", kSeatsConfig);
  const fs::path lead = write("l.json", R"({"id": "s", "attributes": {"seats": "12"}})");
  const ToolRun r =
      run_tool({"explain", "--lead", lead.string(), "--config", config.string(), "--as-of", kAsOf});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_TRUE(contains(r.out, "attributes.seats is text \"12\", rule 'big_team' expects a number"))
      << r;
}

// ---- item 3: diff and the lifecycle block ----------------------------------------

TEST_F(CliUser, DiffListsLifecycleChangesAsNotReviewedAndStatesItsAsOf) {
  const fs::path before = write("before.json", R"({"rules": [], "stages": []})");
  const fs::path after = write("after.json", R"({"rules": [], "stages": [],
      "lifecycle": {"regression": "hysteresis", "demote_after_days": 7}})");
  const fs::path leads = write("leads.jsonl", "{\"id\": \"a\"}\n");
  const ToolRun r =
      run_tool({"diff", "--config", before.string(), "--new-config", after.string(), "--input",
                leads.string(), "--as-of", kAsOf, "--json", (dir_ / "d.json").string()});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_TRUE(
      contains(r.out, "1 leads: 0 change stage, 0 change score\nas of 2026-11-20T12:00:00Z\n"))
      << r;
  EXPECT_TRUE(contains(r.out,
                       "Lifecycle settings changed, not reviewed "
                       "(/lifecycle/demote_after_days, /lifecycle/regression)"))
      << r;
  const json j = json::parse(read_text(dir_ / "d.json"));
  ASSERT_TRUE(j.contains("as_of") && j.contains("lifecycle_changes")) << j.dump();
  EXPECT_EQ(j["as_of"], kAsOf);
  EXPECT_EQ(j["lifecycle_changes"].size(), 2U);
  EXPECT_EQ(j["lifecycle_reviewed"], false);
  // Without --as-of the instant used (now) is said.
  const ToolRun now = run_tool({"diff", "--config", before.string(), "--new-config", after.string(),
                                "--input", leads.string()});
  ASSERT_EQ(now.status, 0) << now;
  EXPECT_TRUE(contains(now.err, "(now; pass --as-of")) << now;
}

// ---- item 5: misspelt labels and interaction names ----------------------------------

std::string labelled_jsonl(int n) {
  test::RandomLeads gen(3);
  std::string text;
  for (int i = 0; i < n; ++i) {
    Lead lead = gen.lead(4);
    lead.attributes["converted"] = Value(std::string(i % 3 == 0 ? "yes" : "no"));
    lead.attributes["seats"] = Value(static_cast<double>(i % 40));
    lead.attributes["plan"] = Value(std::string(i % 2 == 0 ? "pro" : "free"));
    text += to_json_text(lead) + "\n";
  }
  return text;
}

TEST_F(CliUser, AMisspeltLabelIsAnErrorWithASuggestion) {
  const fs::path in = write("in.jsonl", labelled_jsonl(60));
  const ToolRun report =
      run_tool({"report", "--input", in.string(), "--as-of", kAsOf, "--label", "convertd"});
  EXPECT_EQ(report.status, 2) << report;
  EXPECT_TRUE(contains(report.err, "--label: no lead of " + in.string() +
                                       " has the attribute 'convertd' (the outcome) (did you "
                                       "mean 'converted'?)"))
      << report;
  const ToolRun calibrate =
      run_tool({"calibrate", "--input", in.string(), "--as-of", kAsOf, "--label", "convertd",
                "--output", (dir_ / "c.json").string()});
  EXPECT_EQ(calibrate.status, 2) << calibrate;
  EXPECT_TRUE(contains(calibrate.err, "(did you mean 'converted'?)")) << calibrate;
  // The right name still works.
  const ToolRun ok =
      run_tool({"report", "--input", in.string(), "--as-of", kAsOf, "--label", "converted"});
  EXPECT_EQ(ok.status, 0) << ok;
  EXPECT_TRUE(contains(ok.out, "60 labelled")) << ok;
}

TEST_F(CliUser, AMisspeltInteractionNameGetsASuggestion) {
  const fs::path in = write("in.jsonl", labelled_jsonl(200));
  const ToolRun r = run_tool({"calibrate", "--input", in.string(), "--as-of", kAsOf, "--label",
                              "converted", "--min-support", "5", "--interact", "plna:seats",
                              "--output", (dir_ / "c.json").string()});
  EXPECT_EQ(r.status, 2) << r;
  EXPECT_TRUE(contains(r.err, "interaction attributes.plna x attributes.seats")) << r;
  EXPECT_TRUE(contains(r.err, "(did you mean 'plan'?)")) << r;
}

// ---- item 6: one output line per input line ------------------------------------------

TEST_F(CliUser, EveryInputLineHasItsOutputLine) {
  const std::string input = "{\"id\":\"a\"}\n\n   \n{\"id\":\"b\", broken\n{\"id\":\"c\"}\n\n";
  const ToolRun r = run_tool({"score", "--input", "-", "--as-of", kAsOf, "--quiet"}, input);
  EXPECT_EQ(r.status, 1) << r;  // the broken line
  const std::vector<std::string> out = lines_of(r.out);
  ASSERT_EQ(out.size(), lines_of(input).size()) << r;
  EXPECT_EQ(out[1], R"({"line":2,"skipped":"blank_line"})");
  EXPECT_EQ(out[2], R"({"line":3,"skipped":"blank_line"})");
  EXPECT_TRUE(contains(out[3], R"("line":4,"id":"b","error")")) << out[3];
  EXPECT_EQ(out[5], R"({"line":6,"skipped":"blank_line"})");
  // Zipped back to the input (the Spark recipe), each result is its lead's.
  EXPECT_TRUE(contains(out[0], R"("id":"a")"));
  EXPECT_TRUE(contains(out[4], R"("id":"c")"));
  // CSV output too.
  const ToolRun csv = run_tool({"score", "--input", "-", "--as-of", kAsOf, "--quiet",
                                "--output-format", "csv", "--no-header"},
                               input);
  EXPECT_EQ(lines_of(csv.out).size(), lines_of(input).size()) << csv;
  EXPECT_EQ(lines_of(csv.out)[1], ",,,,,,,,2,blank_line,,blank line: skipped");
}

TEST_F(CliUser, ALineTooLongStillGivesItsId) {
  const std::string input =
      "{\"id\":\"long-one\",\"job_title\":\"" + std::string(3000, 'x') + "\"}\n{\"id\":\"b\"}\n";
  const ToolRun r = run_tool(
      {"score", "--input", "-", "--as-of", kAsOf, "--quiet", "--max-record-bytes", "1024"}, input);
  EXPECT_EQ(r.status, 1) << r;
  const std::vector<std::string> out = lines_of(r.out);
  ASSERT_EQ(out.size(), 2U) << r;
  EXPECT_TRUE(contains(out[0], R"({"line":1,"id":"long-one","error":{"code":"limit_exceeded")"))
      << out[0];
}

// ---- item 8 and 10: explanation text ------------------------------------------------

TEST_F(CliUser, ExplainLinesReadAsSentences) {
  const fs::path lead = write("l.json", R"({"id": "m", "job_title": "Sales Manager",
      "created_at": "2026-12-20T00:00:00Z"})");
  const ToolRun r = run_tool({"explain", "--lead", lead.string(), "--as-of", kAsOf});
  ASSERT_EQ(r.status, 0) << r;
  for (const std::string& line : lines_of(r.out)) {
    EXPECT_FALSE(line.size() >= 5 && line.substr(line.size() - 5) == "; not") << line;
  }
  EXPECT_TRUE(contains(r.out, "; not job_title contains_any [\"ceo\"")) << r;
  EXPECT_TRUE(contains(r.out, "created       after as_of")) << r;
  EXPECT_FALSE(contains(r.out, "created       -")) << "no negative day count: " << r;
  // No stages: not "Already at the top stage".
  const fs::path none = write("none.json", R"({"rules": [], "stages": []})");
  const ToolRun bare =
      run_tool({"explain", "--lead", lead.string(), "--config", none.string(), "--as-of", kAsOf});
  ASSERT_EQ(bare.status, 0) << bare;
  EXPECT_FALSE(contains(bare.out, "Already at the top stage")) << bare;
  EXPECT_TRUE(contains(bare.out, "No stages are configured: every lead is lead.")) << bare;
}

TEST_F(CliUser, APqlIsNotTheNextStepOfAnSqlLead) {
  const fs::path lead = write("l.json", R"({"id": "s", "job_title": "VP Sales",
      "company": {"name": "Acme", "domain": "acme.io", "employees": 400, "industry": "software"},
      "contact": {"email": "vp@acme.io"},
      "events": [{"type": "demo_request", "at": "2026-11-19T00:00:00Z"}]})");
  const ToolRun r = run_tool({"explain", "--lead", lead.string(), "--as-of", kAsOf});
  ASSERT_EQ(r.status, 0) << r;
  ASSERT_TRUE(contains(r.out, "  stage         SQL")) << r;
  EXPECT_FALSE(contains(r.out, "For PQL, the lead still needs")) << r;
  EXPECT_TRUE(contains(r.out,
                       "The other stage PQL (a parallel path, not the next step up) "
                       "would need:"))
      << r;
}

// ---- item 11: the progress line and records on one terminal ---------------------------

/// Runs the tool with stdout and stderr on one pseudo-terminal: all it wrote.
std::string run_on_terminal(const std::vector<std::string>& args) {
  std::vector<std::string> storage{test::cli_path()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return {};
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO: the child closed the terminal
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

/// Whether a record starts on a terminal line that still shows other text
/// (the progress line): what precedes it on its line, after the last carriage
/// return, must be nothing or an erase-line sequence.
bool record_on_progress_line(const std::string& terminal) {
  for (const std::string& line : lines_of(terminal)) {
    const std::size_t at = line.find("{\"id\"");
    if (at == std::string::npos) continue;
    std::string before = line.substr(0, at);
    const std::size_t cr = before.rfind('\r');
    if (cr != std::string::npos) before = before.substr(cr + 1);
    if (!before.empty() && before != "\033[K") return true;
  }
  return false;
}

TEST_F(CliUser, RecordsNeverLandOnTheProgressLine) {
  std::string leads;
  test::RandomLeads gen(9);
  for (int i = 0; i < 3000; ++i) leads += to_json_text(gen.lead(6)) + "\n";
  const fs::path in = write("in.jsonl", leads);
  // By default, with the records on the same terminal, no progress line at all.
  const std::string plain =
      run_on_terminal({"score", "--input", in.string(), "--as-of", kAsOf, "--batch-records", "50"});
  EXPECT_TRUE(contains(plain, "leadscore score: 3000 records read")) << plain.substr(0, 400);
  EXPECT_FALSE(contains(plain, "\033[K")) << "a progress line was drawn";
  EXPECT_FALSE(record_on_progress_line(plain));
  // Asked for, it is erased before records are written.
  const std::string asked = run_on_terminal(
      {"score", "--input", in.string(), "--as-of", kAsOf, "--batch-records", "50", "--progress"});
  EXPECT_TRUE(contains(asked, "leadscore score: 3000 records read"));
  EXPECT_FALSE(record_on_progress_line(asked));
}

// ---- item 12: help everywhere ------------------------------------------------------------

TEST_F(CliUser, EveryCommandTakesDashH) {
  for (const char* command : {"score", "check", "explain", "report", "calibrate", "diff"}) {
    for (const char* flag : {"-h", "--help"}) {
      const ToolRun r = run_tool({command, flag});
      EXPECT_EQ(r.status, 0) << command << " " << flag << "\n" << r;
      EXPECT_EQ(r.out.rfind("Usage: leadscore " + std::string(command), 0), 0U) << r;
    }
  }
  const ToolRun r = run_tool({"calibrate", "--help"});
  const std::string usage = r.out.substr(0, r.out.find("\n\n"));
  for (const char* option :
       {"--bins", "--min-support", "--interact", "--cv-folds", "--no-candidates", "--no-holdout",
        "--max-fit", "--report ", "--format"}) {
    EXPECT_TRUE(contains(usage, option)) << option << " missing from\n" << usage;
  }
}

// ---- item 13 and 14: messages in records ------------------------------------------------

TEST_F(CliUser, ACsvWithoutFormatCsvIsRecognised) {
  const ToolRun r = run_tool({"score", "--input", "-", "--as-of", kAsOf},
                             "id,contact.email\n1,a@b.io\n2,c@d.io\n");
  EXPECT_EQ(r.status, 1) << r;
  const std::vector<std::string> out = lines_of(r.out);
  ASSERT_EQ(out.size(), 3U) << r;
  EXPECT_TRUE(contains(out[0], "the input looks like CSV: add --format csv")) << out[0];
  EXPECT_TRUE(contains(r.err, "the input looks like CSV: add --format csv")) << r;
}

TEST_F(CliUser, ErrorRecordsCarryTheSuggestion) {
  const ToolRun r = run_tool({"score", "--input", "-", "--as-of", kAsOf, "--quiet"},
                             "{\"id\":\"x\",\"origin\":\"inbund\"}\n");
  EXPECT_EQ(r.status, 1) << r;
  json j = json::parse(lines_of(r.out).at(0));
  EXPECT_EQ(j["error"]["code"], "unknown_origin");
  EXPECT_EQ(j["error"]["suggestion"], "inbound") << r;
}

// ---- item 15: every knockout reason ---------------------------------------------------------

TEST_F(CliUser, EveryKnockoutReasonIsListed) {
  const ToolRun r =
      run_tool({"score", "--input", "-", "--as-of", kAsOf, "--quiet"},
               "{\"id\":\"k\",\"job_title\":\"Student\",\"attributes\":{\"competitor\":true}}\n"
               "{\"id\":\"ok\"}\n");
  ASSERT_EQ(r.status, 0) << r;
  json k = json::parse(lines_of(r.out).at(0));
  EXPECT_EQ(k["reason"], "competitor");
  EXPECT_EQ(k["reasons"], json::array({"competitor", "student"})) << r;
  const json ok = json::parse(lines_of(r.out).at(1));
  EXPECT_FALSE(ok.contains("reasons"));
}

// ---- item 16: what was left out --------------------------------------------------------------

TEST_F(CliUser, ExplainSaysWhichEventsWereLeftOut) {
  const fs::path lead = write("l.json", R"({"id": "e", "events": [
      {"type": "form_submit", "at": "2026-11-18T00:00:00Z", "id": "x"},
      {"type": "form_submit", "at": "2026-11-18T00:00:00Z", "id": "x"},
      {"type": "email_click", "at": "2026-11-18T00:00:00Z", "automated": true},
      {"type": "page_view", "at": "2026-12-18T00:00:00Z"}]})");
  const ToolRun r = run_tool({"explain", "--lead", lead.string(), "--as-of", kAsOf});
  ASSERT_EQ(r.status, 0) << r;
  EXPECT_TRUE(contains(r.out,
                       "1 considered; ignored: 1 after as_of, 1 repeated delivery (same "
                       "id), 1 automated"))
      << r;
  const ToolRun j =
      run_tool({"explain", "--lead", lead.string(), "--as-of", kAsOf, "--format", "json"});
  json facts = json::parse(j.out)["facts"];
  EXPECT_EQ(facts["events_duplicate"], 1);
  EXPECT_EQ(facts["events_automated"], 1);
  EXPECT_EQ(facts["events_after_as_of"], 1);
}

}  // namespace
}  // namespace leadscore
