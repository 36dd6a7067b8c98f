//! Every setting of [`Policy`] as the owner edits it: its path, group, unit, and one line on the
//! rule it feeds (DOMAIN.md), in both languages. One table serves the change log's diff
//! ([`super::diff`]) and the admin's settings screen, so a setting cannot be shown without
//! being logged, nor logged under another name. Per-category overrides are not in the table:
//! they are a map, diffed entry by entry.

use crate::domain::Money;
use crate::i18n::format_amount;

use super::settings::Policy;

/// How the settings screen groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingGroup {
    /// Who must act by when (时效).
    Clocks,
    /// Return windows, fees and what the shop pays.
    WindowsAndFees,
    /// The shop's calendar: time zone and holiday pauses.
    Calendar,
    /// Where returns go, and what the buyer is told about a refund's way back.
    ReturnAddress,
    /// Batch approval caps.
    Batch,
    /// Who may refund how much alone; fast refunds.
    Approval,
    /// Proof and message limits.
    Limits,
}

impl SettingGroup {
    /// The groups in screen order.
    pub const ALL: [Self; 7] = [
        Self::Clocks,
        Self::WindowsAndFees,
        Self::Calendar,
        Self::ReturnAddress,
        Self::Batch,
        Self::Approval,
        Self::Limits,
    ];

    /// Stable code (test ids).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Clocks => "clocks",
            Self::WindowsAndFees => "windows",
            Self::Calendar => "calendar",
            Self::ReturnAddress => "address",
            Self::Batch => "batch",
            Self::Approval => "approval",
            Self::Limits => "limits",
        }
    }
}

/// A setting's unit, which also says how its value is typed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A duration in hours (holidays skipped).
    Hours,
    /// Calendar days in the shop's time zone.
    Days,
    /// Minutes east of UTC.
    Minutes,
    /// A count.
    Count,
    /// Basis points (1/100 of a percent).
    Bps,
    /// Megapixels.
    Megapixels,
    /// Characters.
    Chars,
    /// An amount in the order's currency (typed with two decimals).
    Amount,
    /// An amount, or no limit at all (typed empty).
    OptionalAmount,
    /// On or off.
    Flag,
    /// Free text.
    Text,
    /// A list of local dates, `YYYY-MM-DD`.
    Dates,
}

/// A setting's value in the form the screen edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    /// Whole numbers (hours, days, counts, basis points, minutes).
    Int(i64),
    /// An amount.
    Amount(Money),
    /// An amount or none.
    OptionalAmount(Option<Money>),
    /// On or off.
    Flag(bool),
    /// Text.
    Text(String),
    /// Dates.
    Dates(Vec<String>),
}

impl SettingValue {
    /// The value as the change log keeps it: language-neutral (`true`/`false`, `none`, amounts
    /// with two decimals, dates joined by ", ").
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Self::Int(n) => n.to_string(),
            Self::Amount(m) | Self::OptionalAmount(Some(m)) => format_amount(*m),
            Self::OptionalAmount(None) => "none".into(),
            Self::Flag(b) => b.to_string(),
            Self::Text(t) => t.clone(),
            Self::Dates(d) => d.join(", "),
        }
    }
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The field's path, as validation names it (`deadlines.shop_answer_hours`).
    pub path: &'static str,
    /// Where the screen shows it.
    pub group: SettingGroup,
    /// Its unit.
    pub unit: Unit,
    /// Its name, in Chinese and in English.
    pub label: (&'static str, &'static str),
    /// The rule it feeds (DOMAIN.md), in Chinese and in English.
    pub rule: (&'static str, &'static str),
    get: fn(&Policy) -> SettingValue,
    set: fn(&mut Policy, SettingValue),
}

impl Setting {
    /// Its value in `policy`.
    #[must_use]
    pub fn get(&self, policy: &Policy) -> SettingValue {
        (self.get)(policy)
    }

    /// Sets it in `policy` (a value of another shape than the unit's is ignored).
    pub fn set(&self, policy: &mut Policy, value: SettingValue) {
        (self.set)(policy, value);
    }

    /// Its value in DOMAIN.md's defaults.
    #[must_use]
    pub fn default_value(&self) -> SettingValue {
        self.get(&Policy::default())
    }

