//! Real behaviour behind BP009 on a connection loop, with real tokio on a paused clock: the
//! chat servers of fixtures `connection_awaits_main_loop` (reported: one task per
//! connection both waits for the main loop's answer and is the only one draining the
//! outbound queue the main loop fills with a waiting `send` while answering) and
//! `connection_reader_writer_split` (silent: a reader waits for the answers, a writer
//! drains the queue) are compiled here from their own `server.rs` and serve in-memory
//! clients, driven the way each fixture's `main.rs` drives them (copied below and checked
//! against the source).
//!
//! Nothing in the servers or the clients sleeps, so the paused clock only moves when every
//! task is blocked: a client still missing answers after the 5 seconds `main.rs` gives it
//! belongs to a system that can no longer move, not to a slow one. Each run gets a runtime
//! of its own, dropped with whatever it left stalled.
//!
//! `tokio::select!` picks among ready branches at random, seeded per runtime, so the
//! reported connection loop may drain its queue or read its next line first: each load is
//! run `TRIALS` times.

use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;

#[path = "../../fixtures/connection_awaits_main_loop/src/server.rs"]
mod awaits;

#[path = "../../fixtures/connection_reader_writer_split/src/server.rs"]
mod split;

/// `MAIN_QUEUE` of both fixtures' `main.rs` (private there; checked below).
const MAIN_QUEUE: usize = 256;

/// The fixtures' default load: `main.rs` connects 8 clients that say 50 lines each.
const DEFAULT_CLIENTS: u64 = 8;
const DEFAULT_LINES: u64 = 50;

/// How long `main.rs` waits for each client.
const CLIENT_PATIENCE: Duration = Duration::from_secs(5);

/// Runs of each load (each on a runtime with its own `select!` seed).
const TRIALS: usize = 20;

/// One simulated client: says `lines` lines and counts the answers to them.
async fn client(conn: u64, stream: DuplexStream, lines: u64) -> u64 {
    let (read_half, mut write_half) = tokio::io::split(stream);
    let say = async move {
        for n in 0..lines {
            let text = format!("hello {n} from {conn}\n");
            if write_half.write_all(text.as_bytes()).await.is_err() {
                return;
            }
        }
    };
    let listen = async move {
        let mut answered = 0;
        let mut incoming = BufReader::new(read_half).lines();
        while answered < lines {
            match incoming.next_line().await {
                Ok(Some(line)) if line.starts_with("ok ") || line.starts_with("! ") => {
                    answered += 1
                }
                Ok(Some(_broadcast)) => {}
                _ => break,
            }
        }
        answered
    };
    let ((), answered) = tokio::join!(say, listen);
    answered
}

/// What `main.rs` prints: lines answered, counted client by client until the first client
/// that is not done within `CLIENT_PATIENCE`.
#[derive(Debug, PartialEq)]
struct Served {
    answered: u64,
    /// Some client was not done in time (`main.rs` stops counting there).
    stalled: bool,
}

/// `main.rs`'s final loop: waits for each client in turn.
async fn tally(running: Vec<tokio::task::JoinHandle<u64>>) -> Served {
    let mut answered = 0;
    for task in running {
        match tokio::time::timeout(CLIENT_PATIENCE, task).await {
            Ok(Ok(n)) => answered += n,
            _ => {
                return Served {
                    answered,
                    stalled: true,
                }
            }
        }
    }
    Served {
        answered,
        stalled: false,
    }
}

/// `connection_awaits_main_loop`'s `main`: one `server::connection` task per client.
async fn serve_awaiting(clients: u64, lines: u64) -> Served {
    let (requests, incoming) = mpsc::channel(MAIN_QUEUE);
    tokio::spawn(awaits::main_loop(incoming));
    let mut running = Vec::new();
    for conn in 0..clients {
        let (outbound_tx, outbound_rx) = mpsc::channel(awaits::OUTBOUND_QUEUE);
        let join = awaits::Request::Join {
            conn,
            outbound: outbound_tx,
        };
        assert!(requests.send(join).await.is_ok(), "main loop gone");
        let (client_end, server_end) = tokio::io::duplex(64 * 1024);
        tokio::spawn(awaits::connection(
            conn,
            server_end,
            requests.clone(),
            outbound_rx,
        ));
        running.push(tokio::spawn(client(conn, client_end, lines)));
    }
    tally(running).await
}

