// The crm31 scoring job in DuckDB (docs/benchmarks.md#leadscore-score-against-duckdb):
// read the generated CSV or JSONL file with declared column types, compute
// the 31 fit-rule terms and the stage (crm31.sql), COPY the result to CSV.
//
//   node benchmarks/duckdb/score.mjs --input crm31.csv|crm31.jsonl --output OUT.csv \
//        [--threads N] [--format csv|jsonl]
//   node benchmarks/duckdb/score.mjs --idle
//
// Prints one JSON line: records, seconds (from opening the database to the
// end of COPY), records_per_s, peak_rss_kib (the whole Node process) and the
// DuckDB version. With --idle it only opens a database and prints
// peak_rss_kib: the memory of Node with DuckDB loaded, before any work.
// Install DuckDB first: benchmarks/duckdb/install.sh.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const here = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    input: { type: 'string' },
    output: { type: 'string' },
    threads: { type: 'string', default: '1' },
    format: { type: 'string' },
    idle: { type: 'boolean', default: false },
  },
});
if (args.idle) {
  const idle = await DuckDBInstance.create(':memory:');
  await (await idle.connect()).run('SELECT 1');
  console.log(JSON.stringify({ peak_rss_kib: process.resourceUsage().maxRSS }));
  process.exit(0);
}
if (!args.input || !args.output) {
  console.error('usage: score.mjs --input FILE --output FILE [--threads N] [--format csv|jsonl] | --idle');
  process.exit(2);
}
const format = args.format ?? (args.input.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
const threads = Number.parseInt(args.threads, 10);
if (!(threads >= 1) || !['csv', 'jsonl'].includes(format)) {
  console.error(`score.mjs: bad --threads '${args.threads}' or --format '${format}'`);
  process.exit(2);
}

const quote = (text) => `'${text.replaceAll("'", "''")}'`;

// The 15 attributes: 12 text, 3 numeric (crm31/map.json).
const TEXT = ['lifecycle_stage', 'lead_status', 'industry', 'country', 'job_function', 'seniority',
  'company_type', 'lead_source', 'language', 'current_crm', 'buying_role', 'plan_interest'];
const NUMBERS = ['employees', 'annual_revenue', 'web_visits'];
const ATTRIBUTES = [...TEXT.map((n) => [n, 'VARCHAR']), ...NUMBERS.map((n) => [n, 'DOUBLE'])];

/// `leads` from the CSV export: every column declared, in file order (the
/// header row is skipped; its names are those of crm31/workload.hpp), the
/// placeholders of crm31/map.json read as NULL.
function csvSource(path) {
  const columns = [
    ['id', 'VARCHAR'], ['first_name', 'VARCHAR'], ['last_name', 'VARCHAR'], ['email', 'VARCHAR'],
    ['phone', 'VARCHAR'], ['company_name', 'VARCHAR'], ['created_at', 'TIMESTAMPTZ'],
    ...ATTRIBUTES,
  ];
  const declared = columns.map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ');
  return `SELECT * FROM read_csv(${quote(path)}, header = true, auto_detect = false,
            delim = ',', quote = '"', escape = '"', nullstr = ['', '-', 'n/a', 'N/A'],
            columns = {${declared}})`;
}

/// `leads` from the JSONL file in leadscore's lead format: every key declared.
function jsonSource(path) {
  const struct = (fields) => `STRUCT(${fields.map(([n, t]) => `${n} ${t}`).join(', ')})`;
  const columns = [
    ['id', 'VARCHAR'],
    ['contact', struct([['first_name', 'VARCHAR'], ['last_name', 'VARCHAR'],
      ['email', 'VARCHAR'], ['phone', 'VARCHAR']])],
    ['company', struct([['name', 'VARCHAR']])],
    ['created_at', 'TIMESTAMPTZ'],
    ['attributes', struct(ATTRIBUTES)],
  ];
  const declared = columns.map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ');
  return `SELECT id, attributes.* FROM read_json(${quote(path)}, format = 'newline_delimited',
            columns = {${declared}})`;
}

const scoring = readFileSync(join(here, 'crm31.sql'), 'utf8');
const start = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`SET threads = ${threads}`);
const source = format === 'csv' ? csvSource(args.input) : jsonSource(args.input);
await connection.run(`CREATE TEMP VIEW leads AS ${source}`);
const copy = await connection.run(
  `COPY (${scoring}) TO ${quote(args.output)} (FORMAT csv, HEADER true)`);
const seconds = (performance.now() - start) / 1000;
const records = Number(copy.rowsChanged);
const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(JSON.stringify({
  engine: `duckdb ${version}`,
  format,
  threads,
  records,
  seconds: Number(seconds.toFixed(3)),
  records_per_s: Math.round(records / seconds),
  peak_rss_kib: process.resourceUsage().maxRSS,
}));
