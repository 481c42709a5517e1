#!/usr/bin/env python3
"""Independent reference implementation ("oracle") of SPEC.md sections 2-5 and the read-only
functions of section 8, computed from raw application rows (not SQL).

    from reference import Oracle, load_from_psql
    users, videos, events = load_from_psql("psql -X -h /tmp/sock -p 5499 -d db")
    o = Oracle(users, videos, events)
    o.video_units("2025-08-20")      # rows of revenue_split_video_units(day)
    o.units("2025-08-20")            # rows of revenue_split_units(day)
    o.preview(10000000, 2025, 8)     # rows of revenue_split_preview(pool, year, month)
    o.preview_day(1001, "2025-08-20")  # rows of revenue_split_preview_day(pool, day)

Each function returns a list of dicts keyed by the SPEC section 8 column names, sorted by key.

Input rows (plain Python values):
    users : (id:int, kyc_level:int|None, creator_trust_score:str|None, likely_bot:bool|None)
            creator_trust_score is the NUMERIC text ('62.5', 'NaN', 'Infinity', '1e30', ...)
    videos: (id:int, creator_id:int, created_at:int|None)   timestamps = integer microseconds
                                                             since 1970-01-01 00:00:00 UTC
    events: (video_id:int|None, event_type:str|None, ts:int|None, device_id:str|None,
             ip_hash:str|None)

Configuration: the SPEC's defaults (the constants below).

Command line (prints CSV with the SPEC's header):
    reference.py --psql "psql -X -d db" [--schema public] video_units 2025-08-20
    reference.py --psql "..." units 2025-08-20
    reference.py --psql "..." preview 10000000 2025 8
    reference.py --psql "..." preview_day 1001 2025-08-20
Python 3.11 standard library only.
"""
import csv
import datetime as dt
import math
import re
import shlex
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# ---------------------------------------------------------------- configuration (SPEC defaults)
WEIGHTS = {"view": 1, "like": 3, "comment": 5, "share": 8}   # SPEC 2; compared exactly
QUALITY_STEP = 0.01           # 3.1: 0.01 * z
QUALITY_CLAMP = 0.02          # 3.1: +-2%
SIGMA_EPS = 1e-9              # 3.1
EARLY_WINDOW_US = 2 * 3600 * 10**6   # 3.2: two hours
EARLY_MIN_VIEWS = 50          # 3.2
EARLY_DEV_RATIO = Fraction(1, 2)     # 3.2: 0.5 (compared exactly)
EARLY_IP_RATIO = Fraction(2, 5)      # 3.2: 0.4 (compared exactly)
EARLY_MULT = 1.05
CLUSTER_THRESHOLD = 0.20      # 3.3
CLUSTER_SLOPE = 2.0
CLUSTER_FLOOR = 1 - 0.30
INTEGRITY_DAYS = 7            # 4.1: [D-6, D+1)
INTEGRITY_BASE = 0.97
INTEGRITY_SPAN = 0.06
TRUST_LO = 0.80               # 4.2 (Decision: 0.80 / 1.20)
TRUST_HI = 1.20
TRUST_SPAN = 0.40           # TRUST_HI - TRUST_LO, written as in the SPEC
KYC_CAPS = {1: 5000, 2: 50000}   # 5: NULL or <= 0 -> 0; >= 3 -> unlimited (None)
KYC_UNLIMITED_FROM = 3

DAY_US = 86400 * 10**6
EPOCH = dt.date(1970, 1, 1)

VIDEO_UNITS_COLS = ["video_id", "creator_id", "views", "likes", "comments", "shares", "raw_units",
                    "quality_mult", "early_mult", "cluster_mult", "units"]
UNITS_COLS = ["creator_id", "units", "raw_units", "videos", "integrity_mult", "trust_mult", "excluded"]
PREVIEW_COLS = ["creator_id", "units", "kyc_level", "cap_cents", "amount_cents", "capped"]


