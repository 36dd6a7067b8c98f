//! The owner's desk: who may be invited, what an account change may do (never leave the shop
//! without an active owner), and what a canned reply may hold. Pure: the worker decides with
//! these, and the admin's forms check with the same functions before anything is sent.

use std::collections::BTreeSet;

use crate::api::team::{Account, AccountChange, InviteRequest};
use crate::api::{CannedReply, NewStaff};
use crate::domain::Role;
use crate::i18n::Sentence;
use crate::policy::FieldError;

/// Longest login e-mail.
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest display name.
pub const MAX_NAME_CHARS: usize = 80;
/// Shortest password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password, in bytes (hashing cost stays bounded).
pub const MAX_PASSWORD_BYTES: usize = 200;

/// Most canned replies a shop keeps.
pub const MAX_REPLIES: usize = 100;
/// Longest canned reply title.
pub const MAX_TITLE_CHARS: usize = 80;
/// Longest canned reply text, per language.
pub const MAX_REPLY_CHARS: usize = 2_000;
/// Longest canned reply id.
pub const MAX_REPLY_ID_CHARS: usize = 64;
/// The placeholders the case page fills in the buyer's language (`frontend` admin
/// `model::case::fill`): anything else in braces would reach the buyer as typed.
pub const PLACEHOLDERS: [&str; 4] = ["{buyer}", "{order}", "{deadline}", "{amount}"];

fn problem(field: &str, code: &str, en: &str, zh: &str) -> FieldError {
    FieldError::new(
        field,
        code,
        Sentence {
            zh: zh.into(),
            en: en.into(),
        },
    )
}

/// A new account's field problems (`POST /api/staff/accounts`, the bootstrap): the same checks
/// as the admin's forms.
///
/// # Errors
/// Every problem found, one per field.
pub fn check_new_staff(new: &NewStaff) -> Result<(), Vec<FieldError>> {
    all_acceptable([
        check_email(&new.email),
        check_name(&new.name),
        check_password(&new.password),
    ])
}

/// `Ok` when no check found a problem, else every problem found.
fn all_acceptable<const N: usize>(checks: [Option<FieldError>; N]) -> Result<(), Vec<FieldError>> {
    let problems: Vec<FieldError> = checks.into_iter().flatten().collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A login e-mail's problem, if any (it becomes part of a storage key: no `:`, no spaces).
#[must_use]
pub fn check_email(email: &str) -> Option<FieldError> {
    let email = email.trim();
    let bad = email.len() > MAX_EMAIL_CHARS
        || !email.contains('@')
        || email.starts_with('@')
        || email.ends_with('@')
        || email.contains(':')
        || email.chars().any(|c| c.is_whitespace() || c.is_control());
    bad.then(|| {
        problem(
            "email",
            "invalid_email",
            "Enter a valid e-mail address.",
            "请输入有效的邮箱地址。",
        )
    })
}

/// A display name's problem, if any.
#[must_use]
pub fn check_name(name: &str) -> Option<FieldError> {
    let name = name.trim();
    (name.is_empty() || name.chars().count() > MAX_NAME_CHARS).then(|| {
        problem(
            "name",
            "invalid_name",
            "Enter a name of 1 to 80 characters.",
            "请输入 1 到 80 个字的姓名。",
        )
    })
}

/// A new password's problem, if any.
#[must_use]
pub fn check_password(password: &str) -> Option<FieldError> {
    (password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES).then(
        || {
            problem(
                "password",
                "weak_password",
                "Use a password of at least 10 characters.",
                "密码至少 10 个字符。",
            )
        },
    )
}

/// An invitation's problems.
///
/// # Errors
/// Each field that is not acceptable.
pub fn check_invite(invite: &InviteRequest) -> Result<(), Vec<FieldError>> {
    all_acceptable([check_email(&invite.email), check_name(&invite.name)])
}

/// Why an account change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRefused {
    /// No account has this id.
    NotFound,
    /// The change would leave the shop without an active owner.
    LastOwner,
}

/// Active owners among `accounts`.
#[must_use]
pub fn active_owners(accounts: &[Account]) -> usize {
    accounts
        .iter()
        .filter(|a| a.active && a.role == Role::Owner)
        .count()
}

