#!/usr/bin/env bash
# A commit takes its run key's lock before it reads anything, and then reads everything on one
# snapshot taken after the lock (SPEC §6.2, 0.3.0). Session B holds August's run-key lock in an
# open transaction while it adds late events for one creator and flags another as a bot, then
# commits; session A's commit waits for the lock meanwhile. A must then pay exactly what a
# preview of the data as B left it says — the new events and the bot flag together. (0.2.0
# streamed the events from the statement's snapshot, taken before the wait, and read the users
# rows from fresh ones: it paid the new bot flag on the old events.)
source "$(dirname "$0")/common.sh"
fresh_db rs_e2e_snapshot
lock_key="revenue_split/monthly/2025-08-01"
bot=$(q -c "SELECT creator_id FROM revenue_split_preview(10000000, 2025, 8) WHERE cap_cents IS NULL ORDER BY amount_cents DESC LIMIT 1")
late=$(q -c "SELECT creator_id FROM revenue_split_preview(10000000, 2025, 8) WHERE creator_id <> $bot AND cap_cents IS NULL ORDER BY creator_id LIMIT 1")
late_video=$(q -c "SELECT id FROM public.videos WHERE creator_id = $late ORDER BY id LIMIT 1")

( q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(hashtextextended('$lock_key', 0))" \
    -c "INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
        SELECT $late_video, 'view', timestamptz '2025-08-15 12:00+00' + g * interval '1 second', 'late-d' || g, 'late-i' || g
        FROM generate_series(1, 3000) g" \
    -c "UPDATE public.users SET likely_bot = true WHERE id = $bot" \
    -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null ) &
sleep 1
started=$(date +%s.%N)
q -c "SELECT status FROM revenue_split_commit(10000000, 2025, 8)" > /tmp/rs_snapshot_a.out
waited=$(echo "$(date +%s.%N) - $started" | bc)
wait
check "A committed" "committed" "$(cat /tmp/rs_snapshot_a.out)"
check "A waited for the run-key lock before reading (>= 1.5 s)" "yes" "$(echo "$waited >= 1.5" | bc | sed 's/1/yes/;s/0/no/')"
check "A paid the flagged creator nothing" "0" \
    "$(q -c "SELECT coalesce(sum(amount_cents), 0) FROM revenue_split.allocations WHERE creator_id = $bot")"
check "A counted the late events (its allocation equals a preview of the data as B left it)" "0" \
    "$(q -c "SELECT count(*) FROM (
               SELECT creator_id, amount_cents FROM revenue_split.allocations WHERE run_id = (SELECT max(run_id) FROM revenue_split.runs)
               EXCEPT SELECT creator_id, amount_cents FROM revenue_split_preview(10000000, 2025, 8) WHERE units > 0) d")"
check "A's run records the events it read, late ones included" "yes" \
    "$(q -c "SELECT CASE WHEN events_read = (SELECT count(*) FROM public.event WHERE ts >= '2025-07-26' AND ts < '2025-09-01' AND video_id IS NOT NULL) THEN 'yes' ELSE 'no: ' || events_read END FROM revenue_split.runs")"
finish
