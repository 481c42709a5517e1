-- Scenario group: committing runs (SPEC §5, §6, §8): revenue_split_commit (monthly) and
-- revenue_split_run (daily): the returned row, the ledger rows in transactions, the balances,
-- revenue_split.runs / revenue_split.allocations, exactly-once (skipped), payment_type as part of
-- the run key, pool 0, no_units, and the default month.
--
-- Every creator-day is "simple" (one video, views only, each view with its own device and IP,
-- created_at NULL): raw = views, quality 1 (all ER 0), early 1, cluster 1 (top_share 1/views <= 0.2),
-- integrity 0.97 + 0.06 * (1 + 1 + 0)/3 = 1.01, trust NULL -> 1. So units(c, D) = 1.01 * views.
--
--   users: 1 A  KYC 1 (cap 5,000)   balance 0
--          2 B  KYC 3 (unlimited)   balance NULL
--          3 C  KYC 0 (cap 0)       balance 7
--          4    KYC 3, likely_bot   balance 0
--          5    KYC 2 (cap 50,000)  balance 100
--   videos 11 -> 1, 21 and 22 -> 2, 31 -> 3, 41 -> 4, 51 and 52 -> 5
--   2025-05-10: 11: 50 views, 21: 30, 31: 20, 41 (bot): 10
--   2025-05-20: 22: 10 views, 51: 10
--   2025-05-25: 41 (bot): 10 views   (only the bot: U = 0)
--   2025-06-03: 51: 10 views; 771 -> creator 77, who has NO users row: 10 views
--   previous calendar month of now() (UTC), day 5: 52: 10 views
BEGIN;
SELECT plan(54);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 1, NULL, false), (2, NULL, 3, NULL, false), (3, 7, 0, NULL, false),
    (4, 0, 3, NULL, true), (5, 100, 2, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, NULL), (21, 2, NULL), (22, 2, NULL), (31, 3, NULL), (41, 4, NULL), (51, 5, NULL), (52, 5, NULL), (771, 77, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-05-10', 50), (21, '2025-05-10', 30), (31, '2025-05-10', 20), (41, '2025-05-10', 10),
             (22, '2025-05-20', 10), (51, '2025-05-20', 10),
             (41, '2025-05-25', 10),
             (51, '2025-06-03', 10), (771, '2025-06-03', 10),
             (52, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month' + interval '4 days')::date, 10)
     ) AS x(v, d, n),
     generate_series(1, x.n) g;

SELECT is(pg_get_function_result('revenue_split_commit(bigint, int, int)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_commit returns the §8 row, then §9''s paid_cents and owed_cents');
SELECT is(pg_get_function_result('revenue_split_run(bigint, date, text)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_run returns the §8 row, then §9''s paid_cents and owed_cents');

-- ==== monthly commit, May 2025, pool 12,000 ====
-- units: A 50.5, B 30.3 + 10.1 = 40.4, C 20.2, 5: 10.1, bot 0 (not in E). U = 121.2.
-- weights per 10.1: A 5, B 4, C 2, 5: 1.
--   C cap 0 -> capped, 0. 12,000 over weight 10 = 1,200 per weight: A 6,000 > 5,000 -> capped at 5,000.
--   7,000 over weight 5 = 1,400 per weight: 5 (cap 50,000): 1,400 -> not capped; B: 5,600.
--   allocated 5,000 + 5,600 + 1,400 = 12,000, unallocated 0, creators paid 3 (A, B, 5).
CREATE TEMP TABLE m1 AS SELECT * FROM revenue_split_commit(12000, 2025, 5);
SELECT results_eq(
    $$SELECT run_id IS NOT NULL, status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents,
             round(total_units::numeric, 9) FROM m1$$,
    $$VALUES (true, 'committed', date '2025-05-01', date '2025-06-01', 12000::bigint, 3, 12000::bigint, 0::bigint, 121.2::numeric)$$,
    'monthly commit: returned row');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction, created_at = now() FROM public.transactions ORDER BY recipient$$,
    $$VALUES (1::bigint, 5000, 'revenue_split_monthly', 'pending', 'inflow', true),
             (2, 5600, 'revenue_split_monthly', 'pending', 'inflow', true),
             (5, 1400, 'revenue_split_monthly', 'pending', 'inflow', true)$$,
    'monthly commit: one pending inflow per paid creator, payment_type revenue_split_monthly, created_at = now()');
-- balances: A 0 + 5,000; B NULL -> 5,600; C 7 (amount 0, untouched); bot 0; 5: 100 + 1,400
SELECT results_eq(
    $$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 5000::bigint), (2, 5600), (3, 7), (4, 0), (5, 1500)$$,
    'monthly commit: balances bumped (NULL counts as 0); unpaid creators untouched');
SELECT results_eq(
    $$SELECT r.run_id = (SELECT run_id FROM m1), kind, period_start, period_end, payment_type, pool_cents, allocated_cents, unallocated_cents,
             creators, round(total_units::numeric, 9), config IS NOT NULL AND jsonb_typeof(config) = 'object'
        FROM revenue_split.runs r$$,
    $$VALUES (true, 'monthly', date '2025-05-01', date '2025-06-01', 'revenue_split_monthly', 12000::bigint, 12000::bigint, 0::bigint, 3,
              121.2::numeric, true)$$,
    'monthly commit: the revenue_split.runs row');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, transaction_id IS NOT NULL
        FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM m1) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 50.5::numeric, 1, 5000::bigint, 5000::bigint, true, true),
             (2, 40.4, 3, NULL, 5600, false, true),
             (3, 20.2, 0, 0, 0, true, false),
             (5, 10.1, 2, 50000, 1400, false, true)$$,
    'monthly commit: one allocation per creator with units > 0 (no bot); transaction_id set iff paid');
