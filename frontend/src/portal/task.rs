//! The portal's async work, all run through one non-generic spawn: every page's loading and
//! sending is a boxed future that writes its answer into a signal. (`LocalResource` and
//! `Action` each compiled their own copy of the spawn-and-poll machinery per future type.)

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// A task to run on the browser's event loop.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Runs `task` to the end in the background.
pub fn spawn(task: Task) {
    wasm_bindgen_futures::spawn_local(task);
}

/// A future as a [`Task`]-like box with an answer.
type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

/// What makes a send's future from its input.
type Run<I, T> = Rc<dyn Fn(&I) -> Boxed<T>>;

/// Data loaded in the background (in place of `LocalResource`): loads once now, and again
/// whenever a signal the fetcher reads changes; an answer that a newer load overtook is dropped.
/// (The pages' own reads are effects of their models: see `crate::core`.)
pub struct Load<T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
}

impl<T: 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: 'static> Copy for Load<T> {}

impl<T: 'static> std::fmt::Debug for Load<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Load").finish_non_exhaustive()
    }
}

impl<T: 'static> Load<T> {
    /// Starts loading with `fetch`.
    pub fn new<F: Future<Output = T> + 'static>(fetch: impl Fn() -> F + 'static) -> Self {
        let value = RwSignal::new_local(None);
        let latest = Rc::new(Cell::new(0u32));
        Effect::new(move |_| {
            let running = fetch();
            let n = latest.get().wrapping_add(1);
            latest.set(n);
            let latest = Rc::clone(&latest);
            spawn(Box::pin(async move {
                let v = running.await;
                if latest.get() == n {
                    value.set(Some(v));
                }
            }));
        });
        Self { value }
    }
}

impl<T: Clone + 'static> Load<T> {
    /// The last answer; `None` until the first one (reactive).
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }
}

/// Something sent in the background (in place of `Action`): one at a time is the caller's
/// choice, [`Sender::pending`] says whether one runs, [`Sender::value`] holds the last answer.
pub struct Sender<I: 'static, T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
    pending: RwSignal<bool>,
    run: StoredValue<Run<I, T>, LocalStorage>,
}

impl<I: 'static, T: 'static> std::fmt::Debug for Sender<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<I: 'static, T: 'static> Clone for Sender<I, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<I: 'static, T: 'static> Copy for Sender<I, T> {}

impl<I: 'static, T: 'static> Sender<I, T> {
    /// `run` makes the future for one input.
    pub fn new<F: Future<Output = T> + 'static>(run: impl Fn(&I) -> F + 'static) -> Self {
        let run: Run<I, T> = Rc::new(move |i: &I| Box::pin(run(i)) as Boxed<T>);
        Self {
            value: RwSignal::new_local(None),
            pending: RwSignal::new(false),
            run: StoredValue::new_local(run),
        }
    }

    /// Sends `input`.
    pub fn dispatch_local(&self, input: I) {
        let Some(running) = self.run.try_with_value(|run| run(&input)) else {
            return;
        };
        let (value, pending) = (self.value, self.pending);
        pending.set(true);
        spawn(Box::pin(async move {
            let v = running.await;
            value.set(Some(v));
            pending.set(false);
        }));
    }

    /// The last answer (reactive).
    pub fn value(&self) -> RwSignal<Option<T>, LocalStorage> {
        self.value
    }

    /// Whether a send runs (reactive).
    pub fn pending(&self) -> RwSignal<bool> {
        self.pending
    }
}
