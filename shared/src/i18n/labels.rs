//! Every label the product shows for a domain value (a kind, a state, an action, a chip), one
//! table per language, used by the worker, the buyer portal and the seller admin. Labels are
//! short and stand alone (a chip, a button); the sentences that embed a value live beside their
//! codes in `messages`.

use crate::domain::{
    ActionKind, CaseKind, EventKind, ExpiryOutcome, Reason, RejectReason, Role, StateName,
};

use super::{Audience, Lang};

/// A label in each language.
type Pair = (&'static str, &'static str);

const fn pick(lang: Lang, (zh, en): Pair) -> &'static str {
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

/// A kind of request: `退货退款` / `Return and refund`.
#[must_use]
pub const fn kind(kind: CaseKind, lang: Lang) -> &'static str {
    pick(
        lang,
        match kind {
            CaseKind::RefundOnly => ("仅退款", "Refund only"),
            CaseKind::ReturnAndRefund => ("退货退款", "Return and refund"),
            CaseKind::Exchange => ("换货", "Exchange"),
            CaseKind::Repair => ("维修", "Repair"),
            CaseKind::Reship => ("补发", "Reship"),
            CaseKind::ParcelQuestion => ("物流查询", "Where is my parcel"),
            CaseKind::Complaint => ("服务投诉", "Complaint"),
            CaseKind::ReviewRecovery => ("差评回访", "Review follow-up"),
        },
    )
}

/// What a kind means, in one line under its name where the buyer chooses it.
#[must_use]
pub const fn kind_hint(kind: CaseKind, lang: Lang) -> &'static str {
    pick(
        lang,
        match kind {
            CaseKind::RefundOnly => (
                "不寄回商品，直接退款（未发货、未收到等）",
                "Money back, nothing to send (not shipped, never arrived)",
            ),
            CaseKind::ReturnAndRefund => (
                "寄回商品，商家收货后退款",
                "Send it back; refunded once the shop has it",
            ),
            CaseKind::Exchange => (
                "寄回商品，换一件新的或其他尺码",
                "Send it back for a new unit or another size",
            ),
            CaseKind::Repair => (
                "保修期内的故障，寄修后寄回",
                "A fault under warranty: repaired and sent back",
            ),
            CaseKind::Reship => (
                "包裹丢失或少件，商家重新寄出",
                "Lost parcel or missing parts: sent again",
            ),
            CaseKind::ParcelQuestion => (
                "包裹迟迟未到，请商家查询物流",
                "The parcel is taking long: the shop checks with the courier",
            ),
            CaseKind::Complaint => (
                "对服务不满意，直接告诉店主",
                "Unhappy with the service: tell the owner",
            ),
            CaseKind::ReviewRecovery => (
                "店铺看到了您的评价，希望为您解决问题",
                "The shop saw your review and would like to put things right",
            ),
        },
    )
}

/// Why the buyer asks, as a choice or a chip.
#[must_use]
pub const fn reason(reason: Reason, lang: Lang) -> &'static str {
    pick(
        lang,
        match reason {
            Reason::ChangedMind => ("七天无理由（不想要了）", "Changed my mind"),
            Reason::SizeOrFit => ("尺码不合适", "Wrong size or fit"),
            Reason::NotAsDescribed => ("与描述不符", "Not as described"),
            Reason::QualityFault => ("质量问题", "Faulty"),
            Reason::DamagedInTransit => ("运输途中损坏", "Damaged in transit"),
            Reason::WrongItem => ("发错货", "Wrong item sent"),
            Reason::MissingParts => ("少件/漏发", "Parts or gifts missing"),
            Reason::NotReceived => ("未收到货", "Never arrived"),
            Reason::Service => ("服务问题", "The service"),
            Reason::BadReview => ("差评", "A bad review"),
        },
    )
}

