//! Order import from a shop system (`POST /api/shop/orders`): the CSV reader and the per-field
//! checks of an order, JSON or CSV. Pure, so the fuzz crate (`fuzz/`) drives them on wasm32 with
//! mutated files exactly as the worker calls them.

use std::collections::BTreeMap;

use crate::domain::{BuyerContact, LineFlags, Money, Order, OrderLine, Timestamp};
use crate::i18n::{Sentence, format_amount};
use crate::policy::time::parse_date_time;

/// A problem with one field of an order: the field's path, a stable code, the English and the
/// Chinese message.
pub type Problem = (String, &'static str, String, String);

/// What makes an order unusable, per field.
pub fn check_order(order: &Order, shop: &str) -> Vec<Problem> {
    let mut p: Vec<Problem> = Vec::new();
    let mut add = |field: String, code: &'static str, en: &str, zh: &str| {
        p.push((field, code, en.into(), zh.into()))
    };
    // Amounts and instants are bounded where they enter (see `Money::MAX`, `Timestamp::MAX`).
    let max = format_amount(Money::MAX);
    let n = &order.number;
    if !crate::domain::is_order_number(n) {
        add(
            "number".into(),
            "invalid_number",
            "An order number is 1–64 letters, digits, '-' or '_'.",
            "订单号须为 1–64 位字母、数字、“-”或“_”。",
        );
    }
    if order.shop_id != shop {
        add(
            "shop_id".into(),
            "wrong_shop",
            "The order belongs to another shop.",
            "该订单不属于本店。",
        );
    }
    if order.buyer.email.is_none() && order.buyer.phone.is_none() {
        add(
            "buyer".into(),
            "no_contact",
            "An order needs the buyer's e-mail or phone.",
            "订单须包含买家邮箱或手机号。",
        );
    }
    if order.currency.len() != 3 || !order.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        add(
            "currency".into(),
            "invalid_currency",
            "Currency is a 3-letter ISO code.",
            "币种须为 3 位 ISO 代码。",
        );
    }
    if order.lines.is_empty() {
        add(
            "lines".into(),
            "no_lines",
            "An order needs at least one line.",
            "订单至少要有一个商品。",
        );
    }
    let mut skus = std::collections::HashSet::new();
    for (i, line) in order.lines.iter().enumerate() {
        if line.sku.is_empty() || !skus.insert(line.sku.as_str()) {
            add(
                format!("lines[{i}].sku"),
                "duplicate_sku",
                "Each line needs its own SKU.",
                "每个商品须有唯一的 SKU。",
            );
        }
        if line.quantity == 0 || line.quantity > 10_000 {
            add(
                format!("lines[{i}].quantity"),
                "invalid_quantity",
                "Quantity is 1 to 10,000.",
                "数量须为 1 到 10000。",
            );
        }
        // The line's total is bounded too: refunds add it up, and it must stay exact.
        if !line.unit_price.is_valid()
            || !line.discount.is_valid()
            || !line.gross().is_valid()
            || line.discount > line.gross()
        {
            add(
                format!("lines[{i}].unit_price"),
                "invalid_amount",
                &format!(
                    "Prices, discounts and a line's total are between 0 and {max}, and a discount is at most the line's price."
                ),
                &format!("价格、优惠和每行合计须在 0 到 {max} 之间，优惠不能超过商品金额。"),
            );
        }
    }
    if !order.shipping_fee.is_valid() {
        add(
            "shipping_fee".into(),
            "invalid_amount",
            &format!("The shipping fee is between 0 and {max}."),
            &format!("运费须在 0 到 {max} 之间。"),
        );
    }
    if order.free_shipping_threshold.is_some_and(|t| !t.is_valid()) {
        add(
            "free_shipping_threshold".into(),
            "invalid_amount",
            &format!("The free-shipping threshold is between 0 and {max}."),
            &format!("包邮门槛须在 0 到 {max} 之间。"),
        );
    }
    if !(order.items_net() + order.shipping_fee).is_valid() {
        add(
            "lines".into(),
            "invalid_amount",
            &format!("The order's total (lines and shipping) is at most {max}."),
            &format!("订单总额（商品和运费）不能超过 {max}。"),
        );
    }
    for (field, at) in [
        ("paid_at", Some(order.paid_at)),
        ("shipped_at", order.shipped_at),
        ("signed_for_at", order.signed_for_at),
    ] {
        if at.is_some_and(|t| !t.is_valid()) {
            add(
                field.into(),
                "invalid_time",
                "Times are milliseconds since 1970 (UTC) between the years 2000 and 2200.",
                "时间须为 2000 年至 2200 年之间的毫秒时间戳（UTC）。",
            );
        }
    }
    let times = [Some(order.paid_at), order.shipped_at, order.signed_for_at];
    let ordered = times.windows(2).all(|w| match (w[0], w[1]) {
        (Some(a), Some(b)) => a <= b,
        (None, Some(_)) => false,
        _ => true,
    });
    if !ordered {
        add(
            "signed_for_at".into(),
            "times_out_of_order",
            "Paid, shipped and signed-for times must follow each other.",
            "付款、发货、签收时间顺序不正确。",
        );
    }
    if let Some(tracking) = &order.tracking {
        p.extend(
            check_tracking(tracking)
                .into_iter()
                .map(|(field, code, en, zh)| (format!("tracking.{field}"), code, en, zh)),
        );
    }
    p
}

