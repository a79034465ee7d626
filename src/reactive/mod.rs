//! Per-thread reactive graph: signals, memos, effects, batch, untrack, owners.
