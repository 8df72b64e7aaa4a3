-- Paybridge's schema at version 12, in one script: what a new database gets (a Flyway baseline
-- migration). Databases created before it went through V1 to V12 one by one and are at the same
-- schema; beforeMigrate.sql stops the start of one that stopped short of V12. Every later change is
-- a V13__ and up, as usual.

-- One row per Stripe event and Paybridge account: the raw body exactly as Stripe sent it, plus the
-- few envelope fields the delivery pipeline and the operators query by. The event id is the
-- natural key; a redelivered event hits the primary key and is answered as a duplicate.
CREATE TABLE stripe_event (
    account          text        NOT NULL,
    event_id         text        NOT NULL,
    type             text        NOT NULL,
    api_version      text,
    livemode         boolean     NOT NULL DEFAULT false,
    -- The Connect account of a snapshot event (the envelope's "account"), the context of a thin one.
    connect_account  text,
    -- data.object.{id,object}; a thin event's related_object.{id,type}.
    object_id        text,
    object_type      text,
    -- data.object.status at the time of the event: the tie-breaker of the ordering rule.
    object_status    text,
    created          timestamptz NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    -- bytea, not jsonb: the body is kept byte for byte, as it was signed.
    payload          bytea       NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    lease_owner      text,
    lease_expires_at timestamptz,
    done_at          timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Thin events (Stripe event destinations, object "v2.core.event") name the changed object instead
    -- of carrying it: delivery fetches related_url (related_object.url) from the Stripe API first.
    thin             boolean     NOT NULL DEFAULT false,
    related_url      text,
    -- The object as fetched at a thin event's last attempt, for operators (admin API); null for
    -- snapshot events, so that they store nothing more.
    fetched          bytea,
    CONSTRAINT stripe_event_pk PRIMARY KEY (account, event_id),
    CONSTRAINT stripe_event_status_check
        CHECK (status IN ('pending', 'retrying', 'delivered', 'skipped', 'dead')),
    CONSTRAINT stripe_event_attempts_check CHECK (attempts >= 0)
)
-- The pipeline updates an event twice (claim, settle). With the payload inline, each update copies
-- it; kept out of line (compressed), an update copies a row of a few hundred bytes and the TOAST
-- pointer. Room left on each page lets the claim, which changes no indexed column, update in place
-- (HOT).
WITH (toast_tuple_target = 128, fillfactor = 80);

-- Payloads of a few KB are compressed as they are stored. PostgreSQL's default, pglz, made up about
-- a third of the database's CPU per stored webhook in the intake benchmark (112 against 75
-- microseconds a row with lz4, 64-row inserts of a 3.6 KB invoice event), and the database shares
-- the machine's cores with the service during a burst. lz4 compresses JSON as well, far faster. A
-- server built without lz4 keeps pglz rather than failing the migration.
DO $$
BEGIN
    ALTER TABLE stripe_event ALTER COLUMN payload SET COMPRESSION lz4, ALTER COLUMN fetched SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported OR invalid_parameter_value THEN
        RAISE NOTICE 'lz4 is not available on this server; payloads stay compressed with pglz';
END
$$;

-- Claims take due events oldest first and, among events due at the same moment (a backlog, a
-- replay), object by object, so that the events of one object meet in one claim and collapse into
-- one upsert. Partial, so it stays small however much history is kept.
CREATE INDEX stripe_event_due_object_idx
    ON stripe_event (next_attempt_at, object_id)
    WHERE status IN ('pending', 'retrying');

-- Ordering and collapsing per Stripe object; the claim's siblings, replays and the admin API by object.
CREATE INDEX stripe_event_object_idx ON stripe_event (account, object_id, created);

-- Admin listing and replay filters (account, status, created range).
CREATE INDEX stripe_event_account_created_idx ON stripe_event (account, created, event_id);
CREATE INDEX stripe_event_status_created_idx ON stripe_event (status, created);

-- Retention: finished events by age.
CREATE INDEX stripe_event_done_idx
    ON stripe_event (done_at)
    WHERE status IN ('delivered', 'skipped');

-- Oldest work waiting, for paybridge_oldest_pending_age_seconds.
CREATE INDEX stripe_event_waiting_received_idx
    ON stripe_event (received_at)
    WHERE status IN ('pending', 'retrying');

