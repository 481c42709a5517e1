#!/usr/bin/env python3
"""Turns the raw output of scripts/bench into the results table (stdout, .md, .csv).

    report.py RAW_DIR RESULTS_DIR NAME

RAW_DIR holds what scripts/bench wrote: meta.txt, main.out (\\echo @@ tags followed by psql
"Time:" lines, run 0 is the warm-up; a "## stored ..." line: what the warm-up commit stored),
warmup.txt, mem_N.txt, rssanon_N.txt, cancel.txt, and for W an inactive/ directory with the
same files for W10 (the growth ratios W10/W). Writes RESULTS_DIR/NAME.md and
RESULTS_DIR/NAME.csv. The growth measure (L vs M preview time) is added when results of both
sizes of the same variant (and settings) exist in RESULTS_DIR.
"""
import csv
import glob
import os
import re
import statistics
import sys

raw, results_dir, name = sys.argv[1:4]


def read(path, default=""):
    try:
        with open(os.path.join(raw, path)) as f:
            return f.read()
    except FileNotFoundError:
        return default


def meta_of(sub=""):
    return dict(line.split("=", 1) for line in read(os.path.join(sub, "meta.txt")).splitlines() if "=" in line)


meta = meta_of()
size = meta["size"]
variant = meta["label"][len(size):]  # "", "-shuffled", "-partitioned", ..., each maybe + "-defaults"
shuffled = "shuffled" in variant


# --- timed statements of the main session
def parse_times(sub=""):
    out, tag, stored = {}, None, {}
    for line in read(os.path.join(sub, "main.out")).splitlines():
        if line.startswith("@@ "):
            _, m, r = line.split()
            tag = (m, int(r))
        elif line.startswith("Time: ") and tag:
            out.setdefault(tag[0], []).append((tag[1], float(line.split()[1]) / 1000.0))
            tag = None
        elif line.startswith("## stored "):
            stored = dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)
    return out, stored


times, stored = parse_times()
inactive_dir = os.path.join(raw, "inactive")
times10, _ = parse_times("inactive") if os.path.isdir(inactive_dir) else ({}, {})
meta10 = meta_of("inactive") if os.path.isdir(inactive_dir) else {}


def runs(m, t=None):
    """The timed samples of a measure (round 0 is the warm-up)."""
    return [v for r, v in (times if t is None else t).get(m, []) if r > 0]


def med(m, t=None):
    v = runs(m, t)
    return statistics.median(v) if v else None


# --- warm-up results (sanity: what the timed statements returned)
warm = {}
cur = None
for line in read("warmup.txt").splitlines():
    if line.startswith("@@ "):
        cur = line.split()[1]
    elif cur and line.strip() and not set(line.strip()) <= set("-+") and "row" not in line:
        warm.setdefault(cur, []).append(line.strip())

# --- memory
def parse_mem(d):
    out = []
    for path in sorted(glob.glob(os.path.join(d, "mem_*.txt"))):
        kv = {}
        for line in open(path):
            p = line.split()
            if len(p) >= 3 and p[0] in ("before", "after"):
                kv[(p[0], p[1].rstrip(":"))] = int(p[2]) / 1024.0  # MiB
        n = re.search(r"mem_(\d+)", path).group(1)
        anon = [int(l.split()[1]) / 1024.0 for l in open(os.path.join(d, f"rssanon_{n}.txt"))
                if l.startswith("RssAnon:")] if os.path.exists(os.path.join(d, f"rssanon_{n}.txt")) else []
        if ("after", "VmHWM") in kv:
            derived = kv[("after", "VmHWM")] - kv.get(("after", "RssShmem"), 0.0) - kv.get(("after", "RssFile"), 0.0)
            out.append({
                "hwm": kv[("after", "VmHWM")],
                "shmem": kv.get(("after", "RssShmem"), 0.0),
                "shmem_before": kv.get(("before", "RssShmem"), 0.0),
                "file": kv.get(("after", "RssFile"), 0.0),
                # VmHWM - RssShmem - RssFile (after the call) falls short when the private peak
                # comes before the call has touched all of the shared buffers it maps (on W,
                # those of users and videos): then the sampled RssAnon is the higher, and the
                # truer, of the two.
                "private": max(derived, max(anon)) if anon else derived,
                "anon_peak": max(anon) if anon else None,
            })
    return out


