//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kubeharden_core::version::KubeVersion;
use kubeharden_rules::{PathPattern, Selector};

/// Lint Kubernetes control-plane configuration: kube-apiserver, kubelet, etcd and the
/// Dashboard.
#[derive(Debug, Parser)]
#[command(
    name = "kubeharden",
    version = env!("KUBEHARDEN_VERSION"),
    about,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories.
    Check(Check),
    /// List every rule.
    Rules(Rules),
    /// Show one rule's documentation.
    Explain(Explain),
    /// Print the completion script for a shell (`kubeharden completions bash`).
    Completions(Completions),
    /// Print the manual page, in roff (`kubeharden man | man -l -`).
    Man,
}

#[derive(Debug, Args)]
pub struct Completions {
    /// The shell the script is for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct Rules {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct Explain {
    /// A rule's code (`KAPI001`) or name (`insecure-port-enabled`).
    #[arg(value_name = "CODE|NAME")]
    pub rule: String,

    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent switches
pub struct Check {
    /// Files or directories to lint. Directories are walked for `*.yaml`, `*.yml`, systemd
    /// units and drop-ins, and `*.env` files. Without a PATH, the node's standard locations
    /// under `--root` are linted. `-` reads standard input (name it with `--stdin-filename`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Treat DIR as the node's `/`: read the standard locations under it when no PATH is
    /// given, and the files the configuration names (`--config`, `EnvironmentFile=`, ...).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to this file instead of standard output (messages about the run
    /// still go to standard error; `--diff` still prints to standard output).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Exit 0 even when there are findings (2 still means the run had trouble).
    #[arg(long)]
    pub exit_zero: bool,

    /// Exit 0 when there is nothing to lint (no file in the PATHs is one kubeharden reads),
    /// instead of 2.
    #[arg(long)]
    pub allow_empty: bool,

    /// Judge every component as this Kubernetes version (`1.30`), whatever its image says.
    #[arg(long, value_name = "X.Y", value_parser = parse_version)]
    pub kubernetes_version: Option<KubeVersion>,

    /// Only these rules: comma-separated codes, code prefixes (`KETC`, `KAPI00`) or names.
    /// Replaces the config file's `select` and `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub select: Option<Vec<Selector>>,

    /// Not these rules: codes, prefixes or names, comma-separated. Adds to the config file's
    /// `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub ignore: Vec<Selector>,

    /// Skip files and directories matching GLOB (relative to the directory walked, or a file
    /// name); repeatable, adds to the config file's `exclude`.
    #[arg(long, value_name = "GLOB", value_parser = parse_pattern)]
    pub exclude: Vec<PathPattern>,

    /// Read settings from FILE for every file, instead of the `.kubeharden.yaml` (or `.yml`)
    /// closest to each file.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every `.kubeharden.yaml` and `.kubeharden.yml`.
    #[arg(long)]
    pub no_config: bool,

    /// Follow symbolic links while walking directories (loops are reported, not followed).
    #[arg(long)]
    pub follow_links: bool,

    /// The name standard input (`-`) is linted as: it decides the file's kind and appears in
    /// the output.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Colour in human output: `auto` colours a terminal unless `NO_COLOR` is set (or
    /// `CLICOLOR_FORCE` forces it).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only the findings: no summary line, and nothing at all when there are none.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Also list the files skipped as templates, and the components not evaluated because a
    /// file that decides their settings was not read.
    #[arg(short, long)]
    pub verbose: bool,

    /// Apply the safe fixes (and the unsafe ones with `--unsafe-fixes`), then report what is
    /// left. A file whose fixed text would not parse, or would still have the fixed finding,
    /// is left as it was.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print, as a unified diff, what `--fix` would change, and write nothing. Exits 1 if it
    /// would change something, 0 otherwise.
    #[arg(long)]
    pub diff: bool,

    /// With `--fix` or `--diff`, also apply the unsafe fixes: they need a choice the tool
    /// cannot know (a certificate path) or may break a working cluster.
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets, for people.
    Human,
    /// One JSON document (schema `kubeharden/v1`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
    /// `file:line:col: CODE [severity] message`, one per line.
    Compact,
    /// JUnit XML: a test suite per file, a failed test case per finding, for CI dashboards.
    Junit,
    /// GitLab Code Quality JSON, for merge request widgets.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_selector(text: &str) -> Result<Selector, String> {
    Selector::parse(text).map_err(|error| error.to_string())
}

fn parse_pattern(text: &str) -> Result<PathPattern, String> {
    PathPattern::new(text).map_err(|error| error.to_string())
}

fn parse_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text).map_err(|error| error.to_string())
}
