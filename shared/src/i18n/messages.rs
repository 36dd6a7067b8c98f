//! Every sentence the engine says, in zh-CN and English, next to its stable code. Sentences
//! address the buyer ("you") unless only staff can see them or they name their [`Audience`] (a
//! refusal for the case's state speaks to whoever sent the command), apologise where the shop is
//! at fault, and always say what the reader can do next.

use crate::domain::{
    ActionKind, CaseKind, Exclusion, ExpiryOutcome, Outcome, Reason, RejectReason, StateName,
};
use crate::policy::{BatchRefusal, IntactRule, PolicyError, PostageTerms, PriorityReason, Refusal};

use super::{Audience, Lang, Localized, format_amount};

/// Pick the sentence for the language.
fn pick(lang: Lang, zh: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::ZhCn => zh.into(),
        Lang::En => en.into(),
    }
}

/// A kind inside a sentence: its label in Chinese; in English the lower-case noun the sentence
/// needs ("A reshipment isn't possible…").
pub(crate) fn kind_name(kind: CaseKind, lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => super::labels::kind(kind, lang),
        Lang::En => match kind {
            CaseKind::RefundOnly => "refund only",
            CaseKind::ReturnAndRefund => "return and refund",
            CaseKind::Exchange => "exchange",
            CaseKind::Repair => "repair",
            CaseKind::Reship => "reshipment",
            CaseKind::ParcelQuestion => "question about a parcel",
            CaseKind::Complaint => "complaint",
            CaseKind::ReviewRecovery => "follow-up of a review",
        },
    }
}

/// A reason inside a sentence: the seven-day rule's short name or the label in Chinese; in
/// English the noun phrase the sentence needs ("…for a change of mind").
pub(crate) fn reason_name(reason: Reason, lang: Lang) -> &'static str {
    match (reason, lang) {
        (Reason::ChangedMind, Lang::ZhCn) => "七天无理由",
        (_, Lang::ZhCn) => super::labels::reason(reason, lang),
        (Reason::ChangedMind, Lang::En) => "a change of mind",
        (Reason::SizeOrFit, Lang::En) => "size or fit",
        (Reason::NotAsDescribed, Lang::En) => "not as described",
        (Reason::QualityFault, Lang::En) => "a quality fault",
        (Reason::DamagedInTransit, Lang::En) => "damage in transit",
        (Reason::WrongItem, Lang::En) => "a wrong item",
        (Reason::MissingParts, Lang::En) => "missing parts",
        (Reason::NotReceived, Lang::En) => "a parcel that never arrived",
        (Reason::Service, Lang::En) => "the service",
        (Reason::BadReview, Lang::En) => "a bad review",
    }
}

fn exclusion_text(exclusion: Exclusion, lang: Lang) -> &'static str {
    match (exclusion, lang) {
        (Exclusion::CustomMade, Lang::ZhCn) => "定制商品",
        (Exclusion::CustomMade, Lang::En) => "made to order",
        (Exclusion::Perishable, Lang::ZhCn) => "生鲜易腐商品",
        (Exclusion::Perishable, Lang::En) => "fresh or perishable",
        (Exclusion::DigitalUnsealed, Lang::ZhCn) => "已下载或已拆封的数字商品",
        (Exclusion::DigitalUnsealed, Lang::En) => "digital content already downloaded or unsealed",
        (Exclusion::Periodical, Lang::ZhCn) => "报纸期刊",
        (Exclusion::Periodical, Lang::En) => "a newspaper or periodical",
        (Exclusion::ConfirmedAtPurchase, Lang::ZhCn) => {
            "您在购买时已确认不支持七天无理由退货的商品"
        }
        (Exclusion::ConfirmedAtPurchase, Lang::En) => {
            "an item you confirmed at purchase as not returnable without a reason"
        }
    }
}

fn intact_text(rule: IntactRule, lang: Lang) -> &'static str {
    match (rule, lang) {
        (IntactRule::SealUnbroken, Lang::ZhCn) => "封口完好未拆封",
        (IntactRule::SealUnbroken, Lang::En) => "the seal is unbroken",
        (IntactRule::NotActivated, Lang::ZhCn) => "未激活",
        (IntactRule::NotActivated, Lang::En) => "the device was never activated",
        (IntactRule::TagsOn, Lang::ZhCn) => "吊牌完好",
        (IntactRule::TagsOn, Lang::En) => "the tags are still on",
        (IntactRule::Unused, Lang::ZhCn) => "未使用、配件和包装齐全",
        (IntactRule::Unused, Lang::En) => {
            "it is unused and complete with accessories and packaging"
        }
    }
}

