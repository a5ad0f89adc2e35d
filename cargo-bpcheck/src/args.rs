//! Command-line definition (clap derive) and the ordered lint-level overrides.

use bpcheck_analyzer::{Confidence, Level};
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
    after_help = "Targets: like `cargo build`, the lib and bins are analyzed by default, without code compiled\n\
                  only for tests (#[cfg(test)] items and modules, #[test] and #[tokio::test] functions).\n\
                  Naming target flags selects only those. --tests and --benches analyze the lib and bins as\n\
                  `cargo test`/`cargo bench` compile them (cfg(test) code included) with the integration tests or\n\
                  benches. --all-targets analyzes every target, the build script and all cfg(test) code. With\n\
                  PATHs, cfg(test) code is analyzed with --tests or --all-targets. Platform and feature cfgs\n\
                  are not evaluated: code under them is always analyzed.\n\
                  Lint levels (-W/-D/-A) apply in command-line order; the last one naming a lint wins.\n\
                  --fail-on certain reports deny-level findings of possible confidence as warnings.\n\
                  --graph: tasks are boxes (×N replicated, thread = OS thread), channels cylinders labelled\n\
                  `name (capacity)`, unbounded ones red and dashed; dashed sends never wait, bold receives\n\
                  have priority; red edges form a cycle that can deadlock, green ones a cycle a gateway breaks.\n\
                  Exit status: 0 no deny-level finding (always 0 with --graph), 1 some deny-level finding,\n\
                  2 usage or manifest error."
)]
pub struct Cli {
    /// Files or directories to analyze directly, without a manifest (one crate)
    #[arg(
        value_name = "PATH",
        conflicts_with_all = ["manifest_path", "workspace", "package", "lib", "bins", "bin", "examples", "benches"]
    )]
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

    /// Analyze only the library
    #[arg(long, help_heading = "Target Selection")]
    pub lib: bool,

    /// Analyze only the binaries
    #[arg(long, help_heading = "Target Selection")]
    pub bins: bool,

    /// Analyze only this binary (repeatable)
    #[arg(long = "bin", value_name = "NAME", help_heading = "Target Selection")]
    pub bin: Vec<String>,

    /// Analyze the integration tests, and the lib and bins as unit tests: #[cfg(test)] code included
    #[arg(long, help_heading = "Target Selection")]
    pub tests: bool,

    /// Analyze only the examples
    #[arg(long, help_heading = "Target Selection")]
    pub examples: bool,

    /// Analyze the benches, and the lib and bins as benchmarks: #[cfg(test)] code included
    #[arg(long, help_heading = "Target Selection")]
    pub benches: bool,

    /// Analyze every target and the build script, #[cfg(test)] code included
    #[arg(long, help_heading = "Target Selection")]
    pub all_targets: bool,

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

    /// Print each selected package's effective configuration (Cargo.toml
    /// `[workspace.metadata.bpcheck]`, `[package.metadata.bpcheck]`, command line) with where
    /// each value comes from, and exit
    #[arg(long, help_heading = "Lint Levels")]
    pub print_config: bool,

    /// Also list the findings that `bpcheck::allow` attributes and allow comments hid, with
    /// their reasons (human and short output)
    #[arg(long, help_heading = "Lint Levels")]
    pub show_allowed: bool,

    /// Fail only on deny-level findings of at least this confidence; weaker ones become warnings
    #[arg(
        long,
        value_enum,
        default_value_t = FailOn::Possible,
        value_name = "CONFIDENCE",
        help_heading = "Lint Levels"
    )]
    pub fail_on: FailOn,

    /// Parse every function body, also those that mention nothing the analysis follows
    /// (skipped by default; the findings are the same, only slower: a check of that)
    #[arg(long)]
    pub no_skim: bool,

    /// Do not read or write the facts cache (`<target dir>/bpcheck/facts`: the facts of
    /// each file, kept between runs so a file is parsed again only once it changes)
    #[arg(long)]
    pub no_cache: bool,

    /// Output format of diagnostics
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FMT", help_heading = "Output")]
    pub message_format: MessageFormat,

    /// With `--message-format json`: first run `cargo check` (or `clippy`) with
    /// `--message-format=json` on the same manifest and packages, pass its messages through
    /// unchanged, then add ours (for rust-analyzer's `check.overrideCommand`)
    #[arg(long, value_enum, value_name = "CMD", help_heading = "Output")]
    pub with_cargo: Option<CargoCheck>,

    /// When to color human output [default: $CARGO_TERM_COLOR or auto]
    #[arg(long, value_enum, value_name = "WHEN", help_heading = "Output")]
    pub color: Option<ColorWhen>,

    /// Print the message graph (tasks, channels, sends, receives) instead of diagnostics
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        conflicts_with_all = ["explain", "list"],
        help_heading = "Message Graph"
    )]
    pub graph: Option<GraphFormat>,

    /// Write the graph to FILE instead of stdout
    #[arg(
        short = 'o',
        long,
        value_name = "FILE",
        requires = "graph",
        help_heading = "Message Graph"
    )]
    pub output: Option<PathBuf>,

    /// Merge the graphs the runtime shim wrote while tests ran (`target/bpcheck`): sends
    /// and receives seen at run time but missing statically are noted, and --graph draws them
    #[arg(long, value_name = "DIR", help_heading = "Message Graph")]
    pub observed: Option<PathBuf>,

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

