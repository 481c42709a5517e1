-- Scenario group: no hijacking through the caller's search_path or the configured app_schema
-- (issue 6 §2, README "Security").
--
-- 1. A schema `evil` placed before pg_catalog on the caller's search_path holds shadow tables
--    (users, videos, event, transactions with other data), shadow functions (lower, now, unnest,
--    count(*), max, sum, to_jsonb, hashtextextended, pg_advisory_xact_lock, make_interval, isfinite)
--    and shadow operators (= for text / bigint / int / date / "char" that is always true, <, >=, <=
--    for timestamptz that lie, + for bigint that adds a cent, - for dates that returns 0). Temp
--    tables users/videos/event/transactions shadow the relations too. Every function must return
--    exactly what it returns under the normal search_path, and commits must write to public only.
--    The same with an empty search_path and odd DateStyle / TimeZone / IntervalStyle / float output.
-- 2. revenue_split.config.app_schema is quoted as an identifier: 'public; DROP TABLE users' and
--    'x"y' fail cleanly with 3F000 (no such schema) and drop nothing; schemas really named
--    x"y and `public; DROP TABLE users` holding the application tables work.
--
-- Fixture (public), all on 2025-05-10 unless said otherwise:
--   users 1 KYC 3 trust 75, 2 KYC 1 trust NULL, 3 KYC 2 trust 150, 4 KYC 3 likely_bot
--   video 11 (1, created 2025-05-10 08:00): 60 views in its first 2 hours from 60 devices / 60 IPs, 10 likes
--   video 21 (2): 40 views from 3 devices / 2 IPs (cluster penalty), 5 comments
--   video 22 (2): 20 views, 2 shares, 1 'View' (ignored)
--   video 31 (3): 30 views, 3 likes; 2025-05-12: 10 views
--   video 41 (4, bot): 50 views
BEGIN;
SELECT plan(58);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 75, false), (2, 100, 1, NULL, false), (3, NULL, 2, 150, false), (4, 0, 3, NULL, true);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, '2025-05-10 08:00+00'), (21, 2, NULL), (22, 2, '2025-04-01 00:00+00'), (31, 3, NULL), (41, 4, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, 'view', timestamptz '2025-05-10 08:00+00' + g * interval '1 minute', 'd11-' || g, 'i11-' || g FROM generate_series(1, 60) g
UNION ALL SELECT 11, 'like', timestamptz '2025-05-10 12:00+00' + g * interval '1 minute', 'l11-' || g, 'l11-' || g FROM generate_series(1, 10) g
UNION ALL SELECT 21, 'view', timestamptz '2025-05-10 09:00+00' + g * interval '1 minute', 'd21-' || (g % 3), 'i21-' || (g % 2) FROM generate_series(1, 40) g
UNION ALL SELECT 21, 'comment', timestamptz '2025-05-10 13:00+00' + g * interval '1 minute', 'c21-' || g, 'c21-' || g FROM generate_series(1, 5) g
UNION ALL SELECT 22, 'view', timestamptz '2025-05-10 10:00+00' + g * interval '1 minute', 'd22-' || g, 'i22-' || g FROM generate_series(1, 20) g
UNION ALL SELECT 22, 'share', timestamptz '2025-05-10 14:00+00' + g * interval '1 minute', 's22-' || g, 's22-' || g FROM generate_series(1, 2) g
UNION ALL SELECT 22, 'View', timestamptz '2025-05-10 14:30+00', 'x', 'x'
UNION ALL SELECT 31, 'view', timestamptz '2025-05-10 11:00+00' + g * interval '1 minute', 'd31-' || g, 'i31-' || g FROM generate_series(1, 30) g
UNION ALL SELECT 31, 'like', timestamptz '2025-05-10 15:00+00' + g * interval '1 minute', 'l31-' || g, 'l31-' || g FROM generate_series(1, 3) g
UNION ALL SELECT 31, 'view', timestamptz '2025-05-12 11:00+00' + g * interval '1 minute', 'e31-' || g, 'j31-' || g FROM generate_series(1, 10) g
UNION ALL SELECT 41, 'view', timestamptz '2025-05-10 16:00+00' + g * interval '1 minute', 'd41-' || g, 'i41-' || g FROM generate_series(1, 50) g;

-- ==== reference results under the normal search_path ====
CREATE TEMP TABLE ref_video_units AS SELECT * FROM revenue_split_video_units('2025-05-10');
CREATE TEMP TABLE ref_units AS SELECT * FROM revenue_split_units('2025-05-10');
CREATE TEMP TABLE ref_preview AS SELECT * FROM revenue_split_preview(100000, 2025, 5);
CREATE TEMP TABLE ref_preview_day AS SELECT * FROM revenue_split_preview_day(100000, '2025-05-10');
CREATE TEMP TABLE ref_balances AS SELECT id, current_balance FROM public.users;
DO $$ BEGIN
    IF to_regprocedure('revenue_split_doctor()') IS NOT NULL THEN
        EXECUTE 'CREATE TEMP TABLE ref_doctor AS SELECT * FROM revenue_split_doctor()';
    ELSE
        CREATE TEMP TABLE ref_doctor (check_name text, status text, detail text);
    END IF;
END $$;

SELECT is((SELECT count(*) FROM ref_video_units), 5::bigint, 'fixture: 5 videos in the cohort of 2025-05-10');
SELECT results_eq($$SELECT creator_id, excluded FROM ref_units ORDER BY creator_id$$,
    $$VALUES (1::bigint, false), (2, false), (3, false), (4, true)$$, 'fixture: 4 creators, the bot excluded');
SELECT ok((SELECT early_mult FROM ref_video_units WHERE video_id = 11) = 1.05 AND (SELECT cluster_mult FROM ref_video_units WHERE video_id = 21) < 1,
    'fixture: video 11 gets the early kicker, video 21 the cluster penalty');
SELECT is((SELECT sum(amount_cents) FROM ref_preview), 100000::numeric, 'fixture: the monthly preview allocates the whole pool');

-- ==== the shadows ====
CREATE SCHEMA evil;
CREATE TABLE evil.users (LIKE public.users);
CREATE TABLE evil.videos (LIKE public.videos);
CREATE TABLE evil.event (LIKE public.event);
CREATE TABLE evil.transactions (id bigint GENERATED ALWAYS AS IDENTITY, created_at timestamptz DEFAULT now(), recipient bigint,
                                amount_cents int, payment_type text, status text, direction text);
INSERT INTO evil.users VALUES (1, 0, 0, 0, true), (2, 0, 3, 100, false), (3, 0, 0, 0, false), (4, 0, 3, 100, false), (666, 0, 3, 100, false);
INSERT INTO evil.videos VALUES (11, 666, NULL), (21, 666, NULL), (666, 666, NULL);
INSERT INTO evil.event SELECT 666, 'share', timestamptz '2025-05-10 12:00+00' + g * interval '1 second', 'evil', 'evil' FROM generate_series(1, 1000) g;
CREATE TEMP TABLE users AS SELECT * FROM evil.users;
CREATE TEMP TABLE videos AS SELECT * FROM evil.videos;
CREATE TEMP TABLE event AS SELECT * FROM evil.event;
CREATE TEMP TABLE transactions (LIKE evil.transactions);

CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS $$SELECT 'evil'$$;
CREATE FUNCTION evil.upper(text) RETURNS text LANGUAGE sql AS $$SELECT 'evil'$$;
CREATE FUNCTION evil.btrim(text) RETURNS text LANGUAGE sql AS $$SELECT ''$$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT timestamptz '1999-01-01 00:00+00'$$;
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS $$SELECT $1[1]$$;
CREATE FUNCTION evil.isfinite(timestamptz) RETURNS boolean LANGUAGE sql AS $$SELECT false$$;
CREATE FUNCTION evil.make_interval(years int DEFAULT 0, months int DEFAULT 0, weeks int DEFAULT 0, days int DEFAULT 0,
                                   hours int DEFAULT 0, mins int DEFAULT 0, secs double precision DEFAULT 0)
    RETURNS interval LANGUAGE sql AS $$SELECT interval '1000 days'$$;
CREATE FUNCTION evil.to_jsonb(anyelement) RETURNS jsonb LANGUAGE sql AS $$SELECT '{"app_schema": "evil"}'::jsonb$$;
CREATE FUNCTION evil.hashtextextended(text, bigint) RETURNS bigint LANGUAGE sql AS $$SELECT 0::bigint$$;
CREATE FUNCTION evil.pg_advisory_xact_lock(bigint) RETURNS void LANGUAGE sql AS $$SELECT$$;
CREATE FUNCTION evil.count_sf(bigint) RETURNS bigint LANGUAGE sql AS $$SELECT $1 + 1000$$;
CREATE AGGREGATE evil.count(*) (sfunc = evil.count_sf, stype = bigint, initcond = '0');
CREATE FUNCTION evil.max_sf(bigint, bigint) RETURNS bigint LANGUAGE sql AS $$SELECT 0::bigint$$;
CREATE AGGREGATE evil.max(bigint) (sfunc = evil.max_sf, stype = bigint, initcond = '0');
CREATE FUNCTION evil.sum_sf(bigint, bigint) RETURNS bigint LANGUAGE sql AS $$SELECT 0::bigint$$;
CREATE AGGREGATE evil.sum(bigint) (sfunc = evil.sum_sf, stype = bigint, initcond = '0');
CREATE FUNCTION evil.bit_or_sf(bigint, bigint) RETURNS bigint LANGUAGE sql AS $$SELECT 0::bigint$$;
CREATE AGGREGATE evil.bit_or(bigint) (sfunc = evil.bit_or_sf, stype = bigint, initcond = '0');

CREATE FUNCTION evil.t_text(text, text) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_int8(bigint, bigint) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_int4(int, int) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_date(date, date) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_char("char", "char") RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_name(name, name) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.t_tstz(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE FUNCTION evil.f_tstz(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql AS $$SELECT false$$;
CREATE FUNCTION evil.plus_int8(bigint, bigint) RETURNS bigint LANGUAGE sql AS $$SELECT $1 OPERATOR(pg_catalog.+) $2 OPERATOR(pg_catalog.+) 1$$;
CREATE FUNCTION evil.minus_date(date, date) RETURNS int LANGUAGE sql AS $$SELECT 0$$;
CREATE OPERATOR evil.= (leftarg = text, rightarg = text, function = evil.t_text);
CREATE OPERATOR evil.= (leftarg = bigint, rightarg = bigint, function = evil.t_int8);
CREATE OPERATOR evil.= (leftarg = int, rightarg = int, function = evil.t_int4);
CREATE OPERATOR evil.= (leftarg = date, rightarg = date, function = evil.t_date);
CREATE OPERATOR evil.= (leftarg = "char", rightarg = "char", function = evil.t_char);
CREATE OPERATOR evil.= (leftarg = name, rightarg = name, function = evil.t_name);
CREATE OPERATOR evil.>= (leftarg = timestamptz, rightarg = timestamptz, function = evil.t_tstz);
CREATE OPERATOR evil.< (leftarg = timestamptz, rightarg = timestamptz, function = evil.t_tstz);
CREATE OPERATOR evil.> (leftarg = timestamptz, rightarg = timestamptz, function = evil.t_tstz);
CREATE OPERATOR evil.<= (leftarg = timestamptz, rightarg = timestamptz, function = evil.f_tstz);
CREATE OPERATOR evil.+ (leftarg = bigint, rightarg = bigint, function = evil.plus_int8);
CREATE OPERATOR evil.- (leftarg = date, rightarg = date, function = evil.minus_date);

-- The shadows do bite in the caller's own SQL (so the comparisons below mean something).
SET LOCAL search_path = evil, pg_catalog, public;
CREATE TEMP TABLE shadow_probe AS
SELECT lower('ABC') AS l, now() AS n, ('a' = 'b') AS eq_text, (1::bigint = 2::bigint) AS eq_int8, (1::bigint + 1::bigint) AS plus,
       (SELECT count(*) FROM event) AS n_event, (SELECT count(*) FROM users) AS n_users;
RESET search_path;
SELECT results_eq($$SELECT l, n, eq_text, eq_int8, plus, n_event, n_users FROM shadow_probe$$,
    $$VALUES ('evil', timestamptz '1999-01-01 00:00+00', true, true, 3::bigint, 1000000::bigint, 5000::bigint)$$,
    'the shadows are in effect on the caller''s search_path (lower, now, =, +, count(*), temp tables)');

-- ==== every function under the hostile search_path ====
SET LOCAL search_path = evil, pg_catalog, public;
CREATE TEMP TABLE ev_video_units AS SELECT * FROM revenue_split_video_units('2025-05-10');
CREATE TEMP TABLE ev_units AS SELECT * FROM revenue_split_units('2025-05-10');
CREATE TEMP TABLE ev_preview AS SELECT * FROM revenue_split_preview(100000, 2025, 5);
CREATE TEMP TABLE ev_preview_day AS SELECT * FROM revenue_split_preview_day(100000, '2025-05-10');
DO $$ BEGIN
    IF to_regprocedure('public.revenue_split_doctor()') IS NOT NULL THEN
        EXECUTE 'CREATE TEMP TABLE ev_doctor AS SELECT * FROM public.revenue_split_doctor()';
    ELSE
        CREATE TEMP TABLE ev_doctor (check_name text, status text, detail text);
    END IF;
END $$;
CREATE TEMP TABLE ev_commit AS SELECT * FROM revenue_split_commit(100000, 2025, 5);
CREATE TEMP TABLE ev_commit2 AS SELECT * FROM revenue_split_commit(100000, 2025, 5);
CREATE TEMP TABLE ev_run AS SELECT * FROM revenue_split_run(100000, '2025-05-10', 'daily_a');
CREATE TEMP TABLE ev_run2 AS SELECT * FROM revenue_split_run(100000, '2025-05-10', 'daily_b');
CREATE TEMP TABLE ev_run3 AS SELECT * FROM revenue_split_run(100000, '2025-05-10', 'daily_a');
CREATE TEMP TABLE ev_run_none AS SELECT * FROM revenue_split_run(100000, '2025-05-11', 'daily_a');
RESET search_path;

SELECT results_eq($$SELECT * FROM ev_video_units ORDER BY video_id$$, $$SELECT * FROM ref_video_units ORDER BY video_id$$,
    'hostile search_path: revenue_split_video_units is unchanged');
SELECT results_eq($$SELECT * FROM ev_units ORDER BY creator_id$$, $$SELECT * FROM ref_units ORDER BY creator_id$$,
    'hostile search_path: revenue_split_units is unchanged');
SELECT results_eq($$SELECT * FROM ev_preview ORDER BY creator_id$$, $$SELECT * FROM ref_preview ORDER BY creator_id$$,
    'hostile search_path: revenue_split_preview is unchanged');
SELECT results_eq($$SELECT * FROM ev_preview_day ORDER BY creator_id$$, $$SELECT * FROM ref_preview_day ORDER BY creator_id$$,
    'hostile search_path: revenue_split_preview_day is unchanged');
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, allocated_cents, unallocated_cents, creators FROM ev_commit$$,
    $$SELECT 'committed', date '2025-05-01', date '2025-06-01', 100000::bigint, sum(amount_cents)::bigint, 100000 - sum(amount_cents)::bigint,
             count(*) FILTER (WHERE amount_cents > 0)::int FROM ref_preview$$,
    'hostile search_path: revenue_split_commit commits the previewed allocation (now() not shadowed)');
SELECT results_eq($$SELECT run_id, status FROM ev_commit2$$, $$SELECT run_id, 'skipped'::text FROM ev_commit$$,
    'hostile search_path: the repeated commit is skipped');
SELECT results_eq($$SELECT e.status, r.period_start, r.payment_type FROM ev_run e JOIN revenue_split.runs r USING (run_id)$$,
    $$VALUES ('committed', date '2025-05-10', 'daily_a')$$,
    'hostile search_path: a daily run is committed (an always-true = would have found the monthly run)');
SELECT results_eq($$SELECT e.status, r.payment_type FROM ev_run2 e JOIN revenue_split.runs r USING (run_id)$$,
    $$VALUES ('committed', 'daily_b')$$, 'hostile search_path: a second payment_type is its own run');
SELECT results_eq($$SELECT run_id, status FROM ev_run3$$, $$SELECT run_id, 'skipped'::text FROM ev_run$$,
    'hostile search_path: the repeated daily run is skipped with its own run_id');
SELECT results_eq($$SELECT run_id, status FROM ev_run_none$$, $$VALUES (NULL::bigint, 'no_units')$$,
    'hostile search_path: a day without events is no_units');
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM ev_commit) ORDER BY creator_id$$,
    $$SELECT creator_id, amount_cents FROM ref_preview ORDER BY creator_id$$,
    'hostile search_path: the monthly allocation rows are the preview');
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split.allocations WHERE run_id = (SELECT run_id FROM ev_run) ORDER BY creator_id$$,
    $$SELECT creator_id, amount_cents FROM ref_preview_day ORDER BY creator_id$$,
    'hostile search_path: the daily allocation rows are the daily preview');
