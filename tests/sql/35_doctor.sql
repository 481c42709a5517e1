-- Scenario group: what revenue_split_doctor() sees (issue 17 "doctor blind spots", issue 12 §2).
--
-- 1. Privileges on every object of schema revenue_split, not only its tables: the view
--    creator_payouts, the sequence runs_run_id_seq, a column privilege, the schema itself and any
--    other relation created in it (a materialized view here) are reported when PUBLIC, anon or
--    authenticated can use them.
-- 2. Row-level security on the application tables: for each table with RLS enabled, which payout
--    roles (members of revenue_split_admin, directly or through a group, and the caller) it would
--    filter -- then the functions refuse them with 42501 -- and which bypass it (superuser,
--    BYPASSRLS, the table's owner unless FORCE). The warning is checked against the functions
--    themselves: the role it names is refused, a bypassing one is not.
-- 3. pg_cron: daily revenue_split_run jobs as well as monthly revenue_split_commit ones, jobs
--    scheduled for another database (cron.schedule_in_database: cron.job.database), jobs whose
--    user may not call the functions, inactive jobs, and a non-superuser caller whom pg_cron's
--    row-level security shows only its own jobs. pg_cron can only be created in the cluster's
--    cron.database_name, so this file reproduces its cron.job table (pg_cron 1.4's definition,
--    RLS policy included) inside its transaction; tests/e2e/pg_cron.sh runs the real one.
-- 4. The index event(video_id, ts) (issue 15): info on a narrow catalog, a warning naming the
--    measured difference once videos has >= 100,000 rows (pg_class.reltuples, set by ANALYZE:
--    exactly at the threshold and one row below it), ok once the index exists.
-- 5. Policies, what is owed and the ledger (issue 13): the active min_payout_cents / over_cap
--    (defaults without a config row), the creators owed and the total, the part held for
--    likely_bot creators, and an error when the accounts no longer add up to their entries.
--
-- Cluster-wide state is made deterministic inside the transaction: every other member of
-- revenue_split_admin loses its membership until the ROLLBACK at the end.
BEGIN;
SELECT plan(53);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

-- One check of the report: 'status | detail' (NULL when the report has no such row).
CREATE FUNCTION pg_temp.doc(name text) RETURNS text LANGUAGE sql AS
$$ SELECT status || ' | ' || detail FROM revenue_split_doctor() WHERE "check" = name $$;
-- The comma-separated role list after `label: ` in a detail, as an array.
CREATE FUNCTION pg_temp.roles(detail text, label text) RETURNS text[] LANGUAGE sql AS
$$ SELECT string_to_array(substring(detail FROM label || ': ([^;.]*)'), ', ') $$;

-- ==== roles ====
DO $$
DECLARE m record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
    FOR m IN SELECT a.member::regrole AS member, a.grantor::regrole AS grantor FROM pg_auth_members a
             WHERE a.roleid = 'revenue_split_admin'::regrole LOOP
        EXECUTE format('REVOKE revenue_split_admin FROM %s GRANTED BY %s', m.member, m.grantor);
    END LOOP;
END
$$;
CREATE ROLE rs_t35_payer NOLOGIN;             -- a payout role: no BYPASSRLS, owns nothing
CREATE ROLE rs_t35_bypass NOLOGIN BYPASSRLS;  -- a payout role with BYPASSRLS
CREATE ROLE rs_t35_group NOLOGIN;             -- a group granted revenue_split_admin ...
CREATE ROLE rs_t35_nested NOLOGIN;            -- ... and a member of that group
CREATE ROLE rs_t35_owner NOLOGIN;             -- a payout role that will own public.users
CREATE ROLE rs_t35_stranger NOLOGIN;          -- not a payout role
GRANT revenue_split_admin TO rs_t35_payer, rs_t35_bypass, rs_t35_group, rs_t35_owner;
GRANT rs_t35_group TO rs_t35_nested;
GRANT USAGE ON SCHEMA public TO rs_t35_payer, rs_t35_bypass;
GRANT SELECT ON public.users, public.videos, public.event, public.transactions TO rs_t35_payer, rs_t35_bypass;
SELECT is(ARRAY(SELECT m.member::regrole::text FROM pg_auth_members m
                WHERE m.roleid = 'revenue_split_admin'::regrole ORDER BY 1),
          '{rs_t35_bypass,rs_t35_group,rs_t35_owner,rs_t35_payer}'::text[],
          'fixture: the members of revenue_split_admin are this file''s roles only');

-- ==== 1. privileges: views, sequences, columns, the schema, any relation of the schema ====
SELECT is(pg_temp.doc('privileges'),
          'ok | no function, schema, table, view or sequence of revenue_split is open to PUBLIC, anon or authenticated',
          'privileges: a fresh install is ok');

GRANT SELECT ON revenue_split.creator_payouts TO anon;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*view revenue_split\.creator_payouts → anon',
               'privileges: SELECT on the view creator_payouts for anon is an error naming the view');
