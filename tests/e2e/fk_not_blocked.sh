#!/usr/bin/env bash
# A commit locks the paid creators' users rows FOR NO KEY UPDATE (issue 12): their balances
# change, their keys do not, so while the commit's transaction is open another session can
# still insert rows that reference those users through a foreign key (FOR KEY SHARE). With
# FOR UPDATE (0.2.0) that insert waited for the whole payout transaction.
source "$(dirname "$0")/common.sh"
fresh_db rs_e2e_fk
q -c "CREATE TABLE public.follows (follower bigint NOT NULL, creator bigint NOT NULL REFERENCES public.users (id))"
paid=$(q -c "SELECT creator_id FROM revenue_split_preview(10000000, 2025, 8) WHERE amount_cents > 0 ORDER BY creator_id LIMIT 1")
( q -c "BEGIN" -c "SELECT status FROM revenue_split_commit(10000000, 2025, 8)" -c "SELECT pg_sleep(4)" -c "COMMIT" \
    > /tmp/rs_fk_a.out 2>/dev/null ) &
sleep 2
b=$(q -c "SET lock_timeout = '1s'" -c "INSERT INTO public.follows VALUES (1, $paid) RETURNING creator" 2>&1 || true)
check "while the payout is open, a row referencing a paid creator is inserted without waiting" "$paid" "$b"
check "the paid creator's row is locked by the payout meanwhile (an UPDATE of its balance waits)" "55P03" \
    "$(q -v VERBOSITY=verbose -c "SET lock_timeout = '500ms'" -c "UPDATE public.users SET current_balance = 0 WHERE id = $paid" 2>&1 \
       | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p')"
wait
check "the payout committed" "committed" "$(head -1 /tmp/rs_fk_a.out)"
finish