/// A state as its reader sees it: the buyer reads their own next step ("send it back"), staff
/// read whose move it is ("waiting for the buyer's parcel").
#[must_use]
pub const fn state(state: StateName, audience: Audience, lang: Lang) -> &'static str {
    let staff = matches!(audience, Audience::Staff);
    pick(
        lang,
        match (state, staff) {
            (StateName::AwaitingReview, false) => ("待商家审核", "Waiting for review"),
            (StateName::AwaitingReview, true) => ("待审核", "To review"),
            (StateName::InfoRequested, false) => ("待您补充信息", "Information needed"),
            (StateName::InfoRequested, true) => ("待买家补充", "Waiting for the buyer's info"),
            (StateName::Rejected, _) => ("已拒绝", "Rejected"),
            (StateName::AwaitingReturn, false) => ("待您寄回", "Send it back"),
            (StateName::AwaitingReturn, true) => ("待买家寄回", "Waiting for the return"),
            (StateName::ReturnInTransit, _) => ("退货运输中", "Return on its way"),
            (StateName::AwaitingDecision, false) => ("验货待处理", "Inspection review"),
            (StateName::AwaitingDecision, true) => ("验货后待处理", "Decide after inspection"),
            (StateName::AwaitingShipment, false) => ("待商家发货", "Waiting to ship"),
            (StateName::AwaitingShipment, true) => ("待发货", "To ship"),
            (StateName::Shipped, false) => ("商家已发货", "Shipped to you"),
            (StateName::Shipped, true) => ("已发货", "Shipped"),
            (StateName::Escalated, _) => ("主管介入中", "With a supervisor"),
            (StateName::Closed, _) => ("已结束", "Closed"),
            (StateName::OfferPending, false) => ("待您确认方案", "An offer for you"),
            (StateName::OfferPending, true) => ("待买家回复方案", "Offer with the buyer"),
            (StateName::AwaitingOwnerApproval, false) => ("待商家审核", "Waiting for review"),
            (StateName::AwaitingOwnerApproval, true) => ("待店主批准", "Owner to approve"),
        },
    )
}

/// What became of a followed-up review, as a choice.
#[must_use]
pub const fn review_outcome(outcome: crate::domain::ReviewOutcome, lang: Lang) -> &'static str {
    pick(
        lang,
        match outcome {
            crate::domain::ReviewOutcome::Revised => ("买家已改评/追评", "Revised"),
            crate::domain::ReviewOutcome::Removed => ("差评已删除", "Removed"),
            crate::domain::ReviewOutcome::Unchanged => ("未改变", "Unchanged"),
        },
    )
}

/// Where a dispute was taken, as a choice.
#[must_use]
pub const fn forum(forum: crate::domain::DisputeForum, lang: Lang) -> &'static str {
    pick(
        lang,
        match forum {
            crate::domain::DisputeForum::Platform => ("平台介入", "The platform"),
            crate::domain::DisputeForum::ConsumerBody => {
                ("12315 / 消费者协会", "12315 / a consumer body")
            }
        },
    )
}

/// An action as a button.
#[must_use]
pub const fn action(action: ActionKind, lang: Lang) -> &'static str {
    pick(
        lang,
        match action {
            ActionKind::AddProof => ("补充凭证", "Add proof"),
            ActionKind::AnswerInfo => ("补充信息", "Answer"),
            ActionKind::EnterReturnTracking => ("填写退货单号", "Enter tracking"),
            ActionKind::Cancel => ("撤销申请", "Cancel request"),
            ActionKind::Escalate => ("申请介入", "Escalate"),
            ActionKind::ConfirmReceipt => ("确认收货", "Confirm receipt"),
            ActionKind::Rate => ("评价", "Rate"),
            ActionKind::Reopen => ("重新打开", "Reopen"),
            ActionKind::Message => ("发消息", "Message"),
            ActionKind::AcceptOffer => ("接受方案", "Accept the offer"),
            ActionKind::DeclineOffer => ("不接受", "Decline the offer"),
            ActionKind::Offer => ("协商方案", "Offer a solution"),
            ActionKind::AdjustPostage => ("调整运费", "Adjust postage"),
            ActionKind::Answer => ("答复并结案", "Reply and close"),
            ActionKind::RecordReviewOutcome => ("记录评价结果", "Record the review's outcome"),
            ActionKind::TakeToPlatform => ("登记平台介入", "Record a platform dispute"),
            ActionKind::Goodwill => ("支付补偿", "Pay goodwill"),
            ActionKind::ApproveProposal => ("批准退款", "Approve the refund"),
            ActionKind::DeclineProposal => ("驳回", "Send back"),
            ActionKind::Approve => ("同意", "Approve"),
            ActionKind::Reject => ("拒绝", "Reject"),
            ActionKind::RequestInfo => ("要求补充", "Ask for info"),
            ActionKind::ReturnArrived => ("退货已签收", "Parcel arrived"),
            ActionKind::Receive => ("验货", "Inspect"),
            ActionKind::Ship => ("发货", "Ship"),
            ActionKind::ResolveEscalation => ("处理介入", "Decide escalation"),
            ActionKind::Override => ("强制处理", "Override"),
            ActionKind::Expire => ("超时处理", "Expire"),
        },
    )
}

