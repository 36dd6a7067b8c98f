//! The owner's desk: invitations, account changes and canned replies, through the admin at a
//! phone viewport (390×844) and through the API where concurrency is the point. An invitation's
//! link works exactly once however many accepts race; two owners demoting each other at once
//! leave one owner; a disabled account's next request is refused; a reply added and moved up
//! appears first on a case page. The team screen is saved in Chinese.

use std::sync::{Arc, Barrier};

use serde_json::{Value, json};
use tests::{Api, ApiResponse, TEST_API_KEY, Wrangler};

use crate::admin::{Desk, Shop};
use crate::helpers::{OWNER, assert_status, login, shirt_return};
use crate::support::{fresh_orders, unique};

/// Sends `count` requests at the same moment (one thread each) and returns every answer.
fn burst<F>(count: usize, request: F) -> Vec<ApiResponse>
where
    F: Fn(usize) -> ApiResponse + Send + Sync + 'static,
{
    let barrier = Arc::new(Barrier::new(count));
    let request = Arc::new(request);
    let handles: Vec<_> = (0..count)
        .map(|i| {
            let (barrier, request) = (barrier.clone(), request.clone());
            std::thread::spawn(move || {
                barrier.wait();
                request(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| match h.join() {
            Ok(answer) => answer,
            Err(_) => panic!("a request thread panicked"),
        })
        .collect()
}

fn statuses(answers: &[ApiResponse]) -> Vec<u16> {
    answers.iter().map(|a| a.status).collect()
}

fn invite(owner: &Api, email: &str, role: &str) -> Value {
    let r = owner.post(
        "/api/staff/invites",
        &json!({"email": email, "name": "Mei Lin", "role": role}),
    );
    assert_status(&r, 201);
    r.json()
}

fn account<'a>(accounts: &'a Value, email: &str) -> &'a Value {
    accounts
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["email"] == email)
        .unwrap_or_else(|| panic!("no account {email} in {accounts}"))
}

/// A server of its own with one owner (the shared server's owner would always remain).
fn lone_owner_shop(tag: &str) -> (Wrangler, Api) {
    let server = match Wrangler::start_fresh(&unique(tag)) {
        Ok(s) => s,
        Err(e) => panic!("could not start wrangler dev: {e}"),
    };
    let system = Api::new(&server.base).with_bearer(TEST_API_KEY);
    let boot = json!({"email": OWNER.0, "name": "Owner Lin", "role": "owner", "password": OWNER.1});
    assert_status(&system.post("/api/shop/bootstrap", &boot), 201);
    let owner = login(&server.base, OWNER.0, OWNER.1);
    (server, owner)
}

#[test]
fn an_invitation_link_works_exactly_once_under_concurrent_accepts() {
    let (server, owner) = lone_owner_shop("invite-once");
    let email = format!("{}@test.shop", unique("mei"));
    let created = invite(&owner, &email, "agent");
    let token = created["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(created["path"], format!("/admin/invite/{token}"));
    assert_eq!(token.len(), 64);
    let pending = owner.get("/api/staff/invites").json();
    assert!(pending.to_string().contains(&email), "{pending}");
    let shown = Api::new(&server.base).get(&format!("/api/staff/invites/{token}"));
    assert_status(&shown, 200);
    assert_eq!(
        (shown.json()["email"].clone(), shown.json()["role"].clone()),
        (json!(email), json!("agent"))
    );

    // Eight accepts of the same link at the same moment: exactly one account, one session.
    let base = server.base.clone();
    let accept_token = token.clone();
    let answers = burst(8, move |i| {
        Api::new(&base).post(
            "/api/staff/invites/accept",
            &json!({"token": accept_token, "password": format!("password-number-{i}")}),
        )
    });
    let won: Vec<&ApiResponse> = answers.iter().filter(|a| a.status == 201).collect();
    assert_eq!(won.len(), 1, "exactly one accept: {:?}", statuses(&answers));
    for lost in answers.iter().filter(|a| a.status != 201) {
        assert_eq!((lost.status, lost.code()), (410, "invite_used".to_string()));
    }
    let winner = won[0];
    assert!(
        winner
            .header("set-cookie")
            .is_some_and(|c| c.starts_with("__Host-session=")),
        "the new member of staff is signed in"
    );
    assert_eq!(winner.json()["staff"]["email"], json!(email));
    let accounts = owner.get("/api/staff/accounts").json();
    let matching = accounts
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["email"] == email)
        .count();
    assert_eq!(matching, 1, "one account: {accounts}");
    assert_eq!(account(&accounts, &email)["active"], json!(true));
    assert!(
        !owner
            .get("/api/staff/invites")
            .json()
            .to_string()
            .contains(&email),
        "a used invitation is no longer pending"
    );

    // Used, unknown: clear codes, in the caller's language.
    let again = Api::new(&server.base)
        .with_lang("zh-CN")
        .get(&format!("/api/staff/invites/{token}"));
    assert_eq!(
        (again.status, again.code()),
        (410, "invite_used".to_string())
    );
    assert!(
        again.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("已被使用")),
        "{}",
        again.json()
    );
    let unknown = Api::new(&server.base).post(
        "/api/staff/invites/accept",
        &json!({"token": "0".repeat(64), "password": "a-long-password"}),
    );
    assert_eq!(
        (unknown.status, unknown.code()),
        (404, "invite_unknown".to_string())
    );
    // An owner invites nobody twice: an existing account is a conflict.
    let twice = owner.post(
        "/api/staff/invites",
        &json!({"email": email, "name": "x", "role": "agent"}),
    );
    assert_status(&twice, 409);
    // A weak password is refused and spends nothing.
    let other = invite(
        &owner,
        &format!("{}@test.shop", unique("zhang")),
        "warehouse",
    );
    let weak = Api::new(&server.base).post(
        "/api/staff/invites/accept",
        &json!({"token": other["token"], "password": "short"}),
    );
    assert_eq!(
        (weak.status, weak.code()),
        (422, "invalid_fields".to_string())
    );
    let shown = Api::new(&server.base).get(&format!(
        "/api/staff/invites/{}",
        other["token"].as_str().unwrap_or_default()
    ));
    assert_status(&shown, 200);
    server.stop();
}

