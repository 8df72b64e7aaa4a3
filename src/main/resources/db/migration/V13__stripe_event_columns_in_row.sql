-- stripe_event keeps only its payloads out of line (toast_tuple_target = 128, so that an update of
-- the row does not copy a payload). But that target applies to every column stored EXTENDED, the
-- default for text: PostgreSQL went on moving the longest values out of the row until it fit in 128
-- bytes, so every event id and object id (28-44 bytes) was a TOAST value of its own, as were the
-- longer types and lease owners. Each stored event wrote two to four more TOAST rows and index
-- entries, and every read of an id fetched it back: the claim sorts and groups its events by object
-- id and fetched each id again at every comparison, about 90 buffer reads an event. On a 100,000-event
-- replay (one session, claims of 2,000) claims took 24 s with the ids out of line and 2.1 s in the row;
-- the settles 4.5 s and 2.5 s, the replay itself 8 s and 3.7 s.
--
-- MAIN keeps a value in the row, compressed if that helps, and moves it out only when the row would
-- not fit in a page, so no value is ever too long to store. Only new row versions are affected: an id
-- already stored out of line stays there until its event is deleted, as retention does in time; no
-- table rewrite, and the ALTER only takes a moment's lock.
ALTER TABLE stripe_event
    ALTER COLUMN account SET STORAGE MAIN,
    ALTER COLUMN event_id SET STORAGE MAIN,
    ALTER COLUMN type SET STORAGE MAIN,
    ALTER COLUMN api_version SET STORAGE MAIN,
    ALTER COLUMN connect_account SET STORAGE MAIN,
    ALTER COLUMN object_id SET STORAGE MAIN,
    ALTER COLUMN object_type SET STORAGE MAIN,
    ALTER COLUMN object_status SET STORAGE MAIN,
    ALTER COLUMN status SET STORAGE MAIN,
    ALTER COLUMN last_error SET STORAGE MAIN,
    ALTER COLUMN lease_owner SET STORAGE MAIN,
    ALTER COLUMN related_url SET STORAGE MAIN;