SELECT results_eq(
    $$SELECT recipient, amount_cents::bigint, status, direction, created_at = now() FROM public.transactions
       WHERE payment_type = 'revenue_split_monthly' ORDER BY recipient$$,
    $$SELECT creator_id, amount_cents, 'pending', 'inflow', true FROM ref_preview WHERE amount_cents > 0 ORDER BY creator_id$$,
    'hostile search_path: the monthly ledger rows went to public.transactions, created_at = the real now()');
SELECT is((SELECT count(*) FROM public.transactions), (SELECT count(*) FROM revenue_split.allocations WHERE amount_cents > 0),
    'hostile search_path: one public.transactions row per paid allocation');
SELECT results_eq(
    $$SELECT u.id, u.current_balance FROM public.users u ORDER BY u.id$$,
    $$SELECT b.id, CASE WHEN coalesce(m.amount_cents, 0) + coalesce(d.a, 0) + coalesce(d.b, 0) = 0 THEN b.current_balance
                       ELSE coalesce(b.current_balance, 0) + coalesce(m.amount_cents, 0) + coalesce(d.a, 0) + coalesce(d.b, 0) END
        FROM ref_balances b
        LEFT JOIN ref_preview m ON m.creator_id = b.id
        LEFT JOIN (SELECT creator_id, amount_cents AS a, amount_cents AS b FROM ref_preview_day) d ON d.creator_id = b.id
        ORDER BY b.id$$,
    'hostile search_path: public.users balances grew by exactly the amounts (no extra cent from a shadow +)');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM evil.transactions), (SELECT count(*) FROM pg_temp.transactions),
             (SELECT sum(current_balance) FROM evil.users), (SELECT sum(current_balance) FROM pg_temp.users),
             (SELECT count(*) FROM evil.event), (SELECT count(*) FROM evil.users)$$,
    $$VALUES (0::bigint, 0::bigint, 0::numeric, 0::numeric, 1000::bigint, 5::bigint)$$,
    'hostile search_path: the shadow tables were neither read into the results nor written');
