#!/usr/bin/env python3
"""Validate the oracle (reference.py) against the golden conformance sample, without a database.

    golden_selfcheck.py [--golden /work/shared/golden]

Parses golden/data.sql (its COPY blocks) directly, runs the oracle for every file in
golden/expected/ and compares like golden/check: same set of keys, integer / boolean / kyc_level /
cap_cents exactly, floats to a relative 1e-9 (absolute 1e-9 near 0), amount_cents to +-1, and
sum(amount) <= pool, 0 <= amount <= cap. Prints the mismatches (first 50) and, last,
"N passed, N failed". Exit status 0 only when all pass.
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
from compare import compare_rows  # noqa: E402

DAY = r"(\d{4}-\d{2}-\d{2})"
PATTERNS = [
    (re.compile(rf"video_units-{DAY}\.csv$"), "video_units"),
    (re.compile(rf"units-{DAY}\.csv$"), "units"),
    (re.compile(r"preview-(\d+)-(\d{4})-(\d{2})\.csv$"), "preview"),
    (re.compile(rf"preview_day-(\d+)-{DAY}\.csv$"), "preview_day"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--golden", default="/work/shared/golden")
    a = ap.parse_args()
    with open(os.path.join(a.golden, "data.sql")) as f:
        oracle = ref.Oracle(*ref.parse_sql_dump(f.read(), "public"))

    passed = failed = 0
    lines = []
    for name in sorted(os.listdir(os.path.join(a.golden, "expected"))):
        for pattern, fn in PATTERNS:
            m = pattern.match(name)
            if m:
                break
        else:
            continue
        with open(os.path.join(a.golden, "expected", name), newline="") as f:
            header, *want = list(csv.reader(f))
        pool = None
        if fn == "video_units":
            got = oracle.video_units(m[1])
        elif fn == "units":
            got = oracle.units(m[1])
        elif fn == "preview":
            pool = int(m[1])
            got = oracle.preview(pool, int(m[2]), int(m[3]))
        else:
            pool = int(m[1])
            got = oracle.preview_day(pool, m[2])
        got_text = [[ref.fmt(r[c]) for c in header] for r in got]
        problems = compare_rows(fn, header, want, got_text, pool)
        if problems:
            failed += 1
            lines.extend(f"FAIL {name}: {p}" for p in problems)
        else:
            passed += 1
    for line in lines[:50]:
        print(line)
    if len(lines) > 50:
        print(f"... {len(lines) - 50} more mismatches not shown")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