fn action_name(action: ActionKind, lang: Lang) -> &'static str {
    match (action, lang) {
        (ActionKind::AddProof, Lang::ZhCn) => "补充凭证",
        (ActionKind::AddProof, Lang::En) => "adding proof",
        (ActionKind::AnswerInfo, Lang::ZhCn) => "补充说明",
        (ActionKind::AnswerInfo, Lang::En) => "answering",
        (ActionKind::EnterReturnTracking, Lang::ZhCn) => "填写退货单号",
        (ActionKind::EnterReturnTracking, Lang::En) => "entering the return tracking number",
        (ActionKind::Cancel, Lang::ZhCn) => "撤销申请",
        (ActionKind::Cancel, Lang::En) => "cancelling",
        (ActionKind::Escalate, Lang::ZhCn) => "申请介入",
        (ActionKind::Escalate, Lang::En) => "escalating",
        (ActionKind::ConfirmReceipt, Lang::ZhCn) => "确认收货",
        (ActionKind::ConfirmReceipt, Lang::En) => "confirming receipt",
        (ActionKind::Rate, Lang::ZhCn) => "评价",
        (ActionKind::Rate, Lang::En) => "rating",
        (ActionKind::Reopen, Lang::ZhCn) => "重新打开",
        (ActionKind::Reopen, Lang::En) => "reopening",
        (ActionKind::Message, Lang::ZhCn) => "留言",
        (ActionKind::Message, Lang::En) => "sending a message",
        (ActionKind::AcceptOffer, Lang::ZhCn) => "接受商家方案",
        (ActionKind::AcceptOffer, Lang::En) => "accepting the offer",
        (ActionKind::DeclineOffer, Lang::ZhCn) => "拒绝商家方案",
        (ActionKind::DeclineOffer, Lang::En) => "declining the offer",
        (ActionKind::Approve, Lang::ZhCn) => "同意",
        (ActionKind::Approve, Lang::En) => "approving",
        (ActionKind::Reject, Lang::ZhCn) => "拒绝",
        (ActionKind::Reject, Lang::En) => "rejecting",
        (ActionKind::RequestInfo, Lang::ZhCn) => "要求补充信息",
        (ActionKind::RequestInfo, Lang::En) => "asking for information",
        (ActionKind::Offer, Lang::ZhCn) => "提出协商方案",
        (ActionKind::Offer, Lang::En) => "making an offer",
        (ActionKind::AdjustPostage, Lang::ZhCn) => "调整退货运费",
        (ActionKind::AdjustPostage, Lang::En) => "adjusting the return postage",
        (ActionKind::Answer, Lang::ZhCn) => "答复",
        (ActionKind::Answer, Lang::En) => "answering the question",
        (ActionKind::RecordReviewOutcome, Lang::ZhCn) => "记录评价结果",
        (ActionKind::RecordReviewOutcome, Lang::En) => "recording the review's outcome",
        (ActionKind::Goodwill, Lang::ZhCn) => "支付补偿",
        (ActionKind::Goodwill, Lang::En) => "paying goodwill",
        (ActionKind::TakeToPlatform, Lang::ZhCn) => "登记平台介入",
        (ActionKind::TakeToPlatform, Lang::En) => "recording a platform dispute",
        (ActionKind::ReturnArrived, Lang::ZhCn) => "登记退货签收",
        (ActionKind::ReturnArrived, Lang::En) => "recording the return's arrival",
        (ActionKind::Receive, Lang::ZhCn) => "收货验货",
        (ActionKind::Receive, Lang::En) => "receiving and inspecting",
        (ActionKind::Ship, Lang::ZhCn) => "发货",
        (ActionKind::Ship, Lang::En) => "shipping",
        (ActionKind::ResolveEscalation, Lang::ZhCn) => "处理介入",
        (ActionKind::ResolveEscalation, Lang::En) => "resolving the escalation",
        (ActionKind::Override, Lang::ZhCn) => "特殊处理",
        (ActionKind::Override, Lang::En) => "overriding",
        (ActionKind::ApproveProposal, Lang::ZhCn) => "批准退款提议",
        (ActionKind::ApproveProposal, Lang::En) => "approving the proposal",
        (ActionKind::DeclineProposal, Lang::ZhCn) => "驳回退款提议",
        (ActionKind::DeclineProposal, Lang::En) => "declining the proposal",
        (ActionKind::Expire, Lang::ZhCn) => "超时处理",
        (ActionKind::Expire, Lang::En) => "running the deadline",
    }
}

/// Where a case stands, as a clause that starts a sentence, told from the reader's side: the
/// buyer is told what the shop waits for from them, staff what the case waits for. (A bare state
/// name such as "return on its way" does not fit one sentence frame for both.)
fn state_clause(state: StateName, audience: Audience, lang: Lang) -> &'static str {
    use Audience::{Buyer, Staff};
    use Lang::{En, ZhCn};
    match (state, audience, lang) {
        (StateName::AwaitingReview, Buyer, ZhCn) => "商家还未处理您的申请",
        (StateName::AwaitingReview, Buyer, En) => "The shop hasn't answered your request yet",
        (StateName::AwaitingReview, Staff, ZhCn) => "申请正在等待商家处理",
        (StateName::AwaitingReview, Staff, En) => "The request is waiting for the shop's answer",
        (StateName::InfoRequested, Buyer, ZhCn) => "商家正在等待您补充信息",
        (StateName::InfoRequested, Buyer, En) => {
            "The shop is waiting for the information it asked you for"
        }
        (StateName::InfoRequested, Staff, ZhCn) => "买家尚未补充所要求的信息",
        (StateName::InfoRequested, Staff, En) => {
            "The buyer hasn't supplied the information asked for yet"
        }
        (StateName::Rejected, Buyer, ZhCn) => "商家已拒绝您的申请",
        (StateName::Rejected, Buyer, En) => "The shop has rejected your request",
        (StateName::Rejected, Staff, ZhCn) => "申请已被拒绝，买家可以修改申请或申请介入",
        (StateName::Rejected, Staff, En) => {
            "The request was rejected and the buyer may revise it or escalate"
        }
        (StateName::AwaitingReturn, Buyer, ZhCn) => "商家正在等待您寄回商品",
        (StateName::AwaitingReturn, Buyer, En) => {
            "The shop is waiting for you to send the goods back"
        }
        (StateName::AwaitingReturn, Staff, ZhCn) => "买家尚未寄回商品",
        (StateName::AwaitingReturn, Staff, En) => "The buyer hasn't sent the goods back yet",
        (StateName::ReturnInTransit, Buyer, ZhCn) => "您的退货正在寄回商家的途中",
        (StateName::ReturnInTransit, Buyer, En) => "Your return is on its way to the shop",
        (StateName::ReturnInTransit, Staff, ZhCn) => "退货正在寄回途中，尚未验货",
        (StateName::ReturnInTransit, Staff, En) => {
            "The return is on its way to the shop and not inspected yet"
        }
        (StateName::AwaitingDecision, Buyer, ZhCn) => "商家已验货，正在决定处理方式",
        (StateName::AwaitingDecision, Buyer, En) => {
            "The shop is deciding what to do after inspecting your return"
        }
        (StateName::AwaitingDecision, Staff, ZhCn) => "退货已验货，正在等待商家决定",
        (StateName::AwaitingDecision, Staff, En) => {
            "The return was inspected and is waiting for the shop's decision"
        }
        (StateName::AwaitingShipment, Buyer, ZhCn) => "商家正在准备给您发货",
        (StateName::AwaitingShipment, Buyer, En) => "The shop is preparing a shipment to you",
        (StateName::AwaitingShipment, Staff, ZhCn) => "售后正在等待仓库发货",
        (StateName::AwaitingShipment, Staff, En) => "The case is waiting for the warehouse to ship",
        (StateName::Shipped, Buyer, ZhCn) => "商家已给您发货",
        (StateName::Shipped, Buyer, En) => "The shop has shipped the goods to you",
        (StateName::Shipped, Staff, ZhCn) => "商品已发往买家",
        (StateName::Shipped, Staff, En) => "The shipment to the buyer is on its way",
        (StateName::Escalated, Buyer, ZhCn) => "主管正在介入处理您的申请",
        (StateName::Escalated, Buyer, En) => "A supervisor is looking into your request",
        (StateName::Escalated, Staff, ZhCn) => "售后已升级，正在等待主管处理",
        (StateName::Escalated, Staff, En) => "The case is escalated and waiting for a supervisor",
        (StateName::Closed, Buyer, ZhCn) => "这个售后已关闭",
        (StateName::Closed, Buyer, En) => "This request is closed",
        (StateName::Closed, Staff, ZhCn) => "这个售后已关闭",
        (StateName::Closed, Staff, En) => "The case is closed",
        (StateName::OfferPending, Buyer, ZhCn) => "商家给您提出了新的方案，正在等待您的答复",
        (StateName::OfferPending, Buyer, En) => {
            "The shop has made you an offer and is waiting for your answer"
        }
        (StateName::OfferPending, Staff, ZhCn) => "协商方案已发给买家，正在等待买家答复",
        (StateName::OfferPending, Staff, En) => "The offer is waiting for the buyer's answer",
        (StateName::AwaitingOwnerApproval, Buyer, ZhCn) => "商家正在审核您的申请",
        (StateName::AwaitingOwnerApproval, Buyer, En) => "The shop is reviewing your request",
        (StateName::AwaitingOwnerApproval, Staff, ZhCn) => "退款提议正在等待店主批准",
        (StateName::AwaitingOwnerApproval, Staff, En) => {
            "The refund proposal is waiting for the owner's approval"
        }
    }
}