SELECT results_eq($$SELECT * FROM ev_doctor ORDER BY 1, 2, 3$$, $$SELECT * FROM ref_doctor ORDER BY 1, 2, 3$$,
    'hostile search_path: revenue_split_doctor (if present) reports the same');

-- ==== hostile session settings: an empty search_path, odd DateStyle / TimeZone / float output ====
SET LOCAL search_path = '';
SET LOCAL DateStyle = 'German, DMY';
SET LOCAL TimeZone = 'Pacific/Kiritimati';
SET LOCAL IntervalStyle = 'sql_standard';
SET LOCAL extra_float_digits = -15;
SET LOCAL standard_conforming_strings = off;
SET LOCAL enable_indexscan = off;
CREATE TEMP TABLE gu_units AS SELECT * FROM public.revenue_split_units('2025-05-10');
CREATE TEMP TABLE gu_video_units AS SELECT * FROM public.revenue_split_video_units('2025-05-10');
CREATE TEMP TABLE gu_preview AS SELECT * FROM public.revenue_split_preview(100000, 2025, 5);
RESET search_path; RESET DateStyle; RESET TimeZone; RESET IntervalStyle; RESET extra_float_digits;
RESET standard_conforming_strings; RESET enable_indexscan;
SELECT results_eq($$SELECT * FROM gu_video_units ORDER BY video_id$$, $$SELECT * FROM ref_video_units ORDER BY video_id$$,
    'hostile session settings: revenue_split_video_units is unchanged');
