//! Step 2, Fetch: the evidence files, then the artifact from the feed's
//! sources in order (local folders and media, HTTP with resume), read once
//! by [`pass`], which feeds every consumer of the bytes: the hashes, the
//! signature contexts, the store's staging copy and whatever inspector the
//! caller plugs in. Nothing here knows what kind of artifact it reads.

pub mod attempt;
pub mod checks;
pub mod download;
pub mod evidence;
pub mod hashers;
pub mod http;
pub mod index;
pub mod layout_folder;
pub mod local_copy;
pub mod open;
pub mod pass;
pub mod read;
pub mod sources;
