//! The probe interface shared by the scap crates: the Target trait and its backends.
