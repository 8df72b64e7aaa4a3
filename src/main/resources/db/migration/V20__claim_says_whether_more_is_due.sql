-- A claim says whether it left due events behind, and takes a group's pending events together.
--
-- Whether more is due. A turn holds back the records of its last, partial call of each SObject when
-- a next turn will take more (CallBatches, V16). The turn guessed it from its claim's size: a claim of
-- claim-objects events or more counted as full. On a story backlog a claim is cut at max_events
-- events, so the last claim of a drain, 2,000-3,999 events with nothing due behind them, held its
-- partial calls back for a turn of their own, which pushed them as partial calls all the same; and
-- with several replicas sharing a replay's batches, every claim of that size did. The claim knows
-- what cut it: its oldest events reaching max_events (or the siblings their bound), an object past
-- max_objects, an event past max_bytes. more_due says so, on every row.
--
-- A group's pending events together. An event whose record another turn is pushing goes back due
-- 200 ms later (DeliveryService.RECORD_BUSY_DELAY), each at the moment its own turn settled: when
-- Stripe sends a burst (invoice.updated, invoice.paid, invoice_payment.paid in one second) while a
-- record's push is in flight, its events come due a few milliseconds apart, and the first claim
-- after the push took the first of them alone and pushed an older state before the newest. The
-- siblings of the groups a claim reached now include every pending event of those groups, due or not
-- yet (an event put back for a busy record, or released while Salesforce was unavailable: none has
-- spent an attempt on the wait), so that they collapse into one upsert of the newest state. Retrying
-- events still wait out their backoff.
--
-- Replicas of version 19 name the columns they read, so they read the same as before during a
-- rolling update.
DROP FUNCTION claim_due_events(integer, integer, bigint, text, double precision);
DROP FUNCTION lock_due_events(integer);

CREATE FUNCTION lock_due_events(max_events integer)
    RETURNS TABLE (row_id tid, next_attempt_at timestamptz, object_id text, created timestamptz, size integer,
                   object_group text, more_due boolean)
    LANGUAGE sql
    VOLATILE
    SET enable_sort = off
    SET enable_bitmapscan = off
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH oldest AS (
        SELECT d.ctid, d.account, d.object_id, coalesce(d.payment_intent_id, d.object_id) AS object_group,
               d.next_attempt_at, d.created, octet_length(d.payload) AS size
          FROM stripe_event d
         WHERE d.status IN ('pending', 'retrying')
           AND d.next_attempt_at <= now()
           AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
         ORDER BY d.next_attempt_at, coalesce(d.payment_intent_id, d.object_id), d.object_id
         LIMIT max_events
           FOR UPDATE SKIP LOCKED),
    siblings AS (
        SELECT s.ctid, s.next_attempt_at, s.object_id, groups.object_group, s.created,
               octet_length(s.payload) AS size
          FROM (SELECT DISTINCT o.account, o.object_group FROM oldest o WHERE o.object_group IS NOT NULL) groups
          JOIN stripe_event s
            ON s.account = groups.account AND coalesce(s.payment_intent_id, s.object_id) = groups.object_group
         WHERE s.status NOT IN ('delivered', 'skipped', 'dead')
           AND (s.status = 'pending' OR s.next_attempt_at <= now())
           AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
         LIMIT max_events * 2
           FOR UPDATE OF s SKIP LOCKED),
    cut AS (
        SELECT (SELECT count(*) FROM oldest) >= max_events OR (SELECT count(*) FROM siblings) >= max_events * 2
               AS more_due)
    SELECT o.ctid, o.next_attempt_at, o.object_id, o.created, o.size, o.object_group, cut.more_due
      FROM oldest o CROSS JOIN cut
    UNION
    SELECT s.ctid, s.next_attempt_at, s.object_id, s.created, s.size, s.object_group, cut.more_due
      FROM siblings s CROSS JOIN cut
$$;

-- claim_due_events as in V17, with more_due: what lock_due_events left due, or a locked event the
-- bounds in objects or bytes left for the next claim.
CREATE FUNCTION claim_due_events(max_events integer, max_objects integer, max_bytes bigint, lessee text,
                                 lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text, more_due boolean)
    LANGUAGE sql
    VOLATILE
AS $$
    WITH locked AS (
        SELECT l.row_id, l.size, l.next_attempt_at, l.created, coalesce(l.object_id, l.row_id::text) AS object,
               coalesce(l.object_group, l.row_id::text) AS object_group, l.more_due
          FROM lock_due_events(max_events) l),
    groups AS (
        SELECT g.object_group, min(g.next_attempt_at) AS first_due
          FROM locked g
         GROUP BY g.object_group),
    placed AS (
        SELECT l.row_id, l.size, l.object,
               row_number() OVER (ORDER BY g.first_due, g.object_group, l.object, l.created, l.row_id) AS position
          FROM locked l
          JOIN groups g ON g.object_group = l.object_group),
    objects AS (
        SELECT o.object, row_number() OVER (ORDER BY min(o.position)) AS object_rank
          FROM placed o
         GROUP BY o.object),
    sized AS (
        SELECT p.row_id, o.object_rank,
               sum(p.size) OVER (ORDER BY p.position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - p.size AS before
          FROM placed p
          JOIN objects o ON o.object = p.object),
    cut AS (
        SELECT coalesce(bool_or(l.more_due), false)
               OR EXISTS (SELECT 1 FROM sized s WHERE s.before >= max_bytes OR s.object_rank > max_objects) AS more_due
          FROM locked l)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
      FROM cut
     WHERE e.ctid = ANY (ARRAY(SELECT s.row_id FROM sized s WHERE s.before < max_bytes AND s.object_rank <= max_objects))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account, cut.more_due
$$;
