// The crm31 benchmark workload (docs/benchmarks.md, "The crm31 workload"): a
// CRM export of our own making, with the shape of a real one.
//
//  - 22 columns: the record id, contact and company columns, the creation
//    date, and 15 custom
//    attributes: 12 text columns (lifecycle stage, lead status, industry,
//    ...) written as a CRM writes them (mixed case, now and then upper or
//    lower case) and 3 numeric columns (employees, annual revenue, website
//    visits). Any value may be a placeholder ("", "-", "n/a", "N/A") that
//    the mapping (crm31/map.json) treats as missing.
//  - crm31/config.json: 31 fit rules on those attributes (text eq / in,
//    numeric between / lt / gte) and two stages, SQL and MQL.
//  - hand_written(): the same fit score and stage computed by hand on a plain
//    struct of the developer's own (PlainLead), its strings lower-cased once
//    at load (load()). It is the yardstick of crm_bench.cpp.
//  - CSV and JSONL writers (the lead format, docs/lead-format.md) for the
//    end-to-end comparison with DuckDB (crm31/generate.cpp,
//    scripts/bench-duckdb, benchmarks/duckdb/crm31.sql).
//
// Rows come from a seeded bench::Rng: the same seed gives the same bytes on
// every run and machine. This header depends on neither leadscore nor
// Google Benchmark.
#pragma once

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../bench_rng.hpp"

