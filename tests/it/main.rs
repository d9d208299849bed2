//! Wurker end to end: every test starts its own real `wurkerd` in its own temporary home and
//! drives it with the real `wurk`, so the tests are independent and run in parallel.

mod classify;
mod config;
mod fixtures;
mod frames;
mod homes;
mod lifecycle;
mod scenarios;
mod seeds;
mod stingers;
mod validation;