mem = parse_mem(raw)
mem10 = parse_mem(inactive_dir) if os.path.isdir(inactive_dir) else []

# --- cancel
cancel = []
for line in read("cancel.txt").splitlines():
    r, lat, status = line.split()
    cancel.append((float(lat), status))

# --- rows: measure, value, unit, min, max, ratio, ratio_to, target, result
rows = []


def add(measure, value, unit, lo, hi, ratio, ratio_to, target, result):
    rows.append({"measure": measure, "value": value, "unit": unit, "min": lo, "max": hi,
                 "ratio": ratio, "ratio_to": ratio_to, "target": target, "result": result})


def timed(measure, m, base=None, base_name="", limit=None, info=""):
    v = med(m)
    if v is None:
        return
    r = runs(m)
    ratio = v / med(base) if base and med(base) else None
    if limit is not None and ratio is not None:
        result = "PASS" if ratio <= limit else "FAIL"
        target = f"<= {limit:g}x {base_name}"
    else:
        result, target = info, ""
    add(measure, v, "s", min(r), max(r), ratio, base_name if ratio is not None else "", target, result)


def speedup(m):
    if not med("preview"):
        return ""
    r = med(m) / med("preview")
    return f"preview is {r:.1f}x faster" if r >= 1 else f"preview is {1 / r:.1f}x slower"


# Targets: issue 5 (preview <= 10x its floor, 30x shuffled; units <= 10x; memory <= 1 GiB), issue
# 15 (M's preview <= 6x; W: preview and units <= 10x, memory <= 1 GiB, aim 512 MiB, W10/W <= 1.2).
preview_limit = 30 if shuffled else (6 if size == "M" else 10)
timed("floor: count(*) of events in [month-6d, month end)", "floor", "floor", "floor")
timed("revenue_split_preview(10000000, 2025, 8)", "preview", "floor", "floor", preview_limit)
if med("preview") and med("floor"):
    rows[-1]["result"] += "" if med("preview") / med("floor") <= 20 or shuffled else " (> 20x: does not resolve)"
timed("revenue_split_commit(10000000, 2025, 8), rolled back", "commit", "preview", "preview", 1.3)
if med("commit") and med("floor"):
    rows[-1]["result"] += f" ({med('commit') / med('floor'):.1f}x floor)"
if med("correct") and med("commit"):
    v, r = med("correct"), runs("correct")
    add("revenue_split_correct(2025, 8): the farm creators flagged after the commit, same transaction, rolled back",
        v, "s", min(r), max(r), v / med("commit"), "commit", "", f"{v / med('commit'):.2f}x commit (issue 13)")
if stored:
    n = int(stored.get("statement_rows", 0))
    sl = int(stored.get("statement_disk_bytes", 0)) - int(stored.get("statement_disk_bytes_before", 0))
    al = int(stored.get("all_disk_bytes", 0)) - int(stored.get("all_disk_bytes_before", 0))
    rb = int(stored.get("statement_row_bytes", 0))
    add("stored by one commit: statement_lines rows (one per creator and video of the month)", n, "rows",
        None, None, None, "", "", f"{stored.get('entries', '?')} ledger entries")
    add("stored by one commit: statement_lines on disk (heap + primary key)", sl / 1048576, "MiB", None, None,
        None, "", "", f"{sl / n:.0f} bytes/row on disk, {rb / n:.0f} bytes/row of tuple data" if n else "")
    add("stored by one commit: every revenue_split table on disk", al / 1048576, "MiB", None, None, None, "", "",
        "runs, allocations, entries, accounts, statement_lines (first commit on empty tables)")
timed("day floor: count(*) of events in [2025-08-14, 2025-08-21)", "day_floor", "day_floor", "day floor")
timed("revenue_split_units('2025-08-20')", "units", "day_floor", "day floor", 10)
if med("naive_daily"):
    timed("naive (a): plain SQL GROUP BYs, 31 days x 4 queries", "naive_daily", "floor", "floor",
          info=speedup("naive_daily"))
if med("naive_copy"):
    timed("naive (b): COPY month's events TO STDOUT (psql > /dev/null)", "naive_copy", "floor", "floor",
          info=speedup("naive_copy"))
