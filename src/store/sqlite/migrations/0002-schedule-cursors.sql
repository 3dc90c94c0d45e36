-- Where each schedule of a deployed definition is: the last due instant (every, cron, after) or inbox position
-- (on events) it started an execution for. Advanced by compare-and-set, so two workers never both fire one due start.
CREATE TABLE schedule_cursors (
  key    TEXT PRIMARY KEY,
  cursor INTEGER NOT NULL
) WITHOUT ROWID;