impl Localized for Refusal {
    /// The `code` tag the enum is written with (one spelling: the derive's).
    fn code(&self) -> &'static str {
        crate::policy::error::RefusalTag::from(self).into()
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::NotShipped => pick(
                lang,
                "订单尚未发货，您可以直接申请仅退款，商家同意后款项原路退回。",
                "Your order hasn't shipped yet, so you can simply ask for a refund; nothing needs to come back.",
            ),
            Self::NotDelivered => pick(
                lang,
                "包裹还没有签收。签收后即可申请退货、换货或维修；如果包裹迟迟未到，请选择“未收到货”。",
                "The parcel hasn't been signed for yet. Once it arrives you can ask for a return, exchange or repair; if it never arrives, choose \"not received\".",
            ),
            Self::NoReasonWindowClosed { until } => {
                let until = super::local_date(*until, lang);
                pick(
                    lang,
                    format!(
                        "七天无理由退换的期限已于 {until} 结束。如果商品有质量问题，请选择对应的原因申请。"
                    ),
                    format!(
                        "The no-reason return period ended on {until}. If the item is faulty, please choose that reason instead."
                    ),
                )
            }
            Self::ExcludedFromNoReason { exclusion } => pick(
                lang,
                format!(
                    "该商品属于{}，不支持七天无理由退换。如有质量问题，仍可申请售后。",
                    exclusion_text(*exclusion, lang)
                ),
                format!(
                    "This item is {}, so it can't be returned without a reason. If it is faulty, you can still ask for help.",
                    exclusion_text(*exclusion, lang)
                ),
            ),
            Self::QualityReturnWindowClosed { until } => {
                let until = super::local_date(*until, lang);
                pick(
                    lang,
                    format!("质量问题退货的期限已于 {until} 结束，您仍可在期限内申请换货或维修。"),
                    format!(
                        "The period to return a faulty item ended on {until}; you can still ask for an exchange or a repair while those are open."
                    ),
                )
            }
            Self::QualityExchangeWindowClosed { until } => {
                let until = super::local_date(*until, lang);
                pick(
                    lang,
                    format!("质量问题换货的期限已于 {until} 结束，保修期内可以申请免费维修。"),
                    format!(
                        "The period to exchange a faulty item ended on {until}; within the warranty you can ask for a free repair."
                    ),
                )
            }
            Self::WarrantyExpired { until } => {
                let until = super::local_date(*until, lang);
                pick(
                    lang,
                    format!(
                        "保修期已于 {until} 结束（已计入维修占用的天数）。如需付费维修，请联系商家。"
                    ),
                    format!(
                        "The warranty ended on {until} (days spent in repair included). Please contact the shop about a paid repair."
                    ),
                )
            }
            Self::ReasonDoesNotFitKind { kind, reason } => pick(
                lang,
                format!(
                    "因“{}”无法申请{}，请选择其他售后方式。",
                    reason_name(*reason, lang),
                    kind_name(*kind, lang)
                ),
                format!(
                    "A {} isn't available for {}; please choose another option.",
                    kind_name(*kind, lang),
                    reason_name(*reason, lang)
                ),
            ),
            Self::RefundOnlyNeedsReturn => pick(
                lang,
                "商品已发出且没有质量问题，请选择退货退款，商家收到退货后为您退款。",
                "The goods have shipped and aren't faulty, so please choose return and refund: the shop refunds you once the return arrives.",
            ),
            Self::CarrierProofRequired => pick(
                lang,
                "物流显示包裹已签收。如果您确实没有收到，请先向快递公司核实，物流记录显示丢件或未妥投后再申请。",
                "The courier shows the parcel as signed for. If you really didn't get it, please check with the courier first; you can ask once their record shows it lost or not delivered.",
            ),
            Self::OpenedByTheShop => pick(
                lang,
                "差评回访由店铺发起，无法由买家提交。",
                "A review follow-up is opened by the shop; it cannot be filed.",
            ),
            Self::ParcelStillMoving { until } => {
                let until = super::local_date(*until, lang);
                pick(
                    lang,
                    format!(
                        "物流显示包裹仍在运输中。您可以先请商家查询物流；如果到 {until} 之后仍没有新的物流记录，可直接申请补发或仅退款。如快递公司已确认丢件，可以现在申请。"
                    ),
                    format!(
                        "The tracking shows the parcel still on its way. Ask the shop where it is; if there is no new scan after {until}, you can ask for a reship or a refund straight away. If the courier has confirmed it lost, you can ask now."
                    ),
                )
            }
            Self::NothingLeft => pick(
                lang,
                "这件商品的全部数量已经退款或正在其他售后中处理。",
                "Every unit of this item is already refunded or being handled in another request.",
            ),
            Self::IntactNotConfirmed { rule } => pick(
                lang,
                format!(
                    "七天无理由退换需要商品完好（{}），请确认后再提交。",
                    intact_text(*rule, lang)
                ),
                format!(
                    "A no-reason return needs the item to be intact ({}); please confirm that before sending.",
                    intact_text(*rule, lang)
                ),
            ),
        }
    }
}