# ---------------------------------------------------------------- small helpers
def day_number(day):
    """date | 'YYYY-MM-DD' -> days since 1970-01-01 (the UTC day [D 00:00, D+1 00:00))."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return (day - EPOCH).days


def day_of(ts_us):
    return ts_us // DAY_US


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def trust_mult_of(score_text):
    """SPEC 4.2 from the NUMERIC text; None = NULL or missing user row."""
    if score_text is None:
        return 1.0
    try:
        s = Decimal(str(score_text).strip())
    except InvalidOperation:
        return 1.0
    if s.is_nan() or s.is_infinite():
        return 1.0
    s = clamp(s, Decimal(0), Decimal(100))
    return TRUST_LO + TRUST_SPAN * float(s) / 100


def kyc_cap(kyc_level, user_exists=True):
    """SPEC 5: cap in cents, None = unlimited."""
    if not user_exists or kyc_level is None or kyc_level <= 0:
        return 0
    if kyc_level >= KYC_UNLIMITED_FROM:
        return None
    return KYC_CAPS[kyc_level]


# ---------------------------------------------------------------- the oracle
class Oracle:
    def __init__(self, users, videos, events):
        self.users = {}
        for uid, kyc, trust, bot in users:
            self.users[int(uid)] = (kyc, trust, bot)
        self.videos = {}
        for vid, creator, created in videos:
            self.videos[int(vid)] = (int(creator), created)

        # SPEC 2: keep counted events only (exact type, non-NULL ts, existing video)
        self.by_day = {}          # day number -> list of (video_id, type, ts, device, ip)
        self.views_of = {}        # video_id -> list of (ts, device, ip) of its view events
        for vid, etype, ts, dev, ip in events:
            if etype not in WEIGHTS or ts is None or vid is None or int(vid) not in self.videos:
                continue
            vid = int(vid)
            self.by_day.setdefault(day_of(ts), []).append((vid, etype, ts, dev, ip))
            if etype == "view":
                self.views_of.setdefault(vid, []).append((ts, dev, ip))
        self._early = {}
        self._units_cache = {}

    # -- SPEC 3.2 (a property of the video)
    def early_mult(self, vid):
        if vid not in self._early:
            created = self.videos[vid][1]
            mult = 1.0
            if created is not None:
                inside = [(d, i) for ts, d, i in self.views_of.get(vid, [])
                          if created <= ts < created + EARLY_WINDOW_US]
                n = len(inside)
                uniq_dev = len({d for d, _ in inside if d is not None})
                uniq_ip = len({i for _, i in inside if i is not None})
                if (n >= EARLY_MIN_VIEWS and uniq_dev >= EARLY_DEV_RATIO * n
                        and uniq_ip >= EARLY_IP_RATIO * n):
                    mult = EARLY_MULT
            self._early[vid] = mult
        return self._early[vid]

    # -- SPEC 2 + 3: one row per video in the cohort of the day
    def video_units(self, day):
        d = day_number(day)
        per_video = {}
        for vid, etype, ts, dev, ip in self.by_day.get(d, []):
            v = per_video.setdefault(vid, {"view": 0, "like": 0, "comment": 0, "share": 0,
                                           "dev": {}, "ip": {}})
            v[etype] += 1
            if etype == "view":
                if dev is not None:
                    v["dev"][dev] = v["dev"].get(dev, 0) + 1
                if ip is not None:
                    v["ip"][ip] = v["ip"].get(ip, 0) + 1
        if not per_video:
            return []
        vids = sorted(per_video)

        # 3.1 quality over the cohort
        er = {vid: (per_video[vid]["like"] + per_video[vid]["comment"] + per_video[vid]["share"])
              / max(1, per_video[vid]["view"]) for vid in vids}
        n = len(vids)
        mu = sum(er.values()) / n
        sigma = math.sqrt(sum((x - mu) ** 2 for x in er.values()) / n)

        rows = []
        for vid in vids:
            v = per_video[vid]
            raw = (WEIGHTS["view"] * v["view"] + WEIGHTS["like"] * v["like"]
                   + WEIGHTS["comment"] * v["comment"] + WEIGHTS["share"] * v["share"])
            z = 0.0 if sigma < SIGMA_EPS else (er[vid] - mu) / sigma
            quality = 1 + clamp(QUALITY_STEP * z, -QUALITY_CLAMP, QUALITY_CLAMP)
            early = self.early_mult(vid)
            # 3.3 cluster penalty over the day's views
            views = v["view"]
            if views == 0:
                cluster = 1.0
            else:
                top = max(max(v["dev"].values(), default=0), max(v["ip"].values(), default=0))
                top_share = top / views
                if top_share <= CLUSTER_THRESHOLD:
                    cluster = 1.0
                else:
                    cluster = max(CLUSTER_FLOOR, 1 - CLUSTER_SLOPE * (top_share - CLUSTER_THRESHOLD))
            rows.append({
                "video_id": vid, "creator_id": self.videos[vid][0],
                "views": v["view"], "likes": v["like"], "comments": v["comment"], "shares": v["share"],
                "raw_units": float(raw), "quality_mult": quality, "early_mult": early,
                "cluster_mult": cluster, "units": raw * quality * early * cluster,
            })
        return rows

    # -- SPEC 4.1
    def integrity_mult(self, creator, d):
        views = likes = comments = 0
        devs, ips = set(), set()
        for day in range(d - (INTEGRITY_DAYS - 1), d + 1):
            for vid, etype, ts, dev, ip in self.by_day.get(day, []):
                if self.videos[vid][0] != creator:
                    continue
                if etype == "view":
                    views += 1
                    if dev is not None:
                        devs.add(dev)
                    if ip is not None:
                        ips.add(ip)
                elif etype == "like":
                    likes += 1
                elif etype == "comment":
                    comments += 1
        denom = max(1, views)
        score = (min(1, 5 * len(devs) / denom)
                 + min(1, 5 * len(ips) / denom)
                 + min(1, 10 * (likes + comments) / denom)) / 3
        return INTEGRITY_BASE + INTEGRITY_SPAN * score

    # -- SPEC 4: one row per creator with a video in the cohort of the day
    def units(self, day):
        d = day_number(day)
        if d in self._units_cache:
            return [dict(r) for r in self._units_cache[d]]
        per_creator = {}
        for r in self.video_units(day):
            c = per_creator.setdefault(r["creator_id"], {"units": 0.0, "raw": 0.0, "videos": 0})
            c["units"] += r["units"]
            c["raw"] += r["raw_units"]
            c["videos"] += 1
        rows = []
        for creator in sorted(per_creator):
            c = per_creator[creator]
            user = self.users.get(creator)
            trust = trust_mult_of(user[1]) if user else 1.0
            bot = bool(user and user[2] is True)
            integrity = self.integrity_mult(creator, d)
            units = 0.0 if bot else integrity * trust * c["units"]
            rows.append({"creator_id": creator, "units": units, "raw_units": c["raw"],
                         "videos": c["videos"], "integrity_mult": integrity, "trust_mult": trust,
                         "excluded": bot})
        self._units_cache[d] = rows
        return [dict(r) for r in rows]

    # -- SPEC 5
    def _cap_and_kyc(self, creator):
        user = self.users.get(creator)
        if user is None:
            return 0, None
        return kyc_cap(user[0]), user[0]

    def allocate(self, units, pool):
        """units: {creator: float} -> preview rows (creators with units > 0)."""
        pool = int(pool)
        E = sorted(c for c, u in units.items() if u > 0)
        U = {c: Fraction(units[c]) for c in E}
        cap = {}
        kyc = {}
        for c in E:
            cap[c], kyc[c] = self._cap_and_kyc(c)
        # water-filling: cap-0 creators are bound from the start (their cap 0 < any share)
        capped = {c for c in E if cap[c] == 0}
        active = [c for c in E if c not in capped]
        remaining = Fraction(pool)            # pool minus caps of capped creators (all 0 so far)
        lam = None
        while active:
            lam = remaining / sum(U[c] for c in active)
            newly = [c for c in active if cap[c] is not None and lam * U[c] > cap[c]]
            if not newly:
                break
            for c in newly:
                capped.add(c)
                remaining -= cap[c]
            active = [c for c in active if c not in capped]
        amount = {c: cap[c] for c in capped}
        if active:
            share = {c: lam * U[c] for c in active}
            floor = {c: math.floor(share[c]) for c in active}
            left = remaining - sum(floor.values())
            assert left.denominator == 1 and 0 <= left <= len(active), left
            left = int(left)
            amount.update(floor)
            for c in sorted(active, key=lambda c: (-(share[c] - floor[c]), c)):
                if left == 0:
                    break
                if cap[c] is not None and amount[c] + 1 > cap[c]:
                    continue
                amount[c] += 1
                left -= 1
            assert left == 0
        rows = []
        for c in E:
            rows.append({"creator_id": c, "units": units[c], "kyc_level": kyc[c], "cap_cents": cap[c],
                         "amount_cents": amount[c], "capped": c in capped})
        assert sum(r["amount_cents"] for r in rows) <= pool
        return rows

    def month_units(self, year, month):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        total = {}
        for d in range(day_number(first), day_number(nxt)):
            if d not in self.by_day:
                continue
            for r in self.units(EPOCH + dt.timedelta(days=d)):
                total[r["creator_id"]] = total.get(r["creator_id"], 0.0) + r["units"]
        return total

    def preview(self, pool, year, month):
        return self.allocate(self.month_units(int(year), int(month)), pool)

    def preview_day(self, pool, day):
        return self.allocate({r["creator_id"]: r["units"] for r in self.units(day)}, pool)

    def event_days(self):
        """Days (dt.date) that have at least one counted event."""
        return [EPOCH + dt.timedelta(days=d) for d in sorted(self.by_day)]


# ---------------------------------------------------------------- parsing values
_TS = re.compile(r"^\s*(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"
                 r"\s*(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|(Z|UTC))?\s*$")


def parse_ts(text):
    """timestamp text -> integer microseconds since the epoch (UTC); None for NULL / infinite /
    unparsable. Without an offset the text is taken as UTC."""
    if text is None:
        return None
    m = _TS.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m[i]) for i in range(1, 7))
    frac = int((m[7] or "0").ljust(6, "0"))
    days = (dt.date(y, mo, d) - EPOCH).days if y <= 9999 else None
    if days is None:
        return None
    us = ((days * 24 + h) * 60 + mi) * 60 * 10**6 + s * 10**6 + frac
    if m[8]:
        off = (int(m[9]) * 3600 + int(m[10] or 0) * 60 + int(m[11] or 0)) * 10**6
        us -= off if m[8] == "+" else -off
    return us


def parse_bool(text):
    if text is None:
        return None
    return {"t": True, "true": True, "f": False, "false": False}[text.strip().lower()]


def parse_int(text):
    return None if text is None else int(text)


_ESC = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def copy_text_field(raw):
    """One field of COPY text format -> str or None."""
    if raw == "\\N":
        return None
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\" or i + 1 == len(raw):
            out.append(ch)
            i += 1
            continue
        nx = raw[i + 1]
        if nx in _ESC:
            out.append(_ESC[nx])
            i += 2
        elif nx in "01234567":
            j = i + 1
            while j < len(raw) and j < i + 4 and raw[j] in "01234567":
                j += 1
            out.append(chr(int(raw[i + 1:j], 8)))
            i = j
        elif nx == "x" and i + 2 < len(raw) and raw[i + 2] in "0123456789abcdefABCDEF":
            j = i + 2
            while j < len(raw) and j < i + 4 and raw[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(raw[i + 2:j], 16)))
            i = j
        else:
            out.append(nx)
            i += 2
    return "".join(out)


def copy_text_rows(text):
    """COPY text-format output (no trailing '\\.') -> list of lists of str|None."""
    rows = []
    for line in text.split("\n"):
        if line == "" or line == "\\.":
            continue
        rows.append([copy_text_field(f) for f in line.split("\t")])
    return rows


def rows_from_columns(users_rows, videos_rows, event_rows):
    """Lists of dicts {column: text|None} -> the Oracle's input tuples."""
    users = [(int(r["id"]), parse_int(r.get("kyc_level")), r.get("creator_trust_score"),
              parse_bool(r.get("likely_bot"))) for r in users_rows]
    videos = [(int(r["id"]), int(r["creator_id"]), parse_ts(r.get("created_at"))) for r in videos_rows]
    events = [(parse_int(r.get("video_id")), r.get("event_type"), parse_ts(r.get("ts")),
               r.get("device_id"), r.get("ip_hash")) for r in event_rows]
    return users, videos, events


