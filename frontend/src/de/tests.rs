//! The reader against serde_json, where it runs: in wasm, on what the JS engine's `JSON.parse`
//! makes of the text (run by `wasm-bindgen-test-runner` in Node, whose V8 parses JSON as the
//! browser's does). Every response body the portal and the admin read is read by both from the
//! same text, and both must give the same value, or both refuse it. Where they differ on
//! purpose, a test says so: a number `JSON.parse` cannot hold exactly is refused, never rounded.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::Lang;
use shared::api::{
    AnalyticsReport, BatchApproveReport, BatchOutcome, BatchResult, BuyerCaseView, BuyerOrderView,
    CannedReply, CaseSummary, CaseView, ErrorBody, FieldProblem, LookupResponse, PhotoUploaded,
    QueuePage, SessionView, StaffView, Viewer,
};
use shared::domain::{
    ActionKind, Actor, Case, CaseKind, CaseRequest, Event, EventKind, ExpiryOutcome, Inspection,
    MS_PER_DAY, Money, Offer, Order, Outcome, Party, Proposal, Reason, RefundBreakdown, RefundLine,
    RejectReason, RequestedLine, Resolution, Role, ShipmentKind, Solution, StateName, Timestamp,
};
use shared::policy::{
    BuyerStanding, CategoryPolicy, Deadline, IntactRule, Payer, Policy, Priority, PriorityClass,
    PriorityReason, eligibility,
};
use wasm_bindgen_test::wasm_bindgen_test;

use super::De;

/// Our reader's answer for `text`: parsed by `JSON.parse`, read by [`De`].
fn ours<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    T::deserialize(De(value)).ok()
}

/// serde_json's answer for the same text.
fn theirs<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

/// Both readers give the same answer for `text`; it is returned.
fn agree<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Option<T> {
    let (a, b) = (ours::<T>(text), theirs::<T>(text));
    assert_eq!(a, b, "the readers disagree on {text}");
    a
}

/// Both readers read `value` back from its JSON.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let text = serde_json::to_string(value).unwrap_or_default();
    assert_eq!(agree::<T>(&text).as_ref(), Some(value), "{text}");
}

/// `value`'s JSON, edited.
fn edited<T: Serialize>(value: &T, edit: impl FnOnce(&mut Value)) -> String {
    let mut json = serde_json::to_value(value).unwrap_or_default();
    edit(&mut json);
    json.to_string()
}

/// A field of an object, to edit (`Value::Null` if there is none).
fn at<'a>(json: &'a mut Value, path: &[&str]) -> &'a mut Value {
    path.iter().fold(json, |v, key| &mut v[*key])
}

fn remove(json: &mut Value, path: &[&str], key: &str) {
    if let Some(object) = at(json, path).as_object_mut() {
        object.remove(key);
    }
}

/// The 409 answer to a staff command, as the admin reads them: the error, and the case
/// as it is now.
#[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
struct Stale {
    code: String,
    message: String,
    #[serde(default)]
    current: Option<CaseView>,
}

const NOW: i64 = 1_795_000_000_000;

fn order() -> Order {
    let value = json!({
        "number": "TB20261120001", "shop_id": "demo", "currency": "CNY",
        "buyer": { "name": "李雷 Li Lei", "email": "l***@example.com", "phone": "138****0000" },
        "lines": [
            { "sku": "SHIRT-OX-L", "title": "牛津纺衬衫 Oxford shirt", "category": "clothing",
              "unit_price": 19900, "quantity": 1, "discount": 2000,
              "flags": { "custom_made": false, "perishable": false } },
            { "sku": "SOCKS", "title": "Socks 🧦", "category": "socks",
              "unit_price": 990, "quantity": 3 }
        ],
        "shipping_fee": 1000, "free_shipping_threshold": 9900, "shipping_insurance": true,
        "paid_at": NOW - 10 * MS_PER_DAY, "shipped_at": NOW - 9 * MS_PER_DAY,
        "signed_for_at": NOW - 7 * MS_PER_DAY
    });
    serde_json::from_value(value).unwrap_or_else(|e| panic!("an order: {e}"))
}

