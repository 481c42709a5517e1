#!/usr/bin/env python3
"""Random sequences of payouts against the real extension (issue 13, SPEC §9).

Each sequence starts from a small fixture (6 creators, 12 videos, three months of events) and
takes random steps: monthly commits, daily runs of two payment types, corrections (with or
without a new pool), data edits (late events, deleted events, likely_bot flips, KYC changes) and
policy changes (min_payout_cents, over_cap). After EVERY step it checks, in the database:

  - per creator: Σ entries.earned = accounts.earned, Σ entries.paid = accounts.paid,
    earned = paid + owed, owed >= 0;
  - per creator: the signed transactions rows the extension wrote (inflow +, outflow -) add up to
    its paid total, and its current_balance moved by exactly that much;
  - per run key and creator: Σ paid under the key <= the largest cap the creator had while the
    key was paid (a KYC level that drops does not claw back what a key already paid);
  - per run key: its latest allocation (targets) + unallocated = its pool;
  - after a correction, the same correction again is `unchanged` and writes nothing.

    ledger_fuzz.py --psql "psql -X -h HOST -p PORT -U postgres -d DB" --sequences 8 --steps 25 [--seed S]

The database is the scratch database of the caller (its public tables are dropped and
recreated). Stdlib only. Exit status 0 only when every check passed; the last line is
"N passed, N failed".
"""
import argparse
import random
import subprocess
import sys

FIXTURE = """
DROP TABLE IF EXISTS public.users, public.videos, public.event, public.transactions CASCADE;
CREATE TABLE public.users (id bigint PRIMARY KEY, current_balance bigint, kyc_level int,
                           creator_trust_score numeric, likely_bot boolean);
CREATE TABLE public.videos (id bigint PRIMARY KEY, creator_id bigint, created_at timestamptz);
CREATE TABLE public.event (video_id bigint, event_type text, ts timestamptz, device_id text, ip_hash text);
CREATE INDEX ON public.event (ts);
CREATE TABLE public.transactions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(), recipient bigint NOT NULL, amount_cents bigint NOT NULL,
    payment_type text NOT NULL, status text NOT NULL, direction text NOT NULL);
TRUNCATE revenue_split.config;
DELETE FROM revenue_split.statement_lines; DELETE FROM revenue_split.entries; DELETE FROM revenue_split.accounts;
DELETE FROM revenue_split.allocations; DELETE FROM revenue_split.runs;
"""

CAPS = {None: 0, -1: 0, 0: 0, 1: 5_000, 2: 50_000, 3: None}   # SPEC §5 defaults
MONTHS = [(2025, 5), (2025, 6), (2025, 7)]


class Db:
    def __init__(self, cmd):
        self.cmd = cmd.split()

    def run(self, sql, ok_errors=()):
        """Runs sql; returns rows (lists of text) or raises with the SQLSTATE."""
        p = subprocess.run(self.cmd + ["-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                                       "-c", "SET client_min_messages = warning", "-c", sql],
                           capture_output=True, text=True)
        if p.returncode != 0:
            state = next((l.split(":")[1].strip() for l in p.stderr.splitlines() if l.startswith("ERROR:")), "?")
            if state in ok_errors:
                return state
            raise RuntimeError(f"{sql}\n{p.stderr.strip()}")
        return [l.split("\t") for l in p.stdout.splitlines() if l != ""]


def fixture(db, rng):
    """Loads the fixture; returns the days that have events."""
    db.run(FIXTURE)
    days = []
    users = []
    for c in range(1, 7):
        users.append(f"({c}, {rng.choice(['NULL', '0', '100'])}, {rng.choice(['1', '1', '2', '3', '3', '0'])}, "
                     f"{rng.choice(['NULL', '50', '90'])}, false)")
    db.run("INSERT INTO public.users VALUES " + ", ".join(users))
    db.run("INSERT INTO public.videos VALUES " + ", ".join(f"({c * 10 + k}, {c}, NULL)" for c in range(1, 7) for k in (1, 2)))
    for (y, m) in MONTHS:
        rows = []
        for day in rng.sample(range(1, 29), 4):
            days.append(f"{y}-{m:02d}-{day:02d}")
            for v in rng.sample([c * 10 + k for c in range(1, 7) for k in (1, 2)], 5):
                rows.append(f"({v}, 'view', timestamptz '{y}-{m:02d}-{day:02d} 10:00+00', {rng.randint(5, 60)}, {day})")
        db.run("INSERT INTO public.event SELECT v, t, ts + g * interval '1 minute', 'd' || v || '-' || d || '-' || g, "
               "'i' || v || '-' || (g % 7) FROM (VALUES " + ", ".join(rows) + ") x(v, t, ts, n, d), "
               "generate_series(1, x.n) g")
    return days


def state(db):
    rows = db.run("SELECT id, coalesce(current_balance, 0), coalesce(kyc_level, -99) FROM public.users ORDER BY id")
    return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}