    /// True if a validation error on `field` is about this setting (`holidays[2]` is about
    /// `holidays`).
    #[must_use]
    pub fn owns_field(&self, field: &str) -> bool {
        field == self.path
            || field
                .strip_prefix(self.path)
                .is_some_and(|rest| rest.starts_with('['))
    }
}

macro_rules! setting {
    ($path:literal, $group:ident, $unit:ident, $variant:ident, $($field:ident).+,
     $label_zh:literal, $label_en:literal, $rule_zh:literal, $rule_en:literal) => {
        Setting {
            path: $path,
            group: SettingGroup::$group,
            unit: Unit::$unit,
            label: ($label_zh, $label_en),
            rule: ($rule_zh, $rule_en),
            get: |p| SettingValue::$variant(Clone::clone(&p.$($field).+)),
            set: |p, v| {
                if let SettingValue::$variant(x) = v {
                    p.$($field).+ = x;
                }
            },
        }
    };
}

/// Every setting but the per-category overrides, in screen order.
pub static SETTINGS: &[Setting] = &[
    setting!(
        "deadlines.shop_answer_unshipped_refund_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_answer_unshipped_refund_hours,
        "未发货仅退款：商家答复时限",
        "Answer a refund on an unshipped order",
        "商家未在时限内答复未发货订单的退款申请，系统自动退款。",
        "If the shop does not answer a refund on an order not yet shipped in time, it is refunded automatically."
    ),
    setting!(
        "deadlines.shop_answer_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_answer_hours,
        "商家答复时限",
        "Answer any other new request",
        "商家未在时限内答复其他新申请，系统自动同意。",
        "If the shop does not answer any other new request in time, it is approved automatically."
    ),
    setting!(
        "deadlines.buyer_after_reject_days",
        Clocks,
        Days,
        Int,
        deadlines.buyer_after_reject_days,
        "被拒后买家修改或申请介入",
        "Buyer revises or escalates after a rejection",
        "买家在商家拒绝后未在时限内修改或申请介入，售后关闭。",
        "The case closes if the buyer neither revises nor escalates in time after a rejection."
    ),
    setting!(
        "deadlines.buyer_info_days",
        Clocks,
        Days,
        Int,
        deadlines.buyer_info_days,
        "买家补充凭证",
        "Buyer supplies asked-for proof",
        "买家未在时限内补充凭证，售后关闭（可重新打开一次）。",
        "The case closes if the buyer does not supply the proof in time; they may reopen it once."
    ),
    setting!(
        "deadlines.buyer_ship_return_days",
        Clocks,
        Days,
        Int,
        deadlines.buyer_ship_return_days,
        "买家寄回商品",
        "Buyer ships an approved return",
        "买家未在时限内填写退货单号，售后按放弃关闭。",
        "The case closes as abandoned if the buyer does not enter a tracking number in time."
    ),
    setting!(
        "deadlines.shop_confirm_return_hours_after_signed",
        Clocks,
        Hours,
        Int,
        deadlines.shop_confirm_return_hours_after_signed,
        "签收后商家确认退货",
        "Shop confirms a return after sign-for",
        "退货签收后商家未在时限内确认，系统自动退款或发出换货。",
        "If the shop does not confirm a signed-for return in time, the refund or replacement is released."
    ),
    setting!(
        "deadlines.shop_confirm_return_max_days",
        Clocks,
        Days,
        Int,
        deadlines.shop_confirm_return_max_days,
        "买家寄出后商家确认的最长期限",
        "Shop confirms a return at most after shipping",
        "自买家寄出起最多这么多天，到期自动放款。",
        "At most this many days after the buyer shipped, the return is released automatically."
    ),
    setting!(
        "deadlines.buyer_confirm_delivery_days",
        Clocks,
        Days,
        Int,
        deadlines.buyer_confirm_delivery_days,
        "买家确认收到换货/维修件",
        "Buyer confirms a replacement arrived",
        "买家未在时限内确认收货，系统自动确认。",
        "If the buyer does not confirm a replacement, repair or reshipment arrived, it is confirmed automatically."
    ),
    setting!(
        "deadlines.warehouse_ship_hours",
        Clocks,
        Hours,
        Int,
        deadlines.warehouse_ship_hours,
        "仓库发出换货/维修件",
        "Warehouse ships a replacement",
        "仓库未在时限内发货，转给店主处理。",
        "If the warehouse does not ship in time, the case goes to the owner."
    ),
    setting!(
        "deadlines.shop_decide_after_inspection_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_decide_after_inspection_hours,
        "验货不通过后商家决定",
        "Shop decides after a failed inspection",
        "商家未在时限内决定，按已记录的扣款继续处理。",
        "If the shop does not decide in time, the case proceeds with the recorded deduction."
    ),
    setting!(
        "deadlines.buyer_reopen_days",
        Clocks,
        Days,
        Int,
        deadlines.buyer_reopen_days,
        "买家重新打开售后",
        "Buyer reopens a case closed for missing proof",
        "因未补充凭证关闭的售后，买家可在时限内重新打开一次。",
        "A case closed for missing proof may be reopened once within this time."
    ),
    setting!(
        "deadlines.buyer_answer_offer_hours",
        Clocks,
        Hours,
        Int,
        deadlines.buyer_answer_offer_hours,
        "买家答复协商方案",
        "Buyer answers the shop's offer",
        "买家未在时限内答复协商方案，视为拒绝，回到商家。",
        "Silence declines the offer; the case goes back to the shop."
    ),
    setting!(
        "deadlines.shop_answer_parcel_question_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_answer_parcel_question_hours,
        "答复物流查询",
        "Answer a where-is-my-parcel question",
        "商家未在时限内答复物流查询，在待办中标为超时。",
        "If the shop does not answer in time, the question shows overdue in the queue."
    ),
    setting!(
        "deadlines.shop_answer_complaint_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_answer_complaint_hours,
        "店主答复服务投诉",
        "Owner answers a complaint",
        "投诉由店主答复；超时后在店主待办中标为超时。",
        "The owner answers complaints; past this time it shows overdue at the top of the owner's queue."
    ),
    setting!(
        "deadlines.shop_contact_reviewer_hours",
        Clocks,
        Hours,
        Int,
        deadlines.shop_contact_reviewer_hours,
        "差评回访时限",
        "Contact the buyer behind a bad review",
        "记录差评后，客服须在时限内联系买家致歉并给出方案；超时在待办中标为超时。",
        "After a bad review is recorded, an agent contacts the buyer with an apology and a solution; past this time it shows overdue in the queue."
    ),
    setting!(
        "deadlines.parcel_stalled_days",
        Clocks,
        Days,
        Int,
        deadlines.parcel_stalled_days,
        "包裹停滞天数",
        "Days a parcel may show no movement",
        "已发货包裹超过这么多天没有新的物流记录（或已过承诺送达日），买家可直接申请补发或仅退款，无需另行举证。",
        "After this many days without a new scan (or past the promised date), the buyer may ask for a reship or a refund without further proof."
    ),
    setting!(
        "no_reason_days",
        WindowsAndFees,
        Days,
        Int,
        no_reason_days,
        "七天无理由退货期",
        "No-reason return window",
        "签收次日起，买家可在此期限内无理由退货。",
        "From the day after sign-for, the buyer may return goods without a fault."
    ),
    setting!(
        "quality_return_days",
        WindowsAndFees,
        Days,
        Int,
        quality_return_days,
        "质量问题退货期",
        "Quality fault: return window",
        "此期限内的性能故障可退货、换货或维修，由买家选择。",
        "A performance fault within this time allows return, exchange or repair, buyer's choice."
    ),
    setting!(
        "quality_exchange_days",
        WindowsAndFees,
        Days,
        Int,
        quality_exchange_days,
        "质量问题换货期",
        "Quality fault: exchange window",
        "此期限内的性能故障可换货或维修。",
        "A performance fault within this time allows exchange or repair."
    ),
    setting!(
        "warranty_days",
        WindowsAndFees,
        Days,
        Int,
        warranty_days,
        "保修期",
        "Warranty",
        "保修期内免费维修（不含维修天数，换货后重新计算）。",
        "Free repair within the warranty (days in repair excluded; restarts after an exchange)."
    ),
    setting!(
        "failed_repairs_for_exchange",
        WindowsAndFees,
        Count,
        Int,
        failed_repairs_for_exchange,
        "可换货/退货的维修失败次数",
        "Failed repairs before exchange or return",
        "同一故障维修失败这么多次后，可换货或退货。",
        "After this many failed repairs of the same fault, the buyer may exchange or return."
    ),
    setting!(
        "free_returns",
        WindowsAndFees,
        Flag,
        Flag,
        free_returns,
        "包退货运费",
        "Free returns",
        "开启后，无理由退货的运费也由商家承担。",
        "On: the shop pays return shipping even for no-fault returns."
    ),
    setting!(
        "restocking_fee_bps",
        WindowsAndFees,
        Bps,
        Int,
        restocking_fee_bps,
        "无理由退货手续费",
        "Restocking fee",
        "仅对无理由退货，按退回商品净额的万分比扣除。",
        "Only on no-fault returns, in basis points of the returned net value."
    ),
    setting!(
        "deduct_free_shipping_on_partial_return",
        WindowsAndFees,
        Flag,
        Flag,
        deduct_free_shipping_on_partial_return,
        "部分退货扣回包邮运费",
        "Deduct free shipping on partial returns",
        "部分无理由退货使订单低于包邮门槛时，扣回赠送的运费。",
        "When a no-fault partial return drops the order below the free-shipping threshold, deduct the shipping given away."
    ),
    setting!(
        "shipping_insurance_payout",
        WindowsAndFees,
        Amount,
        Amount,
        shipping_insurance_payout,
        "运费险赔付金额",
        "Shipping insurance payout",
        "运费险承担的退货运费金额。",
        "What shipping insurance pays toward return shipping."
    ),
    setting!(
        "return_postage_cap",
        WindowsAndFees,
        Amount,
        Amount,
        return_postage_cap,
        "退货运费报销上限",
        "Return postage paid back, at most",
        "商家承担退货运费（质量问题、错发等，或包退货运费）且未提供预付面单时，买家先垫付，凭运费凭证随退款返还，每个售后最多此金额（默认 30.00）；有运费险的订单由保险赔付，不再返还。",
        "When the shop owes the return shipping (a fault, or free returns) and sent no prepaid label, the buyer advances it and is paid back with the refund on a receipt, up to this amount per case (default 30.00); never when shipping insurance pays it."
    ),
    setting!(
        "goodwill_cap",
        WindowsAndFees,
        Amount,
        Amount,
        goodwill_cap,
        "补偿金额上限",
        "Goodwill payment, at most",
        "差评挽回或投诉时，可向买家支付的补偿（不退商品），每个售后最多此金额（默认 50.00；0 表示不支付补偿），且不超过买家实付减去已退金额；客服同时受自己的审批额度限制。",
        "What a bad review's follow-up or a complaint may pay the buyer as goodwill (no goods back), per case (default 50.00; 0 pays none), never more than the buyer paid minus earlier refunds; an agent also stays within their own approval limit."
    ),
    setting!(
        "prepaid_return_label",
        WindowsAndFees,
        Flag,
        Flag,
        prepaid_return_label,
        "提供预付退货面单",
        "Prepaid return label",
        "开启后，商家承担的退货运费由预付面单或上门取件支付，买家无需垫付，也不报销。",
        "On: the shop pays the return shipping it owes through a prepaid label or a booked pick-up, so the buyer advances nothing and nothing is paid back."
    ),
    setting!(
        "utc_offset_minutes",
        Calendar,
        Minutes,
        Int,
        utc_offset_minutes,
        "店铺时区（与 UTC 相差分钟）",
        "Shop time zone (minutes east of UTC)",
        "按店铺时区计算自然日，期限在最后一天结束时到期。",
        "Calendar days are counted in this time zone; a window ends at the end of its last day."
    ),
    setting!(
        "holidays",
        Calendar,
        Dates,
        Dates,
        holidays,
        "节假日暂停",
        "Holiday pauses",
        "这些日期所有售后时限暂停（法定退换期不暂停）。",
        "Every case clock stops on these days (statutory windows do not)."
    ),
    setting!(
        "notify_quiet_from",
        Calendar,
        Hours,
        Int,
        notify_quiet_from,
        "通知免打扰开始（当地整点，0–23）",
        "Quiet hours start (local hour, 0–23)",
        "此时起发给买家的通知暂缓，到免打扰结束时再发送。",
        "From this hour, notifications to the buyer are held until quiet hours end."
    ),
    setting!(
        "notify_quiet_until",
        Calendar,
        Hours,
        Int,
        notify_quiet_until,
        "通知免打扰结束（当地整点，0–23）",
        "Quiet hours end (local hour, 0–23)",
        "暂缓的通知在此整点发出；与开始相同表示不设免打扰。",
        "Held notifications go out at this hour; the same hour as the start means no quiet hours."
    ),
    setting!(
        "notify_remind_hours",
        Clocks,
        Hours,
        Int,
        notify_remind_hours,
        "买家期限到期前提醒",
        "Remind the buyer before their deadline",
        "买家的期限到期会关闭售后时，提前这么多小时提醒买家。",
        "When the buyer's deadline would close the case, they are reminded this many hours before it."
    ),
    setting!(
        "return_address",
        ReturnAddress,
        Text,
        Text,
        return_address,
        "退货地址",
        "Return address",
        "同意退货后向买家显示的寄回地址。",
        "Shown to the buyer once a return is approved."
    ),
    setting!(
        "refund_arrival_days_from",
        ReturnAddress,
        Count,
        Int,
        refund_arrival_days_from,
        "退款到账时间：最短（工作日）",
        "Refund arrives in: at least (working days)",
        "退款结案后告诉买家：通常几个工作日原路到账。",
        "Told to the buyer when a case closes with a refund: it usually arrives on the original payment within these working days."
    ),
    setting!(
        "refund_arrival_days_to",
        ReturnAddress,
        Count,
        Int,
        refund_arrival_days_to,
        "退款到账时间：最长（工作日）",
        "Refund arrives in: at most (working days)",
        "与最短天数一起显示，如“通常 1–3 个工作日到账”。",
        "Shown with the shortest, as in “usually 1–3 working days”."
    ),
    setting!(
        "start_link_days",
        ReturnAddress,
        Days,
        Int,
        start_link_days,
        "“发起售后”链接有效期",
        "“Start a return” link lifetime",
        "店铺在订单邮件中附上的链接，买家无需输入订单号即可打开订单；过期后需用订单号查找。",
        "A link in the shop's order e-mail opens the order without typing; after this it asks for the order number instead."
    ),
    setting!(
        "invite_ttl_hours",
        Approval,
        Hours,
        Int,
        invite_ttl_hours,
        "员工邀请链接有效期",
        "Staff invitation link lifetime",
        "邀请链接只能使用一次，超过时限需重新邀请。",
        "An invitation link works once, and only this long; then it must be sent again."
    ),
    setting!(
        "batch_max_cases",
        Batch,
        Count,
        Int,
        batch_max_cases,
        "批量同意的最多件数",
        "Most cases per batch",
        "批量同意低风险售后时，每批最多这么多件。",
        "A batch approval of low-risk cases takes at most this many cases."
    ),
    setting!(
        "batch_max_amount",
        Batch,
        Amount,
        Amount,
        batch_max_amount,
        "批量同意的最高金额",
        "Most money per batch",
        "每批退款总额不超过此金额。",
        "The refunds of one batch add up to at most this amount."
    ),
    setting!(
        "approval_limits.agent",
        Approval,
        OptionalAmount,
        OptionalAmount,
        approval_limits.agent,
        "客服单独退款上限",
        "Agent's refund limit",
        "超过此金额的退款或补偿需店主批准（留空为不限）。",
        "A refund or goodwill amount above it needs the owner's approval (empty: no limit)."
    ),
    setting!(
        "require_offer_before_fault_reject",
        Approval,
        Flag,
        Flag,
        require_offer_before_fault_reject,
        "拒绝质量问题前须先协商",
        "Offer before rejecting a fault claim",
        "开启后，拒绝质量类申请前须先提出协商方案并被买家拒绝。",
        "On: rejecting a fault claim needs an offer the buyer declined first."
    ),
    setting!(
        "fast_refund.enabled",
        Approval,
        Flag,
        Flag,
        fast_refund.enabled,
        "极速退款",
        "Fast refunds",
        "可信买家填写退货单号后即可退款。",
        "Trusted buyers are refunded once they enter the return's tracking number."
    ),
    setting!(
        "fast_refund.max_order_value",
        Approval,
        Amount,
        Amount,
        fast_refund.max_order_value,
        "极速退款订单金额上限",
        "Fast refund: largest order",
        "订单实付不超过此金额才可极速退款。",
        "Only orders paid up to this amount qualify."
    ),
    setting!(
        "fast_refund.require_past_cases",
        Approval,
        Flag,
        Flag,
        fast_refund.require_past_cases,
        "极速退款须有售后记录",
        "Fast refund: needs past cases",
        "开启后，买家须有过往售后记录（且无恶意记录）。",
        "On: the buyer must have past cases (none rejected for abuse)."
    ),
    setting!(
        "push_subscriptions_per_case",
        Limits,
        Count,
        Int,
        push_subscriptions_per_case,
        "每个售后最多推送设备数",
        "Most push devices per case",
        "买家可在这么多台手机或浏览器上接收同一售后的推送通知。",
        "A buyer may get a case's push notifications on this many phones or browsers."
    ),
    setting!(
        "max_photos",
        Limits,
        Count,
        Int,
        max_photos,
        "每次最多照片数",
        "Most photos per request",
        "每次申请或操作最多上传的照片数。",
        "Most photos per request or command."
    ),
    setting!(
        "max_note_chars",
        Limits,
        Chars,
        Int,
        max_note_chars,
        "留言最长字数",
        "Longest note",
        "说明、留言或回复的最长字数。",
        "Longest note, message or answer."
    ),
    setting!(
        "max_photo_megapixels",
        Limits,
        Megapixels,
        Int,
        max_photo_megapixels,
        "照片最大像素",
        "Largest photo",
        "超过此像素的凭证照片在保存前被拒绝。",
        "Proof photos above this size are refused before they are stored."
    ),
    setting!(
        "max_messages_per_case_per_hour",
        Limits,
        Count,
        Int,
        max_messages_per_case_per_hour,
        "每小时每方最多留言数",
        "Most messages per hour per side",
        "一方在一个售后中每小时最多发送的消息数。",
        "Most messages one party may send on one case in an hour."
    ),
];

