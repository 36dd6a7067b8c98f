//! The buyer portal's order page (`/order/{number}`): the order and the request form with the
//! policy's live preview (`frontend::portal`).

use frontend::portal::{PortalPage, pages, start};

fn main() {
    start(PortalPage::Order, pages::draw_order);
}