SELECT is_empty(
    $$SELECT * FROM revenue_split.allocations a LEFT JOIN public.transactions t ON t.id = a.transaction_id
       WHERE a.transaction_id IS NOT NULL AND (t.id IS NULL OR t.recipient <> a.creator_id OR t.amount_cents <> a.amount_cents)$$,
    'monthly commit: every allocation.transaction_id is the transactions row of that creator and amount');
SELECT is((SELECT config->>'app_schema' FROM revenue_split.runs), 'public', 'monthly commit: runs.config records the configuration used');
SELECT results_eq(
    $$SELECT creator_id, units, kyc_level, cap_cents, amount_cents, capped FROM revenue_split.allocations
       WHERE run_id = (SELECT run_id FROM m1) ORDER BY creator_id$$,
    $$SELECT creator_id, units, kyc_level, cap_cents, amount_cents, capped FROM revenue_split_preview(12000, 2025, 5) ORDER BY creator_id$$,
    'monthly commit: the allocation rows are exactly what the preview shows');

-- the same commit again: skipped, the earlier run, nothing written
CREATE TEMP TABLE m2 AS SELECT * FROM revenue_split_commit(12000, 2025, 5);
SELECT results_eq($$SELECT * FROM m2$$,
    $$SELECT run_id, 'skipped'::text, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, total_units, paid_cents, owed_cents FROM m1$$,
    'monthly commit again: status skipped, same run_id and totals');
-- a different pool for the same month: the same run key, but not the same run -> 23505 naming
-- pool, the earlier run and both values (SPEC §6.2, 0.3.0), nothing written
SELECT throws_like(
    $$SELECT * FROM revenue_split_commit(99999, 2025, 5)$$,
    '%monthly run of 2025-05-01 was already committed as run ' || (SELECT run_id FROM m1) || ' with pool 12000, not pool 99999%',
    'monthly commit with another pool: refused, naming the earlier run and both pools');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(99999, 2025, 5)$$, '23505', NULL,
    'monthly commit with another pool: SQLSTATE 23505');
