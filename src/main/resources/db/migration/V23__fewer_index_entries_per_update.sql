-- Fewer index entries to write for every stored event and every change of its status.
--
-- A replay and a settle change an event's status, which the partial indexes name, so PostgreSQL
-- cannot update the row in place (HOT): each such update writes a new entry in every index of
-- stripe_event whose predicate the new row meets, seven of the eight for a replayed event. In a
-- story replay of 10,000 events those entries were most of the replay's own cost (130 of the 180 ms
-- of a batch of 5,000, docs/benchmarks.md "A story replay of 10,000, statement by statement"), and
-- every settle pays them too. Two indexes no longer earn all of theirs:
--
-- - stripe_event_object_idx (account, object_id, created) found an object's other events for the
--   claim (B12). Since V17 the claim, the replay's walk and intake's invoice lookup go by payment
--   through stripe_event_group_idx, and no statement asks for an object's events alone: dropped.
-- - stripe_event_status_created_idx (status, created) serves the admin API's status filter, newest
--   first, which is what the console's Dead, Retrying and Pending views ask for. Delivered and
--   skipped events, which every event becomes, are most of the table: their listing reads it as
--   the unfiltered listing does, and their settle no longer writes an entry here. The index now
--   holds the events that are not done.
--
-- Like V17's, the new index is built while the table holds its inserts: 1.6 s for 520,000 events
-- on the 2-core machine of the benchmarks (2026-12-07), so choose a quiet hour for a large table.
DROP INDEX stripe_event_object_idx;
DROP INDEX stripe_event_status_created_idx;

CREATE INDEX stripe_event_not_done_created_idx
    ON stripe_event (status, created)
    WHERE status IN ('pending', 'retrying', 'dead');
