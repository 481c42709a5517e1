"""Row comparison shared by golden_selfcheck.py and diff.py, with the tolerances of golden/check:

  * the same set of keys (first column: video_id / creator_id), no duplicates;
  * integer and boolean columns exactly; kyc_level / cap_cents exactly, NULL only where NULL;
  * float columns to a relative 1e-9 (absolute 1e-9 near 0);
  * amount_cents to +-1 cent, and on the tested rows: sum(amount_cents) <= pool,
    0 <= amount_cents <= cap_cents.

diff.py additionally asks (strict=True) that the tested amounts add up to exactly the expected
total (SPEC 5: sum(amount) + unallocated = pool, exactly; the unallocated part is determined).

Cells are text as psql prints them ('' = NULL, 't'/'f' booleans).
"""

KIND_OF = {
    "video_id": "i", "creator_id": "i", "views": "i", "likes": "i", "comments": "i", "shares": "i",
    "videos": "i",
    "raw_units": "f", "quality_mult": "f", "early_mult": "f", "cluster_mult": "f", "units": "f",
    "integrity_mult": "f", "trust_mult": "f",
    "excluded": "b", "capped": "b",
    "kyc_level": "n", "cap_cents": "n",
    "amount_cents": "a",
}


def is_close(a, b):
    d = abs(a - b)
    return d <= 1e-9 * max(abs(a), abs(b)) or d <= 1e-9


def same(kind, want, got):
    if kind == "i":
        return int(want) == int(got)
    if kind == "n":
        if want.strip() == "" or got.strip() == "":
            return want.strip() == got.strip()
        return int(want) == int(got)
    if kind == "f":
        return is_close(float(want), float(got))
    if kind == "b":
        norm = {"t": True, "true": True, "f": False, "false": False}
        return norm[want.strip().lower()] == norm[got.strip().lower()]
    if kind == "a":
        return abs(int(want) - int(got)) <= 1
    raise AssertionError(kind)


def keyed(rows, label, problems):
    out = {}
    for r in rows:
        try:
            k = int(r[0])
        except (ValueError, IndexError):
            problems.append(f"{label} row with a bad key: {r!r}")
            continue
        if k in out:
            problems.append(f"key {k}: duplicate {label} row")
        out[k] = r
    return out


def compare_rows(fn, header, want_rows, got_rows, pool, strict=False):
    """-> list of mismatch descriptions. want_rows / got_rows: lists of text cells in header order."""
    kinds = [KIND_OF[c] for c in header]
    problems = []
    want = keyed(want_rows, "expected", problems)
    got = keyed(got_rows, "tested", problems)
    for k in sorted(set(want) - set(got)):
        problems.append(f"key {k}: expected a row {','.join(want[k])}, got none")
    for k in sorted(set(got) - set(want)):
        problems.append(f"key {k}: expected no row, got {','.join(got[k])}")
    for k in sorted(set(want) & set(got)):
        w, g = want[k], got[k]
        if len(g) < len(kinds):
            problems.append(f"key {k}: expected {len(kinds)} columns, got {len(g)}")
            continue
        for name, kind, a, b in zip(header, kinds, w, g):
            try:
                ok = same(kind, a, b)
            except (ValueError, KeyError):
                ok = False
            if not ok:
                problems.append(f"key {k} {name}: expected {a!r} got {b!r}")
    if pool is not None:
        ia, ic = header.index("amount_cents"), header.index("cap_cents")
        try:
            total = sum(int(r[ia]) for r in got_rows)
            if total > pool:
                problems.append(f"sum(amount_cents) {total} exceeds the pool {pool}")
            for r in got_rows:
                amount, cap = int(r[ia]), r[ic].strip()
                if amount < 0 or (cap != "" and amount > int(cap)):
                    problems.append(f"key {r[0]}: amount_cents {amount} outside [0, cap_cents {cap or 'unlimited'}]")
            if strict:
                want_total = sum(int(r[ia]) for r in want_rows)
                if total != want_total:
                    problems.append(f"sum(amount_cents) {total} != expected {want_total} "
                                    f"(SPEC 5: sum + unallocated = pool exactly)")
        except (ValueError, IndexError):
            problems.append("amount_cents / cap_cents not parsable as integers")
    return problems
