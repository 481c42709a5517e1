-- The users rows of the creators $1 (int8[]). The trust score travels as text so that any
-- numeric (NaN, Infinity, 1e1000) reaches Rust without a float8 overflow error.
-- The list is behind a scalar subquery so that the planner does not estimate it element by
-- element (40 ms of planning for 370k ids, and a cost that JIT-compiles the query) only to
-- choose the same primary-key probes.
SELECT u.id::int8, u.kyc_level::int8, u.creator_trust_score::text, u.likely_bot IS TRUE
FROM @app@.users u
WHERE u.id OPERATOR(pg_catalog.=) ANY ((SELECT $1::int8[])::int8[])
