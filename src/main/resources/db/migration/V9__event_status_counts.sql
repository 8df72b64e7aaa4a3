-- paybridge_events{status} without reading the whole table. Counting stripe_event by status every
-- refresh read every row: on a table of a few hundred thousand events it kept a core busy for a
-- good part of a second at each refresh, on every replica, and the intake's slowest commits fell
-- in those moments. Instead, every statement that stores, changes or deletes events appends what
-- it changed per status (statement triggers over transition tables: one row per status a statement
-- touched, none when it changed no status, as a claim does), and the metrics refresh folds those
-- rows into one per status and reads them. Appending, never updating one row per status, so that
-- concurrent statements never wait on each other for a counter.
CREATE TABLE event_status_count (
    status text   NOT NULL,
    delta  bigint NOT NULL
);

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

-- The events stored so far, counted once. Creating the triggers above locked the table against
-- writes until this migration commits, so no statement falls between this count and the triggers.
INSERT INTO event_status_count (status, delta)
SELECT status, count(*) FROM stripe_event GROUP BY status;
