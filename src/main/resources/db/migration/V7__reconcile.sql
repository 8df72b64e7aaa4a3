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
