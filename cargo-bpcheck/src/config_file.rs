//! `[workspace.metadata.bpcheck]` and `[package.metadata.bpcheck]` in Cargo.toml, read with
//! spans so that a mistake points at its key (file, line, key), like the other diagnostics.
//!
//! ```toml
//! [package.metadata.bpcheck]
//! fail-on = "certain"                 # or "possible"
//! unbounded-above = 10000             # a bounded channel larger than this counts as unbounded
//! exclude = ["src/generated"]         # files or directories, relative to this Cargo.toml
//! spawners = ["myrt::spawn"]          # run their first argument as a task
//! thread-spawners = ["myrt::spawn_os_thread"]
//! [package.metadata.bpcheck.lints]
//! BP001 = "deny"                      # code or name = "allow" | "warn" | "deny"
//! [package.metadata.bpcheck.channels]
//! "myq::unbounded" = "unbounded"
//! "myq::bounded" = { capacity-arg = 0 }   # optional: like = "tokio" | "std" | ...
//! [package.metadata.bpcheck.semaphores]
//! "mylimit::Limiter::new" = { permits-arg = 0 }
//! ```

use bpcheck_analyzer::catalog::{Api, ChannelKind, ChannelLib, SpawnKind};
use bpcheck_analyzer::{Confidence, Level, LintId};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Where a setting came from: the file, its line and the key as written in TOML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    /// `[package.metadata.bpcheck] fail-on`, `[workspace.metadata.bpcheck.lints] BP001`.
    pub key: String,
}

/// A mistake in a configuration table.
#[derive(Clone, Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    /// Byte range in the file.
    pub range: Range<usize>,
    pub message: String,
    /// The file's text, for rendering.
    pub text: String,
}

/// What one table (`[workspace.metadata.bpcheck]` or `[package.metadata.bpcheck]`) sets.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Lint selector (code or name, as written) and level, in file order.
    pub lints: Vec<(String, Level, Origin)>,
    pub fail_on: Option<(Confidence, Origin)>,
    pub unbounded_above: Option<(u64, Origin)>,
    /// Absolute paths.
    pub exclude: Vec<(PathBuf, Origin)>,
    /// Canonical path, what calling it does.
    pub apis: Vec<(Vec<String>, Api, Origin)>,
}

const KEYS: &[&str] = &[
    "lints",
    "fail-on",
    "unbounded-above",
    "exclude",
    "spawners",
    "thread-spawners",
    "channels",
    "semaphores",
];

const LIBS: &[(&str, ChannelLib)] = &[
    ("tokio", ChannelLib::Tokio),
    ("std", ChannelLib::Std),
    ("futures", ChannelLib::Futures),
    ("crossbeam", ChannelLib::Crossbeam),
    ("flume", ChannelLib::Flume),
    ("async-channel", ChannelLib::AsyncChannel),
    ("kanal", ChannelLib::Kanal),
];

/// Reads `[<section>.metadata.bpcheck]` of `manifest` (`section`: `workspace` or `package`).
/// `Ok(None)` when the file has no such table.
pub fn read(manifest: &Path, section: &str) -> Result<Option<Table>, Vec<ConfigError>> {
    let text = match std::fs::read_to_string(manifest) {
        Ok(t) => t,
        // cargo metadata read it a moment ago; a race is not a configuration mistake.
        Err(_) => return Ok(None),
    };
    let reader = Reader {
        file: manifest.to_path_buf(),
        text: &text,
        errors: Vec::new(),
    };
    reader.read(section)
}

struct Reader<'t> {
    file: PathBuf,
    text: &'t str,
    errors: Vec<ConfigError>,
}

type Entry<'i> = (
    &'i Spanned<std::borrow::Cow<'i, str>>,
    &'i Spanned<DeValue<'i>>,
);

