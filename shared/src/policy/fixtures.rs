//! Test fixtures: orders and requests from the seeds' stories, staff actors, and a [`Run`] that
//! drives one case through commands the way the worker does (decide, then apply).

use crate::domain::{
    Actor, BuyerContact, Case, CaseKind, CaseRequest, CaseState, Command, Event, LineFlags, Money,
    Order, OrderLine, Reason, RequestedLine, Role, StateName, Timestamp,
};

use super::context::{BuyerStanding, Context};
use super::deadline::due_timeout;
use super::error::PolicyError;
use super::filing::file_case;
use super::machine::{apply, decide};
use super::settings::Policy;

pub(crate) use super::time::tests::cst;

/// A line of `quantity` units at `price` minor units.
pub(crate) fn line(sku: &str, category: &str, price: i64, quantity: u32) -> OrderLine {
    OrderLine {
        sku: sku.into(),
        title: format!("{sku} title"),
        category: category.into(),
        unit_price: Money(price),
        quantity,
        discount: Money::ZERO,
        flags: LineFlags::default(),
    }
}

/// An order paid 28 Oct 2024, shipped 30 Oct, signed for 1 Nov 10:00 (UTC+8).
pub(crate) fn order(lines: Vec<OrderLine>) -> Order {
    Order {
        number: "SO-1001".into(),
        shop_id: "shop-1".into(),
        currency: "CNY".into(),
        buyer: BuyerContact {
            name: "Li Lei".into(),
            email: None,
            phone: None,
        },
        lines,
        shipping_fee: Money(1_000),
        free_shipping_threshold: None,
        shipping_insurance: false,
        paid_at: cst(2024, 10, 28, 9, 0),
        shipped_at: Some(cst(2024, 10, 30, 15, 0)),
        signed_for_at: Some(signed()),
        tracking: None,
    }
}

/// When the fixtures' orders were signed for.
pub(crate) fn signed() -> Timestamp {
    cst(2024, 11, 1, 10, 0)
}

/// The instant `days` calendar days after sign-for, at `hour:minute` local time.
pub(crate) fn day_after_signed(days: u32, hour: i64, minute: i64) -> Timestamp {
    cst(2024, 11, 1, hour, minute).plus_days(i64::from(days))
}

/// A request for `lines` (sku, units), intact confirmed.
pub(crate) fn request(kind: CaseKind, reason: Reason, lines: &[(&str, u32)]) -> CaseRequest {
    CaseRequest {
        kind,
        reason,
        lines: lines
            .iter()
            .map(|(sku, quantity)| RequestedLine {
                sku: (*sku).into(),
                quantity: *quantity,
            })
            .collect(),
        note: String::new(),
        photos: Vec::new(),
        intact_confirmed: true,
        urgent: false,
        carrier_confirms_loss: false,
        lang: None,
        review: None,
    }
}

/// A staff actor.
pub(crate) fn staff(role: Role) -> Actor {
    let id = match role {
        Role::Agent => "agent-1",
        Role::Warehouse => "wh-1",
        Role::Owner => "owner-1",
    };
    Actor::Staff {
        id: id.into(),
        role,
    }
}

pub(crate) fn agent() -> Actor {
    staff(Role::Agent)
}

pub(crate) fn warehouse() -> Actor {
    staff(Role::Warehouse)
}

pub(crate) fn owner() -> Actor {
    staff(Role::Owner)
}

/// One case driven through commands, with its world (policy, the order's other cases, the
/// buyer's standing) and a clock that only moves when told.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) case: Case,
    pub(crate) policy: Policy,
    pub(crate) others: Vec<Case>,
    pub(crate) buyer: BuyerStanding,
    pub(crate) now: Timestamp,
}

impl Run {
    /// File `request` on `order` at `at` with the default policy.
    pub(crate) fn file(
        order: &Order,
        request: CaseRequest,
        at: Timestamp,
    ) -> Result<Self, PolicyError> {
        Self::file_with(
            order,
            request,
            at,
            Policy::default(),
            Vec::new(),
            BuyerStanding::default(),
        )
    }

    /// File with a given world.
    pub(crate) fn file_with(
        order: &Order,
        request: CaseRequest,
        at: Timestamp,
        policy: Policy,
        others: Vec<Case>,
        buyer: BuyerStanding,
    ) -> Result<Self, PolicyError> {
        let ctx = Context {
            policy: &policy,
            now: at,
            other_cases: &others,
            buyer,
        };
        let case = file_case("case-1".into(), order, request, &ctx)?;
        Ok(Self {
            case,
            policy,
            others,
            buyer,
            now: at,
        })
    }

    pub(crate) fn ctx(&self) -> Context<'_> {
        Context {
            policy: &self.policy,
            now: self.now,
            other_cases: &self.others,
            buyer: self.buyer,
        }
    }

    /// Move the clock.
    pub(crate) fn at(&mut self, now: Timestamp) -> &mut Self {
        self.now = now;
        self
    }

    /// Decide and apply; the events, or why not.
    pub(crate) fn act(
        &mut self,
        actor: &Actor,
        command: Command,
    ) -> Result<Vec<Event>, PolicyError> {
        let events = decide(&self.case, &command, actor, &self.ctx())?;
        apply(&mut self.case, events.clone());
        Ok(events)
    }

    /// Decide and apply, failing the test on a refusal.
    pub(crate) fn ok(&mut self, actor: &Actor, command: Command) -> Vec<Event> {
        let state = self.case.state().name();
        match self.act(actor, command.clone()) {
            Ok(events) => events,
            Err(e) => panic!("{command:?} by {actor:?} in {state:?} refused: {e:?}"),
        }
    }

    /// Run the due timeout at the current time, failing the test if none is due.
    pub(crate) fn expire(&mut self) -> Vec<Event> {
        let Some(command) = due_timeout(&self.case, &self.policy, self.now) else {
            panic!(
                "no timeout due at {:?} in {:?}",
                self.now,
                self.case.state()
            );
        };
        self.ok(&Actor::System, command)
    }

    pub(crate) fn state(&self) -> CaseState {
        self.case.state()
    }

    pub(crate) fn state_name(&self) -> StateName {
        self.case.state().name()
    }
}
