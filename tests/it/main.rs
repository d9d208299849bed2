//! Wurker end to end: every test starts its own real `wurkerd` in its own temporary home and
//! drives it with the real `wurk`, so the tests are independent and run in parallel.

mod bees;
mod classify;
mod config;
mod config_db;
mod fixtures;
mod frames;
mod homes;
mod legacy_db;
mod lifecycle;
mod report;
mod runtime_control;
mod runtime_crash;
mod runtime_ondemand;
mod runtime_process;
mod runtime_pybee;
mod runtime_schedule;
mod runtime_supervise;
mod scenarios;
mod seeds;
mod shared_db;
mod status;
mod stingers;
mod validation;