def invariants(db, balance0, max_cap):
    """-> list of problems."""
    bad = []
    for r in db.run("""
        SELECT a.creator_id, a.earned_cents, a.paid_cents, a.owed_cents,
               coalesce((SELECT sum(e.earned_cents) FROM revenue_split.entries e WHERE e.creator_id = a.creator_id), 0),
               coalesce((SELECT sum(e.paid_cents) FROM revenue_split.entries e WHERE e.creator_id = a.creator_id), 0),
               coalesce((SELECT sum(CASE t.direction WHEN 'inflow' THEN t.amount_cents ELSE -t.amount_cents END)
                         FROM public.transactions t WHERE t.recipient = a.creator_id), 0)
        FROM revenue_split.accounts a ORDER BY 1"""):
        c, earned, paid, owed, e_earned, e_paid, tx = map(int, r)
        if earned != e_earned or paid != e_paid:
            bad.append(f"creator {c}: accounts ({earned}, {paid}) != Σ entries ({e_earned}, {e_paid})")
        if earned != paid + owed or owed < 0:
            bad.append(f"creator {c}: earned {earned} != paid {paid} + owed {owed} (or owed < 0)")
        if tx != paid:
            bad.append(f"creator {c}: ledger rows sum to {tx}, paid is {paid}")
    now = state(db)
    for c, (bal, _) in now.items():
        tx = int(db.run(f"SELECT coalesce(sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END), 0) "
                        f"FROM public.transactions WHERE recipient = {c}")[0][0])
        if bal - balance0[c] != tx:
            bad.append(f"creator {c}: balance moved by {bal - balance0[c]}, ledger rows say {tx}")
    for r in db.run("""
        SELECT coalesce(r.corrects, r.run_id) AS key_run, e.creator_id, sum(e.paid_cents)
        FROM revenue_split.entries e JOIN revenue_split.runs r USING (run_id)
        GROUP BY 1, 2"""):
        key_run, c, paid = map(int, r)
        cap = max_cap.get(c, 0)
        if cap is not None and paid > cap:
            bad.append(f"run key of run {key_run}: creator {c} was paid {paid} > its largest cap {cap}")
    for r in db.run("""
        SELECT k.run_id, k.pool_cents, k.unallocated_cents,
               coalesce((SELECT sum(a.amount_cents) FROM revenue_split.allocations a WHERE a.run_id = k.run_id), 0)
        FROM (SELECT DISTINCT ON (coalesce(corrects, run_id)) run_id, pool_cents, unallocated_cents
              FROM revenue_split.runs WHERE status IN ('committed', 'correction')
              ORDER BY coalesce(corrects, run_id), run_id DESC) k"""):
        run, pool, unalloc, alloc = map(int, r)
        if alloc + unalloc != pool:
            bad.append(f"run {run}: allocations {alloc} + unallocated {unalloc} != pool {pool}")
    return bad