SELECT results_eq($$SELECT * FROM gu_units ORDER BY creator_id$$, $$SELECT * FROM ref_units ORDER BY creator_id$$,
    'hostile session settings: revenue_split_units is unchanged');
SELECT results_eq($$SELECT * FROM gu_preview ORDER BY creator_id$$, $$SELECT * FROM ref_preview ORDER BY creator_id$$,
    'hostile session settings: revenue_split_preview is unchanged');

-- ==== app_schema is an identifier, never SQL ====
-- Start again from nothing written.
DELETE FROM revenue_split.allocations; DELETE FROM revenue_split.entries; DELETE FROM revenue_split.accounts; DELETE FROM revenue_split.statement_lines; DELETE FROM revenue_split.runs; DELETE FROM public.transactions;
UPDATE public.users u SET current_balance = b.current_balance FROM ref_balances b WHERE b.id = u.id;
CREATE TEMP TABLE calls (ord int, what text, sql text);
INSERT INTO calls VALUES
    (1, 'revenue_split_video_units', $$SELECT * FROM revenue_split_video_units('2025-05-10')$$),
    (2, 'revenue_split_units',       $$SELECT * FROM revenue_split_units('2025-05-10')$$),
    (3, 'revenue_split_preview',     $$SELECT * FROM revenue_split_preview(100000, 2025, 5)$$),
    (4, 'revenue_split_preview_day', $$SELECT * FROM revenue_split_preview_day(100000, '2025-05-10')$$),
    (5, 'revenue_split_commit',      $$SELECT * FROM revenue_split_commit(100000, 2025, 5)$$),
    (6, 'revenue_split_run',         $$SELECT * FROM revenue_split_run(100000, '2025-05-10')$$);

