-- Delivery at scale: cheap claims and settles on a large backlog, and a wake-up for new work.

-- The pipeline updates an event twice (claim, settle). With the payload inline, each update copies
-- it; kept out of line (compressed, as before), an update copies a row of a few hundred bytes and
-- the TOAST pointer. Room left on each page lets the claim, which changes no indexed column, update
-- in place (HOT). Both apply to rows written from now on.
ALTER TABLE stripe_event SET (toast_tuple_target = 128, fillfactor = 80);

-- Claims due events for one lessee: the oldest due first, object by object, then the other due
-- events of the objects reached, so that a turn holds whole objects and collapses and orders their
-- events itself, and two turns seldom want the same Salesforce record.
--
-- A function so that the plan can be pinned: on a table without statistics yet (the first start
-- on a backlog, a bulk load, a large replay) the planner picks a bitmap scan and a sort of every
-- due row, or a hash join over the whole table, and each claim then costs the size of the
-- backlog. The due index has the order and the object index finds the siblings: with sorts,
-- bitmap scans, sequential scans and hash or merge joins off, the planner walks them and stops at
-- the limits. Rows are updated by their ctid (locked by the same statement, so it cannot move)
-- rather than joined back by key.
CREATE FUNCTION claim_due_events(max_events integer, lessee text, lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea)
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
         WHERE s.status IN ('pending', 'retrying')
           AND s.next_attempt_at <= now()
           AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
         LIMIT max_events
           FOR UPDATE OF s SKIP LOCKED)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT oldest.ctid FROM oldest UNION SELECT siblings.ctid FROM siblings))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload
$$;

-- New work wakes the delivery pipelines of every replica at once instead of after a poll interval:
-- stored events (intake, backfill) and events made due again (replay). Statement triggers, so that a
-- group commit of many events sends one notification, and the intake knows nothing of delivery.
-- The pipeline's own updates (claims hold a lease; settles leave nothing due now) notify no one.
CREATE FUNCTION notify_due_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed
                WHERE changed.status IN ('pending', 'retrying')
                  AND changed.lease_owner IS NULL
                  AND changed.next_attempt_at <= now()) THEN
        PERFORM pg_notify('paybridge_due_events', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_event_inserted_notify
    AFTER INSERT ON stripe_event
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_due_events();

CREATE TRIGGER stripe_event_updated_notify
    AFTER UPDATE ON stripe_event
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_due_events();
