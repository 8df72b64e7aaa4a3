-- Claims take due events oldest first and, among events due at the same moment (a backlog, a
-- replay), object by object, so that the events of one object meet in one claim and collapse into
-- one upsert. Replaces the due index with one that serves that order.
CREATE INDEX stripe_event_due_object_idx
    ON stripe_event (next_attempt_at, object_id)
    WHERE status IN ('pending', 'retrying');
DROP INDEX stripe_event_due_idx;