/// Characters in a review's text (the platforms allow about 500; some more).
pub const MAX_REVIEW_CHARS: usize = 2_000;
/// Characters in a platform's name, a review's id or a SKU.
pub const MAX_REVIEW_ID_CHARS: usize = 128;

/// Problems with a bad review the shop records (`POST /api/shop/orders/{number}/reviews`, or by
/// hand): 1 to 5 stars, a text, short ids without control characters.
#[must_use]
pub fn check_review(review: &crate::domain::BadReview) -> Vec<Problem> {
    let mut p: Vec<Problem> = Vec::new();
    if !(1..=5).contains(&review.rating) {
        p.push((
            "rating".into(),
            "invalid_rating",
            "A rating is 1 to 5 stars.".into(),
            "评分须为 1 到 5 星。".into(),
        ));
    }
    let chars = review.text.trim().chars().count();
    if chars == 0
        || chars > MAX_REVIEW_CHARS
        || review.text.chars().any(|c| c.is_control() && c != '\n')
    {
        p.push((
            "text".into(),
            "invalid_text",
            format!("The review's text: 1 to {MAX_REVIEW_CHARS} characters."),
            format!("评价内容须为 1–{MAX_REVIEW_CHARS} 个字符。"),
        ));
    }
    let sku = review.sku.clone().unwrap_or_default();
    for (field, value) in [
        ("platform", &review.platform),
        ("external_ref", &review.external_ref),
        ("sku", &sku),
    ] {
        if value.chars().count() > MAX_REVIEW_ID_CHARS || value.chars().any(char::is_control) {
            p.push((
                field.into(),
                "invalid_text",
                format!("At most {MAX_REVIEW_ID_CHARS} characters, no control characters."),
                format!("最多 {MAX_REVIEW_ID_CHARS} 个字符，且不含控制字符。"),
            ));
        }
    }
    p
}

/// Characters in a carrier's name or a tracking number.
pub const MAX_TRACKING_ID_CHARS: usize = 64;
/// Characters in one scan's status or place.
pub const MAX_SCAN_TEXT_CHARS: usize = 200;

