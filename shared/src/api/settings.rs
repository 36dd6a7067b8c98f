//! The owner's settings screen: a candidate policy's preview and the policy's change log.

use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;
use crate::policy::{PolicyImpact, SettingChange};

/// `POST /api/staff/policy/preview`: what saving a candidate policy would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyPreview {
    /// The settings it changes, before → after.
    pub changes: Vec<SettingChange>,
    /// What it does to the open cases looked at.
    pub impact: PolicyImpact,
    /// More open cases exist than the preview looked at (the most urgent are looked at first).
    pub more_open_cases: bool,
}

/// One saved policy change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyChangeEntry {
    /// When it was saved.
    pub at: Timestamp,
    /// Who saved it (staff id).
    pub staff_id: String,
    /// Their name at the time.
    pub staff_name: String,
    /// The settings it changed.
    pub changes: Vec<SettingChange>,
    /// Open cases whose queue entries were brought to the new deadlines at once.
    pub reindexed: u32,
}

/// `GET /api/staff/policy/changes?cursor=&limit=`: the change log, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyChangesPage {
    /// The entries, newest first.
    pub items: Vec<PolicyChangeEntry>,
    /// Where the next page starts (`None`: no more).
    pub cursor: Option<String>,
}