/// A timeline entry as staff read it (the detail, a note or a tracking number, is shown beside).
#[must_use]
pub const fn event(kind: &EventKind, lang: Lang) -> &'static str {
    pick(
        lang,
        match kind {
            EventKind::Filed => ("买家提交申请", "Request filed"),
            EventKind::ProofAdded { .. } => ("买家补充照片", "Photos added"),
            EventKind::InfoRequested { .. } => ("要求买家补充", "Information requested"),
            EventKind::InfoAnswered { .. } => ("买家已补充", "Buyer answered"),
            EventKind::Approved { .. } => ("已同意", "Approved"),
            EventKind::Rejected { .. } => ("已拒绝", "Rejected"),
            EventKind::Escalated { .. } => ("申请介入", "Escalated"),
            EventKind::EscalationResolved { .. } => ("主管已处理", "Escalation decided"),
            EventKind::Overridden { .. } => ("强制处理", "Overridden"),
            EventKind::ReturnShipped { .. } => ("买家已寄回", "Return shipped"),
            EventKind::PostageAdjusted { .. } => ("调整退货运费", "Postage adjusted"),
            EventKind::FastRefunded { .. } => ("极速退款", "Fast refund"),
            EventKind::ReturnArrived => ("退货已签收", "Return signed for"),
            EventKind::Received { .. } => ("已验货", "Inspected"),
            EventKind::ReturnDeemedReceived => ("视为已收货", "Return deemed received"),
            EventKind::Refunded { breakdown } if breakdown.goodwill.is_positive() => {
                ("已支付补偿", "Goodwill paid")
            }
            EventKind::Refunded { .. } => ("已退款", "Refunded"),
            EventKind::ItemShipped { .. } => ("已发货", "Shipped"),
            EventKind::ReceiptConfirmed { .. } => ("买家确认收货", "Receipt confirmed"),
            EventKind::DeadlineExpired { .. } => ("超时自动处理", "Deadline passed"),
            EventKind::Closed { .. } => ("已结束", "Closed"),
            EventKind::Reopened => ("买家重新打开", "Reopened"),
            EventKind::Rated { .. } => ("买家评价", "Rated"),
            EventKind::MessagePosted { .. } => ("消息", "Message"),
            EventKind::TakenToPlatform { .. } => {
                ("买家已申请平台介入/投诉", "Taken to the platform")
            }
            EventKind::OfferMade { .. } => ("提出协商方案", "Offer made"),
            EventKind::OfferAccepted => ("买家接受方案", "Offer accepted"),
            EventKind::OfferDeclined { .. } => ("买家拒绝方案", "Offer declined"),
            EventKind::RefundProposed { .. } => ("退款待店主批准", "Refund proposed"),
            EventKind::ProposalApproved { .. } => ("店主已批准", "Proposal approved"),
            EventKind::ProposalDeclined { .. } => ("店主已驳回", "Proposal sent back"),
        },
    )
}

/// What the system does when a deadline passes, as the queue's countdown says it: "auto-approves
/// in 3 h" is `{expiry} {duration}`; overdue rows read "overdue by …" instead.
#[must_use]
pub const fn expiry(outcome: ExpiryOutcome, lang: Lang) -> &'static str {
    pick(
        lang,
        match outcome {
            ExpiryOutcome::AutoRefund => ("自动退款", "auto-refunds in"),
            ExpiryOutcome::AutoApprove => ("自动同意", "auto-approves in"),
            ExpiryOutcome::CloseRejected | ExpiryOutcome::CloseInfoTimeout => {
                ("自动关闭", "closes in")
            }
            ExpiryOutcome::CloseAbandoned => ("未寄回将关闭", "closes unreturned in"),
            ExpiryOutcome::ReleaseReturn => ("自动放款", "releases the refund in"),
            ExpiryOutcome::ProceedAfterInspection => ("按验货结果处理", "proceeds in"),
            ExpiryOutcome::EscalateToOwner => ("转交主管", "goes to the owner in"),
            ExpiryOutcome::AutoConfirmReceipt => ("自动确认收货", "auto-confirms in"),
            ExpiryOutcome::DeclineOffer => ("视为拒绝方案", "offer lapses in"),
            ExpiryOutcome::Overdue => ("超时", "overdue in"),
        },
    )
}

