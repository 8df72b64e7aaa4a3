-- Claims and replays go payment by payment, not only object by object.
--
-- One Salesforce record is often written by the events of several Stripe objects: with the default
-- routes a payment record (keyed by its payment intent) by the payment intent's events, its charges'
-- and its invoice payment's. A claim took whole objects, so a record's events met in one turn only
-- when they stood side by side in the due order, and each turn that held some of them pushed the
-- record again. A replay puts events back batch by batch in the order of its walk, and walking by
-- object id made every charge due before any payment intent: a story replay pushed each record
-- 1.29-1.44 times, against 1.03-1.04 for the same events drained as they arrived story by story
-- (docs/benchmarks.md, 2026-12-03). In a backlog that came in over a day, a refund stands a day of
-- other customers' events after its payment.
--
-- So each event also names the payment intent its object belongs to (data.object.payment_intent of
-- a charge, a refund or a dispute; data.object.payment.payment_intent of an invoice payment), and an
-- event's group is that payment intent, or its own object: coalesce(payment_intent_id, object_id).
-- The due index orders by group; a claim's siblings are the other due events of the groups it
-- reached, and it ranks them with their group's oldest; a replay's batches hold whole groups.
-- Events stored before this version have no payment intent id and stay in their object's group.
--
-- A group is a set of whole objects (an object's events name one payment intent), except when thin
-- and snapshot events of one object both arrive (a thin event names no payment intent): then the
-- object's events may come in two turns, each pushing its records, which the ordering rule's
-- watermarks keep right.
ALTER TABLE stripe_event ADD COLUMN payment_intent_id text;

-- A replay's walk and a claim's siblings, by group.
CREATE INDEX stripe_event_group_idx ON stripe_event (account, (coalesce(payment_intent_id, object_id)), object_id);

-- Claims take due events oldest first and, among events due at the same moment (a backlog, a
-- replay), group by group. Partial, so it stays small however much history is kept.
DROP INDEX stripe_event_due_object_idx;
CREATE INDEX stripe_event_due_group_idx
    ON stripe_event (next_attempt_at, (coalesce(payment_intent_id, object_id)), object_id)
    WHERE status IN ('pending', 'retrying');

-- lock_due_events as in B12__schema.sql (the plan pinned the same way, for the same reasons), by
-- group: the oldest due events in the due index's order, then the other due events of the groups
-- reached, found through the group index. It now also returns each event's group; replicas of the
-- previous version name the columns they read, and read the same ones as before.
DROP FUNCTION lock_due_events(integer);
CREATE FUNCTION lock_due_events(max_events integer)
    RETURNS TABLE (row_id tid, next_attempt_at timestamptz, object_id text, created timestamptz, size integer,
                   object_group text)
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
           AND s.next_attempt_at <= now()
           AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
         LIMIT max_events * 2
           FOR UPDATE OF s SKIP LOCKED)
    SELECT o.ctid, o.next_attempt_at, o.object_id, o.created, o.size, o.object_group FROM oldest o
    UNION
    SELECT s.ctid, s.next_attempt_at, s.object_id, s.created, s.size, s.object_group FROM siblings s
$$;

-- claim_due_events as in V14, by group: a group's events stand together, at the place of its oldest
-- due event, so that the bound in objects cuts between groups rather than through one (siblings
-- that came due later would otherwise rank after every other group's oldest events).
CREATE OR REPLACE FUNCTION claim_due_events(max_events integer, max_objects integer, max_bytes bigint, lessee text,
                                            lease_seconds double precision)
    RETURNS TABLE (account text, event_id text, type text, created timestamptz, received_at timestamptz,
                   object_type text, object_status text, status text, attempts integer, payload bytea,
                   thin boolean, related_url text, connect_account text)
    LANGUAGE sql
    VOLATILE
AS $$
    WITH locked AS (
        SELECT l.row_id, l.size, l.next_attempt_at, l.created, coalesce(l.object_id, l.row_id::text) AS object,
               coalesce(l.object_group, l.row_id::text) AS object_group
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
          JOIN objects o ON o.object = p.object)
    UPDATE stripe_event e
       SET lease_owner = lessee, lease_expires_at = now() + make_interval(secs => lease_seconds)
     WHERE e.ctid = ANY (ARRAY(SELECT s.row_id FROM sized s WHERE s.before < max_bytes AND s.object_rank <= max_objects))
    RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
              e.status, e.attempts, e.payload, e.thin, e.related_url, e.connect_account
$$;

-- Replicas of version 13 and before are gone: every version since calls the five-argument claim.
DROP FUNCTION claim_due_events(integer, bigint, text, double precision);
