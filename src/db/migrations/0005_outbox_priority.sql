-- Background work (rebuilding every page after a change to the navigation) waits behind the work
-- of editors' saves, so a burst of it never delays a publish: 0 comes first, then 1.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_claim ON outbox (priority, id) WHERE due_at IS NOT NULL;