fn breakdown() -> RefundBreakdown {
    RefundBreakdown {
        items: Money(19_900),
        discounts: Money(2_000),
        original_shipping: Money(1_000),
        restocking_fee: Money(0),
        free_shipping_deduction: Money(1_000),
        inspection_deduction: Money(500),
        agreed_reduction: Money(0),
        capped_by: Money(0),
        insurance_payout: Money(1_000),
        return_postage: Money(1_200),
        goodwill: Money(0),
        total: Money(17_400),
        lines: vec![RefundLine {
            sku: "SHIRT-OX-L".into(),
            quantity: 1,
            items: Money(19_900),
            discount: Money(2_000),
            restocking_fee: Money(0),
        }],
    }
}

/// A case with a long history: most kinds of event, tagged enums inside tagged enums, text in
/// three scripts.
fn case() -> Case {
    let order = order();
    let agent = Actor::Staff {
        id: "st_1".into(),
        role: Role::Agent,
    };
    let owner = Actor::Staff {
        id: "st_0".into(),
        role: Role::Owner,
    };
    let events = [
        (Actor::Buyer, EventKind::Filed),
        (
            Actor::Buyer,
            EventKind::ProofAdded {
                photos: vec!["ph_1".into(), "ph_2".into()],
            },
        ),
        (
            agent.clone(),
            EventKind::InfoRequested {
                question: "哪只袖子？ Which sleeve?".into(),
            },
        ),
        (
            Actor::Buyer,
            EventKind::InfoAnswered {
                note: "左边 \"left\" \\ 😀".into(),
                photos: vec!["ph_3".into()],
            },
        ),
        (
            Actor::Buyer,
            EventKind::MessagePosted {
                text: "Line one\nLine two\t— ok? ✓".into(),
            },
        ),
        (
            agent.clone(),
            EventKind::OfferMade {
                offer: Offer::PartialRefund {
                    amount: Money(5_000),
                },
                note: "保留衬衫，退50元？".into(),
            },
        ),
        (
            Actor::Buyer,
            EventKind::OfferDeclined {
                note: String::new(),
                automatic: false,
            },
        ),
        (
            agent.clone(),
            EventKind::RefundProposed {
                proposal: Proposal::Approve {
                    solution: Solution::RefundOnly {
                        amount: Some(Money(17_400)),
                    },
                },
                amount: Money(17_400),
                note: "over my limit".into(),
            },
        ),
        (
            owner.clone(),
            EventKind::ProposalApproved {
                note: String::new(),
            },
        ),
        (
            agent.clone(),
            EventKind::Approved {
                solution: Solution::ReturnAndRefund,
                note: String::new(),
            },
        ),
        (
            Actor::Buyer,
            EventKind::ReturnShipped {
                carrier: "顺丰 SF Express".into(),
                tracking: "SF1029384756".into(),
                postage: Some(shared::domain::PostageClaim {
                    amount: Money(1_200),
                    receipt: "0123456789abcdef0123456789abcdef".into(),
                }),
            },
        ),
        (
            Actor::System,
            EventKind::FastRefunded {
                breakdown: breakdown(),
            },
        ),
        (
            Actor::Staff {
                id: "st_1".into(),
                role: Role::Agent,
            },
            EventKind::Refunded {
                breakdown: RefundBreakdown::goodwill(Money(3_000)),
            },
        ),
        (Actor::System, EventKind::ReturnArrived),
        (
            Actor::Staff {
                id: "st_2".into(),
                role: Role::Warehouse,
            },
            EventKind::Received {
                inspection: Inspection {
                    passed: false,
                    note: "tag cut".into(),
                    deduction: Money(500),
                },
            },
        ),
        (
            Actor::Buyer,
            EventKind::Escalated {
                note: "不同意".into(),
                by_timeout: false,
            },
        ),
        (
            owner,
            EventKind::EscalationResolved {
                resolution: Resolution::Reject {
                    reason_code: RejectReason::NotIntact,
                },
                note: String::new(),
            },
        ),
        (
            agent,
            EventKind::ItemShipped {
                shipment: ShipmentKind::Replacement,
                carrier: "EMS".into(),
                tracking: "E1".into(),
            },
        ),
        (
            Actor::System,
            EventKind::DeadlineExpired {
                due: Timestamp(NOW - MS_PER_DAY),
                outcome: ExpiryOutcome::AutoConfirmReceipt,
            },
        ),
        (
            Actor::System,
            EventKind::Refunded {
                breakdown: breakdown(),
            },
        ),
        (
            Actor::System,
            EventKind::Closed {
                outcome: Outcome::Refunded,
            },
        ),
        (
            Actor::Buyer,
            EventKind::Rated {
                stars: 5,
                comment: "很好".into(),
            },
        ),
    ];
    Case {
        id: "AS-20261120-0001".into(),
        request: CaseRequest {
            kind: CaseKind::ReturnAndRefund,
            reason: Reason::SizeOrFit,
            lines: vec![RequestedLine {
                sku: "SHIRT-OX-L".into(),
                quantity: 1,
            }],
            note: "太小了 too small".into(),
            photos: vec!["ph_0".into()],
            intact_confirmed: true,
            urgent: true,
            carrier_confirms_loss: false,
            lang: Some(Lang::En),
            review: None,
        },
        filed_at: Timestamp(NOW - 6 * MS_PER_DAY),
        events: events
            .into_iter()
            .enumerate()
            .map(|(i, (actor, kind))| Event {
                at: Timestamp(NOW - 6 * MS_PER_DAY + i as i64 * 60_000),
                actor,
                kind,
            })
            .collect(),
        order,
    }
}

