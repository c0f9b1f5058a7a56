-- Schema version 7: claims on sources, so several processes never poll one source at once.
-- A process sets claimed_by (its own id) and claimed_until before it fetches a source, in one
-- short transaction that only succeeds when nobody else holds a live claim; writing the poll's
-- outcome clears it. A claim whose holder died (SIGKILL, power cut) lapses at claimed_until.

ALTER TABLE sources ADD COLUMN claimed_by TEXT;
ALTER TABLE sources ADD COLUMN claimed_until INTEGER;  -- Unix seconds; past it the claim is void
