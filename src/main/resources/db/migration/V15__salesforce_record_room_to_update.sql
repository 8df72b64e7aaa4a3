-- A record's row is updated at every push of it: its lease taken, then its watermarks written and the
-- lease released by the settle. Its route_watermarks hold an ordering key for the route and for each
-- shared field (800-1,250 bytes of JSON with the default routes), so rows are about 1.1 KB, and full
-- pages (fillfactor 100) left no room to write a new version beside the old one: after the drain and
-- the replay of a 500,000-event story backlog, 3 % of 842,000 record updates were HOT, each other one
-- added a primary key entry and looked for room on another page, and the table held 644 MB for
-- 135,000 records. With 30 % of each page kept free, 65 % were HOT and the table held 440 MB; the
-- replay's database time per event went from 273-280 to 209 us (one run each, 2026-11-30). Only new
-- pages are affected; no table rewrite.
ALTER TABLE salesforce_record SET (fillfactor = 70);