/// `connection_reader_writer_split`'s `main`: a `server::reader` and a `server::writer`
/// task per client.
async fn serve_split(clients: u64, lines: u64) -> Served {
    let (requests, incoming) = mpsc::channel(MAIN_QUEUE);
    tokio::spawn(split::main_loop(incoming));
    let mut running = Vec::new();
    for conn in 0..clients {
        let (outbound_tx, outbound_rx) = mpsc::channel(split::OUTBOUND_QUEUE);
        let join = split::Request::Join {
            conn,
            outbound: outbound_tx.clone(),
        };
        assert!(requests.send(join).await.is_ok(), "main loop gone");
        let (client_end, server_end) = tokio::io::duplex(64 * 1024);
        let (read_half, write_half) = tokio::io::split(server_end);
        tokio::spawn(split::reader(
            conn,
            read_half,
            requests.clone(),
            outbound_tx,
        ));
        tokio::spawn(split::writer(write_half, outbound_rx));
        running.push(tokio::spawn(client(conn, client_end, lines)));
    }
    tally(running).await
}

/// Runs `system` on a fresh current-thread runtime with the clock paused.
fn on_paused_clock<T>(system: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("runtime")
        .block_on(system)
}

#[test]
fn awaiting_connections_stall_once_two_or_more_clients_talk() {
    for clients in [2, 4, DEFAULT_CLIENTS, 16] {
        for trial in 0..TRIALS {
            let served = on_paused_clock(serve_awaiting(clients, DEFAULT_LINES));
            assert!(
                served.stalled,
                "{clients} clients, trial {trial}: the room never stopped: {served:?}"
            );
            assert!(served.answered < clients * DEFAULT_LINES, "{served:?}");
        }
    }
}

/// Alone in the room, a client's own lines come back into its outbound queue: once
/// `select!` has read lines faster than it drained the queue until the queue is full, the
/// main loop waits to broadcast the next line while the connection waits for its answer.
/// Most runs get there (about 99 in 100 while this was written); the test asks for half.
#[test]
fn a_lone_awaiting_client_stalls_on_its_own_lines_in_most_runs() {
    let stalls = (0..TRIALS)
        .filter(|_| on_paused_clock(serve_awaiting(1, DEFAULT_LINES)).stalled)
        .count();
    assert!(stalls >= TRIALS / 2, "{stalls} of {TRIALS} runs stalled");
}

/// When every outbound queue can hold every line said in the room, the main loop never
/// waits for room, whatever `select!` picks: the stall above is the full queue.
#[test]
fn awaiting_connections_answer_every_load_their_outbound_queues_hold() {
    let capacity = awaits::OUTBOUND_QUEUE as u64;
    for (clients, lines) in [(1, capacity), (2, capacity / 2), (capacity, 1)] {
        assert!(clients * lines <= capacity);
        for _ in 0..TRIALS {
            assert_eq!(
                on_paused_clock(serve_awaiting(clients, lines)),
                Served {
                    answered: clients * lines,
                    stalled: false
                },
                "{clients} clients x {lines} lines"
            );
        }
    }
    // Twice what a queue holds already stops most runs (about 9 in 10 while this was
    // written); the test asks for one.
    let stalls = (0..TRIALS)
        .filter(|_| on_paused_clock(serve_awaiting(2, capacity)).stalled)
        .count();
    assert!(stalls > 0, "2 clients x {capacity} lines never stalled");
}

