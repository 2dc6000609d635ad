// Concurrency tests: one Qualifier shared by many threads (qualify, explain
// and derive at once), qualify_all() with several thread counts, Qualifiers
// built and copied concurrently, and the command-line tool's worker pool.
//
// Every test name contains "Concurrency" so that the tsan preset
// (CMakePresets.json: tests matching [Cc]oncurren|[Tt]hread) runs them under
// ThreadSanitizer, where a data race fails the test (the tool, built with
// the same flags, is run as a child process and fails likewise).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "leadscore/io.hpp"
#include "leadscore/qualifier.hpp"

#include "support/files.hpp"
#include "support/qualifier_helpers.hpp"
#include "support/random_config.hpp"
#include "support/random_leads.hpp"
#include "support/tool_run.hpp"

namespace fs = std::filesystem;

namespace leadscore {
namespace {

using test::TempDir;
using test::ToolRun;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 1;  // sanitized builds are 5-20 times slower
#else
constexpr int kScale = 3;
#endif

bool same_facts(const DerivedFacts& a, const DerivedFacts& b) {
  return test::facts_fields(a) == test::facts_fields(b);
}

bool same_explanation(const Explanation& a, const Explanation& b) {
  return test::identical(a.result, b.result) && same_facts(a.facts, b.facts) &&
         a.contributions == b.contributions && a.knockouts == b.knockouts && a.stages == b.stages &&
         a.next == b.next && a.to_text() == b.to_text();
}

TEST(ConcurrencyTest, ManyThreadsShareOneQualifier) {
  const Qualifier q = test::build_ok(test::rich_config());
  test::RandomLeads random(21);
  const std::vector<Lead> leads = random.leads(60 * static_cast<std::size_t>(kScale), 40);
  const Instant as_of = test::as_of();

  std::vector<Qualification> qualified;
  std::vector<Explanation> explained;
  std::vector<DerivedFacts> derived;
  for (const Lead& lead : leads) {
    qualified.push_back(q.qualify(lead, as_of));
    explained.push_back(q.explain(lead, as_of));
    derived.push_back(q.derive(lead, as_of));
  }

  constexpr unsigned kThreads = 8;
  std::atomic<int> mismatches{0};
  std::atomic<int> calls{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      // Some threads use the shared object, others their own copy (the
      // copies share the compiled model).
      const Qualifier copy = q;
      const Qualifier& use = t % 2 == 0 ? q : copy;
      for (std::size_t n = 0; n < leads.size(); ++n) {
        const std::size_t i = (n + t * 7) % leads.size();  // different orders
        switch ((n + t) % 3) {
          case 0:
            if (!test::identical(use.qualify(leads[i], as_of), qualified[i])) ++mismatches;
            break;
          case 1:
            if (!same_explanation(use.explain(leads[i], as_of), explained[i])) ++mismatches;
            break;
          default:
            if (!same_facts(use.derive(leads[i], as_of), derived[i])) ++mismatches;
        }
        ++calls;
      }
    });
  }
  go = true;
  for (auto& th : pool) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(calls.load(), static_cast<int>(kThreads * leads.size()));
}

TEST(ConcurrencyTest, QualifyAllGivesTheSameResultsForEveryThreadCount) {
  const Qualifier q = Qualifier::with_default_config();
  test::RandomLeads random(22);
  const std::vector<Lead> leads = random.leads(300 * static_cast<std::size_t>(kScale), 30);
  std::vector<Qualification> expected;
  for (const Lead& lead : leads) expected.push_back(q.qualify(lead, test::as_of()));

  for (unsigned threads : {0u, 1u, 2u, 3u, 4u, 7u, 16u}) {
    const auto all = q.qualify_all(leads, test::as_of(), threads);
    ASSERT_EQ(all.size(), leads.size());
    for (std::size_t i = 0; i < leads.size(); ++i) {
      ASSERT_TRUE(test::identical(all[i], expected[i]))
          << "lead " << i << ", " << threads << " threads";
    }
    std::vector<Qualification> out(leads.size());
    q.qualify_all(leads, test::as_of(), out, threads);
    for (std::size_t i = 0; i < leads.size(); ++i) {
      ASSERT_TRUE(test::identical(out[i], expected[i]))
          << "lead " << i << ", " << threads << " threads";
    }
  }
  // More threads than leads, one lead, no lead.
  const std::span<const Lead> three(leads.data(), 3);
  const auto few = q.qualify_all(three, test::as_of(), 8);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(test::identical(few[i], expected[i]));
  EXPECT_TRUE(q.qualify_all(std::span<const Lead>(), test::as_of(), 4).empty());
  // A wrong output size is an error, whatever the thread count.
  std::vector<Qualification> wrong(2);
  EXPECT_THROW(q.qualify_all(leads, test::as_of(), wrong, 4), std::invalid_argument);
}

TEST(ConcurrencyTest, QualifyAllOnBoundLeadsEqualsQualifyForEveryThreadCount) {
  const Qualifier q = test::build_ok(test::rich_config());
  test::RandomLeads random(23);
  const std::vector<Lead> leads = random.leads(300 * static_cast<std::size_t>(kScale), 30);
  std::vector<BoundLead> bound;
  std::vector<Qualification> expected;
  for (const Lead& lead : leads) {
    bound.push_back(q.bind(lead));
    expected.push_back(q.qualify(lead, test::as_of()));
  }
  for (unsigned threads : {0u, 1u, 2u, 3u, 7u}) {
    const auto all = q.qualify_all(std::span<const BoundLead>(bound), test::as_of(), threads);
    ASSERT_EQ(all.size(), leads.size());
    for (std::size_t i = 0; i < leads.size(); ++i) {
      ASSERT_TRUE(test::identical(all[i], expected[i]))
          << "lead " << i << ", " << threads << " threads";
    }
  }
  std::vector<Qualification> wrong(2);
  EXPECT_THROW(q.qualify_all(std::span<const BoundLead>(bound), test::as_of(), wrong, 2),
               std::invalid_argument);
}

