//! Real behaviour behind BP009 on a home-grown `ask`, with real tokio on a paused clock:
//! the shops of fixtures `ask_cycle_actors` (reported: the orders actor asks the inventory,
//! which asks the orders actor back when stock runs low; a cart asks itself) and
//! `ask_tell_actors` (silent: the orders actor tells, and the inventory's answer comes back
//! as a message; a cart computes its total itself) are compiled here from their own
//! `actor.rs` and `shop.rs` and driven the way each fixture's `main.rs` drives them
//! (copied below and checked against the source).
//!
//! Nothing in the shops sleeps, so the paused clock only jumps to the driver's timeouts
//! when every task is blocked: an order or a checkout not answered within `main.rs`'s 2 s
//! will never be. Nothing here is random: every run of a load is the same run.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::sync::oneshot;

/// The `crate::actor` both fixtures' `shop.rs` import; their `actor.rs` are the same file
/// (checked below).
#[path = "../../fixtures/ask_cycle_actors/src/actor.rs"]
mod actor;

#[path = "../../fixtures/ask_cycle_actors/src/shop.rs"]
mod cycle;

#[path = "../../fixtures/ask_tell_actors/src/shop.rs"]
mod tell;

/// Mailboxes in both fixtures' `main.rs` (private there; checked below).
const ORDERS_MAILBOX: usize = 64;
const INVENTORY_MAILBOX: usize = 64;
const CART_MAILBOX: usize = 16;

/// How long `main.rs` waits for each answer.
const PATIENCE: Duration = Duration::from_secs(2);

/// The fixtures' default number of orders (`main.rs`).
const DEFAULT_ORDERS: u32 = 20;

/// The stock `main.rs` starts with (25 lamps, then 5 restocked), the lamps an order takes,
/// and `LOW_STOCK` in both `shop.rs`: below it, the inventory asks the orders actor.
const STOCK: u32 = 25 + 5;
const QTY: u32 = 2;
const LOW_STOCK: u32 = 10;

/// Orders placed before the stock runs low: the first `ask` back to the orders actor comes
/// with the next one.
const PLACED_BEFORE_LOW: u32 = (STOCK - LOW_STOCK) / QTY;

/// What `main.rs` prints.
#[derive(Debug, PartialEq)]
struct Shopping {
    placed: u32,
    rejected: u32,
    /// An order was not answered in time ("orders stopped answering").
    orders_stalled: bool,
    /// The cart's total asked from outside (`ask_tell_actors` only).
    total: Option<u64>,
    /// `(items, total_cents)` of the checkout; `None`: "checkout stopped answering".
    receipt: Option<(usize, u64)>,
}

/// `ask_cycle_actors`'s `main`, with `items` lamps in the cart.
async fn shop_asking_back(orders_wanted: u32, items: usize) -> Shopping {
    use cycle::{Cart, CartMsg, Inventory, InventoryMsg, Orders, OrdersMsg};
    let (orders, orders_mailbox) = actor::mailbox::<Orders>(ORDERS_MAILBOX);
    let stock = HashMap::from([("lamp".to_string(), 25)]);
    let inventory = actor::start(Inventory::new(orders.clone(), stock), INVENTORY_MAILBOX);
    actor::spawn(
        Orders::new(inventory.clone()),
        orders.clone(),
        orders_mailbox,
    );
    let _ = inventory.tell(InventoryMsg::Restock {
        sku: "lamp".to_string(),
        qty: 5,
    });

    let (mut placed, mut rejected, mut orders_stalled) = (0, 0, false);
    for _ in 0..orders_wanted {
        let (reply, answer) = oneshot::channel();
        let place = OrdersMsg::Place {
            sku: "lamp".to_string(),
            qty: 2,
            reply,
        };
        if orders.tell(place).is_err() {
            break;
        }
        match tokio::time::timeout(PATIENCE, answer).await {
            Ok(Ok(Ok(_id))) => placed += 1,
            Ok(Ok(Err(_reason))) => rejected += 1,
            Ok(Err(_)) => break,
            Err(_) => {
                orders_stalled = true;
                break;
            }
        }
    }

    let cart = actor::start(Cart::default(), CART_MAILBOX);
    for _ in 0..items {
        let _ = cart.tell(CartMsg::Add {
            sku: "lamp".to_string(),
            price_cents: 3_999,
        });
    }
    let (reply, receipt) = oneshot::channel();
    let _ = cart.tell(CartMsg::Checkout { reply });
    let receipt = match tokio::time::timeout(PATIENCE, receipt).await {
        Ok(Ok(Some(receipt))) => Some((receipt.items, receipt.total_cents)),
        _ => None,
    };
    Shopping {
        placed,
        rejected,
        orders_stalled,
        total: None,
        receipt,
    }
}

