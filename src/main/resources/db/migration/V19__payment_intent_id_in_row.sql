-- payment_intent_id (V17) kept in the row, as V13 keeps every other column but the payloads.
--
-- V17 added the column with text's default storage, EXTENDED, on a table whose toast_tuple_target is
-- 128 bytes: PostgreSQL moved every payment intent id (27-30 bytes) out of the row into a TOAST value
-- of its own, as it did with the ids before V13. Each charge, invoice payment and linked invoice event
-- stored one more TOAST row and index entry, and every read of an event's group,
-- coalesce(payment_intent_id, object_id), fetched the id back: a sort by group fetched it again at
-- every comparison. The replay's batches sort by group, and a batch of 3,200 events of a 10,000-event
-- story replay read 268,000 buffers in that sort alone (2026-12-05, auto_explain).
--
-- As in V13, only new row versions are affected: an id already out of line stays there until its
-- event is deleted, as retention does in time; no table rewrite, and the ALTER only takes a moment's
-- lock.
ALTER TABLE stripe_event
    ALTER COLUMN payment_intent_id SET STORAGE MAIN;
