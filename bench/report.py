#!/usr/bin/env python3
"""Turns the raw output of scripts/bench into the results table (stdout, .md, .csv).

    report.py RAW_DIR RESULTS_DIR NAME

RAW_DIR holds what scripts/bench wrote: meta.txt, main.out (\\echo @@ tags followed by psql
"Time:" lines; run 0 is the warm-up), warmup.txt, mem_N.txt, rssanon_N.txt, cancel.txt.
Writes RESULTS_DIR/NAME.md and RESULTS_DIR/NAME.csv. The growth measure (L vs M preview time)
is added when results of both sizes of the same variant exist in RESULTS_DIR.
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


meta = dict(line.split("=", 1) for line in read("meta.txt").splitlines() if "=" in line)
variant = meta["label"][1:]  # "", "-shuffled", "-partitioned", "-shuffled-partitioned"
shuffled = "shuffled" in variant

# --- timed statements of the main session
times = {}
tag = None
for line in read("main.out").splitlines():
    if line.startswith("@@ "):
        _, m, r = line.split()
        tag = (m, int(r))
    elif line.startswith("Time: ") and tag:
        times.setdefault(tag[0], []).append((tag[1], float(line.split()[1]) / 1000.0))
        tag = None


def runs(m):
    """The timed samples of a measure (round 0 is the warm-up)."""
    return [v for r, v in times.get(m, []) if r > 0]


def med(m):
    v = runs(m)
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
mem = []
for path in sorted(glob.glob(os.path.join(raw, "mem_*.txt"))):
    kv = {}
    for line in open(path):
        p = line.split()
        if len(p) >= 3 and p[0] in ("before", "after"):
            kv[(p[0], p[1].rstrip(":"))] = int(p[2]) / 1024.0  # MiB
    n = re.search(r"mem_(\d+)", path).group(1)
    anon = [int(l.split()[1]) / 1024.0 for l in open(os.path.join(raw, f"rssanon_{n}.txt"))
            if l.startswith("RssAnon:")] if os.path.exists(os.path.join(raw, f"rssanon_{n}.txt")) else []
    if ("after", "VmHWM") in kv:
        mem.append({
            "hwm": kv[("after", "VmHWM")],
            "shmem": kv.get(("after", "RssShmem"), 0.0),
            "shmem_before": kv.get(("before", "RssShmem"), 0.0),
            "file": kv.get(("after", "RssFile"), 0.0),
            "private": kv[("after", "VmHWM")] - kv.get(("after", "RssShmem"), 0.0) - kv.get(("after", "RssFile"), 0.0),
            "anon_peak": max(anon) if anon else None,
        })

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


preview_limit = 30 if shuffled else 10
timed("floor: count(*) of events in [month-6d, month end)", "floor", "floor", "floor")
timed("revenue_split_preview(10000000, 2025, 8)", "preview", "floor", "floor", preview_limit)
if med("preview") and med("floor"):
    rows[-1]["result"] += "" if med("preview") / med("floor") <= 20 or shuffled else " (> 20x: does not resolve)"
timed("revenue_split_commit(10000000, 2025, 8), rolled back", "commit", "preview", "preview", 1.3)
if med("commit") and med("floor"):
    rows[-1]["result"] += f" ({med('commit') / med('floor'):.1f}x floor)"
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
    add("preview backend peak private memory (VmHWM - RssShmem - RssFile)", v, "MiB", min(priv), max(priv),
        None, "", "<= 1024 MiB", "PASS" if max(priv) <= 1024 else "FAIL")
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
size = meta["size"]
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
        return f"{v:.0f}"
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
    f"max_parallel_workers_per_gather {meta.get('max_parallel_workers_per_gather', '?')}, jit {meta.get('jit', '?')}",
    f"floor plan: {meta.get('floor_plan', '?')}; day floor plan: {meta.get('day_floor_plan', '?')}",
    f"median of {meta['runs']} run(s) after one warm-up round (the floors: of 3 samples per round), "
    f"measures interleaved in one session; {meta['date']}"
    + (f"; data loaded in {meta['load_s']} s" if meta.get("load_s") else ""),
]
sanity = []
for m in ("floor", "preview", "commit", "day_floor", "units"):
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
