#!/usr/bin/env python3
"""Writes the bank data with derived columns, and mappings that read them, for
the calibration experiments of docs/calibration.md ("What was tried to reach
0.805"):

    python3 benchmarks/calibration/bank_derived.py OUT_DIR [--csv PATH]

OUT_DIR/bank-derived.csv is bank-marketing.csv (same rows, same order, so the
same holdout split) plus six columns derived from columns calibrate already
reads, all known before the call:

    date            month and day as one string, "05-15" (the campaign date
                    without its year, which the data does not have)
    datenum         the same as a number, month * 100 + day (515), so that
                    quantile bins follow the calendar
    date_merged     month and a run of neighbouring days of that month,
                    merged until each run has --min-leads training leads
                    (default 30): "05:12-14" (chosen on the training leads
                    only)
    day_value       the day of the month as a string, "d05" (one candidate
                    per day, where `day` has quantile bins; crossed with
                    month, one cell per date)
    month_contact   month and contact channel, "may.cellular"
    month_previous  month and whether the lead was contacted in a previous
                    campaign (pdays != -1), "may.known" / "may.new"

and five mappings, each the calibration mapping
(examples/data/bank-marketing-calibration.map.json) plus some of them:
date-string.map.json (date), date-number.map.json (datenum, read as the
attribute "date"), date-merged.map.json (date_merged, read as the attribute
"date"), day-value.map.json (day_value) and three-way.map.json
(month_contact, month_previous: paired with day by the search they are
three-way terms).
"""

import argparse
import csv
import json
import os
import sys

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DERIVED = ["date", "datenum", "date_merged", "day_value", "month_contact", "month_previous"]


def merged_days(rows, col, min_leads):
    """Per month, runs of neighbouring days merged until each has min_leads
    TRAINING leads (lead i is held out when i mod 10 < 3; the holdout is not
    looked at): month -> {day: "lo-hi"} for days 1 to 31. A short last run
    joins the one before it."""
    counts = {}
    for i, row in enumerate(rows):
        if i % 10 >= 3:
            key = (row[col["month"]], int(row[col["day"]]))
            counts[key] = counts.get(key, 0) + 1
    out = {}
    for month in MONTHS:
        runs, run, n = [], [], 0
        for day in range(1, 32):
            if (month, day) not in counts:
                continue
            run.append(day)
            n += counts[(month, day)]
            if n >= min_leads:
                runs.append(run)
                run, n = [], 0
        if run:
            if runs:
                runs[-1] += run
            else:
                runs.append(run)
        # Each run covers the days up to the next run's first day (days with
        # no training lead, held-out leads included, join the run before).
        starts = [1] + [r[0] for r in runs[1:]]
        ends = [s - 1 for s in starts[1:]] + [31]
        out[month] = {d: f"{lo:02d}-{hi:02d}" for lo, hi in zip(starts, ends)
                      for d in range(lo, hi + 1)}
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shared = os.environ.get("LEADSCORE_SHARED_DIR", os.path.join(root, "..", "shared"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--csv", default=os.path.join(shared, "data", "bank-marketing.csv"))
    ap.add_argument("--min-leads", type=int, default=30)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    with open(a.csv, newline="", encoding="utf-8") as f, \
            open(os.path.join(a.out_dir, "bank-derived.csv"), "w", newline="",
                 encoding="utf-8") as g:
        reader = csv.reader(f)
        writer = csv.writer(g, lineterminator="\n")
        header = next(reader)
        col = {c: i for i, c in enumerate(header)}
        rows = list(reader)
        runs = merged_days(rows, col, a.min_leads)
        writer.writerow(header + DERIVED)
        for row in rows:
            month, day = row[col["month"]], int(row[col["day"]])
            m = MONTHS.index(month) + 1
            known = "new" if row[col["pdays"]] == "-1" else "known"
            writer.writerow(row + [f"{m:02d}-{day:02d}", str(m * 100 + day),
                                   f"{m:02d}:{runs[month][day]}", f"d{day:02d}",
                                   f"{month}.{row[col['contact']]}", f"{month}.{known}"])

    with open(os.path.join(root, "examples", "data", "bank-marketing-calibration.map.json"),
              encoding="utf-8") as f:
        base = json.load(f)

    def mapping(name, attributes):
        m = json.loads(json.dumps(base))
        m["description"] = ("bank-marketing-calibration.map.json plus derived columns "
                            "(benchmarks/calibration/bank_derived.py)")
        m["attributes"].update(attributes)
        used = {v["column"] if isinstance(v, dict) else v for v in attributes.values()}
        m["ignore"] = base["ignore"] + [c for c in DERIVED if c not in used]
        with open(os.path.join(a.out_dir, name), "w", encoding="utf-8") as f:
            json.dump(m, f, indent=2)
            f.write("\n")

    mapping("date-string.map.json", {"date": "date"})
    mapping("date-number.map.json", {"date": {"column": "datenum", "type": "number"}})
    mapping("date-merged.map.json", {"date": "date_merged"})
    mapping("day-value.map.json", {"day_value": "day_value"})
    mapping("three-way.map.json", {"month_contact": "month_contact",
                                   "month_previous": "month_previous"})
    print(f"wrote {a.out_dir}/bank-derived.csv and its five mappings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
