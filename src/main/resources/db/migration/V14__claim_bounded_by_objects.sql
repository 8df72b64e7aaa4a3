-- A claim bounded by objects as well as by events and bytes. Salesforce takes 200 records a call, one
-- SObject a call, so each SObject of a turn ends with a partial call: the more records a turn holds,
-- the fuller its calls. A turn's memory grows with the records it maps (payloads are read a page at a
-- time), that is with the objects it holds, not with their events: 4,000 events of distinct objects
-- ran a 256 MB heap out of memory, while 4,000 events of a billing run's stories (an invoice, its
-- payment intents and payouts, a few events each) hold about 1,400 objects. So a claim takes up to
-- max_events events but only the events of its first max_objects objects (ranked by the claim's order
-- of their first event); the other locked rows stay due for the next claim, as those over max_bytes
-- do. Events without an object count as one object each.
--
-- The four-argument claim_due_events stays for replicas of the previous version during a rolling
-- update; a later migration drops it.
CREATE FUNCTION claim_due_events(max_events integer, max_objects integer, max_bytes bigint, lessee text,
                                 lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text)
    LANGUAGE sql
    VOLATILE
AS $$
    WITH locked AS (
        SELECT l.row_id, l.size, coalesce(l.object_id, l.row_id::text) AS object,
               row_number() OVER (ORDER BY l.next_attempt_at, l.object_id, l.created, l.row_id) AS position
          FROM lock_due_events(max_events) l),
    objects AS (
        SELECT o.object, row_number() OVER (ORDER BY min(o.position)) AS object_rank
          FROM locked o
         GROUP BY o.object),
    sized AS (
        SELECT l.row_id, o.object_rank,
               sum(l.size) OVER (ORDER BY l.position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - l.size AS before
          FROM locked l
          JOIN objects o ON o.object = l.object)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT s.row_id FROM sized s WHERE s.before < max_bytes AND s.object_rank <= max_objects))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account
$$;
