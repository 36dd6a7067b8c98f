//! The evidence pack (维权证据包): one self-contained HTML file a shop uploads to the platform
//! or a consumer body when a buyer takes a case there. It holds the order and the parcel's scans,
//! the request, its photos (embedded), the whole timeline with who did what and when, the
//! messages, and the policy the shop applied (each setting with its value and its rule), with
//! every heading and label in the buyer's language and in the shop's (Simplified Chinese).
//!
//! Pure: the worker reads the case, the policy and the photos and serves what this writes
//! (`GET /api/staff/cases/{id}/evidence`). Everything from the case is escaped; nothing in it is
//! markup.

use std::fmt::Write as _;

use crate::domain::{Actor, Case, EventKind, MS_PER_DAY, MS_PER_MINUTE, Timestamp};
use crate::i18n::{Lang, Localized, format_amount, labels};
use crate::policy::time::LocalDate;
use crate::policy::{Policy, SETTINGS};

/// One proof photo, ready to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidencePhoto {
    /// Its id.
    pub id: String,
    /// `data:image/jpeg;base64,…`.
    pub data_uri: String,
}

/// The languages of the pack: the buyer's first, then the shop's when it differs.
#[must_use]
pub fn languages(case: &Case) -> Vec<Lang> {
    let buyer = case.request.lang.unwrap_or(Lang::ZhCn);
    if buyer == Lang::ZhCn {
        vec![Lang::ZhCn]
    } else {
        vec![buyer, Lang::ZhCn]
    }
}

/// Text safe inside HTML elements and quoted attributes.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-12-02 09:30` in the shop's zone.
fn when(at: Timestamp, utc_offset_minutes: i64) -> String {
    let local =
        at.0.saturating_add(utc_offset_minutes.saturating_mul(MS_PER_MINUTE));
    let day = LocalDate::from_day_number(local.div_euclid(MS_PER_DAY));
    let minutes = local.rem_euclid(MS_PER_DAY) / MS_PER_MINUTE;
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        day.year,
        day.month,
        day.day,
        minutes / 60,
        minutes % 60
    )
}

