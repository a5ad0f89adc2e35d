//! The diagnostic model: what lints and the loader report. Renderers live in the CLI.

use crate::lints::LintId;
use crate::source::FileRange;

/// How a finding is treated: `Allow` hides it, `Deny` fails the run.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    /// Lower-case name as used on the command line and in JSON (`allow`, `warn`, `deny`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// How sure the analysis is that a finding is real.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Some step went through something the analysis could not see.
    Possible,
    /// Every handle involved was followed.
    Certain,
}

impl Confidence {
    /// Lower-case name (`possible`, `certain`).
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Certain => "certain",
        }
    }
}

/// A labelled span of source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: FileRange,
    pub message: String,
    /// The span the diagnostic is about (rustc's `^^^`); others are context (`---`).
    pub primary: bool,
}

/// One finding or input problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub lint: LintId,
    /// The effective level after configuration; never `Allow` in an [`crate::Analysis`].
    pub level: Level,
    pub message: String,
    pub labels: Vec<Label>,
    /// `note:` lines (why it matters, context).
    pub notes: Vec<String>,
    /// `help:` lines (how to fix).
    pub help: Vec<String>,
    pub confidence: Confidence,
}

impl Diagnostic {
    /// A diagnostic for `lint` at its default level with one primary label.
    pub fn new(
        lint: LintId,
        message: impl Into<String>,
        range: FileRange,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            lint,
            level: lint.info().default_level,
            message: message.into(),
            labels: vec![Label {
                range,
                message: label.into(),
                primary: true,
            }],
            notes: Vec::new(),
            help: Vec::new(),
            confidence: Confidence::Certain,
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, range: FileRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Adds a `note:` line.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// Sets the confidence.
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    /// The primary label's range (the first label if none is marked primary).
    pub fn primary_range(&self) -> Option<FileRange> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or(self.labels.first())
            .map(|l| l.range)
    }
}
