//! `cargo bpcheck lsp` driven over stdio as an editor drives it: initialize, open a fixture,
//! receive its diagnostics, change the buffer (not the file) to fix it, receive the updated
//! list, ask for the quick fix, shut down and exit.

use bpcheck_tests::{bpcheck_binary, fixture_dir};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Generous: a stuck server fails the test instead of hanging it.
const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(bpcheck_binary())
            .arg("lsp")
            .env("CARGO", env!("CARGO"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, incoming) = channel();
        std::thread::spawn(move || loop {
            let mut len = None;
            loop {
                let mut header = String::new();
                if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim();
                if header.is_empty() {
                    break;
                }
                if let Some(v) = header.strip_prefix("Content-Length: ") {
                    len = v.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; len.expect("a Content-Length header")];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            let msg: Value = serde_json::from_slice(&body).expect("JSON body");
            if tx.send(msg).is_err() {
                return;
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id)
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .incoming
                .recv_timeout(WAIT)
                .expect("the server answers in time");
            if pred(&m) {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

#[test]
fn editor_session_publishes_updates_and_offers_an_allow_fix() {
    let path = fixture_dir("unbounded_producer").join("src/main.rs");
    let path = path.canonicalize().unwrap();
    let uri = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    let mut c = Client::start();

    let init = c.request(
        "initialize",
        json!({"capabilities": {}, "processId": null, "rootUri": null}),
    );
    assert!(
        init["result"]["capabilities"]["textDocumentSync"].is_object(),
        "{init}"
    );
    c.notify("initialized", json!({}));

    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "BP001");
    assert_eq!(d["source"], "bpcheck");
    assert_eq!(d["severity"], 2);
    let line = text.lines().position(|l| l.contains("//~ BP001")).unwrap();
    assert_eq!(d["range"]["start"]["line"], line);
    let col = text
        .lines()
        .nth(line)
        .unwrap()
        .find("mpsc::unbounded_channel")
        .unwrap();
    assert_eq!(d["range"]["start"]["character"], col);
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.contains("#lints")),
        "{d}"
    );

    // The quick fix: an allow comment with a reason to fill in, above the line.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": d["range"],
            "context": {"diagnostics": [d]},
        }),
    );
    let edit = &actions["result"][0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["range"]["start"]["line"], line);
    assert_eq!(
        edit["newText"],
        "    // bpcheck:allow(BP001) TODO: why this is fine\n"
    );

    // Fixed in the buffer only: the file on disk still has the finding.
    let fixed = text.replace("mpsc::unbounded_channel(); //~ BP001", "mpsc::channel(64);");
    let fixed = fixed
        .replace("UnboundedSender", "Sender")
        .replace("UnboundedReceiver", "Receiver");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    let down = c.request("shutdown", Value::Null);
    assert!(down.get("error").is_none(), "{down}");
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
}

#[test]
fn a_configuration_mistake_is_shown_on_the_manifest() {
    let dir = std::env::temp_dir().join(format!("bpcheck-lsp-config-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let dir = dir.canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"typo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.bpcheck]\nfial-on = \"certain\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    let lib = format!("file://{}", dir.join("src/lib.rs").display());
    let manifest = format!("file://{}", dir.join("Cargo.toml").display());
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({"capabilities": {}, "processId": null, "rootUri": null}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": lib, "languageId": "rust", "version": 1, "text": "pub fn f() {}\n"}}),
    );
    let diags = c.diagnostics(&manifest);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown key `fial-on`")),
        "{diags:?}"
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}
