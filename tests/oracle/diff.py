#!/usr/bin/env python3
"""Differential test: the revenue_split extension against the oracle (reference.py) on random
adversarial data (gen_adversarial.py).

    diff.py --psql "psql -X -h HOST -p PORT -U USER -d SCRATCH_DB" --seeds 1..20 [--schema-fn public]
            [--create-extension] [--timezone ZONE] [--workdir DIR]

SCRATCH_DB must be a scratch database: for every seed the application tables users / videos /
event / transactions (and the enum type rs_adv_direction) in schema public are DROPPED and
recreated, then filled with the seed's data. The oracle reads the data back from the database
(reference.load_from_psql) and computes, and the extension is called (positionally, like
golden/check) for:
  * revenue_split_video_units(day) and revenue_split_units(day) for every day of the target month
    (with --all-days: of the whole data range);
  * revenue_split_preview(pool, year, month) for pools 0, 1, 101, 1000003, 10^12 (and pools 101,
    1000003 for the months before and after the target month);
  * revenue_split_preview_day(pool, day) for a few days (quiet days, month edges, a busy day) and
    the same pools.
Each call runs with the session TimeZone far from UTC (Pacific/Kiritimati, +14, and
Pacific/Pago_Pago, -11, alternating per seed, unless --timezone is given).

Comparison as golden/check (compare.py): the same keys, ints / bools / kyc_level / cap_cents
exactly, floats to a relative 1e-9, amount_cents +-1, sum(amount) <= pool, 0 <= amount <= cap;
plus: sum(amount) equals the oracle's (SPEC 5: sum + unallocated = pool exactly).
Prints mismatches (the first 50), one summary line per seed, and last "N passed, N failed" (one check
per call). Exit status 1 on any failure. A seed whose calls lose the server connection (a backend
crash, or the extension's library replaced under the running server) is reported and rerun up to
--retries times; if the crash repeats, its failures count. The seed's SQL stays in --workdir for reproduction.
"""
import argparse
import calendar
import datetime as dt
import json
import os
import random
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
import gen_adversarial as gen  # noqa: E402
from compare import compare_rows  # noqa: E402

POOLS = [0, 1, 101, 1000003, 10**12]
MAX_LINES = 50
FUNCS = {
    "video_units": ("revenue_split_video_units", ref.VIDEO_UNITS_COLS),
    "units": ("revenue_split_units", ref.UNITS_COLS),
    "preview": ("revenue_split_preview", ref.PREVIEW_COLS),
    "preview_day": ("revenue_split_preview_day", ref.PREVIEW_COLS),
}


def parse_seeds(text):
    out = []
    for part in text.split(","):
        part = part.strip()
        if ".." in part:
            lo, hi = part.split("..")
            out.extend(range(int(lo), int(hi) + 1))
        elif "-" in part[1:]:
            lo, hi = part.split("-", 1)
            out.extend(range(int(lo), int(hi) + 1))
        elif part:
            out.append(int(part))
    return out


