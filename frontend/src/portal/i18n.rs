//! The portal's own words in zh-CN and English: one [`Texts`] table per language (plain data, so
//! a missing translation is a compile error, not a blank button), plus the labels of the domain's
//! enums as they appear on buttons and chips. Sentences about *rules* (why a request is refused,
//! what a deadline does when it passes) come from `shared::i18n`, so the portal and the API say
//! the same thing.

use shared::Lang;
use shared::Localized;
use shared::domain::{
    Actor, CaseKind, EventKind, ExpiryOutcome, Offer, Party, Reason, Role, ShipmentKind, StateName,
};
use shared::i18n::labels;
use shared::policy::IntactRule;

/// The BCP 47 code sent as `Accept-Language` and set on `<html lang>`.
#[must_use]
pub const fn code(lang: Lang) -> &'static str {
    lang.tag()
}

/// Every fixed string of the portal.
#[derive(Debug)]
pub struct Texts {
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    pub language: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub err_network: &'static str,
    pub err_unexpected: &'static str,
    pub err_title: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub go_home: &'static str,
    pub footer: &'static str,

    pub step_find: &'static str,
    pub step_request: &'static str,
    pub step_track: &'static str,
    pub step_of: &'static str,

    pub lookup_title: &'static str,
    pub lookup_intro: &'static str,
    pub order_number: &'static str,
    pub order_number_hint: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub lookup_submit: &'static str,
    pub looking_up: &'static str,
    pub lookup_help_title: &'static str,
    pub lookup_help: [&'static str; 3],
    pub lookup_again: &'static str,
    pub lookup_to_see: &'static str,
    pub privacy_note: &'static str,

    pub order_title: &'static str,
    pub ordered: &'static str,
    pub shipped: &'static str,
    pub delivered: &'static str,
    pub not_shipped: &'static str,
    pub not_delivered: &'static str,
    pub paid: &'static str,
    pub insured: &'static str,
    pub your_cases: &'static str,
    pub filed: &'static str,
    pub another_order: &'static str,

    pub new_request: &'static str,
    pub q_items: &'static str,
    pub q_kind: &'static str,
    pub q_reason: &'static str,
    pub q_details: &'static str,
    pub quantity: &'static str,
    pub decrease: &'static str,
    pub increase: &'static str,
    pub nothing_left: &'static str,
    pub choose_kind: &'static str,
    pub choose_reason: &'static str,
    pub reason_closed: &'static str,
    pub need_items: &'static str,
    pub need_intact: &'static str,
    pub note: &'static str,
    pub note_hint: &'static str,
    pub photos: &'static str,
    pub photos_hint: &'static str,
    pub add_photos: &'static str,
    pub take_photo: &'static str,
    pub preparing: &'static str,
    pub uploading: &'static str,
    pub uploaded: &'static str,
    pub upload_failed: &'static str,
    pub undecodable: &'static str,
    pub remove: &'static str,
    pub remove_photo: &'static str,
    pub intact_confirm: &'static str,
    pub urgent: &'static str,
    pub carrier_loss: &'static str,
    pub parcel_title: &'static str,
    pub parcel_no_scans: &'static str,
    pub parcel_moving: &'static str,
    pub parcel_stalled_no_move: &'static str,
    pub parcel_stalled_promised: &'static str,
    pub ask_parcel: &'static str,
    pub ask_parcel_note: &'static str,
    pub claim_reship: &'static str,
    pub claim_refund: &'static str,
    pub complaint_title: &'static str,
    pub complaint_hint: &'static str,
    pub complaint_note: &'static str,
    pub complaint_send: &'static str,

    pub preview_title: &'static str,
    pub preview_pick: &'static str,
    pub allowed: &'static str,
    pub refused: &'static str,
    pub return_shipping: &'static str,
    pub paid_by_you: &'static str,
    pub paid_by_shop: &'static str,
    pub no_return_needed: &'static str,
    pub insurance_pays: &'static str,
    pub insurance_covers: &'static str,
    pub refund_estimate: &'static str,
    pub refund: &'static str,
    pub no_refund_kind: &'static str,
    pub next_steps: &'static str,
    pub fast_refund: &'static str,
    pub server_check: &'static str,

    pub b_items: &'static str,
    pub b_discounts: &'static str,
    pub b_original_shipping: &'static str,
    pub b_restocking: &'static str,
    pub b_free_shipping: &'static str,
    pub b_inspection: &'static str,
    pub b_agreed: &'static str,
    pub b_capped: &'static str,
    /// The breakdown's return postage line (paid back).
    pub b_postage: &'static str,
    pub b_goodwill: &'static str,
    /// The postage field on the tracking form.
    pub postage_label: &'static str,
    /// "Paid back with your refund, up to {}" (the cap).
    pub postage_back: &'static str,
    /// The insurer pays the postage.
    pub postage_insured: &'static str,
    /// The receipt photo on the tracking form.
    pub postage_receipt: &'static str,
    pub b_total: &'static str,

    pub submit: &'static str,
    pub submitting: &'static str,
    pub uploads_pending: &'static str,
    /// `{}`: how many photos failed to upload.
    pub send_without_failed: &'static str,
    pub send_anyway: &'static str,
    pub keep_editing: &'static str,

    pub case_title: &'static str,
    pub your_move: &'static str,
    pub shop_move: &'static str,
    pub shop_must_answer: &'static str,
    pub you_must_act: &'static str,
    pub overdue: &'static str,
    pub paused: &'static str,
    pub due_at: &'static str,
    pub due_paren: &'static str,
    pub passive_kicker: &'static str,
    pub passive_title: &'static str,
    pub stale: &'static str,
    pub no_such_case: &'static str,
    pub no_such_case_text: &'static str,
    pub no_deadline: &'static str,
    pub closed_banner: &'static str,
    pub auto_refresh: &'static str,
    pub bookmark: &'static str,
    pub timeline: &'static str,
    pub request: &'static str,
    pub return_address: &'static str,
    pub return_steps: [&'static str; 3],
    pub copy_hint: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    /// The clipboard refused: the address is selected instead.
    pub copy_failed: &'static str,
    pub courier: &'static str,
    pub tracking: &'static str,
    pub send_tracking: &'static str,
    pub messages: &'static str,
    pub no_messages: &'static str,
    pub message_label: &'static str,
    pub send: &'static str,
    pub cancel_request: &'static str,
    pub cancel_confirm: &'static str,
    pub keep_request: &'static str,
    pub escalate: &'static str,
    pub escalate_hint: &'static str,
    pub escalate_note: &'static str,
    pub confirm_receipt: &'static str,
    pub confirm_receipt_hint: &'static str,
    pub accept_offer: &'static str,
    pub decline_offer: &'static str,
    pub rate_title: &'static str,
    pub stars_label: &'static str,
    pub comment: &'static str,
    pub send_rating: &'static str,
    pub thanks_rating: &'static str,
    pub add_proof: &'static str,
    pub answer_title: &'static str,
    pub answer_label: &'static str,
    pub send_answer: &'static str,
    pub reopen: &'static str,
    pub reopen_hint: &'static str,
    pub what_you_can_do: &'static str,
    pub done: &'static str,
    pub done_tracking: &'static str,
    pub done_answer: &'static str,
    pub done_proof: &'static str,
    pub done_receipt: &'static str,
    pub done_reopen: &'static str,
    pub done_rate: &'static str,
    pub done_escalate: &'static str,
    pub done_cancel: &'static str,
    pub done_message: &'static str,
    pub changed_elsewhere: &'static str,
    pub you: &'static str,
    pub shop: &'static str,
    pub warehouse: &'static str,
    pub supervisor: &'static str,
    pub system: &'static str,
    pub back_to_order: &'static str,
    pub photo_alt: &'static str,
    pub tips_title: &'static str,
    pub tips_lead: &'static str,
    pub tips_ask: &'static str,
    pub tips_solved: &'static str,
    pub tips_continue: &'static str,
    pub tips_thanks: &'static str,
    pub tips_thanks_more: &'static str,
}

/// Simplified Chinese.
pub static ZH: Texts = Texts {
    app_name: "售后服务",
    skip_to_content: "跳到主要内容",
    language: "语言",
    loading: "加载中…",
    retry: "重试",
    err_network: "无法连接服务器，请检查网络后重试。",
    err_unexpected: "服务器返回了意外的内容，请稍后重试。",
    err_title: "出了点问题",
    not_found_title: "没有这个页面",
    not_found_text: "链接可能不完整。您可以从订单查询重新开始。",
    go_home: "返回订单查询",
    footer: "无需注册 · 您的信息仅用于处理售后",

    step_find: "查找订单",
    step_request: "提交申请",
    step_track: "跟踪进度",
    step_of: "步骤",

    lookup_title: "申请售后",
    lookup_intro: "输入订单号和下单时填写的邮箱或手机号，无需注册。",
    order_number: "订单号",
    order_number_hint: "可在订单确认邮件或短信中找到，例如 TB20261120001",
    contact: "邮箱或手机号",
    contact_hint: "下单时填写的邮箱或手机号",
    lookup_submit: "查询订单",
    looking_up: "正在查询…",
    lookup_help_title: "请核对：",
    lookup_help: [
        "订单号是否完整，包括开头的字母",
        "邮箱或手机号是否与下单时填写的一致",
        "手机号可以带或不带空格、区号",
    ],
    lookup_again: "为保护您的隐私，请再次验证订单后继续。",
    lookup_to_see: "请先查询订单，即可查看此售后单。",
    privacy_note: "我们只用这些信息找到您的订单，不会显示他人的订单信息。",

    order_title: "订单",
    ordered: "下单",
    shipped: "发货",
    delivered: "签收",
    not_shipped: "尚未发货",
    not_delivered: "尚未签收",
    paid: "实付",
    insured: "含运费险",
    your_cases: "本订单的售后",
    filed: "申请于",
    another_order: "查询其他订单",

    new_request: "申请售后",
    q_items: "1. 哪些商品？",
    q_kind: "2. 需要什么帮助？",
    q_reason: "3. 原因",
    q_details: "4. 说明和照片",
    quantity: "数量",
    decrease: "减少数量",
    increase: "增加数量",
    nothing_left: "该商品已全部在售后中或已退款",
    choose_kind: "请选择需要的帮助。",
    choose_reason: "请选择原因。",
    reason_closed: "虚线框的原因不适用于所选商品和服务，选择后“预计结果”会说明原因。",
    need_items: "请先选择商品",
    need_intact: "还差一步：请在第 4 步确认商品完整",
    note: "补充说明（选填）",
    note_hint: "例如：哪里有问题、何时发现。",
    photos: "照片凭证",
    photos_hint: "最多 {} 张。上传前会自动压缩，并去除位置等信息。",
    add_photos: "从相册选择",
    take_photo: "拍照",
    preparing: "处理中",
    uploading: "上传中",
    uploaded: "已上传",
    upload_failed: "上传失败",
    undecodable: "无法读取此图片，请换一张 JPEG 或 PNG 照片。",
    remove: "删除",
    remove_photo: "删除照片",
    intact_confirm: "我确认商品完整，且",
    urgent: "比较着急（如礼物、活动），希望尽快处理",
    carrier_loss: "物流记录显示包裹丢失或未送达",
    parcel_title: "你的包裹",
    parcel_no_scans: "商家还没有同步物流记录。",
    parcel_moving: "包裹正在路上。如果 {} 之后仍没有新的物流记录，可以直接申请补发或退款，无需另行举证。",
    parcel_stalled_no_move: "包裹已多日没有新的物流记录。您可以直接申请补发或仅退款，无需举证。",
    parcel_stalled_promised: "包裹已超过承诺送达时间。您可以直接申请补发或仅退款，无需举证。",
    ask_parcel: "请商家查询物流",
    ask_parcel_note: "想补充的情况（选填）",
    claim_reship: "申请补发",
    claim_refund: "申请退款",
    complaint_title: "对我们的服务不满意？",
    complaint_hint: "直接告诉店主，店主会在 {} 小时内亲自答复。",
    complaint_note: "发生了什么",
    complaint_send: "发送给店主",

    preview_title: "预计结果",
    preview_pick: "选择商品、需要的帮助和原因后，这里会显示能否申请、运费由谁承担和预计退款。",
    allowed: "可以申请",
    refused: "暂时无法申请",
    return_shipping: "退货运费",
    paid_by_you: "由您承担",
    paid_by_shop: "由商家承担",
    no_return_needed: "无需寄回商品",
    insurance_pays: "运费险预计赔付",
    insurance_covers: "由运费险承担",
    refund_estimate: "预计退款",
    refund: "退款明细",
    no_refund_kind: "此类申请不退款，商家会为您寄出商品。",
    next_steps: "接下来",
    fast_refund: "您符合极速退款条件：填写退货运单号后即可退款。",
    server_check: "提交后以商家系统的审核结果为准。",

    b_items: "商品金额",
    b_discounts: "优惠分摊",
    b_original_shipping: "原订单运费",
    b_restocking: "退货手续费",
    b_free_shipping: "包邮优惠扣回",
    b_inspection: "验货扣款",
    b_agreed: "协商减少",
    b_capped: "超出可退金额",
    b_postage: "退货运费",
    b_goodwill: "商家补偿",
    postage_label: "垫付的运费",
    postage_back: "随退款返还，最多 {}",
    postage_insured: "这笔运费由运费险赔付",
    postage_receipt: "运费凭证照片",
    b_total: "退款合计",

    submit: "提交申请",
    submitting: "正在提交…",
    uploads_pending: "请等待照片上传完成。",
    send_without_failed: "有 {} 张照片未能上传。不带这些照片提交申请吗？",
    send_anyway: "不带照片提交",
    keep_editing: "返回修改",

    case_title: "售后单",
    your_move: "需要您处理",
    shop_move: "等待商家处理",
    shop_must_answer: "商家需在 {} 内处理",
    you_must_act: "请在 {} 内处理",
    overdue: "已到期，系统正在自动处理",
    paused: "主管介入期间，时限暂停计时",
    due_at: "截止",
    due_paren: "（截止 {}）",
    passive_kicker: "收到前无需操作",
    passive_title: "收到后请确认收货 · {}自动确认",
    stale: "无法更新 · 最后更新于 {}",
    no_such_case: "没有这个售后单",
    no_such_case_text: "链接可能不完整。订单页列出了您的全部售后申请。",
    no_deadline: "目前没有待处理的时限。",
    closed_banner: "售后已结束",
    auto_refresh: "本页会自动刷新",
    bookmark: "收藏此页面，随时查看进度。",
    timeline: "处理进度",
    request: "申请内容",
    return_address: "退货地址",
    return_steps: [
        "将商品和配件放回包装，附上写有售后单号的纸条。",
        "寄到下方地址，保留快递单据。",
        "在本页填写快递公司和运单号。",
    ],
    copy_hint: "长按可复制地址",
    copy: "复制地址",
    copied: "已复制",
    copy_failed: "无法自动复制：地址已选中，请手动复制。",
    courier: "快递公司",
    tracking: "运单号",
    send_tracking: "提交运单号",
    messages: "留言",
    no_messages: "还没有留言。",
    message_label: "给商家留言",
    send: "发送",
    cancel_request: "撤销申请",
    cancel_confirm: "确定撤销此申请吗？撤销后售后单将关闭。",
    keep_request: "不撤销",
    escalate: "申请主管介入",
    escalate_hint: "对商家的处理有异议？主管会复核，期间时限暂停。",
    escalate_note: "您的理由（选填）",
    confirm_receipt: "确认收货",
    confirm_receipt_hint: "收到商家寄出的商品后请确认。",
    accept_offer: "接受",
    decline_offer: "不接受",
    rate_title: "评价本次售后服务",
    stars_label: "星",
    comment: "评价内容（选填）",
    send_rating: "提交评价",
    thanks_rating: "感谢您的评价！",
    add_proof: "补充照片",
    answer_title: "商家需要更多信息",
    answer_label: "您的回复",
    send_answer: "提交回复",
    reopen: "重新打开申请",
    reopen_hint: "申请因未补充信息而关闭，您可以重新打开一次。",
    what_you_can_do: "您可以",
    done: "已提交",
    done_tracking: "运单号已提交",
    done_answer: "回复已提交",
    done_proof: "照片已补充",
    done_receipt: "已确认收货",
    done_reopen: "申请已重新打开",
    done_rate: "评价已提交",
    done_escalate: "已申请主管介入",
    done_cancel: "申请已撤销",
    done_message: "留言已发送",
    changed_elsewhere: "售后单刚被更新，已为您显示最新状态。",
    you: "您",
    shop: "商家",
    warehouse: "商家仓库",
    supervisor: "主管",
    system: "系统",
    back_to_order: "返回订单",
    photo_alt: "照片",
    tips_title: "先试试这些方法",
    tips_lead: "商家为这件商品整理了常见问题的排查步骤，很多问题几分钟就能解决。",
    tips_ask: "问题解决了吗？",
    tips_solved: "已解决",
    tips_continue: "没解决，继续申请",
    tips_thanks: "太好了，问题已解决，无需申请售后。",
    tips_thanks_more: "如果问题再次出现，随时可以在这里提交申请。",
};

/// English.
pub static EN: Texts = Texts {
    app_name: "After-sales",
    skip_to_content: "Skip to content",
    language: "Language",
    loading: "Loading…",
    retry: "Try again",
    err_network: "We couldn't reach the server. Check your connection and try again.",
    err_unexpected: "The server sent an unexpected answer. Please try again shortly.",
    err_title: "Something went wrong",
    not_found_title: "Page not found",
    not_found_text: "The link may be incomplete. You can start again from the order lookup.",
    go_home: "Back to order lookup",
    footer: "No account needed · your details are only used for this request",

    step_find: "Find order",
    step_request: "Request",
    step_track: "Track",
    step_of: "Step",

    lookup_title: "Get help with an order",
    lookup_intro: "Enter your order number and the email or phone number you gave when ordering. No account needed.",
    order_number: "Order number",
    order_number_hint: "It's in your order confirmation email or text, e.g. TB20261120001",
    contact: "Email or phone number",
    contact_hint: "The one you gave when you ordered",
    lookup_submit: "Find my order",
    looking_up: "Looking up…",
    lookup_help_title: "Please check:",
    lookup_help: [
        "the order number is complete, including the letters at the start",
        "the email or phone number is the one on the order",
        "phone numbers work with or without spaces and country code",
    ],
    lookup_again: "To protect your privacy, please confirm your order again to continue.",
    lookup_to_see: "Look up your order to see this request.",
    privacy_note: "We only use these details to find your order and never show anyone else's.",

    order_title: "Order",
    ordered: "Ordered",
    shipped: "Shipped",
    delivered: "Delivered",
    not_shipped: "Not shipped yet",
    not_delivered: "Not delivered yet",
    paid: "Paid",
    insured: "with shipping insurance",
    your_cases: "Your requests for this order",
    filed: "Filed",
    another_order: "Look up another order",

    new_request: "Request help",
    q_items: "1. Which items?",
    q_kind: "2. What do you need?",
    q_reason: "3. Why?",
    q_details: "4. Details and photos",
    quantity: "Quantity",
    decrease: "Fewer",
    increase: "More",
    nothing_left: "Every unit is already in a request or refunded",
    choose_kind: "Choose what you need.",
    choose_reason: "Choose a reason.",
    reason_closed: "Dashed reasons don't fit the items and help chosen; pick one and the preview says why.",
    need_items: "Choose items first",
    need_intact: "One more step: confirm the item is intact (in step 4)",
    note: "Anything else the shop should know (optional)",
    note_hint: "For example: what is wrong and when you noticed.",
    photos: "Photos",
    photos_hint: "Up to {}. They are shrunk and stripped of location data before upload.",
    add_photos: "Choose photos",
    take_photo: "Take a photo",
    preparing: "Preparing",
    uploading: "Uploading",
    uploaded: "Uploaded",
    upload_failed: "Upload failed",
    undecodable: "This image can't be read. Please pick a JPEG or PNG photo.",
    remove: "Remove",
    remove_photo: "Remove photo",
    intact_confirm: "I confirm the item is complete and ",
    urgent: "This is urgent for me (a gift, an event)",
    carrier_loss: "The courier's record shows the parcel was lost or not delivered",
    parcel_title: "Your parcel",
    parcel_no_scans: "The shop has not shared the courier's scans yet.",
    parcel_moving: "Your parcel is on its way. If there is no new scan after {}, you can ask for a reship or a refund without further proof.",
    parcel_stalled_no_move: "Your parcel has shown no movement for days. You can ask for a reship or a refund now, no proof needed.",
    parcel_stalled_promised: "Your parcel is past its promised delivery date. You can ask for a reship or a refund now, no proof needed.",
    ask_parcel: "Ask the shop where it is",
    ask_parcel_note: "Anything to add (optional)",
    claim_reship: "Reship it",
    claim_refund: "Refund me",
    complaint_title: "Unhappy with our service?",
    complaint_hint: "Tell the owner directly: the owner answers you personally within {} hours.",
    complaint_note: "What happened",
    complaint_send: "Send to the owner",

    preview_title: "What to expect",
    preview_pick: "Choose items, what you need and why: you'll see here whether you can ask, who pays return shipping and your refund.",
    allowed: "You can ask for this",
    refused: "This can't be requested",
    return_shipping: "Return shipping",
    paid_by_you: "Paid by you",
    paid_by_shop: "Paid by the shop",
    no_return_needed: "Nothing to send back",
    insurance_pays: "Shipping insurance pays about",
    insurance_covers: "Covered by shipping insurance",
    refund_estimate: "Estimated refund",
    refund: "Refund",
    no_refund_kind: "No refund for this kind of request: the shop sends you goods instead.",
    next_steps: "What happens next",
    fast_refund: "You qualify for a fast refund: it is paid once you enter the return's tracking number.",
    server_check: "The shop's system checks the request again when you send it.",

    b_items: "Items",
    b_discounts: "Discounts",
    b_original_shipping: "Original shipping",
    b_restocking: "Restocking fee",
    b_free_shipping: "Free shipping given back",
    b_inspection: "Inspection deduction",
    b_agreed: "Agreed reduction",
    b_capped: "Above what can be refunded",
    b_postage: "Return postage",
    b_goodwill: "Goodwill from the shop",
    postage_label: "Postage you paid",
    postage_back: "Paid back with your refund, up to {}",
    postage_insured: "Your shipping insurance pays this",
    postage_receipt: "Photo of the receipt",
    b_total: "Total refund",

    submit: "Send request",
    submitting: "Sending…",
    uploads_pending: "Please wait for the photos to finish uploading.",
    send_without_failed: "{} photo(s) did not upload. Send the request without them?",
    send_anyway: "Send without them",
    keep_editing: "Go back",

    case_title: "Request",
    your_move: "Your move",
    shop_move: "Waiting for the shop",
    shop_must_answer: "The shop must answer within {}",
    you_must_act: "Please act within {}",
    overdue: "Time is up; this is being handled automatically",
    paused: "The clock is paused while a supervisor looks at it",
    due_at: "Due",
    due_paren: " (due {})",
    passive_kicker: "Nothing to do until it arrives",
    passive_title: "Confirm when it arrives · confirmed automatically on {}",
    stale: "Couldn't update — last updated {}",
    no_such_case: "This request doesn't exist",
    no_such_case_text: "The link may be incomplete. Your order lists all your requests.",
    no_deadline: "Nothing is waiting on a deadline right now.",
    closed_banner: "This request is closed",
    auto_refresh: "This page updates itself",
    bookmark: "Bookmark this page to check back any time.",
    timeline: "Timeline",
    request: "Your request",
    return_address: "Return address",
    return_steps: [
        "Pack the item with its accessories and add a note with the request number.",
        "Send it to the address below and keep the receipt.",
        "Enter the courier and tracking number on this page.",
    ],
    copy_hint: "Press and hold to copy the address",
    copy: "Copy address",
    copied: "Copied",
    copy_failed: "Couldn't copy automatically: the address is selected, copy it yourself.",
    courier: "Courier",
    tracking: "Tracking number",
    send_tracking: "Send tracking number",
    messages: "Messages",
    no_messages: "No messages yet.",
    message_label: "Message the shop",
    send: "Send",
    cancel_request: "Withdraw request",
    cancel_confirm: "Withdraw this request? The request will be closed.",
    keep_request: "Keep it",
    escalate: "Ask a supervisor to step in",
    escalate_hint: "Disagree with the shop? A supervisor reviews it; the clock pauses meanwhile.",
    escalate_note: "Why (optional)",
    confirm_receipt: "I've received it",
    confirm_receipt_hint: "Confirm once the goods the shop sent have arrived.",
    accept_offer: "Accept",
    decline_offer: "Decline",
    rate_title: "Rate this service",
    stars_label: "stars",
    comment: "Comment (optional)",
    send_rating: "Send rating",
    thanks_rating: "Thank you for your rating!",
    add_proof: "Add photos",
    answer_title: "The shop needs more information",
    answer_label: "Your answer",
    send_answer: "Send answer",
    reopen: "Reopen request",
    reopen_hint: "Closed because the information didn't arrive; you can reopen it once.",
    what_you_can_do: "You can",
    done: "Sent",
    done_tracking: "Tracking number sent",
    done_answer: "Answer sent",
    done_proof: "Photos added",
    done_receipt: "Receipt confirmed",
    done_reopen: "Request reopened",
    done_rate: "Rating sent",
    done_escalate: "A supervisor will review it",
    done_cancel: "Request withdrawn",
    done_message: "Message sent",
    changed_elsewhere: "This request was just updated; here is its current state.",
    you: "You",
    shop: "Shop",
    warehouse: "Shop's warehouse",
    supervisor: "Supervisor",
    system: "System",
    back_to_order: "Back to order",
    photo_alt: "Photo",
    tips_title: "Try these first",
    tips_lead: "The shop's troubleshooting steps for this item: many problems are fixed in minutes.",
    tips_ask: "Did this solve it?",
    tips_solved: "Yes, solved",
    tips_continue: "No, continue my request",
    tips_thanks: "Glad it's fixed: no request needed.",
    tips_thanks_more: "If the problem comes back, you can still send a request here.",
};

/// The table for a language.
#[must_use]
pub fn t(lang: Lang) -> &'static Texts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

/// A fixed text in the current language, for a view or an attribute: `{tr(lang, |t| t.submit)}`.
///
/// Why a helper rather than `move || t(lang.get()).submit` at each place: every closure is its
/// own type, and Leptos compiles its rendering code once per type (about 90 texts made 90 copies
/// in the wasm). The closure returned here has one type whatever `pick` is.
pub fn tr(
    lang: leptos::prelude::RwSignal<Lang>,
    pick: fn(&Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    use leptos::prelude::Get;
    move || pick(t(lang.get()))
}

/// Fills the `{}` of a template.
#[must_use]
pub fn fill(template: &str, value: &str) -> String {
    match template.split_once("{}") {
        Some((before, after)) => [before, value, after].concat(),
        None => template.to_string(),
    }
}

/// A kind as a choice: name and one line on what it means (the one table,
/// `shared::i18n::labels`).
#[must_use]
pub fn kind_choice(kind: CaseKind, lang: Lang) -> (&'static str, &'static str) {
    (labels::kind(kind, lang), labels::kind_hint(kind, lang))
}

/// A reason as a choice (the one table, `shared::i18n::labels`).
#[must_use]
pub fn reason_label(reason: Reason, lang: Lang) -> &'static str {
    labels::reason(reason, lang)
}

/// The tone of a state's chip: what the buyer should feel at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Waiting on the shop.
    Waiting,
    /// The buyer must act.
    Action,
    /// Going well / done well.
    Good,
    /// Refused or stopped.
    Bad,
    /// Finished, neutral.
    Neutral,
}

/// A state as a chip: its label (the one table, `shared::i18n::labels`) and its tone.
#[must_use]
pub fn state_chip(state: StateName, lang: Lang) -> (&'static str, Tone) {
    let tone = match state {
        StateName::InfoRequested | StateName::AwaitingReturn | StateName::OfferPending => {
            Tone::Action
        }
        StateName::Rejected => Tone::Bad,
        StateName::Shipped => Tone::Good,
        StateName::Closed => Tone::Neutral,
        StateName::AwaitingReview
        | StateName::ReturnInTransit
        | StateName::AwaitingDecision
        | StateName::AwaitingShipment
        | StateName::Escalated
        | StateName::AwaitingOwnerApproval => Tone::Waiting,
    };
    (
        shared::i18n::labels::state(state, shared::i18n::Audience::Buyer, lang),
        tone,
    )
}

/// What "intact" means for an item, completing [`Texts::intact_confirm`].
#[must_use]
pub fn intact_rule(rule: IntactRule, lang: Lang) -> &'static str {
    let zh = lang == Lang::ZhCn;
    match rule {
        IntactRule::SealUnbroken => {
            if zh {
                "封口未拆封"
            } else {
                "its seal is unbroken"
            }
        }
        IntactRule::NotActivated => {
            if zh {
                "设备未激活"
            } else {
                "it was never activated"
            }
        }
        IntactRule::TagsOn => {
            if zh {
                "吊牌完好、未穿着"
            } else {
                "its tags are still on and it wasn't worn"
            }
        }
        IntactRule::Unused => {
            if zh {
                "未使用，配件和包装齐全"
            } else {
                "it is unused, with all accessories and packaging"
            }
        }
    }
}