CREATE FUNCTION pg_temp.doctor_app_tables() RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text;
BEGIN
    IF to_regprocedure('revenue_split_doctor()') IS NULL THEN RETURN 'absent'; END IF;
    EXECUTE $q$SELECT string_agg(d.status, ',') FROM revenue_split_doctor() d WHERE d."check" = 'application tables'$q$ INTO r;
    RETURN r;
END $f$;

INSERT INTO revenue_split.config (app_schema) VALUES ('public; DROP TABLE users');
SELECT throws_ok(sql, '3F000', NULL, 'app_schema ''public; DROP TABLE users'': ' || what || ' fails with 3F000') FROM calls ORDER BY ord;
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-05-10')$$, '%public; DROP TABLE users%does not exist%',
    'app_schema ''public; DROP TABLE users'': the message names the schema');
SELECT ok(pg_temp.doctor_app_tables() IN ('absent', 'error'),
    'app_schema ''public; DROP TABLE users'': revenue_split_doctor (if present) reports the application tables as an error, without failing');

UPDATE revenue_split.config SET app_schema = 'x"y';
SELECT throws_ok(sql, '3F000', NULL, 'app_schema ''x"y'': ' || what || ' fails with 3F000') FROM calls ORDER BY ord;

SELECT ok(to_regclass('public.users') IS NOT NULL AND (SELECT count(*) FROM public.users) = 4, 'public.users still exists with its 4 rows');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations), (SELECT count(*) FROM public.transactions)$$,
    $$VALUES (0::bigint, 0::bigint, 0::bigint)$$, 'the refused calls wrote nothing');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$, $$SELECT id, current_balance FROM ref_balances ORDER BY id$$,
    'the refused calls changed no balance');