impl<'t> Reader<'t> {
    fn read(mut self, section: &str) -> Result<Option<Table>, Vec<ConfigError>> {
        let doc = match DeTable::parse(self.text) {
            Ok(d) => d,
            Err(e) => {
                let range = e.span().unwrap_or(0..0);
                self.error(range, format!("invalid TOML: {}", e.message()));
                return Err(self.errors);
            }
        };
        let table = doc
            .get_ref()
            .get(section)
            .and_then(|s| s.get_ref().as_table())
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get_ref().as_table())
            .and_then(|m| m.get("bpcheck"));
        let Some(table) = table else { return Ok(None) };
        let prefix = format!("[{section}.metadata.bpcheck]");
        let Some(entries) = table.get_ref().as_table() else {
            self.error(table.span(), format!("{prefix} must be a table"));
            return Err(self.errors);
        };
        let mut out = Table::default();
        for (key, value) in entries {
            self.entry(&prefix, (key, value), &mut out);
        }
        if self.errors.is_empty() {
            Ok(Some(out))
        } else {
            Err(self.errors)
        }
    }

    fn error(&mut self, range: Range<usize>, message: String) {
        self.errors.push(ConfigError {
            file: self.file.clone(),
            range,
            message,
            text: self.text.to_string(),
        });
    }

    fn origin(&self, at: &Range<usize>, key: String) -> Origin {
        let line = self.text[..at.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        Origin {
            file: self.file.clone(),
            line,
            key,
        }
    }

    fn entry(&mut self, prefix: &str, (key, value): Entry<'_>, out: &mut Table) {
        let name = key.get_ref().as_ref();
        let origin = self.origin(&key.span(), format!("{prefix} {name}"));
        match name {
            "lints" => self.lints(prefix, value, out),
            "fail-on" => match value.get_ref().as_str() {
                Some("certain") => out.fail_on = Some((Confidence::Certain, origin)),
                Some("possible") => out.fail_on = Some((Confidence::Possible, origin)),
                _ => self.error(
                    value.span(),
                    "`fail-on` is \"certain\" or \"possible\"".to_string(),
                ),
            },
            "unbounded-above" => match positive(value) {
                Some(n) => out.unbounded_above = Some((n, origin)),
                None => self.error(
                    value.span(),
                    "`unbounded-above` is a positive integer (a channel capacity)".to_string(),
                ),
            },
            "exclude" => {
                let base = self.file.parent().unwrap_or(Path::new("")).to_path_buf();
                for item in self.strings(name, value) {
                    let o = self.origin(&item.1, format!("{prefix} exclude"));
                    out.exclude.push((base.join(&item.0), o));
                }
            }
            "spawners" | "thread-spawners" => {
                let kind = if name == "spawners" {
                    SpawnKind::Task
                } else {
                    SpawnKind::Thread
                };
                for (path, at) in self.strings(name, value) {
                    if let Some(p) = self.api_path(&path, at.clone()) {
                        let o = self.origin(&at, format!("{prefix} {name}"));
                        out.apis.push((p, Api::Spawn(kind), o));
                    }
                }
            }
            "channels" | "semaphores" => self.apis(prefix, name, value, out),
            _ => self.error(
                key.span(),
                format!(
                    "unknown key `{name}` in {prefix}; expected one of: {}",
                    KEYS.join(", ")
                ),
            ),
        }
    }

    fn lints(&mut self, prefix: &str, value: &Spanned<DeValue<'_>>, out: &mut Table) {
        let Some(t) = value.get_ref().as_table() else {
            self.error(
                value.span(),
                "`lints` is a table: `BP001 = \"deny\"`".to_string(),
            );
            return;
        };
        for (k, v) in t {
            let sel = k.get_ref().as_ref();
            if LintId::from_str_loose(sel).is_none() && !sel.eq_ignore_ascii_case("warnings") {
                self.error(
                    k.span(),
                    format!("unknown lint `{sel}` (see `cargo bpcheck --list`)"),
                );
                continue;
            }
            let level = match v.get_ref().as_str() {
                Some("allow") => Level::Allow,
                Some("warn") => Level::Warn,
                Some("deny") => Level::Deny,
                _ => {
                    self.error(
                        v.span(),
                        "a lint level is \"allow\", \"warn\" or \"deny\"".to_string(),
                    );
                    continue;
                }
            };
            let o = self.origin(&k.span(), format!("{prefix}.lints {sel}"));
            out.lints.push((sel.to_string(), level, o));
        }
    }

    /// An array of strings, each with its span.
    fn strings(&mut self, name: &str, value: &Spanned<DeValue<'_>>) -> Vec<(String, Range<usize>)> {
        let Some(items) = value.get_ref().as_array() else {
            self.error(value.span(), format!("`{name}` is an array of strings"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_string(), item.span())),
                None => self.error(item.span(), format!("`{name}` holds strings")),
            }
        }
        out
    }

    /// `a::b::c` as segments; an error unless it is a plain path.
    fn api_path(&mut self, path: &str, at: Range<usize>) -> Option<Vec<String>> {
        let segs: Vec<String> = path.split("::").map(|s| s.trim().to_string()).collect();
        let ok = segs.len() >= 2
            && segs.iter().all(|s| {
                !s.is_empty()
                    && s.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !s.starts_with(|c: char| c.is_ascii_digit())
            });
        if !ok {
            self.error(
                at,
                format!("`{path}` is not a path to a function of another crate (`crate_name::function`)"),
            );
            return None;
        }
        Some(segs)
    }

    /// `channels` and `semaphores`: path = description.
    fn apis(&mut self, prefix: &str, name: &str, value: &Spanned<DeValue<'_>>, out: &mut Table) {
        let Some(t) = value.get_ref().as_table() else {
            self.error(value.span(), format!("`{name}` is a table of paths"));
            return;
        };
        for (k, v) in t {
            let Some(path) = self.api_path(k.get_ref(), k.span()) else {
                continue;
            };
            let api = if name == "channels" {
                self.channel_api(v)
            } else {
                self.semaphore_api(v)
            };
            if let Some(api) = api {
                let o = self.origin(&k.span(), format!("{prefix}.{name} \"{}\"", k.get_ref()));
                out.apis.push((path, api, o));
            }
        }
    }

    fn channel_api(&mut self, v: &Spanned<DeValue<'_>>) -> Option<Api> {
        const EXPECTED: &str =
            "a channel constructor is \"unbounded\" or `{ capacity-arg = N }` (optionally `like = \"tokio\"`)";
        if v.get_ref().as_str() == Some("unbounded") {
            return Some(Api::ChannelCtor {
                lib: ChannelLib::Tokio,
                kind: ChannelKind::Unbounded,
            });
        }
        let Some(t) = v.get_ref().as_table() else {
            self.error(v.span(), EXPECTED.to_string());
            return None;
        };
        let mut cap_arg = None;
        let mut lib = ChannelLib::Tokio;
        for (k, val) in t {
            match k.get_ref().as_ref() {
                "capacity-arg" => match index(val) {
                    Some(n) => cap_arg = Some(n),
                    None => self.error(
                        val.span(),
                        "`capacity-arg` is an argument index (0, 1, ..)".into(),
                    ),
                },
                "like" => match LIBS
                    .iter()
                    .find(|(w, _)| Some(*w) == val.get_ref().as_str())
                {
                    Some((_, l)) => lib = *l,
                    None => {
                        let all: Vec<&str> = LIBS.iter().map(|(w, _)| *w).collect();
                        self.error(val.span(), format!("`like` is one of: {}", all.join(", ")));
                    }
                },
                other => self.error(k.span(), format!("unknown key `{other}`; {EXPECTED}")),
            }
        }
        match cap_arg {
            Some(cap_arg) => Some(Api::ChannelCtor {
                lib,
                kind: ChannelKind::Bounded {
                    cap_arg,
                    zero_panics: false,
                },
            }),
            None => {
                self.error(v.span(), EXPECTED.to_string());
                None
            }
        }
    }

    fn semaphore_api(&mut self, v: &Spanned<DeValue<'_>>) -> Option<Api> {
        const EXPECTED: &str = "a semaphore constructor is `{ permits-arg = N }`";
        let permits = v
            .get_ref()
            .as_table()
            .and_then(|t| t.get("permits-arg"))
            .and_then(index);
        match (permits, v.get_ref().as_table().map(|t| t.len())) {
            (Some(permits_arg), Some(1)) => Some(Api::SemaphoreCtor { permits_arg }),
            _ => {
                self.error(v.span(), EXPECTED.to_string());
                None
            }
        }
    }
}