/// The start of the "what happens next" sentence, before the remaining time.
#[must_use]
pub fn next_step_text(who: Party, lang: Lang) -> &'static str {
    match (who, lang) {
        (Party::Buyer, Lang::ZhCn) => "您需要处理的剩余时间：",
        (Party::Buyer, Lang::En) => "You'll have this long to act: ",
        (Party::Shop { .. }, Lang::ZhCn) => "商家会在这段时间内答复：",
        (Party::Shop { .. }, Lang::En) => "The shop answers within ",
    }
}

/// What a deadline will do when it passes, said before it does (the policy's own sentences in
/// `shared::i18n` tell it afterwards, in the timeline).
#[must_use]
pub fn expiry_future(outcome: ExpiryOutcome, lang: Lang) -> &'static str {
    let zh = lang == Lang::ZhCn;
    match outcome {
        ExpiryOutcome::Overdue => {
            if zh {
                "逾期未答复将标为超时并优先处理"
            } else {
                "If no answer by then, your question is marked overdue and comes first."
            }
        }
        ExpiryOutcome::AutoRefund => {
            if zh {
                "逾期未处理将自动退款"
            } else {
                "If no answer by then, you are refunded automatically."
            }
        }
        ExpiryOutcome::AutoApprove => {
            if zh {
                "逾期未处理将自动同意您的申请"
            } else {
                "If no answer by then, your request is approved automatically."
            }
        }
        ExpiryOutcome::CloseRejected => {
            if zh {
                "逾期未修改或申请介入，售后将关闭"
            } else {
                "If you neither revise nor escalate by then, the request closes."
            }
        }
        ExpiryOutcome::CloseInfoTimeout => {
            if zh {
                "逾期未补充信息，售后将关闭（可重新打开一次）"
            } else {
                "Without the information by then, the request closes (you can reopen it once)."
            }
        }
        ExpiryOutcome::CloseAbandoned => {
            if zh {
                "逾期未寄回，售后将关闭"
            } else {
                "If nothing is sent back by then, the request closes."
            }
        }
        ExpiryOutcome::ReleaseReturn => {
            if zh {
                "逾期未确认收货，将自动退款或换新"
            } else {
                "If the shop doesn't confirm by then, your refund or replacement is released automatically."
            }
        }
        ExpiryOutcome::ProceedAfterInspection => {
            if zh {
                "逾期未处理，将按验货结果继续"
            } else {
                "If the shop doesn't decide by then, it goes ahead on the inspection."
            }
        }
        ExpiryOutcome::EscalateToOwner => {
            if zh {
                "逾期未发货，将交由主管跟进"
            } else {
                "If it hasn't shipped by then, a supervisor takes over."
            }
        }
        ExpiryOutcome::AutoConfirmReceipt => {
            if zh {
                "逾期未确认，将自动确认收货"
            } else {
                "If you don't confirm by then, delivery is confirmed automatically."
            }
        }
        ExpiryOutcome::DeclineOffer => {
            if zh {
                "逾期未答复，视为不接受"
            } else {
                "If you don't answer by then, the offer counts as declined."
            }
        }
    }
}

