//! Loom models of the cross-core GlobalSignal bus (see tests/).