TEST(ConcurrencyTest, QualifyAllFromSeveralThreadsAtOnce) {
  const Qualifier q = test::build_ok(test::rich_config());
  test::RandomLeads random(23);
  const std::vector<Lead> leads = random.leads(100 * static_cast<std::size_t>(kScale), 30);
  const auto expected = q.qualify_all(leads, test::as_of(), 1);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < 3; ++t) {
    pool.emplace_back([&, t] {
      const auto got = q.qualify_all(leads, test::as_of(), 2 + t);
      for (std::size_t i = 0; i < leads.size(); ++i) {
        if (!test::identical(got[i], expected[i])) ++mismatches;
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(ConcurrencyTest, QualifiersBuiltAndDestroyedConcurrently) {
  const std::string json = to_json_text(test::rich_config());
  test::RandomLeads random(24);
  const std::vector<Lead> leads = random.leads(20, 30);
  const Qualifier reference = test::build_ok(test::rich_config());
  const Qualifier defaults = Qualifier::with_default_config();
  std::atomic<int> mismatches{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      for (int round = 0; round < 2 * kScale; ++round) {
        auto built =
            t % 2 == 0 ? Qualifier::from_json_text(json) : Qualifier::build(test::rich_config());
        if (!built.ok()) {
          ++mismatches;
          continue;
        }
        const Qualifier mine = Qualifier::with_default_config();
        for (const Lead& lead : leads) {
          if (!test::identical(built->qualify(lead, test::as_of()),
                               reference.qualify(lead, test::as_of())))
            ++mismatches;
          if (!test::identical(mine.qualify(lead, test::as_of()),
                               defaults.qualify(lead, test::as_of())))
            ++mismatches;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---------------------------------------------------------------------------
// The command-line tool's worker pool
// ---------------------------------------------------------------------------

TEST(ConcurrencyTest, CliWorkerPoolOutputDoesNotDependOnThreads) {
  if (test::cli_path().empty()) GTEST_SKIP() << "the leadscore tool is not built";
  TempDir dir("leadscore-concurrency");
  // Leads with a few broken records in between (error records keep their place).
  test::RandomLeads random(25);
  {
    std::ofstream out(dir.path() / "leads.jsonl", std::ios::binary);
    for (int i = 0; i < 600 * kScale; ++i) {
      if (i % 97 == 13) {
        out << "{\"id\": \"broken-" << i << "\", \"company\": {\"employees\": \"many\"}}\n";
      } else if (i % 89 == 5) {
        out << "{not json\n";
      } else {
        out << to_json_text(random.lead(15)) << "\n";
      }
    }
  }
  const std::string input = (dir.path() / "leads.jsonl").string();
  const std::string as_of = "2026-03-15T12:00:00Z";
  const ToolRun one =
      test::run_tool({"score", "--input", input, "--as-of", as_of, "--threads", "1", "--quiet"});
  const ToolRun four = test::run_tool({"score", "--input", input, "--as-of", as_of, "--threads",
                                       "4", "--batch-records", "16", "--quiet"});
  const ToolRun csv_one =
      test::run_tool({"score", "--input", input, "--as-of", as_of, "--threads", "4",
                      "--batch-records", "7", "--output-format", "csv", "--quiet"});
  EXPECT_EQ(one.status, 1) << one.err;  // some records are broken
  EXPECT_EQ(four.status, one.status) << four.err;
  EXPECT_EQ(four.out, one.out) << "--threads 4 and --threads 1 differ";
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 600 * kScale);
  for (const ToolRun* r : {&one, &four}) {
    EXPECT_EQ(r->err.find("ThreadSanitizer"), std::string::npos) << r->err;
    EXPECT_EQ(r->err.find("AddressSanitizer"), std::string::npos) << r->err;
  }
  (void)csv_one;  // another batch size and format: must simply not race (checked by TSan)
}

TEST(ConcurrencyTest, CliWorkerPoolOnCsvWithAMapping) {
  if (test::cli_path().empty()) GTEST_SKIP() << "the leadscore tool is not built";
  TempDir dir("leadscore-concurrency");
  const fs::path data = test::source_dir() / "tests" / "data" / "cli";
  // The CLI test's CSV, repeated to give the workers several batches.
  const std::string csv = test::read_text(data / "leads.csv");
  const std::size_t header_end = csv.find('\n') + 1;
  {
    std::ofstream out(dir.path() / "big.csv", std::ios::binary);
    out << csv;
    for (int i = 0; i < 40 * kScale; ++i) out << csv.substr(header_end);
  }
  const std::string input = (dir.path() / "big.csv").string();
  const std::string map = (data / "leads.map.json").string();
  const std::string as_of = "2026-11-22T00:00:00Z";
  const ToolRun one = test::run_tool(
      {"score", "--input", input, "--map", map, "--as-of", as_of, "--threads", "1", "--quiet"});
  const ToolRun four = test::run_tool({"score", "--input", input, "--map", map, "--as-of", as_of,
                                       "--threads", "4", "--batch-records", "8", "--quiet"});
  EXPECT_EQ(four.status, one.status) << four.err;
  EXPECT_FALSE(one.out.empty()) << one.err;
  EXPECT_EQ(four.out, one.out);
  EXPECT_EQ(four.err.find("ThreadSanitizer"), std::string::npos) << four.err;
}

}  // namespace
}  // namespace leadscore