-- What Paybridge last applied to each Salesforce record, so that an event older than what a record
-- already shows is never pushed over it, whatever order Stripe delivers in. One row per record,
-- keyed like Salesforce keys it: the SObject and the external id value.
CREATE TABLE salesforce_record (
    sobject          text        NOT NULL,
    external_id      text        NOT NULL,
    salesforce_id    text,
    -- Per route: the ordering key {"created":..,"rank":..,"eventId":..} of the newest event that
    -- route applied to this record, created in milliseconds.
    route_watermarks jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- The newest event applied by any route: owner of the shared and Last_Stripe_Event_* fields.
    newest_created   bigint,
    newest_rank      integer,
    newest_event_id  text,
    -- Held by the turn pushing this record, so that no two pushes of one record are in flight.
    lease_owner      text,
    lease_expires_at timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT salesforce_record_pk PRIMARY KEY (sobject, external_id)
);

-- The Salesforce records each event was delivered to, for operators (admin API). Written only by
-- the settle, for events it holds. No foreign key to stripe_event: it made PostgreSQL look up and
-- lock (KEY SHARE) each linked event, rows the same statement updates right after, for about half
-- of a link's cost (18 of 36 us a link on a 20,000-link insert), and guarded nothing that can
-- happen. Its cascade is the trigger stripe_event_deleted_links below.
CREATE TABLE event_record (
    account           text NOT NULL,
    event_id          text NOT NULL,
    sobject           text NOT NULL,
    external_id_field text NOT NULL,
    external_id       text NOT NULL,
    salesforce_id     text,
    CONSTRAINT event_record_pk PRIMARY KEY (account, event_id, sobject, external_id)
);

-- The reconciliation sweep (io.paybridge.reconcile). One row, the lease: whichever replica moves
-- started_at forward runs the sweep; the others see a sweep that is running (held_until in the
-- future) or one that started less than paybridge.reconcile.every ago, and skip. So N replicas
-- together sweep once per `every`, and a replica that dies mid-sweep frees the lease when
-- held_until passes.
CREATE TABLE reconcile_lease (
    name        text        PRIMARY KEY,
    owner       text,
    started_at  timestamptz,
    held_until  timestamptz
);

INSERT INTO reconcile_lease (name) VALUES ('sweep');

-- Per account: when the sweep last succeeded (every replica reports it as
-- paybridge_reconcile_last_success_timestamp_seconds) and when it last listed every event of the
-- window rather than only those whose webhook deliveries failed.
CREATE TABLE reconcile_account (
    account            text        PRIMARY KEY,
    first_run_at       timestamptz NOT NULL DEFAULT now(),
    last_success_at    timestamptz,
    last_full_at       timestamptz
);

-- paybridge_events{status} without reading the whole table (a count by status kept a core busy for
-- a good part of a second at each metrics refresh, on every replica, and the intake's slowest
-- commits fell in those moments). Every statement that stores, changes or deletes events appends
-- what it changed per status (statement triggers over transition tables: one row per status a
-- statement touched, none when it changed no status, as a claim does); the metrics refresh folds
-- the rows into one per status and reads them. Appending, never updating one row per status, so
-- that concurrent statements never wait on each other for a counter.
CREATE TABLE event_status_count (
    status text   NOT NULL,
    delta  bigint NOT NULL
);

-- Claiming, the first of two steps: locks the oldest due events, object by object, then the other
-- due events of the objects reached (its siblings), so that a turn holds whole objects and collapses
-- and orders their events itself, and two turns seldom want the same Salesforce record.
--
-- Why a function whose plan is pinned: on a table without statistics yet (the first start on a
-- backlog, a bulk load, a large replay) the planner picks a bitmap scan and a sort of every due row,
-- or a hash join over the whole table, and each claim then costs the size of the backlog. Worse,
-- with statistics taken while nothing was due (after a drain) and then a replay making every row
-- due, a partial index believed empty looks free to walk, and PostgreSQL walked the whole due index
-- for every object reached: turns that never ended on a 20,000-event replay (ClaimPlanTest). So the
-- siblings are filtered by what they must not be (done or dead), which no partial index matches,
-- leaving the object index as the only way to them, and with sorts, bitmap scans, sequential scans
-- and hash and merge joins off the planner walks the due and object indexes and stops at the limits.
-- The siblings' limit counts the oldest events again (the objects' own rows, dropped by the UNION),
-- so it is twice the claim size and a turn stays bounded at three times it.
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

