#!/usr/bin/env bash
# Renders the HTML pages of `leadscore report --html` and `leadscore calibrate
# --html` in headless Chromium and checks them as a reader sees them: the
# page loads without console messages, and every chart has a title, axes
# with ticks and labels, a legend and no overlapping text; the funnel is a
# top-down ladder (tests/html/check_charts.js).
#
#   render_test.sh LEADSCORE_EXECUTABLE SOURCE_DIR
#
# Chromium is the Debian package `chromium` (scripts/bootstrap --browser);
# when it is missing the test installs it through that script, and skips
# (exit 77) with a message when it cannot. With LEADSCORE_SCREENSHOT_DIR set,
# it also writes report.png and calibrate.png there (docs/images/).
set -euo pipefail

readonly cli="$1"
readonly src="$2"
readonly here="$src/tests/html"

find_browser() {
  local b
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
      command -v "$b"
      return 0
    fi
  done
  return 1
}

browser="$(find_browser || true)"
if [[ -z "$browser" ]]; then
  echo "render_test: Chromium not found; installing it with scripts/bootstrap --browser"
  if ! bash "$src/scripts/bootstrap" --browser; then
    echo "render_test: SKIPPED: headless Chromium cannot be installed here (see above);" \
      "install the Debian package chromium to run this test"
    exit 77
  fi
  browser="$(find_browser || true)"
  [[ -n "$browser" ]] || { echo "render_test: SKIPPED: no chromium after bootstrap"; exit 77; }
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/check_charts.js" "$work/"
export HOME="$work"  # Chromium writes its profile under $HOME

# 3,000 leads: plan "pro" converts at 60%, "free" at 10%; seats 1..50.
awk 'BEGIN {
  s = 12345; print "id,plan,seats,converted";
  for (i = 0; i < 3000; i++) {
    s = (s * 1664525 + 1013904223) % 4294967296; pro = int(s / 256) % 1000 < 400;
    s = (s * 1664525 + 1013904223) % 4294967296; conv = int(s / 256) % 1000 < (pro ? 600 : 100);
    s = (s * 1664525 + 1013904223) % 4294967296; seats = 1 + int(s / 256) % 50;
    print i "," (pro ? "pro" : "free") "," seats "," (conv ? "yes" : "no");
  }
}' >"$work/plans.csv"

cli_abs="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"
(
  cd "$work"  # so that the pages name the input plans.csv
  "$cli_abs" report --config "$here/plans.config.json" --map "$here/plans.map.json" \
    --input plans.csv --label converted --as-of 2026-01-01 --html report.html >report.txt
  "$cli_abs" calibrate --config "$here/plans.config.json" --map "$here/plans.map.json" \
    --input plans.csv --label converted --as-of 2026-01-01 --output calibrated.json \
    --report calibrate.txt --html calibrate.html
)

chrome() {
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size="${window:-1300,2800}" "$@"
}

failed=0
for page in report calibrate; do
  # 1. The page as written: it loads, and the console stays silent.
  chrome --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom \
    "file://$work/$page.html" >"$work/$page.dom" 2>"$work/$page.log" || true
  if ! grep -q '<svg' "$work/$page.dom"; then
    echo "render_test: $page.html: the page did not load"
    failed=1
  fi
  if grep -a 'CONSOLE' "$work/$page.log"; then
    echo "render_test: $page.html: console messages (above)"
    failed=1
  fi
  # 2. The charts, as laid out by the browser.
  sed 's#</body>#<script src="check_charts.js"></script></body>#' "$work/$page.html" \
    >"$work/$page.checked.html"
  chrome --virtual-time-budget=3000 --dump-dom "file://$work/$page.checked.html" \
    >"$work/$page.checked.dom" 2>/dev/null || true
  verdict="$(grep -o 'data-render-check="[^"]*"' "$work/$page.checked.dom" | head -1)"
  if [[ "$verdict" != 'data-render-check="ok"' ]]; then
    echo "render_test: $page.html: ${verdict:-the check did not run}"
    failed=1
  else
    echo "render_test: $page.html: $(grep -o 'class="chart"' "$work/$page.html" | wc -l) charts ok"
  fi
  if [[ -n "${LEADSCORE_SCREENSHOT_DIR:-}" ]]; then
    height=2000
    [[ "$page" == calibrate ]] && height=2420
    window="1300,$height" chrome --screenshot="$LEADSCORE_SCREENSHOT_DIR/$page.png" \
      "file://$work/$page.html" 2>/dev/null
  fi
done
exit "$failed"
