//! `cargo bpcheck lsp`: a language server over stdio that runs beside rust-analyzer. On open,
//! change and save it re-analyzes the package of the file from the editor's buffers (unsaved
//! text included) and publishes diagnostics with their codes, the other spans of a finding
//! as related information, and a link to the lint's documentation; a quick fix inserts an
//! allow comment (with a reason to fill in).

mod convert;
mod packages;

use crate::Fatal;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, Diagnostic, PublishDiagnosticsParams,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs the server until the client says `exit`.
pub fn run() -> Result<ExitCode, Fatal> {
    let (connection, io) = Connection::stdio();
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let caps = serde_json::to_value(caps).map_err(|e| Fatal(e.to_string()))?;
    connection
        .initialize(caps)
        .map_err(|e| Fatal(format!("language server: {e}")))?;
    let mut server = Server {
        connection: &connection,
        buffers: HashMap::new(),
        packages: packages::Packages::default(),
        published: HashMap::new(),
        last: HashMap::new(),
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).unwrap_or(true) {
                    break;
                }
                server.request(req);
            }
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
    drop(server);
    drop(connection);
    let _ = io.join();
    Ok(ExitCode::SUCCESS)
}

struct Server<'c> {
    connection: &'c Connection,
    /// Open documents' text, by path.
    buffers: HashMap<PathBuf, String>,
    packages: packages::Packages,
    /// Per package manifest: the documents we published diagnostics for.
    published: HashMap<PathBuf, HashSet<Url>>,
    /// The diagnostics last published per document (for code actions).
    last: HashMap<Url, Vec<Diagnostic>>,
}

impl Server<'_> {
    fn notification(&mut self, n: Notification) {
        let path = match n.method.as_str() {
            DidOpenTextDocument::METHOD => params::<lsp_types::DidOpenTextDocumentParams>(n)
                .and_then(|p| {
                    let path = p.text_document.uri.to_file_path().ok()?;
                    self.buffers.insert(path.clone(), p.text_document.text);
                    Some(path)
                }),
            DidChangeTextDocument::METHOD => {
                params::<lsp_types::DidChangeTextDocumentParams>(n).and_then(|p| {
                    let path = p.text_document.uri.to_file_path().ok()?;
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        self.buffers.insert(path.clone(), change.text);
                    }
                    Some(path)
                })
            }
            DidSaveTextDocument::METHOD => params::<lsp_types::DidSaveTextDocumentParams>(n)
                .and_then(|p| {
                    let path = p.text_document.uri.to_file_path().ok()?;
                    if path.file_name().is_some_and(|f| f == "Cargo.toml") {
                        self.packages.forget();
                    }
                    Some(path)
                }),
            DidCloseTextDocument::METHOD => params::<lsp_types::DidCloseTextDocumentParams>(n)
                .and_then(|p| {
                    let path = p.text_document.uri.to_file_path().ok()?;
                    self.buffers.remove(&path);
                    Some(path)
                }),
            _ => None,
        };
        if let Some(path) = path.filter(|p| p.extension().is_some_and(|e| e == "rs")) {
            self.analyze(path);
        }
    }

    fn request(&mut self, req: Request) {
        let result = match req.method.as_str() {
            CodeActionRequest::METHOD => serde_json::from_value::<CodeActionParams>(req.params)
                .map(|p| {
                    let text = p
                        .text_document
                        .uri
                        .to_file_path()
                        .ok()
                        .and_then(|path| self.text_of(&path));
                    let actions = convert::allow_actions(&p, text.as_deref());
                    serde_json::to_value(actions).unwrap_or_default()
                })
                .map_err(|e| e.to_string()),
            _ => Err(format!("unsupported request `{}`", req.method)),
        };
        let resp = match result {
            Ok(v) => Response::new_ok(req.id, v),
            Err(e) => Response::new_err(req.id, lsp_server::ErrorCode::MethodNotFound as i32, e),
        };
        let _ = self.connection.sender.send(Message::Response(resp));
    }

    fn text_of(&self, path: &std::path::Path) -> Option<String> {
        self.buffers
            .get(path)
            .cloned()
            .or_else(|| std::fs::read_to_string(path).ok())
    }

    /// Re-analyzes the package of `path` and publishes every document's diagnostics.
    fn analyze(&mut self, path: PathBuf) {
        let Some((manifest, analysis)) = self.packages.analyze(&path, &self.buffers) else {
            return;
        };
        let mut by_doc = match analysis {
            Ok(analysis) => convert::by_document(&analysis),
            Err(message) => convert::manifest_error(&manifest, message),
        };
        // The document that changed always gets its list, empty or not.
        if let Ok(uri) = Url::from_file_path(&path) {
            if !by_doc.iter().any(|(u, _)| *u == uri) {
                by_doc.push((uri, Vec::new()));
            }
        }
        let before = self.published.remove(&manifest).unwrap_or_default();
        let mut now = HashSet::new();
        for (uri, diags) in by_doc {
            now.insert(uri.clone());
            self.publish(uri, diags);
        }
        for uri in before.difference(&now) {
            self.publish(uri.clone(), Vec::new());
        }
        self.published.insert(manifest, now);
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<Diagnostic>) {
        self.last.insert(uri.clone(), diagnostics.clone());
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        let _ = self.connection.sender.send(Message::Notification(n));
    }
}

/// A notification's parameters, `None` when they do not parse.
fn params<T: serde::de::DeserializeOwned>(n: Notification) -> Option<T> {
    serde_json::from_value(n.params).ok()
}
