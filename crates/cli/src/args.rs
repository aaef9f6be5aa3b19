//! Command-line arguments (DESIGN §5).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kubeharden_core::version::KubeVersion;

/// Lint Kubernetes control-plane configuration: kube-apiserver, kubelet, etcd and the
/// Dashboard.
#[derive(Debug, Parser)]
#[command(name = "kubeharden", version, about, propagate_version = true)]
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
pub struct Check {
    /// Files or directories to lint. Directories are walked for `*.yaml`, `*.yml`, systemd
    /// units and drop-ins, and `*.env` files. Without a PATH, the node's standard locations
    /// under `--root` are linted.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Treat DIR as the node's `/`: read the standard locations under it when no PATH is
    /// given, and the files the configuration names (`--config`, `EnvironmentFile=`, ...).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Judge every component as this Kubernetes version (`1.30`), whatever its image says.
    #[arg(long, value_name = "X.Y", value_parser = parse_version)]
    pub kubernetes_version: Option<KubeVersion>,

    /// Also list the files skipped as templates.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets, for people.
    Human,
    /// One JSON document (schema `kubeharden/v1`).
    Json,
    /// `file:line:col: CODE [severity] message`, one per line.
    Compact,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

fn parse_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text).map_err(|error| error.to_string())
}
