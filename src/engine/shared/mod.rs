//! The vocabulary every step speaks: check ids, results and verdicts,
//! events, errors, bounded reads of local files, text escaping. Nothing
//! here imports another folder of the engine.

pub mod check;
pub mod error;
pub mod event;
pub mod limits;
pub mod manifest;
pub mod text;
pub mod verdict;
pub mod waiver;
