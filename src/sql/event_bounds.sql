-- The first and last event time: two probes of an index on event(ts) (run only when there is
-- one). Early windows outside these bounds have no views and are not read.
SELECT min(e.ts), max(e.ts) FROM @app@.event e
