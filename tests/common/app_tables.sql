-- Application tables of SPEC section 1, in schema public, as the SQL scenario tests expect them.
--
-- Included by every tests/sql/*.sql file with `\ir ../common/app_tables.sql`, right after
-- `BEGIN; SELECT plan(N);`, so the tables live only inside that file's transaction (each file
-- ends with ROLLBACK). No foreign keys on purpose: scenarios need events of a video with no
-- `videos` row and videos whose creator has no `users` row. A scenario that needs another shape
-- (partitioned `event`, `int` ids) drops and recreates the table inside its own transaction.

CREATE TABLE public.users (
    id                  bigint PRIMARY KEY,
    current_balance     bigint,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);

CREATE TABLE public.videos (
    id         bigint PRIMARY KEY,
    creator_id bigint,
    created_at timestamptz
);

CREATE TABLE public.event (
    video_id   bigint,
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
);
CREATE INDEX event_ts_idx ON public.event (ts);

CREATE TABLE public.transactions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    recipient    bigint NOT NULL,
    amount_cents int NOT NULL,
    payment_type text NOT NULL,
    status       text NOT NULL,
    direction    text NOT NULL
);