/// Problems with a parcel's tracking as the shop's system pushes it
/// (`POST /api/shop/orders/{number}/tracking`) or imports it with an order. At most
/// [`crate::policy::MAX_TRACKING_EVENTS`] scans are taken in one push; the merge keeps the newest
/// as many.
#[must_use]
pub fn check_tracking(tracking: &crate::domain::ParcelTracking) -> Vec<Problem> {
    let mut p: Vec<Problem> = Vec::new();
    let mut add = |field: String, code: &'static str, en: String, zh: String| {
        p.push((field, code, en, zh));
    };
    for (field, value) in [("carrier", &tracking.carrier), ("number", &tracking.number)] {
        let chars = value.trim().chars().count();
        if chars == 0 || chars > MAX_TRACKING_ID_CHARS || value.chars().any(char::is_control) {
            add(
                field.into(),
                "invalid_text",
                format!("1 to {MAX_TRACKING_ID_CHARS} characters, no control characters."),
                format!("须为 1–{MAX_TRACKING_ID_CHARS} 个字符，且不含控制字符。"),
            );
        }
    }
    let max_events = crate::policy::MAX_TRACKING_EVENTS;
    if tracking.events.len() > max_events {
        add(
            "events".into(),
            "too_many",
            format!("At most {max_events} scans in one push."),
            format!("一次最多推送 {max_events} 条物流记录。"),
        );
    }
    let bad_time = |field: String| {
        (
            field,
            "invalid_time",
            "Times are milliseconds since 1970 (UTC) between the years 2000 and 2200.".to_owned(),
            "时间须为 2000 年至 2200 年之间的毫秒时间戳（UTC）。".to_owned(),
        )
    };
    if tracking.promised_by.is_some_and(|t| !t.is_valid()) {
        p.push(bad_time("promised_by".into()));
    }
    for (i, scan) in tracking.events.iter().enumerate().take(max_events) {
        if !scan.at.is_valid() {
            p.push(bad_time(format!("events[{i}].at")));
        }
        for (field, value, required) in [
            ("status", &scan.status, true),
            ("location", &scan.location, false),
        ] {
            let chars = value.trim().chars().count();
            if (required && chars == 0)
                || chars > MAX_SCAN_TEXT_CHARS
                || value.chars().any(char::is_control)
            {
                p.push((
                    format!("events[{i}].{field}"),
                    "invalid_text",
                    format!("At most {MAX_SCAN_TEXT_CHARS} characters, no control characters."),
                    format!("最多 {MAX_SCAN_TEXT_CHARS} 个字符，且不含控制字符。"),
                ));
            }
        }
    }
    p
}

/// The CSV columns, in the order the docs list them.
const CSV_COLUMNS: [&str; 18] = [
    "order_number",
    "buyer_name",
    "email",
    "phone",
    "currency",
    "sku",
    "title",
    "category",
    "unit_price",
    "quantity",
    "discount",
    "shipping_fee",
    "free_shipping_threshold",
    "shipping_insurance",
    "paid_at",
    "shipped_at",
    "signed_for_at",
    "flags",
];

