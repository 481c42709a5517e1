#!/usr/bin/env python3
"""Seeded generator of small but nasty revenue_split application data (SPEC section 1 tables).

    gen_adversarial.py --seed N --out file.sql [--schema public] [--drop]

Writes SQL that creates users / videos / event / transactions in the schema (same column shapes
as golden/data.sql; ids are bigint for some seeds, event is range-partitioned by month for some
seeds, transactions.direction is an enum for some seeds) and fills them with COPY blocks.
--drop prepends DROP TABLE IF EXISTS for those tables (and the enum type).

What a seed contains (each with random sizes):
  * 3-8 creators, 5-20 videos, a few thousand events over ~2 months around a target month;
  * counted types view / like / comment / share and ignored ones ('View', '', NULL, 'view ', ...),
    NULL ts, events for missing videos and NULL video_id, NULL device_id / ip_hash;
  * cluster bursts of one device or IP (exactly 20%, just above, the 0.70 floor and beyond);
  * early windows (videos created inside the data range, 40-80 early views with device / IP ratios
    at and next to the 0.5 / 0.4 thresholds, windows across midnight, a view at created_at and one
    at created_at + 2h, NULL created_at);
  * events exactly at midnight, at 23:59:59.999999 and at the month edges, timestamps written with
    non-UTC offsets;
  * trust NULL / NaN / Infinity / -5 / 150 / 62.5 / 1e30 ..., likely_bot true / NULL / false,
    KYC NULL / -1 / 0 / 1 / 2 / 3 / 4, a creator with videos but no users row;
  * quiet days (one video; several videos with the same ER), a day with only ignored events,
    "twin" creators with identical units (largest-remainder ties), bigint ids > 2^32,
    created_at / ts = +-infinity (some seeds).

generate(seed, schema) -> (sql_text, meta) is used by diff.py; meta has the target year / month.
Python 3.11 standard library only.
"""
import argparse
import datetime as dt
import random
import sys

US = 10**6
HOUR = 3600 * US
DAY = 86400 * US
EPOCH = dt.datetime(1970, 1, 1)

TRUST_VALUES = [None, "NaN", "Infinity", "-Infinity", "-5", "150", "62.5", "1e30", "-1e30", "0", "100",
                "75", "33.3333333333333333333333", "0.000001", "99.99999999999999999", "50"]
KYC_VALUES = [None, -1, 0, 1, 1, 2, 2, 3, 3, 4]
IGNORED_TYPES = ["View", "", None, "view ", "VIEW", "likes", "Like", " view", "shares"]
COUNTED = ["view", "like", "comment", "share"]


def us_of(d):
    """datetime (naive UTC) -> microseconds since the epoch."""
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def ts_text(us, rng, offsets=True):
    """Timestamp text for COPY; sometimes with a non-UTC offset (same instant)."""
    off_min = 0
    if offsets and rng.random() < 0.25:
        off_min = rng.choice([-600, -420, -210, 60, 120, 330, 545, 840])
    local = EPOCH + dt.timedelta(microseconds=us + off_min * 60 * US)
    s = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        s += ".%06d" % local.microsecond
    sign = "+" if off_min >= 0 else "-"
    h, m = divmod(abs(off_min), 60)
    return s + f"{sign}{h:02d}" + (f":{m:02d}" if m else "")


