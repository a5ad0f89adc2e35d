//! Runs cargo-bpcheck over every crate pinned in `corpus/Cargo.toml` and compares the findings
//! with the reviewed verdicts in `corpus/verdicts.tsv`.
//!
//! Usage: `bpcheck-corpus-check [--root DIR] [--tool PATH] [--summary] [--write-unreviewed]`
//! (normally through `corpus/run`, which fetches the sources and builds the tool first).
//!
//! Exit codes: 0 every finding matches its verdict (always with `--summary`), 1 a false alarm is
//! reported, a true finding was lost or a finding is unreviewed, 2 the corpus or the tool could
//! not be run.

use cargo_metadata::MetadataCommand;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const HEADER: &str = "crate\tfile\tline\tcode\tverdict\treason";

/// (crate@version, file relative to the crate's directory, line, code).
type Key = (String, String, u32, String);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Verdict {
    True,
    False,
    Arguable,
    Unreviewed,
}

impl Verdict {
    fn parse(s: &str) -> Option<Verdict> {
        match s {
            "true" => Some(Verdict::True),
            "false" => Some(Verdict::False),
            "arguable" => Some(Verdict::Arguable),
            "?" => Some(Verdict::Unreviewed),
            _ => None,
        }
    }
}

struct Entry {
    verdict: Verdict,
    reason: String,
}

/// One crate of the corpus.
struct Crate {
    id: String, // name@version
    dir: PathBuf,
}

/// One reported finding, normalised.
struct Finding {
    key: Key,
    message: String,
    source_line: String,
}

