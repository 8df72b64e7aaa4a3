-- A claim bounded by the size of its payloads as well as by its number of events. A turn holds its
-- events' payloads from the claim until they are mapped, and a claim reaching whole objects takes
-- up to three times its event limit: on a 500,000-event replay (every event of every object due at
-- once) two workers' turns held about 14,000 events, and a 256 MB heap spent its time in full
-- collections and ran out of memory. Stripe's events range from 1 KB to several hundred (an
-- invoice with its lines), so a limit in events alone cannot bound memory.
--
-- The rows are found and locked exactly as before (V8__claim_whole_objects.sql, now in a function
-- of their own); then, in the order the claim prefers (oldest due first, object by object), events
-- are taken while the payloads taken so far stay under max_bytes. The first event is always taken,
-- however large, so that no event is too large to deliver. Rows locked but not taken stay locked
-- only until the claim commits, still due, for the next claim. octet_length reads the stored
-- length without decompressing the payload.
--
-- Two functions, because the settings that pin the locking plan must not reach the running sum:
-- under enable_sort = off, PostgreSQL 15 took 500-800 ms to run a window over the 2,000 rows of one
-- claim (against 2 ms with the setting on), ten times the whole claim.

CREATE FUNCTION lock_due_events(max_events integer)
    RETURNS TABLE (row_id tid, next_attempt_at timestamptz, object_id text, created timestamptz, size integer)
    LANGUAGE sql
    VOLATILE
    SET enable_sort = off
    SET enable_bitmapscan = off
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH oldest AS (
        SELECT d.ctid, d.account, d.object_id, d.next_attempt_at, d.created, octet_length(d.payload) AS size
          FROM stripe_event d
         WHERE d.status IN ('pending', 'retrying')
           AND d.next_attempt_at <= now()
           AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
         ORDER BY d.next_attempt_at, d.object_id
         LIMIT max_events
           FOR UPDATE SKIP LOCKED),
    siblings AS (
        SELECT s.ctid, s.next_attempt_at, s.object_id, s.created, octet_length(s.payload) AS size
          FROM (SELECT DISTINCT o.account, o.object_id FROM oldest o WHERE o.object_id IS NOT NULL) objects
          JOIN stripe_event s ON s.account = objects.account AND s.object_id = objects.object_id
         WHERE s.status NOT IN ('delivered', 'skipped', 'dead')
           AND s.next_attempt_at <= now()
           AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
         LIMIT max_events * 2
           FOR UPDATE OF s SKIP LOCKED)
    SELECT o.ctid, o.next_attempt_at, o.object_id, o.created, o.size FROM oldest o
    UNION
    SELECT s.ctid, s.next_attempt_at, s.object_id, s.created, s.size FROM siblings s
$$;

-- The three-argument claim stays for replicas of the previous version during a rolling update.
CREATE FUNCTION claim_due_events(max_events integer, max_bytes bigint, lessee text, lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text)
    LANGUAGE sql
    VOLATILE
AS $$
    WITH sized AS (
        SELECT l.row_id,
               sum(l.size) OVER (ORDER BY l.next_attempt_at, l.object_id, l.created, l.row_id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - l.size AS before
          FROM lock_due_events(max_events) l)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT sized.row_id FROM sized WHERE sized.before < max_bytes))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account
$$;
