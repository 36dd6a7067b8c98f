//! Realistic orders, in Chinese and English, relative to "now": the demo data the run command
//! seeds and the orders the tests file cases against. The first four are the seeds' stories
//! (DOMAIN.md): a shirt that does not fit, a phone whose screen arrived scratched, a TV that
//! stopped powering on after some weeks, a book that never arrived.

use shared::domain::{
    BuyerContact, LineFlags, MS_PER_DAY, MS_PER_HOUR, Money, Order, OrderLine, Timestamp,
};

/// The demo shop's id (wrangler.toml `SHOP_ID`).
pub const SHOP: &str = "demo";

struct Line(
    &'static str,
    &'static str,
    &'static str,
    i64,
    u32,
    i64,
    LineFlags,
);

#[expect(clippy::too_many_arguments, reason = "a table row")]
fn order(
    now: i64,
    number: &str,
    name: &str,
    email: &str,
    phone: &str,
    lines: Vec<Line>,
    shipping: (i64, Option<i64>, bool),
    days_ago: (i64, Option<i64>, Option<i64>),
    currency: &str,
) -> Order {
    let at = |d: i64| Timestamp(now - d * MS_PER_DAY - 3 * MS_PER_HOUR);
    Order {
        number: number.into(),
        shop_id: SHOP.into(),
        currency: currency.into(),
        buyer: BuyerContact {
            name: name.into(),
            email: (!email.is_empty()).then(|| email.into()),
            phone: (!phone.is_empty()).then(|| phone.into()),
        },
        lines: lines
            .into_iter()
            .map(
                |Line(sku, title, category, price, quantity, discount, flags)| OrderLine {
                    sku: sku.into(),
                    title: title.into(),
                    category: category.into(),
                    unit_price: Money(price),
                    quantity,
                    discount: Money(discount),
                    flags,
                },
            )
            .collect(),
        shipping_fee: Money(shipping.0),
        free_shipping_threshold: shipping.1.map(Money),
        shipping_insurance: shipping.2,
        paid_at: at(days_ago.0),
        shipped_at: days_ago.1.map(at),
        signed_for_at: days_ago.2.map(at),
        tracking: None,
    }
}

const NONE: LineFlags = LineFlags {
    custom_made: false,
    perishable: false,
    digital_unsealed: false,
    periodical: false,
    non_returnable_confirmed: false,
};

fn flags(
    custom_made: bool,
    perishable: bool,
    digital_unsealed: bool,
    periodical: bool,
) -> LineFlags {
    LineFlags {
        custom_made,
        perishable,
        digital_unsealed,
        periodical,
        non_returnable_confirmed: false,
    }
}

/// The story orders' numbers.
pub mod stories {
    /// A shirt that does not fit (signed for 3 days ago).
    pub const SHIRT: &str = "TB20261120001";
    /// A phone whose screen arrived scratched (signed for 2 days ago).
    pub const PHONE: &str = "JD20261121002";
    /// A TV that stopped powering on after some weeks (signed for 40 days ago).
    pub const TV: &str = "TB20261013003";
    /// A book that never arrived (shipped 12 days ago, never signed for).
    pub const BOOK: &str = "AM20261110004";
}

