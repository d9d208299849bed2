//! Support for Wurker's end-to-end tests; the tests themselves are in `it/`.