-- the configured monthly payment type changes: the month is still paid (SPEC §6.2, 0.3.0;
-- 0.2.0 committed it again as a new run and doubled every balance)
UPDATE revenue_split.config SET monthly_payment_type = 'payout_v2';
INSERT INTO revenue_split.config (monthly_payment_type) VALUES ('payout_v2') ON CONFLICT (singleton) DO NOTHING;
SELECT results_eq(
    $$SELECT run_id, status, pool_cents FROM revenue_split_commit(12000, 2025, 5)$$,
    $$SELECT run_id, 'skipped'::text, 12000::bigint FROM m1$$,
    'monthly commit after monthly_payment_type changed: skipped, the earlier run');
DELETE FROM revenue_split.config;
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions)$$,
    $$VALUES (1::bigint, 4::bigint, 3::bigint)$$,
    'skipped monthly commits wrote nothing');
SELECT results_eq(
    $$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 5000::bigint), (2, 5600), (3, 7), (4, 0), (5, 1500)$$,
    'skipped monthly commits changed no balance');

-- ==== daily run, 2025-05-10, pool 10,000, default payment_type (SPEC §5 example 1) ====
-- units A 50.5, B 30.3, C 20.2 (bot 0). U = 101. C capped at 0; A 10,000 * 50.5/80.8 = 6,250 > 5,000
-- -> A 5,000 capped; B 5,000. allocated 10,000, unallocated 0, creators 2.
CREATE TEMP TABLE d1 AS SELECT * FROM revenue_split_run(10000, '2025-05-10');
SELECT results_eq(
    $$SELECT run_id IS NOT NULL AND run_id <> (SELECT run_id FROM m1), status, period_start, period_end, pool_cents, creators,
             allocated_cents, unallocated_cents, round(total_units::numeric, 9) FROM d1$$,
    $$VALUES (true, 'committed', date '2025-05-10', date '2025-05-11', 10000::bigint, 2, 10000::bigint, 0::bigint, 101::numeric)$$,
    'daily run: returned row');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction, created_at = now() FROM public.transactions
       WHERE payment_type <> 'revenue_split_monthly' ORDER BY recipient$$,
    $$VALUES (1::bigint, 5000, 'revenue_split', 'pending', 'inflow', true), (2, 5000, 'revenue_split', 'pending', 'inflow', true)$$,
    'daily run: transactions with the default payment_type revenue_split');
-- balances: A 5,000 + 5,000; B 5,600 + 5,000; C 7; bot 0; 5 1,500 (not in this day)
SELECT results_eq(
    $$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 10000::bigint), (2, 10600), (3, 7), (4, 0), (5, 1500)$$,
    'daily run: balances bumped');
SELECT results_eq(
    $$SELECT kind, period_start, period_end, payment_type, pool_cents, allocated_cents, unallocated_cents, creators,
             round(total_units::numeric, 9), config IS NOT NULL
        FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM d1)$$,
    $$VALUES ('daily', date '2025-05-10', date '2025-05-11', 'revenue_split', 10000::bigint, 10000::bigint, 0::bigint, 2, 101::numeric, true)$$,
    'daily run: the revenue_split.runs row');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, transaction_id IS NOT NULL
        FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM d1) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 50.5::numeric, 1, 5000::bigint, 5000::bigint, true, true),
             (2, 30.3, 3, NULL, 5000, false, true),
             (3, 20.2, 0, 0, 0, true, false)$$,
    'daily run: allocation rows');
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM d1) ORDER BY creator_id$$,
    $$SELECT creator_id, amount_cents FROM revenue_split_preview_day(10000, '2025-05-10') ORDER BY creator_id$$,
    'daily run: the allocation is what the preview showed');