impl PolicyError {
    /// The sentence of a refusal that filing a request meets ([`crate::policy::check_request`]:
    /// the text and photo limits, the lines and their quantities, a line's eligibility), or
    /// `None` for one that only a command meets.
    ///
    /// The portal words only its own preview's refusals (a command's refusal reaches it already
    /// worded, in the API's error envelope), so it calls this rather than
    /// [`Localized::message`], which would also link every state and action sentence into its
    /// first load. [`Localized::message`] says these same sentences through this function.
    #[must_use]
    pub fn filing_message(&self, lang: Lang) -> Option<String> {
        Some(match self {
            Self::Ineligible { refusal, .. } => refusal.message(lang),
            Self::UnknownLine { sku } => pick(
                lang,
                format!("订单中没有商品 {sku}，请重新选择。"),
                format!("There is no item {sku} on this order; please choose again."),
            ),
            Self::DuplicateLine { sku } => pick(
                lang,
                format!("商品 {sku} 选了两次，请合并为一行。"),
                format!("Item {sku} is listed twice; please list it once with the total quantity."),
            ),
            Self::NoLines => pick(
                lang,
                "请至少选择一件商品。",
                "Please choose at least one item.",
            ),
            Self::QuestionHasLines => pick(
                lang,
                "物流查询和投诉针对整个订单，无需选择商品。",
                "A question about the parcel or a complaint is about the whole order: choose no items.",
            ),
            Self::InvalidQuantity {
                sku,
                requested,
                remaining,
            } => pick(
                lang,
                format!("商品 {sku} 最多还能申请 {remaining} 件，您选择了 {requested} 件。"),
                format!(
                    "You can ask about at most {remaining} of item {sku}; you chose {requested}."
                ),
            ),
            Self::TooManyPhotos { max } => pick(
                lang,
                format!("最多上传 {max} 张图片。"),
                format!("Please upload at most {max} photos."),
            ),
            Self::NoteTooLong { max } => pick(
                lang,
                format!("文字最多 {max} 个字。"),
                format!("Please keep the text under {max} characters."),
            ),
            Self::NotAllowedForActor { .. }
            | Self::NotAllowedInState { .. }
            | Self::EmptyText
            | Self::TooManyMessages { .. }
            | Self::MissingTracking
            | Self::InvalidRating { .. }
            | Self::AlreadyRated
            | Self::InvalidAmount { .. }
            | Self::DeductionWithoutFault
            | Self::InvalidPostage { .. }
            | Self::PostageNotOwed { .. }
            | Self::PostageReceiptMissing
            | Self::PostageAlreadyPaid
            | Self::SolutionNotPossibleHere { .. }
            | Self::ReopenUnavailable
            | Self::NotDue { .. }
            | Self::EmptyCaseId
            | Self::OfferRequiredBeforeReject => return None,
        })
    }
}

