//! Ask cycles at run time, the twin of the static ask-cycle lint: the shop of fixture
//! `ask_cycle_actors` (its `actor.rs` and `shop.rs` compiled as they are, with `tokio`
//! naming the shim) is reported, both the orders/inventory cycle and the cart that asks
//! itself; the shop of `ask_tell_actors` (same `actor.rs`) completes. The drivers copy the
//! fixtures' `main.rs`.

#![cfg(feature = "check")]

extern crate self as tokio;

mod shim;

pub use shim::*;

use std::collections::HashMap;
use std::time::Duration;

#[path = "../../fixtures/ask_cycle_actors/src/actor.rs"]
#[allow(dead_code)]
mod actor;

#[path = "../../fixtures/ask_cycle_actors/src/shop.rs"]
#[allow(dead_code)]
mod cycle;

#[path = "../../fixtures/ask_tell_actors/src/shop.rs"]
#[allow(dead_code)]
mod tell;

const ORDERS_MAILBOX: usize = 64;
const INVENTORY_MAILBOX: usize = 64;
const CART_MAILBOX: usize = 16;
const ANSWER_PATIENCE: Duration = Duration::from_secs(5);
const SHOP: &str = "fixtures/ask_cycle_actors/src/shop.rs";

/// `main.rs` of `ask_cycle_actors`, orders part: places orders for a scarce item.
async fn place_orders(wanted: u32) -> u32 {
    use cycle::{Inventory, InventoryMsg, Orders, OrdersMsg};
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
    let mut placed = 0;
    for _ in 0..wanted {
        let (reply, answer) = bpcheck::sync::oneshot::channel();
        let place = OrdersMsg::Place {
            sku: "lamp".to_string(),
            qty: 2,
            reply,
        };
        if orders.tell(place).is_err() {
            break;
        }
        match tokio_rt::time::timeout(ANSWER_PATIENCE, answer).await {
            Ok(Ok(Ok(_id))) => placed += 1,
            Ok(Ok(Err(_))) => {}
            _ => break,
        }
    }
    placed
}

#[test]
fn orders_and_inventory_asking_each_other_are_reported() {
    for multi in [false, true] {
        let message = reported(checked("ask_cycle", multi, place_orders(20)));
        assert!(message.starts_with("bpcheck: ask cycle: "), "{message}");
        // Both asks, each waiting for a reply from the other's mailbox.
        assert!(
            message.contains("for a reply to its request on the channel created at fixtures/ask_cycle_actors/src/actor.rs:"),
            "{message}"
        );
        assert_eq!(message.matches(" -> ").count(), 2, "{message}");
        assert!(message.contains(" -> back to #"), "{message}");
        let _ = SHOP;
    }
}

#[test]
fn a_cart_asking_itself_is_reported() {
    use cycle::{Cart, CartMsg};
    let checkout = async {
        let cart = actor::start(Cart::default(), CART_MAILBOX);
        let _ = cart.tell(CartMsg::Add {
            sku: "lamp".to_string(),
            price_cents: 3_999,
        });
        let (reply, receipt) = bpcheck::sync::oneshot::channel();
        let _ = cart.tell(CartMsg::Checkout { reply });
        tokio_rt::time::timeout(ANSWER_PATIENCE, receipt)
            .await
            .is_ok()
    };
    let message = reported(checked("cart_ask_self", false, checkout));
    assert!(message.starts_with("bpcheck: ask cycle: "), "{message}");
    assert_eq!(message.matches(" -> ").count(), 1, "{message}");
}

#[test]
fn telling_instead_of_asking_completes() {
    use tell::{Cart, CartMsg, Inventory, InventoryMsg, Orders, OrdersMsg};
    for multi in [false, true] {
        let shop = async {
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
            let mut answered = 0;
            for _ in 0..20 {
                let (reply, answer) = bpcheck::sync::oneshot::channel();
                let place = OrdersMsg::Place {
                    sku: "lamp".to_string(),
                    qty: 2,
                    reply,
                };
                orders.tell(place).expect("orders mailbox has room");
                if let Ok(Ok(_)) = tokio_rt::time::timeout(ANSWER_PATIENCE, answer).await {
                    answered += 1;
                }
            }
            let cart = actor::start(Cart::default(), CART_MAILBOX);
            let _ = cart.tell(CartMsg::Add {
                sku: "lamp".to_string(),
                price_cents: 3_999,
            });
            let total = tokio_rt::time::timeout(
                ANSWER_PATIENCE,
                cart.ask(|reply| CartMsg::Total { reply }),
            )
            .await;
            (answered, total.is_ok())
        };
        assert_eq!(completed(checked("ask_tell", multi, shop)), (20, true));
    }
}
