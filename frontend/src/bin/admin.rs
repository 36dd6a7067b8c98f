//! The daily admin's first load: the queue, a case, receiving returns, the account
//! (`frontend::admin`).

fn main() {
    console_error_panic_hook::set_once();
    frontend::admin::view::start_daily();
}
