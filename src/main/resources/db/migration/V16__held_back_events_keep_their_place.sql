-- A turn of a backlog holds back the records of its last, partial Salesforce call of each SObject
-- (delivery/CallBatches): their events go back due at once without an attempt spent, and keep the
-- next_attempt_at they had, so that the next claim, oldest due first, takes them before the events
-- that arrived after them. A null delay now means that: next_attempt_at stays as it is. Replicas of
-- the previous version never send a null delay, so a rolling update can run both.
CREATE OR REPLACE FUNCTION settle_turn(lessee text,
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
    SET enable_seqscan = off SET enable_bitmapscan = off SET enable_hashjoin = off SET enable_mergejoin = off
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
               next_attempt_at = coalesce(now() + make_interval(secs => v.delay_seconds), e.next_attempt_at),
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
