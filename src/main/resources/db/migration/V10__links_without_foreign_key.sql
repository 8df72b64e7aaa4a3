-- The links from events to the Salesforce records they were delivered to are written by the
-- settle, one per delivered event and record. Their foreign key made PostgreSQL look each linked
-- event up and lock it (KEY SHARE) for every link, on rows the same statement updates right after:
-- about half of a link's cost (18 of 36 us a link, measured on a 20,000-link insert). The settle
-- only links events it holds, and nothing else writes links, so the key guarded nothing that can
-- happen; what its cascade did, removing an event's links with the event (retention), a statement
-- trigger does.
ALTER TABLE event_record DROP CONSTRAINT event_record_event_fk;

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
