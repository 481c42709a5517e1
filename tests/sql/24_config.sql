-- Scenario group: configuration (revenue_split.config; SPEC §1 "application schema (default public;
-- configurable)", "every number is a default that the configuration can change", §8 errors):
-- another application schema, an unknown schema (3F000), a missing table (42P01), a missing
-- column (42703), a negative weight (CHECK, 23514), custom KYC caps, custom weights.
--
-- "Simple" creator-days (one video, views only, own device and IP per view, created_at NULL)
-- have units = 1.01 * views (quality 1, early 1, cluster 1, integrity 0.97 + 0.06 * 2/3, trust 1).
--
-- public (balance 0):  users 1 KYC 1 | 2 KYC 2 | 3 KYC 3 | 4 KYC 4 | 5 KYC 0 | 6 KYC 3
--                      videos 11 -> 1, 21 -> 2, 31 -> 3, 41 -> 4, 51 -> 5, 61 -> 6
--                      2025-08-05: 11, 21, 31, 41, 51: 10 views each
--                      2025-08-06: 61: 10 views, 2 likes, 1 comment, 1 share
-- schema app:          users 101 KYC 3 balance 0, 102 KYC 1 balance NULL
--                      videos 1011 -> 101, 1021 -> 102
--                      2025-08-05: 1011: 20 views, 1021: 10 views
BEGIN;
SELECT plan(37);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 1, NULL, false), (2, 0, 2, NULL, false), (3, 0, 3, NULL, false),
    (4, 0, 4, NULL, false), (5, 0, 0, NULL, false), (6, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, NULL), (21, 2, NULL), (31, 3, NULL), (41, 4, NULL), (51, 5, NULL), (61, 6, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-08-05', 10), (21, '2025-08-05', 10), (31, '2025-08-05', 10), (41, '2025-08-05', 10),
             (51, '2025-08-05', 10), (61, '2025-08-06', 10)) AS x(v, d, n),
     generate_series(1, x.n) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 61, t, timestamptz '2025-08-06 12:00:00+00', 'd61-2025-08-06-1', 'i61-2025-08-06-1'
FROM unnest(ARRAY['like', 'like', 'comment', 'share']) t;

CREATE SCHEMA app;
CREATE TABLE app.users (LIKE public.users INCLUDING ALL);
CREATE TABLE app.videos (LIKE public.videos INCLUDING ALL);
CREATE TABLE app.event (LIKE public.event INCLUDING ALL);
CREATE TABLE app.transactions (LIKE public.transactions INCLUDING ALL);
INSERT INTO app.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (101, 0, 3, NULL, false), (102, NULL, 1, NULL, false);
INSERT INTO app.videos (id, creator_id, created_at) VALUES (1011, 101, NULL), (1021, 102, NULL);
INSERT INTO app.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', timestamptz '2025-08-05 10:00:00+00' + g * interval '1 minute', 'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (1011, 20), (1021, 10)) AS x(v, n), generate_series(1, x.n) g;

-- ==== no config row: every default, schema public ====
SELECT is((SELECT count(*) FROM revenue_split.config), 0::bigint, 'no configuration row to begin with');
-- public 2025-08-05, pool 10,000: 1..5 with 10.1 units each. 5 (KYC 0) capped at 0; 10,000 over 1..4:
--   2,500 each; 1 (cap 5,000) and 2 (cap 50,000) not reached; 3, 4 unlimited.
SELECT results_eq(
    $$SELECT creator_id, kyc_level, cap_cents, amount_cents, capped FROM revenue_split_preview_day(10000, '2025-08-05') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 1, 5000::bigint, 2500::bigint, false), (2, 2, 50000, 2500, false), (3, 3, NULL, 2500, false),
             (4, 4, NULL, 2500, false), (5, 0, 0, 0, true)$$,
    'defaults: public tables, caps 5,000 / 50,000 / unlimited');

-- ==== app_schema = 'app' ====
INSERT INTO revenue_split.config (app_schema) VALUES ('app')
ON CONFLICT (singleton) DO UPDATE SET app_schema = EXCLUDED.app_schema;
-- app 2025-08-05, pool 9,000: 101: 20.2, 102: 10.1 -> 6,000 / 3,000; 102's cap 5,000 not reached.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped
        FROM revenue_split_preview_day(9000, '2025-08-05') ORDER BY creator_id$$,
    $$VALUES (101::bigint, 20.2::numeric, 3, NULL::bigint, 6000::bigint, false), (102, 10.1, 1, 5000, 3000, false)$$,
    'app_schema app: the preview reads app.users / app.videos / app.event');
SELECT results_eq(
    $$SELECT creator_id FROM revenue_split_units('2025-08-05') ORDER BY 1$$,
    $$VALUES (101::bigint), (102)$$,
    'app_schema app: revenue_split_units reads the app schema');
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents FROM revenue_split_run(9000, '2025-08-05')$$,
    $$VALUES ('committed'::text, 2, 9000::bigint, 0::bigint)$$,
    'app_schema app: the daily run commits');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction, created_at = now() FROM app.transactions ORDER BY recipient$$,
    $$VALUES (101::bigint, 6000, 'revenue_split', 'pending', 'inflow', true), (102, 3000, 'revenue_split', 'pending', 'inflow', true)$$,
    'app_schema app: the ledger rows go to app.transactions');
