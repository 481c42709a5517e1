#!/usr/bin/env bash
# Random sequences of commits, daily runs, corrections, data edits and policy changes against
# the extension, with the owed-ledger invariants checked after every step (ledger_fuzz.py).
# RS_FUZZ_SEQUENCES / RS_FUZZ_STEPS / RS_FUZZ_SEED override the size and the seed.
source "$(dirname "$0")/common.sh"
DB=rs_e2e_fuzz
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
q -c "CREATE EXTENSION revenue_split"
python3 "$E2E_ROOT/tests/e2e/ledger_fuzz.py" --psql "psql -X -d $DB" \
    --sequences "${RS_FUZZ_SEQUENCES:-6}" --steps "${RS_FUZZ_STEPS:-25}" ${RS_FUZZ_SEED:+--seed "$RS_FUZZ_SEED"}