/// One label in every language of the pack: `订单 / Order`.
fn both(langs: &[Lang], label: impl Fn(Lang) -> String) -> String {
    let mut seen: Vec<String> = Vec::new();
    for lang in langs {
        let text = label(*lang);
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    escape(&seen.join(" / "))
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::ZhCn => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn actor(a: &Actor, lang: Lang) -> String {
    match a {
        Actor::Buyer => pick(lang, "买家", "Buyer"),
        Actor::Staff { id, role } => format!("{} {id}", labels::role(*role, lang)),
        Actor::System => pick(lang, "系统", "System"),
    }
}

/// What an event carries besides its name: the words written, the solution, the numbers.
fn details(kind: &EventKind) -> String {
    match kind {
        EventKind::InfoRequested { question } => question.clone(),
        EventKind::InfoAnswered { note, .. }
        | EventKind::Approved { note, .. }
        | EventKind::Rejected { note, .. }
        | EventKind::Escalated { note, .. }
        | EventKind::EscalationResolved { note, .. }
        | EventKind::OfferMade { note, .. }
        | EventKind::OfferDeclined { note, .. } => note.clone(),
        EventKind::Overridden { reason, .. } | EventKind::PostageAdjusted { reason, .. } => {
            reason.clone()
        }
        EventKind::ReturnShipped {
            carrier, tracking, ..
        }
        | EventKind::ItemShipped {
            carrier, tracking, ..
        } => format!("{carrier} {tracking}"),
        EventKind::Received { inspection } => inspection.note.clone(),
        EventKind::Refunded { breakdown } | EventKind::FastRefunded { breakdown } => {
            format_amount(breakdown.total)
        }
        EventKind::Rated { stars, comment } => format!("{stars}/5 {comment}"),
        EventKind::MessagePosted { text } => text.clone(),
        EventKind::TakenToPlatform { external_ref, .. } => external_ref.clone(),
        EventKind::ProofAdded { photos } => photos.join(", "),
        _ => String::new(),
    }
}

/// The evidence pack of `case` under `policy`, generated at `now`.
#[must_use]
pub fn evidence_html(
    case: &Case,
    policy: &Policy,
    photos: &[EvidencePhoto],
    now: Timestamp,
) -> String {
    let langs = languages(case);
    let zone = policy.utc_offset_minutes;
    let order = &case.order;
    let mut h = String::new();
    let heading = |zh: &str, en: &str| both(&langs, |l| pick(l, zh, en));
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        h,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} {}</title><style>\
         body{{font:14px/1.5 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem;color:#222}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}\
         img{{max-width:100%;height:auto}}figure{{margin:.5rem 0}}h2{{border-bottom:2px solid #333;margin-top:1.5rem}}\
         .muted{{color:#666}}</style></head><body>",
        langs.first().map_or("zh-CN", |l| l.tag()),
        heading("售后证据包", "Evidence pack"),
        escape(&case.id),
    );
    let _ = write!(
        h,
        "<h1 data-evidence=\"{}\">{}</h1><p class=\"muted\">{} {}</p>",
        escape(&case.id),
        heading("售后证据包", "Evidence pack"),
        heading("生成于", "Generated"),
        when(now, zone),
    );

    // The case.
    let row = |h: &mut String, label: String, value: String| {
        let _ = write!(h, "<tr><th>{label}</th><td>{value}</td></tr>");
    };
    let _ = write!(h, "<h2>{}</h2><table>", heading("售后单", "Case"));
    row(&mut h, heading("编号", "Case id"), escape(&case.id));
    row(
        &mut h,
        heading("类型", "Kind"),
        both(&langs, |l| labels::kind(case.request.kind, l).to_owned()),
    );
    row(
        &mut h,
        heading("原因", "Reason"),
        both(&langs, |l| {
            labels::reason(case.request.reason, l).to_owned()
        }),
    );
    row(
        &mut h,
        heading("状态", "State"),
        both(&langs, |l| {
            labels::state(case.state().name(), crate::i18n::Audience::Staff, l).to_owned()
        }),
    );
    row(
        &mut h,
        heading("提交时间", "Filed"),
        when(case.filed_at, zone),
    );
    for e in &case.events {
        if let EventKind::TakenToPlatform {
            forum,
            external_ref,
        } = &e.kind
        {
            row(
                &mut h,
                both(&langs, |l| labels::forum(*forum, l).to_owned()),
                format!("{} ({})", escape(external_ref), when(e.at, zone)),
            );
        }
    }
    h.push_str("</table>");

    // The order.
    let _ = write!(h, "<h2>{}</h2><table>", heading("订单", "Order"));
    row(
        &mut h,
        heading("订单号", "Order number"),
        escape(&order.number),
    );
    row(
        &mut h,
        heading("付款时间", "Paid"),
        when(order.paid_at, zone),
    );
    let or_none = |at: Option<Timestamp>| at.map_or_else(|| "–".to_owned(), |t| when(t, zone));
    row(
        &mut h,
        heading("发货时间", "Shipped"),
        or_none(order.shipped_at),
    );
    row(
        &mut h,
        heading("签收时间", "Signed for"),
        or_none(order.signed_for_at),
    );
    row(
        &mut h,
        heading("实付金额", "Paid in all"),
        format!(
            "{} {}",
            escape(&order.currency),
            format_amount(order.total_paid())
        ),
    );
    h.push_str("</table>");
    let _ = write!(
        h,
        "<table><tr><th>SKU</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        heading("商品", "Item"),
        heading("数量", "Quantity"),
        heading("单价", "Unit price"),
        heading("优惠", "Discount"),
    );
    for line in &order.lines {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&line.sku),
            escape(&line.title),
            line.quantity,
            format_amount(line.unit_price),
            format_amount(line.discount),
        );
    }
    h.push_str("</table>");
    if let Some(t) = &order.tracking {
        let _ = write!(
            h,
            "<h3>{}</h3><p>{} {}</p><ol>",
            heading("物流记录", "The courier's record"),
            escape(&t.carrier),
            escape(&t.number),
        );
        for scan in &t.events {
            let _ = write!(
                h,
                "<li>{} {} {}</li>",
                when(scan.at, zone),
                escape(&scan.status),
                escape(&scan.location)
            );
        }
        h.push_str("</ol>");
    }

    // The request.
    let _ = write!(h, "<h2>{}</h2><table>", heading("买家申请", "The request"));
    for requested in &case.request.lines {
        let title = order.line(&requested.sku).map_or("", |l| l.title.as_str());
        row(
            &mut h,
            escape(&requested.sku),
            format!("{} × {}", escape(title), requested.quantity),
        );
    }
    row(
        &mut h,
        heading("说明", "In the buyer's words"),
        escape(&case.request.note),
    );
    if let Some(review) = &case.request.review {
        row(
            &mut h,
            heading("评价", "Review"),
            format!("{}/5 {}", review.rating, escape(&review.text)),
        );
    }
    h.push_str("</table>");

    // Photos.
    let _ = write!(h, "<h2>{}</h2>", heading("凭证照片", "Photos"));
    if photos.is_empty() {
        let _ = write!(h, "<p class=\"muted\">{}</p>", heading("无", "None"));
    }
    for photo in photos {
        let _ = write!(
            h,
            "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
            escape(&photo.data_uri),
            escape(&photo.id),
            escape(&photo.id),
        );
    }

    // The timeline and the messages.
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        heading("处理记录", "Timeline"),
        heading("时间", "When"),
        heading("操作人", "Who"),
        heading("事项", "What"),
        heading("内容", "Details"),
    );
    for e in &case.events {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            when(e.at, zone),
            both(&langs, |l| actor(&e.actor, l)),
            both(&langs, |l| labels::event(&e.kind, l).to_owned()),
            escape(&details(&e.kind)),
        );
    }
    h.push_str("</table>");
    let _ = write!(h, "<h2>{}</h2><ol>", heading("沟通记录", "Messages"));
    for e in &case.events {
        if let EventKind::MessagePosted { text } = &e.kind {
            let _ = write!(
                h,
                "<li><strong>{}</strong> {}<br>{}</li>",
                both(&langs, |l| actor(&e.actor, l)),
                when(e.at, zone),
                escape(text),
            );
        }
    }
    h.push_str("</ol>");

    // The policy applied.
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        heading("适用的售后规则", "The policy applied"),
        heading("规则", "Rule"),
        heading("设定", "Setting"),
        heading("说明", "Meaning"),
    );
    for setting in SETTINGS.iter() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            both(&langs, |l| pick(l, setting.label.0, setting.label.1)),
            escape(&setting.get(policy).display()),
            both(&langs, |l| pick(l, setting.rule.0, setting.rule.1)),
        );
    }
    h.push_str("</table>");
    if let Some(deadline) = crate::policy::current_deadline(case, policy) {
        let _ = write!(
            h,
            "<p>{}: {} ({})</p>",
            heading("当前时限", "Current deadline"),
            when(deadline.due, zone),
            both(&langs, |l| deadline.on_expiry.message(l)),
        );
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseKind, Command, DisputeForum, Reason};
    use crate::policy::fixtures::{Run, agent, day_after_signed, line, order, request};

    fn disputed(lang: Option<Lang>) -> Run {
        let o = order(vec![line("kettle", "home", 19_900, 1)]);
        let mut r = request(
            CaseKind::ReturnAndRefund,
            Reason::QualityFault,
            &[("kettle", 1)],
        );
        r.note = "It leaks <script>alert(1)</script> & smells".into();
        r.lang = lang;
        let mut run = Run::file(&o, r, day_after_signed(2, 10, 0)).expect("filed");
        run.ok(
            &agent(),
            Command::Message {
                text: "非常抱歉，请补充照片".into(),
            },
        );
        run.ok(
            &agent(),
            Command::TakeToPlatform {
                forum: DisputeForum::ConsumerBody,
                external_ref: "12315-2024-001".into(),
                note: "Buyer called 12315".into(),
            },
        );
        run
    }

    #[test]
    fn the_pack_holds_the_order_photos_timeline_messages_and_rules_in_both_languages() {
        let run = disputed(Some(Lang::En));
        let photos = [EvidencePhoto {
            id: "p1".into(),
            data_uri: "data:image/jpeg;base64,AAAA".into(),
        }];
        let html = evidence_html(&run.case, &run.policy, &photos, run.now);
        for expected in [
            "SO-1001",
            "kettle title",
            "data:image/jpeg;base64,AAAA",
            "非常抱歉，请补充照片",
            "12315-2024-001",
            "订单 / Order",
            "Order / 订单",
            "七天无理由",
            "Timeline",
        ] {
            let found = html.contains(expected);
            // The buyer's language comes first: `Order / 订单`, not the other way.
            if expected == "订单 / Order" {
                assert!(!found, "the buyer's language first");
            } else {
                assert!(found, "{expected} in the pack");
            }
        }
        assert!(!html.contains("<script>"), "the buyer's words are escaped");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn a_chinese_buyers_pack_is_in_chinese_once() {
        let run = disputed(None);
        let html = evidence_html(&run.case, &run.policy, &[], run.now);
        assert!(html.contains("<h2>订单</h2>"));
        assert!(!html.contains("Order"));
    }

    #[test]
    fn taking_a_request_to_the_platform_escalates_it_and_ranks_it_a_dispute() {
        let run = disputed(None);
        assert!(matches!(
            run.case.state(),
            crate::domain::CaseState::Escalated { .. }
        ));
        let p = crate::policy::priority(&run.case, &run.policy, run.now);
        assert_eq!(p.class, crate::policy::PriorityClass::Dispute);
        assert!(
            p.reasons
                .contains(&crate::policy::PriorityReason::PlatformDispute)
        );
    }
}