fn policy() -> Policy {
    Policy {
        categories: [(
            "clothing".to_string(),
            CategoryPolicy {
                intact_rule: IntactRule::TagsOn,
                warranty_days: Some(90),
                ..CategoryPolicy::default()
            },
        )]
        .into(),
        holidays: vec!["2026-10-01".into()],
        return_address: "上海市浦东新区 仓库 1 号".into(),
        ..Policy::default()
    }
}

fn summary() -> CaseSummary {
    CaseSummary {
        id: "AS-1".into(),
        order: "TB1".into(),
        kind: CaseKind::Repair,
        reason: Reason::QualityFault,
        state: StateName::AwaitingReview,
        waiting_for: Some(Party::Shop { role: Role::Agent }),
        due: Some(Timestamp(NOW + MS_PER_DAY)),
        filed_at: Timestamp(NOW),
        closed: false,
        priority_class: 1,
        priority_reasons: vec!["threat_words".into()],
        title: "电视 TV".into(),
        buyer: "王".into(),
        refunded: Some(Money(0)),
        rating: Some(255),
        assignee: Some("st_1".into()),
        on_expiry: Some(ExpiryOutcome::AutoApprove),
        amount: Some(Money(-1)),
        currency: "CNY".into(),
        low_risk: true,
        version: u32::MAX,
        buyer_lang: Some(Lang::ZhCn),
        expiry_on_record: true,
    }
}

fn staff_view() -> CaseView {
    CaseView {
        case: case(),
        state: StateName::Closed,
        deadline: Some(Deadline {
            waiting_for: Party::Buyer,
            due: Timestamp(NOW + MS_PER_DAY),
            on_expiry: ExpiryOutcome::CloseAbandoned,
            paused: true,
        }),
        actions: vec![ActionKind::Message, ActionKind::Override],
        refund: Some(breakdown()),
        return_shipping_payer: Some(Payer::Insurer),
        return_postage: shared::policy::PostageTerms::Reimbursed { cap: Money(3_000) },
        return_address: Some("上海市\n仓库 1 号".into()),
        refund_arrives_in_working_days: Some([1, 3]),
        priority: Some(Priority {
            class: PriorityClass::Dispute,
            due: None,
            urgent: true,
            reasons: vec![
                PriorityReason::Escalated,
                PriorityReason::ThreatWords {
                    word: "投诉".into(),
                },
            ],
        }),
        buyer_history: vec![summary()],
        server_time: Timestamp(NOW),
        utc_offset_minutes: -300,
        version: 42,
        news: Some(shared::api::notify::CaseNews {
            key: "AS-1.approved.1".into(),
            zh: "商家已同意".into(),
            en: "Approved".into(),
        }),
    }
}