#[test]
fn two_owners_demoting_each_other_at_once_leave_exactly_one_owner() {
    let (server, first) = lone_owner_shop("owners");
    let second_email = format!("{}@test.shop", unique("owner2"));
    let created = first.post(
        "/api/staff/accounts",
        &json!({"email": second_email, "name": "Owner Two", "role": "owner", "password": "owner-password-2"}),
    );
    assert_status(&created, 201);
    let second = login(&server.base, &second_email, "owner-password-2");
    let ids = |api: &Api| api.get("/api/staff/me").json()["staff"]["id"].clone();
    let (first_id, second_id) = (ids(&first), ids(&second));
    for round in 0..3 {
        let owners = [first.clone(), second.clone()];
        let targets = [second_id.clone(), first_id.clone()];
        let answers = burst(2, move |i| {
            owners[i].send(
                "PATCH",
                &format!(
                    "/api/staff/accounts/{}",
                    targets[i].as_str().unwrap_or_default()
                ),
                Some((
                    "application/json",
                    serde_json::to_vec(&json!({"role": "agent"})).unwrap_or_default(),
                )),
                &[],
            )
        });
        let ok: Vec<usize> = (0..2).filter(|i| answers[*i].status == 200).collect();
        assert_eq!(ok.len(), 1, "round {round}: {:?}", statuses(&answers));
        let lost = &answers[1 - ok[0]];
        assert!(
            [(409, "last_owner"), (403, "forbidden")]
                .contains(&(lost.status, lost.code().as_str())),
            "the other is refused: {} {}",
            lost.status,
            lost.code()
        );
        let survivor = if ok[0] == 0 { &first } else { &second };
        let accounts = survivor.get("/api/staff/accounts").json();
        let owners = accounts
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["role"] == "owner" && a["active"] == true)
            .count();
        assert_eq!(owners, 1, "round {round}: {accounts}");
        // The demoted one lost owner powers at once, with the same session.
        let demoted = if ok[0] == 0 { &second } else { &first };
        assert_status(&demoted.get("/api/staff/accounts"), 403);
        // The survivor can neither demote nor disable itself now, then promotes the other back.
        let own_id = if ok[0] == 0 { &first_id } else { &second_id };
        let other_id = if ok[0] == 0 { &second_id } else { &first_id };
        let own = format!(
            "/api/staff/accounts/{}",
            own_id.as_str().unwrap_or_default()
        );
        for change in [json!({"role": "agent"}), json!({"active": false})] {
            let r = patch(survivor, &own, &change);
            assert_eq!((r.status, r.code()), (409, "last_owner".to_string()));
        }
        let back = format!(
            "/api/staff/accounts/{}",
            other_id.as_str().unwrap_or_default()
        );
        assert_status(&patch(survivor, &back, &json!({"role": "owner"})), 200);
    }
    server.stop();
}

