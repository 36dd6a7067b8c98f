//! The owner's desk, loaded when one of its screens opens: analytics, settings, the team, the
//! canned replies (`frontend::admin`).

fn main() {
    console_error_panic_hook::set_once();
    frontend::admin::view::start_desk();
}