SELECT results_eq($$SELECT id, current_balance FROM app.users ORDER BY id$$,
    $$VALUES (101::bigint, 6000::bigint), (102, 3000)$$,
    'app_schema app: app.users balances bumped (NULL -> 3,000)');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'app_schema app: public.transactions untouched');
SELECT is((SELECT sum(current_balance) FROM public.users), 0::numeric, 'app_schema app: public.users balances untouched');
SELECT is((SELECT config->>'app_schema' FROM revenue_split.runs), 'app', 'app_schema app: runs.config records app_schema app');

-- A schema whose name needs quoting
CREATE SCHEMA "App X";
CREATE TABLE "App X".users (LIKE app.users INCLUDING ALL);
CREATE TABLE "App X".videos (LIKE app.videos INCLUDING ALL);
CREATE TABLE "App X".event (LIKE app.event INCLUDING ALL);
CREATE TABLE "App X".transactions (LIKE app.transactions INCLUDING ALL);
INSERT INTO "App X".users SELECT * FROM app.users;
INSERT INTO "App X".videos SELECT * FROM app.videos;
INSERT INTO "App X".event SELECT * FROM app.event;
UPDATE revenue_split.config SET app_schema = 'App X';
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split_preview_day(9000, '2025-08-05') ORDER BY creator_id$$,
    $$VALUES (101::bigint, 6000::bigint), (102, 3000)$$,
    'app_schema "App X" (mixed case, space): read as a quoted identifier');

-- ==== an unknown schema: 3F000 ====
UPDATE revenue_split.config SET app_schema = 'no_such_schema';
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(100, '2025-08-05')$$, '3F000', NULL, 'unknown schema: preview_day -> 3F000');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 2025, 8)$$, '3F000', NULL, 'unknown schema: preview -> 3F000');
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-08-05')$$, '3F000', NULL, 'unknown schema: units -> 3F000');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '2025-08-05', 'x')$$, '3F000', NULL, 'unknown schema: run -> 3F000');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, 8)$$, '3F000', NULL, 'unknown schema: commit -> 3F000');

-- ==== missing columns (42703) and tables (42P01) in the app schema ====
UPDATE revenue_split.config SET app_schema = 'app';
ALTER TABLE app.transactions DROP COLUMN direction;
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '2025-08-05', 'x')$$, '42703', NULL, 'missing transactions.direction: run -> 42703');
ALTER TABLE app.users DROP COLUMN current_balance;
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, 8)$$, '42703', NULL, 'missing users.current_balance: commit -> 42703');
ALTER TABLE app.users DROP COLUMN likely_bot;
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(100, '2025-08-05')$$, '42703', NULL, 'missing users.likely_bot: preview_day -> 42703');
SELECT throws_like($$SELECT * FROM revenue_split_preview_day(100, '2025-08-05')$$, '%likely_bot%', 'missing column: the message names it');
ALTER TABLE app.event DROP COLUMN ip_hash;
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-08-05')$$, '42703', NULL, 'missing event.ip_hash: units -> 42703');
-- restore the columns, then drop whole tables
ALTER TABLE app.users ADD COLUMN likely_bot boolean, ADD COLUMN current_balance bigint;
ALTER TABLE app.event ADD COLUMN ip_hash text;
DROP TABLE app.transactions;
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '2025-08-05', 'x')$$, '42P01', NULL, 'missing app.transactions: run -> 42P01');
DROP TABLE app.event;
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 2025, 8)$$, '42P01', NULL, 'missing app.event: preview -> 42P01');
SELECT throws_like($$SELECT * FROM revenue_split_preview(100, 2025, 8)$$, '%event%', 'missing table: the message names it');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions),
             (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (1::bigint, 2::bigint, 0::bigint, 0::numeric)$$,
    'the refused calls wrote nothing (only the app run exists)');

-- ==== back to public; a negative weight is refused by the table ====
UPDATE revenue_split.config SET app_schema = 'public';
SELECT throws_ok($$UPDATE revenue_split.config SET weight_like = -3$$, '23514', NULL, 'weight_like -3: CHECK violation (23514)');
SELECT throws_ok($$INSERT INTO revenue_split.config (weight_view) VALUES (-1) ON CONFLICT (singleton) DO UPDATE SET weight_view = EXCLUDED.weight_view$$,
    '23514', NULL, 'weight_view -1 via INSERT ... ON CONFLICT: CHECK violation (23514)');
SELECT throws_ok($$UPDATE revenue_split.config SET kyc_cap_cents = '{100,-1}'$$, '23514', NULL, 'a negative KYC cap: CHECK violation (23514)');
SELECT throws_ok($$INSERT INTO revenue_split.config (singleton) VALUES (false)$$, '23514', NULL, 'a second configuration row is refused');