-- A schema really named x"y, then one really named `public; DROP TABLE users`, holding copies of the tables.
CREATE FUNCTION pg_temp.copy_app(s text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE format('CREATE SCHEMA %I', s);
    EXECUTE format('CREATE TABLE %I.users AS SELECT * FROM public.users', s);
    EXECUTE format('CREATE TABLE %I.videos AS SELECT * FROM public.videos', s);
    EXECUTE format('CREATE TABLE %I.event AS SELECT * FROM public.event', s);
    EXECUTE format('CREATE TABLE %I.transactions (LIKE public.transactions INCLUDING ALL)', s);
END $f$;
SELECT pg_temp.copy_app('x"y');
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-05-10') ORDER BY creator_id$$, $$SELECT * FROM ref_units ORDER BY creator_id$$,
    'schema x"y: revenue_split_units reads its tables');
SELECT results_eq($$SELECT * FROM revenue_split_preview(100000, 2025, 5) ORDER BY creator_id$$, $$SELECT * FROM ref_preview ORDER BY creator_id$$,
    'schema x"y: revenue_split_preview reads its tables');
DELETE FROM "x""y".event WHERE video_id = 41;
SELECT is((SELECT count(*) FROM revenue_split_units('2025-05-10')), 3::bigint, 'schema x"y: its own data, not public''s (bot video removed there only)');
CREATE TEMP TABLE xy_preview AS SELECT * FROM revenue_split_preview(100000, 2025, 5);
SELECT results_eq($$SELECT status, allocated_cents FROM revenue_split_commit(100000, 2025, 5)$$,
    $$VALUES ('committed', 100000::bigint)$$, 'schema x"y: revenue_split_commit commits');