/// `ask_tell_actors`'s `main`, with `items` lamps in the cart.
async fn shop_telling(orders_wanted: u32, items: usize) -> Shopping {
    use tell::{Cart, CartMsg, Inventory, InventoryMsg, Orders, OrdersMsg};
    let (orders, orders_mailbox) = actor::mailbox::<Orders>(ORDERS_MAILBOX);
    let stock = HashMap::from([("lamp".to_string(), 25)]);
    let inventory = actor::start(Inventory::new(orders.clone(), stock), INVENTORY_MAILBOX);
    actor::spawn(
        Orders::new(inventory.clone()),
        orders.clone(),
        orders_mailbox,
    );
    let _ = inventory.tell(InventoryMsg::Restock {
        sku: "lamp".to_string(),
        qty: 5,
    });

    let (mut placed, mut rejected, mut orders_stalled) = (0, 0, false);
    for _ in 0..orders_wanted {
        let (reply, answer) = oneshot::channel();
        let place = OrdersMsg::Place {
            sku: "lamp".to_string(),
            qty: 2,
            reply,
        };
        if orders.tell(place).is_err() {
            break;
        }
        match tokio::time::timeout(PATIENCE, answer).await {
            Ok(Ok(Ok(_id))) => placed += 1,
            Ok(Ok(Err(_reason))) => rejected += 1,
            Ok(Err(_)) => break,
            Err(_) => {
                orders_stalled = true;
                break;
            }
        }
    }

    let cart = actor::start(Cart::default(), CART_MAILBOX);
    for _ in 0..items {
        let _ = cart.tell(CartMsg::Add {
            sku: "lamp".to_string(),
            price_cents: 3_999,
        });
    }
    // Asked from outside the actors: nothing waits on `main`.
    let total =
        match tokio::time::timeout(PATIENCE, cart.ask(|reply| CartMsg::Total { reply })).await {
            Ok(Ok(total)) => Some(total),
            _ => None,
        };
    let (reply, receipt) = oneshot::channel();
    let _ = cart.tell(CartMsg::Checkout { reply });
    let receipt = match tokio::time::timeout(PATIENCE, receipt).await {
        Ok(Ok(Some(receipt))) => Some((receipt.items, receipt.total_cents)),
        _ => None,
    };
    Shopping {
        placed,
        rejected,
        orders_stalled,
        total,
        receipt,
    }
}

/// Runs `shop` on a fresh current-thread runtime with the clock paused.
fn on_paused_clock<T>(shop: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(shop)
}

#[test]
fn asking_shop_stops_at_the_first_order_that_runs_the_stock_low() {
    for orders in [PLACED_BEFORE_LOW + 1, DEFAULT_ORDERS, 1_000] {
        let shopping = on_paused_clock(shop_asking_back(orders, 1));
        assert_eq!(shopping.placed, PLACED_BEFORE_LOW, "{orders} orders");
        assert_eq!(shopping.rejected, 0, "{orders} orders");
        assert!(shopping.orders_stalled, "{orders} orders: {shopping:?}");
    }
}

/// While the stock is high the inventory never asks back: every order is placed. The stall
/// is the cycle of asks, not a bug in the shop.
#[test]
fn asking_shop_places_every_order_while_the_stock_is_high() {
    for orders in [1, PLACED_BEFORE_LOW] {
        let shopping = on_paused_clock(shop_asking_back(orders, 1));
        assert_eq!(shopping.placed, orders, "{shopping:?}");
        assert!(!shopping.orders_stalled, "{orders} orders: {shopping:?}");
    }
}

/// The cart asks itself from its own handler: no checkout is ever answered, whatever the
/// cart holds and however the orders went.
#[test]
fn asking_cart_never_checks_out() {
    for items in [0, 1, 3] {
        for orders in [0, DEFAULT_ORDERS] {
            let shopping = on_paused_clock(shop_asking_back(orders, items));
            assert_eq!(shopping.receipt, None, "{items} items: {shopping:?}");
        }
    }
}

