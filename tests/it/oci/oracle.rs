//! skopeo and umoci as the oracle.
