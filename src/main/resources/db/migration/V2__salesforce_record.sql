-- What Paybridge last applied to each Salesforce record, so that an event older than what a record
-- already shows is never pushed over it, whatever order Stripe delivers in. One row per record,
-- keyed like Salesforce keys it: the SObject and the external id value.
CREATE TABLE salesforce_record (
    sobject          text        NOT NULL,
    external_id      text        NOT NULL,
    salesforce_id    text,
    -- Per route: the ordering key {"created":..,"rank":..,"eventId":..} of the newest event that
    -- route applied to this record.
    route_watermarks jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- The newest event applied by any route: owner of the shared and Last_Stripe_Event_* fields.
    newest_created   bigint,
    newest_rank      integer,
    newest_event_id  text,
    -- Held by the replica pushing this record, so that no two pushes of one record are in flight.
    lease_owner      text,
    lease_expires_at timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT salesforce_record_pk PRIMARY KEY (sobject, external_id)
);

-- The Salesforce records each event was delivered to, for operators (admin API).
CREATE TABLE event_record (
    account           text NOT NULL,
    event_id          text NOT NULL,
    sobject           text NOT NULL,
    external_id_field text NOT NULL,
    external_id       text NOT NULL,
    salesforce_id     text,
    CONSTRAINT event_record_pk PRIMARY KEY (account, event_id, sobject, external_id),
    CONSTRAINT event_record_event_fk FOREIGN KEY (account, event_id)
        REFERENCES stripe_event (account, event_id) ON DELETE CASCADE
);

-- Oldest work waiting, for paybridge_oldest_pending_age_seconds.
CREATE INDEX stripe_event_waiting_received_idx
    ON stripe_event (received_at)
    WHERE status IN ('pending', 'retrying');
