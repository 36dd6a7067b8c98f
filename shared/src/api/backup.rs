//! Backup and restore: the shop's records (case logs, orders, staff, settings, canned replies,
//! the policy's change log, push subscriptions) as the stored key-value pairs, and its proof
//! photos, read out in bounded pages by the owner and written back, into a shop that has nothing
//! yet, with the shop system's key. The read models are not carried: the restore derives them
//! from the logs (`RestoreRebuild`), as the rebuild does.

use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;

/// The file set's format (`manifest.json`'s `format`); a restore refuses another.
pub const FORMAT_VERSION: u32 = 1;

/// One stored record: its key, its value as stored (text: every record is JSON), its metadata
/// and expiry when it has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupRecord {
    /// The key, e.g. `case:{id}:log:{seq}:{written_at}:{nonce}` or `order:{shop}:{number}`.
    pub key: String,
    /// The value as stored.
    pub value: String,
    /// The key's metadata as JSON text, when it has some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// When the key expires (seconds since 1970), for the records that do (push subscriptions,
    /// notification markers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<u64>,
}

/// `GET /api/staff/backup` (owner): one page of records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BackupPage {
    /// The shop these records belong to.
    pub shop: String,
    /// At most 1,000 records, in key order within each family.
    pub records: Vec<BackupRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One proof photo as listed for a backup (its bytes: `GET /api/photos/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupPhoto {
    /// The photo's id (what cases name).
    pub id: String,
    /// The order it was uploaded for.
    pub order: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: String,
    /// Its size.
    pub bytes: u64,
}

/// `GET /api/staff/backup/photos` (owner): one page of the shop's photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BackupPhotoPage {
    /// At most 1,000 photos.
    pub photos: Vec<BackupPhoto>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `POST /api/shop/restore` (shop system): open a restore into this shop, which must hold no
/// staff account, order or case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreBegin {
    /// The file set's format ([`FORMAT_VERSION`]).
    pub format: u32,
    /// The shop the backup was taken from: it must be this deployment's.
    pub shop: String,
}

/// The restore opened: every further restore call names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreOpened {
    /// Sent with every page of this restore.
    pub restore_id: String,
}

/// `POST /api/shop/restore/records` (shop system): one page of records, checked as a whole
/// before any is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreRecords {
    /// From [`RestoreOpened`].
    pub restore_id: String,
    /// At most 500 records of the record families.
    pub records: Vec<BackupRecord>,
}

/// How many records or cases a restore call wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreWritten {
    /// Records written, or cases whose read models were derived.
    pub written: u32,
}

/// Which pass of the rebuild a [`RestoreRebuild`] runs. The read models of a case depend on
/// its order's other cases and the buyer's history, which are themselves read models: the first
/// pass writes every case's order and buyer entries, the second derives everything with those
/// complete, so the result does not depend on the order the cases are rebuilt in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RebuildPass {
    /// The order's and the buyer's entries of each case.
    Links,
    /// Snapshot, queue and filter indexes, tracking numbers, summary, facts and figures.
    Index,
}

/// `POST /api/shop/restore/rebuild` (shop system): derive the read models of some cases from
/// their restored logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreRebuild {
    /// From [`RestoreOpened`].
    pub restore_id: String,
    /// Which pass: every case's `links` before any case's `index`.
    pub pass: RebuildPass,
    /// At most 25 case ids.
    pub cases: Vec<String>,
}

/// `POST /api/shop/restore/finish` (shop system): close the restore; the shop is then in use
/// and no further restore is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreFinish {
    /// From [`RestoreOpened`].
    pub restore_id: String,
}

/// A one-time link that sets the password of an account restored without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PasswordLink {
    /// The account.
    pub email: String,
    /// The admin's page for the link (`/admin/invite/{token}`): the holder chooses a password
    /// there and is signed in to the same account (its id, role and history kept).
    pub path: String,
    /// When the link stops working (the shop's `invite_ttl_hours`).
    pub expires_at: Timestamp,
}

/// The restore is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreFinished {
    /// One per account restored without its password hash (none when the backup had them).
    pub password_links: Vec<PasswordLink>,
}
