//! The words of the buyer's notifications (`policy::notify`): a title (an e-mail subject, a push
//! title, the notice at the top of the case page) and a body, in each language. The worker sends
//! them; the portal shows the same title when news arrives on an open page.

use crate::domain::{Money, Outcome, ShipmentKind};
use crate::policy::notice::{Milestone, NoticeFacts};
use crate::policy::time::LocalDate;

use super::{Lang, MONTHS_EN, format_amount};

/// A date without its year, as a notice says it: `12月8日` / `8 Dec`.
fn short_date(d: LocalDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{}月{}日", d.month, d.day),
        Lang::En => format!(
            "{} {}",
            d.day,
            MONTHS_EN
                .get((d.month as usize).saturating_sub(1))
                .copied()
                .unwrap_or("")
        ),
    }
}

/// An amount with its currency: `¥549.00`, `12.50 USD`.
fn money(amount: Money, currency: &str) -> String {
    match currency {
        "CNY" | "RMB" => format!("¥{}", format_amount(amount)),
        _ => format!("{} {currency}", format_amount(amount)),
    }
}

const fn outcome(outcome: Outcome, lang: Lang) -> &'static str {
    let (zh, en) = match outcome {
        Outcome::Refunded => ("已退款", "refunded"),
        Outcome::Exchanged => ("已换货", "exchanged"),
        Outcome::Repaired => ("已维修", "repaired"),
        Outcome::Reshipped => ("已补发", "reshipped"),
        Outcome::Rejected => ("申请未通过", "not approved"),
        Outcome::Withdrawn => ("已撤销", "withdrawn"),
        Outcome::InfoTimeout => ("未补充凭证", "no proof came"),
        Outcome::Abandoned => ("未寄回商品", "the return was not sent"),
        Outcome::ClosedByOwner => ("商家已处理", "closed by the shop"),
        Outcome::Answered => ("商家已答复", "answered"),
        Outcome::ReviewRevised => ("评价已更新", "review revised"),
        Outcome::ReviewRemoved => ("评价已撤下", "review removed"),
        Outcome::ReviewUnchanged => ("回访已结束", "follow-up closed"),
    };
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

/// The title and body of a notification.
#[must_use]
pub fn wording(milestone: Milestone, facts: &NoticeFacts, lang: Lang) -> (String, String) {
    let zh = lang == Lang::ZhCn;
    let by = facts.due.map(|d| short_date(d, lang));
    let note = facts.note.as_deref().unwrap_or("");
    let pick = |z: String, e: String| if zh { z } else { e };
    match milestone {
        Milestone::Approved => {
            let title = match (&by, facts.return_address.is_some()) {
                (Some(by), true) => pick(
                    format!("商家已同意退货，请在{by}前寄回"),
                    format!("The shop approved your return — send it by {by}"),
                ),
                _ => pick(
                    "商家已同意您的申请".into(),
                    "The shop approved your request".into(),
                ),
            };
            let body = match &facts.return_address {
                Some(address) => pick(
                    format!("寄回地址：{address}。寄出后请在页面填写快递单号。"),
                    format!(
                        "Return address: {address}. Enter the tracking number on the case page once it is sent."
                    ),
                ),
                None => pick(
                    "请打开售后页面查看下一步。".into(),
                    "Open the case page for the next step.".into(),
                ),
            };
            (title, body)
        }
        Milestone::Rejected => (
            pick(
                "商家未同意您的申请".into(),
                "The shop did not approve your request".into(),
            ),
            match &by {
                Some(by) => pick(
                    format!("{note} 您可以在{by}前修改申请或申请平台介入。"),
                    format!("{note} You may revise the request or ask for a review by {by}."),
                ),
                None => note.to_owned(),
            }
            .trim()
            .to_owned(),
        ),
        Milestone::InfoRequested => (
            match &by {
                Some(by) => pick(
                    format!("商家请您补充凭证（{by}前）"),
                    format!("The shop asks for more proof (by {by})"),
                ),
                None => pick(
                    "商家请您补充凭证".into(),
                    "The shop asks for more proof".into(),
                ),
            },
            note.to_owned(),
        ),
        Milestone::Offer => (
            match &by {
                Some(by) => pick(
                    format!("商家提出了协商方案，请在{by}前答复"),
                    format!("The shop made you an offer — answer by {by}"),
                ),
                None => pick(
                    "商家提出了协商方案".into(),
                    "The shop made you an offer".into(),
                ),
            },
            note.to_owned(),
        ),
        Milestone::Received => (
            pick(
                "商家已收到退货".into(),
                "The shop received your return".into(),
            ),
            pick(
                "商家正在处理，完成后会再通知您。".into(),
                "The shop is processing it; you will hear when it is done.".into(),
            ),
        ),
        Milestone::Refunded => {
            let amount = facts
                .amount
                .as_ref()
                .map(|(m, c)| money(*m, c))
                .unwrap_or_default();
            (
                pick(
                    format!("退款 {amount} 已发出"),
                    format!("Refund of {amount} sent"),
                ),
                pick(
                    format!("{amount} 将原路退回您的支付账户。"),
                    format!("{amount} goes back to your original payment."),
                ),
            )
        }
        Milestone::Shipped => {
            let (carrier, tracking) = facts.tracking.clone().unwrap_or_default();
            let what = match facts.shipment {
                Some(ShipmentKind::Repaired) => {
                    pick("维修后的商品".into(), "Your repaired item".into())
                }
                Some(ShipmentKind::Reshipment) => {
                    pick("补发的商品".into(), "Your reshipment".into())
                }
                _ => pick("换货商品".into(), "Your replacement".into()),
            };
            (
                pick(format!("{what}已寄出"), format!("{what} is on its way")),
                pick(
                    format!("{carrier} 快递单号 {tracking}。收到后请在页面确认收货。"),
                    format!(
                        "{carrier} tracking number {tracking}. Confirm on the case page when it arrives."
                    ),
                ),
            )
        }
        Milestone::ClosingSoon => (
            match &by {
                Some(by) => pick(
                    format!("您的售后将于{by}关闭"),
                    format!("Your case closes on {by}"),
                ),
                None => pick("您的售后即将关闭".into(), "Your case closes soon".into()),
            },
            pick(
                "需要您操作：请在截止前打开售后页面完成下一步。".into(),
                "It is your move: open the case page before then.".into(),
            ),
        ),
        Milestone::Closed => {
            let how = facts.outcome.map(|o| outcome(o, lang)).unwrap_or("");
            (
                pick(
                    format!("售后已关闭：{how}"),
                    format!("Your case is closed: {how}"),
                ),
                pick(
                    "如有问题，可在售后页面留言。".into(),
                    "If anything is wrong, send a message on the case page.".into(),
                ),
            )
        }
    }
}
