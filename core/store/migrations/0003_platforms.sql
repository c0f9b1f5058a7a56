-- Schema version 3: engagement snapshots of owned posts, for the Kaushik rates over time.
-- An owned post's counts are copied here on an age-based schedule (see core.owned): hourly in
-- its first day, every 6 h to day 3, daily to day 7, then never again. The live counts stay on
-- the mentions row; a snapshot is what they were at ``at``.

CREATE TABLE engagement_snapshots (
    mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,   -- Unix seconds (UTC) when the counts were read
    replies    INTEGER,            -- conversation; NULL when the platform does not report it
    reshares   INTEGER,            -- amplification
    likes      INTEGER,            -- applause
    PRIMARY KEY (mention_id, at)
) WITHOUT ROWID;

-- Finding the owned posts still inside the snapshot window without scanning every mention.
CREATE INDEX mentions_owned_by_time ON mentions(owned, published_at) WHERE owned = 1;
