#!/usr/bin/env bash
# Detoasted copies are freed row by row (issue 12): a device_id or ip_hash stored compressed
# (long values) is decompressed into a copy each time the pass reads it; those copies live in
# a memory context that is reset after every row, not in the executor's query context until
# the query ends. 150,000 view events whose device ids are 4 kB (stored compressed) would hold
# about 600 MB of copies until the end of a preview; the backend's private memory, sampled while
# the preview runs, must stay far below that.
source "$(dirname "$0")/common.sh"
fresh_db rs_e2e_detoast
q -c "INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
      SELECT (SELECT min(id) FROM public.videos), 'view', timestamptz '2025-08-10 00:00+00' + g * interval '100 ms',
             repeat(md5(g::text), 128), 'big-ip-' || g
      FROM generate_series(1, 150000) g"
check "the long device ids are stored compressed" "t" \
    "$(q -c "SELECT pg_column_size(device_id) < octet_length(device_id) / 4 FROM public.event WHERE device_id LIKE repeat(md5('7'), 2) || '%' LIMIT 1")"
q -c "SET application_name = 'rs_detoast'" -c "SELECT pg_sleep(1)" -c "SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8)" \
    > /tmp/rs_detoast.out 2>&1 &
query=$!
pid=""
for _ in $(seq 1 50); do
    pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'rs_detoast'")
    [ -n "$pid" ] && break
    sleep 0.1
done
peak=0
while kill -0 "$query" 2>/dev/null; do
    kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$peak" ] && peak=$kb
    sleep 0.05
done
wait "$query" || true
check "the preview ran" "yes" "$(grep -qE '^[0-9]+$' /tmp/rs_detoast.out && echo yes || echo "no: $(tail -1 /tmp/rs_detoast.out)")"
check "the backend's private memory stayed under 200 MB while it read 600 MB of decompressed ids (peak ${peak} kB)" \
    "yes" "$([ "$peak" -gt 0 ] && [ "$peak" -lt 204800 ] && echo yes || echo no)"
finish