/// The setting at `path`, if any.
#[must_use]
pub fn setting(path: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) if prefix != "approval_limits.agent" => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(&path, v, out);
                }
            }
            _ => out.push(prefix.to_owned()),
        }
    }

    #[test]
    fn every_field_of_the_policy_is_in_the_table_once() {
        let json = serde_json::to_value(Policy::default()).unwrap_or_default();
        let mut paths = Vec::new();
        leaves("", &json, &mut paths);
        paths.retain(|p| p != "categories");
        let mut table: Vec<String> = SETTINGS.iter().map(|s| s.path.to_owned()).collect();
        paths.sort();
        table.sort();
        assert_eq!(paths, table);
    }

    #[test]
    fn every_setting_reads_back_what_it_sets_and_names_its_rule_in_both_languages() {
        for s in SETTINGS {
            let mut p = Policy::default();
            let changed = match s.default_value() {
                SettingValue::Int(n) => SettingValue::Int(n + 1),
                SettingValue::Amount(m) => SettingValue::Amount(Money(m.0 + 1)),
                SettingValue::OptionalAmount(_) => SettingValue::OptionalAmount(None),
                SettingValue::Flag(b) => SettingValue::Flag(!b),
                SettingValue::Text(t) => SettingValue::Text(t + "x"),
                SettingValue::Dates(mut d) => {
                    d.push("2025-01-01".into());
                    SettingValue::Dates(d)
                }
            };
            s.set(&mut p, changed.clone());
            assert_eq!(s.get(&p), changed, "{}", s.path);
            assert!(!s.label.0.is_empty() && !s.label.1.is_empty() && !s.rule.0.is_empty());
            assert!(!s.rule.1.is_empty(), "{}", s.path);
        }
        assert!(setting("holidays").is_some_and(|s| s.owns_field("holidays[3]")));
        assert!(setting("holidays").is_some_and(|s| !s.owns_field("holidays_x")));
    }
}