REVOKE SELECT ON revenue_split.creator_payouts FROM anon;

GRANT USAGE ON SEQUENCE revenue_split.runs_run_id_seq TO PUBLIC;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*sequence revenue_split\.runs_run_id_seq → PUBLIC',
               'privileges: USAGE on the sequence runs_run_id_seq for PUBLIC is an error naming the sequence');
REVOKE USAGE ON SEQUENCE revenue_split.runs_run_id_seq FROM PUBLIC;

GRANT UPDATE ON SEQUENCE revenue_split.runs_run_id_seq TO authenticated;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*sequence revenue_split\.runs_run_id_seq → authenticated',
               'privileges: UPDATE (setval) on the sequence for authenticated is an error');
REVOKE UPDATE ON SEQUENCE revenue_split.runs_run_id_seq FROM authenticated;

GRANT SELECT (run_id) ON revenue_split.runs TO authenticated;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*table revenue_split\.runs → authenticated',
               'privileges: a column privilege on revenue_split.runs for authenticated is an error');
REVOKE SELECT (run_id) ON revenue_split.runs FROM authenticated;

GRANT USAGE ON SCHEMA revenue_split TO anon;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*schema revenue_split → anon',
               'privileges: USAGE on the schema revenue_split for anon is an error');
REVOKE USAGE ON SCHEMA revenue_split FROM anon;

CREATE MATERIALIZED VIEW revenue_split.rs_t35_mv AS SELECT 1 AS x;
GRANT SELECT ON revenue_split.rs_t35_mv TO PUBLIC;
SELECT matches(pg_temp.doc('privileges'), '^error \| open: .*materialized view revenue_split\.rs_t35_mv → PUBLIC',
               'privileges: any relation of the schema counts (a materialized view open to PUBLIC)');
DROP MATERIALIZED VIEW revenue_split.rs_t35_mv;

SELECT is(pg_temp.doc('privileges'),
          'ok | no function, schema, table, view or sequence of revenue_split is open to PUBLIC, anon or authenticated',
          'privileges: ok again once revoked');

-- ==== 2. row-level security on the application tables ====
SELECT is(pg_temp.doc('row-level security'),
          'ok | not enabled on any application table (users, videos, event, transactions) in schema public',
          'rls: no application table has row-level security: one ok row');
SELECT is(pg_temp.doc('row-level security event'), NULL, 'rls: no per-table row without row-level security');

ALTER TABLE public.event ENABLE ROW LEVEL SECURITY;
CREATE POLICY rs_t35_half ON public.event USING (video_id % 2 = 0);
SELECT matches(pg_temp.doc('row-level security event'),
               '^warning \| public\.event: row-level security enabled; filtered roles: .*42501',
               'rls on event: a warning naming the table and the refusal (42501)');
SELECT is(pg_temp.roles(pg_temp.doc('row-level security event'), 'filtered roles'),
          '{rs_t35_group,rs_t35_nested,rs_t35_owner,rs_t35_payer}'::text[],
          'rls on event: the filtered payout roles, the group''s member included');
SELECT is(pg_temp.roles(pg_temp.doc('row-level security event'), 'bypassing roles'),
          ARRAY(SELECT x FROM unnest(ARRAY[current_user || ' (superuser)', 'rs_t35_bypass (BYPASSRLS)']) x ORDER BY x),
          'rls on event: the caller (superuser) and the BYPASSRLS role bypass it');
