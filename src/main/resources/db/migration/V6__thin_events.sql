-- Thin events (Stripe event destinations, object "v2.core.event"): the body names the changed object
-- instead of carrying it, and delivery fetches the object's current state from the Stripe API before
-- mapping it. The related object's id and type go where data.object.{id,object} go, the event's
-- context (a connected account) where the Connect "account" of a snapshot event goes.
--   thin        the event is a thin event: delivery fetches related_url first
--   related_url related_object.url, the path of the object on the Stripe API
--   fetched     the object as fetched at the event's last attempt, for operators (admin API). One
--               object per thin event, about the size a snapshot event's payload carries anyway,
--               out of line and compressed like the payload; null for snapshot events, so that
--               they store nothing more.
ALTER TABLE stripe_event
    ADD COLUMN thin boolean NOT NULL DEFAULT false,
    ADD COLUMN related_url text,
    ADD COLUMN fetched bytea;

DO $$
BEGIN
    ALTER TABLE stripe_event ALTER COLUMN fetched SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported OR invalid_parameter_value THEN
        RAISE NOTICE 'lz4 is not available on this server; fetched objects stay compressed with pglz';
END
$$;

-- Ordering keys keep milliseconds from now on: a thin event's "created" has them, and two changes of
-- one object within a second must not tie. Watermarks written so far are in seconds; in milliseconds
-- they keep their order against each other and against every event stored since.
--
-- During a rolling update, replicas of the previous version still run next to this schema. They
-- cannot settle a turn any more (settle_turn changes its signature below), so they never write a
-- watermark in seconds next to these or mark an event done under the old rule: their turns fail
-- and give their claims back, and what they may have pushed meanwhile is pushed again, idempotently,
-- by a replica of this version. Their intake keeps working (the new columns have defaults).
UPDATE salesforce_record
   SET newest_created = newest_created * 1000
 WHERE newest_created IS NOT NULL;
UPDATE salesforce_record r
   SET route_watermarks = (SELECT jsonb_object_agg(w.key,
                                  jsonb_set(w.value, '{created}', to_jsonb((w.value ->> 'created')::bigint * 1000)))
                             FROM jsonb_each(r.route_watermarks) AS w)
 WHERE r.route_watermarks <> '{}'::jsonb;

-- The claim also returns what a thin event needs to be fetched. Otherwise as in V4.
DROP FUNCTION claim_due_events(integer, text, double precision);

CREATE FUNCTION claim_due_events(max_events integer, lessee text, lease_seconds double precision)
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
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account
$$;

-- The settle also stores what was fetched for thin events (null leaves the column as it is).
-- Otherwise as in V4.
DROP FUNCTION settle_turn(text, text[], text[], boolean[], text[], jsonb[], bigint[], integer[], text[], text[], text[],
        text[], text[], text[], text[], text[], text[], text[], integer[], double precision[], text[]);

CREATE FUNCTION settle_turn(lessee text,
        record_sobjects text[], record_external_ids text[], record_written boolean[],
        record_salesforce_ids text[], record_watermarks jsonb[], record_newest_created bigint[],
        record_newest_ranks integer[], record_newest_event_ids text[],
        link_accounts text[], link_event_ids text[], link_sobjects text[], link_external_id_fields text[],
        link_external_ids text[], link_salesforce_ids text[],
        event_accounts text[], event_ids text[], event_statuses text[], event_attempts integer[],
        event_delay_seconds double precision[], event_errors text[], event_fetched bytea[])
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
               fetched = coalesce(v.fetched, e.fetched),
               done_at = CASE WHEN v.status IN ('delivered', 'skipped') THEN now() END, updated_at = now()
          FROM unnest(event_accounts, event_ids, event_statuses, event_attempts, event_delay_seconds, event_errors,
                      event_fetched)
               AS v(account, event_id, status, attempts, delay_seconds, last_error, fetched)
         WHERE e.account = v.account AND e.event_id = v.event_id AND e.lease_owner = lessee
        RETURNING 1)
    SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM linked), (SELECT count(*) FROM settled)
$$;
