-- Scenario group: the shapes of the application's ledger (SPEC §1, §6): `transactions.direction`
-- as an enum type with the label 'inflow', int ids everywhere, an `amount_cents int` column that
-- cannot hold an amount (SQLSTATE 22003, nothing written), and all-or-nothing when the ledger
-- insert fails half-way (a trigger refusing the second row).
--
-- Every creator-day is "simple" (one video, views only, each view with its own device and IP,
-- created_at NULL) -> units = 1.01 * views (quality 1, early 1, cluster 1, integrity 1.01, trust 1).
--   users (int ids, KYC 3 = unlimited): 1 balance 0, 2 balance NULL, 3 balance 5
--   videos (int ids) 11 -> 1, 21 -> 2, 31 -> 3
--   2025-07-10: 11, 21, 31: 10 views each
--   2025-07-11: 11: 10 views
--   2025-07-12: 21: 10 views
--   2025-07-13: 11, 21, 31: 10 views each
BEGIN;
SELECT plan(27);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

DROP TABLE public.users, public.videos, public.event, public.transactions;
CREATE TYPE public.tx_direction AS ENUM ('outflow', 'inflow');
CREATE TABLE public.users (
    id                  int PRIMARY KEY,
    current_balance     bigint,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
CREATE TABLE public.videos (
    id         int PRIMARY KEY,
    creator_id int,
    created_at timestamptz
);
CREATE TABLE public.event (
    video_id   int,
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
);
CREATE TABLE public.transactions (
    id           int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    recipient    int NOT NULL REFERENCES public.users (id),
    amount_cents int NOT NULL,
    payment_type text NOT NULL,
    status       text NOT NULL,
    direction    public.tx_direction NOT NULL
);

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, NULL, 3, NULL, false), (3, 5, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL), (31, 3, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-07-10'), (21, '2025-07-10'), (31, '2025-07-10'),
             (11, '2025-07-11'), (21, '2025-07-12'),
             (11, '2025-07-13'), (21, '2025-07-13'), (31, '2025-07-13')) AS x(v, d),
     generate_series(1, 10) g;

-- ==== enum direction, int ids ====
-- 2025-07-10, pool 100: three equal creators -> 33.33 each -> 34 (id 1, smallest), 33, 33
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents FROM revenue_split_run(100, '2025-07-10')$$,
    $$VALUES ('committed'::text, 3, 100::bigint, 0::bigint)$$,
    'enum direction / int ids: the daily run commits');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction, created_at = now() FROM public.transactions ORDER BY recipient$$,
    $$VALUES (1, 34, 'revenue_split', 'pending', 'inflow'::public.tx_direction, true),
             (2, 33, 'revenue_split', 'pending', 'inflow'::public.tx_direction, true),
             (3, 33, 'revenue_split', 'pending', 'inflow'::public.tx_direction, true)$$,
    'enum direction: rows with direction = the enum label inflow');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1, 34::bigint), (2, 33), (3, 38)$$,
    'int ids: balances bumped (0 + 34, NULL -> 33, 5 + 33)');
SELECT is_empty(
    $$SELECT * FROM revenue_split.allocations a LEFT JOIN public.transactions t ON t.id = a.transaction_id
       WHERE t.id IS NULL OR t.recipient <> a.creator_id OR t.amount_cents <> a.amount_cents$$,
    'int ids: allocation.transaction_id points at the int transactions.id of the creator');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(100, '2025-07-10')$$,
    $$SELECT run_id, 'skipped'::text FROM revenue_split.runs$$,
    'int ids: the same run again is skipped');

-- ==== amount_cents int: an amount above 2^31 - 1 ====
-- 2025-07-11: only creator 1 (KYC 3, unlimited) -> the whole pool 3,000,000,000 > 2,147,483,647.
SELECT throws_ok($$SELECT * FROM revenue_split_run(3000000000, '2025-07-11')$$, '22003', NULL,
    'amount_cents int: an amount of 3,000,000,000 -> 22003');
-- The monthly run of July with the largest pool: 2^63-1 over 1, 2, 3 -> amounts ~3e18 -> 22003.
SELECT throws_ok($$SELECT * FROM revenue_split_commit(9223372036854775807, 2025, 7)$$, '22003', NULL,
    'amount_cents int: monthly pool 2^63-1 -> 22003');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions)$$,
    $$VALUES (1::bigint, 3::bigint, 3::bigint)$$,
    'amount_cents int: the refused runs wrote no run, allocation or transaction');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1, 34::bigint), (2, 33), (3, 38)$$,
    'amount_cents int: the refused runs changed no balance');
-- Exactly 2^31 - 1 fits: 2025-07-12, only creator 2 -> 2,147,483,647.
SELECT results_eq(
    $$SELECT status, creators, allocated_cents FROM revenue_split_run(2147483647, '2025-07-12')$$,
    $$VALUES ('committed'::text, 1, 2147483647::bigint)$$,
    'amount_cents int: an amount of exactly 2^31-1 is committed');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE amount_cents > 100$$,
    $$VALUES (2, 2147483647)$$,
    'amount_cents int: the transaction of 2^31-1');
SELECT is((SELECT current_balance FROM public.users WHERE id = 2), 2147483680::bigint,
    'amount_cents int: balance 33 + 2,147,483,647');
