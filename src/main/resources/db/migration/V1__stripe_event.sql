-- One row per Stripe event and Paybridge account: the raw body exactly as Stripe sent it, plus the
-- few envelope fields the delivery pipeline and the operators query by. The event id is the
-- natural key; a redelivered event hits the primary key and is answered as a duplicate.
CREATE TABLE stripe_event (
    account          text        NOT NULL,
    event_id         text        NOT NULL,
    type             text        NOT NULL,
    api_version      text,
    livemode         boolean     NOT NULL DEFAULT false,
    -- Stripe Connect account the event belongs to (the envelope's "account"), if any.
    connect_account  text,
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
    CONSTRAINT stripe_event_pk PRIMARY KEY (account, event_id),
    CONSTRAINT stripe_event_status_check
        CHECK (status IN ('pending', 'retrying', 'delivered', 'skipped', 'dead')),
    CONSTRAINT stripe_event_attempts_check CHECK (attempts >= 0)
);

-- Claiming: due work only, oldest first. Partial, so it stays small however much history is kept.
CREATE INDEX stripe_event_due_idx
    ON stripe_event (next_attempt_at)
    WHERE status IN ('pending', 'retrying');

-- Ordering and collapsing per Stripe object; replays and the admin API by object.
CREATE INDEX stripe_event_object_idx ON stripe_event (account, object_id, created);

-- Admin listing and replay filters (account, status, created range).
CREATE INDEX stripe_event_account_created_idx ON stripe_event (account, created, event_id);
CREATE INDEX stripe_event_status_created_idx ON stripe_event (status, created);

-- Retention: finished events by age.
CREATE INDEX stripe_event_done_idx
    ON stripe_event (done_at)
    WHERE status IN ('delivered', 'skipped');