fn integer(v: &Spanned<DeValue<'_>>) -> Option<i128> {
    let i = v.get_ref().as_integer()?;
    i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
}

fn positive(v: &Spanned<DeValue<'_>>) -> Option<u64> {
    integer(v)
        .filter(|n| *n > 0)
        .and_then(|n| u64::try_from(n).ok())
}

fn index(v: &Spanned<DeValue<'_>>) -> Option<usize> {
    integer(v)
        .filter(|n| *n >= 0)
        .and_then(|n| usize::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(toml: &str, section: &str) -> Result<Option<Table>, Vec<ConfigError>> {
        Reader {
            file: PathBuf::from("/p/Cargo.toml"),
            text: toml,
            errors: Vec::new(),
        }
        .read(section)
    }

    #[test]
    fn reads_every_key_with_its_line() {
        let t = read_str(
            "[package]\nname = \"x\"\n[package.metadata.bpcheck]\nfail-on = \"certain\"\nunbounded-above = 10_000\nexclude = [\"src/gen\"]\nspawners = [\"myrt::spawn\"]\n[package.metadata.bpcheck.lints]\nBP001 = \"deny\"\nunbounded-spawn = \"allow\"\n[package.metadata.bpcheck.channels]\n\"myq::unbounded\" = \"unbounded\"\n\"myq::bounded\" = { capacity-arg = 1, like = \"flume\" }\n[package.metadata.bpcheck.semaphores]\n\"lim::Limiter::new\" = { permits-arg = 0 }\n",
            "package",
        )
        .unwrap()
        .unwrap();
        assert_eq!(t.fail_on.as_ref().unwrap().0, Confidence::Certain);
        assert_eq!(t.fail_on.unwrap().1.line, 4);
        assert_eq!(t.unbounded_above.unwrap().0, 10_000);
        assert_eq!(t.exclude[0].0, PathBuf::from("/p/src/gen"));
        assert_eq!(t.lints.len(), 2);
        assert_eq!(t.lints[0].2.key, "[package.metadata.bpcheck].lints BP001");
        assert_eq!(t.apis.len(), 4);
        assert!(t.apis.iter().any(|(p, a, _)| p == &["myq", "bounded"]
            && *a
                == Api::ChannelCtor {
                    lib: ChannelLib::Flume,
                    kind: ChannelKind::Bounded {
                        cap_arg: 1,
                        zero_panics: false
                    }
                }));
        assert!(read_str("[package]\nname = \"x\"\n", "package")
            .unwrap()
            .is_none());
    }

    #[test]
    fn mistakes_point_at_their_key_or_value() {
        let text = "[workspace.metadata.bpcheck]\nfial-on = \"certain\"\nunbounded-above = 0\n[workspace.metadata.bpcheck.lints]\nBP777 = \"deny\"\nBP001 = \"loud\"\n[workspace.metadata.bpcheck.channels]\n\"nopath\" = \"unbounded\"\n";
        let errs = read_str(text, "workspace").unwrap_err();
        let at: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (&text[e.range.clone()], e.message.as_str()))
            .collect();
        assert!(
            at.iter()
                .any(|(s, m)| *s == "fial-on" && m.contains("unknown key `fial-on`")),
            "{at:?}"
        );
        assert!(
            at.iter()
                .any(|(s, m)| *s == "0" && m.contains("positive integer")),
            "{at:?}"
        );
        assert!(
            at.iter()
                .any(|(s, m)| *s == "BP777" && m.contains("unknown lint")),
            "{at:?}"
        );
        assert!(
            at.iter()
                .any(|(s, m)| *s == "\"loud\"" && m.contains("lint level")),
            "{at:?}"
        );
        assert!(
            at.iter()
                .any(|(s, m)| *s == "\"nopath\"" && m.contains("not a path")),
            "{at:?}"
        );
        let bad = read_str("[package\n", "package").unwrap_err();
        assert!(bad[0].message.starts_with("invalid TOML"));
    }
}
