//! Command-line flags (being written).
