//! Hostile images: each a finding or a clear error, never a panic, never
//! memory sized by a number the image claims.
