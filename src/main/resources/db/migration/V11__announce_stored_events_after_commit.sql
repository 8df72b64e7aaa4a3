-- Stored events are announced on paybridge_due_events by the application after the commit that
-- stored them (event/DueEventsSignal), no longer by a trigger inside that commit. PostgreSQL takes
-- a database-wide lock for the commit of any transaction that notifies and holds it through the
-- WAL flush, so the intake's concurrent group-commit batches each waited for the other's flush,
-- and the trigger's transition table copied every inserted row, payload included. Measured with
-- scripts/bench-intake on 2 cores, without against with the trigger: about 11 % more events a
-- second, a p99 at 64 connections of 40 ms instead of 73 ms, a third less PostgreSQL CPU per
-- event; pgbench's one-row inserts, each a notifying commit, ran two to four times faster.
-- Rows made due again by an update (a replay, a turn giving back its claims) still notify from
-- their trigger: those statements are rare and not on the acknowledgement's path.
DROP TRIGGER stripe_event_stored_notify ON stripe_event;
DROP FUNCTION notify_stored_events();
