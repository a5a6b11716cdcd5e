-- Every agent rewrites its replica's latest state, its witness links, its
-- heartbeat and (on a primary) its lease every second. Packed full, each
-- page has no room for a row's next version, so every one of those updates
-- moves the row to another page and adds index entries: at 1,000 services ×
-- 3 replicas the latest states grew to 530 MB in three minutes (3,000 live
-- rows) between autovacuum's passes, and every read of the fleet walked it.
-- With room left on each page the new version stays beside the old one (a
-- heap-only update), the page prunes the old ones itself, and the tables stay
-- their live size. A latest state is ~2 kB (two reports), so one per page.
-- Pages already full take the new layout as vacuum frees them (VACUUM FULL
-- applies it at once).
ALTER TABLE "ReplicaState" SET (fillfactor = 25);
ALTER TABLE "WitnessLink" SET (fillfactor = 50);
ALTER TABLE "Agent" SET (fillfactor = 50);
ALTER TABLE "PrimaryLease" SET (fillfactor = 50);