struct Options {
    root: PathBuf,
    tool: Option<PathBuf>,
    summary: bool,
    write_unreviewed: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("corpus: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        root: std::env::current_dir().map_err(|e| e.to_string())?,
        tool: None,
        summary: false,
        write_unreviewed: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => opts.root = args.next().ok_or("--root needs a directory")?.into(),
            "--tool" => opts.tool = Some(args.next().ok_or("--tool needs a path")?.into()),
            "--summary" => opts.summary = true,
            "--write-unreviewed" => opts.write_unreviewed = true,
            "-h" | "--help" => {
                println!(
                    "usage: bpcheck-corpus-check [--root DIR] [--tool PATH] [--summary] [--write-unreviewed]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(opts)
}

fn run() -> Result<bool, String> {
    let mut opts = parse_args()?;
    opts.root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", opts.root.display()))?;
    if let Some(t) = &opts.tool {
        opts.tool = Some(
            t.canonicalize()
                .map_err(|e| format!("{}: {e}", t.display()))?,
        );
    }
    let corpus = opts.root.join("corpus");
    let tool = opts
        .tool
        .clone()
        .unwrap_or_else(|| opts.root.join("target/release/cargo-bpcheck"));
    if !tool.is_file() {
        return Err(format!(
            "{} not found: build it with `cargo build --release -p cargo-bpcheck`",
            tool.display()
        ));
    }
    let verdicts_path = corpus.join("verdicts.tsv");
    let verdicts = read_verdicts(&verdicts_path)?;
    let crates = corpus_crates(&corpus.join("Cargo.toml"))?;

    // Run the tool on every crate.
    let mut found: BTreeMap<Key, Finding> = BTreeMap::new();
    for c in &crates {
        for f in analyze(&tool, c)? {
            found.entry(f.key.clone()).or_insert(f);
        }
    }

    let crate_ids: BTreeSet<&str> = crates.iter().map(|c| c.id.as_str()).collect();
    let mut failures = 0usize;
    let mut out = String::new();

    // Reported findings against their verdicts.
    let mut unreviewed: Vec<&Finding> = Vec::new();
    for (key, f) in &found {
        match verdicts.get(key).map(|e| e.verdict) {
            Some(Verdict::True) => {}
            Some(Verdict::Arguable) => {
                let _ = writeln!(out, "info: arguable finding reported: {}", show(key));
            }
            Some(Verdict::False) => {
                failures += 1;
                let reason = &verdicts[key].reason;
                let _ = writeln!(
                    out,
                    "FAIL false alarm reported: {}: {} ({reason})",
                    show(key),
                    f.message
                );
            }
            Some(Verdict::Unreviewed) | None => unreviewed.push(f),
        }
    }
    // Verdicts whose finding is no longer reported.
    let mut stale = 0usize;
    for (key, e) in &verdicts {
        if found.contains_key(key) {
            continue;
        }
        if !crate_ids.contains(key.0.as_str()) {
            stale += 1;
            continue;
        }
        match e.verdict {
            Verdict::True => {
                failures += 1;
                let _ = writeln!(out, "FAIL true finding lost: {} ({})", show(key), e.reason);
            }
            Verdict::Arguable => {
                let _ = writeln!(out, "info: arguable finding gone: {}", show(key));
            }
            Verdict::False => {
                let _ = writeln!(out, "info: false alarm gone (fixed): {}", show(key));
            }
            Verdict::Unreviewed => {}
        }
    }
    if stale > 0 {
        let _ = writeln!(
            out,
            "info: {stale} verdict(s) name a crate version no longer in the corpus"
        );
    }
    if !unreviewed.is_empty() {
        failures += unreviewed.len();
        let _ = writeln!(
            out,
            "FAIL {} unreviewed finding(s); verdict lines to fill in (or run `corpus/run --write-unreviewed`):",
            unreviewed.len()
        );
        for f in &unreviewed {
            let _ = writeln!(out, "{}", tsv_line(f));
        }
    }

    // Figures.
    let table = figures(&found, &verdicts, &crates);
    if opts.summary {
        print!("{table}");
    } else {
        print!("{out}");
        println!();
        print!("{table}");
        println!();
        if failures == 0 {
            println!(
                "corpus: ok: {} findings in {} crates match verdicts.tsv",
                found.len(),
                crates.len()
            );
        } else {
            println!("corpus: {failures} failure(s)");
        }
    }

    if opts.write_unreviewed && !unreviewed.is_empty() {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&verdicts_path)
            .map_err(|e| format!("{}: {e}", verdicts_path.display()))?;
        let mut text = String::new();
        if verdicts.is_empty() && std::fs::metadata(&verdicts_path).map_or(0, |m| m.len()) == 0 {
            text.push_str(HEADER);
            text.push('\n');
        }
        for f in unreviewed.iter().filter(|f| !verdicts.contains_key(&f.key)) {
            text.push_str(&tsv_line(f));
            text.push('\n');
        }
        file.write_all(text.as_bytes())
            .map_err(|e| format!("{}: {e}", verdicts_path.display()))?;
        eprintln!(
            "corpus: appended unreviewed findings to {}",
            verdicts_path.display()
        );
    }
    // `--summary` only prints the figures; it fails only when the corpus cannot be run.
    Ok(failures == 0 || opts.summary)
}

fn show(key: &Key) -> String {
    format!("{} {}:{} {}", key.0, key.1, key.2, key.3)
}

/// A verdicts.tsv line with verdict `?`; the reason holds the message and the source line.
fn tsv_line(f: &Finding) -> String {
    let reason = format!("{} | {}", f.message, f.source_line).replace(['\t', '\n', '\r'], " ");
    format!(
        "{}\t{}\t{}\t{}\t?\t{}",
        f.key.0, f.key.1, f.key.2, f.key.3, reason
    )
}

fn read_verdicts(path: &Path) -> Result<BTreeMap<Key, Entry>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() || line.starts_with('#') || line == HEADER {
            continue;
        }
        let cols: Vec<&str> = line.splitn(6, '\t').collect();
        if cols.len() != 6 {
            return Err(format!(
                "{}:{n}: expected 6 tab-separated columns ({HEADER})",
                path.display()
            ));
        }
        let line_no: u32 = cols[2]
            .parse()
            .map_err(|_| format!("{}:{n}: line `{}` is not a number", path.display(), cols[2]))?;
        let verdict = Verdict::parse(cols[4]).ok_or_else(|| {
            format!(
                "{}:{n}: verdict `{}` is not true, false, arguable or ?",
                path.display(),
                cols[4]
            )
        })?;
        let key = (
            cols[0].to_string(),
            cols[1].to_string(),
            line_no,
            cols[3].to_string(),
        );
        let entry = Entry {
            verdict,
            reason: cols[5].to_string(),
        };
        if map.insert(key, entry).is_some() {
            return Err(format!(
                "{}:{n}: a verdict for this finding is already given above",
                path.display()
            ));
        }
    }
    Ok(map)
}

/// The corpus package's direct dependencies: name@version and source directory.
fn corpus_crates(manifest: &Path) -> Result<Vec<Crate>, String> {
    let meta = MetadataCommand::new()
        .manifest_path(manifest)
        .other_options(vec!["--locked".to_string()])
        .exec()
        .map_err(|e| format!("cargo metadata --manifest-path {}: {e}", manifest.display()))?;
    let root = meta
        .root_package()
        .ok_or("corpus/Cargo.toml has no root package")?;
    let resolve = meta
        .resolve
        .as_ref()
        .ok_or("cargo metadata gave no resolve")?;
    let node = resolve
        .nodes
        .iter()
        .find(|n| n.id == root.id)
        .ok_or("the corpus package is not in the resolve graph")?;
    let mut crates: Vec<Crate> = node
        .deps
        .iter()
        .filter_map(|d| meta.packages.iter().find(|p| p.id == d.pkg))
        .map(|p| Crate {
            id: format!("{}@{}", p.name, p.version),
            dir: p
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
                .unwrap_or_default(),
        })
        .collect();
    crates.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(crates)
}

