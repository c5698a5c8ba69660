//! `intake history`: what is approved, by whom, when, in which checklist,
//! and whether an approver countersigned it (joined by the SHA-256 of the
//! checklist's TOML, the bytes a countersignature signs).

use super::{Countersignature, History, Stored};
use crate::engine::shared::error::Result;

/// One approval and its countersignatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub stored: Stored,
    pub countersignatures: Vec<Countersignature>,
}

impl Listed {
    /// Awaiting a countersignature: recorded with its checklist's digest
    /// (approvals imported from earlier versions have none and cannot be
    /// matched) and countersigned by no one yet.
    pub fn pending(&self) -> bool {
        self.stored.approval.checklist_sha256.is_some() && self.countersignatures.is_empty()
    }
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub product: Option<String>,
    pub platform: Option<String>,
    /// Only approvals awaiting a countersignature.
    pub pending: bool,
}

/// The approvals matching `filter`, oldest first, each with the
/// countersignatures of its checklist.
pub fn list(history: &mut History, filter: &Filter) -> Result<Vec<Listed>> {
    let product = filter.product.as_deref();
    let approvals = history.approvals(product, filter.platform.as_deref())?;
    let countersignatures = history.countersignatures(product)?;
    Ok(approvals
        .into_iter()
        .map(|stored| {
            let signed_this = |c: &&Countersignature| {
                stored
                    .approval
                    .checklist_sha256
                    .as_deref()
                    .is_some_and(|sha| sha.eq_ignore_ascii_case(&c.checklist_sha256))
            };
            let countersignatures = countersignatures
                .iter()
                .filter(signed_this)
                .cloned()
                .collect();
            Listed {
                stored,
                countersignatures,
            }
        })
        .filter(|listed| !filter.pending || listed.pending())
        .collect())
}

/// The command the approver runs to countersign a checklist.
pub fn approve_command(checklist: &std::path::Path) -> String {
    format!(
        "intake approve {}",
        crate::engine::shared::text::shell_quoted(&checklist.display().to_string())
    )
}