/// The account `id` after `change`, or why not: the shop always keeps at least one active
/// owner (an owner may demote or disable themselves only while another one remains).
///
/// # Errors
/// [`ChangeRefused`].
pub fn apply_change(
    accounts: &[Account],
    id: &str,
    change: &AccountChange,
) -> Result<Account, ChangeRefused> {
    let current = accounts
        .iter()
        .find(|a| a.id == id)
        .ok_or(ChangeRefused::NotFound)?;
    let next = Account {
        role: change.role.unwrap_or(current.role),
        active: change.active.unwrap_or(current.active),
        ..current.clone()
    };
    let after: Vec<Account> = accounts
        .iter()
        .map(|a| if a.id == id { next.clone() } else { a.clone() })
        .collect();
    // Only a change that removes an owner can break the rule; a shop that somehow has none
    // may still change anything else (and make one).
    let removes_owner =
        current.active && current.role == Role::Owner && !(next.active && next.role == Role::Owner);
    if removes_owner && active_owners(&after) == 0 {
        return Err(ChangeRefused::LastOwner);
    }
    Ok(next)
}

fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let close = after.find('}')?;
        let candidate = &after[..=close];
        // `{` followed by something other than a placeholder's name is text, not a placeholder.
        let named = candidate.len() > 2
            && candidate[1..candidate.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if named && !PLACEHOLDERS.contains(&candidate) {
            return Some(candidate.to_string());
        }
        rest = &after[1..];
    }
    None
}

