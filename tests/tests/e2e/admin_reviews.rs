//! Bad-review recovery (差评挽回) in the admin at 390×844, in Chinese and in English: a bad
//! review the shop's system records through the shop API opens a follow-up in the dispute
//! class; the agent apologises, records that the buyer revised the review, and the owner's
//! analytics count it recovered, for the agent and for the product. Each language runs on a
//! server of its own so the figures are exactly this story's.

use serde_json::json;
use tests::{Api, TEST_API_KEY};

use crate::admin::{Desk, Shop};
use crate::helpers::*;
use crate::support::{fresh_orders, unique};

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_review_recorded_through_the_shop_api_is_recovered_and_counted() {
    for lang in ["zh-CN", "en"] {
        let shop = Shop::own(&format!("reviews-{lang}"));
        let orders = fresh_orders(&unique("rv"));
        shop.import(&orders);
        let order = story(&orders, tests::fixtures::stories::SHIRT);
        let sku = order.lines[0].sku.clone();
        let system = Api::new(&shop.base).with_bearer(TEST_API_KEY);
        let opened = system.post(
            &shared::api::routes::shop_order_reviews(&order.number),
            &json!({"rating": 1, "text": "衬衫洗一次就缩水了，客服也不理人",
                    "platform": "taobao", "external_ref": unique("R"), "sku": sku}),
        );
        assert_status(&opened, 201);
        let case = opened.json()["case"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();

        let agent = Desk::signed_in(&shop, AGENT, lang, &format!("/admin/case/{case}")).await;
        agent.wait("[data-testid=review]").await;
        agent.wait("[data-chip=bad_review]").await;
        agent.shot("review-case").await;
        agent
            .type_into(
                "[data-testid=message-input]",
                "非常抱歉，我们马上为您补发 / So sorry",
            )
            .await;
        agent.tap("[data-testid=send]").await;
        agent
            .until(
                "the apology in the thread",
                "return document.querySelector('[data-testid=thread]').innerText.includes('So sorry')",
            )
            .await;
        agent
            .tap("[data-testid=action-record_review_outcome]")
            .await;
        agent.tap("[data-testid=review-revised]").await;
        agent.tap("[data-testid=sheet-confirm]").await;
        agent
            .until(
                "the follow-up closed",
                "return !!document.querySelector('[data-testid=case-state]') && \
                 !document.querySelector('[data-testid=action-record_review_outcome]')",
            )
            .await;
        agent.close().await;

        let owner = Desk::signed_in(&shop, OWNER, lang, "/admin/analytics").await;
        owner.wait("[data-testid=reviews]").await;
        let rate = owner.text("[data-testid=tile-review-rate]").await;
        assert!(
            rate.contains("100"),
            "{lang}: every closed follow-up recovered: {rate}"
        );
        let agent_row = owner.text("[data-testid=review-agent]").await;
        assert!(
            agent_row.contains("Agent Mei") && agent_row.contains("1/1"),
            "{lang}: the agent's recovery: {agent_row}"
        );
        let product_row = owner.text("[data-testid=review-product]").await;
        assert!(
            product_row.contains("1/1"),
            "{lang}: the product's: {product_row}"
        );
        owner.shot("review-analytics").await;
        owner.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dispute_is_recorded_and_its_evidence_pack_downloads_and_opens() {
    let shop = Shop::shared();
    for lang in ["zh-CN", "en"] {
        let orders = fresh_orders(&unique("ev"));
        shop.import(&orders);
        let order = story(&orders, tests::fixtures::stories::SHIRT);
        let case = shop.file(order, &shirt_return());
        let agent = Desk::signed_in(&shop, AGENT, lang, &format!("/admin/case/{case}")).await;
        agent.tap("[data-testid=action-take_to_platform]").await;
        agent.tap("[data-testid=forum-consumer_body]").await;
        agent
            .type_into("[data-testid=dispute-ref]", "12315-0099")
            .await;
        agent.tap("[data-testid=sheet-confirm]").await;
        agent.wait("[data-chip=platform_dispute]").await;
        agent.shot("dispute").await;
        // The link's file, as the browser downloads it with the staff member's session.
        let html = agent
            .js(
                "const a = document.querySelector('[data-testid=evidence]'); \
                 return fetch(a.href, {credentials: 'same-origin'}).then(r => r.text());",
                vec![],
            )
            .await;
        let html = html.as_str().unwrap_or_default().to_string();
        assert!(
            html.contains("12315-0099"),
            "{lang}: the dispute's reference"
        );
        assert!(html.contains(&order.number), "{lang}: the order");
        // Opened as a page of its own: the document and its sections are there.
        agent.go("/admin/nope").await;
        agent
            .js(
                "document.open(); document.write(arguments[0]); document.close(); return true;",
                vec![json!(html)],
            )
            .await;
        agent
            .until(
                "the evidence pack drawn",
                "return !!document.querySelector('h1[data-evidence]') && document.querySelectorAll('h2').length >= 6",
            )
            .await;
        agent.shot("evidence").await;
        agent.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_records_a_bad_review_by_hand_and_works_it_in_the_case() {
    let shop = Shop::shared();
    for lang in ["zh-CN", "en"] {
        let orders = fresh_orders(&unique("rh"));
        shop.import(&orders);
        let order = story(&orders, tests::fixtures::stories::SHIRT);
        let agent = Desk::signed_in(&shop, AGENT, lang, "/admin/me").await;
        agent.tap("[data-testid=open-record-review]").await;
        agent.wait("[data-testid=review-form]").await;
        // Nothing typed: the device says what is missing and sends nothing.
        agent.tap("[data-testid=review-submit]").await;
        agent.wait("[data-testid=review-problem-order]").await;
        agent.wait("[data-testid=review-problem-text]").await;
        agent
            .type_into("[data-testid=review-order]", &order.number)
            .await;
        agent.tap("[data-testid=review-star-2]").await;
        agent
            .type_into(
                "[data-testid=review-text]",
                "发货太慢，包装也破了 / slow and crushed",
            )
            .await;
        agent.type_into("[data-testid=review-platform]", "jd").await;
        // A product that is not on the order: only the server knows, and it says which field.
        agent
            .type_into("[data-testid=review-sku]", "NOT-ON-THIS-ORDER")
            .await;
        agent.shot("review-form").await;
        agent.tap("[data-testid=review-submit]").await;
        let refusal = agent.text("[data-testid=review-error]").await;
        let expected = if lang == "en" {
            "not on this order"
        } else {
            "不在此订单中"
        };
        assert!(refusal.contains(expected), "{lang}: {refusal}");
        agent
            .js(
                "const i = document.querySelector('[data-testid=review-sku]'); i.value = ''; \
                 i.dispatchEvent(new Event('input', {bubbles: true})); return true;",
                vec![],
            )
            .await;
        agent.tap("[data-testid=review-submit]").await;
        agent.wait("[data-chip=bad_review]").await;
        let stars = agent.text("[data-testid=review]").await;
        assert!(
            stars.contains("★★☆☆☆") && stars.contains("jd"),
            "{lang}: the review on its case: {stars}"
        );
        let page = agent.text("main").await;
        assert!(
            page.contains("slow and crushed"),
            "{lang}: what the buyer wrote, on the case"
        );
        assert!(
            agent
                .exists("[data-testid=action-record_review_outcome]")
                .await,
            "{lang}: the outcome can be recorded"
        );
        // A token of goodwill with the apology typed in the sheet.
        agent.tap("[data-testid=action-goodwill]").await;
        agent.type_into("[data-testid=goodwill-amount]", "20").await;
        agent
            .type_into("[data-testid=goodwill-note]", "非常抱歉 / So sorry")
            .await;
        agent.tap("[data-testid=sheet-confirm]").await;
        agent
            .until(
                "the goodwill in the timeline",
                "return document.querySelector('[data-testid=timeline]').innerText.includes('20.00')",
            )
            .await;
        agent.shot("review-recorded").await;
        agent.close().await;
    }
}