class Psql:
    def __init__(self, command):
        self.command = command
        self.base = shlex.split(command) + ["-X", "-q"]

    def run(self, args, stdin=None):
        r = subprocess.run(self.base + list(args), input=stdin, capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr.strip()


def cell_text(v):
    """A JSON value from the extension -> text as psql would print it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def call_sql(schema_fn, fn, args, cols):
    col_list = ", ".join(ref.ident(c) for c in cols)
    return f"SELECT {col_list} FROM {ref.ident(schema_fn)}.{FUNCS[fn][0]}({args})"


def run_calls(psql, calls, schema_fn, timezone):
    """calls: list of (label, fn, args_sql). -> {label: rows (list of lists of text) | error str}."""
    lines = ["\\set ON_ERROR_STOP 0", f"SET TimeZone = '{timezone}';", "SET extra_float_digits = 3;"]
    for label, fn, args in calls:
        inner = call_sql(schema_fn, fn, args, FUNCS[fn][1])
        lines.append(f"COPY (SELECT {ref.sql_literal(label)}, coalesce(json_agg(t), '[]'::json) "
                     f"FROM ({inner}) t) TO STDOUT;")
    rc, out, err = psql.run(["-f", "-"], stdin="\n".join(lines) + "\n")
    results = {}
    for row in ref.copy_text_rows(out):
        if len(row) == 2 and row[0] is not None:
            results[row[0]] = row[1]
    final = {}
    for label, fn, args in calls:
        cols = FUNCS[fn][1]
        if label not in results:
            # rerun alone to get its error message
            rc1, _, err1 = psql.run(["-v", "ON_ERROR_STOP=1", "-c", f"SET TimeZone = '{timezone}'",
                                     "-c", f"COPY ({call_sql(schema_fn, fn, args, cols)}) TO STDOUT"])
            final[label] = "call failed: " + (" | ".join(err1.splitlines()[:2]) or err or f"rc {rc1}")
            continue
        try:
            objs = json.loads(results[label])
            final[label] = [[cell_text(o.get(c)) for c in cols] for o in objs]
        except (ValueError, AttributeError) as e:
            final[label] = f"unparsable result: {e}: {results[label][:200]}"
    return final


LOST = ("server closed the connection", "connection to server was lost", "the database system is",
        "could not connect to server", "connection to server on socket")


class ServerLost(Exception):
    pass


def run_seed(psql, seed, a, timezone, report, last_try=True):
    """-> (passed, failed). report(line) collects mismatch lines."""
    sql, meta = gen.generate(seed, "public", drop=True)
    os.makedirs(a.workdir, exist_ok=True)
    path = os.path.join(a.workdir, f"seed{seed}.sql")
    with open(path, "w") as f:
        f.write(sql)
    rc, _, err = psql.run(["-v", "ON_ERROR_STOP=1", "-1", "-f", path])
    if rc != 0:
        report(f"seed {seed}: loading {path} failed: {err.splitlines()[-1] if err else rc}")
        return 0, 1
    # the oracle reads the same rows back from the database
    data = ref.load_from_psql(psql.command, "public")
    oracle = ref.Oracle(*data)

    year, month = meta["year"], meta["month"]
    n_days = calendar.monthrange(year, month)[1]
    month_days = [dt.date(year, month, d) for d in range(1, n_days + 1)]
    rng = random.Random(seed * 7919)
    busy = [d for d in oracle.event_days() if d.year == year and d.month == month]
    pday = sorted(set(meta["quiet"][:2] + [month_days[0], month_days[-1]] + rng.sample(busy, min(2, len(busy)))))

    calls = []      # (label, fn, args_sql, expected rows, pool)
    unit_days = month_days
    if a.all_days:  # every day of the data range (months at the edge of the data, integrity windows)
        first, last = meta["range"]
        unit_days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    for d in unit_days:
        calls.append((f"video_units({d})", "video_units", f"'{d}'::date", oracle.video_units(d), None))
        calls.append((f"units({d})", "units", f"'{d}'::date", oracle.units(d), None))
    for pool in POOLS:
        calls.append((f"preview({pool}, {year}, {month})", "preview", f"{pool}::bigint, {year}, {month}",
                      oracle.preview(pool, year, month), pool))
    # the months around the target (partly covered by the data)
    for y, m in [(year - (month == 1), (month - 2) % 12 + 1), (year + (month == 12), month % 12 + 1)]:
        for pool in (101, 1000003):
            calls.append((f"preview({pool}, {y}, {m})", "preview", f"{pool}::bigint, {y}, {m}",
                          oracle.preview(pool, y, m), pool))
    for d in pday:
        for pool in POOLS:
            calls.append((f"preview_day({pool}, {d})", "preview_day", f"{pool}::bigint, '{d}'::date",
                          oracle.preview_day(pool, d), pool))

    got = run_calls(psql, [(c[0], c[1], c[2]) for c in calls], a.schema_fn, timezone)
    lost = [label for label, g in got.items() if isinstance(g, str) and any(m in g for m in LOST)]
    if lost and not last_try:
        raise ServerLost(f"{len(lost)} calls lost the server connection, first {lost[0]}: {got[lost[0]]}")
    passed = failed = 0
    for label, fn, _, want, pool in calls:
        cols = FUNCS[fn][1]
        want_text = [[ref.fmt(r[c]) for c in cols] for r in want]
        g = got[label]
        if isinstance(g, str):
            problems = [g]
        else:
            problems = compare_rows(fn, cols, want_text, g, pool, strict=pool is not None)
        if problems:
            failed += 1
            for p in problems:
                report(f"FAIL seed {seed} {label}: {p}")
        else:
            passed += 1
    # Statements add up on this data set too (SPEC §10): every month and the first month's
    # days committed in a rolled-back transaction, each creator's statement = what it earned.
    sums = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common", "statement_sums.sql")
    rc, _, err = psql.run(["-v", "ON_ERROR_STOP=1", "-c", "SET rs.pool = 1000003", "-f", sums])
    if rc == 0:
        passed += 1
    else:
        failed += 1
        report(f"FAIL seed {seed} statement sums: {err.strip().splitlines()[-1] if err.strip() else rc}")
    print(f"seed {seed}: target {year}-{month:02d}, {meta['events']} events, {meta['videos']} videos, "
          f"TimeZone {timezone}: {passed} passed, {failed} failed ({path})", flush=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--psql", required=True, help='psql command line for the scratch database')
    ap.add_argument("--seeds", default="1..20", help="e.g. 1..20 or 3,5,9 (default 1..20)")
    ap.add_argument("--schema-fn", default="public", help="schema holding the extension's functions")
    ap.add_argument("--create-extension", action="store_true",
                    help="run CREATE EXTENSION IF NOT EXISTS revenue_split [SCHEMA schema-fn] first")
    ap.add_argument("--timezone", help="session TimeZone for the calls (default: alternate +14 / -11)")
    ap.add_argument("--all-days", action="store_true",
                    help="video_units / units for every day of the data range, not only the target month")
    ap.add_argument("--retries", type=int, default=2,
                    help="times a seed is rerun after losing the server connection (default 2)")
    ap.add_argument("--workdir", default="/tmp/rs_oracle_diff", help="where the seeds' SQL is kept")
    a = ap.parse_args()
    psql = Psql(a.psql)

    if a.create_extension:
        sql = "CREATE EXTENSION IF NOT EXISTS revenue_split"
        if a.schema_fn != "public":
            sql += " SCHEMA " + ref.ident(a.schema_fn)
        rc, _, err = psql.run(["-v", "ON_ERROR_STOP=1", "-c", sql])
        if rc != 0:
            print(f"note: {sql} failed: {err}")

    lines = []
    passed = failed = 0
    for i, seed in enumerate(parse_seeds(a.seeds)):
        tz = a.timezone or ("Pacific/Kiritimati" if i % 2 == 0 else "Pacific/Pago_Pago")
        for attempt in range(a.retries + 1):
            try:
                p, f = run_seed(psql, seed, a, tz, lines.append, last_try=attempt == a.retries)
                break
            except ServerLost as e:
                # a backend crash or a restart; retried, so that a reinstall of the extension's
                # library under a running server does not count, but a crash that repeats does
                print(f"seed {seed}: server connection lost ({str(e)[:300]}); retrying in 10 s", flush=True)
                time.sleep(10)
            except Exception as e:  # noqa: BLE001 - report and go on with the next seed
                lines.append(f"seed {seed}: error {type(e).__name__}: {e}")
                p, f = 0, 1
                break
        passed += p
        failed += f
    for line in lines[:MAX_LINES]:
        print(line)
    if len(lines) > MAX_LINES:
        print(f"... {len(lines) - MAX_LINES} more mismatches not shown")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