impl Localized for PolicyError {
    /// The `code` tag the enum is written with; a line's ineligibility answers with the
    /// refusal's own code, which says why.
    fn code(&self) -> &'static str {
        match self {
            Self::Ineligible { refusal, .. } => refusal.code(),
            other => crate::policy::PolicyErrorCode::from(other).into(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        if let Some(sentence) = self.filing_message(lang) {
            return sentence;
        }
        match self {
            Self::NotAllowedForActor { action } => pick(
                lang,
                format!("您没有{}的权限。", action_name(*action, lang)),
                format!(
                    "You are not allowed to do this ({}).",
                    action_name(*action, lang)
                ),
            ),
            Self::NotAllowedInState {
                action,
                state,
                audience,
            } => {
                let (clause, action) = (
                    state_clause(*state, *audience, lang),
                    action_name(*action, lang),
                );
                // The next step: the page or case the caller holds is out of date, and reloading
                // it shows the actions that are open now.
                match audience {
                    Audience::Buyer => pick(
                        lang,
                        format!("{clause}，现在不能{action}。请刷新页面，查看现在可以进行的操作。"),
                        format!(
                            "{clause}, so {action} isn't possible now. Please refresh the page to see what you can do next."
                        ),
                    ),
                    Audience::Staff => pick(
                        lang,
                        format!(
                            "{clause}，现在不能{action}。请刷新售后单，查看现在可以执行的操作。"
                        ),
                        format!(
                            "{clause}, so {action} isn't possible now. Reload the case to see which actions are open."
                        ),
                    ),
                }
            }
            Self::EmptyText => pick(lang, "请填写内容。", "Please write something."),
            Self::TooManyMessages { max } => pick(
                lang,
                format!("每小时最多发送 {max} 条消息，请稍后再发。"),
                format!(
                    "At most {max} messages an hour can be sent on a request; please wait a little."
                ),
            ),
            Self::MissingTracking => pick(
                lang,
                "请填写快递公司和运单号。",
                "Please enter the courier and the tracking number.",
            ),
            Self::InvalidRating { stars } => pick(
                lang,
                format!("评分应为 1 到 5 星（收到 {stars}）。"),
                format!("Please rate from 1 to 5 stars (got {stars})."),
            ),
            Self::AlreadyRated => pick(
                lang,
                "您已经评价过这次售后服务，感谢反馈。",
                "You have already rated this service. Thank you for the feedback.",
            ),
            Self::InvalidAmount { amount, max } => pick(
                lang,
                format!(
                    "金额 {} 无效，应在 0.01 到 {} 之间。",
                    format_amount(*amount),
                    format_amount(*max)
                ),
                format!(
                    "The amount {} is not valid; it must be between 0.01 and {}.",
                    format_amount(*amount),
                    format_amount(*max)
                ),
            ),
            Self::DeductionWithoutFault => pick(
                lang,
                "验货通过时不能扣款；如有问题请记录为验货不通过。",
                "A deduction needs a failed inspection; record the inspection as failed if something is wrong.",
            ),
            Self::InvalidPostage { amount, max } => pick(
                lang,
                format!(
                    "运费 {} 无效，应在 0.01 到 {} 之间，请按运费凭证填写。",
                    format_amount(*amount),
                    format_amount(*max)
                ),
                format!(
                    "The postage {} is not valid; enter what the receipt says, between 0.01 and {}.",
                    format_amount(*amount),
                    format_amount(*max)
                ),
            ),
            Self::PostageNotOwed { terms } => match terms {
                PostageTerms::Insured => pick(
                    lang,
                    "这笔退货运费由运费险赔付，商家不再另行返还。",
                    "Your shipping insurance pays this postage, so the shop does not pay it back as well.",
                ),
                PostageTerms::PrepaidLabel => pick(
                    lang,
                    "商家提供预付面单，退货运费无需垫付。",
                    "The shop prepays this return, so there is no postage to pay back.",
                ),
                PostageTerms::NotOwed | PostageTerms::Reimbursed { .. } => pick(
                    lang,
                    "这次退货的运费不由商家承担，无法报销。",
                    "The shop does not pay this return's postage, so it cannot be paid back.",
                ),
            },
            Self::PostageReceiptMissing => pick(
                lang,
                "报销运费请上传运费凭证照片。",
                "Please add a photo of the postage receipt to have it paid back.",
            ),
            Self::PostageAlreadyPaid => pick(
                lang,
                "退款已经发出，运费不能再修改或另行返还。",
                "The refund has already gone out; the postage can no longer be paid or changed.",
            ),
            Self::SolutionNotPossibleHere { kind } => pick(
                lang,
                format!("当前步骤不能选择{}。", kind_name(*kind, lang)),
                format!("A {} isn't possible at this step.", kind_name(*kind, lang)),
            ),
            Self::ReopenUnavailable => pick(
                lang,
                "这个售后已经重新打开过一次或已超过可重新打开的期限，请提交新的申请。",
                "This request was already reopened once, or the time to reopen it has passed; please file a new one.",
            ),
            Self::NotDue { due } => pick(
                lang,
                format!("期限尚未到达（{} 毫秒时间戳）。", due.0),
                format!("The deadline has not passed yet (due at {} ms).", due.0),
            ),
            Self::EmptyCaseId => pick(lang, "售后编号不能为空。", "The case id is empty."),
            // Said by `filing_message` above (never reached: it answers for these).
            Self::Ineligible { .. }
            | Self::UnknownLine { .. }
            | Self::DuplicateLine { .. }
            | Self::NoLines
            | Self::QuestionHasLines
            | Self::InvalidQuantity { .. }
            | Self::TooManyPhotos { .. }
            | Self::NoteTooLong { .. } => String::new(),
            // Only staff reject: the sentence says what they can do instead.
            Self::OfferRequiredBeforeReject => pick(
                lang,
                "本店要求拒绝质量类申请前先与买家协商：请先提出部分退款、换货或维修方案，买家拒绝后才能拒绝申请。",
                "This shop asks for an offer before a fault claim is rejected: offer a partial refund, an exchange or a repair first; once the buyer declines it, the request can be rejected.",
            ),
        }
    }
}

impl Localized for ExpiryOutcome {
    fn code(&self) -> &'static str {
        match self {
            Self::AutoRefund => "auto_refund",
            Self::AutoApprove => "auto_approve",
            Self::CloseRejected => "close_rejected",
            Self::CloseInfoTimeout => "close_info_timeout",
            Self::CloseAbandoned => "close_abandoned",
            Self::ReleaseReturn => "release_return",
            Self::ProceedAfterInspection => "proceed_after_inspection",
            Self::EscalateToOwner => "escalate_to_owner",
            Self::AutoConfirmReceipt => "auto_confirm_receipt",
            Self::DeclineOffer => "decline_offer",
            Self::Overdue => "overdue",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::AutoRefund => pick(
                lang,
                "商家未在时限内处理，系统已自动为您退款。抱歉让您久等了。",
                "The shop didn't answer in time, so your refund was issued automatically. Sorry for the wait.",
            ),
            Self::AutoApprove => pick(
                lang,
                "商家未在时限内处理，系统已自动同意您的申请。抱歉让您久等了。",
                "The shop didn't answer in time, so your request was approved automatically. Sorry for the wait.",
            ),
            Self::CloseRejected => pick(
                lang,
                "商家拒绝后您未在时限内修改或申请介入，售后已关闭。",
                "You didn't revise the request or escalate after the rejection in time, so it was closed.",
            ),
            Self::CloseInfoTimeout => pick(
                lang,
                "您未在时限内补充信息，售后已关闭。您可以重新打开一次并补充信息。",
                "The information wasn't supplied in time, so the request was closed. You can reopen it once and add the information.",
            ),
            Self::CloseAbandoned => pick(
                lang,
                "您未在时限内寄回商品，售后已关闭。",
                "The goods weren't sent back in time, so the request was closed.",
            ),
            Self::ReleaseReturn => pick(
                lang,
                "商家未在时限内确认收到退货，系统已自动为您退款或安排换新。",
                "The shop didn't confirm your return in time, so your refund or replacement was released automatically.",
            ),
            Self::ProceedAfterInspection => pick(
                lang,
                "商家验货后未在时限内处理，系统已按验货结果继续处理。",
                "The shop didn't decide in time after inspecting your return, so it went ahead based on the inspection.",
            ),
            Self::EscalateToOwner => pick(
                lang,
                "商家未在时限内发货，已交由主管跟进。抱歉让您久等了。",
                "The shop didn't ship in time, so a supervisor is now following up. Sorry for the wait.",
            ),
            Self::AutoConfirmReceipt => pick(
                lang,
                "发货后已超过确认时限，系统已自动确认收货。如有问题，请联系商家。",
                "The time to confirm delivery has passed, so it was confirmed automatically. Contact the shop if anything is wrong.",
            ),
            Self::DeclineOffer => pick(
                lang,
                "您未在时限内答复商家的方案，视为不接受，商家将重新处理您的申请。",
                "The shop's offer wasn't answered in time, so it counts as declined and the shop will decide on your request again.",
            ),
            Self::Overdue => pick(
                lang,
                "商家未在时限内答复，我们已将您的问题标为超时并优先处理。抱歉让您久等了。",
                "The shop didn't answer in time; your question is now marked overdue and comes first. Sorry for the wait.",
            ),
        }
    }
}