-- the same daily run again (default and explicit payment_type): skipped, same run, nothing written
SELECT results_eq($$SELECT * FROM revenue_split_run(10000, '2025-05-10')$$,
    $$SELECT run_id, 'skipped'::text, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, total_units, paid_cents, owed_cents FROM d1$$,
    'daily run again: skipped, same run_id and totals');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(10000, '2025-05-10', 'revenue_split')$$,
    $$SELECT run_id, 'skipped'::text FROM d1$$,
    'daily run again with the explicit default payment_type: skipped');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions),
             (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (2::bigint, 7::bigint, 5::bigint, 22107::numeric)$$,
    'skipped daily runs wrote nothing (2 runs, 4 + 3 allocations, 3 + 2 transactions, balances unchanged)');

-- ==== the same day with another payment_type: a new run (SPEC §5 example 2: pool 12,000, B at KYC 1) ====
-- A 5,000 (capped: 12,000 * 50.5/80.8 = 7,500), B 5,000 (capped: the remaining 7,000 > 5,000), C 0;
-- allocated 10,000, unallocated 2,000, creators 2.
UPDATE public.users SET kyc_level = 1 WHERE id = 2;
CREATE TEMP TABLE d2 AS SELECT * FROM revenue_split_run(12000, '2025-05-10', 'bonus');
SELECT results_eq(
    $$SELECT run_id IS NOT NULL AND run_id NOT IN (SELECT run_id FROM m1 UNION ALL SELECT run_id FROM d1), status, period_start, period_end,
             pool_cents, creators, allocated_cents, unallocated_cents FROM d2$$,
    $$VALUES (true, 'committed', date '2025-05-10', date '2025-05-11', 12000::bigint, 2, 10000::bigint, 2000::bigint)$$,
    'daily run with payment_type bonus: a new run; every creator at its cap -> 2,000 unallocated');
SELECT results_eq(
    $$SELECT recipient, amount_cents, status, direction FROM public.transactions WHERE payment_type = 'bonus' ORDER BY recipient$$,
    $$VALUES (1::bigint, 5000, 'pending', 'inflow'), (2, 5000, 'pending', 'inflow')$$,
    'daily run with payment_type bonus: its transactions carry that payment_type');
SELECT results_eq(
    $$SELECT payment_type, pool_cents, allocated_cents, unallocated_cents, creators FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM d2)$$,
    $$VALUES ('bonus', 12000::bigint, 10000::bigint, 2000::bigint, 2)$$,
    'daily run with payment_type bonus: runs row with unallocated 2,000');
SELECT results_eq(
    $$SELECT creator_id, cap_cents, amount_cents, capped FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM d2) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 5000::bigint, 5000::bigint, true), (2, 5000, 5000, true), (3, 0, 0, true)$$,
    'daily run with payment_type bonus: allocation rows at the caps');
-- balances: A 10,000 + 5,000; B 10,600 + 5,000
SELECT results_eq(
    $$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 15000::bigint), (2, 15600), (3, 7), (4, 0), (5, 1500)$$,
    'daily run with payment_type bonus: balances bumped');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(12000, '2025-05-10', 'bonus')$$,
    $$SELECT run_id, 'skipped'::text FROM d2$$,
    'daily run bonus again: skipped');
UPDATE public.users SET kyc_level = 3 WHERE id = 2;

-- ==== pool 0 (2025-05-20: B 10.1, 5: 10.1): a committed run paying nobody ====
CREATE TEMP TABLE d3 AS SELECT * FROM revenue_split_run(0, '2025-05-20');
SELECT results_eq(
    $$SELECT run_id IS NOT NULL, status, pool_cents, creators, allocated_cents, unallocated_cents, round(total_units::numeric, 9) FROM d3$$,
    $$VALUES (true, 'committed', 0::bigint, 0, 0::bigint, 0::bigint, 20.2::numeric)$$,
    'daily run with pool 0: committed, nobody paid');