fn order_view() -> BuyerOrderView {
    let order = order();
    let cases = vec![case()];
    let policy = policy();
    BuyerOrderView {
        eligibility: eligibility(&order, &cases, &policy, Timestamp(NOW)),
        order,
        cases,
        policy,
        tips: vec![shared::policy::LineTips {
            skus: vec!["SHIRT-M".into()],
            tips: vec![shared::policy::Tip {
                title: "起球怎么办".into(),
                steps: vec!["用剃毛球器".into(), "Wash inside out".into()],
            }],
        }],
        standing: BuyerStanding {
            past_cases: 3,
            rejected_for_abuse: 1,
        },
        server_time: Timestamp(NOW),
    }
}

fn analytics() -> AnalyticsReport {
    use shared::analytics::{
        AgentFigures, DurationBucket, Durations, KindCount, PeriodFigures, ProductFigures,
        RatingComment, ReasonCount, ReportScope, Totals,
    };
    let durations = Durations {
        cases: 3,
        median_minutes: Some(60),
        p90_minutes: None,
        buckets: vec![
            DurationBucket {
                up_to_minutes: Some(60),
                cases: 2,
            },
            DurationBucket {
                up_to_minutes: None,
                cases: 1,
            },
        ],
    };
    AnalyticsReport {
        scope: ReportScope::Shop,
        today: "2026-12-01".into(),
        totals: Totals {
            cases: 12,
            open: 3,
            refunded_cases: 2,
            refunded: Money(123_456),
            refund_rate_bps: Some(1_666),
            rating_avg_x100: Some(450),
            ratings: 2,
            ..Totals::default()
        },
        by_kind: vec![KindCount {
            kind: CaseKind::Repair,
            cases: 2,
        }],
        by_state: Vec::new(),
        by_reason: vec![ReasonCount {
            reason: Reason::QualityFault,
            cases: 4,
        }],
        by_product: vec![ProductFigures {
            sku: "SHIRT-M".into(),
            title: "衬衫".into(),
            cases: 3,
            reasons: vec![ReasonCount {
                reason: Reason::SizeOrFit,
                cases: 3,
            }],
        }],
        days: vec![PeriodFigures {
            start: "2026-12-01".into(),
            filed: 1,
            closed: 0,
            refunded_cases: 0,
            refunded: Money::ZERO,
        }],
        weeks: Vec::new(),
        first_answer: durations.clone(),
        resolution: Durations::default(),
        agents: vec![AgentFigures {
            id: "st_1".into(),
            name: "小李".into(),
            cases: 4,
            ratings: 2,
            rating_avg_x100: Some(450),
            first_answer: durations,
        }],
        comments: vec![RatingComment {
            case_id: "AS-1".into(),
            agent: Some("st_1".into()),
            stars: 5,
            comment: "很快 \"好\"".into(),
            at: Timestamp(NOW),
        }],
        helped: shared::analytics::HelpedFigures {
            total: 2,
            by_category: vec![shared::analytics::HelpedCount {
                category: "kettle".into(),
                helped: 2,
            }],
        },
        reviews: shared::analytics::ReviewFigures {
            recorded: 3,
            revised: 1,
            removed: 0,
            unchanged: 1,
            recovery_rate_bps: Some(5_000),
            by_agent: vec![shared::analytics::Recovery {
                id: "st_1".into(),
                name: "小李".into(),
                closed: 2,
                recovered: 1,
                rate_bps: Some(5_000),
            }],
            by_product: Vec::new(),
        },
    }
}

