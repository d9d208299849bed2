-- What a restarted daemon needs to find the runs its predecessor left: each Hive row names its
-- run (the report id), the process group to signal, the kernel's start time of the process (so
-- that a recycled pid is never mistaken for the run), what kind of run it is, the Bee's slug,
-- the run's log file, and its ending (status and status_info as JSON) while the config
-- database cannot take it.
ALTER TABLE wurker_hive ADD COLUMN run_id INTEGER;
ALTER TABLE wurker_hive ADD COLUMN pgid INTEGER;
ALTER TABLE wurker_hive ADD COLUMN proc_start INTEGER;
ALTER TABLE wurker_hive ADD COLUMN kind TEXT;
ALTER TABLE wurker_hive ADD COLUMN bee_slug TEXT;
ALTER TABLE wurker_hive ADD COLUMN log_path TEXT;
ALTER TABLE wurker_hive ADD COLUMN ending TEXT;

CREATE UNIQUE INDEX IF NOT EXISTS ix_wurker_hive_run_id ON wurker_hive (run_id);

-- Facts the daemon keeps about itself between starts, such as when it was last alive.
CREATE TABLE IF NOT EXISTS wurker_daemon (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
