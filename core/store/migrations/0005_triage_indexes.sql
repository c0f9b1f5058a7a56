-- Schema version 5: indexes for the Mine view and the Sources screen.
--
-- The brand's own posts leaving the triage views and the per-assignee count behind "Mine" are
-- bucket membership, defined once in core/inbox/buckets.py; the count triggers are generated
-- from it (core/store/counts.py) and replaced, with a recount, when a store is opened.

-- Mine, most urgent first; its window reads this partial index, which costs ingest nothing
-- (new rows are unassigned).
CREATE INDEX mentions_assigned
    ON mentions(assignee, status, priority DESC, sort_at DESC, id DESC) WHERE assignee IS NOT NULL;
-- Mine newest or oldest first: without it the planner walked every mention by time for a few
-- hundred assigned ones (50 ms at 200k mentions, so about 0.25 s at 1M).
CREATE INDEX mentions_assigned_by_time
    ON mentions(assignee, sort_at DESC, id DESC) WHERE assignee IS NOT NULL;

-- The Sources screen shows each source's last failed poll. Found through polls_by_source it
-- read every kept poll of a healthy source (1.2 s for 1,000 sources of 1,000 polls each); this
-- index holds only the failures, so it costs nothing while polls succeed. Its condition must
-- stay the one core/inbox/sources.py writes (FAILED_STATUSES), or the planner cannot use it.
CREATE INDEX polls_failed ON polls(source_id, started_at) WHERE status IN ('error', 'throttled');