if mem:
    priv = [m["private"] for m in mem]
    v = statistics.median(priv)
    aim = " (aim 512 MiB: " + ("met)" if max(priv) <= 512 else "missed)") if size == "W" else ""
    add("preview backend peak private memory (the larger of VmHWM - RssShmem - RssFile and sampled RssAnon)",
        v, "MiB", min(priv), max(priv),
        None, "", "<= 1024 MiB", ("PASS" if max(priv) <= 1024 else "FAIL") + aim)
    hwm = [m["hwm"] for m in mem]
    anon = [m["anon_peak"] for m in mem if m["anon_peak"] is not None]
    add("preview backend VmHWM (raw: incl. shared buffers and code mapped)", statistics.median(hwm), "MiB",
        min(hwm), max(hwm), None, "", "",
        f"RssAnon sampled every 50 ms peaked at {max(anon):.0f} MiB" if anon else "")
if cancel:
    ok = [lat for lat, st in cancel if st == "canceled"]
    if ok:
        v = statistics.median(ok)
        res = "PASS" if max(ok) <= 1.0 else "FAIL"
        if len(ok) < len(cancel):
            res += f" ({len(cancel) - len(ok)} run(s) finished before the cancel)"
        add("pg_cancel_backend during a preview: time to end", v, "s", min(ok), max(ok), None, "",
            "<= 1 s", res)
    else:
        add("pg_cancel_backend during a preview: time to end", None, "s", None, None, None, "",
            "<= 1 s", "n/a: the preview finished before the cancel")


# --- W10: the same events with a 10x wider catalog of idle users and videos (same run)
if times10:
    n10 = f"{int(meta10.get('users_rows', 0)):,} users, {int(meta10.get('videos_rows', 0)):,} videos"
    for m, what, base in (("floor", "floor", None), ("preview", "preview", "floor"),
                          ("day_floor", "day floor", None), ("units", "units('2025-08-20')", "day_floor")):
        v10, v = med(m, times10), med(m)
        if v10 is None or not v:
            continue
        r10 = runs(m, times10)
        limit = 1.2 if base else None
        res = "" if limit is None else ("PASS" if v10 / v <= limit else "FAIL")
        if base and med(base, times10):
            res += f" ({v10 / med(base, times10):.2f}x its floor in W10)"
        add(f"W10 ({n10}): {what}", v10, "s", min(r10), max(r10), v10 / v, "W", f"<= {limit:g}x W" if limit else "",
            res)
    if mem10 and mem:
        p10, p = statistics.median([m["private"] for m in mem10]), statistics.median([m["private"] for m in mem])
        add("W10: preview backend peak private memory", p10, "MiB", None, None, p10 / p, "W", "<= 1.2x W",
            "PASS" if p10 / p <= 1.2 else "FAIL")
        h10 = statistics.median([m["hwm"] for m in mem10])
        add("W10: preview backend VmHWM (raw)", h10, "MiB", None, None,
            h10 / statistics.median([m["hwm"] for m in mem]), "W", "", "")


if os.path.isdir(inactive_dir) and read(os.path.join("inactive", "error.txt")).strip():
    err = [l for l in read(os.path.join("inactive", "error.txt")).splitlines() if l.strip()]
    add("W10: the timing session failed", None, "", None, None, None, "", "", err[-1] if err else "")


# --- growth: L vs M, same variant: the latest result of the other size measured with the same
# build (revenue_split.so md5), else the latest one, reported as not comparable
def build_of(csv_path):
    md = csv_path[:-4] + ".md"
    m = re.search(r"revenue_split\.so md5 (\w+)", open(md).read()) if os.path.exists(md) else None
    return m.group(1) if m else None


def preview_of(path):
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["measure"].startswith("revenue_split_preview") and row["value"]:
                return float(row["value"])
    return None


