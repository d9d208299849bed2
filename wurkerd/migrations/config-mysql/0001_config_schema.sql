-- The config database on MySQL or MariaDB: definitions, the ondemand queue and run reports,
-- shared by every node of a Colony and scoped by each node's app_id (a UUID stored as 16 raw
-- bytes in BINARY(16)).
--
-- Tables, columns and constraint names are those Wurker 0.1 (Alembic head c7d9e2f4a801)
-- creates, and every table is guarded with IF NOT EXISTS, so a config database written by
-- Wurker 0.1 is used as it is. Text compares byte for byte (utf8mb4_bin), as on SQLite and
-- PostgreSQL: slugs 'Backup' and 'backup' are two slugs. BOOL is TINYINT(1); JSON is MariaDB's
-- checked LONGTEXT or MySQL's JSON type; times are UTC wall time (Wurker's sessions run in UTC).

CREATE TABLE IF NOT EXISTS alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Wurker 0.1 checks this revision before touching the schema: record its head so that both
-- versions can keep using the same database.
INSERT INTO alembic_version (version_num)
SELECT 'c7d9e2f4a801' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM alembic_version);

-- One row per node: its seed level and its reload/pause flags.
CREATE TABLE IF NOT EXISTS wurker_control (
    app_id BINARY(16) NOT NULL,
    seed INTEGER DEFAULT -1,
    reload BOOL DEFAULT FALSE,
    pause BOOL DEFAULT FALSE,
    CONSTRAINT pk_wurker_control PRIMARY KEY (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What each node reports about itself, read by its Queen.
CREATE TABLE IF NOT EXISTS wurker_status (
    app_id BINARY(16) NOT NULL,
    slug VARCHAR(36) NOT NULL,
    name VARCHAR(36) NOT NULL,
    is_queen BOOL,
    env VARCHAR(36) NOT NULL,
    private_ip VARCHAR(36),
    public_ip VARCHAR(36),
    server_domain VARCHAR(128),
    CONSTRAINT pk_wurker_status PRIMARY KEY (app_id),
    CONSTRAINT fk_wurker_status_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What to execute: an executable (command holds its path and leading words) or a PyBee
-- module (is_module true, command holds the module name).
CREATE TABLE IF NOT EXISTS wurker_command (
    id INTEGER NOT NULL AUTO_INCREMENT,
    app_id BINARY(16) NOT NULL,
    slug VARCHAR(36) NOT NULL,
    name VARCHAR(36) NOT NULL,
    description TEXT,
    command VARCHAR(128),
    is_module BOOL NOT NULL DEFAULT FALSE,
    CONSTRAINT pk_wurker_command PRIMARY KEY (id),
    CONSTRAINT uq_wurker_command_app_id UNIQUE (app_id, slug),
    CONSTRAINT fk_wurker_command_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- When to run: a cron expression, or NULL for a supervised (always running) Bee. overrun is
-- how many following fire times a run may live through before it is stopped.
CREATE TABLE IF NOT EXISTS wurker_cron (
    id INTEGER NOT NULL AUTO_INCREMENT,
    app_id BINARY(16) NOT NULL,
    slug VARCHAR(64) NOT NULL,
    name VARCHAR(64) NOT NULL,
    cron VARCHAR(32),
    overrun INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT pk_wurker_cron PRIMARY KEY (id),
    CONSTRAINT uq_wurker_cron_app_id UNIQUE (app_id, slug),
    CONSTRAINT fk_wurker_cron_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A job: one Command, an optional Cron, and its args as JSON (a list or a string for an
-- executable, an object of keyword arguments for a PyBee).
CREATE TABLE IF NOT EXISTS wurker_bee (
    id INTEGER NOT NULL AUTO_INCREMENT,
    app_id BINARY(16) NOT NULL,
    slug VARCHAR(128) NOT NULL,
    name VARCHAR(128) NOT NULL,
    description TEXT,
    command_id INTEGER NOT NULL,
    args JSON,
    quiet_restart BOOL DEFAULT FALSE,
    enabled BOOL NOT NULL DEFAULT TRUE,
    cron_id INTEGER,
    CONSTRAINT pk_wurker_bee PRIMARY KEY (id),
    CONSTRAINT uq_wurker_bee_app_id UNIQUE (app_id, slug),
    CONSTRAINT fk_wurker_bee_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id),
    CONSTRAINT fk_wurker_bee_command_id_wurker_command
        FOREIGN KEY (command_id) REFERENCES wurker_command (id),
    CONSTRAINT fk_wurker_bee_cron_id_wurker_cron
        FOREIGN KEY (cron_id) REFERENCES wurker_cron (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Pending ondemand runs, at most one per Bee; args replace the Bee's args when not NULL.
CREATE TABLE IF NOT EXISTS wurker_queue (
    wurker_bee_id INTEGER NOT NULL,
    app_id BINARY(16) NOT NULL,
    args JSON,
    created_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT pk_wurker_queue PRIMARY KEY (wurker_bee_id),
    CONSTRAINT fk_wurker_queue_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id),
    CONSTRAINT fk_wurker_queue_wurker_bee_id_wurker_bee
        FOREIGN KEY (wurker_bee_id) REFERENCES wurker_bee (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per run: PROCESSING when it starts, then COMPLETED, ERROR, TIMEOUT or OVERRUN.
CREATE TABLE IF NOT EXISTS wurker_bee_report (
    id INTEGER NOT NULL AUTO_INCREMENT,
    app_id BINARY(16) NOT NULL,
    wurker_bee_id INTEGER NOT NULL,
    wurker_cron_id INTEGER,
    hive_pid INTEGER,
    hive_timestamp DATETIME(6),
    hive_runcount INTEGER,
    hive_duration INTEGER,
    status VARCHAR(10) NOT NULL,
    status_info JSON,
    created_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
    args JSON,
    CONSTRAINT pk_wurker_bee_report PRIMARY KEY (id),
    CONSTRAINT fk_wurker_bee_report_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id) ON DELETE CASCADE,
    CONSTRAINT fk_wurker_bee_report_wurker_bee_id_wurker_bee
        FOREIGN KEY (wurker_bee_id) REFERENCES wurker_bee (id) ON DELETE CASCADE,
    CONSTRAINT fk_wurker_bee_report_wurker_cron_id_wurker_cron
        FOREIGN KEY (wurker_cron_id) REFERENCES wurker_cron (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Kill requests as Wurker 0.1 queued them; kept so that its databases stay complete.
CREATE TABLE IF NOT EXISTS wurker_kill_queue (
    id INTEGER NOT NULL AUTO_INCREMENT,
    app_id BINARY(16) NOT NULL,
    target VARCHAR(16) NOT NULL,
    `key` VARCHAR(128),
    created_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT pk_wurker_kill_queue PRIMARY KEY (id),
    CONSTRAINT fk_wurker_kill_queue_app_id_wurker_control
        FOREIGN KEY (app_id) REFERENCES wurker_control (app_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
