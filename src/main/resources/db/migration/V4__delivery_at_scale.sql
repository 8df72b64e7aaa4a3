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
           AND s.ctid <> ALL (ARRAY(SELECT taken.ctid FROM oldest taken))
         LIMIT max_events
           FOR UPDATE OF s SKIP LOCKED)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT oldest.ctid FROM oldest UNION SELECT siblings.ctid FROM siblings))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload
$$;

-- A turn's outcome in one statement (one transaction): the records it held get their new state
-- when Salesforce wrote them and are let go either way; the written records are linked to the
-- events that went into them; the events get their status. Only records and events the lessee
-- still holds are updated, so a turn that lost its lease cannot overwrite a newer outcome. Arrays
-- come sorted by key, so concurrent turns lock rows in one order and cannot deadlock.
--
-- A function for the same reason as the claim: the planner, misled by the lessee filter, would
-- scan the whole table and join it against the arrays row by row (seconds per turn on a backlog).
-- Pinned, it looks each row up by its primary key.
CREATE FUNCTION settle_turn(lessee text,
        record_sobjects text[], record_external_ids text[], record_written boolean[],
        record_salesforce_ids text[], record_watermarks jsonb[], record_newest_created bigint[],
        record_newest_ranks integer[], record_newest_event_ids text[],
        link_accounts text[], link_event_ids text[], link_sobjects text[], link_external_id_fields text[],
        link_external_ids text[], link_salesforce_ids text[],
        event_accounts text[], event_ids text[], event_statuses text[], event_attempts integer[],
        event_delay_seconds double precision[], event_errors text[])
    RETURNS TABLE (records bigint, links bigint, events bigint)
    LANGUAGE sql
    VOLATILE
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH held AS (
        UPDATE salesforce_record r
           SET salesforce_id = coalesce(v.salesforce_id, r.salesforce_id),
               route_watermarks = CASE WHEN v.written THEN v.watermarks ELSE r.route_watermarks END,
               newest_created = CASE WHEN v.written THEN v.newest_created ELSE r.newest_created END,
               newest_rank = CASE WHEN v.written THEN v.newest_rank ELSE r.newest_rank END,
               newest_event_id = CASE WHEN v.written THEN v.newest_event_id ELSE r.newest_event_id END,
               lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
          FROM unnest(record_sobjects, record_external_ids, record_written, record_salesforce_ids, record_watermarks,
                      record_newest_created, record_newest_ranks, record_newest_event_ids)
               AS v(sobject, external_id, written, salesforce_id, watermarks, newest_created, newest_rank,
                    newest_event_id)
         WHERE r.sobject = v.sobject AND r.external_id = v.external_id AND r.lease_owner = lessee
        RETURNING 1),
    linked AS (
        INSERT INTO event_record (account, event_id, sobject, external_id_field, external_id, salesforce_id)
        SELECT l.account, l.event_id, l.sobject, l.external_id_field, l.external_id, l.salesforce_id
          FROM unnest(link_accounts, link_event_ids, link_sobjects, link_external_id_fields, link_external_ids,
                      link_salesforce_ids)
               AS l(account, event_id, sobject, external_id_field, external_id, salesforce_id)
        ON CONFLICT (account, event_id, sobject, external_id)
        DO UPDATE SET salesforce_id = coalesce(EXCLUDED.salesforce_id, event_record.salesforce_id)
        RETURNING 1),
    settled AS (
        UPDATE stripe_event e
           SET status = v.status, attempts = v.attempts,
               next_attempt_at = now() + make_interval(secs => v.delay_seconds),
               last_error = CASE WHEN v.status = 'delivered' THEN NULL ELSE coalesce(v.last_error, e.last_error) END,
               lease_owner = NULL, lease_expires_at = NULL,
               done_at = CASE WHEN v.status IN ('delivered', 'skipped') THEN now() END, updated_at = now()
          FROM unnest(event_accounts, event_ids, event_statuses, event_attempts, event_delay_seconds, event_errors)
               AS v(account, event_id, status, attempts, delay_seconds, last_error)
         WHERE e.account = v.account AND e.event_id = v.event_id AND e.lease_owner = lessee
        RETURNING 1)
    SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM linked), (SELECT count(*) FROM settled)
$$;

-- What a failed turn still holds, given back at once rather than after the lease. Pinned like the
-- settle, for the same reason.
CREATE FUNCTION give_back_turn(lessee text, record_sobjects text[], record_external_ids text[],
        event_accounts text[], event_ids text[])
    RETURNS TABLE (records bigint, events bigint)
    LANGUAGE sql
    VOLATILE
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
AS $$
    WITH records AS (
        UPDATE salesforce_record r SET lease_owner = NULL, lease_expires_at = NULL
          FROM unnest(record_sobjects, record_external_ids) AS k(sobject, external_id)
         WHERE r.sobject = k.sobject AND r.external_id = k.external_id AND r.lease_owner = lessee
        RETURNING 1),
    events AS (
        UPDATE stripe_event e SET lease_owner = NULL, lease_expires_at = NULL
          FROM unnest(event_accounts, event_ids) AS k(account, event_id)
         WHERE e.account = k.account AND e.event_id = k.event_id AND e.lease_owner = lessee
        RETURNING 1)
    SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM events)
$$;

-- New work wakes the delivery pipelines of every replica at once instead of after a poll interval:
-- stored events (intake, backfill) and events made due again (a replay, a failed turn giving back
-- its claims). The intake knows nothing of this. Inserts notify once per statement, so that a group
-- commit of many events sends one notification. Updates notify per row, but only for a row that
-- is due now and held by no one: the pipeline's own updates (a claim takes a lease, a settle leaves
-- nothing due now) never call the function, and PostgreSQL folds a transaction's identical
-- notifications into one.
CREATE FUNCTION notify_due_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('paybridge_due_events', '');
    RETURN NULL;
END
$$;

CREATE FUNCTION notify_stored_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM stored
                WHERE stored.status IN ('pending', 'retrying') AND stored.next_attempt_at <= now()) THEN
        PERFORM pg_notify('paybridge_due_events', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_event_stored_notify
    AFTER INSERT ON stripe_event
    REFERENCING NEW TABLE AS stored
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stored_events();

CREATE TRIGGER stripe_event_due_again_notify
    AFTER UPDATE ON stripe_event
    FOR EACH ROW
    WHEN (NEW.status IN ('pending', 'retrying') AND NEW.lease_owner IS NULL AND NEW.next_attempt_at <= now()
          AND (OLD.lease_owner IS NOT NULL OR OLD.status NOT IN ('pending', 'retrying')
               OR OLD.next_attempt_at > now()))
    EXECUTE FUNCTION notify_due_events();