/// CSV columns ([`CSV_COLUMNS`]; header row required, any order, a column not among them is an
/// error like an unknown field in JSON: a misspelt `signed_for_at` must not import an order as
/// never delivered). Amounts in minor units; times as milliseconds or an RFC 3339 / ISO 8601
/// date-time (see [`parse_date_time`]: `2026-11-01T10:00:00+08:00`, `…Z`, or
/// `2026-11-01 10:00:00` in the shop's zone, `utc_offset_minutes`); flags separated by `|`
/// (custom_made, perishable, digital_unsealed, periodical, non_returnable_confirmed). A leading
/// byte-order mark (Excel's "CSV UTF-8" writes one) is skipped.
pub fn parse_csv(
    text: &str,
    utc_offset_minutes: i64,
) -> Result<Vec<Order>, Vec<crate::policy::FieldError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = csv_rows(text).into_iter();
    let header = rows.next().unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let mut errors = Vec::new();
    // Empty header cells are the blank columns spreadsheets leave at the right.
    for name in header.iter().map(|h| h.trim()) {
        if !name.is_empty() && !CSV_COLUMNS.contains(&name) {
            let known = CSV_COLUMNS.join(", ");
            errors.push(crate::policy::FieldError::new(
                &format!("header.{name}"),
                "unknown_column",
                Sentence {
                    zh: format!("未知的列“{name}”，可用的列为：{known}。"),
                    en: format!("The column \"{name}\" is not known; the columns are: {known}."),
                },
            ));
        }
    }
    let mut orders: BTreeMap<String, Order> = BTreeMap::new();
    for (i, row) in rows.enumerate() {
        let line_no = i + 2;
        let get = |name: &str| {
            col(name)
                .and_then(|c| row.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut bad = |field: &str| {
            // A time names the forms it may take: the most common mistake is the format.
            let (hint_en, hint_zh) = if field.ends_with("_at") {
                (
                    " Write milliseconds since 1970, or a date-time such as \
                     2026-11-01T10:00:00+08:00, 2026-11-01T02:00:00Z or 2026-11-01 10:00:00 \
                     (the shop's time zone).",
                    "时间须为毫秒时间戳，或 2026-11-01T10:00:00+08:00、2026-11-01T02:00:00Z、\
                     2026-11-01 10:00:00（店铺时区）这样的日期时间。",
                )
            } else {
                ("", "")
            };
            errors.push(crate::policy::FieldError::new(
                &format!("row {line_no}.{field}"),
                "invalid_value",
                Sentence {
                    zh: format!("第 {line_no} 行：{field} 无效。{hint_zh}"),
                    en: format!("Row {line_no}: {field} is not valid.{hint_en}"),
                },
            ));
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let money = |v: String| {
            if v.is_empty() {
                Some(0)
            } else {
                v.parse::<i64>().ok()
            }
        };
        let (Some(price), Some(quantity), Some(discount), Some(fee)) = (
            money(get("unit_price")),
            get("quantity").parse::<u32>().ok(),
            money(get("discount")),
            money(get("shipping_fee")),
        ) else {
            bad("amounts");
            continue;
        };
        let Some(paid_at) = parse_time(&get("paid_at"), utc_offset_minutes) else {
            bad("paid_at");
            continue;
        };
        let optional_time = |v: String| {
            if v.is_empty() {
                Ok(None)
            } else {
                parse_time(&v, utc_offset_minutes).map(Some).ok_or(())
            }
        };
        let (Ok(shipped_at), Ok(signed_for_at)) = (
            optional_time(get("shipped_at")),
            optional_time(get("signed_for_at")),
        ) else {
            bad("shipped_at/signed_for_at");
            continue;
        };
        // An empty threshold is "none"; one that does not read is an error, not "none".
        let threshold = get("free_shipping_threshold");
        let threshold = if threshold.is_empty() {
            None
        } else if let Ok(minor) = threshold.parse::<i64>() {
            Some(Money(minor))
        } else {
            bad("free_shipping_threshold");
            continue;
        };
        let flags_text = get("flags");
        let has = |f: &str| flags_text.split('|').any(|x| x.trim() == f);
        let number = get("order_number");
        let order = orders.entry(number.clone()).or_insert_with(|| Order {
            number: number.clone(),
            shop_id: String::new(),
            currency: get("currency"),
            buyer: BuyerContact {
                name: get("buyer_name"),
                email: Some(get("email")).filter(|s| !s.is_empty()),
                phone: Some(get("phone")).filter(|s| !s.is_empty()),
            },
            lines: Vec::new(),
            tracking: None,
            shipping_fee: Money(fee),
            free_shipping_threshold: threshold,
            shipping_insurance: matches!(get("shipping_insurance").as_str(), "true" | "1" | "yes"),
            paid_at,
            shipped_at,
            signed_for_at,
        });
        order.lines.push(OrderLine {
            sku: get("sku"),
            title: get("title"),
            category: get("category"),
            unit_price: Money(price),
            quantity,
            discount: Money(discount),
            flags: LineFlags {
                custom_made: has("custom_made"),
                perishable: has("perishable"),
                digital_unsealed: has("digital_unsealed"),
                periodical: has("periodical"),
                non_returnable_confirmed: has("non_returnable_confirmed"),
            },
        });
    }
    if errors.is_empty() {
        Ok(orders.into_values().collect())
    } else {
        Err(errors)
    }
}

/// Milliseconds since the epoch (digits only), or a date-time (shared: the one parser).
fn parse_time(text: &str, utc_offset_minutes: i64) -> Option<Timestamp> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().map(Timestamp);
    }
    parse_date_time(text, utc_offset_minutes)
}

