-- Claims take their turn: one claim at a time, across every worker and replica.
--
-- A claim locks its oldest due events, then the other pending events of the groups they belong to
-- (V17, V20), under SKIP LOCKED so that it never waits for a row. Two claims that ran at the same
-- moment walked the same index side by side, each skipping the rows the other had just locked: they
-- took alternate events of the same groups, and neither could add the siblings the other held. Two
-- claims of 4,000 on a 10,000-event story backlog, started together, split 0 to 690 payment groups
-- between them in five tries (4,590 events), where one after the other split none. Both workers of a
-- replica wake together when a backlog becomes due (a pause that ends, a replay): the turn that
-- leased a split group's records second handed its events back for 200 ms and then pushed those
-- records again, which is how about one 10,000-event drain in ten pushed its records 1.08-1.16 times
-- and most ended with a small call or three 200 ms after the others (docs/benchmarks.md).
--
-- A claim now first takes a transaction-level advisory lock, held until it commits: the next one
-- starts from what the last one leased. A claim of 4,000 events takes about 100 ms of a turn that
-- lasts several hundred, so the others' wait is short, and a replica's workers still map, call and
-- settle side by side. The lock is taken before any row, and a claim waits for nothing else while
-- holding it (every row lock under it is SKIP LOCKED), so it adds no deadlock. The body of V20's
-- claim is kept under the name take_due_events; replicas of version 20 call claim_due_events by name
-- and so take their turn too during a rolling update.
ALTER FUNCTION claim_due_events(integer, integer, bigint, text, double precision) RENAME TO take_due_events;

CREATE FUNCTION claim_due_events(max_events integer, max_objects integer, max_bytes bigint, lessee text,
                                 lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text, more_due boolean)
    LANGUAGE sql
    VOLATILE
AS $$
    -- 'PAYBRIDG' as a number: a key no other user of the database is likely to pick.
    SELECT pg_advisory_xact_lock(5783001537903674439);
    -- A volatile function's statement sees what committed before it started: the claims before this one.
    SELECT * FROM take_due_events(max_events, max_objects, max_bytes, lessee, lease_seconds);
$$;