SELECT results_eq(
    $$SELECT creator_id, amount_cents, transaction_id FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM d3) ORDER BY creator_id$$,
    $$VALUES (2::bigint, 0::bigint, NULL::bigint), (5, 0, NULL)$$,
    'daily run with pool 0: allocations with amount 0 and no transaction');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (7::bigint, 32107::numeric)$$,
    'daily run with pool 0: no transaction, no balance change (15,000 + 15,600 + 7 + 0 + 1,500)');

-- ==== a pool smaller than the creators: pool 1 on 2025-05-20 (B 10.1, 5: 10.1), payment_type tiny ====
-- 0.5 each -> floors 0 + 0; the leftover cent: equal remainders -> smallest id (2). 5 gets 0: no transaction.
CREATE TEMP TABLE d4 AS SELECT * FROM revenue_split_run(1, '2025-05-20', 'tiny');
SELECT results_eq(
    $$SELECT status, pool_cents, creators, allocated_cents, unallocated_cents FROM d4$$,
    $$VALUES ('committed'::text, 1::bigint, 1, 1::bigint, 0::bigint)$$,
    'daily run with pool 1 over two equal creators: one creator paid');
SELECT results_eq(
    $$SELECT a.creator_id, a.amount_cents, t.recipient, t.amount_cents FROM revenue_split.allocations a
        LEFT JOIN public.transactions t ON t.id = a.transaction_id WHERE a.run_id = (SELECT run_id FROM d4) ORDER BY 1$$,
    $$VALUES (2::bigint, 1::bigint, 2::bigint, 1), (5, 0, NULL, NULL)$$,
    'daily run with pool 1: the cent to the smallest id; the creator with 0 gets no transaction');

-- ==== a creator without a users row (2025-06-03: 5: 10.1, 77 (no row): 10.1), pool 500 ====
-- 77: kyc_level NULL, cap 0 -> capped, 0, no transaction (and no users row to bump); 5 (cap 50,000) gets 500.
CREATE TEMP TABLE d5 AS SELECT * FROM revenue_split_run(500, '2025-06-03');
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, round(total_units::numeric, 9) FROM d5$$,
    $$VALUES ('committed'::text, 1, 500::bigint, 0::bigint, 20.2::numeric)$$,
    'daily run with a creator without users row: committed, one creator paid');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, transaction_id IS NOT NULL
        FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM d5) ORDER BY creator_id$$,
    $$VALUES (5::bigint, 10.1::numeric, 2, 50000::bigint, 500::bigint, false, true), (77, 10.1, NULL, 0, 0, true, false)$$,
    'daily run with a creator without users row: its allocation row (kyc NULL, cap 0, 0, capped, no transaction)');
SELECT is((SELECT count(*) FROM public.transactions WHERE recipient = 77), 0::bigint,
    'daily run with a creator without users row: no transaction for it');

-- ==== no_units ====
-- February 2025: no events at all
SELECT results_eq(
    $$SELECT run_id, status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, total_units
        FROM revenue_split_commit(5000, 2025, 2)$$,
    $$VALUES (NULL::bigint, 'no_units', date '2025-02-01', date '2025-03-01', 5000::bigint, 0, 0::bigint, 5000::bigint, 0::float8)$$,
    'monthly commit of a month without events: no_units, run_id NULL');
-- 2025-05-15: no events; 2025-05-25: only the bot (units 0 -> U = 0)
SELECT results_eq(
    $$SELECT run_id, status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents
        FROM revenue_split_run(1000, '2025-05-15')$$,
    $$VALUES (NULL::bigint, 'no_units', date '2025-05-15', date '2025-05-16', 1000::bigint, 0, 0::bigint, 1000::bigint)$$,
    'daily run of a day without events: no_units');
SELECT is((SELECT count(*) FROM revenue_split_units('2025-05-25')), 1::bigint, 'fixture: 2025-05-25 has the bot in its cohort');
SELECT results_eq(
    $$SELECT run_id, status FROM revenue_split_run(1000, '2025-05-25')$$,
    $$VALUES (NULL::bigint, 'no_units')$$,
    'daily run of a day where only a bot earned: no_units');
