//! Command-line definition (clap derive) and the ordered lint-level overrides.

use bpcheck_analyzer::Level;
use clap::{ArgMatches, Parser, ValueEnum};
use std::path::PathBuf;

/// Lint and topology checker for backpressure in async Rust.
///
/// Reads the sources of a cargo package (or of loose files) without compiling them and
/// reports unbounded queues and other backpressure hazards, rustc-style.
#[derive(Parser, Debug)]
#[command(
    name = "cargo-bpcheck",
    bin_name = "cargo bpcheck",
    version,
    after_help = "Lint levels (-W/-D/-A) apply in command-line order; the last one naming a lint wins.\n\
                  Exit status: 0 no deny-level finding, 1 some deny-level finding, 2 usage or manifest error."
)]
pub struct Cli {
    /// Files or directories to analyze directly, without a manifest (one crate)
    #[arg(value_name = "PATH", conflicts_with_all = ["manifest_path", "workspace", "package"])]
    pub paths: Vec<PathBuf>,

    /// Path to Cargo.toml [default: nearest Cargo.toml in the current directory or a parent]
    #[arg(long, value_name = "PATH", help_heading = "Package Selection")]
    pub manifest_path: Option<PathBuf>,

    /// Analyze every workspace member
    #[arg(long, conflicts_with = "package", help_heading = "Package Selection")]
    pub workspace: bool,

    /// Analyze only this package (repeatable)
    #[arg(
        short = 'p',
        long,
        value_name = "NAME",
        help_heading = "Package Selection"
    )]
    pub package: Vec<String>,

    /// Set a lint (code, name, or `warnings`) to warn
    #[arg(
        short = 'W',
        long = "warn",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub warn: Vec<String>,

    /// Set a lint (code, name, or `warnings`) to deny: findings fail the run
    #[arg(
        short = 'D',
        long = "deny",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub deny: Vec<String>,

    /// Set a lint (code, name, or `warnings`) to allow: findings are hidden
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "LINT",
        help_heading = "Lint Levels"
    )]
    pub allow: Vec<String>,

    /// Output format of diagnostics
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FMT", help_heading = "Output")]
    pub message_format: MessageFormat,

    /// When to color human output [default: $CARGO_TERM_COLOR or auto]
    #[arg(long, value_enum, value_name = "WHEN", help_heading = "Output")]
    pub color: Option<ColorWhen>,

    /// Print the documentation of a lint (code or name) and exit
    #[arg(
        long,
        value_name = "LINT",
        conflicts_with = "list",
        help_heading = "Lints"
    )]
    pub explain: Option<String>,

    /// List every lint with its code, name, default level and summary, and exit
    #[arg(long, help_heading = "Lints")]
    pub list: bool,
}

/// How diagnostics are printed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-like text on stderr
    Human,
    /// cargo-style JSON messages on stdout, one per line (for rust-analyzer)
    Json,
}

/// When to use colors.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when stderr is a terminal
    Auto,
    /// Always color
    Always,
    /// Never color
    Never,
}

impl Cli {
    /// The effective color choice: the flag, else `$CARGO_TERM_COLOR`, else auto.
    pub fn color_when(&self) -> ColorWhen {
        self.color.unwrap_or_else(|| {
            std::env::var("CARGO_TERM_COLOR")
                .ok()
                .and_then(|v| ColorWhen::from_str(v.trim(), true).ok())
                .unwrap_or(ColorWhen::Auto)
        })
    }
}

/// The `-W/-D/-A` selectors in command-line order, each with its level.
pub fn ordered_levels(matches: &ArgMatches) -> Vec<(String, Level)> {
    let mut all: Vec<(usize, String, Level)> = Vec::new();
    for (id, level) in [
        ("warn", Level::Warn),
        ("deny", Level::Deny),
        ("allow", Level::Allow),
    ] {
        let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        else {
            continue;
        };
        all.extend(values.zip(indices).map(|(v, i)| (i, v.clone(), level)));
    }
    all.sort_by_key(|(i, _, _)| *i);
    all.into_iter().map(|(_, v, l)| (v, l)).collect()
}

/// The process arguments with cargo's `bpcheck` subcommand word removed.
pub fn normalized_args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<_> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "bpcheck") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn levels_keep_command_line_order_across_flags() {
        let m = Cli::command()
            .try_get_matches_from([
                "cargo-bpcheck",
                "-D",
                "warnings",
                "-A",
                "BP001",
                "-W",
                "x",
                "-D",
                "y",
            ])
            .expect("valid arguments");
        let got = ordered_levels(&m);
        assert_eq!(
            got,
            vec![
                ("warnings".to_string(), Level::Deny),
                ("BP001".to_string(), Level::Allow),
                ("x".to_string(), Level::Warn),
                ("y".to_string(), Level::Deny),
            ]
        );
    }
}