/// Runs the tool on one crate and normalises its JSON messages.
fn analyze(tool: &Path, c: &Crate) -> Result<Vec<Finding>, String> {
    let output = Command::new(tool)
        .arg("--manifest-path")
        .arg(c.dir.join("Cargo.toml"))
        .args(["--message-format", "json"])
        // The crates live in cargo's registry: keep no cache beside them.
        .arg("--no-cache")
        .current_dir(&c.dir)
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    // 0: nothing at deny level, 1: some finding at deny level; anything else is a failure.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "{} on {} exited with {}: {}",
            tool.display(),
            c.id,
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut findings = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("{}: output is not JSON ({e}): {line}", c.id))?;
        if v["reason"] != "compiler-message" {
            continue;
        }
        let msg = &v["message"];
        let code = msg["code"]["code"].as_str().unwrap_or("?").to_string();
        let spans = msg["spans"].as_array().cloned().unwrap_or_default();
        let span = spans
            .iter()
            .find(|s| s["is_primary"] == true)
            .or(spans.first());
        let (file, line_no, source_line) = match span {
            Some(s) => (
                relative_file(s["file_name"].as_str().unwrap_or(""), &c.dir),
                s["line_start"].as_u64().unwrap_or(0) as u32,
                s["text"][0]["text"]
                    .as_str()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            ),
            None => (String::new(), 0, String::new()),
        };
        findings.push(Finding {
            key: (c.id.clone(), file, line_no, code),
            message: msg["message"].as_str().unwrap_or("").to_string(),
            source_line,
        });
    }
    Ok(findings)
}

/// A span's file name relative to the crate's directory, with `/` separators.
fn relative_file(name: &str, dir: &Path) -> String {
    let p = Path::new(name);
    let rel = if p.is_absolute() {
        p.strip_prefix(dir)
            .map(Path::to_path_buf)
            .or_else(|_| {
                let (pc, dc) = (p.canonicalize(), dir.canonicalize());
                match (pc, dc) {
                    (Ok(pc), Ok(dc)) => pc.strip_prefix(&dc).map(Path::to_path_buf).map_err(|_| ()),
                    _ => Err(()),
                }
            })
            .unwrap_or_else(|_| p.to_path_buf())
    } else {
        p.to_path_buf()
    };
    rel.to_string_lossy().replace('\\', "/")
}

#[derive(Default)]
struct Counts {
    reported: usize,
    t: usize,
    f: usize,
    a: usize,
    u: usize,
}

impl Counts {
    fn add(&mut self, v: Option<Verdict>) {
        self.reported += 1;
        match v {
            Some(Verdict::True) => self.t += 1,
            Some(Verdict::False) => self.f += 1,
            Some(Verdict::Arguable) => self.a += 1,
            Some(Verdict::Unreviewed) | None => self.u += 1,
        }
    }
    fn row(&self, name: &str) -> String {
        let judged = self.t + self.f + self.a;
        let precision = if judged == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * self.t as f64 / judged as f64)
        };
        format!(
            "| {name} | {} | {} | {} | {} | {} | {precision} |\n",
            self.reported, self.t, self.f, self.a, self.u
        )
    }
}

/// Markdown tables: reported findings by verdict, per lint and per crate.
fn figures(
    found: &BTreeMap<Key, Finding>,
    verdicts: &BTreeMap<Key, Entry>,
    crates: &[Crate],
) -> String {
    let mut by_lint: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut by_crate: BTreeMap<&str, Counts> = crates
        .iter()
        .map(|c| (c.id.as_str(), Counts::default()))
        .collect();
    let mut total = Counts::default();
    for key in found.keys() {
        let v = verdicts.get(key).map(|e| e.verdict);
        by_lint.entry(key.3.as_str()).or_default().add(v);
        by_crate.entry(key.0.as_str()).or_default().add(v);
        total.add(v);
    }
    let head = "| reported | true | false | arguable | unreviewed | true / judged |\n\
                |---|---|---|---|---|---|---|\n";
    let mut s = String::new();
    s.push_str(&format!("| lint {head}"));
    for (lint, c) in &by_lint {
        s.push_str(&c.row(lint));
    }
    s.push_str(&total.row("**all**"));
    s.push('\n');
    s.push_str(&format!("| crate {head}"));
    for (id, c) in &by_crate {
        s.push_str(&c.row(&format!("`{id}`")));
    }
    s.push_str(&total.row("**all**"));
    s
}
