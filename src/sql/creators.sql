-- The users rows of the creators $1 (int8[]). The trust score travels as text so that any
-- numeric (NaN, Infinity, 1e1000) reaches Rust without a float8 overflow error.
-- @ids@ is the list, as a constant or hidden behind a scalar subquery (see `signals::by_ids`).
SELECT u.id::int8, u.kyc_level::int8, u.creator_trust_score::text, u.likely_bot IS TRUE
FROM @app@.users u
WHERE u.id OPERATOR(pg_catalog.=) ANY (@ids@)
