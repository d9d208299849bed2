-- The local database: state that belongs to this node alone.

-- The Bees running now, one row per process; wurker_cron_id is NULL for ondemand runs.
CREATE TABLE IF NOT EXISTS wurker_hive (
    wurker_bee_id INTEGER NOT NULL,
    wurker_cron_id INTEGER,
    pid INTEGER,
    runcount INTEGER NOT NULL DEFAULT 0,
    timestamp DATETIME,
    PRIMARY KEY (wurker_bee_id, wurker_cron_id)
);

-- Accounts for the HTTP API and UI; password holds a hash, never the password itself.
CREATE TABLE IF NOT EXISTS user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT UNIQUE NOT NULL,
    password TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS api_auth (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT UNIQUE NOT NULL,
    password TEXT NOT NULL
);
