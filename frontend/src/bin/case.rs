//! The buyer portal's case page (`/case/{id}`): following a case to its end
//! (`frontend::portal`).

use frontend::portal::{PortalPage, pages, start};

fn main() {
    start(PortalPage::Case, pages::draw_case);
}
