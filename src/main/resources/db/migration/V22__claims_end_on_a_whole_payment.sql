-- A claim bounded by objects or bytes ends on a whole payment.
--
-- A claim takes its oldest due events with the other pending events of their groups (a payment
-- intent with its charges, invoices and invoice payments, or an object alone: V17, V18, V20), and
-- places them group by group. Its bounds in objects (claim-objects) and bytes (claim-bytes) then cut
-- that list wherever the limit fell, which could be inside a group: the claim leased the payment's
-- first objects and left its others due. The next claim took them, found the payment's record leased
-- by the turn still pushing it, and handed them back for 200 ms (DeliveryService.RECORD_BUSY_DELAY):
-- a replay of 10,000 story events ended on a turn of its own for 17 such events, its Payment__c
-- records pushed a second time after the others (2026-12-07, docs/benchmarks.md).
--
-- The cut now falls between groups: a group is taken whole when its first object is within
-- claim-objects and its first event starts within claim-bytes. A claim can so pass its bounds by the
-- rest of one group (a payment holds a few objects and their events); it still always takes its
-- first group. Everything else as in V20: take_due_events keeps its name and its columns, and V21's
-- claim_due_events calls it after the advisory lock, so replicas of version 21 claim the same way.
CREATE OR REPLACE FUNCTION take_due_events(max_events integer, max_objects integer, max_bytes bigint, lessee text,
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
        SELECT l.row_id, l.size, l.object, l.object_group,
               row_number() OVER (ORDER BY g.first_due, g.object_group, l.object, l.created, l.row_id) AS position
          FROM locked l
          JOIN groups g ON g.object_group = l.object_group),
    objects AS (
        SELECT o.object, row_number() OVER (ORDER BY min(o.position)) AS object_rank
          FROM placed o
         GROUP BY o.object),
    sized AS (
        SELECT p.row_id, p.object_group, o.object_rank,
               sum(p.size) OVER (ORDER BY p.position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - p.size AS before
          FROM placed p
          JOIN objects o ON o.object = p.object),
    group_starts AS (
        SELECT s.object_group, min(s.before) AS before, min(s.object_rank) AS first_object_rank
          FROM sized s
         GROUP BY s.object_group),
    taken AS (
        SELECT s.row_id
          FROM sized s
          JOIN group_starts g ON g.object_group = s.object_group
         WHERE g.before < max_bytes AND g.first_object_rank <= max_objects),
    cut AS (
        SELECT coalesce(bool_or(l.more_due), false)
               OR (SELECT count(*) FROM taken) < count(*) AS more_due
          FROM locked l)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
      FROM cut
     WHERE e.ctid = ANY (ARRAY(SELECT t.row_id FROM taken t))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account, cut.more_due
$$;
