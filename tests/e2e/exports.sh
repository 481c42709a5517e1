#!/usr/bin/env bash
# The exports of README "Statements and exports", on the demo data set: August's preview (the
# review file) and the committed run's statement, written with psql's \copy as the README shows
# them. Checks each file's header (the exact column list), that the preview file's amounts add
# up to the run's allocated_cents and per creator to its allocation, that the statement file's
# amounts add up per creator to the creator's allocation and in total to allocated_cents, and
# that the statement file is byte for byte the same after the run's events are deleted.
source "$(dirname "$0")/common.sh"
fresh_db rs_exports
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
qq() { q -c "SET client_min_messages = warning" "$@"; }
# Σ of one CSV column (by header name) per the value of another, as "key:sum,key:sum" (or the
# total with no key column), computed from the file itself; with ONLY_KEYS (a comma list), of
# those keys only.
csv_sum() { # csv_sum FILE SUM_COLUMN [KEY_COLUMN [ONLY_KEYS]]
    python3 - "$@" <<'PY'
import csv, sys
from collections import defaultdict
path, col = sys.argv[1], sys.argv[2]
key = sys.argv[3] if len(sys.argv) > 3 else None
only = {int(k) for k in sys.argv[4].split(',')} if len(sys.argv) > 4 else None
sums = defaultdict(int)
with open(path, newline='') as f:
    for row in csv.DictReader(f):
        k = int(row[key]) if key else None
        if only is None or k in only:
            sums[k] += int(row[col])
print(','.join(f'{k}:{v}' for k, v in sorted(sums.items())) if key else sums[None])
PY
}

# ---- the review file, before anything is paid ----
(cd "$OUT" && qq -c "\\copy (SELECT * FROM revenue_split_preview(10000000, 2025, 8)) TO 'preview_2025_08.csv' CSV HEADER")
check "preview file: header" \
    "creator_id,units,kyc_level,cap_cents,amount_cents,capped,paid_cents,owed_after_cents" \
    "$(head -1 "$OUT/preview_2025_08.csv")"
check "preview file: one row per creator of the preview" \
    "$(qq -c "SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8)")" \
    "$(($(wc -l < "$OUT/preview_2025_08.csv") - 1))"

# ---- the commit, and its statement ----
run_id=$(qq -c "SELECT run_id FROM revenue_split_commit(10000000, 2025, 8)")
allocated=$(q -c "SELECT allocated_cents FROM revenue_split.runs WHERE run_id = $run_id")
check "the August commit allocated the whole pool" "10000000" "$allocated"
check "preview file: Σ amount_cents = the run's allocated_cents" "$allocated" \
    "$(csv_sum "$OUT/preview_2025_08.csv" amount_cents)"
check "preview file: amount_cents per creator = the run's allocations" \
    "$(q -c "SELECT string_agg(creator_id || ':' || amount_cents, ',' ORDER BY creator_id) FROM revenue_split.allocations WHERE run_id = $run_id")" \
    "$(csv_sum "$OUT/preview_2025_08.csv" amount_cents creator_id)"

(cd "$OUT" && qq -c "\\copy (SELECT * FROM revenue_split_statement($run_id)) TO 'statement_2025_08.csv' CSV HEADER")
check "statement file: header" \
    "run_id,creator_id,video_id,views,likes,comments,shares,raw_units,units,amount_cents" \
    "$(head -1 "$OUT/statement_2025_08.csv")"
check "statement file: every row is of the run" "$run_id" \
    "$(tail -n +2 "$OUT/statement_2025_08.csv" | cut -d, -f1 | sort -u | paste -sd,)"
check "statement file: Σ amount_cents = the run's allocated_cents" "$allocated" \
    "$(csv_sum "$OUT/statement_2025_08.csv" amount_cents)"
# Creators of the statement without an allocation (a bot with units 0) must sum to 0: compare
# over both sides' creators.
per_creator=$(csv_sum "$OUT/statement_2025_08.csv" amount_cents creator_id)
check "statement file: Σ amount_cents per creator = the creator's allocation amount_cents" \
    "$(q -c "SELECT string_agg(c || ':' || coalesce(a.amount_cents, 0), ',' ORDER BY c)
               FROM (SELECT DISTINCT creator_id AS c FROM revenue_split.statement_lines WHERE run_id = $run_id
                     UNION SELECT creator_id FROM revenue_split.allocations WHERE run_id = $run_id) x
               LEFT JOIN revenue_split.allocations a ON a.run_id = $run_id AND a.creator_id = x.c")" \
    "$per_creator"
check "statement file: the creators with amount_cents > 0 are the run's paid creators" \
    "$(q -c "SELECT string_agg(creator_id::text, ',' ORDER BY creator_id) FROM revenue_split.allocations WHERE run_id = $run_id AND amount_cents > 0")" \
    "$(echo "$per_creator" | tr ',' '\n' | grep -E ':[1-9]' | cut -d: -f1 | paste -sd,)"
allocated_creators=$(q -c "SELECT string_agg(creator_id::text, ',') FROM revenue_split.allocations WHERE run_id = $run_id")
check "statement file: views per creator = the run's statement totals in creator_payouts" \
    "$(q -c "SELECT string_agg(creator_id || ':' || statement_views, ',' ORDER BY creator_id) FROM revenue_split.creator_payouts WHERE run_id = $run_id")" \
    "$(csv_sum "$OUT/statement_2025_08.csv" views creator_id "$allocated_creators")"

# ---- a statement never changes after its events are deleted ----
check "the run's events are there before the delete" "t" \
    "$(q -c "SELECT count(*) > 0 FROM public.event WHERE ts >= '2025-08-01' AND ts < '2025-09-01'")"
q -c "DELETE FROM public.event WHERE ts >= '2025-08-01' AND ts < '2025-09-01'"
(cd "$OUT" && qq -c "\\copy (SELECT * FROM revenue_split_statement($run_id)) TO 'statement_after_delete.csv' CSV HEADER")
check "statement file after the events were deleted: identical" "same" \
    "$(cmp -s "$OUT/statement_2025_08.csv" "$OUT/statement_after_delete.csv" && echo same || echo differs)"
check "and the preview of the month is now empty (so the statement did not come from events)" "0" \
    "$(qq -c "SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8)")"
finish
