//! The storage test suite: the config store on SQLite always, and on MySQL/MariaDB and
//! PostgreSQL when `WURKER_TEST_MYSQL_URL` / `WURKER_TEST_POSTGRES_URL` name a server. Every
//! test uses a database of its own (see `backends`), so the tests run in parallel.

// The helpers fail their test by panicking, as the `#[test]` functions (which the lint already
// exempts) do.
#![allow(clippy::unwrap_used)]

mod backends;
mod legacy;
mod node_status;
mod outage;
mod reports;
mod seeding;
mod sharing;
mod story;
