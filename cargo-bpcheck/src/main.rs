//! `cargo bpcheck`: runs the backpressure analyzer over cargo packages or loose files and
//! reports findings rustc-style (human) or cargo-style (JSON, for rust-analyzer).
//!
//! Exit status: 0 when no finding is at deny level, 1 when some is, 2 for usage,
//! manifest or metadata errors. With `--graph` it prints the message graph instead of
//! diagnostics and exits 0 unless the usage, the manifest or writing the graph fails.

mod allowed;
mod args;
mod config_file;
mod effective_config;
mod explain;
mod lsp;
mod observed;
mod paths;
mod render_graph;
mod render_human;
mod render_json;
mod render_lines;
mod render_sarif;
mod targets;
mod with_cargo;

use args::{ColorWhen, GraphFormat, MessageFormat};

/// Parsing and fact extraction allocate many small values from two threads: mimalloc
/// handles that far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use bpcheck_analyzer::{analyze, Config};
use clap::{CommandFactory, FromArgMatches};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use render_human::HumanRenderer;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// An error that ends the run with exit status 2; printed as `error: {0}`.
#[derive(Debug)]
pub struct Fatal(pub String);

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Fatal> {
    // `cargo bpcheck lsp`: the language server, before any argument parsing.
    if args::normalized_args().get(1).is_some_and(|a| a == "lsp") {
        return lsp::run();
    }
    // clap prints help/version (exit 0) or the usage error (exit 2) itself.
    let matches = args::Cli::command()
        .try_get_matches_from(args::normalized_args())
        .unwrap_or_else(|e| e.exit());
    let cli = args::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());

    if let Some(sel) = &cli.explain {
        let text = explain::explain(sel)
            .ok_or_else(|| Fatal(format!("unknown lint `{sel}` (see `cargo bpcheck --list`)")))?;
        print_stdout(&text);
        return Ok(ExitCode::SUCCESS);
    }
    if cli.list {
        print_stdout(&explain::list());
        return Ok(ExitCode::SUCCESS);
    }

    if cli.with_cargo.is_some()
        && (cli.message_format != args::MessageFormat::Json || !cli.paths.is_empty())
    {
        return Err(Fatal(
            "`--with-cargo` needs `--message-format json` and a manifest (no loose paths)"
                .to_string(),
        ));
    }
    let mut config = Config {
        fail_on: cli.fail_on.confidence(),
        skim: !cli.no_skim,
        ..Config::default()
    };
    for (selector, level) in args::ordered_levels(&matches) {
        config
            .levels
            .set(&selector, level)
            .map_err(|e| Fatal(e.to_string()))?;
    }

    let cwd = std::env::current_dir()
        .map_err(|e| Fatal(format!("cannot read the current directory: {e}")))?;
    let cli_settings = effective_config::CliSettings {
        levels: args::ordered_levels(&matches),
        fail_on: matches
            .value_source("fail_on")
            .filter(|s| *s == clap::parser::ValueSource::CommandLine)
            .map(|_| cli.fail_on.confidence()),
    };
    let plan = targets::plan(&cli, &cwd, &cli_settings)?;
    if cli.print_config {
        let text: String = plan
            .configs
            .iter()
            .map(|(name, manifest, e)| effective_config::render(name, manifest, e))
            .collect::<Vec<_>>()
            .join("\n");
        print_stdout(&text);
        return Ok(ExitCode::SUCCESS);
    }
    if !cli.no_cache {
        config.cache_dir = plan.cache_dir.clone();
    }
    let analysis = analyze(&plan.crates, &config);
    let missing = match &cli.observed {
        Some(dir) => {
            let seen = observed::load(&targets::absolute(dir, &cwd))?;
            Some(observed::missing(&seen, &analysis.model, &analysis.files))
        }
        None => None,
    };

    if let Some(format) = cli.graph {
        let text = match format {
            GraphFormat::Dot => render_graph::dot(&analysis.model, &analysis.files),
            GraphFormat::Mermaid => render_graph::mermaid(&analysis.model, &analysis.files),
        };
        let text = match (&missing, format) {
            (Some(m), GraphFormat::Dot) => observed::add_to_dot(text, m),
            (Some(m), GraphFormat::Mermaid) => observed::add_to_mermaid(text, m),
            (None, _) => text,
        };
        match &cli.output {
            Some(path) => {
                let abs = targets::absolute(path, &cwd);
                std::fs::write(&abs, text).map_err(|e| {
                    Fatal(format!(
                        "cannot write the graph to `{}`: {e}",
                        path.display()
                    ))
                })?;
            }
            None => print_stdout(&text),
        }
        return Ok(ExitCode::SUCCESS);
    }

    let human = HumanRenderer::new(&analysis, &cwd);

    // Output errors (a closed pipe) do not change the verdict.
    match cli.message_format {
        MessageFormat::Human => {
            let mut err = StandardStream::stderr(color_choice(cli.color_when()));
            for diag in &analysis.diagnostics {
                let _ = human.render(diag, &mut err);
            }
            if cli.show_allowed {
                for a in &analysis.allowed {
                    let _ = human.render(&allowed::as_note(a), &mut err);
                }
            }
            if let Some(m) = &missing {
                let _ = write!(err, "{}", observed::notes(m));
            }
            let _ = writeln!(err, "{}", render_human::summary_line(&analysis));
        }
        MessageFormat::Json => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let cargo_ok = match cli.with_cargo {
                Some(which) => with_cargo::pass_through(which, &cli, &cwd, &mut out)
                    .ok_or_else(|| Fatal("could not run cargo for --with-cargo".to_string()))?,
                None => true,
            };
            let _ = render_json::write_all(&mut out, &analysis, &plan, &human, cargo_ok);
            if !cargo_ok {
                return Ok(ExitCode::from(1));
            }
        }
        MessageFormat::Short => {
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            let _ = render_lines::write_short(&mut err, &analysis, &cwd);
            if cli.show_allowed {
                let notes: Vec<_> = analysis.allowed.iter().map(allowed::as_note).collect();
                let _ = render_lines::write_short_list(&mut err, &analysis, &notes, &cwd);
            }
            if let Some(m) = &missing {
                let _ = write!(err, "{}", observed::notes(m));
            }
            let _ = writeln!(err, "{}", render_human::summary_line(&analysis));
        }
        MessageFormat::Github => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render_lines::write_github(&mut out, &analysis, &cwd);
        }
        MessageFormat::Sarif => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render_sarif::write(&mut out, &analysis, &plan.json_base);
        }
    }
    Ok(if analysis.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn color_choice(when: ColorWhen) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto if std::io::stderr().is_terminal() => ColorChoice::Auto,
        ColorWhen::Auto => ColorChoice::Never,
    }
}

/// Prints to stdout, ignoring a closed pipe instead of panicking like `print!`.
fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