def parse_sql_dump(text, schema=None):
    """The COPY ... FROM stdin blocks of a SQL file (like golden/data.sql) -> (users, videos, events).
    schema: only blocks for that schema (None = any)."""
    tables = {"users": [], "videos": [], "event": []}
    lines = text.split("\n")
    i = 0
    head = re.compile(r"^COPY\s+(?:\"?([\w]+)\"?\.)?\"?(\w+)\"?\s*\(([^)]*)\)\s+FROM\s+stdin", re.I)
    while i < len(lines):
        m = head.match(lines[i])
        i += 1
        if not m:
            continue
        sch, table, cols = m[1], m[2], [c.strip().strip('"') for c in m[3].split(",")]
        block = []
        while lines[i] != "\\.":
            block.append(lines[i])
            i += 1
        i += 1
        if table not in tables or (schema is not None and (sch or "public") != schema):
            continue
        for r in copy_text_rows("\n".join(block)):
            tables[table].append(dict(zip(cols, r)))
    return rows_from_columns(tables["users"], tables["videos"], tables["event"])


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def load_from_psql(psql_command, schema="public"):
    """Read users, videos and event from a database with psql (COPY ... TO STDOUT, text format so
    that NULL and '' stay distinct). Timestamps are read as UTC text, trust scores as NUMERIC text."""
    s = ident(schema)
    ts = "to_char(({c}) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    queries = {
        "users": (["id", "kyc_level", "creator_trust_score", "likely_bot"],
                  f"SELECT id::text, kyc_level::text, creator_trust_score::text, likely_bot::text "
                  f"FROM {s}.users"),
        "videos": (["id", "creator_id", "created_at"],
                   f"SELECT id::text, creator_id::text, {ts.format(c='created_at')} FROM {s}.videos"),
        "event": (["video_id", "event_type", "ts", "device_id", "ip_hash"],
                  f"SELECT video_id::text, event_type::text, {ts.format(c='ts')}, device_id::text, "
                  f"ip_hash::text FROM {s}.event"),
    }
    out = {}
    base = shlex.split(psql_command) + ["-X", "-q", "-v", "ON_ERROR_STOP=1"]
    for name, (cols, sql) in queries.items():
        r = subprocess.run(base + ["-c", "SET TimeZone = 'UTC'", "-c", f"COPY ({sql}) TO STDOUT"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"reading {name}: {r.stderr.strip()}")
        out[name] = [dict(zip(cols, row)) for row in copy_text_rows(r.stdout)]
    return rows_from_columns(out["users"], out["videos"], out["event"])


# ---------------------------------------------------------------- output
def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_csv(rows, cols, f=sys.stdout):
    w = csv.writer(f, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([fmt(r[c]) for c in cols])


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--psql", help="psql command line")
    ap.add_argument("--sql-file", help="read the COPY blocks of a SQL file instead of a database")
    ap.add_argument("--schema", default="public", help="application schema (default public)")
    ap.add_argument("function", choices=["video_units", "units", "preview", "preview_day"])
    ap.add_argument("args", nargs="+")
    a = ap.parse_args(argv)
    if a.sql_file:
        with open(a.sql_file) as f:
            data = parse_sql_dump(f.read(), a.schema)
    elif a.psql:
        data = load_from_psql(a.psql, a.schema)
    else:
        ap.error("give --psql or --sql-file")
    o = Oracle(*data)
    if a.function == "video_units":
        write_csv(o.video_units(a.args[0]), VIDEO_UNITS_COLS)
    elif a.function == "units":
        write_csv(o.units(a.args[0]), UNITS_COLS)
    elif a.function == "preview":
        write_csv(o.preview(int(a.args[0]), int(a.args[1]), int(a.args[2])), PREVIEW_COLS)
    else:
        write_csv(o.preview_day(int(a.args[0]), a.args[1]), PREVIEW_COLS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