#[test]
fn telling_shop_answers_every_order_and_checks_out() {
    for orders in [1, PLACED_BEFORE_LOW + 1, DEFAULT_ORDERS, 1_000] {
        let shopping = on_paused_clock(shop_telling(orders, 1));
        // The same stock goes to the same orders; once it is low, the inventory's question
        // is answered and the rest are turned down ("out of stock").
        assert_eq!(
            shopping,
            Shopping {
                placed: orders.min(PLACED_BEFORE_LOW),
                rejected: orders.saturating_sub(PLACED_BEFORE_LOW),
                orders_stalled: false,
                total: Some(3_999),
                receipt: Some((1, 3_999)),
            },
            "{orders} orders"
        );
    }
    for items in [0, 3] {
        let shopping = on_paused_clock(shop_telling(DEFAULT_ORDERS, items));
        let cents = 3_999 * items as u64;
        assert_eq!(shopping.total, Some(cents), "{shopping:?}");
        assert_eq!(shopping.receipt, Some((items, cents)), "{shopping:?}");
    }
}

/// The driver and the constants copied above are the fixtures'.
#[test]
fn the_code_copied_here_is_the_fixtures_code() {
    assert_eq!(
        include_str!("../../fixtures/ask_cycle_actors/src/actor.rs"),
        include_str!("../../fixtures/ask_tell_actors/src/actor.rs"),
        "the fixtures' actor.rs differ: compile each with its own"
    );
    let mains = [
        include_str!("../../fixtures/ask_cycle_actors/src/main.rs"),
        include_str!("../../fixtures/ask_tell_actors/src/main.rs"),
    ];
    for main in mains {
        for line in [
            "const ORDERS_MAILBOX: usize = 64;",
            "const INVENTORY_MAILBOX: usize = 64;",
            "const CART_MAILBOX: usize = 16;",
            "const PATIENCE: Duration = Duration::from_secs(2);",
            ".unwrap_or(20);",
            "let (orders, orders_mailbox) = actor::mailbox::<Orders>(ORDERS_MAILBOX);",
            "let stock = HashMap::from([(\"lamp\".to_string(), 25)]);",
            "let inventory = actor::start(Inventory::new(orders.clone(), stock), INVENTORY_MAILBOX);",
            "qty: 5,",
            "qty: 2,",
            "match tokio::time::timeout(PATIENCE, answer).await {",
            "let cart = actor::start(Cart::default(), CART_MAILBOX);",
            "price_cents: 3_999,",
            "let _ = cart.tell(CartMsg::Checkout { reply });",
            "match tokio::time::timeout(PATIENCE, receipt).await {",
        ] {
            assert!(main.contains(line), "main.rs no longer has `{line}`");
        }
    }
    assert!(mains[1].contains(
        "tokio::time::timeout(PATIENCE, cart.ask(|reply| CartMsg::Total { reply })).await"
    ));
    assert!(!mains[0].contains("CartMsg::Total"));
    for shop in [
        include_str!("../../fixtures/ask_cycle_actors/src/shop.rs"),
        include_str!("../../fixtures/ask_tell_actors/src/shop.rs"),
    ] {
        assert!(shop.contains(&format!("const LOW_STOCK: u32 = {LOW_STOCK};")));
    }
}

/// The shop that stops is the one the tool reports, at both `ask` calls that wait on an
/// actor that waits on them.
#[test]
fn the_stalling_shop_is_the_reported_one() {
    use bpcheck_tests::{expected_findings, fixture_dir};
    let marked = |name: &str| -> Vec<String> {
        expected_findings(&fixture_dir(name))
            .into_iter()
            .map(|k| k.to_string())
            .collect()
    };
    let asking = marked("ask_cycle_actors");
    assert_eq!(asking.len(), 2, "{asking:?}");
    for finding in &asking {
        assert!(
            finding.starts_with("src/shop.rs:") && finding.ends_with(" BP009"),
            "{asking:?}"
        );
    }
    let shop = include_str!("../../fixtures/ask_cycle_actors/src/shop.rs");
    assert!(shop.contains("let reserved = self.inventory.ask(reserve).await; //~ BP009"));
    assert!(shop.contains("let total = me.ask(|reply| CartMsg::Total { reply }).await; //~ BP009"));
    assert!(
        marked("ask_tell_actors").is_empty(),
        "the telling shop must stay silent"
    );
}