-- ==== custom KYC caps '{100,200,300}' ====
UPDATE revenue_split.config SET kyc_cap_cents = '{100,200,300}';
-- public 2025-08-05, pool 10,000, 10.1 units each: 5 (KYC 0) cap 0. 10,000 over 1..4 = 2,500 each:
--   1 (cap 100) capped; 9,900 over 2..4 = 3,300: 2 (cap 200) capped; 9,700 over 3, 4 = 4,850:
--   3 (cap 300) capped; 9,400 to 4 (KYC 4, above the list: unlimited).
SELECT results_eq(
    $$SELECT creator_id, kyc_level, cap_cents, amount_cents, capped FROM revenue_split_preview_day(10000, '2025-08-05') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 1, 100::bigint, 100::bigint, true), (2, 2, 200, 200, true), (3, 3, 300, 300, true),
             (4, 4, NULL, 9400, false), (5, 0, 0, 0, true)$$,
    'kyc_cap_cents {100,200,300}: levels 1..3 capped at 100/200/300, level 4 unlimited, level 0 cap 0');
CREATE TEMP TABLE caps_run AS SELECT * FROM revenue_split_run(10000, '2025-08-05', 'caps');
SELECT results_eq(
    $$SELECT a.creator_id, a.cap_cents, a.amount_cents FROM revenue_split.allocations a WHERE a.run_id = (SELECT run_id FROM caps_run) ORDER BY 1$$,
    $$VALUES (1::bigint, 100::bigint, 100::bigint), (2, 200, 200), (3, 300, 300), (4, NULL, 9400), (5, 0, 0)$$,
    'kyc_cap_cents {100,200,300}: the committed allocation');
SELECT results_eq(
    $$SELECT config->'kyc_cap_cents', config->>'app_schema' FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM caps_run)$$,
    $$VALUES ('[100, 200, 300]'::jsonb, 'public')$$,
    'kyc_cap_cents {100,200,300}: recorded in runs.config');

-- ==== weights ====
-- 2025-08-06, video 61: 10 views, 2 likes, 1 comment, 1 share. Defaults: raw = 10 + 3*2 + 5*1 + 8*1 = 29.
--   single-video cohort -> quality 1; cluster 1/10 -> 1; units = raw.
--   creator 6: views 10, uniq 10 / 10, likes + comments 3 -> min(1, 10*3/10) = 1 -> score 1 -> 1.03
SELECT results_eq(
    $$SELECT v.raw_units, round(v.units::numeric, 9), c.raw_units, round(c.units::numeric, 9)
        FROM revenue_split_video_units('2025-08-06') v, revenue_split_units('2025-08-06') c$$,
    $$VALUES (29::float8, 29::numeric, 29::float8, 29.87::numeric)$$,
    'default weights: raw 29, creator units 1.03 * 29 = 29.87');
UPDATE revenue_split.config SET weight_view = 2, weight_like = 10, weight_comment = 0, weight_share = 1;
-- raw = 2*10 + 10*2 + 0*1 + 1*1 = 41; creator units 1.03 * 41 = 42.23
SELECT results_eq(
    $$SELECT v.raw_units, round(v.units::numeric, 9), c.raw_units, round(c.units::numeric, 9)
        FROM revenue_split_video_units('2025-08-06') v, revenue_split_units('2025-08-06') c$$,
    $$VALUES (41::float8, 41::numeric, 41::float8, 42.23::numeric)$$,
    'weights 2/10/0/1: raw 41, creator units 1.03 * 41 = 42.23');
-- The weights reach the money: 2025-08-05 public, creators 1..5 each 10 views -> 2 * 10 * 1.01 = 20.2
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9) FROM revenue_split_preview_day(100, '2025-08-05') WHERE creator_id IN (1, 4) ORDER BY 1$$,
    $$VALUES (1::bigint, 20.2::numeric), (4, 20.2)$$,
    'weights 2/10/0/1: preview units doubled for views-only creators');
CREATE TEMP TABLE w_run AS SELECT * FROM revenue_split_run(1000, '2025-08-06');
SELECT results_eq(
    $$SELECT (config->>'weight_view')::float8, (config->>'weight_like')::float8, (config->>'weight_comment')::float8, (config->>'weight_share')::float8,
             round(total_units::numeric, 9)
        FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM w_run)$$,
    $$VALUES (2::float8, 10::float8, 0::float8, 1::float8, 42.23::numeric)$$,
    'weights 2/10/0/1: recorded in runs.config, total_units 42.23');

-- ==== deleting the row restores every default ====
DELETE FROM revenue_split.config;
SELECT results_eq(
    $$SELECT creator_id, cap_cents, amount_cents FROM revenue_split_preview_day(10000, '2025-08-05') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 5000::bigint, 2500::bigint), (2, 50000, 2500), (3, NULL, 2500), (4, NULL, 2500), (5, 0, 0)$$,
    'no configuration row again: default caps');

SELECT * FROM finish();
ROLLBACK;