-- With the column widened to bigint, the 3,000,000,000 of 2025-07-11 commits.
-- (done at the end, after the trigger scenario, so that its counts stay simple)

-- ==== all or nothing: the ledger refuses the second row ====
-- 2025-07-13, pool 300: 100 each to 1, 2, 3; the trigger raises on the 2nd transactions row.
CREATE SEQUENCE public.tx_trigger_calls;  -- nextval is not rolled back: counts the trigger's calls
CREATE FUNCTION public.refuse_second_tx() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF nextval('public.tx_trigger_calls') = 2 THEN
        RAISE EXCEPTION 'test trigger: second insert refused' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $f$;
CREATE TRIGGER refuse_second_tx BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.refuse_second_tx();

SELECT throws_like($$SELECT * FROM revenue_split_run(300, '2025-07-13')$$, '%second insert refused%',
    'trigger on transactions: the commit fails with the trigger''s error');
DO $$BEGIN PERFORM setval('public.tx_trigger_calls', 1, false); END$$;
SELECT throws_ok($$SELECT * FROM revenue_split_run(300, '2025-07-13')$$, 'P0001', NULL,
    'trigger on transactions: the error keeps its SQLSTATE');
SELECT cmp_ok((SELECT last_value FROM public.tx_trigger_calls), '>=', 2::bigint,
    'trigger on transactions: the first row had been inserted before the failure');
SELECT is((SELECT count(*) FROM revenue_split.runs WHERE period_start = '2025-07-13'), 0::bigint,
    'after the failure: no run of 2025-07-13');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions)$$,
    $$VALUES (2::bigint, 4::bigint, 4::bigint)$$,
    'after the failure: no run, allocation or transaction remains (2 runs, 3 + 1 allocations, 3 + 1 transactions)');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1, 34::bigint), (2, 2147483680), (3, 38)$$,
    'after the failure: no balance changed');

DROP TRIGGER refuse_second_tx ON public.transactions;
CREATE TEMP TABLE d13 AS SELECT * FROM revenue_split_run(300, '2025-07-13');
SELECT results_eq($$SELECT status, creators, allocated_cents FROM d13$$,
    $$VALUES ('committed'::text, 3, 300::bigint)$$,
    'trigger dropped: the run commits');
SELECT results_eq(
    $$SELECT t.recipient, t.amount_cents, t.direction FROM public.transactions t
        JOIN revenue_split.allocations a ON a.transaction_id = t.id WHERE a.run_id = (SELECT run_id FROM d13) ORDER BY 1$$,
    $$VALUES (1, 100, 'inflow'::public.tx_direction), (2, 100, 'inflow'), (3, 100, 'inflow')$$,
    'trigger dropped: one transaction per creator, once');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1, 134::bigint), (2, 2147483780), (3, 138)$$,
    'trigger dropped: balances bumped once (+100 each)');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(300, '2025-07-13')$$,
    $$SELECT run_id, 'skipped'::text FROM d13$$,
    'trigger dropped: the run again is skipped');
SELECT is((SELECT count(*) FROM public.transactions), 7::bigint, 'trigger dropped: 7 transactions in all');

-- ==== the same failure in the balance update (a trigger on users) ====
-- Monthly July 2025, pool 900: units 1: 10.1 * 3 = 30.3, 2: 30.3, 3: 20.2 -> weights 3:3:2 of 8:
--   337.5, 337.5, 225 -> floors 337 + 337 + 225 = 899; the leftover cent: remainders .5, .5, 0 ->
--   tie between 1 and 2 -> smallest id (1): 338, 337, 225.
CREATE FUNCTION public.refuse_balance() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    RAISE EXCEPTION 'test trigger: balance update refused';
END $f$;
CREATE TRIGGER refuse_balance BEFORE UPDATE OF current_balance ON public.users FOR EACH ROW EXECUTE FUNCTION public.refuse_balance();
SELECT throws_like($$SELECT * FROM revenue_split_commit(900, 2025, 7)$$, '%balance update refused%',
    'trigger on users: the monthly commit fails');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (3::bigint, 7::bigint, 2147484052::numeric)$$,
    'trigger on users: no run, no transaction, no balance change remain');
DROP TRIGGER refuse_balance ON public.users;
CREATE TEMP TABLE m7 AS SELECT * FROM revenue_split_commit(900, 2025, 7);
SELECT results_eq(
    $$SELECT a.creator_id, a.amount_cents FROM m7 JOIN revenue_split.allocations a USING (run_id) ORDER BY 1$$,
    $$VALUES (1::bigint, 338::bigint), (2, 337), (3, 225)$$,
    'trigger dropped: the monthly commit succeeds (338, 337, 225)');

-- ==== amount_cents widened to bigint: 3,000,000,000 fits ====
ALTER TABLE public.transactions ALTER COLUMN amount_cents TYPE bigint;
CREATE TEMP TABLE d11 AS SELECT * FROM revenue_split_run(3000000000, '2025-07-11');
SELECT results_eq(
    $$SELECT r.status, t.recipient, t.amount_cents FROM d11 r
        JOIN revenue_split.allocations a USING (run_id) JOIN public.transactions t ON t.id = a.transaction_id$$,
    $$VALUES ('committed'::text, 1, 3000000000::bigint)$$,
    'amount_cents bigint: 3,000,000,000 is committed');

SELECT * FROM finish();
ROLLBACK;