SELECT results_eq(
    $$SELECT run_id, status FROM revenue_split_run(1000, '2025-05-25')$$,
    $$VALUES (NULL::bigint, 'no_units')$$,
    'no_units again: still no_units (nothing was recorded)');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations),
             (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (6::bigint, 16::bigint, 9::bigint, 32608::numeric)$$,
    'no_units calls wrote nothing');

-- ==== the default month: the previous calendar month (UTC) ====
-- only creator 5 (video 52, 10 views -> 10.1 units, KYC 2, cap 50,000): pool 3,000 all to 5.
CREATE TEMP TABLE dm AS SELECT * FROM revenue_split_commit(3000);
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, round(total_units::numeric, 9) FROM dm$$,
    $$SELECT 'committed'::text, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date,
             date_trunc('month', now() AT TIME ZONE 'UTC')::date, 3000::bigint, 1, 3000::bigint, 0::bigint, 10.1::numeric$$,
    'commit(pool) commits the previous calendar month (UTC)');
SELECT results_eq(
    $$SELECT t.recipient, t.amount_cents, t.payment_type FROM public.transactions t JOIN revenue_split.allocations a ON a.transaction_id = t.id
       WHERE a.run_id = (SELECT run_id FROM dm)$$,
    $$VALUES (5::bigint, 3000, 'revenue_split_monthly')$$,
    'commit(pool): the transaction of the previous month');
SELECT is((SELECT current_balance FROM public.users WHERE id = 5), 5000::bigint, 'commit(pool): balance 1,500 + 500 + 3,000');
SELECT results_eq(
    format($$SELECT run_id, status FROM revenue_split_commit(3000, %s, %s)$$,
           extract(year FROM date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::int,
           extract(month FROM date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::int),
    $$SELECT run_id, 'skipped'::text FROM dm$$,
    'commit(pool, year, month) of that month afterwards: skipped, same run');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_commit(3000, NULL, NULL)$$,
    $$SELECT run_id, 'skipped'::text FROM dm$$,
    'commit(pool, NULL, NULL): the same default month, skipped');

-- ==== overall: every run adds up ====
SELECT is_empty(
    $$SELECT r.run_id FROM revenue_split.runs r LEFT JOIN revenue_split.allocations a USING (run_id)
       GROUP BY r.run_id, r.pool_cents, r.allocated_cents, r.unallocated_cents, r.creators
      HAVING r.allocated_cents + r.unallocated_cents <> r.pool_cents
          OR COALESCE(sum(a.amount_cents), 0) <> r.allocated_cents
          OR count(*) FILTER (WHERE a.amount_cents > 0) <> r.creators$$,
    'every run: allocated + unallocated = pool, Σ allocations = allocated, creators = paid count');
SELECT results_eq(
    $$SELECT count(*), sum(amount_cents)::numeric FROM public.transactions$$,
    $$SELECT count(*), sum(amount_cents) FROM revenue_split.allocations WHERE amount_cents > 0$$,
    'transactions = the paid allocations, one each');
-- balances = initial (0, NULL, 7, 0, 100) + Σ transactions per recipient
SELECT is_empty(
    $$SELECT u.id FROM public.users u
        LEFT JOIN (SELECT recipient, sum(amount_cents) AS s FROM public.transactions GROUP BY recipient) t ON t.recipient = u.id
        JOIN (VALUES (1::bigint, 0::bigint), (2, 0), (3, 7), (4, 0), (5, 100)) AS i(id, b) ON i.id = u.id
       WHERE u.current_balance IS DISTINCT FROM i.b + COALESCE(t.s, 0)$$,
    'every balance = its initial value + Σ of its transactions');
SELECT is((SELECT count(*) FROM revenue_split.runs), 7::bigint, 'seven runs in all (monthly, daily x2, pool 0, pool 1, no users row, default month)');

SELECT * FROM finish();
ROLLBACK;