/// About twenty orders for the demo shop, the four stories first.
pub fn demo_orders(now: Timestamp) -> Vec<Order> {
    let n = now.0;
    vec![
        order(
            n,
            stories::SHIRT,
            "王小明",
            "xiaoming.wang@example.cn",
            "13800138001",
            vec![
                Line(
                    "SHIRT-OX-L",
                    "牛津纺长袖衬衫 白色 L码",
                    "apparel",
                    19_900,
                    1,
                    2_000,
                    NONE,
                ),
                Line("SOCKS-3P", "纯棉袜子 三双装", "apparel", 3_900, 1, 0, NONE),
            ],
            (1_000, Some(9_900), true),
            (5, Some(4), Some(3)),
            "CNY",
        ),
        order(
            n,
            stories::PHONE,
            "李娜",
            "li.na@example.cn",
            "13900139002",
            vec![Line(
                "PHONE-X12-256",
                "X12 智能手机 256GB 星空黑",
                "electronics",
                399_900,
                1,
                20_000,
                NONE,
            )],
            (0, None, false),
            (4, Some(3), Some(2)),
            "CNY",
        ),
        order(
            n,
            stories::TV,
            "Emily Carter",
            "emily.carter@example.com",
            "+44 7700 900123",
            vec![
                Line(
                    "TV-55-4K",
                    "55\" 4K Smart TV",
                    "appliances",
                    329_900,
                    1,
                    0,
                    NONE,
                ),
                Line(
                    "HDMI-2M",
                    "HDMI 2.1 cable, 2 m",
                    "accessories",
                    1_999,
                    2,
                    0,
                    NONE,
                ),
            ],
            (0, None, false),
            (45, Some(43), Some(40)),
            "GBP",
        ),
        order(
            n,
            stories::BOOK,
            "James O'Neill",
            "james.oneill@example.com",
            "+1 415 555 0142",
            vec![Line(
                "BOOK-RUST-2E",
                "The Rust Programming Language, 2nd ed.",
                "books",
                3_999,
                1,
                0,
                NONE,
            )],
            (499, Some(3_500), false),
            (13, Some(12), None),
            "USD",
        ),
        order(
            n,
            "TB20261118005",
            "陈静",
            "chen.jing@example.cn",
            "13700137005",
            vec![
                Line(
                    "DRESS-SILK-M",
                    "真丝连衣裙 墨绿 M码",
                    "apparel",
                    59_900,
                    1,
                    5_000,
                    NONE,
                ),
                Line(
                    "BELT-LEATHER",
                    "头层牛皮腰带",
                    "accessories",
                    12_900,
                    1,
                    0,
                    NONE,
                ),
            ],
            (0, Some(9_900), true),
            (6, Some(5), Some(4)),
            "CNY",
        ),
        order(
            n,
            "TB20261119006",
            "张伟",
            "",
            "13600136006",
            vec![Line(
                "MILK-A2-12",
                "A2 纯牛奶 250ml×12盒",
                "food",
                6_900,
                2,
                0,
                flags(false, true, false, false),
            )],
            (0, None, false),
            (4, Some(3), Some(2)),
            "CNY",
        ),
        order(
            n,
            "JD20261115007",
            "刘洋",
            "liu.yang@example.cn",
            "13500135007",
            vec![
                Line(
                    "EARBUDS-PRO",
                    "降噪蓝牙耳机 Pro",
                    "electronics",
                    89_900,
                    1,
                    10_000,
                    NONE,
                ),
                Line(
                    "CASE-EARBUDS",
                    "耳机保护套",
                    "accessories",
                    4_900,
                    1,
                    4_900,
                    NONE,
                ),
            ],
            (0, None, false),
            (9, Some(8), Some(7)),
            "CNY",
        ),
        order(
            n,
            "TB20261121008",
            "赵敏",
            "zhao.min@example.cn",
            "",
            vec![Line(
                "NAMEPLATE-CUSTOM",
                "定制刻字铜门牌",
                "home",
                16_800,
                1,
                0,
                flags(true, false, false, false),
            )],
            (1_200, None, false),
            (10, Some(3), Some(1)),
            "CNY",
        ),
        order(
            n,
            "AM20261117009",
            "Sophie Martin",
            "sophie.martin@example.fr",
            "",
            vec![
                Line(
                    "KINDLE-GIFT",
                    "E-book gift code (downloaded)",
                    "digital",
                    2_500,
                    1,
                    0,
                    flags(false, false, true, false),
                ),
                Line(
                    "MAG-NATGEO-11",
                    "National Geographic, November issue",
                    "periodicals",
                    899,
                    1,
                    0,
                    flags(false, false, false, true),
                ),
            ],
            (0, None, false),
            (6, Some(6), Some(6)),
            "EUR",
        ),
        order(
            n,
            "TB20261122010",
            "孙丽",
            "sun.li@example.cn",
            "13300133010",
            vec![Line(
                "SNEAKER-RUN-42",
                "轻量跑步鞋 42码",
                "apparel",
                45_900,
                1,
                3_000,
                NONE,
            )],
            (0, Some(9_900), true),
            (1, None, None),
            "CNY",
        ),
        order(
            n,
            "JD20261101011",
            "周杰",
            "zhou.jie@example.cn",
            "13200132011",
            vec![Line(
                "VACUUM-V8",
                "无线吸尘器 V8",
                "appliances",
                189_900,
                1,
                10_000,
                NONE,
            )],
            (0, None, false),
            (22, Some(21), Some(20)),
            "CNY",
        ),
        order(
            n,
            "AM20261112012",
            "Daniel Kim",
            "daniel.kim@example.com",
            "+1 206 555 0199",
            vec![
                Line(
                    "JACKET-RAIN-M",
                    "Waterproof rain jacket, M",
                    "apparel",
                    12_900,
                    1,
                    1_000,
                    NONE,
                ),
                Line(
                    "BOTTLE-STEEL",
                    "Insulated steel bottle, 750 ml",
                    "home",
                    2_499,
                    2,
                    0,
                    NONE,
                ),
            ],
            (799, Some(15_000), true),
            (7, Some(6), Some(5)),
            "USD",
        ),
        order(
            n,
            "TB20261116013",
            "吴芳",
            "wu.fang@example.cn",
            "13100131013",
            vec![
                Line(
                    "LIPSTICK-SET",
                    "口红礼盒 三支装",
                    "cosmetics",
                    29_900,
                    1,
                    3_000,
                    NONE,
                ),
                Line("CREAM-50", "保湿面霜 50ml", "cosmetics", 19_900, 1, 0, NONE),
            ],
            (0, None, false),
            (8, Some(7), Some(6)),
            "CNY",
        ),
        order(
            n,
            "JD20261110014",
            "郑强",
            "",
            "18800188014",
            vec![
                Line(
                    "LAPTOP-14-16G",
                    "14英寸轻薄笔记本 16G+512G",
                    "electronics",
                    549_900,
                    1,
                    30_000,
                    NONE,
                ),
                Line("MOUSE-WL", "无线鼠标", "accessories", 9_900, 1, 0, NONE),
            ],
            (0, None, false),
            (14, Some(13), Some(12)),
            "CNY",
        ),
        order(
            n,
            "AM20261103015",
            "Olivia Brown",
            "olivia.brown@example.co.uk",
            "",
            vec![Line(
                "KETTLE-1.7",
                "Electric kettle, 1.7 L",
                "appliances",
                3_499,
                1,
                0,
                NONE,
            )],
            (0, None, false),
            (200, Some(199), Some(197)),
            "GBP",
        ),
        order(
            n,
            "TB20261120016",
            "黄磊",
            "huang.lei@example.cn",
            "15800158016",
            vec![
                Line(
                    "TEA-LONGJING",
                    "明前龙井 250g",
                    "food",
                    38_800,
                    1,
                    0,
                    flags(false, true, false, false),
                ),
                Line("TEAPOT-CLAY", "紫砂壶", "home", 26_800, 1, 0, NONE),
            ],
            (0, None, true),
            (4, Some(3), Some(2)),
            "CNY",
        ),
        order(
            n,
            "JD20261119017",
            "林小红",
            "lin.xiaohong@example.cn",
            "15900159017",
            vec![Line(
                "TOY-BLOCKS-500",
                "积木套装 500粒",
                "toys",
                19_900,
                2,
                4_000,
                NONE,
            )],
            (0, Some(9_900), false),
            (5, Some(4), Some(3)),
            "CNY",
        ),
        order(
            n,
            "AM20261120018",
            "Lucas Rossi",
            "lucas.rossi@example.it",
            "+39 347 555 0110",
            vec![Line(
                "HEADPHONES-OVER",
                "Over-ear headphones",
                "electronics",
                14_900,
                1,
                0,
                NONE,
            )],
            (0, None, false),
            // Shipped eight days ago and never signed for: stalled, claimable without proof.
            (9, Some(8), None),
            "EUR",
        ),
        order(
            n,
            "TB20261117019",
            "何静怡",
            "he.jingyi@example.cn",
            "13400134019",
            vec![Line(
                "BAG-CANVAS",
                "帆布托特包",
                "accessories",
                8_900,
                3,
                3_000,
                NONE,
            )],
            (800, Some(19_900), true),
            (7, Some(6), Some(5)),
            "CNY",
        ),
        order(
            n,
            "JD20261121020",
            "马超",
            "ma.chao@example.cn",
            "13000130020",
            vec![Line(
                "RICE-COOKER",
                "IH 电饭煲 4L",
                "appliances",
                69_900,
                1,
                5_000,
                NONE,
            )],
            (0, None, false),
            (3, Some(2), Some(1)),
            "CNY",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_twenty_orders_with_unique_numbers_in_both_languages() {
        let orders = demo_orders(Timestamp(1_800_000_000_000));
        assert_eq!(orders.len(), 20);
        let mut numbers: Vec<_> = orders.iter().map(|o| o.number.clone()).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 20);
        assert!(
            orders
                .iter()
                .any(|o| o.lines.iter().any(|l| l.title.is_ascii()))
        );
        assert!(
            orders
                .iter()
                .any(|o| o.lines.iter().any(|l| !l.title.is_ascii()))
        );
    }
}
