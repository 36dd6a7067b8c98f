//! Routes for the shop's own systems, authenticated by the import API key (a secret):
//! order import (JSON array of orders, or CSV with one row per order line) and the bootstrap of
//! the first owner account.

use std::collections::BTreeMap;

use shared::api::{ApiErrorCode, FieldProblem, ImportReport, NewStaff};
use shared::domain::{BuyerContact, LineFlags, Money, Order, OrderLine, Role, Timestamp};
use shared::policy::time::LocalDate;
use worker::Response;

use super::Req;
use super::staff::create_staff;
use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, MAX_IMPORT_BYTES, body_bytes, header, json_body, ok, with_status};
use crate::store::keys;

/// `POST /api/shop/orders`: `application/json` (an array of orders) or `text/csv`.
/// Every order is checked first; nothing is written unless all are valid.
pub async fn import_orders(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let content_type = header(&r.req, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let raw = body_bytes(&mut r.req, MAX_IMPORT_BYTES).await?;
    let orders: Vec<Order> = if content_type.starts_with("application/json") {
        serde_json::from_slice(&raw).map_err(|_| AppError::Api(ApiErrorCode::MalformedJson))?
    } else if content_type.starts_with("text/csv") {
        let text = String::from_utf8(raw).map_err(|_| AppError::Api(ApiErrorCode::BadRequest))?;
        let mut orders = parse_csv(&text).map_err(AppError::Fields)?;
        // A CSV has no shop column: the API key names the shop.
        orders
            .iter_mut()
            .for_each(|o| o.shop_id = r.store.shop.clone());
        orders
    } else {
        return Err(ApiErrorCode::UnsupportedMediaType.into());
    };
    let lang = http::lang_of(&r.req);
    let errors: Vec<FieldProblem> = orders
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            check_order(o, &r.store.shop)
                .into_iter()
                .map(move |(field, code, en, zh)| (i, field, code, en, zh))
        })
        .map(|(i, field, code, en, zh)| FieldProblem {
            field: format!("[{i}].{field}"),
            code: code.into(),
            message: if lang == shared::i18n::Lang::ZhCn {
                zh
            } else {
                en
            },
        })
        .collect();
    if !errors.is_empty() {
        return with_status(
            422,
            &shared::api::ErrorBody {
                code: "invalid_orders".into(),
                message: if lang == shared::i18n::Lang::ZhCn {
                    "订单数据有误，未导入任何订单。"
                } else {
                    "Some orders are not valid; nothing was imported."
                }
                .into(),
                fields: errors,
            },
        );
    }
    for order in &orders {
        r.store
            .put(&keys::order(&r.store.shop, &order.number), order)
            .await?;
    }
    ok(&ImportReport {
        imported: orders.len() as u32,
        errors: vec![],
    })
}

type Problem = (String, &'static str, String, String);

/// What makes an order unusable, per field.
pub fn check_order(order: &Order, shop: &str) -> Vec<Problem> {
    let mut p: Vec<Problem> = Vec::new();
    let mut add = |field: String, code: &'static str, en: &str, zh: &str| {
        p.push((field, code, en.into(), zh.into()))
    };
    let n = &order.number;
    if n.is_empty()
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
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
        if line.unit_price.0 < 0 || line.discount.0 < 0 || line.discount > line.gross() {
            add(
                format!("lines[{i}].unit_price"),
                "invalid_amount",
                "Prices and discounts are not negative, and a discount is at most the line's price.",
                "价格和优惠不能为负，优惠不能超过商品金额。",
            );
        }
    }
    if order.shipping_fee.0 < 0 {
        add(
            "shipping_fee".into(),
            "invalid_amount",
            "The shipping fee is not negative.",
            "运费不能为负。",
        );
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
    p
}

/// CSV columns (header row required, any order):
/// `order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,
/// shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags`.
/// Amounts in minor units; times as milliseconds or `YYYY-MM-DDTHH:MM:SSZ`; flags separated by
/// `|` (custom_made, perishable, digital_unsealed, periodical, non_returnable_confirmed).
pub fn parse_csv(text: &str) -> Result<Vec<Order>, Vec<shared::policy::FieldError>> {
    let mut rows = csv_rows(text).into_iter();
    let header = rows.next().unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let mut errors = Vec::new();
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
            errors.push(shared::policy::FieldError::new(
                &format!("row {line_no}.{field}"),
                "invalid_value",
                format!("Row {line_no}: {field} is not valid."),
                format!("第 {line_no} 行：{field} 无效。"),
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
        let Some(paid_at) = parse_time(&get("paid_at")) else {
            bad("paid_at");
            continue;
        };
        let optional_time = |v: String| {
            if v.is_empty() {
                Ok(None)
            } else {
                parse_time(&v).map(Some).ok_or(())
            }
        };
        let (Ok(shipped_at), Ok(signed_for_at)) = (
            optional_time(get("shipped_at")),
            optional_time(get("signed_for_at")),
        ) else {
            bad("shipped_at/signed_for_at");
            continue;
        };
        let threshold = get("free_shipping_threshold");
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
            shipping_fee: Money(fee),
            free_shipping_threshold: threshold.parse::<i64>().ok().map(Money),
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

/// Milliseconds, or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
fn parse_time(text: &str) -> Option<Timestamp> {
    if let Ok(ms) = text.parse::<i64>() {
        return Some(Timestamp(ms));
    }
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let date = LocalDate::parse(date)?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (
        hms.next()??,
        hms.next()??,
        hms.next().flatten().unwrap_or(0),
    );
    if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    Some(Timestamp(
        date.day_number() * 86_400_000 + (h * 3600 + m * 60 + s) * 1000,
    ))
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

/// `POST /api/shop/bootstrap`: creates the first owner; refused once any account exists.
pub async fn bootstrap(r: &mut Req) -> AppResult<Response> {
    auth::require_api_key(&r.req, &r.env)?;
    let new: NewStaff = json_body(&mut r.req).await?;
    let (existing, _) = r
        .store
        .list_meta::<serde_json::Value>(&keys::staff_prefix(&r.store.shop), 1, None)
        .await?;
    if !existing.is_empty() {
        return Err(ApiErrorCode::Conflict.into());
    }
    let owner = NewStaff {
        role: Role::Owner,
        ..new
    };
    with_status(201, &create_staff(r, &owner).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "order_number,buyer_name,email,phone,currency,sku,title,category,unit_price,quantity,discount,shipping_fee,free_shipping_threshold,shipping_insurance,paid_at,shipped_at,signed_for_at,flags\n\
        T1,王小明,a@b.cn,,CNY,S1,\"衬衫, 白色\",apparel,19900,1,2000,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,\n\
        T1,王小明,a@b.cn,,CNY,S2,袜子,apparel,3900,2,0,1000,9900,true,2026-11-01T02:00:00Z,2026-11-02T02:00:00Z,,perishable|custom_made\n";

    #[test]
    fn csv_rows_of_one_order_become_one_order_with_its_lines() {
        let orders = parse_csv(CSV).unwrap_or_default();
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
        let errors = parse_csv(&bad).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].field.starts_with("row 2"));
    }

    #[test]
    fn orders_with_bad_values_are_reported_per_field() {
        let mut order = parse_csv(CSV).unwrap_or_default().remove(0);
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