/// The problems of a list of canned replies, each at its field (`[2].en`); empty when the list
/// may be saved. Both languages are required: the case page fills in the buyer's.
#[must_use]
pub fn check_canned_replies(replies: &[CannedReply]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if replies.len() > MAX_REPLIES {
        problems.push(problem(
            "replies",
            "too_many",
            "At most 100 canned replies.",
            "话术最多 100 条。",
        ));
    }
    let mut ids = BTreeSet::new();
    for (i, reply) in replies.iter().enumerate() {
        let id = reply.id.trim();
        if id.is_empty() || id.chars().count() > MAX_REPLY_ID_CHARS {
            problems.push(problem(
                &format!("[{i}].id"),
                "required",
                "Every reply needs an id of 1 to 64 characters.",
                "每条话术都需要 1 到 64 个字符的编号。",
            ));
        } else if !ids.insert(id) {
            problems.push(problem(
                &format!("[{i}].id"),
                "duplicate_id",
                "Two replies have the same id.",
                "有两条话术编号相同。",
            ));
        }
        let title = reply.title.trim();
        if title.is_empty() {
            problems.push(problem(
                &format!("[{i}].title"),
                "required",
                "Every reply needs a title.",
                "每条话术都需要标题。",
            ));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            problems.push(problem(
                &format!("[{i}].title"),
                "too_long",
                "A title is at most 80 characters.",
                "标题最多 80 个字。",
            ));
        }
        for (lang, text) in [("zh", &reply.zh), ("en", &reply.en)] {
            let field = format!("[{i}].{lang}");
            if text.trim().is_empty() {
                problems.push(problem(
                    &field,
                    "required",
                    "Write the reply in both Chinese and English.",
                    "请填写中文和英文两种话术。",
                ));
            } else if text.chars().count() > MAX_REPLY_CHARS {
                problems.push(problem(
                    &field,
                    "too_long",
                    "A reply is at most 2,000 characters.",
                    "每条话术最多 2000 字。",
                ));
            } else if let Some(unknown) = unknown_placeholder(text) {
                problems.push(problem(
                    &field,
                    "unknown_placeholder",
                    &format!(
                        "{unknown} is not a placeholder; use {{buyer}}, {{order}}, {{deadline}} or {{amount}}."
                    ),
                    &format!(
                        "{unknown} 不是可用的占位符；请使用 {{buyer}}、{{order}}、{{deadline}} 或 {{amount}}。"
                    ),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn account(id: &str, role: Role, active: bool) -> Account {
        Account {
            id: id.into(),
            email: format!("{id}@shop.example"),
            name: id.into(),
            role,
            active,
        }
    }

    fn reply(id: &str, zh: &str, en: &str) -> CannedReply {
        CannedReply {
            id: id.into(),
            title: "T".into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    #[test]
    fn the_last_active_owner_can_be_neither_demoted_nor_disabled() {
        let team = [
            account("o", Role::Owner, true),
            account("a", Role::Agent, true),
            account("x", Role::Owner, false),
        ];
        let demote = AccountChange {
            role: Some(Role::Agent),
            active: None,
        };
        let disable = AccountChange {
            role: None,
            active: Some(false),
        };
        assert_eq!(
            apply_change(&team, "o", &demote),
            Err(ChangeRefused::LastOwner)
        );
        assert_eq!(
            apply_change(&team, "o", &disable),
            Err(ChangeRefused::LastOwner)
        );
        assert_eq!(
            apply_change(&team, "nobody", &demote),
            Err(ChangeRefused::NotFound)
        );
        // Anyone else may change; a disabled owner enabled makes a second owner.
        assert!(apply_change(&team, "a", &disable).is_ok());
        let enabled = apply_change(
            &team,
            "x",
            &AccountChange {
                role: None,
                active: Some(true),
            },
        );
        assert_eq!(enabled.map(|a| a.active), Ok(true));
    }

    #[test]
    fn of_two_owners_either_may_step_down_but_not_both() {
        let team = [
            account("o1", Role::Owner, true),
            account("o2", Role::Owner, true),
        ];
        let demote = AccountChange {
            role: Some(Role::Agent),
            active: None,
        };
        let Ok(first) = apply_change(&team, "o1", &demote) else {
            panic!("one of two owners may step down");
        };
        let after = [first, team[1].clone()];
        assert_eq!(
            apply_change(&after, "o2", &demote),
            Err(ChangeRefused::LastOwner)
        );
    }

    proptest! {
        /// Whatever sequence of changes is applied (each refused or applied as the rule says),
        /// a team that starts with an active owner always keeps one.
        #[test]
        fn a_team_never_loses_its_last_active_owner(
            changes in prop::collection::vec((0usize..4, prop::option::of(0u8..3), prop::option::of(any::<bool>())), 0..40)
        ) {
            let mut team = vec![
                account("0", Role::Owner, true),
                account("1", Role::Agent, true),
                account("2", Role::Owner, false),
                account("3", Role::Warehouse, true),
            ];
            for (who, role, active) in changes {
                let role = role.map(|r| [Role::Agent, Role::Warehouse, Role::Owner][usize::from(r)]);
                let id = who.to_string();
                if let Ok(next) = apply_change(&team, &id, &AccountChange { role, active }) {
                    team[who] = next;
                }
                prop_assert!(active_owners(&team) >= 1);
            }
        }
    }

    #[test]
    fn an_invite_needs_a_usable_email_and_a_name() {
        let bad = InviteRequest {
            email: "a b@x".into(),
            name: "  ".into(),
            role: Role::Agent,
        };
        let codes: Vec<String> = check_invite(&bad)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["invalid_email", "invalid_name"]);
        for email in ["@x", "x@", "a:b@x", "x"] {
            assert!(check_email(email).is_some(), "{email}");
        }
        assert!(check_email(" mei@shop.example ").is_none());
        assert!(check_password("123456789").is_some());
        assert!(check_password("1234567890").is_none());
        assert!(check_password("密码密码密码密码密码").is_none());
    }

    #[test]
    fn replies_need_both_languages_known_placeholders_and_distinct_ids() {
        assert!(
            check_canned_replies(&[reply(
                "a",
                "{buyer}您好，订单{order}",
                "Dear {buyer}, {amount} by {deadline}"
            )])
            .is_empty()
        );
        let problems = check_canned_replies(&[
            reply("a", "", "Hi"),
            reply("a", "您好 {name}", "Hi {buyer}"),
            reply(" ", "好", &"x".repeat(MAX_REPLY_CHARS + 1)),
        ]);
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("[0].zh", "required"),
                ("[1].id", "duplicate_id"),
                ("[1].zh", "unknown_placeholder"),
                ("[2].id", "required"),
                ("[2].en", "too_long"),
            ]
        );
        assert!(problems[2].message_en.contains("{name}"));
        // Braces that are not a placeholder's name are plain text.
        assert!(check_canned_replies(&[reply("b", "{ 笑 }", "a {} b {")]).is_empty());
        let many: Vec<CannedReply> = (0..=MAX_REPLIES)
            .map(|i| reply(&i.to_string(), "好", "ok"))
            .collect();
        assert_eq!(check_canned_replies(&many)[0].code, "too_many");
    }
}