#[wasm_bindgen_test]
fn every_answer_of_the_portal_reads_as_serde_json_reads_it() {
    let view = order_view();
    round_trip(&view);
    round_trip(&LookupResponse {
        token: "eyJ0eXAi.x-y_z".into(),
        expires_at: Timestamp(NOW + MS_PER_DAY),
        order: view,
    });
    round_trip(&PhotoUploaded {
        id: "ph_1".into(),
        content_type: "image/jpeg".into(),
        bytes: 9_007_199_254_740_991,
        width: u32::MAX,
        height: 0,
    });
    round_trip(&ErrorBody {
        code: "invalid_fields".into(),
        message: "请检查 · Check the fields".into(),
        fields: vec![FieldProblem {
            field: "lines[0].quantity".into(),
            code: "too_many".into(),
            message: "最多 1 件".into(),
        }],
    });
    // A buyer's case view: the worker's answer without the staff-only parts, and with them (a
    // buyer is never sent them; were they there, they would be passed over unread).
    let staff = staff_view();
    let buyer = CaseView {
        priority: None,
        buyer_history: Vec::new(),
        ..staff.clone()
    };
    for view in [&buyer, &staff] {
        let text = serde_json::to_string(view).unwrap_or_default();
        let read = agree::<BuyerCaseView>(&text);
        assert_eq!(
            read.map(|r| (r.case, r.version)),
            Some((staff.case.clone(), 42))
        );
    }
}

