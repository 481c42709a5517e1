-- revenue_split 0.2.0 → 0.3.0. Frozen once 0.3.0 is released; work toward the next version
-- goes into a new revenue_split--0.3.0--<next>.sql.
\echo Use "ALTER EXTENSION revenue_split UPDATE TO '0.3.0'" to load this file. \quit

-- ===== run keys, ledger, adoption (the same objects as sql/v0_3_0.sql creates) =====
-- Payout policies (SPEC §9). A run records them with the rest of its configuration.
ALTER TABLE revenue_split.config
    ADD COLUMN min_payout_cents bigint NOT NULL DEFAULT 0 CHECK (min_payout_cents >= 0),
    ADD COLUMN over_cap text NOT NULL DEFAULT 'redistribute' CHECK (over_cap IN ('redistribute', 'hold'));

-- A run is the first run of its key (committed, or adopted from another payout system), or
-- an entry that belongs to that first run: a correction, or (upgrades only) a second 0.2.0
-- run of a month that 0.2.0 paid again under another monthly payment type ('repeat').
ALTER TABLE revenue_split.runs
    ADD COLUMN status text NOT NULL DEFAULT 'committed'
        CHECK (status IN ('committed', 'adopted', 'correction', 'repeat')),
    -- Deferred: pg_dump restores runs in one COPY, whatever the rows' physical order.
    ADD COLUMN corrects bigint REFERENCES revenue_split.runs (run_id) DEFERRABLE INITIALLY DEFERRED,
    ADD COLUMN paid_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN owed_cents bigint NOT NULL DEFAULT 0 CHECK (owed_cents >= 0),
    ADD CONSTRAINT runs_corrects_first_run CHECK ((corrects IS NULL) = (status IN ('committed', 'adopted')));
-- Adoptions may record more paid than the pool (negative unallocated) and no units;
-- a correction may find no units left (every creator a bot).
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_unallocated_cents_check;
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_total_units_check;
ALTER TABLE revenue_split.runs ADD CONSTRAINT runs_total_units_check CHECK (total_units >= 0);
-- The run key (SPEC §6.2): a month is paid once whatever the monthly payment type; a day
-- once per payment type.
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_run_key;
-- A month that 0.2.0 paid twice (its run key contained the configured monthly payment
-- type) keeps both runs: the later ones become repeats of the first, so the key counts what
-- they paid, commits of the month are skipped, and a correction can take the double payment
-- back (SPEC §9).
UPDATE revenue_split.runs r
SET status = 'repeat', corrects = f.first_id
FROM (SELECT run_id, pg_catalog.first_value(run_id) OVER (PARTITION BY kind, period_start ORDER BY run_id) AS first_id
      FROM revenue_split.runs WHERE kind = 'monthly') f
WHERE f.run_id = r.run_id AND f.first_id <> r.run_id;
-- Check the deferred foreign key of those rows now: CREATE INDEX refuses to run on a table
-- with pending trigger events.
SET CONSTRAINTS ALL IMMEDIATE;
CREATE UNIQUE INDEX runs_run_key ON revenue_split.runs
    (kind, period_start, (CASE WHEN kind = 'daily' THEN payment_type ELSE '' END))
    WHERE corrects IS NULL;
CREATE INDEX runs_corrects_idx ON revenue_split.runs (corrects) WHERE corrects IS NOT NULL;

-- Allocations are what a run computes (for a correction: the targets); what is paid is in
-- entries. With over_cap = hold an amount may exceed the cap, and with min_payout_cents an
-- earned amount may be paid later, so those two checks move to the entries' invariants.
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_within_cap;
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_paid_have_transaction;
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_units_check;
ALTER TABLE revenue_split.allocations ADD CONSTRAINT allocations_units_check CHECK (units >= 0);