mine = med("preview")
other = {"M": "L", "L": "M"}.get(size)
if other and mine:
    files = [f for f in sorted(glob.glob(os.path.join(results_dir, f"{other}{variant}-2*.csv")), reverse=True)
             if preview_of(f)]
    same = [f for f in files if build_of(f) == meta.get("so_md5")]
    path = (same or files or [None])[0]
    if path:
        m_s, l_s = (mine, preview_of(path)) if size == "M" else (preview_of(path), mine)
        if same:
            verdict = "PASS" if l_s / m_s <= 6 else "FAIL"
        else:
            verdict = (f"n/a: {os.path.basename(path)} measured another build ({build_of(path)}); "
                       f"run {other} with --same-build")
        add(f"growth: preview L / preview M (other: {os.path.basename(path)})", l_s / m_s, "ratio",
            None, None, None, "", "<= 6", verdict)


# --- output
def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return f"{v:.3f}"
    if unit == "MiB":
        return f"{v:.0f}" if v >= 100 else f"{v:.1f}"
    if unit == "rows":
        return f"{v:d}"
    return f"{v:.2f}"


header = ["measure", "median", "unit", "min", "max", "ratio", "target", "result"]
table = [[r["measure"], fmt(r["value"], r["unit"]), r["unit"], fmt(r["min"], r["unit"]),
          fmt(r["max"], r["unit"]),
          (f"{r['ratio']:.2f}x {r['ratio_to']}" if r["ratio"] is not None else ""),
          r["target"], r["result"]] for r in rows]

info = [
    f"data set {meta['label']}: {meta.get('event_rows', '?')} events ({meta.get('event_size', '?')}), "
    f"database {meta['database']}",
    f"extension {meta.get('ext_version', '?')}, git {meta.get('commit', '?')}"
    + (f" + {meta['dirty']} uncommitted file(s)" if meta.get("dirty", "0") != "0" else "")
    + f", revenue_split.so md5 {meta.get('so_md5', '?')} built {meta.get('so_mtime', '?')}",
    f"{meta.get('server', '?')}, {meta.get('cpus', '?')} CPUs, load average at start {meta.get('loadavg', '?')}; "
    f"shared_buffers {meta.get('shared_buffers', '?')}, work_mem {meta.get('work_mem', '?')}, "
    f"max_parallel_workers_per_gather {meta.get('max_parallel_workers_per_gather', '?')}, jit {meta.get('jit', '?')}, "
    f"fsync {meta.get('fsync', '?')}, max_wal_size {meta.get('max_wal_size', '?')}",
    f"settings: {meta.get('settings_text', '?')}",
    f"catalog: {int(meta.get('users_rows', 0)):,} users, {int(meta.get('videos_rows', 0)):,} videos; "
    f"indexes on event: {meta.get('event_indexes', '?')}",
    f"floor plan: {meta.get('floor_plan', '?')}; day floor plan: {meta.get('day_floor_plan', '?')}",
    f"median of {meta['runs']} run(s) after one warm-up round (the floors: of 3 samples per round), "
    f"measures interleaved in one session; {meta['date']}"
    + (f"; data loaded in {meta['load_s']}" + ("" if meta["load_s"].endswith(" s") else " s")
       if meta.get("load_s") else ""),
]
sanity = []
for m in ("floor", "preview", "commit", "correct", "day_floor", "units"):
    if m in warm:
        sanity.append(f"{m}: {' / '.join(dict.fromkeys(warm[m]))}")

widths = [max(len(str(x)) for x in col) for col in zip(header, *table)]
print()
for line in info:
    print(line)
print()
print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
print("  ".join("-" * w for w in widths))
for t in table:
    print("  ".join(str(x).ljust(w) for x, w in zip(t, widths)))
print()
print("warm-up results: " + "; ".join(sanity))

os.makedirs(results_dir, exist_ok=True)
with open(os.path.join(results_dir, name + ".md"), "w") as f:
    f.write(f"# revenue_split benchmark: {meta['label']}\n\n")
    for line in info:
        f.write(f"- {line}\n")
    f.write("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n")
    for t in table:
        f.write("| " + " | ".join(str(x) for x in t) + " |\n")
    f.write("\nWarm-up results (what the timed statements returned):\n\n")
    for s in sanity:
        f.write(f"- {s}\n")
with open(os.path.join(results_dir, name + ".csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["measure", "value", "unit", "min", "max", "ratio", "ratio_to",
                                      "target", "result"])
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else (f"{v:.6g}" if isinstance(v, float) else v))
                    for k, v in r.items()})
print(f"written: bench/results/{name}.md, bench/results/{name}.csv")
