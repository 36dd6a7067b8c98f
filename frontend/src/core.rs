//! The loop between a pure screen model and the browser (crux's shape): a message goes into
//! [`Page::update`], which changes the model and answers the effects it wants; the view performs
//! each effect (an API call, a navigation) and feeds the answer back as another message. The
//! model is the only state a screen has, so what the tests drive natively is what the page does.

use std::rc::Rc;

use leptos::prelude::*;

/// A screen's model.
pub trait Page: 'static {
    /// What can happen to it.
    type Msg: 'static;
    /// What it asks the outside world to do.
    type Effect: 'static;
    /// Applies one message; answers the effects to perform, in order.
    fn update(&mut self, msg: Self::Msg) -> Vec<Self::Effect>;
}

type Perform<P> = Rc<dyn Fn(<P as Page>::Effect, Core<P>)>;

/// A running screen: its model in a signal, and how its effects are performed.
pub struct Core<P: Page> {
    model: RwSignal<P, LocalStorage>,
    perform: StoredValue<Perform<P>, LocalStorage>,
}

impl<P: Page> std::fmt::Debug for Core<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Core")
    }
}

impl<P: Page> Clone for Core<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: Page> Copy for Core<P> {}

impl<P: Page> Core<P> {
    /// Starts a screen with `model`; `perform` carries out its effects.
    pub fn new(model: P, perform: impl Fn(P::Effect, Self) + 'static) -> Self {
        Self {
            model: RwSignal::new_local(model),
            perform: StoredValue::new_local(Rc::new(perform)),
        }
    }

    /// Sends a message (from the view, or an effect's answer). A screen that was closed
    /// meanwhile ignores it.
    pub fn send(&self, msg: P::Msg) {
        let Some(effects) = self.model.try_update(|m| m.update(msg)) else {
            return;
        };
        let Some(perform) = self.perform.try_get_value() else {
            return;
        };
        for effect in effects {
            perform(effect, *self);
        }
    }

    /// A value derived from the model (reactive: the view redraws when it changes).
    pub fn with<T>(&self, f: impl FnOnce(&P) -> T) -> T {
        self.model.with(f)
    }

    /// The same, without subscribing.
    pub fn with_untracked<T>(&self, f: impl FnOnce(&P) -> T) -> T {
        self.model.with_untracked(f)
    }
}