-- The owed ledger: append-only, one entry per run and creator whose earned or paid it moved.
CREATE TABLE revenue_split.entries (
    run_id           bigint NOT NULL REFERENCES revenue_split.runs (run_id),
    creator_id       bigint NOT NULL,
    earned_cents     bigint NOT NULL,
    paid_cents       bigint NOT NULL,
    owed_after_cents bigint NOT NULL CHECK (owed_after_cents >= 0),
    transaction_id   bigint,
    PRIMARY KEY (run_id, creator_id),
    CONSTRAINT entries_moved CHECK (earned_cents <> 0 OR paid_cents <> 0)
);
CREATE INDEX entries_creator_idx ON revenue_split.entries (creator_id, run_id);
COMMENT ON TABLE revenue_split.entries IS
    'revenue_split: append-only owed ledger: what each run earned and paid each creator (SPEC §9)';

-- Each creator's running totals, kept in step with entries in the same transaction (so that
-- a run finds the creators with owed money without summing the whole ledger). Owed is never
-- negative, but that is checked on entries.owed_after_cents and by the writer, not here: a
-- run moves accounts with INSERT ... ON CONFLICT DO UPDATE, whose proposed row (this run's
-- earned - paid, negative when it pays money an earlier run left owed) Postgres checks
-- against CHECK constraints before it finds the conflict.
CREATE TABLE revenue_split.accounts (
    creator_id   bigint PRIMARY KEY,
    earned_cents bigint NOT NULL,
    paid_cents   bigint NOT NULL,
    owed_cents   bigint NOT NULL,
    CONSTRAINT accounts_add_up CHECK (earned_cents = paid_cents + owed_cents)
);
CREATE INDEX accounts_owed_idx ON revenue_split.accounts (creator_id) WHERE owed_cents > 0;
COMMENT ON TABLE revenue_split.accounts IS
    'revenue_split: per-creator totals of revenue_split.entries (earned = paid + owed)';

CREATE VIEW revenue_split.balances AS
SELECT a.creator_id, a.earned_cents, a.paid_cents, a.owed_cents
FROM revenue_split.accounts a;
COMMENT ON VIEW revenue_split.balances IS
    'revenue_split: what each creator earned, was paid and is owed over all runs (SPEC §9)';

SELECT pg_catalog.pg_extension_config_dump('revenue_split.entries', '');
SELECT pg_catalog.pg_extension_config_dump('revenue_split.accounts', '');