#[wasm_bindgen_test]
fn every_answer_of_the_admin_reads_as_serde_json_reads_it() {
    round_trip(&staff_view());
    round_trip(&Stale {
        code: "conflict".into(),
        message: "Someone else just updated this case.".into(),
        current: Some(staff_view()),
    });
    assert_eq!(
        agree::<Stale>(r#"{"code":"conflict","message":"m"}"#).map(|s| s.current),
        Some(None)
    );
    round_trip(&QueuePage {
        items: vec![summary(), summary()],
        next_cursor: Some("c:2".into()),
        batch_max_cases: 20,
        batch_max_amount: Money(600_000),
    });
    round_trip(&vec![summary()]);
    round_trip(&SessionView {
        staff: StaffView {
            id: "st_0".into(),
            email: "owner@example.com".into(),
            name: "店主".into(),
            role: Role::Owner,
        },
        csrf_token: "t0k3n".into(),
    });
    round_trip(&vec![
        Viewer {
            id: "st_1".into(),
            name: "小王".into(),
        },
        Viewer {
            id: "st_2".into(),
            name: "Ann".into(),
        },
    ]);
    round_trip(&vec![CannedReply {
        id: "late".into(),
        title: "apology: late parcel".into(),
        zh: "抱歉，{buyer}，您的订单 {order} …".into(),
        en: "Sorry, {buyer}: order {order} …".into(),
    }]);
    round_trip(&BatchApproveReport {
        results: vec![
            BatchResult {
                id: "AS-1".into(),
                outcome: BatchOutcome::Applied,
                message: None,
            },
            BatchResult {
                id: "AS-2".into(),
                outcome: BatchOutcome::Refused,
                message: Some("不再是低风险".into()),
            },
        ],
    });
    round_trip(&analytics());
}

#[wasm_bindgen_test]
fn unknown_fields_are_passed_over_except_where_a_type_refuses_them() {
    let extra = json!({ "nested": [1, { "deep": null }], "n": 1.5, "s": "新" });
    let text = edited(&order_view(), |j| {
        j["added_later"] = extra.clone();
        j["eligibility"][1]["allowed"][0]["hint"] = json!("新");
        j["cases"][0]["added"] = extra.clone();
        j["cases"][0]["events"][1]["kind"]["extra"] = json!(true);
        j["cases"][0]["events"][11]["kind"]["breakdown"]["note"] = extra.clone();
    });
    assert_eq!(agree::<BuyerOrderView>(&text), Some(order_view()));
    let text = edited(&summary(), |j| j["new_column"] = extra.clone());
    assert_eq!(agree::<CaseSummary>(&text), Some(summary()));
    // A canned reply is written by the shop and sent back: an unknown field is a mistake.
    let reply = CannedReply {
        id: "a".into(),
        title: "t".into(),
        zh: "中".into(),
        en: "en".into(),
    };
    let text = edited(&reply, |j| j["typo"] = json!("x"));
    assert_eq!(agree::<CannedReply>(&text), None);
    // The same for what the shop's system imports and the buyer files (`Order`, `OrderLine`
    // and `CaseRequest` deny unknown fields), wherever they appear.
    for edit in [
        (|j: &mut Value| j["order"]["lines"][0]["colour"] = json!("blue")) as fn(&mut Value),
        |j| j["cases"][0]["order"]["gift_wrap"] = json!(true),
        |j| j["cases"][0]["request"]["surprise"] = json!(1),
    ] {
        assert_eq!(agree::<BuyerOrderView>(&edited(&order_view(), edit)), None);
    }
}

#[wasm_bindgen_test]
fn a_missing_required_field_is_refused_and_a_defaulted_one_is_filled_in() {
    // Required: the answer is not what the route answers.
    let without = |edit: fn(&mut Value)| agree::<BuyerOrderView>(&edited(&order_view(), edit));
    assert_eq!(without(|j| remove(j, &[], "server_time")), None);
    assert_eq!(without(|j| remove(j, &["order"], "currency")), None);
    assert_eq!(without(|j| remove(&mut j["cases"][0], &[], "events")), None);
    assert_eq!(
        without(|j| remove(&mut j["eligibility"][0], &[], "sku")),
        None
    );
    // The policy is all defaults: a field it lacks is the default's.
    let read = without(|j| remove(j, &["policy"], "no_reason_days"));
    assert_eq!(read.map(|v| v.policy), Some(policy()));
    let text = edited(&staff_view(), |j| remove(j, &[], "version"));
    assert_eq!(agree::<CaseView>(&text), None);
    // Defaulted: what an older worker answered still reads.
    let text = edited(&summary(), |j| {
        for key in [
            "on_expiry",
            "amount",
            "currency",
            "low_risk",
            "version",
            "buyer_lang",
            "expiry_on_record",
        ] {
            remove(j, &[], key);
        }
    });
    let read = agree::<CaseSummary>(&text);
    assert_eq!(
        read.map(|s| (
            s.on_expiry,
            s.amount,
            s.currency,
            s.low_risk,
            s.version,
            s.expiry_on_record
        )),
        Some((None, None, String::new(), false, 0, false))
    );
    // An `Option` may be left out or be null; a plain field may not be null.
    let text = edited(&summary(), |j| {
        remove(j, &[], "assignee");
        j["due"] = Value::Null;
    });
    let read = agree::<CaseSummary>(&text);
    assert_eq!(read.map(|s| (s.assignee, s.due)), Some((None, None)));
    let text = edited(&summary(), |j| j["title"] = Value::Null);
    assert_eq!(agree::<CaseSummary>(&text), None);
    let text = r#"{"code":"conflict","message":"m"}"#;
    assert_eq!(agree::<ErrorBody>(text).map(|e| e.fields), Some(Vec::new()));
    assert_eq!(
        agree::<QueuePage>(r#"{"items":[],"next_cursor":null}"#),
        Some(QueuePage::default())
    );
}

#[wasm_bindgen_test]
fn numbers_a_js_number_holds_exactly_read_as_serde_json_reads_them() {
    let photo = |bytes: &str, width: &str| {
        format!(
            r#"{{"id":"p","content_type":"image/png","bytes":{bytes},"width":{width},"height":1}}"#
        )
    };
    let read = |b: &str, w: &str| agree::<PhotoUploaded>(&photo(b, w)).map(|p| (p.bytes, p.width));
    assert_eq!(read("0", "0"), Some((0, 0)));
    assert_eq!(
        read("9007199254740991", "4294967295"),
        Some((9_007_199_254_740_991, u32::MAX))
    );
    // Out of range, negative into unsigned, fractions and non-numbers: both refuse.
    assert_eq!(read("1", "4294967296"), None);
    assert_eq!(read("-1", "1"), None);
    assert_eq!(read("1", "-1"), None);
    assert_eq!(read("1.5", "1"), None);
    assert_eq!(read("\"1\"", "1"), None);
    assert_eq!(read("null", "1"), None);
    assert_eq!(read("true", "1"), None);

    // Money is signed and whole: the largest and smallest exact amounts read.
    let money = |m: &str| {
        agree::<AnalyticsReport>(&edited(&analytics(), |j| {
            j["totals"]["refunded"] = serde_json::from_str(m).unwrap_or_default()
        }))
    };
    assert_eq!(
        money("-9007199254740991").map(|a| a.totals.refunded),
        Some(Money(-9_007_199_254_740_991))
    );
    assert_eq!(
        money("9007199254740991").map(|a| a.totals.refunded),
        Some(Money(9_007_199_254_740_991))
    );
    // u8 and a count: 255 reads, 256 and -1 do not.
    let rating = |r: &str| {
        agree::<CaseSummary>(&edited(&summary(), |j| {
            j["rating"] = serde_json::from_str(r).unwrap_or_default()
        }))
    };
    assert_eq!(rating("255").and_then(|s| s.rating), Some(255));
    assert_eq!(rating("256"), None);
    assert_eq!(rating("-1"), None);
    assert_eq!(
        agree::<AnalyticsReport>(&edited(&analytics(), |j| j["by_kind"][0]["cases"] = json!(-3))),
        None
    );
}

#[wasm_bindgen_test]
fn a_number_js_cannot_hold_exactly_is_refused_never_rounded() {
    // `JSON.parse` reads 9007199254740993 as 9007199254740992: serde_json, reading the text,
    // gets it exactly. The reader cannot, so it refuses the body rather than show a rounded
    // amount or id.
    for big in [
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "1e300",
    ] {
        let text = edited(&analytics(), |j| {
            j["totals"]["refunded"] = serde_json::from_str(big).unwrap_or_default();
        });
        assert_eq!(ours::<AnalyticsReport>(&text), None, "refunded {big}");
        let bytes =
            format!(r#"{{"id":"p","content_type":"x","bytes":{big},"width":1,"height":1}}"#);
        assert_eq!(ours::<PhotoUploaded>(&bytes), None, "bytes {big}");
    }
    // serde_json reads what fits its type exactly.
    let text = edited(&analytics(), |j| j["totals"]["refunded"] = json!(i64::MAX));
    assert_eq!(
        theirs::<AnalyticsReport>(&text).map(|a| a.totals.refunded),
        Some(Money(i64::MAX))
    );
    let bytes = format!(
        r#"{{"id":"p","content_type":"x","bytes":{},"width":1,"height":1}}"#,
        u64::MAX
    );
    assert_eq!(
        theirs::<PhotoUploaded>(&bytes).map(|p| p.bytes),
        Some(u64::MAX)
    );
    // The same inside an internally tagged enum, read through serde's buffering.
    let text = edited(&staff_view(), |j| {
        j["case"]["events"][11]["kind"]["breakdown"]["total"] = json!(9_007_199_254_740_993_i64);
    });
    assert_eq!(ours::<CaseView>(&text), None);
    assert!(theirs::<CaseView>(&text).is_some());
}

#[wasm_bindgen_test]
fn js_numbers_do_not_tell_1_from_1_0() {
    // `JSON.parse("1.0") === 1`: the reader sees a whole number where serde_json sees a float
    // (and refuses it for an integer). Servers write integers without a fraction, so the only
    // difference is that the reader is lenient there.
    let text = r#"{"id":"p","content_type":"x","bytes":2.0,"width":1e3,"height":1}"#;
    assert_eq!(
        ours::<PhotoUploaded>(text).map(|p| (p.bytes, p.width)),
        Some((2, 1000))
    );
    assert_eq!(theirs::<PhotoUploaded>(text), None);
}

#[wasm_bindgen_test]
fn text_reads_the_same_with_escapes_surrogate_pairs_and_cjk() {
    let read =
        |s: &str| agree::<Viewer>(&format!(r#"{{"id":"st_1","name":"{s}"}}"#)).map(|v| v.name);
    assert_eq!(read(r#"\u00e9\u4e2d\u6587"#).as_deref(), Some("é中文"));
    assert_eq!(
        read(r#"\ud83d\ude00 \uD83E\uDDE6"#).as_deref(),
        Some("😀 🧦")
    );
    assert_eq!(
        read(r#"a\"b\\c\/d\b\f\n\r\t"#).as_deref(),
        Some("a\"b\\c/d\u{8}\u{c}\n\r\t")
    );
    assert_eq!(
        read("退货 顺丰 𠮷野家").as_deref(),
        Some("退货 顺丰 𠮷野家")
    );
    assert_eq!(read(r#"\u0000"#).as_deref(), Some("\0"));
    assert_eq!(read("").as_deref(), Some(""));
    // Escaped keys are the same keys.
    assert_eq!(
        agree::<Viewer>(r#"{"\u0069d":"st_1","n\u0061me":"王"}"#)
            .map(|v| v.name)
            .as_deref(),
        Some("王")
    );
    let lone = r#"{"id":"st_1","name":"a\ud800b"}"#;
    // A lone surrogate is not Unicode: serde_json refuses it; JS strings may hold it, and it
    // reaches Rust as U+FFFD (the text is still shown, with a replacement mark).
    assert_eq!(theirs::<Viewer>(lone), None);
    assert_eq!(
        ours::<Viewer>(lone).map(|v| v.name).as_deref(),
        Some("a\u{fffd}b")
    );
}

#[wasm_bindgen_test]
fn shapes_other_than_the_types_are_refused() {
    // Unknown tags of enums, plain and internally tagged.
    let text = edited(&summary(), |j| j["kind"] = json!("teleport"));
    assert_eq!(agree::<CaseSummary>(&text), None);
    let text = edited(&staff_view(), |j| {
        j["case"]["events"][0]["kind"]["type"] = json!("vanished");
    });
    assert_eq!(agree::<CaseView>(&text), None);
    let text = edited(&staff_view(), |j| {
        j["deadline"]["waiting_for"]["party"] = json!("nobody")
    });
    assert_eq!(agree::<CaseView>(&text), None);
    // Wrong kinds of value.
    assert_eq!(agree::<Viewer>(r#"{"id":1,"name":"a"}"#), None);
    assert_eq!(agree::<Vec<Viewer>>(r#"{"id":"1","name":"a"}"#), None);
    assert_eq!(agree::<Viewer>(r#""st_1""#), None);
    assert_eq!(agree::<Viewer>("null"), None);
    assert_eq!(agree::<Vec<Viewer>>("[]"), Some(Vec::new()));
    assert_eq!(
        agree::<AnalyticsReport>(&edited(&analytics(), |j| j["by_kind"] = json!({"repair": 2}))),
        None
    );
    // A struct is read from an object only (serde_json also takes the fields as an array, in
    // order: no server writes that, and the reader does not compile that path in).
    assert_eq!(ours::<Viewer>(r#"["st_1","王"]"#), None);
    assert!(theirs::<Viewer>(r#"["st_1","王"]"#).is_some());
}

#[wasm_bindgen_test]
fn a_repeated_key_keeps_its_last_value() {
    // `JSON.parse` keeps the last of repeated keys; serde_json refuses the object. No server
    // writes one; this pins what the reader does if one did.
    let text = r#"{"id":"st_1","name":"first","name":"last"}"#;
    assert_eq!(
        ours::<Viewer>(text).map(|v| v.name).as_deref(),
        Some("last")
    );
    assert_eq!(theirs::<Viewer>(text), None);
}

#[wasm_bindgen_test]
fn text_that_is_not_json_is_refused_by_both() {
    for text in ["", "{", "{\"id\":\"a\",}", "NaN", "undefined", "{'id':'a'}"] {
        assert_eq!(agree::<Viewer>(text), None, "{text:?}");
    }
}
