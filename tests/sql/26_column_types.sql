-- Scenario group: application columns of the wrong type (SPEC §1, 0.3.0: "never compute on data
-- that is not what it seems"). event.ts and videos.created_at must be timestamptz: a timestamp
-- column would move every UTC day boundary by the session's TimeZone, so every call refuses it
-- with SQLSTATE 42804 naming the column, before anything is computed or written. The other
-- columns of SPEC §1 are checked the same way; domains are judged by their base type.
--
-- Fixture: one simple creator-day (video 11 of creator 1, 10 views on 2025-06-10). Each case
-- changes one column's type inside a savepoint and rolls it back.
BEGIN;
SELECT plan(22);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'America/Los_Angeles';

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES (1, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, 'view', timestamptz '2025-06-10 10:00:00+00' + g * interval '1 second', 'd' || g, 'i' || g
FROM generate_series(1, 10) g;

-- the fixture works as it is
SELECT is((SELECT count(*) FROM revenue_split_units('2025-06-10')), 1::bigint, 'timestamptz columns: units computed');

-- event.ts as timestamp (without time zone): every entry point refuses it
SAVEPOINT s;
ALTER TABLE public.event ALTER COLUMN ts TYPE timestamp USING ts AT TIME ZONE 'UTC';
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-06-10')$$, '42804', NULL, 'event.ts timestamp: units refused');
SELECT throws_ok($$SELECT * FROM revenue_split_video_units('2025-06-10')$$, '42804', NULL, 'event.ts timestamp: video_units refused');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(1000, 2025, 6)$$, '42804', NULL, 'event.ts timestamp: preview refused');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(1000, '2025-06-10')$$, '42804', NULL, 'event.ts timestamp: preview_day refused');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(1000, 2025, 6)$$, '42804', NULL, 'event.ts timestamp: commit refused');
SELECT throws_ok($$SELECT * FROM revenue_split_run(1000, '2025-06-10')$$, '42804', NULL, 'event.ts timestamp: daily run refused');
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-06-10')$$,
    '%"public"."event"."ts" has type timestamp without time zone; revenue_split needs timestamp with time zone%',
    'event.ts timestamp: the message names the column, its type and the type needed');
ROLLBACK TO SAVEPOINT s;

-- videos.created_at as timestamp, as date
ALTER TABLE public.videos ALTER COLUMN created_at TYPE timestamp;
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-06-10')$$, '%"videos"."created_at" has type timestamp without time zone%',
    'videos.created_at timestamp: refused, naming the column');
ROLLBACK TO SAVEPOINT s;
ALTER TABLE public.videos ALTER COLUMN created_at TYPE date;
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-06-10')$$, '42804', NULL, 'videos.created_at date: refused');
ROLLBACK TO SAVEPOINT s;

-- event.ts as text: refused (it would not even compare as a time)
ALTER TABLE public.event ALTER COLUMN ts TYPE text;
SELECT throws_like($$SELECT * FROM revenue_split_preview(1000, 2025, 6)$$, '%"event"."ts" has type text%', 'event.ts text: refused');
ROLLBACK TO SAVEPOINT s;

-- a domain over timestamptz is a timestamptz
CREATE DOMAIN public.utc_time AS timestamptz;
ALTER TABLE public.event ALTER COLUMN ts TYPE public.utc_time;
SELECT is((SELECT count(*) FROM revenue_split_units('2025-06-10')), 1::bigint, 'event.ts a domain over timestamptz: accepted');
ROLLBACK TO SAVEPOINT s;

-- other columns: likely_bot as text, ids as numeric, event_type as char(n), kyc_level as text
ALTER TABLE public.users ALTER COLUMN likely_bot TYPE text;
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-06-10')$$, '%"users"."likely_bot" has type text; revenue_split needs boolean%',
    'users.likely_bot text: refused');
ROLLBACK TO SAVEPOINT s;
ALTER TABLE public.videos ALTER COLUMN creator_id TYPE numeric;
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-06-10')$$, '42804', NULL, 'videos.creator_id numeric: refused');
ROLLBACK TO SAVEPOINT s;
ALTER TABLE public.event ALTER COLUMN event_type TYPE char(5);
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-06-10')$$, '%"event"."event_type" has type character(5)%',
    'event.event_type char(5): refused (the cast to text would drop the trailing blank of ''view '')');
ROLLBACK TO SAVEPOINT s;
ALTER TABLE public.users ALTER COLUMN kyc_level TYPE text;
SELECT throws_ok($$SELECT * FROM revenue_split_preview(1000, 2025, 6)$$, '42804', NULL, 'users.kyc_level text: refused');
ROLLBACK TO SAVEPOINT s;
-- event_type as an enum and ids as int: fine
CREATE TYPE public.event_kind AS ENUM ('view', 'like', 'comment', 'share', 'View');
ALTER TABLE public.event ALTER COLUMN event_type TYPE public.event_kind USING event_type::public.event_kind;
ALTER TABLE public.videos ALTER COLUMN id TYPE int;
SELECT is((SELECT units FROM revenue_split_units('2025-06-10')), 10.1::float8, 'enum event_type and int ids: accepted, same units');
ROLLBACK TO SAVEPOINT s;

-- columns only commits use: checked by commits, not by previews
ALTER TABLE public.transactions ALTER COLUMN amount_cents TYPE text;
SELECT is((SELECT count(*) FROM revenue_split_preview(1000, 2025, 6)), 1::bigint, 'transactions.amount_cents text: a preview still works');
SELECT throws_like($$SELECT * FROM revenue_split_commit(1000, 2025, 6)$$, '%"transactions"."amount_cents" has type text%',
    'transactions.amount_cents text: a commit is refused');
ROLLBACK TO SAVEPOINT s;
CREATE TYPE public.tx_direction AS ENUM ('in', 'out');
ALTER TABLE public.transactions ALTER COLUMN direction TYPE public.tx_direction USING 'in'::public.tx_direction;
SELECT throws_ok($$SELECT * FROM revenue_split_run(1000, '2025-06-10')$$, '42804', NULL,
    'transactions.direction an enum without the label inflow: refused');
ROLLBACK TO SAVEPOINT s;

-- nothing was written by any refused call
SELECT is((SELECT count(*) FROM revenue_split.runs), 0::bigint, 'no run recorded');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'no ledger row written');

SELECT * FROM finish();
ROLLBACK;