/// A priority reason's code (as in `CaseSummary::priority_reasons`) as a queue chip; an unknown
/// code (a newer server) shows as itself.
#[must_use]
pub fn chip(code: &str, lang: Lang) -> &str {
    let pair: Pair = match code {
        "escalated" => ("介入", "Escalated"),
        "rejected" => ("已拒绝", "Rejected"),
        "overdue_shop_deadline" => ("超时", "Overdue"),
        "threat_words" => ("差评/投诉风险", "Complaint risk"),
        "shop_fault" => ("商家责任", "Shop at fault"),
        "no_fault" => ("非质量", "No fault"),
        "logistics" => ("物流", "Logistics"),
        "buyer_urgent" => ("买家着急", "Urgent"),
        "rejected_for_abuse" => ("曾因滥用被拒", "Past abuse"),
        "awaiting_owner_approval" => ("待店主批准", "Owner to approve"),
        "complaint" => ("服务投诉", "Complaint"),
        "bad_review" => ("差评", "Bad review"),
        "platform_dispute" => ("平台介入", "Platform dispute"),
        _ => return code,
    };
    pick(lang, pair)
}

/// A reason for refusing, as a choice.
#[must_use]
pub const fn reject_reason(reason: RejectReason, lang: Lang) -> &'static str {
    pick(
        lang,
        match reason {
            RejectReason::OutsideWindow => ("超出售后时限", "Outside the window"),
            RejectReason::ExcludedItem => ("该商品不支持", "Item excluded"),
            RejectReason::NotIntact => ("商品不完好", "Not intact"),
            RejectReason::NoFaultFound => ("未发现故障", "No fault found"),
            RejectReason::InsufficientProof => ("凭证不足", "Not enough proof"),
            RejectReason::DeliveryConfirmed => ("物流显示已签收", "Delivery confirmed"),
            RejectReason::Fraud => ("疑似欺诈", "Suspected fraud"),
            RejectReason::Duplicate => ("重复申请", "Duplicate"),
            RejectReason::Other => ("其他", "Other"),
        },
    )
}

/// A staff role.
#[must_use]
pub const fn role(role: Role, lang: Lang) -> &'static str {
    pick(
        lang,
        match role {
            Role::Agent => ("客服", "Agent"),
            Role::Warehouse => ("仓库", "Warehouse"),
            Role::Owner => ("店主", "Owner"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_differs_between_languages_and_within_a_table() {
        for lang in [Lang::ZhCn, Lang::En] {
            let kinds: std::collections::BTreeSet<_> =
                CaseKind::ALL.iter().map(|k| kind(*k, lang)).collect();
            assert_eq!(kinds.len(), CaseKind::ALL.len(), "two kinds share a label");
            let staff_states: std::collections::BTreeSet<_> = StateName::ALL
                .iter()
                .map(|s| state(*s, Audience::Staff, lang))
                .collect();
            assert_eq!(
                staff_states.len(),
                StateName::ALL.len(),
                "two states share a label"
            );
            let actions: std::collections::BTreeSet<_> =
                ActionKind::ALL.iter().map(|a| action(*a, lang)).collect();
            assert_eq!(
                actions.len(),
                ActionKind::ALL.len(),
                "two actions share a label"
            );
        }
        for s in StateName::ALL {
            assert_ne!(
                state(s, Audience::Staff, Lang::ZhCn),
                state(s, Audience::Staff, Lang::En)
            );
        }
    }

    #[test]
    fn chips_name_known_reasons_and_pass_unknown_codes_through() {
        assert_eq!(chip("threat_words", Lang::En), "Complaint risk");
        assert_eq!(chip("logistics", Lang::ZhCn), "物流");
        assert_eq!(chip("from_the_future", Lang::ZhCn), "from_the_future");
    }
}