def cell(x):
    if x is None:
        return "\\N"
    if isinstance(x, bool):
        return "t" if x else "f"
    s = str(x)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def generate(seed, schema="public", drop=False):
    rng = random.Random(seed)
    q = '"' + schema.replace('"', '""') + '"'

    # ---- target month and data range (~2 months around it)
    year = rng.choice([2023, 2024, 2024, 2025])
    month = rng.randint(1, 12)
    if year == 2025:
        month = rng.randint(1, 9)
    m_start = dt.datetime(year, month, 1)
    m_end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    r_start = m_start - dt.timedelta(days=rng.randint(10, 18))
    r_end = m_end + dt.timedelta(days=rng.randint(5, 14))
    days = [r_start + dt.timedelta(days=i) for i in range((r_end - r_start).days)]
    month_days = [d for d in days if m_start <= d < m_end]

    # ---- id style
    big = seed % 3 == 0
    if big:
        base = 2**53 + rng.randint(1, 999) if seed % 6 == 0 else 2**32 + rng.randint(1, 10**6)
    else:
        base = 0
    id_type = "bigint" if big else "int"
    partitioned = seed % 4 == 1
    enum_direction = seed % 2 == 0

    def new_id(used, lo, hi):
        while True:
            x = base + rng.randint(lo, hi)
            if x not in used:
                used.add(x)
                return x

    # ---- creators and users
    n_creators = rng.randint(3, 8)
    used_uid = set()
    creators = [new_id(used_uid, 1, 60) for _ in range(n_creators)]
    users = []          # (id, balance, kyc, trust, bot)
    missing_user = creators[rng.randrange(n_creators)] if rng.random() < 0.85 else None
    twins = None
    if n_creators >= 4 and rng.random() < 0.6:
        twins = tuple(rng.sample([c for c in creators if c != missing_user], 2))
    bot_creator = rng.choice(creators) if rng.random() < 0.7 else None
    for c in creators:
        if c == missing_user:
            continue
        kyc = rng.choice(KYC_VALUES)
        trust = rng.choice(TRUST_VALUES)
        bot = rng.choice([False, False, False, None])
        if c == bot_creator:
            bot = True
        users.append([c, rng.choice([0, 0, 1250, None]), kyc, trust, bot])
    if twins:  # identical attributes; never bots
        a = next(u for u in users if u[0] == twins[0])
        b = next(u for u in users if u[0] == twins[1])
        a[4] = b[4] = False
        b[2], b[3] = a[2], a[3]
    for _ in range(rng.randint(1, 3)):  # users without videos
        users.append([new_id(used_uid, 61, 99), 0, rng.choice(KYC_VALUES), rng.choice(TRUST_VALUES),
                      rng.choice([True, False, None])])
    # make sure some caps matter: at least one KYC 1 or 2 and one unlimited among the creators
    real = [u for u in users if u[0] in creators and (not twins or u[0] not in twins)]
    if real:
        rng.choice(real)[2] = rng.choice([1, 2])
    if len(real) > 1 and rng.random() < 0.8:
        rng.choice(real)[2] = rng.choice([3, 4])

    # ---- videos
    n_videos = rng.randint(max(5, n_creators), 20)
    used_vid = set()
    videos = []         # (id, creator, created_at_us or None)
    owners = [c for c in creators if not twins or c not in twins]
    for i in range(n_videos - (2 if twins else 0)):
        creator = owners[i] if i < len(owners) else rng.choice(owners)
        videos.append([new_id(used_vid, 100, 99999), creator, None])
    # created_at: most before the range, some inside (early windows), some NULL
    r0, r1 = us_of(r_start), us_of(r_end)
    early_videos = []
    for v in videos:
        x = rng.random()
        if x < 0.1:
            v[2] = None
        elif x < 0.45:
            kind = rng.choice(["any", "late", "midnight", "month_edge"])
            d = rng.choice(days[:-1])
            if kind == "any":
                t = us_of(d) + rng.randrange(DAY)
            elif kind == "late":   # window crosses midnight
                t = us_of(d) + 22 * HOUR + rng.randrange(2 * HOUR)
            elif kind == "midnight":
                t = us_of(d)
            else:
                t = us_of(m_end) - rng.choice([HOUR, 30 * 60 * US, 1])
            v[2] = t
            early_videos.append(v)
        else:
            v[2] = r0 - rng.randint(1, 120) * DAY + rng.randrange(DAY)
    if twins:
        created = r0 - 3 * DAY if rng.random() < 0.5 else us_of(rng.choice(days[5:-5])) + 23 * HOUR
        twin_videos = [[new_id(used_vid, 100, 99999), twins[0], created],
                       [new_id(used_vid, 100, 99999), twins[1], created]]
        videos.extend(twin_videos)
    vids = [v[0] for v in videos]
    creator_of = {v[0]: v[1] for v in videos}

    # ---- device / IP pools per creator (integrity varies)
    pools = {}
    for c in creators:
        nd, ni = rng.randint(2, 80), rng.randint(1, 50)
        pools[c] = ([f"d{c % 100000}_{k}" for k in range(nd)], [f"i{c % 100000}_{k}" for k in range(ni)])
        if rng.random() < 0.5:   # odd but non-NULL values: '' is a device / IP like any other
            pools[c][0].extend(["", "ü\t\\d", "D" + str(c)])
            pools[c][1].extend(["", "ip with space", "\\N"])

    def dev_ip(c, p_null=0.05):
        devs, ips = pools[c]
        d = None if rng.random() < p_null else rng.choice(devs)
        i = None if rng.random() < p_null else rng.choice(ips)
        return d, i

    events = []         # (video_id, type, ts_us, dev, ip)

    # quiet days inside the target month (background traffic replaced by a hand-made pattern)
    quiet = rng.sample(month_days[1:-1], 3)
    q_single, q_same_er, q_ignored = quiet

    # ---- background traffic
    pop = {v: rng.uniform(0.2, 1.0) for v in vids}
    er = {v: rng.choice([0.0, 0.05, 0.1, 0.2, 0.4, 1.5]) for v in vids}
    twin_src = twin_videos[0][0] if twins else None
    for d in days:
        if d in quiet:
            continue
        d0 = us_of(d)
        for v in vids:
            if twins and v in (twin_videos[1][0],):
                continue           # cloned below
            if rng.random() > 0.55 * pop[v]:
                continue
            c = creator_of[v]
            n_views = rng.randint(0, 25)
            for _ in range(n_views):
                events.append((v, "view", d0 + rng.randrange(DAY), *dev_ip(c)))
            for _ in range(rng.randint(0, 3) if er[v] == 0 else int(n_views * er[v] * rng.random()) + rng.randint(0, 1)):
                t = rng.choice(["like", "like", "comment", "share"])
                events.append((v, t, d0 + rng.randrange(DAY), *dev_ip(c)))

    # ---- quiet days
    d0 = us_of(q_single)
    v = rng.choice(vids)
    for _ in range(rng.randint(3, 30)):
        events.append((v, rng.choice(COUNTED), d0 + rng.randrange(DAY), *dev_ip(creator_of[v])))
    d0 = us_of(q_same_er)
    for v in rng.sample(vids, min(len(vids), rng.randint(2, 4))):
        k = rng.randint(1, 4)
        for _ in range(10 * k):
            events.append((v, "view", d0 + rng.randrange(DAY), *dev_ip(creator_of[v])))
        for _ in range(2 * k):
            events.append((v, rng.choice(["like", "comment", "share"]), d0 + rng.randrange(DAY),
                           *dev_ip(creator_of[v])))
    d0 = us_of(q_ignored)
    for _ in range(rng.randint(5, 20)):
        events.append((rng.choice(vids), rng.choice(IGNORED_TYPES), d0 + rng.randrange(DAY), "x", "y"))

    busy = [d for d in days if d not in quiet]

    # ---- early windows: 40-80 early views, device / IP counts at and around the thresholds
    early_days = set()      # (video, day number) touched by an early window
    for v in early_videos:
        c, t0 = creator_of[v[0]], v[2]
        n = rng.randint(40, 80)
        ndev = max(1, -(-n // 2) + rng.choice([-1, 0, 0, 1]))        # ceil(0.5 n) +- 1
        nip = max(1, -(-2 * n // 5) + rng.choice([-1, 0, 0, 1]))     # ceil(0.4 n) +- 1
        devs = [f"e{v[0] % 100000}d{k}" for k in range(ndev)]
        ips = [f"e{v[0] % 100000}i{k}" for k in range(nip)]
        n_null_dev = rng.choice([0, 0, 3, 10])
        # background views of this video around the window would blur the thresholds: drop them
        events = [e for e in events if not (e[0] == v[0] and e[1] == "view" and t0 - 1 <= e[2] <= t0 + 2 * HOUR)]
        early_days.update({(v[0], (t0 - 1) // DAY), (v[0], t0 // DAY), (v[0], (t0 + 2 * HOUR) // DAY)})
        times = sorted([t0] + [t0 + rng.randrange(2 * HOUR) for _ in range(n - 1)])
        for k, t in enumerate(times):
            dv = devs[k] if k < ndev else (None if k >= n - n_null_dev else rng.choice(devs))
            ip = ips[k] if k < nip else rng.choice(ips + [None])
            events.append((v[0], "view", t, dv, ip))
        # just outside the window (reusing one device / IP), and non-views inside it
        events.append((v[0], "view", t0 + 2 * HOUR, devs[0], ips[0]))
        events.append((v[0], "view", t0 - 1, devs[0], ips[0]))
        for _ in range(rng.randint(0, 15)):
            events.append((v[0], rng.choice(["like", "comment", "View", "view "]),
                           t0 + rng.randrange(2 * HOUR), rng.choice(devs), rng.choice(ips)))
    # a NULL created_at video with a burst of diverse views (no kicker)
    for v in videos:
        if v[2] is None and rng.random() < 0.7:
            t0 = us_of(rng.choice(busy)) + rng.randrange(20 * HOUR)
            for k in range(rng.randint(55, 75)):
                events.append((v[0], "view", t0 + rng.randrange(2 * HOUR), f"n{v[0]}d{k}", f"n{v[0]}i{k}"))
            break

    # ---- cluster bursts: one device or IP holding a given share of a day's views (the video's
    #      other views that day are dropped, so that the share is exact)
    for _ in range(rng.randint(2, 5)):
        v = rng.choice(vids)
        d0 = us_of(rng.choice(busy))
        if (twins and v in (twin_videos[0][0], twin_videos[1][0])) or (v, d0 // DAY) in early_days:
            continue
        events = [e for e in events if not (e[0] == v and e[1] == "view" and e[2] // DAY == d0 // DAY)]
        n = rng.choice([25, 50, 100])
        share = rng.choice([0.2, 0.2, 0.24, 0.3, 0.35, 0.5, 0.9])
        top = int(round(n * share)) + rng.choice([0, 0, 1])
        n_null = rng.choice([0, 0, (n - top) // 2, n - top])   # NULL device and IP: not a cluster
        by_ip = rng.random() < 0.4
        for k in range(n):
            if k < top:
                dv = "HOTDEV" if not by_ip else (None if rng.random() < 0.2 else f"b{v % 1000}d{k}")
                ip = "HOTIP" if by_ip else (None if rng.random() < 0.2 else f"b{v % 1000}i{k}")
            elif k < top + n_null:
                dv = ip = None
            else:
                dv = None if rng.random() < 0.2 else f"b{v % 1000}d{k}"
                ip = None if rng.random() < 0.2 else f"b{v % 1000}i{k}"
            events.append((v, "view", d0 + rng.randrange(DAY), dv, ip))
        for _ in range(rng.randint(0, 10)):   # likes from the hot device: not views
            events.append((v, "like", d0 + rng.randrange(DAY), "HOTDEV", "HOTIP"))

    # ---- day / month edges
    edges = [us_of(m_start), us_of(m_start) - 1, us_of(m_end), us_of(m_end) - 1,
             us_of(rng.choice(days)), us_of(rng.choice(days)) - 1, us_of(m_start) + DAY]
    for t in edges:
        for _ in range(rng.randint(1, 4)):
            v = rng.choice(vids)
            events.append((v, rng.choice(COUNTED), t, *dev_ip(creator_of[v])))

    # ---- twins: clone the first twin's traffic onto the second
    if twins:
        a, b = twin_videos[0][0], twin_videos[1][0]
        for e in [e for e in events if e[0] == a]:
            events.append((b, e[1], e[2], None if e[3] is None else "T" + e[3], None if e[4] is None else "T" + e[4]))

    # ---- ignored events
    missing_vid = base + 999999 if base + 999999 not in used_vid else base + 1000001
    for _ in range(rng.randint(30, 120)):
        d0 = us_of(rng.choice(days))
        kind = rng.random()
        v = rng.choice(vids)
        c = creator_of[v]
        if kind < 0.5:
            events.append((v, rng.choice(IGNORED_TYPES), d0 + rng.randrange(DAY), *dev_ip(c)))
        elif kind < 0.7:
            events.append((v, rng.choice(COUNTED), None, *dev_ip(c)))
        elif kind < 0.9:
            events.append((missing_vid, rng.choice(COUNTED), d0 + rng.randrange(DAY), "m", "m"))
        else:
            events.append((None, rng.choice(COUNTED), d0 + rng.randrange(DAY), "m", "m"))

    # ---- infinite timestamps (some seeds): in no day and in no early window
    if seed % 5 == 2:
        plain = [v for v in videos if v not in early_videos and (not twins or v[1] not in twins)]
        for v, inf in zip(rng.sample(plain, min(2, len(plain))), ["infinity", "-infinity"]):
            v[2] = inf
        for _ in range(rng.randint(1, 5)):
            v = rng.choice(vids)
            events.append((v, rng.choice(COUNTED), rng.choice(["infinity", "-infinity"]), *dev_ip(creator_of[v])))

    rng.shuffle(events)

    # ---- SQL
    out = [f"-- revenue_split adversarial data, gen_adversarial.py --seed {seed}: {len(events)} events, "
           f"{len(videos)} videos, {len(users)} users; target month {year}-{month:02d}",
           f"-- range {r_start.date()} .. {r_end.date()}; ids {id_type}; event "
           f"{'partitioned' if partitioned else 'plain'}; twins {twins}; missing user {missing_user}",
           "SET TimeZone = 'UTC';"]
    if drop:
        out += [f"DROP TABLE IF EXISTS {q}.event, {q}.videos, {q}.users, {q}.transactions;",
                f"DROP TYPE IF EXISTS {q}.rs_adv_direction;"]
    out.append(f"""CREATE TABLE {q}.users (
    id                  {id_type} PRIMARY KEY,
    current_balance     bigint DEFAULT 0,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
CREATE TABLE {q}.videos (
    id         {id_type} PRIMARY KEY,
    creator_id {id_type} NOT NULL,
    created_at timestamptz
);""")
    if partitioned:
        out.append(f"""CREATE TABLE {q}.event (
    video_id   {id_type},
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
) PARTITION BY RANGE (ts);""")
        p = dt.datetime(r_start.year, r_start.month, 1)
        k = 0
        while p < r_end:
            nxt = dt.datetime(p.year + (p.month == 12), p.month % 12 + 1, 1)
            out.append(f"CREATE TABLE {q}.event_p{k} PARTITION OF {q}.event "
                       f"FOR VALUES FROM ('{p:%Y-%m-%d} 00:00:00+00') TO ('{nxt:%Y-%m-%d} 00:00:00+00');")
            p, k = nxt, k + 1
        out.append(f"CREATE TABLE {q}.event_pdefault PARTITION OF {q}.event DEFAULT;")
    else:
        out.append(f"""CREATE TABLE {q}.event (
    video_id   {id_type},
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
);""")
    if enum_direction:
        out.append(f"CREATE TYPE {q}.rs_adv_direction AS ENUM ('outflow', 'inflow');")
    out.append(f"""CREATE TABLE {q}.transactions (
    id           {id_type} GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    recipient    {id_type} NOT NULL,
    amount_cents int NOT NULL,
    payment_type text NOT NULL,
    status       text NOT NULL,
    direction    {q + '.rs_adv_direction' if enum_direction else 'text'} NOT NULL
);""")
    out.append(f"COPY {q}.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) FROM stdin;")
    out += ["\t".join(cell(x) for x in u) for u in users]
    out.append("\\.")
    out.append(f"COPY {q}.videos (id, creator_id, created_at) FROM stdin;")
    out += ["\t".join([cell(v[0]), cell(v[1]), cell(v[2] if v[2] is None or isinstance(v[2], str) else ts_text(v[2], rng))]) for v in videos]
    out.append("\\.")
    out.append(f"COPY {q}.event (video_id, event_type, ts, device_id, ip_hash) FROM stdin;")
    for v, t, ts, dv, ip in events:
        out.append("\t".join([cell(v), cell(t), cell(ts if ts is None or isinstance(ts, str) else ts_text(ts, rng)), cell(dv), cell(ip)]))
    out.append("\\.")
    out.append(f"ANALYZE {q}.users; ANALYZE {q}.videos; ANALYZE {q}.event;")
    meta = {"seed": seed, "year": year, "month": month, "range": (r_start.date(), r_end.date()),
            "quiet": [d.date() for d in quiet], "twins": twins, "missing_user": missing_user,
            "events": len(events), "videos": len(videos), "users": len(users)}
    return "\n".join(out) + "\n", meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", default="-", help="output file (default stdout)")
    ap.add_argument("--schema", default="public", help="schema of the application tables (default public)")
    ap.add_argument("--drop", action="store_true", help="prepend DROP TABLE IF EXISTS for the tables")
    a = ap.parse_args()
    sql, meta = generate(a.seed, a.schema, a.drop)
    if a.out == "-":
        sys.stdout.write(sql)
    else:
        with open(a.out, "w") as f:
            f.write(sql)
        print(f"wrote {a.out}: {meta['events']} events, {meta['videos']} videos, {meta['users']} users, "
              f"target month {meta['year']}-{meta['month']:02d}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