-- Claiming, the second step: of the locked events, in the order the claim prefers, those taken
-- while their payloads stay under max_bytes get the lease. A turn holds its events' payloads until
-- they are mapped, and Stripe's events range from 1 KB to several hundred (an invoice with its
-- lines): on a 500,000-event replay, a claim bounded in events alone held about 14,000 events and a
-- 256 MB heap ran out. The first event is always taken, however large, so that no event is too large
-- to deliver; rows locked but not taken stay due for the next claim. octet_length reads the stored
-- length without decompressing. Rows are updated by their ctid, locked by the same statement.
--
-- A function of its own, because the settings that pin the locking plan must not reach the running
-- sum: under enable_sort = off, PostgreSQL 15 took 500-800 ms to run a window over the 2,000 rows of
-- one claim (against 2 ms with the setting on), ten times the whole claim.
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

-- A turn's outcome in one statement (one transaction): the records it held get their new state
-- when Salesforce wrote them and are let go either way; the written records are linked to the
-- events that went into them; the events get their status, and thin events what was fetched (null
-- leaves it as it is). Only records and events the lessee still holds are updated, so a turn that
-- lost its lease cannot overwrite a newer outcome. Arrays come sorted by key, so concurrent turns
-- lock rows in one order and cannot deadlock.
--
-- Pinned like the claim, for its own reason: misled by the lessee filter, the planner would scan
-- the whole table and join it against the arrays row by row (seconds per turn on a backlog).
-- Pinned, it looks each row up by its primary key.
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

-- What a failed turn still holds, given back at once rather than after the lease, each row looked
-- up by its key as in the settle.
CREATE FUNCTION give_back_turn(lessee text, record_sobjects text[], record_external_ids text[],
        event_accounts text[], event_ids text[])
    RETURNS TABLE (records bigint, events bigint)
    LANGUAGE sql
    VOLATILE
    SET enable_seqscan = off SET enable_bitmapscan = off SET enable_hashjoin = off SET enable_mergejoin = off
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

-- Events made due again (a replay, a failed turn giving back its claims) wake the delivery
-- pipelines of every replica at once instead of after a poll interval: per row, but only for a row
-- that is due now and held by no one, so the pipeline's own updates (a claim takes a lease, a settle
-- leaves nothing due now) never call the function, and PostgreSQL folds a transaction's identical
-- notifications into one. Stored events are announced by the application after their commit
-- (event/DueEventsSignal), not from here: a transaction that notifies takes a database-wide lock
-- for its commit through the WAL flush, and the intake's concurrent group commits waited on each
-- other's (with a trigger: about 11 % fewer events a second and a p99 of 73 ms instead of 40 ms at
-- 64 connections in scripts/bench-intake).
CREATE FUNCTION notify_due_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('paybridge_due_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_event_due_again_notify
    AFTER UPDATE ON stripe_event
    FOR EACH ROW
    WHEN (NEW.status IN ('pending', 'retrying') AND NEW.lease_owner IS NULL AND NEW.next_attempt_at <= now()
          AND (OLD.lease_owner IS NOT NULL OR OLD.status NOT IN ('pending', 'retrying')
               OR OLD.next_attempt_at > now()))
    EXECUTE FUNCTION notify_due_events();

-- The status counts' triggers (event_status_count above).
CREATE FUNCTION count_stored_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO event_status_count (status, delta)
    SELECT stored.status, count(*) FROM stored GROUP BY stored.status;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_changed_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO event_status_count (status, delta)
    SELECT changes.status, sum(changes.delta)
      FROM (SELECT after.status, 1 AS delta FROM after
            UNION ALL
            SELECT before.status, -1 AS delta FROM before) changes
     GROUP BY changes.status
    HAVING sum(changes.delta) <> 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_deleted_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO event_status_count (status, delta)
    SELECT gone.status, -count(*) FROM gone GROUP BY gone.status;
    RETURN NULL;
END
$$;

CREATE FUNCTION count_truncated_events() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM event_status_count;
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_event_stored_count
    AFTER INSERT ON stripe_event
    REFERENCING NEW TABLE AS stored
    FOR EACH STATEMENT EXECUTE FUNCTION count_stored_events();

CREATE TRIGGER stripe_event_changed_count
    AFTER UPDATE ON stripe_event
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION count_changed_events();

CREATE TRIGGER stripe_event_deleted_count
    AFTER DELETE ON stripe_event
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_events();

CREATE TRIGGER stripe_event_truncated_count
    AFTER TRUNCATE ON stripe_event
    FOR EACH STATEMENT EXECUTE FUNCTION count_truncated_events();

-- An event's links go with it (retention), in one statement per deleting statement.
CREATE FUNCTION delete_event_links() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM event_record r
     USING gone
     WHERE r.account = gone.account AND r.event_id = gone.event_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_event_deleted_links
    AFTER DELETE ON stripe_event
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION delete_event_links();