SELECT is(pg_temp.doc('row-level security'), NULL, 'rls on event: no "not enabled" row any more');

-- What the warning claims, checked against the functions.
SET LOCAL ROLE rs_t35_payer;
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-08-20')$$, '42501', NULL,
                 'rls on event: the filtered role rs_t35_payer is refused by the functions (42501)');
SELECT matches((SELECT detail FROM revenue_split_doctor() WHERE "check" = 'row-level security event'),
               'filtered roles: [^;]*rs_t35_payer',
               'rls on event: the doctor run by the filtered role itself names it');
RESET ROLE;
SET LOCAL ROLE rs_t35_bypass;
SELECT lives_ok($$SELECT * FROM revenue_split_units('2025-08-20')$$,
                'rls on event: the bypassing role rs_t35_bypass is not refused');
RESET ROLE;

-- The owner of a table bypasses its row-level security, unless it is forced.
ALTER TABLE public.users OWNER TO rs_t35_owner;
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
SELECT ok('rs_t35_owner (owner)' = ANY (pg_temp.roles(pg_temp.doc('row-level security users'), 'bypassing roles'))
          AND NOT 'rs_t35_owner' = ANY (pg_temp.roles(pg_temp.doc('row-level security users'), 'filtered roles')),
          'rls on users: its owner bypasses it');
ALTER TABLE public.users FORCE ROW LEVEL SECURITY;
SELECT matches(pg_temp.doc('row-level security users'),
               '^warning \| public\.users: row-level security enabled and forced; filtered roles: [^;]*rs_t35_owner',
               'rls on users, forced: the owner is filtered too');
SELECT is(pg_temp.roles(pg_temp.doc('row-level security users'), 'bypassing roles'),
          ARRAY(SELECT x FROM unnest(ARRAY[current_user || ' (superuser)', 'rs_t35_bypass (BYPASSRLS)']) x ORDER BY x),
          'rls on users, forced: a superuser and BYPASSRLS still bypass it');

-- Only bypassing payout roles left: ok.
REVOKE revenue_split_admin FROM rs_t35_payer, rs_t35_group, rs_t35_owner;
SELECT matches(pg_temp.doc('row-level security event'),
               '^ok \| public\.event: row-level security enabled; bypassing roles: ',
               'rls on event: ok once every payout role bypasses it');
GRANT revenue_split_admin TO rs_t35_payer;
ALTER TABLE public.users NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.event DISABLE ROW LEVEL SECURITY;