impl Localized for PriorityReason {
    fn code(&self) -> &'static str {
        match self {
            Self::Escalated => "escalated",
            Self::Rejected => "rejected",
            Self::OverdueShopDeadline => "overdue_shop_deadline",
            Self::ThreatWords { .. } => "threat_words",
            Self::ShopFault => "shop_fault",
            Self::NoFault => "no_fault",
            Self::Logistics => "logistics",
            Self::BuyerUrgent => "buyer_urgent",
            Self::AwaitingOwnerApproval => "awaiting_owner_approval",
            Self::Complaint => "complaint",
            Self::BadReview => "bad_review",
            Self::PlatformDispute => "platform_dispute",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Escalated => pick(
                lang,
                "已申请介入，需要主管处理。",
                "Escalated: a supervisor must decide.",
            ),
            Self::Rejected => pick(
                lang,
                "已被拒绝，买家可能申请介入。",
                "Rejected: the buyer may escalate.",
            ),
            Self::OverdueShopDeadline => {
                pick(lang, "商家处理已超时。", "The shop's deadline has passed.")
            }
            Self::ThreatWords { word } => pick(
                lang,
                format!("买家提到“{word}”，有差评或投诉风险。"),
                format!("The buyer mentioned \"{word}\": risk of a bad review or complaint."),
            ),
            Self::ShopFault => pick(lang, "商家责任。", "The shop is at fault."),
            Self::NoFault => pick(lang, "非质量问题。", "No fault."),
            Self::Logistics => pick(lang, "物流问题。", "A logistics question."),
            Self::BuyerUrgent => pick(
                lang,
                "买家着急（礼物或活动）。",
                "The buyer is in a hurry (a gift or an event).",
            ),
            Self::AwaitingOwnerApproval => pick(
                lang,
                "退款超出客服权限，等待店主批准。",
                "A refund above the agent's limit waits for the owner's approval.",
            ),
            Self::Complaint => pick(
                lang,
                "服务投诉：由店主答复，先道歉。",
                "A complaint about the service: the owner answers, apology first.",
            ),
            Self::BadReview => pick(
                lang,
                "差评回访：先致歉，再给方案。",
                "A bad review to follow up: apologise first, then offer a solution.",
            ),
            Self::PlatformDispute => pick(
                lang,
                "买家已申请平台介入或向 12315 投诉：准备证据包。",
                "Taken to the platform or a consumer body: prepare the evidence pack.",
            ),
        }
    }
}

impl Localized for BatchRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "batch_empty",
            Self::DuplicateCase { .. } => "batch_duplicate_case",
            Self::NotLowRisk { .. } => "batch_not_low_risk",
            Self::TooManyCases { .. } => "batch_too_many_cases",
            Self::OverAmount { .. } => "batch_over_amount",
        }
    }

    // Staff read these: they say what to change in the selection.
    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Empty => pick(
                lang,
                "请至少选择一个售后单。",
                "Please select at least one case.",
            ),
            Self::DuplicateCase { case_id } => pick(
                lang,
                format!("售后单 {case_id} 选了两次，请只保留一次。"),
                format!("Case {case_id} is selected twice; please keep it once."),
            ),
            Self::NotLowRisk { case_ids } => {
                let ids = case_ids.join(", ");
                pick(
                    lang,
                    format!("以下售后单不适合批量同意，请逐个处理：{ids}。"),
                    format!(
                        "These cases can't be approved in a batch; please decide them one by one: {ids}."
                    ),
                )
            }
            Self::TooManyCases { count, max } => pick(
                lang,
                format!("每批最多 {max} 个售后单，当前选择了 {count} 个。"),
                format!("A batch holds at most {max} cases; {count} are selected."),
            ),
            Self::OverAmount { total, max } => pick(
                lang,
                format!(
                    "每批退款合计最多 {}，当前合计 {}。",
                    format_amount(*max),
                    format_amount(*total)
                ),
                format!(
                    "A batch refunds at most {} in total; the selection adds up to {}.",
                    format_amount(*max),
                    format_amount(*total)
                ),
            ),
        }
    }
}