/// Who did something, as the buyer reads it.
#[must_use]
pub fn actor(actor: &Actor, lang: Lang) -> &'static str {
    let t = t(lang);
    match actor {
        Actor::Buyer => t.you,
        Actor::Staff {
            role: Role::Warehouse,
            ..
        } => t.warehouse,
        Actor::Staff {
            role: Role::Owner, ..
        } => t.supervisor,
        Actor::Staff {
            role: Role::Agent, ..
        } => t.shop,
        Actor::System => t.system,
    }
}

/// One history entry as a headline and an optional detail (the shop's note, a tracking number).
#[must_use]
pub fn event_line(kind: &EventKind, lang: Lang, currency: &str) -> (String, Option<String>) {
    let zh = lang == Lang::ZhCn;
    let s = |a: &str, b: &str| if zh { a.to_string() } else { b.to_string() };
    let note = |n: &str| (!n.trim().is_empty()).then(|| n.to_string());
    let kind_name = |k: CaseKind| kind_choice(k, lang).0;
    match kind {
        EventKind::Filed => (s("提交了售后申请", "Request filed"), None),
        EventKind::ProofAdded { photos } => (
            if zh {
                format!("补充了 {} 张照片", photos.len())
            } else {
                format!("Added {} photo(s)", photos.len())
            },
            None,
        ),
        EventKind::InfoRequested { question } => (
            s("商家需要更多信息", "The shop asked for more information"),
            note(question),
        ),
        EventKind::InfoAnswered { note: n, .. } => (s("已回复商家", "You answered"), note(n)),
        EventKind::Approved { solution, note: n } => (
            if zh {
                format!("商家已同意：{}", kind_name(solution.kind()))
            } else {
                format!("Approved: {}", kind_name(solution.kind()))
            },
            note(n),
        ),
        EventKind::Rejected {
            reason_code,
            note: n,
        } => {
            let why = reason_code.message(lang);
            (
                s("商家拒绝了申请", "The shop rejected the request"),
                Some(note(n).map_or(why.clone(), |n| format!("{why} {n}"))),
            )
        }
        EventKind::Escalated {
            note: n,
            by_timeout,
        } => (
            if *by_timeout {
                s("已超时，交由主管跟进", "Overdue: a supervisor took over")
            } else {
                s("申请主管介入", "Escalated to a supervisor")
            },
            note(n),
        ),
        EventKind::EscalationResolved { note: n, .. } => {
            (s("主管已处理", "The supervisor decided"), note(n))
        }
        EventKind::Overridden { reason, .. } => (
            s("商家特殊处理", "The shop made an exception"),
            note(reason),
        ),
        EventKind::ReturnShipped {
            carrier,
            tracking,
            postage,
        } => (
            s("已寄回商品", "Return shipped"),
            Some(match postage {
                Some(p) => format!(
                    "{carrier} {tracking} · {}",
                    crate::format::money(p.amount, currency)
                ),
                None => format!("{carrier} {tracking}"),
            }),
        ),
        EventKind::PostageAdjusted { amount, reason } => (
            format!(
                "{} {}",
                t(lang).b_postage,
                crate::format::money(*amount, currency)
            ),
            note(reason),
        ),
        EventKind::FastRefunded { breakdown } => (
            if zh {
                format!(
                    "极速退款 {}",
                    crate::format::money(breakdown.total, currency)
                )
            } else {
                format!(
                    "Fast refund of {}",
                    crate::format::money(breakdown.total, currency)
                )
            },
            None,
        ),
        EventKind::ReturnArrived => (
            s("退货已被商家签收", "The return was signed for at the shop"),
            None,
        ),
        EventKind::Received { inspection } => (
            if inspection.passed {
                s("商家已收货，验货通过", "Received and inspected: all fine")
            } else {
                s(
                    "商家已收货，验货发现问题",
                    "Received: the inspection found a problem",
                )
            },
            note(&inspection.note),
        ),
        EventKind::ReturnDeemedReceived => (
            s("视为商家已收到退货", "The return counts as received"),
            None,
        ),
        EventKind::Refunded { breakdown } if breakdown.goodwill.is_positive() => (
            if zh {
                format!(
                    "商家补偿 {}，已退到您的付款账户",
                    crate::format::money(breakdown.total, currency)
                )
            } else {
                format!(
                    "Goodwill of {} paid back to you",
                    crate::format::money(breakdown.total, currency)
                )
            },
            None,
        ),
        EventKind::Refunded { breakdown } => (
            if zh {
                format!("已退款 {}", crate::format::money(breakdown.total, currency))
            } else {
                format!(
                    "Refunded {}",
                    crate::format::money(breakdown.total, currency)
                )
            },
            None,
        ),
        EventKind::ItemShipped {
            shipment,
            carrier,
            tracking,
        } => {
            let what = match (shipment, zh) {
                (ShipmentKind::Replacement, true) => "商家已寄出新商品",
                (ShipmentKind::Replacement, false) => "Your replacement was shipped",
                (ShipmentKind::Repaired, true) => "维修后的商品已寄出",
                (ShipmentKind::Repaired, false) => "Your repaired item was shipped",
                (ShipmentKind::Reshipment, true) => "商家已补发",
                (ShipmentKind::Reshipment, false) => "The missing goods were shipped again",
            };
            (what.to_string(), Some(format!("{carrier} {tracking}")))
        }
        EventKind::ReceiptConfirmed { automatic } => (
            if *automatic {
                s("系统自动确认收货", "Delivery confirmed automatically")
            } else {
                s("您已确认收货", "You confirmed delivery")
            },
            None,
        ),
        EventKind::DeadlineExpired { outcome, .. } => (
            s("已到处理时限", "A deadline passed"),
            Some(outcome.message(lang)),
        ),
        EventKind::Closed { outcome } => (s("售后已结束", "Closed"), Some(outcome.message(lang))),
        EventKind::Reopened => (s("重新打开了申请", "Request reopened"), None),
        EventKind::Rated { stars, comment } => (
            if zh {
                format!("评价 {stars} 星")
            } else {
                format!("Rated {stars} of 5")
            },
            note(comment),
        ),
        // The case page lists messages on their own, not in the timeline.
        EventKind::MessagePosted { .. } => (s("留言", "Message"), None),
        EventKind::OfferMade { offer, note: n } => {
            let what = match offer {
                Offer::PartialRefund { amount } => {
                    let m = crate::format::money(*amount, currency);
                    if zh {
                        format!("部分退款 {m}，商品无需寄回")
                    } else {
                        format!("a partial refund of {m}; you keep the item")
                    }
                }
                Offer::Exchange => kind_name(CaseKind::Exchange).to_string(),
                Offer::Repair => kind_name(CaseKind::Repair).to_string(),
            };
            (
                if zh {
                    format!("商家提出新方案：{what}")
                } else {
                    format!("The shop offers: {what}")
                },
                note(n),
            )
        }
        EventKind::OfferAccepted => (s("您接受了商家的方案", "You accepted the offer"), None),
        EventKind::OfferDeclined { note: n, automatic } => (
            if *automatic {
                s("未答复，视为不接受", "Not answered: declined")
            } else {
                s("您未接受商家的方案", "You declined the offer")
            },
            note(n),
        ),
        EventKind::TakenToPlatform {
            forum,
            external_ref,
        } => (
            if zh {
                format!("已提交{}处理", labels::forum(*forum, lang))
            } else {
                format!("Taken to {}", labels::forum(*forum, lang).to_lowercase())
            },
            note(external_ref),
        ),
        // The shop's internal sign-off (its notes are not shown to the buyer).
        EventKind::RefundProposed { .. }
        | EventKind::ProposalApproved { .. }
        | EventKind::ProposalDeclined { .. } => (s("商家审核中", "The shop is reviewing"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_once() {
        assert_eq!(
            fill(EN.shop_must_answer, "23 h 12 min"),
            "The shop must answer within 23 h 12 min"
        );
        assert_eq!(
            fill(ZH.shop_must_answer, "23小时12分"),
            "商家需在 23小时12分 内处理"
        );
        // A receipt's picker takes one photo, a request's nine: the hint says which.
        assert!(fill(EN.photos_hint, "1").starts_with("Up to 1. "));
        assert!(fill(ZH.photos_hint, "9").starts_with("最多 9 张"));
    }

    #[test]
    fn every_state_has_a_chip_in_both_languages() {
        for state in StateName::ALL {
            let (zh, _) = state_chip(state, Lang::ZhCn);
            let (en, _) = state_chip(state, Lang::En);
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{state:?}");
        }
    }

    #[test]
    fn an_offer_says_what_the_buyer_would_get_with_the_shops_note() {
        let kind = EventKind::OfferMade {
            offer: Offer::PartialRefund {
                amount: shared::domain::Money(8_000),
            },
            note: "Sorry".into(),
        };
        let (en, note) = event_line(&kind, Lang::En, "CNY");
        assert!(en.contains("80.00") && en.contains("keep the item"), "{en}");
        assert_eq!(note.as_deref(), Some("Sorry"));
        let (zh, _) = event_line(&kind, Lang::ZhCn, "CNY");
        assert!(zh.contains("80.00") && zh.contains("无需寄回"), "{zh}");
    }

    #[test]
    fn no_string_is_left_empty_in_either_language() {
        // A cheap guard: the Debug output of the tables has no empty string literal.
        for table in [format!("{ZH:?}"), format!("{EN:?}")] {
            assert!(!table.contains("\"\""));
        }
    }
}
