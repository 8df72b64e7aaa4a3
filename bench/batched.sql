-- The batched limit: the same row as ceiling.sql, 64 copies in one INSERT and one commit, which is
-- what a group commit can hope for at best on this PostgreSQL.
INSERT INTO stripe_event (account, event_id, type, api_version, livemode, connect_account,
                          object_id, object_type, object_status, created, payload)
SELECT 'bench-ceiling', 'evt_' || gen_random_uuid(), 'invoice.payment_succeeded', '2026-07-29.dahlia', false, NULL,
       'in_' || gen_random_uuid(), 'invoice', 'paid', now(), payload
  FROM bench_payload, generate_series(1, 64);