impl Localized for RejectReason {
    fn code(&self) -> &'static str {
        match self {
            Self::OutsideWindow => "outside_window",
            Self::ExcludedItem => "excluded_item",
            Self::NotIntact => "not_intact",
            Self::NoFaultFound => "no_fault_found",
            Self::InsufficientProof => "insufficient_proof",
            Self::DeliveryConfirmed => "delivery_confirmed",
            Self::Fraud => "fraud",
            Self::Duplicate => "duplicate",
            Self::Other => "other",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::OutsideWindow => pick(
                lang,
                "申请已超过售后期限。",
                "The request came after the period for it ended.",
            ),
            Self::ExcludedItem => pick(
                lang,
                "该商品不支持这种售后方式。",
                "This item isn't eligible for what was asked.",
            ),
            Self::NotIntact => pick(
                lang,
                "商品已使用、损坏或不完整，无法按原方式处理。",
                "The item is used, damaged or incomplete, so it can't be handled as asked.",
            ),
            Self::NoFaultFound => pick(lang, "检测未发现质量问题。", "No fault was found."),
            Self::InsufficientProof => pick(
                lang,
                "凭证不足以说明问题，欢迎补充后重新提交。",
                "The proof doesn't show the problem; you're welcome to add more and try again.",
            ),
            Self::DeliveryConfirmed => pick(
                lang,
                "物流记录显示包裹已妥投。",
                "The courier's record shows the parcel was delivered.",
            ),
            Self::Fraud => pick(
                lang,
                "退回的包裹与订单商品不符。",
                "The returned parcel doesn't match the goods ordered.",
            ),
            Self::Duplicate => pick(
                lang,
                "同一问题已在其他售后中处理。",
                "The same problem is already handled in another request.",
            ),
            Self::Other => pick(
                lang,
                "请查看商家的说明。",
                "Please see the shop's explanation.",
            ),
        }
    }
}