SELECT results_eq($$SELECT recipient, amount_cents::bigint FROM "x""y".transactions ORDER BY recipient$$,
    $$SELECT creator_id, amount_cents FROM xy_preview WHERE amount_cents > 0 ORDER BY creator_id$$,
    'schema x"y: the ledger rows went to "x""y".transactions');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'schema x"y: nothing written to public.transactions');
SELECT is((SELECT sum(current_balance) - (SELECT sum(current_balance) FROM public.users) FROM "x""y".users), 100000::numeric,
    'schema x"y: its users balances grew by the pool, public.users untouched');

DELETE FROM revenue_split.allocations; DELETE FROM revenue_split.entries; DELETE FROM revenue_split.accounts; DELETE FROM revenue_split.statement_lines; DELETE FROM revenue_split.runs;
SELECT pg_temp.copy_app('public; DROP TABLE users');
UPDATE revenue_split.config SET app_schema = 'public; DROP TABLE users';
SELECT results_eq($$SELECT * FROM revenue_split_video_units('2025-05-10') ORDER BY video_id$$, $$SELECT * FROM ref_video_units ORDER BY video_id$$,
    'schema "public; DROP TABLE users": revenue_split_video_units reads its tables');
SELECT ok(pg_temp.doctor_app_tables() IN ('absent', 'ok'),
    'schema "public; DROP TABLE users": revenue_split_doctor (if present) finds the application tables');
SELECT results_eq($$SELECT * FROM revenue_split_preview_day(100000, '2025-05-10') ORDER BY creator_id$$,
    $$SELECT * FROM ref_preview_day ORDER BY creator_id$$, 'schema "public; DROP TABLE users": revenue_split_preview_day reads its tables');
SELECT results_eq($$SELECT status, allocated_cents FROM revenue_split_run(100000, '2025-05-10')$$,
    $$VALUES ('committed', 100000::bigint)$$, 'schema "public; DROP TABLE users": revenue_split_run commits');
SELECT is((SELECT count(*) FROM "public; DROP TABLE users".transactions), (SELECT count(*) FROM ref_preview_day WHERE amount_cents > 0),
    'schema "public; DROP TABLE users": the ledger rows went there');
SELECT ok(to_regclass('public.users') IS NOT NULL AND (SELECT count(*) FROM public.users) = 4 AND (SELECT count(*) FROM public.transactions) = 0,
    'public.users still exists; public.transactions untouched');

-- Case and quoting: 'Public' is not public.
UPDATE revenue_split.config SET app_schema = 'Public';
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-05-10')$$, '3F000', NULL, 'app_schema ''Public'' (case matters): 3F000');
UPDATE revenue_split.config SET app_schema = '"public"';
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-05-10')$$, '3F000', NULL, 'app_schema ''"public"'' (already quoted): 3F000');

SELECT is((SELECT 1), 1, 'the session still works');

SELECT * FROM finish();
ROLLBACK;
