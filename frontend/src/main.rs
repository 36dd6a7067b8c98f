//! The buyer portal's lookup page (`/`, index.html): the first page most buyers load, so it
//! carries nothing of the order and case pages (`frontend::portal`).

use frontend::portal::{PortalPage, pages, start};

fn main() {
    start(PortalPage::Lookup, pages::draw_lookup);
}