/// The least confidence of a deny-level finding that fails the run.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail only on findings whose every step was followed
    Certain,
    /// Fail on every deny-level finding, also those through steps the analysis could not follow
    Possible,
}

impl FailOn {
    /// The analyzer's threshold (`Config::fail_on`).
    pub fn confidence(self) -> Confidence {
        match self {
            FailOn::Certain => Confidence::Certain,
            FailOn::Possible => Confidence::Possible,
        }
    }
}

/// The language the message graph is printed in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`)
    Dot,
    /// Mermaid flowchart (Markdown, GitHub)
    Mermaid,
}

/// How diagnostics are printed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-like text on stderr
    Human,
    /// cargo-style JSON messages on stdout, one per line (for rust-analyzer)
    Json,
    /// one line per finding on stderr: `file:line:col: level[CODE] message`
    Short,
    /// GitHub Actions workflow commands on stdout (`::warning file=..,line=..::..`), which
    /// annotate a pull request from a plain CI step
    Github,
    /// SARIF 2.1.0 on stdout (GitHub code scanning and other tools)
    Sarif,
}

/// The cargo command whose messages `--with-cargo` passes through.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum CargoCheck {
    Check,
    Clippy,
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

    #[test]
    fn fail_on_defaults_to_possible_and_maps_to_confidence() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(["cargo-bpcheck"].iter().chain(args)).map(|c| c.fail_on)
        };
        assert_eq!(parse(&[]).expect("no flag"), FailOn::Possible);
        assert_eq!(
            parse(&["--fail-on", "certain"]).expect("certain"),
            FailOn::Certain
        );
        assert_eq!(
            parse(&["--fail-on=possible"]).expect("possible"),
            FailOn::Possible
        );
        assert!(parse(&["--fail-on", "maybe"]).is_err());
        assert_eq!(FailOn::Certain.confidence(), Confidence::Certain);
        assert_eq!(FailOn::Possible.confidence(), Confidence::Possible);
    }

    #[test]
    fn graph_takes_a_format_and_output_needs_it() {
        let cli = Cli::try_parse_from(["cargo-bpcheck", "--graph", "mermaid", "-o", "g.mmd"])
            .expect("valid arguments");
        assert_eq!(cli.graph, Some(GraphFormat::Mermaid));
        assert_eq!(cli.output, Some(PathBuf::from("g.mmd")));
        assert!(Cli::try_parse_from(["cargo-bpcheck", "-o", "g.dot"]).is_err());
        assert!(Cli::try_parse_from(["cargo-bpcheck", "--graph", "svg"]).is_err());
        assert!(Cli::try_parse_from(["cargo-bpcheck", "--graph", "dot", "--list"]).is_err());
    }
}
