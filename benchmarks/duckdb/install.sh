#!/usr/bin/env bash
# Installs DuckDB for Node (@duckdb/node-api, the exact version pinned in
# benchmarks/package.json and benchmarks/package-lock.json) into
# benchmarks/node_modules with `npm ci`, from the npm registry.
#
#   benchmarks/duckdb/install.sh          # install unless that version is there
#   benchmarks/duckdb/install.sh --force  # reinstall
#
# Needs node (>= 18) and npm; on Debian 12: apt-get install nodejs npm
# (scripts/bench-duckdb installs them when they are missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { printf 'duckdb/install.sh: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node not found (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm not found (Debian: apt-get install npm)"

pinned="$(node -p "require('$here/package.json').dependencies['@duckdb/node-api']")"
installed="$(node -p "try { require('$here/node_modules/@duckdb/node-api/package.json').version } catch { '' }")"
if [[ "${1:-}" != "--force" && "$installed" == "$pinned" ]]; then
  printf 'duckdb/install.sh: @duckdb/node-api %s already installed\n' "$installed" >&2
  exit 0
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
printf 'duckdb/install.sh: installed @duckdb/node-api %s\n' "$pinned" >&2