def sequence(db, rng, steps, log):
    event_days = fixture(db, rng)
    balance0 = {c: b for c, (b, _) in state(db).items()}
    max_cap = {}

    def note_caps():
        for c, (_, level) in state(db).items():
            cap = CAPS.get(level if level in CAPS else (3 if level > 3 else 0))
            prev = max_cap.get(c, 0)
            max_cap[c] = None if (cap is None or prev is None) else max(prev, cap)

    note_caps()
    pools = {}
    checks = failures = 0
    for step in range(steps):
        op = rng.choice(["commit", "commit", "day", "day", "correct", "correct", "late", "delete", "bot", "kyc", "policy"])
        y, m = rng.choice(MONTHS)
        day = rng.choice(event_days) if rng.random() < 0.8 else f"{y}-{m:02d}-{rng.randint(1, 28):02d}"
        pt = rng.choice(["revenue_split", "bonus"])
        pool = rng.choice([0, 99, 1001, 12_345, 100_000, 777_777])
        if op == "commit":
            r = db.run(f"SELECT status FROM revenue_split_commit({pool}, {y}, {m})", ok_errors=("23505",))
            desc = f"commit {y}-{m} pool {pool}: {r if isinstance(r, str) else r[0][0]}"
        elif op == "day":
            r = db.run(f"SELECT status FROM revenue_split_run({pool}, '{day}', '{pt}')", ok_errors=("23505",))
            desc = f"run {day} {pt} pool {pool}: {r if isinstance(r, str) else r[0][0]}"
        elif op == "correct":
            newpool = rng.choice(["NULL", "NULL", str(pool)])
            # Mostly keys that were paid (the others are refused with 22023).
            paid = db.run("SELECT kind, period_start, payment_type FROM revenue_split.runs WHERE corrects IS NULL")
            daily = rng.random() < 0.4
            if paid and rng.random() < 0.8:
                kind, start, ptype = rng.choice(paid)
                daily = kind == "daily"
                day, pt = start, ptype
                y, m = int(start[:4]), int(start[5:7])
            call = (f"revenue_split_correct_day('{day}', '{pt}', {newpool})" if daily
                    else f"revenue_split_correct({y}, {m}, {newpool})")
            r = db.run(f"SELECT status FROM {call}", ok_errors=("22023",))
            desc = f"{call}: {r if isinstance(r, str) else r[0][0]}"
            if not isinstance(r, str):
                again = db.run(f"SELECT status, coalesce(run_id::text, '') FROM {call}")
                checks += 1
                if again[0] != ["unchanged", ""]:
                    failures += 1
                    log(f"FAIL step {step}: the same correction again gave {again[0]}")
        elif op == "late":
            v = rng.choice([c * 10 + k for c in range(1, 7) for k in (1, 2)])
            n = rng.randint(1, 40)
            db.run(f"INSERT INTO public.event SELECT {v}, 'view', timestamptz '{day} 15:00+00' + g * interval '1 s', "
                   f"'late{step}-' || g, 'lip{step}-' || g FROM generate_series(1, {n}) g")
            desc = f"{n} late views of video {v} on {day}"
        elif op == "delete":
            v = rng.choice([c * 10 + k for c in range(1, 7) for k in (1, 2)])
            db.run(f"DELETE FROM public.event WHERE video_id = {v} AND ts >= '{y}-{m:02d}-01' "
                   f"AND ts < '{y}-{m:02d}-01'::date + interval '1 month'")
            desc = f"events of video {v} in {y}-{m} deleted"
        elif op == "bot":
            c = rng.randint(1, 6)
            db.run(f"UPDATE public.users SET likely_bot = NOT coalesce(likely_bot, false) WHERE id = {c}")
            desc = f"likely_bot of {c} flipped"
        elif op == "kyc":
            c, level = rng.randint(1, 6), rng.choice([0, 1, 2, 3])
            db.run(f"UPDATE public.users SET kyc_level = {level} WHERE id = {c}")
            desc = f"kyc_level of {c} = {level}"
        else:
            mp, oc = rng.choice([0, 0, 500, 3_000]), rng.choice(["redistribute", "hold"])
            db.run(f"INSERT INTO revenue_split.config (min_payout_cents, over_cap) VALUES ({mp}, '{oc}') "
                   f"ON CONFLICT (singleton) DO UPDATE SET min_payout_cents = {mp}, over_cap = '{oc}'")
            desc = f"policy min_payout_cents {mp}, over_cap {oc}"
        note_caps()
        problems = invariants(db, balance0, max_cap)
        checks += 1
        if problems:
            failures += 1
            log(f"FAIL step {step} ({desc}):")
            for p in problems[:10]:
                log("    " + p)
    runs = int(db.run("SELECT count(*) FROM revenue_split.runs")[0][0])
    moved = int(db.run("SELECT count(*) FROM public.transactions WHERE direction = 'outflow'")[0][0])
    return checks, failures, runs, moved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--psql", required=True)
    ap.add_argument("--sequences", type=int, default=8)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    db = Db(a.psql)
    total = failed = 0
    for s in range(a.sequences):
        rng = random.Random(seed + s)
        checks, failures, runs, clawbacks = sequence(db, rng, a.steps, print)
        total += checks
        failed += failures
        print(f"sequence {s} (seed {seed + s}): {a.steps} steps, {runs} runs, {clawbacks} clawbacks, "
              f"{checks - failures} passed, {failures} failed", flush=True)
    print(f"{total - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
