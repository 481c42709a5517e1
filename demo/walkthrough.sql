-- The demo's SQL, run by scripts/demo against demo/sample_data.sql. Every statement here is
-- also an example of the README. It writes preview_2025_08.csv (August's dry run) and
-- statement_2025_08.csv (the August run's statement) into psql's current directory.
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

-- The review file: the same dry run as CSV with a header, written by psql (\copy, on the
-- client side) into its current directory before anything is paid. scripts/demo runs this
-- file from the cluster's directory.
\copy (SELECT * FROM revenue_split_preview(10000000, 2025, 8) ORDER BY creator_id) TO 'preview_2025_08.csv' CSV HEADER

-- Commit it: one ledger inflow per paid creator, balances bumped, in this transaction.
SELECT * FROM revenue_split_commit(10000000, 2025, 8);

SELECT id, recipient, amount_cents, payment_type, status, direction FROM public.transactions ORDER BY id;
SELECT id, handle, current_balance FROM public.users ORDER BY id;

-- Exactly once: committing the same month again writes nothing.
SELECT run_id, status, allocated_cents FROM revenue_split_commit(10000000, 2025, 8);

-- Every cent explained: August's run per creator and video (each creator's rows add up to its
-- amount), and the whole statement as a CSV file next to the review file.
SELECT creator_id, video_id, views, likes, comments, shares, round(units::numeric, 2) AS units, amount_cents
FROM revenue_split_statement((SELECT run_id FROM revenue_split.runs
                              WHERE kind = 'monthly' AND period_start = '2025-08-01' AND status = 'committed'))
ORDER BY creator_id, video_id;
\copy (SELECT * FROM revenue_split_statement((SELECT run_id FROM revenue_split.runs WHERE kind = 'monthly' AND period_start = '2025-08-01' AND status = 'committed')) ORDER BY creator_id, video_id) TO 'statement_2025_08.csv' CSV HEADER

-- A bot farm found after payout. dave, the obvious farm, was flagged (likely_bot) before
-- August and was never paid. gina was paid 50,000 cents (her KYC 2 cap), but her video 702
-- gets its views from 5 devices behind 2 IPs (demo/sample_data.sql generates its traffic as
-- farm traffic; only the cluster penalty held it back). A week later the fraud team flags her:
\echo
\echo '== A week after payout, gina (creator 7) turns out to run a bot farm: flag her, correct August =='
UPDATE public.users SET likely_bot = true WHERE id = 7;

-- What a correction of August would change: gina's 50,000 back, paid to the creators the
-- caps did not bind (alice and frank; bob and carol are at their caps). No writes.
SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 2) AS units, cap_cents
FROM revenue_split_preview_correction(2025, 8)
ORDER BY creator_id;

-- Post it: an outflow (the clawback) and inflows, as revenue_split_monthly_adjustment rows.
SELECT * FROM revenue_split_correct(2025, 8);
SELECT id, recipient, amount_cents, payment_type, status, direction
FROM public.transactions WHERE payment_type = 'revenue_split_monthly_adjustment' ORDER BY id;

-- Earned = paid + owed for every creator; the balances moved with the ledger.
SELECT * FROM revenue_split.balances ORDER BY creator_id;
SELECT id, handle, current_balance FROM public.users ORDER BY id;

-- A second identical correction changes nothing.
SELECT run_id, status FROM revenue_split_correct(2025, 8);

-- The audit trail: the commit, and the correction that corrects it; what each pass read.
SELECT run_id, kind, period_start, period_end, payment_type, status, corrects, pool_cents,
       allocated_cents, unallocated_cents, creators, paid_cents, owed_cents, events_read, newest_event_ts
FROM revenue_split.runs ORDER BY run_id;

-- A health report: tables and types, the event(ts) index, config, privileges, pg_cron, last runs.
SELECT * FROM revenue_split_doctor();