/// RFC 4180 rows: quoted cells may hold commas, quotes (doubled) and newlines.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags\n\
        T1,王小明,a@b.cn,,CNY,S1,\"衬衫, 白色\",apparel,19900,1,2000,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,\n\
        T1,王小明,a@b.cn,,CNY,S2,袜子,apparel,3900,2,0,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,perishable|custom_made\n";

    #[test]
    fn csv_rows_of_one_order_become_one_order_with_its_lines() {
        let orders = parse_csv(CSV, 480).unwrap_or_default();
        assert_eq!(orders.len(), 1);
        let o = &orders[0];
        assert_eq!(o.lines.len(), 2);
        assert_eq!(o.lines[0].title, "衬衫, 白色");
        assert!(o.lines[1].flags.perishable && o.lines[1].flags.custom_made);
        assert_eq!(o.paid_at, Timestamp(1_793_498_400_000));
        assert_eq!(o.signed_for_at, None);
        assert!(o.shipping_insurance);
    }

    #[test]
    fn a_bad_csv_row_is_reported_by_row_number() {
        let bad = CSV.replace("19900", "lots");
        let errors = parse_csv(&bad, 480).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].field.starts_with("row 2"));
    }

    #[test]
    fn a_csv_saved_by_excel_imports() {
        // Excel's "CSV UTF-8": a byte-order mark, CRLF line ends, quoted cells; a Chinese shop
        // system's times with an offset or in local time.
        let excel = format!(
            "\u{feff}{}",
            CSV.replace('\n', "\r\n")
                .replace("2026-11-01T02:00:00Z", "2026-11-01 10:00:00")
                .replace("2026-11-02T02:00:00Z", "2026-11-02T10:00:00+08:00")
        );
        let orders = parse_csv(&excel, 480).unwrap_or_default();
        assert_eq!(orders.len(), 1);
        let o = &orders[0];
        assert_eq!(o.number, "T1");
        assert_eq!(o.lines[0].title, "衬衫, 白色");
        assert!(o.lines[1].flags.custom_made);
        assert_eq!(o.paid_at, Timestamp(1_793_498_400_000));
        assert_eq!(o.shipped_at, Some(Timestamp(1_793_584_800_000)));
    }

    #[test]
    fn an_offset_and_z_naming_the_same_instant_give_the_same_time() {
        let utc = parse_csv(CSV, 0).unwrap_or_default();
        let beijing = parse_csv(
            &CSV.replace("2026-11-01T02:00:00Z", "2026-11-01T10:00:00+08:00"),
            0,
        )
        .unwrap_or_default();
        assert_eq!(
            beijing.first().map(|o| o.paid_at),
            Some(Timestamp(1_793_498_400_000))
        );
        assert_eq!(
            beijing.first().map(|o| o.paid_at),
            utc.first().map(|o| o.paid_at)
        );
    }

    #[test]
    fn impossible_dates_are_row_errors() {
        for bad in [
            "2026-02-30T02:00:00Z",
            "2026-11-01T24:00:00Z",
            "9999999-01-01T00:00:00Z",
            "2026-11-01T02:00:00+25:00",
            "yesterday",
        ] {
            let csv = CSV.replace("2026-11-01T02:00:00Z", bad);
            let errors = parse_csv(&csv, 480).err().unwrap_or_default();
            assert_eq!(errors.len(), 2, "{bad}");
            assert_eq!(errors[0].field, "row 2.paid_at", "{bad}");
        }
        let csv = CSV.replace(",9900,", ",lots,");
        let errors = parse_csv(&csv, 480).err().unwrap_or_default();
        assert_eq!(errors[0].field, "row 2.free_shipping_threshold");
    }

    #[test]
    fn an_unknown_column_is_refused_and_named() {
        let misspelt = CSV.replacen("signed_for_at", "signed_at", 1);
        let errors = parse_csv(&misspelt, 480).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "header.signed_at");
        assert_eq!(errors[0].code, "unknown_column");
        // Blank columns at the right, as spreadsheets leave them, are not columns.
        let padded = CSV.replace('\n', ",,\n");
        assert_eq!(parse_csv(&padded, 480).map(|o| o.len()), Ok(1));
    }

    #[test]
    fn a_bad_time_says_which_forms_are_read() {
        let errors = parse_csv(&CSV.replace("2026-11-01T02:00:00Z", "1/11/2026"), 480)
            .err()
            .unwrap_or_default();
        assert!(errors[0].message_en.contains("2026-11-01T10:00:00+08:00"));
        assert!(errors[0].message_zh.contains("店铺时区"));
    }

    #[test]
    fn amounts_and_times_beyond_the_bounds_are_refused_per_field() {
        let mut order = parse_csv(CSV, 480).unwrap_or_default().remove(0);
        order.shop_id = "demo".into();
        let fields = |order: &Order| -> Vec<(String, &'static str)> {
            check_order(order, "demo")
                .into_iter()
                .map(|p| (p.0, p.1))
                .collect()
        };
        // At the bounds: accepted.
        let mut edge = order.clone();
        edge.lines.truncate(1);
        edge.lines[0].unit_price = Money::MAX;
        edge.lines[0].discount = Money::ZERO;
        edge.shipping_fee = Money::ZERO;
        edge.paid_at = Timestamp::MIN;
        edge.shipped_at = Some(Timestamp::MAX);
        edge.signed_for_at = Some(Timestamp::MAX);
        assert_eq!(fields(&edge), vec![]);
        // 2^53: a JavaScript number cannot hold it, so it never gets in.
        let huge = 1_i64 << 53;
        let mut bad = order.clone();
        bad.lines[0].unit_price = Money(huge);
        bad.shipping_fee = Money(huge);
        bad.free_shipping_threshold = Some(Money(huge));
        bad.paid_at = Timestamp(huge);
        bad.shipped_at = Some(Timestamp(huge));
        bad.signed_for_at = Some(Timestamp(huge));
        assert_eq!(
            fields(&bad),
            vec![
                ("lines[0].unit_price".to_string(), "invalid_amount"),
                ("shipping_fee".to_string(), "invalid_amount"),
                ("free_shipping_threshold".to_string(), "invalid_amount"),
                ("lines".to_string(), "invalid_amount"),
                ("paid_at".to_string(), "invalid_time"),
                ("shipped_at".to_string(), "invalid_time"),
                ("signed_for_at".to_string(), "invalid_time"),
            ]
        );
        // Each unit within the bound, the line's total beyond it.
        let mut many = order.clone();
        many.lines[0].unit_price = Money::MAX;
        many.lines[0].quantity = 2;
        assert!(fields(&many).contains(&("lines[0].unit_price".to_string(), "invalid_amount")));
        // Seconds for milliseconds (a unit mix-up) lands in 1970: refused.
        let mut seconds = order;
        seconds.paid_at = Timestamp(1_793_498_400);
        assert_eq!(
            fields(&seconds),
            vec![("paid_at".to_string(), "invalid_time")]
        );
    }

    #[test]
    fn orders_with_bad_values_are_reported_per_field() {
        let mut order = parse_csv(CSV, 480).unwrap_or_default().remove(0);
        order.shop_id = "demo".into();
        assert!(check_order(&order, "demo").is_empty());
        order.number = "bad:number".into();
        order.lines[0].quantity = 0;
        order.shipped_at = None;
        order.signed_for_at = Some(order.paid_at);
        let fields: Vec<String> = check_order(&order, "other")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(
            fields,
            // Zero units also leave the line's discount above its price.
            vec![
                "number",
                "shop_id",
                "lines[0].quantity",
                "lines[0].unit_price",
                "signed_for_at"
            ]
        );
    }
}