#[test]
fn split_connections_answer_every_line_of_every_load() {
    // The same queues and the same clients.
    assert_eq!(split::OUTBOUND_QUEUE, awaits::OUTBOUND_QUEUE);
    for clients in [1, 2, 4, DEFAULT_CLIENTS, 16] {
        for trial in 0..TRIALS {
            assert_eq!(
                on_paused_clock(serve_split(clients, DEFAULT_LINES)),
                Served {
                    answered: clients * DEFAULT_LINES,
                    stalled: false
                },
                "{clients} clients, trial {trial}"
            );
        }
    }
    // Ten times the lines, still all answered.
    assert_eq!(
        on_paused_clock(serve_split(DEFAULT_CLIENTS, 10 * DEFAULT_LINES)),
        Served {
            answered: DEFAULT_CLIENTS * 10 * DEFAULT_LINES,
            stalled: false
        }
    );
}

/// The text of the item of `source` that starts with `start`, up to its closing `}` at
/// the start of a line.
fn item<'a>(source: &'a str, start: &str) -> &'a str {
    let from = source.find(start).unwrap_or_else(|| panic!("no `{start}`"));
    let len = source[from..].find("\n}\n").expect("item ends") + 3;
    &source[from..from + len]
}

/// The driver copied above is the fixtures' own `main.rs`.
#[test]
fn the_driver_copied_here_is_the_fixtures_main() {
    let here = include_str!("real_connection.rs");
    for name in [
        "connection_awaits_main_loop",
        "connection_reader_writer_split",
    ] {
        let main = std::fs::read_to_string(bpcheck_tests::fixture_dir(name).join("src/main.rs"))
            .expect("main.rs is readable");
        let client = item(&main, "/// One simulated client");
        assert!(here.contains(client), "{name}: `client` differs");
        for line in [
            "const MAIN_QUEUE: usize = 256;",
            ".unwrap_or(8);",
            ".unwrap_or(50);",
            "let (requests, incoming) = mpsc::channel(MAIN_QUEUE);",
            "let (client_end, server_end) = tokio::io::duplex(64 * 1024);",
            "running.push(tokio::spawn(client(conn, client_end, lines)));",
            "match tokio::time::timeout(Duration::from_secs(5), task).await {",
        ] {
            assert!(
                main.contains(line),
                "{name}: main.rs no longer has `{line}`"
            );
        }
    }
    let awaiting = include_str!("../../fixtures/connection_awaits_main_loop/src/main.rs");
    for line in [
        "let (outbound_tx, outbound_rx) = mpsc::channel(OUTBOUND_QUEUE);",
        "outbound: outbound_tx,",
        "tokio::spawn(server::connection(",
    ] {
        assert!(awaiting.contains(line), "main.rs no longer has `{line}`");
    }
    let split = include_str!("../../fixtures/connection_reader_writer_split/src/main.rs");
    for line in [
        "let (outbound_tx, outbound_rx) = mpsc::channel(OUTBOUND_QUEUE);",
        "outbound: outbound_tx.clone(),",
        "let (read_half, write_half) = tokio::io::split(server_end);",
        "tokio::spawn(server::reader(",
        "tokio::spawn(server::writer(write_half, outbound_rx));",
    ] {
        assert!(split.contains(line), "main.rs no longer has `{line}`");
    }
}

/// The server that stalls is the one the tool reports, at the main loop's waiting send.
#[test]
fn the_stalling_server_is_the_reported_one() {
    use bpcheck_tests::{expected_findings, fixture_dir};
    let marked = |name: &str| -> Vec<String> {
        expected_findings(&fixture_dir(name))
            .into_iter()
            .map(|k| k.to_string())
            .collect()
    };
    let awaiting = marked("connection_awaits_main_loop");
    assert_eq!(awaiting.len(), 1, "{awaiting:?}");
    assert!(
        awaiting[0].starts_with("src/server.rs:") && awaiting[0].ends_with(" BP009"),
        "{awaiting:?}"
    );
    let server = include_str!("../../fixtures/connection_awaits_main_loop/src/server.rs");
    assert!(server.contains("let _ = outbound.send(line.clone()).await; //~ BP009"));
    assert!(
        marked("connection_reader_writer_split").is_empty(),
        "the split server must stay silent"
    );
}