-- Statements (SPEC §10): per run, creator and video, the period's counts and units, stored
-- with the run so that a statement never changes when events change later.
-- No foreign key to runs: its check, once per row, was half of writing a run's ledger
-- (0.24 s of M's 50,000 lines). Only the ledger writer inserts lines, in the transaction that
-- inserts their run, with that run's id; revenue_split never deletes a run, and the money
-- tables (allocations, entries) keep their foreign keys.
CREATE TABLE revenue_split.statement_lines (
    run_id     bigint NOT NULL,
    creator_id bigint NOT NULL,
    video_id   bigint NOT NULL,
    views      bigint NOT NULL,
    likes      bigint NOT NULL,
    comments   bigint NOT NULL,
    shares     bigint NOT NULL,
    raw_units  float8 NOT NULL,
    units      float8 NOT NULL CHECK (units >= 0),
    PRIMARY KEY (run_id, creator_id, video_id)
);
COMMENT ON TABLE revenue_split.statement_lines IS
    'revenue_split: per run, creator and video, the counts and units the run paid on (SPEC §10)';
SELECT pg_catalog.pg_extension_config_dump('revenue_split.statement_lines', '');

-- Adoption (SPEC §11): the transactions rows each adopted run counted as paid. A row is adopted
-- once (an adoption whose window takes in a row adopted before is refused), and never a row
-- revenue_split wrote itself, so that no payment counts as paid twice.
CREATE TABLE revenue_split.adopted_rows (
    transaction_id bigint PRIMARY KEY,
    run_id         bigint NOT NULL REFERENCES revenue_split.runs (run_id)
);
COMMENT ON TABLE revenue_split.adopted_rows IS
    'revenue_split: the transactions rows each adopted run counted as paid (SPEC §11)';
SELECT pg_catalog.pg_extension_config_dump('revenue_split.adopted_rows', '');

-- Audit: what the run's pass read (issue: statements and exports).
ALTER TABLE revenue_split.runs
    ADD COLUMN events_read bigint,
    ADD COLUMN newest_event_ts timestamptz;

-- The 0.2.0 view, with each run's status and its statement totals for the creator at the end.
CREATE OR REPLACE VIEW revenue_split.creator_payouts AS
SELECT a.creator_id, r.run_id, r.kind, r.period_start, r.period_end, r.payment_type,
       a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, a.transaction_id, r.committed_at,
       r.status, s.videos AS statement_videos, s.views AS statement_views, s.likes AS statement_likes,
       s.comments AS statement_comments, s.shares AS statement_shares, s.raw_units AS statement_raw_units,
       s.units AS statement_units
FROM revenue_split.allocations a
JOIN revenue_split.runs r ON r.run_id = a.run_id
LEFT JOIN LATERAL (
    SELECT count(*) AS videos, sum(l.views) AS views, sum(l.likes) AS likes, sum(l.comments) AS comments,
           sum(l.shares) AS shares, sum(l.raw_units) AS raw_units, sum(l.units) AS units
    FROM revenue_split.statement_lines l
    WHERE l.run_id = a.run_id AND l.creator_id = a.creator_id
) s ON true;
COMMENT ON VIEW revenue_split.creator_payouts IS
    'revenue_split: each creator''s allocation in every run, with the run''s status and statement totals';

-- Every 0.2.0 run paid exactly what it allocated: earned = paid, nothing owed.
UPDATE revenue_split.runs SET paid_cents = allocated_cents, owed_cents = 0;
INSERT INTO revenue_split.entries (run_id, creator_id, earned_cents, paid_cents, owed_after_cents, transaction_id)
SELECT a.run_id, a.creator_id, a.amount_cents, a.amount_cents, 0, a.transaction_id
FROM revenue_split.allocations a
WHERE a.amount_cents > 0;
INSERT INTO revenue_split.accounts (creator_id, earned_cents, paid_cents, owed_cents)
SELECT e.creator_id, pg_catalog.sum(e.earned_cents), pg_catalog.sum(e.paid_cents), 0
FROM revenue_split.entries e
GROUP BY e.creator_id;

-- ===== functions =====
-- The previews and the commits return §9's paid/owed columns at the end of their rows: a new
-- return type, so they are dropped and created again (same C symbols).
DROP FUNCTION revenue_split_preview(bigint, int, int);
DROP FUNCTION revenue_split_preview_day(bigint, date);
DROP FUNCTION revenue_split_commit(bigint, int, int);
DROP FUNCTION revenue_split_run(bigint, date, text);

CREATE FUNCTION "revenue_split_preview"(
	"pool" bigint,
	"year" INT DEFAULT NULL,
	"month" INT DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint,
	"amount_cents" bigint,
	"capped" bool,
	"paid_cents" bigint,
	"owed_after_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_wrapper';

CREATE FUNCTION "revenue_split_preview_day"(
	"pool" bigint,
	"day" date
) RETURNS TABLE (
	"creator_id" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint,
	"amount_cents" bigint,
	"capped" bool,
	"paid_cents" bigint,
	"owed_after_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_day_wrapper';

CREATE FUNCTION "revenue_split_commit"(
	"pool" bigint,
	"year" INT DEFAULT NULL,
	"month" INT DEFAULT NULL
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators" INT,
	"allocated_cents" bigint,
	"unallocated_cents" bigint,
	"total_units" double precision,
	"paid_cents" bigint,
	"owed_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_commit_wrapper';

CREATE FUNCTION "revenue_split_run"(
	"pool" bigint,
	"day" date,
	"payment_type" TEXT DEFAULT 'revenue_split'
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators" INT,
	"allocated_cents" bigint,
	"unallocated_cents" bigint,
	"total_units" double precision,
	"paid_cents" bigint,
	"owed_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_run_wrapper';

CREATE FUNCTION "revenue_split_preview_correction"(
	"year" INT,
	"month" INT,
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"earned_cents" bigint,
	"target_cents" bigint,
	"delta_cents" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_correction_wrapper';

CREATE FUNCTION "revenue_split_preview_correction_day"(
	"day" date,
	"payment_type" TEXT DEFAULT 'revenue_split',
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"earned_cents" bigint,
	"target_cents" bigint,
	"delta_cents" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_correction_day_wrapper';

CREATE FUNCTION "revenue_split_correct"(
	"year" INT,
	"month" INT,
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"corrects_run_id" bigint,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators_changed" INT,
	"credited_cents" bigint,
	"debited_cents" bigint,
	"allocated_cents" bigint,
	"unallocated_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_correct_wrapper';

CREATE FUNCTION "revenue_split_correct_day"(
	"day" date,
	"payment_type" TEXT DEFAULT 'revenue_split',
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"corrects_run_id" bigint,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators_changed" INT,
	"credited_cents" bigint,
	"debited_cents" bigint,
	"allocated_cents" bigint,
	"unallocated_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_correct_day_wrapper';

CREATE FUNCTION "revenue_split_adopt"(
	"year" INT,
	"month" INT,
	"pool" bigint,
	"paid_from" timestamp with time zone,
	"paid_to" timestamp with time zone,
	"payment_type" TEXT DEFAULT 'revenue_split_monthly'
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators" INT,
	"allocated_cents" bigint,
	"unallocated_cents" bigint,
	"total_units" double precision,
	"paid_cents" bigint,
	"owed_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_adopt_wrapper';

CREATE FUNCTION "revenue_split_adopt_day"(
	"day" date,
	"pool" bigint,
	"paid_from" timestamp with time zone,
	"paid_to" timestamp with time zone,
	"payment_type" TEXT DEFAULT 'revenue_split'
) RETURNS TABLE (
	"run_id" bigint,
	"status" TEXT,
	"period_start" date,
	"period_end" date,
	"pool_cents" bigint,
	"creators" INT,
	"allocated_cents" bigint,
	"unallocated_cents" bigint,
	"total_units" double precision,
	"paid_cents" bigint,
	"owed_cents" bigint
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_adopt_day_wrapper';


CREATE FUNCTION "revenue_split_statement"(
	"run_id" bigint,
	"creator_id" bigint DEFAULT NULL
) RETURNS TABLE (
	"run_id" bigint,
	"creator_id" bigint,
	"video_id" bigint,
	"views" bigint,
	"likes" bigint,
	"comments" bigint,
	"shares" bigint,
	"raw_units" double precision,
	"units" double precision,
	"amount_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_statement_wrapper';


-- ===== privileges (the same as sql/finalize.sql gives on a fresh install) =====
-- Every grantee but the owner and revenue_split_admin loses everything on every member object
-- (default privileges included); revenue_split_admin gets exactly what it needs; every
-- function runs with row_security = off. Identical to sql/finalize.sql, so an upgraded install
-- and a fresh one have the same ACLs and function settings.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'revenue_split_admin') THEN
        CREATE ROLE revenue_split_admin NOLOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    ext_owner oid;
    -- Every member function, every table/view/sequence (members, and anything else in the schema
    -- revenue_split), and the schema revenue_split itself, with every grantee of their ACLs
    -- (column privileges included).
    targets   text := $q$
        SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind,
               p.oid::pg_catalog.regprocedure::text AS name, p.proowner AS owner, NULL::"char" AS relkind,
               ARRAY(SELECT DISTINCT a.grantee FROM pg_catalog.aclexplode(p.proacl) a) AS grantees
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_proc p ON p.oid = d.objid
        WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split')
          AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e'
        UNION ALL
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
               c.oid::pg_catalog.regclass::text, c.relowner, c.relkind,
               ARRAY(SELECT a.grantee FROM pg_catalog.aclexplode(c.relacl) a
                     UNION
                     SELECT ca.grantee FROM pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) ca
                     WHERE att.attrelid = c.oid AND att.attacl IS NOT NULL)
        FROM pg_catalog.pg_class c
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND (c.relnamespace = 'revenue_split'::pg_catalog.regnamespace
               OR EXISTS (SELECT FROM pg_catalog.pg_depend d
                          WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                            AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split')
                            AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                            AND d.deptype = 'e'))
        UNION ALL
        SELECT 'SCHEMA', pg_catalog.quote_ident(n.nspname), n.nspowner, NULL,
               ARRAY(SELECT DISTINCT a.grantee FROM pg_catalog.aclexplode(n.nspacl) a)
        FROM pg_catalog.pg_namespace n
        WHERE n.nspname = 'revenue_split'
        ORDER BY 1, 2
    $q$;
    obj       record;
    grantee   oid;
    leftover  text := '';
BEGIN
    SELECT e.extowner INTO ext_owner FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split';

    -- 1. Nobody but the owner keeps anything (revenue_split_admin included: it gets exactly its
    --    privileges back below, so a fresh and an upgraded install end up identical).
    FOR obj IN EXECUTE targets LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM PUBLIC', obj.kind, obj.name);
        FOREACH grantee IN ARRAY obj.grantees LOOP
            IF grantee <> 0 AND grantee <> obj.owner AND grantee <> ext_owner THEN
                EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM %s CASCADE',
                                          obj.kind, obj.name, grantee::pg_catalog.regrole);
            END IF;
        END LOOP;
        IF obj.kind IN ('FUNCTION', 'PROCEDURE') THEN
            -- SPEC §1: reads never run under a row-level security policy.
            EXECUTE pg_catalog.format('ALTER %s %s SET row_security = off', obj.kind, obj.name);
        END IF;
    END LOOP;

    -- 2. What revenue_split_admin needs: run every function, read everything, append to the audit
    --    trail (runs, allocations, entries and every other table the functions write), keep the
    --    per-creator totals (accounts) current, manage the config.
    GRANT USAGE ON SCHEMA revenue_split TO revenue_split_admin;
    FOR obj IN EXECUTE targets LOOP
        IF obj.kind IN ('FUNCTION', 'PROCEDURE') THEN
            EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO revenue_split_admin', obj.kind, obj.name);
        ELSIF obj.kind = 'SEQUENCE' THEN
            EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.relkind IN ('v', 'm') THEN
            EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.name = 'revenue_split.config' THEN
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.name = 'revenue_split.accounts' THEN
            -- running totals that every commit upserts (INSERT ... ON CONFLICT DO UPDATE)
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' THEN
            -- the audit trail (runs, allocations, entries, ...) is append-only: no UPDATE, no DELETE
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT ON TABLE %s TO revenue_split_admin', obj.name);
        END IF;
    END LOOP;

    -- 3. Prove it: no grantee but the owner and revenue_split_admin is left anywhere.
    FOR obj IN EXECUTE targets LOOP
        FOREACH grantee IN ARRAY obj.grantees LOOP
            IF grantee NOT IN (obj.owner, ext_owner, 'revenue_split_admin'::pg_catalog.regrole) THEN
                leftover := leftover || pg_catalog.format(' %s %s to %s;', obj.kind, obj.name,
                    CASE grantee WHEN 0 THEN 'PUBLIC' ELSE grantee::pg_catalog.regrole::text END);
            END IF;
        END LOOP;
    END LOOP;
    IF leftover <> '' THEN
        RAISE EXCEPTION 'revenue_split: privileges left after revoking:%', leftover
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