fn patch(api: &Api, path: &str, body: &Value) -> ApiResponse {
    api.send(
        "PATCH",
        path,
        Some((
            "application/json",
            serde_json::to_vec(body).unwrap_or_default(),
        )),
        &[],
    )
}

#[tokio::test]
async fn an_owner_invites_an_agent_disables_them_and_orders_the_canned_replies() {
    let shop = Shop::own("admin-team");
    let api_owner = shop.staff(OWNER);
    let email = format!("{}@test.shop", unique("mei"));

    // The owner invites an agent from the Team screen (reached from Me).
    let owner = Desk::signed_in(&shop, OWNER, "en", "/admin/me").await;
    owner.tap("[data-testid=open-team]").await;
    owner.wait("[data-testid=account]").await;
    owner.type_into("[data-testid=invite-email]", &email).await;
    owner
        .type_into("[data-testid=invite-name]", "Mei Lin")
        .await;
    owner.tap("[data-testid=invite-submit]").await;
    owner.wait("[data-testid=invite-link]").await;
    let link = owner
        .js(
            "return document.querySelector('[data-testid=invite-link]').value",
            vec![],
        )
        .await;
    let link = link.as_str().unwrap_or_default().to_string();
    let path = link
        .find("/admin/invite/")
        .map(|at| link[at..].to_string())
        .unwrap_or_else(|| panic!("no invitation path in {link}"));
    owner
        .wait(&format!("[data-testid=invite][data-email='{email}']"))
        .await;
    assert!(
        api_owner
            .get("/api/staff/invites")
            .json()
            .to_string()
            .contains(&email)
    );

    // The agent opens the link in a browser of their own, sets a password, lands on the queue.
    let agent = Desk::open_at(&shop, "en").await;
    agent.go(&path).await;
    let invited = agent.text("[data-testid=invite-name]").await;
    assert_eq!(invited, "Mei Lin");
    agent
        .type_into("[data-testid=accept-password]", "mei-password-1")
        .await;
    agent.tap("[data-testid=accept-submit]").await;
    agent.wait("[data-testid=tabbar]").await;
    agent.wait("[data-testid=queue]").await;
    let accounts = api_owner.get("/api/staff/accounts").json();
    assert_eq!(account(&accounts, &email)["role"], json!("agent"));
    assert_eq!(account(&accounts, &email)["active"], json!(true));
    // An agent sees the replies, read-only, and no Team link.
    agent.go("/admin/me").await;
    agent.wait("[data-testid=open-replies]").await;
    assert!(!agent.exists("[data-testid=open-team]").await);
    agent.tap("[data-testid=open-replies]").await;
    agent.wait("[data-testid=replies-read-only]").await;
    agent.wait("[data-testid=reply-row]").await;
    assert!(!agent.exists("[data-testid=reply-add]").await);

    // The link works once: a second time it says so.
    agent.go(&path).await;
    let used = agent.wait("[data-testid=invite-error]").await;
    assert_eq!(
        used.attr("data-code").await.ok().flatten().as_deref(),
        Some("invite_used")
    );

    // The owner disables the agent: the agent's next request is refused.
    let session = agent.session_cookie().await;
    let mut agent_api = Api::new(&shop.base);
    agent_api.cookie = session;
    assert_status(&agent_api.get("/api/staff/me"), 200);
    owner.go("/admin/team").await;
    let row = format!("[data-testid=account][data-email='{email}']");
    owner
        .tap(&format!("{row} [data-testid=account-toggle]"))
        .await;
    owner.wait(&format!("{row}[data-active='false']")).await;
    assert_eq!(
        account(&api_owner.get("/api/staff/accounts").json(), &email)["active"],
        json!(false)
    );
    assert_status(&agent_api.get("/api/staff/me"), 401);
    agent.go("/admin").await;
    agent.wait("[data-testid=signin-form]").await;
    let refused = Api::new(&shop.base).post(
        "/api/staff/login",
        &json!({"email": email, "password": "mei-password-1"}),
    );
    assert_status(&refused, 401);
    agent.close().await;

    // The owner adds a canned reply, moves it to the top, saves; a case page offers it first.
    owner.go("/admin/me").await;
    owner.tap("[data-testid=open-replies]").await;
    owner.wait("[data-testid=reply-row]").await;
    let before = api_owner.get("/api/staff/canned-replies").json();
    let count = before.as_array().map_or(0, Vec::len);
    owner.tap("[data-testid=reply-add]").await;
    owner
        .type_into("[data-testid=reply-title-input]", "Thanks for waiting")
        .await;
    owner
        .type_into(
            "[data-testid=reply-zh]",
            "{buyer}您好，感谢您耐心等待订单 {order} 的处理。",
        )
        .await;
    owner
        .type_into(
            "[data-testid=reply-en]",
            "Dear {buyer}, thank you for waiting on order {order}.",
        )
        .await;
    for i in (1..=count).rev() {
        owner
            .tap(&format!(
                "[data-testid=reply-row]:nth-child({}) [data-testid=reply-up]",
                i + 1
            ))
            .await;
    }
    owner.tap("[data-testid=replies-save]").await;
    owner.wait("[data-testid=replies-saved]").await;
    let saved = api_owner.get("/api/staff/canned-replies").json();
    let titles: Vec<String> = saved
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["title"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(titles.len(), count + 1);
    assert_eq!(titles[0], "Thanks for waiting", "{titles:?}");

    let orders = fresh_orders("team");
    shop.import(&orders);
    let shirt = crate::admin::find(&orders, tests::fixtures::stories::SHIRT);
    let id = shop.file(shirt, &shirt_return());
    owner.go(&format!("/admin/case/{id}")).await;
    owner.tap("[data-testid=canned]").await;
    owner.wait("[data-testid=reply]").await;
    let shown = owner
        .js(
            "return [...document.querySelectorAll('[data-testid=reply]')].map(b => b.textContent)",
            vec![],
        )
        .await;
    assert_eq!(
        shown,
        json!(titles),
        "the case page offers them in that order"
    );
    owner.tap("[data-testid=reply]").await;
    let draft = owner
        .js(
            "return document.querySelector('[data-testid=message-input]').value",
            vec![],
        )
        .await;
    let draft = draft.as_str().unwrap_or_default();
    assert!(
        draft.contains(&shirt.number) && !draft.contains("{order}") && !draft.contains("{buyer}"),
        "placeholders filled: {draft}"
    );
    owner.close().await;

    // The team screen in Chinese.
    let zh = Desk::signed_in(&shop, OWNER, "zh-CN", "/admin/team").await;
    zh.wait(&format!(
        "[data-testid=account][data-email='{email}'][data-active='false']"
    ))
    .await;
    let heading = zh.text("h1").await;
    assert_eq!(heading, "团队");
    zh.shot("team").await;
    zh.close().await;
}