namespace crm31 {

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------
enum Column : std::size_t {
  record_id,
  first_name,
  last_name,
  email,
  phone,
  company_name,
  create_date,
  // 12 text attributes
  lifecycle_stage,
  lead_status,
  industry,
  country,
  job_function,
  seniority,
  company_type,
  lead_source,
  language,
  current_crm,
  buying_role,
  plan_interest,
  // 3 numeric attributes
  employees,
  annual_revenue,
  web_visits,
  column_count
};

/// The header row of the export (the column names crm31/map.json uses).
inline constexpr std::array<std::string_view, column_count> kHeader = {
    "Record ID",      "First Name",    "Last Name",       "Email",
    "Phone Number",   "Company Name",  "Create Date",     "Lifecycle Stage",
    "Lead Status",    "Industry",      "Country/Region",  "Job Function",
    "Seniority",      "Company Type",  "Original Source", "Preferred Language",
    "Current CRM",    "Buying Role",   "Plan Interest",   "Number of Employees",
    "Annual Revenue", "Website Visits"};

/// The attribute each column from lifecycle_stage on feeds (crm31/map.json);
/// also the JSONL keys.
inline constexpr std::array<std::string_view, column_count> kAttribute = {"",
                                                                          "",
                                                                          "",
                                                                          "",
                                                                          "",
                                                                          "",
                                                                          "",
                                                                          "lifecycle_stage",
                                                                          "lead_status",
                                                                          "industry",
                                                                          "country",
                                                                          "job_function",
                                                                          "seniority",
                                                                          "company_type",
                                                                          "lead_source",
                                                                          "language",
                                                                          "current_crm",
                                                                          "buying_role",
                                                                          "plan_interest",
                                                                          "employees",
                                                                          "annual_revenue",
                                                                          "web_visits"};

constexpr bool is_number_column(std::size_t c) noexcept {
  return c >= employees && c < column_count;
}

/// One record of the export: each cell's text as the CRM wrote it.
using Row = std::array<std::string, column_count>;

// ---------------------------------------------------------------------------
// Generating rows
// ---------------------------------------------------------------------------
/// The values a text column takes, as a CRM writes them.
inline const std::vector<std::string>& pool(std::size_t column) {
  static const std::array<std::vector<std::string>, column_count> pools = {{
      {},
      {"Ada", "Grace", "Alan", "Linus", "Ken", "Barbara", "Donald", "Edsger", "Margaret", "Tim"},
      {"Lovelace", "Hopper", "Turing", "Torvalds", "Thompson", "Liskov", "Knuth", "Hamilton"},
      {},
      {},
      {"Acme", "Acme, Inc.", "Globex Corporation", "Initech", "Umbrella Corp", "Hooli",
       "Stark Industries", "Wayne Enterprises", "Wonka Industries", "Tyrell Corporation",
       "Cyberdyne Systems", "Soylent Corp", "Aperture Science", "Vandelay Industries, LLC"},
      {},
      {"Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
       "Customer", "Evangelist", "Other"},
      {"New", "Open", "In Progress", "Open Deal", "Unqualified", "Attempted to Contact",
       "Connected", "Bad Timing"},
      {"Computer Software", "Internet", "Information Technology and Services", "Financial Services",
       "Management Consulting", "Telecommunications", "Marketing and Advertising",
       "Higher Education", "Government Administration", "Non-Profit Organization Management",
       "Retail", "Hospital & Health Care", "Automotive", "Construction", "Real Estate"},
      {"United States", "Canada", "United Kingdom", "Ireland", "Australia", "Germany", "France",
       "Netherlands", "Spain", "Italy", "Sweden", "Brazil", "India", "Japan", "Mexico"},
      {"Marketing", "Sales", "Engineering", "Information Technology", "Finance", "Operations",
       "Human Resources", "Customer Success", "Executive", "Legal"},
      {"C-Level", "VP", "Director", "Manager", "Senior", "Individual Contributor", "Intern",
       "Owner"},
      {"Prospect", "Partner", "Reseller", "Vendor", "Competitor", "Other"},
      {"Organic Search", "Paid Search", "Referrals", "Direct Traffic", "Social Media",
       "Email Marketing", "Offline Sources", "Events", "Paid Social"},
      {"English", "German", "French", "Spanish", "Portuguese", "Japanese", "Italian", "Dutch"},
      {"Salesforce", "HubSpot", "Pipedrive", "Zoho CRM", "Microsoft Dynamics 365", "None",
       "Spreadsheets", "Other"},
      {"Decision Maker", "Budget Holder", "Champion", "Influencer", "End User", "Blocker",
       "Legal and Compliance"},
      {"Starter", "Professional", "Enterprise", "Not sure yet"},
      {},
      {},
      {},
  }};
  return pools[column];
}

/// Share of placeholders (missing values) in each column.
inline constexpr std::array<double, column_count> kMissing = {
    0.0,  0.02, 0.02, 0.05, 0.30, 0.05, 0.02,              // id, contact, company, date
    0.10, 0.25, 0.15, 0.08, 0.30, 0.25, 0.20, 0.10, 0.40,  // text attributes
    0.30, 0.35, 0.50, 0.15, 0.35, 0.10};                   // ..., numbers

/// The placeholders a CRM writes for "no value".
inline const std::vector<std::string>& placeholders() {
  static const std::vector<std::string> v = {"", "-", "n/a", "N/A"};
  return v;
}

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// Whether a cell is a placeholder, as crm31/map.json's "missing" says
/// (compared ASCII case-insensitively; the cells are never padded).
inline bool is_missing(std::string_view cell) noexcept {
  if (cell.empty() || cell == "-") return true;
  return cell.size() == 3 && ascii_lower(cell[0]) == 'n' && cell[1] == '/' &&
         ascii_lower(cell[2]) == 'a';
}

/// The numeric cells: integers, and revenues with cents now and then.
inline std::string number_cell(bench::Rng& rng, std::size_t column, double head_count) {
  if (column == employees) return std::to_string(static_cast<std::int64_t>(head_count));
  if (column == web_visits) return std::to_string(rng.below(9) * rng.below(12));
  const auto revenue = static_cast<std::int64_t>(head_count) * (40'000 + 2'000 * rng.below(100));
  if (!rng.chance(0.2)) return std::to_string(revenue);
  char cents[8];
  std::snprintf(cents, sizeof cents, ".%02u", rng.below(100));
  return std::to_string(revenue) + cents;
}

/// A phone number as people type them.
inline std::string phone_cell(bench::Rng& rng) {
  char text[32];
  std::snprintf(text, sizeof text, "+1 555-%03u-%04u", rng.below(1000), rng.below(10000));
  return text;
}

/// An instant in 2025-01-01 .. 2026-08-23, ISO-8601 in UTC.
inline std::string date_cell(bench::Rng& rng) {
  using namespace std::chrono;
  const sys_seconds t = sys_days{year{2025} / January / 1} + seconds{rng.below(600 * 86'400)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{t - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

/// Row `index` (0-based) of the export.
inline Row make_row(bench::Rng& rng, std::size_t index) {
  Row row;
  char id[32];
  std::snprintf(id, sizeof id, "C-%08zu", index + 1);  // ids sort in file order
  row[record_id] = id;
  // Log-uniform head count in [1, 100000]; revenue follows it.
  const double head_count = std::floor(std::exp(rng.unit() * 11.5129));
  for (std::size_t c = first_name; c < column_count; ++c) {
    if (c == email) continue;  // derived from the name below
    if (rng.chance(kMissing[c])) {
      row[c] = rng.pick(placeholders());
    } else if (is_number_column(c)) {
      row[c] = number_cell(rng, c, head_count);
    } else if (c == phone) {
      row[c] = phone_cell(rng);
    } else if (c == create_date) {
      row[c] = date_cell(rng);
    } else {
      row[c] = rng.pick(pool(c));
      // Hand-typed values: now and then in upper or lower case.
      const std::uint32_t roll = rng.below(100);
      if (c >= lifecycle_stage && roll < 6) {
        for (char& ch : row[c]) ch = ascii_upper(ch);
      } else if (c >= lifecycle_stage && roll < 12) {
        for (char& ch : row[c]) ch = ascii_lower(ch);
      }
    }
  }
  if (rng.chance(kMissing[email]) || is_missing(row[first_name]) || is_missing(row[last_name])) {
    row[email] = rng.pick(placeholders());
  } else {
    static const std::vector<std::string> domains = {"gmail.com", "acme.io", "globex.com",
                                                     "initech.net", "example.org"};
    for (char ch : row[first_name] + "." + row[last_name]) row[email] += ascii_lower(ch);
    row[email] += "@" + rng.pick(domains);
  }
  return row;
}

/// Generates rows `0..n-1` with `seed` (0 = the default seed) and calls
/// `sink(row)` for each, reusing one Row.
template <class Sink>
void generate(std::size_t n, std::uint32_t seed, Sink&& sink) {
  bench::Rng rng(seed == 0 ? 20261122u : seed);
  for (std::size_t i = 0; i < n; ++i) sink(make_row(rng, i));
}

// ---------------------------------------------------------------------------
// Writing CSV and JSONL
// ---------------------------------------------------------------------------
/// Appends one CSV record (RFC 4180) and a line feed. A cell holding a
/// comma, a quote or a line break is quoted, its quotes doubled.
template <class Cells>
void append_csv(const Cells& cells, std::string& out) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out += ',';
    first = false;
    std::string_view rest(cell);
    const bool quoted = rest.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quoted) out += '"';
    // Copy up to and including each quote, then double it.
    for (std::size_t q = rest.find('"'); q != std::string_view::npos; q = rest.find('"')) {
      out.append(rest.substr(0, q + 1)).push_back('"');
      rest.remove_prefix(q + 1);
    }
    out += rest;
    if (quoted) out += '"';
  }
  out += '\n';
}

inline void append_json_string(std::string_view text, std::string& out) {
  out += '"';
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

/// Appends `"key":"value"` (or a number) to a JSON object being written
/// when the cell is not a placeholder; `open` tracks the first member.
inline void append_member(std::string_view key, std::string_view cell, bool number, bool& open,
                          std::string& out) {
  if (is_missing(cell)) return;
  if (open) out += ',';
  open = true;
  append_json_string(key, out);
  out += ':';
  if (number) {
    out += cell;
  } else {
    append_json_string(cell, out);
  }
}

/// Appends the row as one lead in the lead format (docs/lead-format.md) and a
/// line feed: the lead crm31/map.json makes of the CSV record (placeholders
/// left out, numbers as numbers).
inline void append_jsonl(const Row& row, std::string& out) {
  out += "{\"id\":";
  append_json_string(row[record_id], out);
  bool open = false;
  out += ",\"contact\":{";
  append_member("first_name", row[first_name], false, open, out);
  append_member("last_name", row[last_name], false, open, out);
  append_member("email", row[email], false, open, out);
  append_member("phone", row[phone], false, open, out);
  out += "},\"company\":{";
  open = false;
  append_member("name", row[company_name], false, open, out);
  out += '}';
  open = true;
  append_member("created_at", row[create_date], false, open, out);
  out += ",\"attributes\":{";
  open = false;
  for (std::size_t c = lifecycle_stage; c < column_count; ++c) {
    append_member(kAttribute[c], row[c], is_number_column(c), open, out);
  }
  out += "}}\n";
}

// ---------------------------------------------------------------------------
// The hand-written yardstick
// ---------------------------------------------------------------------------
/// The developer's own struct: text lower-cased once at load ("" = missing),
/// numbers parsed once (nullopt = missing).
struct PlainLead {
  std::string id;
  std::string lifecycle_stage, lead_status, industry, country, job_function, seniority,
      company_type, lead_source, language, current_crm, buying_role, plan_interest;
  std::optional<double> employees, annual_revenue, web_visits;
};

/// Loads a record's cells (in kHeader order) into a PlainLead. Returns
/// nullopt when a numeric cell is not a number.
inline std::optional<PlainLead> load(std::span<const std::string> cells) {
  if (cells.size() != column_count) return std::nullopt;
  PlainLead l;
  l.id = cells[record_id];
  std::string* text[] = {&l.lifecycle_stage, &l.lead_status, &l.industry,     &l.country,
                         &l.job_function,    &l.seniority,   &l.company_type, &l.lead_source,
                         &l.language,        &l.current_crm, &l.buying_role,  &l.plan_interest};
  for (std::size_t c = lifecycle_stage; c <= plan_interest; ++c) {
    if (is_missing(cells[c])) continue;
    std::string& s = *text[c - lifecycle_stage];
    s.reserve(cells[c].size());
    for (char ch : cells[c]) s += ascii_lower(ch);
  }
  std::optional<double>* numbers[] = {&l.employees, &l.annual_revenue, &l.web_visits};
  for (std::size_t c = employees; c < column_count; ++c) {
    if (is_missing(cells[c])) continue;
    double x = 0;
    const std::string& s = cells[c];
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    *numbers[c - employees] = x;
  }
  return l;
}

inline bool one_of(const std::string& s, std::initializer_list<std::string_view> values) noexcept {
  for (std::string_view v : values) {
    if (s == v) return true;
  }
  return false;
}

struct Score {
  int fit = 0;  ///< clamped to [0, 100]; also the total (no engagement rules)
  std::string_view stage;
};

/// crm31/config.json written by hand: the same 31 rules and points, the
/// same clamping and the same two stages (SQL before MQL, else "lead").
inline Score hand_written(const PlainLead& l) noexcept {
  int p = 0;
  if (one_of(l.lifecycle_stage, {"marketing qualified lead", "sales qualified lead"})) p += 10;
  if (l.lifecycle_stage == "opportunity") p += 15;
  if (l.lifecycle_stage == "customer") p -= 20;
  if (one_of(l.lead_status, {"connected", "in progress", "open deal"})) p += 8;
  if (l.lead_status == "unqualified") p -= 25;
  if (l.lead_status == "bad timing") p -= 5;
  if (one_of(l.industry, {"computer software", "internet", "information technology and services"}))
    p += 15;
  if (one_of(l.industry, {"financial services", "management consulting", "telecommunications",
                          "marketing and advertising"}))
    p += 8;
  if (one_of(l.industry, {"higher education", "government administration",
                          "non-profit organization management"}))
    p -= 10;
  if (one_of(l.country, {"united states", "canada", "united kingdom", "ireland", "australia"}))
    p += 10;
  if (one_of(l.country, {"germany", "france", "netherlands", "spain", "italy", "sweden"})) p += 6;
  if (one_of(l.job_function, {"marketing", "sales"})) p += 10;
  if (one_of(l.job_function, {"engineering", "information technology"})) p += 4;
  if (one_of(l.seniority, {"c-level", "vp", "owner"})) p += 15;
  if (l.seniority == "director") p += 10;
  if (l.seniority == "intern") p -= 15;
  if (l.company_type == "competitor") p -= 40;
  if (one_of(l.company_type, {"partner", "reseller"})) p += 5;
  if (one_of(l.lead_source, {"referrals", "events", "direct traffic"})) p += 8;
  if (l.lead_source == "paid search") p += 3;
  if (one_of(l.language, {"english", "german", "french"})) p += 2;
  if (one_of(l.current_crm, {"salesforce", "hubspot", "pipedrive"})) p += 6;
  if (one_of(l.current_crm, {"none", "spreadsheets"})) p += 4;
  if (one_of(l.buying_role, {"decision maker", "budget holder"})) p += 12;
  if (l.buying_role == "champion") p += 6;
  if (l.plan_interest == "enterprise") p += 8;
  if (l.employees && *l.employees >= 50 && *l.employees <= 999) p += 10;
  if (l.employees && *l.employees >= 1000 && *l.employees <= 9999) p += 15;
  if (l.employees && *l.employees < 10) p -= 10;
  if (l.annual_revenue && *l.annual_revenue >= 10'000'000) p += 10;
  if (l.web_visits && *l.web_visits >= 20) p += 6;
  Score s;
  s.fit = p < 0 ? 0 : p > 100 ? 100 : p;
  if (s.fit >= 60 && one_of(l.buying_role, {"decision maker", "budget holder", "champion"})) {
    s.stage = "SQL";
  } else if (s.fit >= 35) {
    s.stage = "MQL";
  } else {
    s.stage = "lead";
  }
  return s;
}

}  // namespace crm31
