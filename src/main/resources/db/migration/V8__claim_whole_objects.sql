-- The claim's second step, finding the other due events of the objects the oldest events belong
-- to, could be planned as a walk of a whole partial index (the due index, or the index of waiting
-- events) for every object, instead of a lookup of each object in the object index. PostgreSQL
-- chose that plan whenever the table's statistics were taken while nothing was due (after a drain)
-- and then a replay or a bulk load made every row due: a partial index believed empty looks free to
-- walk. Each claim then compared every due row against every event it had taken, for every object:
-- turns that never ended on a 20,000-event replay, the claims of 46 s seen before, and a cost that
-- grew with the backlog. The siblings are now filtered by what they must not be (done or dead),
-- which the planner cannot match to a partial index, so the object index is the only way to them
-- whatever the statistics say; and the events already taken are removed by the UNION below
-- instead of by a comparison per row.
--
-- The siblings' limit counts the oldest events again (they are the objects' own rows, locked by this
-- claim already, and the UNION drops them), so it is twice the claim size: at least as many other
-- events of those objects as V4 took, and a turn stays bounded at three times the claim size.
CREATE OR REPLACE FUNCTION claim_due_events(max_events integer, lessee text, lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text)
    LANGUAGE sql
    VOLATILE
    SET enable_sort = off
    SET enable_bitmapscan = off
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH oldest AS (
        SELECT d.ctid, d.account, d.object_id FROM stripe_event d
         WHERE d.status IN ('pending', 'retrying')
           AND d.next_attempt_at <= now()
           AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
         ORDER BY d.next_attempt_at, d.object_id
         LIMIT max_events
           FOR UPDATE SKIP LOCKED),
    siblings AS (
        SELECT s.ctid FROM (SELECT DISTINCT o.account, o.object_id FROM oldest o WHERE o.object_id IS NOT NULL) objects
          JOIN stripe_event s ON s.account = objects.account AND s.object_id = objects.object_id
         WHERE s.status NOT IN ('delivered', 'skipped', 'dead')
           AND s.next_attempt_at <= now()
           AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
         LIMIT max_events * 2
           FOR UPDATE OF s SKIP LOCKED)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT oldest.ctid FROM oldest UNION SELECT siblings.ctid FROM siblings))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account
$$;
