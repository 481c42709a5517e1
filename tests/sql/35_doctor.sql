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
--
-- Cluster-wide state is made deterministic inside the transaction: every other member of
-- revenue_split_admin loses its membership until the ROLLBACK at the end.
BEGIN;
SELECT plan(34);
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

SELECT * FROM finish();
ROLLBACK;
