-- The demo's SQL, run by scripts/demo against demo/sample_data.sql. Every statement here is
-- also an example of the README.
\set ECHO queries
\pset null '(null)'
SET client_min_messages = warning;

-- Install the way a Supabase migration does: functions in the `extensions` schema.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS revenue_split WITH SCHEMA extensions;
SET search_path = public, extensions;

-- Per-video units of one day: bot-farm videos (401, 402, 702) carry the cluster penalty,
-- frank's launch (602) the early kicker.
SELECT video_id, creator_id, views, likes, comments, shares,
       round(raw_units::numeric, 1) AS raw_units, round(quality_mult::numeric, 4) AS quality_mult,
       early_mult, round(cluster_mult::numeric, 4) AS cluster_mult, round(units::numeric, 2) AS units
FROM revenue_split_video_units('2025-08-20')
ORDER BY video_id;

-- Per-creator units of the same day: dave (likely_bot) is listed but excluded.
SELECT creator_id, round(units::numeric, 2) AS units, raw_units, videos,
       round(integrity_mult::numeric, 4) AS integrity_mult, round(trust_mult::numeric, 4) AS trust_mult, excluded
FROM revenue_split_units('2025-08-20')
ORDER BY creator_id;

-- What August's payout of $100,000.00 would be: bob capped at KYC 1, erin at 0.
SELECT creator_id, round(units::numeric, 2) AS units, kyc_level, cap_cents, amount_cents, capped
FROM revenue_split_preview(10000000, 2025, 8)
ORDER BY creator_id;

-- Commit it: one ledger inflow per paid creator, balances bumped, in this transaction.
SELECT * FROM revenue_split_commit(10000000, 2025, 8);

SELECT id, recipient, amount_cents, payment_type, status, direction FROM public.transactions ORDER BY id;
SELECT id, handle, current_balance FROM public.users ORDER BY id;

-- Exactly once: committing the same month again writes nothing.
SELECT run_id, status, allocated_cents FROM revenue_split_commit(10000000, 2025, 8);

-- The audit trail.
SELECT run_id, kind, period_start, period_end, payment_type, pool_cents, allocated_cents,
       unallocated_cents, creators
FROM revenue_split.runs ORDER BY run_id;

-- A health report: tables and types, the event(ts) index, config, privileges, pg_cron, last runs.
SELECT * FROM revenue_split_doctor();