impl Localized for Outcome {
    fn code(&self) -> &'static str {
        match self {
            Self::Refunded => "refunded",
            Self::Exchanged => "exchanged",
            Self::Repaired => "repaired",
            Self::Reshipped => "reshipped",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::InfoTimeout => "info_timeout",
            Self::Abandoned => "abandoned",
            Self::ClosedByOwner => "closed_by_owner",
            Self::Answered => "answered",
            Self::ReviewRevised => "review_revised",
            Self::ReviewRemoved => "review_removed",
            Self::ReviewUnchanged => "review_unchanged",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Refunded => pick(
                lang,
                "退款已完成，款项将原路退回。",
                "Refunded: the money goes back the way you paid.",
            ),
            Self::Exchanged => pick(
                lang,
                "换货已完成。",
                "Exchanged: your new item has arrived.",
            ),
            Self::Repaired => pick(lang, "维修已完成。", "Repaired: your item is back."),
            Self::Reshipped => pick(
                lang,
                "补发已完成。",
                "Reshipped: the missing goods have arrived.",
            ),
            Self::Rejected => pick(
                lang,
                "申请未通过，售后已关闭。",
                "The request was not accepted and is closed.",
            ),
            Self::Withdrawn => pick(lang, "您已撤销申请。", "You withdrew the request."),
            Self::InfoTimeout => pick(
                lang,
                "未补充信息，售后已关闭，可重新打开一次。",
                "Closed for missing information; you can reopen it once.",
            ),
            Self::Abandoned => pick(
                lang,
                "未寄回商品，售后已关闭。",
                "Closed: the goods were not sent back.",
            ),
            Self::ClosedByOwner => {
                pick(lang, "商家已关闭此售后。", "The shop closed this request.")
            }
            Self::Answered => pick(
                lang,
                "商家已答复。如仍有问题，可再次联系我们。",
                "The shop has answered. If anything is still wrong, ask again.",
            ),
            Self::ReviewRevised => pick(
                lang,
                "感谢您更新评价，也再次为之前的不便致歉。",
                "Thank you for updating your review, and sorry again for the trouble.",
            ),
            Self::ReviewRemoved => pick(
                lang,
                "评价已撤下。感谢您给我们改进的机会。",
                "The review was taken down. Thank you for the chance to put things right.",
            ),
            Self::ReviewUnchanged => pick(
                lang,
                "回访已结束。我们尊重您的评价，并会继续改进。",
                "The follow-up is closed. We respect your review and will keep improving.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Money, Timestamp};
    use crate::policy::time::LocalDate;

    fn every_refusal() -> Vec<Refusal> {
        let until = LocalDate {
            year: 2024,
            month: 11,
            day: 8,
        };
        vec![
            Refusal::NotShipped,
            Refusal::NotDelivered,
            Refusal::NoReasonWindowClosed { until },
            Refusal::ExcludedFromNoReason {
                exclusion: Exclusion::Perishable,
            },
            Refusal::QualityReturnWindowClosed { until },
            Refusal::QualityExchangeWindowClosed { until },
            Refusal::WarrantyExpired { until },
            Refusal::ReasonDoesNotFitKind {
                kind: CaseKind::Repair,
                reason: Reason::SizeOrFit,
            },
            Refusal::RefundOnlyNeedsReturn,
            Refusal::CarrierProofRequired,
            Refusal::NothingLeft,
            Refusal::IntactNotConfirmed {
                rule: IntactRule::TagsOn,
            },
        ]
    }

    fn every_error() -> Vec<PolicyError> {
        vec![
            PolicyError::NotAllowedForActor {
                action: ActionKind::Approve,
            },
            PolicyError::NotAllowedInState {
                action: ActionKind::Ship,
                state: StateName::Closed,
                audience: Audience::Staff,
            },
            PolicyError::Ineligible {
                sku: "a".into(),
                refusal: Refusal::NothingLeft,
            },
            PolicyError::UnknownLine { sku: "a".into() },
            PolicyError::DuplicateLine { sku: "a".into() },
            PolicyError::NoLines,
            PolicyError::QuestionHasLines,
            PolicyError::InvalidQuantity {
                sku: "a".into(),
                requested: 3,
                remaining: 1,
            },
            PolicyError::TooManyPhotos { max: 9 },
            PolicyError::NoteTooLong { max: 2000 },
            PolicyError::EmptyText,
            PolicyError::TooManyMessages { max: 30 },
            PolicyError::MissingTracking,
            PolicyError::InvalidRating { stars: 9 },
            PolicyError::AlreadyRated,
            PolicyError::InvalidAmount {
                amount: Money(-1),
                max: Money(100),
            },
            PolicyError::DeductionWithoutFault,
            PolicyError::InvalidPostage {
                amount: Money(-1),
                max: Money(100_000),
            },
            PolicyError::PostageNotOwed {
                terms: crate::policy::PostageTerms::Insured,
            },
            PolicyError::PostageReceiptMissing,
            PolicyError::PostageAlreadyPaid,
            PolicyError::SolutionNotPossibleHere {
                kind: CaseKind::Reship,
            },
            PolicyError::ReopenUnavailable,
            PolicyError::NotDue { due: Timestamp(1) },
            PolicyError::EmptyCaseId,
            PolicyError::OfferRequiredBeforeReject,
        ]
    }

    #[test]
    fn every_refusal_has_a_snake_case_code_matching_its_json_tag_and_two_sentences() {
        for r in every_refusal() {
            let json = serde_json::to_value(&r).unwrap_or_default();
            assert_eq!(json["code"], r.code(), "{r:?}");
            for lang in [Lang::ZhCn, Lang::En] {
                let m = r.message(lang);
                assert!(m.len() > 10, "{r:?} {lang:?}");
            }
            assert_ne!(r.message(Lang::ZhCn), r.message(Lang::En));
        }
    }

    #[test]
    fn every_error_has_a_stable_code_and_a_sentence_in_each_language() {
        for e in every_error() {
            assert!(
                e.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{e:?}"
            );
            assert!(!e.message(Lang::ZhCn).is_empty() && !e.message(Lang::En).is_empty());
            assert_eq!(e.to_string(), e.message(Lang::En));
        }
    }

    #[test]
    fn a_filing_refusal_reads_the_same_alone_as_in_the_whole_table() {
        for e in every_error() {
            let filing = matches!(
                e,
                PolicyError::Ineligible { .. }
                    | PolicyError::UnknownLine { .. }
                    | PolicyError::DuplicateLine { .. }
                    | PolicyError::NoLines
                    | PolicyError::QuestionHasLines
                    | PolicyError::InvalidQuantity { .. }
                    | PolicyError::TooManyPhotos { .. }
                    | PolicyError::NoteTooLong { .. }
            );
            for lang in [Lang::ZhCn, Lang::En] {
                let alone = e.filing_message(lang);
                assert_eq!(alone.is_some(), filing, "{e:?}");
                if let Some(sentence) = alone {
                    assert_eq!(sentence, e.message(lang), "{e:?}");
                }
            }
        }
    }

    #[test]
    fn a_refusal_for_the_state_names_no_code_and_asks_staff_nothing_of_the_buyers() {
        // Every state, both audiences, both languages, and every action that can be refused.
        for state in StateName::ALL {
            for audience in [Audience::Buyer, Audience::Staff] {
                for lang in [Lang::ZhCn, Lang::En] {
                    for action in ActionKind::ALL {
                        let m = PolicyError::NotAllowedInState {
                            action,
                            state,
                            audience,
                        }
                        .message(lang);
                        // No raw code such as `return_in_transit` or `enter_return_tracking`.
                        assert!(!m.contains('_'), "{m}");
                        assert!(!m.contains("is return"), "{m}");
                        match lang {
                            Lang::En => {
                                assert!(m.starts_with(char::is_uppercase), "{m}");
                                assert!(m.ends_with('.') && !m.contains(".."), "{m}");
                            }
                            Lang::ZhCn => {
                                assert!(m.ends_with('。') && !m.is_ascii(), "{m}");
                            }
                        }
                        if audience == Audience::Staff {
                            // Staff are never addressed as the buyer ("you ... send the goods").
                            let words: Vec<String> = m
                                .split(|c: char| !c.is_alphabetic())
                                .map(str::to_lowercase)
                                .collect();
                            assert!(!words.iter().any(|w| w == "you" || w == "your"), "{m}");
                            assert!(!m.contains('您'), "{m}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_state_refusal_tells_the_buyer_what_the_shop_waits_for_and_staff_what_the_case_waits_for() {
        let refusal = |audience| PolicyError::NotAllowedInState {
            action: ActionKind::Cancel,
            state: StateName::ReturnInTransit,
            audience,
        };
        assert_eq!(
            refusal(Audience::Buyer).message(Lang::En),
            "Your return is on its way to the shop, so cancelling isn't possible now. \
             Please refresh the page to see what you can do next."
        );
        assert_eq!(
            refusal(Audience::Staff).message(Lang::ZhCn),
            "退货正在寄回途中，尚未验货，现在不能撤销申请。请刷新售后单，查看现在可以执行的操作。"
        );
        // Read back without the audience (an older answer), the refusal speaks to the buyer.
        let old: Result<PolicyError, _> = serde_json::from_str(
            r#"{"code":"not_allowed_in_state","action":"cancel","state":"return_in_transit"}"#,
        );
        assert_eq!(old.ok(), Some(refusal(Audience::Buyer)));
    }

    #[test]
    fn an_ineligible_error_speaks_with_its_refusals_code_and_words() {
        let until = LocalDate {
            year: 2024,
            month: 11,
            day: 8,
        };
        let e = PolicyError::Ineligible {
            sku: "shirt".into(),
            refusal: Refusal::NoReasonWindowClosed { until },
        };
        assert_eq!(e.code(), "no_reason_window_closed");
        // Dates as each language writes them.
        assert!(e.message(Lang::En).contains("ended on 8 Nov 2024."));
        assert!(e.message(Lang::ZhCn).contains("已于 2024年11月8日 结束"));
    }

    #[test]
    fn every_automatic_outcome_explains_itself_in_both_languages() {
        for o in [
            ExpiryOutcome::AutoRefund,
            ExpiryOutcome::AutoApprove,
            ExpiryOutcome::CloseRejected,
            ExpiryOutcome::CloseInfoTimeout,
            ExpiryOutcome::CloseAbandoned,
            ExpiryOutcome::ReleaseReturn,
            ExpiryOutcome::ProceedAfterInspection,
            ExpiryOutcome::EscalateToOwner,
            ExpiryOutcome::AutoConfirmReceipt,
            ExpiryOutcome::DeclineOffer,
        ] {
            let json = serde_json::to_string(&o).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", o.code()));
            assert_ne!(o.message(Lang::ZhCn), o.message(Lang::En));
        }
    }
}