-- ==== 3. pg_cron ====
SELECT is(pg_temp.doc('pg_cron job'),
          CASE WHEN coalesce(current_setting('cron.database_name', true), '') NOT IN ('', current_database())
               THEN format('info | pg_cron keeps its jobs in database %s (cron.database_name), which this report '
                           'cannot read: there, SELECT jobid, schedule, command FROM cron.job WHERE database = '
                           '''%s'' lists the jobs scheduled for this database with cron.schedule_in_database',
                           current_setting('cron.database_name', true), current_database())
               ELSE 'info | pg_cron is not installed in this database' END,
          'cron: without cron.job here, the doctor says where pg_cron keeps its jobs');

-- pg_cron 1.4's cron.job, its grant and its row-level security policy.
CREATE SCHEMA cron;
CREATE TABLE cron.job (
    jobid    bigint PRIMARY KEY,
    schedule text NOT NULL,
    command  text NOT NULL,
    nodename text NOT NULL DEFAULT 'localhost',
    nodeport int NOT NULL DEFAULT 5432,                  -- pg_cron: inet_server_port(), NULL over a Unix socket
    database text NOT NULL DEFAULT current_database(),
    username text NOT NULL DEFAULT current_user,
    active   boolean NOT NULL DEFAULT true,
    jobname  name
);
GRANT USAGE ON SCHEMA cron TO PUBLIC;
GRANT SELECT ON cron.job TO PUBLIC;
ALTER TABLE cron.job ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_policy ON cron.job USING (username OPERATOR(pg_catalog.=) current_user);

INSERT INTO cron.job (jobid, schedule, command) VALUES (10, '* * * * *', 'VACUUM');
SELECT is(pg_temp.doc('pg_cron job'),
          'warning | no cron.job calls revenue_split_commit (monthly) or revenue_split_run (daily); see README "Schedule it with pg_cron"',
          'cron: no job calls revenue_split: warning');

INSERT INTO cron.job (jobid, schedule, command)
VALUES (11, '0 4 * * *', 'SELECT * FROM extensions.revenue_split_run(50000, current_date - 1)');
SELECT is(pg_temp.doc('pg_cron job'), format('ok | job 11 ''0 4 * * *'' daily revenue_split_run as %s', current_user),
          'cron: a daily revenue_split_run job counts');

-- cron.schedule_in_database('...', '0 3 1 * *', $$...$$, 'rs_t35_app') from the cron database
INSERT INTO cron.job (jobid, schedule, command, database)
VALUES (12, '0 3 1 * *', 'SELECT * FROM revenue_split_commit(10000000)', 'rs_t35_app');
SELECT is(pg_temp.doc('pg_cron job'),
          format('ok | job 11 ''0 4 * * *'' daily revenue_split_run as %1$s; for other databases '
                 '(cron.schedule_in_database): job 12 ''0 3 1 * *'' monthly revenue_split_commit as %1$s in database rs_t35_app',
                 current_user),
          'cron: a job for another database (cron.job.database) is listed as such');
DELETE FROM cron.job WHERE jobid = 11;
SELECT is(pg_temp.doc('pg_cron job'),
          format('info | no job calls revenue_split in this database; for other databases (cron.schedule_in_database): '
                 'job 12 ''0 3 1 * *'' monthly revenue_split_commit as %s in database rs_t35_app', current_user),
          'cron: only jobs for other databases: info, not ok');

INSERT INTO cron.job (jobid, schedule, command, username)
VALUES (13, '0 3 1 * *', 'SELECT revenue_split_commit(10000000)', 'rs_t35_stranger'),
       (14, '0 3 1 * *', 'SELECT revenue_split_commit(10000000)', 'rs_t35_gone');
SELECT matches(pg_temp.doc('pg_cron job'),
               '^warning \| job 13 runs as rs_t35_stranger, which is not a member of revenue_split_admin: its calls '
               'are refused with 42501; job 14 runs as rs_t35_gone, a role that does not exist; ',
               'cron: jobs whose user cannot call the functions: warning naming job and role');
DELETE FROM cron.job WHERE jobid IN (13, 14);

INSERT INTO cron.job (jobid, schedule, command, active)
VALUES (15, '0 3 1 * *', 'SELECT revenue_split_commit(10000000)', false);
SELECT matches(pg_temp.doc('pg_cron job'),
               '^warning \| every job for this database is inactive \(cron\.job\.active = false\); job 15 .* \(inactive\)',
               'cron: only inactive jobs for this database: warning');

-- A non-superuser payout role: pg_cron's policy shows it only its own jobs, and the doctor
-- (which runs with row_security = off) still reads cron.job.
SET LOCAL ROLE rs_t35_payer;
SELECT lives_ok($$SELECT * FROM revenue_split_doctor()$$, 'cron: the doctor works for a non-superuser payout role');
SELECT is(pg_temp.doc('pg_cron job'),
          'warning | no cron.job calls revenue_split_commit (monthly) or revenue_split_run (daily) (pg_cron shows '
          'this role only its own jobs); see README "Schedule it with pg_cron"',
          'cron: a non-superuser sees only its own jobs, and is told so');
RESET ROLE;
INSERT INTO cron.job (jobid, schedule, command, username)
VALUES (16, '0 5 * * *', 'SELECT * FROM revenue_split_run(50000, current_date - 1)', 'rs_t35_payer');
SET LOCAL ROLE rs_t35_payer;
SELECT is(pg_temp.doc('pg_cron job'), 'ok | job 16 ''0 5 * * *'' daily revenue_split_run as rs_t35_payer',
          'cron: the payout role''s own daily job is ok');
SELECT is(current_setting('row_security'), 'on', 'cron: the caller''s row_security is unchanged afterwards');
RESET ROLE;
SELECT is(pg_temp.doc('pg_cron job'),
          format('ok | job 15 ''0 3 1 * *'' monthly revenue_split_commit as %1$s (inactive), '
                 'job 16 ''0 5 * * *'' daily revenue_split_run as rs_t35_payer; for other databases '
                 '(cron.schedule_in_database): job 12 ''0 3 1 * *'' monthly revenue_split_commit as %1$s in database rs_t35_app',
                 current_user),
          'cron: the superuser sees every job; one active job here is enough');

-- ==== 4. index event(video_id, ts) on a wide catalog ====
SELECT matches(pg_temp.doc('index event(video_id, ts)'),
               '^info \| optional \(videos has no row count yet \(never vacuumed or analyzed\); a warning from 100000 rows\): '
               'with a long event history, CREATE INDEX ON public\.event \(video_id, ts\); reads early windows',
               'video_ts index: missing on a never-analyzed videos table: info');
INSERT INTO public.videos (id, creator_id, created_at)
SELECT g, 1 + g % 1000, timestamptz '2025-06-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 99999) g;
ANALYZE public.videos;
SELECT matches(pg_temp.doc('index event(video_id, ts)'), '^info \| optional \(videos has ~99999 rows; a warning from 100000 rows\)',
               'video_ts index: missing with 99,999 videos (one below the threshold): still info');
INSERT INTO public.videos (id, creator_id, created_at) VALUES (100000, 1, '2025-08-01 00:00+00');
ANALYZE public.videos;
SELECT is(pg_temp.doc('index event(video_id, ts)'),
          'warning | missing on a wide catalog (videos has ~100000 rows, >= 100000): each day''s units find the early '
          'windows of the day''s older videos by scanning event over the time they cover, instead of one probe per '
          'video, so their cost grows with the event history; measured on 1M creators and 2M videos launched over '
          '90 days (3M events, server defaults): revenue_split_units of one day took 29.3 s without it and 1.7 s '
          'with it (issue 15); where the events started only 19 days before the day''s window (benchmark W), 0.83 s '
          'with it and 1.0-1.1 s without, the early windows alone 0.04 s against 0.25-0.3 s. '
          'CREATE INDEX ON public.event (video_id, ts);',
          'video_ts index: missing with 100,000 videos: a warning with the measured difference and the fix');
CREATE INDEX rs_t35_event_video_ts ON public.event USING hash (video_id);
SELECT matches(pg_temp.doc('index event(video_id, ts)'), '^warning \| missing on a wide catalog',
               'video_ts index: a hash index on video_id does not count');
DROP INDEX public.rs_t35_event_video_ts;
CREATE INDEX rs_t35_event_video_ts ON public.event (video_id, ts);
SELECT matches(pg_temp.doc('index event(video_id, ts)'),
          '^ok \| early windows of older videos are read with one probe each, and a heap page read per early view; '
          'the same index with INCLUDE \(event_type, device_id, ip_hash\), built to replace this one, makes the probes '
          'index-only: on the benchmark''s L .* '
          'CREATE INDEX ON public\.event \(video_id, ts\) INCLUDE \(event_type, device_id, ip_hash\);$',
          'video_ts index: present: ok, whatever the catalog size, naming the covering form and its measured gain');
DROP INDEX public.rs_t35_event_video_ts;
CREATE INDEX rs_t35_event_video_ts ON public.event (video_id, ts) INCLUDE (event_type, device_id);
SELECT matches(pg_temp.doc('index event(video_id, ts)'), '^ok \| .* a heap page read per early view; the same index with INCLUDE',
          'video_ts index: one that lacks ip_hash does not cover the early windows');
DROP INDEX public.rs_t35_event_video_ts;
CREATE INDEX rs_t35_event_video_ts ON public.event (video_id, ts) INCLUDE (event_type, device_id, ip_hash);
SELECT is(pg_temp.doc('index event(video_id, ts)'),
          'ok | early windows of older videos are read with one probe each; the index holds event_type, device_id '
          'and ip_hash, so the probes can be index-only (on pages VACUUM marked all-visible)',
          'video_ts index: INCLUDE (event_type, device_id, ip_hash): covering, said so');
DROP INDEX public.rs_t35_event_video_ts;
CREATE INDEX rs_t35_event_video_ts ON public.event (video_id, ts, ip_hash, device_id, event_type);
SELECT matches(pg_temp.doc('index event(video_id, ts)'), '^ok \| .*; the index holds event_type, device_id and ip_hash',
          'video_ts index: the three columns as trailing key columns cover too');
DROP INDEX public.rs_t35_event_video_ts;
DELETE FROM public.videos;

-- ==== 5. policies, owed, ledger ====
SELECT is(pg_temp.doc('policies'),
          'info | min_payout_cents = 0 (every amount is paid at once), over_cap = redistribute (KYC caps shape the '
          'allocation); no revenue_split.config row: the defaults',
          'policies: no config row: the defaults, said so');
SELECT is(pg_temp.doc('owed'), 'info | nothing is owed', 'owed: a fresh install owes nothing');
SELECT is(pg_temp.doc('ledger'), 'ok | the 0 accounts agree with the 0 entries: earned 0 = paid 0 + owed 0',
          'ledger: empty and consistent');

INSERT INTO revenue_split.config (min_payout_cents) VALUES (2000);
SELECT is(pg_temp.doc('policies'),
          'info | min_payout_cents = 2000 (a smaller payable amount stays owed), over_cap = redistribute (KYC caps '
          'shape the allocation); revenue_split.config',
          'policies: min_payout_cents from the config row');
-- Three unlimited (KYC 3) creators, one "simple" video each (views only, one device and IP per
-- view, created_at NULL): units are proportional to views 60 : 30 : 10, so a pool of 10,000
-- earns 6,000, 3,000 and 1,000; with min_payout_cents 2,000 creator 3's 1,000 stays owed.
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot)
VALUES (1, 0, 3, NULL, false), (2, 0, 3, NULL, false), (3, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (101, 1, NULL), (201, 2, NULL), (301, 3, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', timestamptz '2025-01-10 10:00+00' + g * interval '1 minute', 'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (101, 60), (201, 30), (301, 10)) AS x(v, n), generate_series(1, x.n) g;
SELECT results_eq($$SELECT status, paid_cents, owed_cents FROM revenue_split_commit(10000, 2025, 1)$$,
                  $$VALUES ('committed'::text, 9000::bigint, 1000::bigint)$$,
                  'fixture: January pays 9,000 and leaves 1,000 owed');
SELECT is(pg_temp.doc('owed'), 'info | 1 creator is owed 1000 cents in total; none of it to a likely_bot creator',
          'owed: the creator owed and the total');
SELECT is(pg_temp.doc('ledger'), 'ok | the 3 accounts agree with the 3 entries: earned 10000 = paid 9000 + owed 1000',
          'ledger: the accounts agree with the entries');

UPDATE public.users SET likely_bot = true WHERE id = 3;
SELECT is(pg_temp.doc('owed'),
          'info | 1 creator is owed 1000 cents in total; 1000 of it to 1 likely_bot creator (held until a correction '
          'removes it or the flag is cleared)',
          'owed: what a likely_bot creator is owed is reported as held');

UPDATE revenue_split.config SET over_cap = 'hold';
SELECT matches(pg_temp.doc('policies'),
               '^info \| min_payout_cents = 2000 .*, over_cap = hold \(KYC caps limit what a run pays; the rest stays owed\); revenue_split\.config$',
               'policies: over_cap = hold');

-- An account that no longer matches its entries (earned and paid both off by 5: the row's own
-- CHECK earned = paid + owed still holds, so only the comparison with the entries sees it).
UPDATE revenue_split.accounts SET earned_cents = earned_cents + 5, paid_cents = paid_cents + 5 WHERE creator_id = 1;
SELECT is(pg_temp.doc('ledger'),
          'error | the 3 accounts (revenue_split.accounts, the balances view) total earned 10005, paid 9005, but the 3 '
          'entries (revenue_split.entries) total earned 10000, paid 9000: the balances no longer match the ledger',
          'ledger: accounts that disagree with the entries are an error naming both totals');
UPDATE revenue_split.accounts SET earned_cents = earned_cents - 5, paid_cents = paid_cents - 5 WHERE creator_id = 1;
SELECT is((SELECT status FROM revenue_split_doctor() WHERE "check" = 'ledger'), 'ok', 'ledger: ok again once repaired');

SELECT * FROM finish();
ROLLBACK;
