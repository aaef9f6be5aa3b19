//! `kubeharden man`: the manual page, in roff, from the same clap definitions as the command
//! line. One page holds every subcommand (`man kubeharden` shows all there is), each under its
//! own heading with its synopsis, description and options. docs/kubeharden.1 is this output,
//! checked in; a test keeps the two equal.

use std::io;

use clap::CommandFactory;
use clap_mangen::Man;

use crate::args::Cli;
use crate::{EXIT_CLEAN, EXIT_TROUBLE};

/// What every section clap_mangen renders starts with: the definition of the apostrophe
/// string. Once is enough.
const APOSTROPHE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

pub fn run() -> u8 {
    let Ok(page) = page() else {
        return EXIT_TROUBLE;
    };
    match super::print(&page) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

/// The whole page. clap_mangen renders a page per command, or single sections: the sections
/// of each subcommand become subsections under a heading that names it.
fn page() -> io::Result<String> {
    // The package's version, not `--version`'s: a page naming the commit would change with
    // every commit.
    let mut command = Cli::command().version(env!("CARGO_PKG_VERSION"));
    // Names the subcommands `kubeharden check` in their synopses.
    command.build();
    let top = Man::new(command.clone());
    let mut text = String::new();
    let mut roff = Vec::new();
    top.render_title(&mut roff)?;
    top.render_name_section(&mut roff)?;
    top.render_synopsis_section(&mut roff)?;
    top.render_description_section(&mut roff)?;
    top.render_options_section(&mut roff)?;
    push_lines(&mut text, &roff, false);
    let subcommands = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help");
    for sub in subcommands {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        text.push_str(&format!(".SH \"{}\"\n", name.to_uppercase()));
        let page = Man::new(sub.clone());
        let mut roff = Vec::new();
        page.render_synopsis_section(&mut roff)?;
        page.render_description_section(&mut roff)?;
        page.render_options_section(&mut roff)?;
        push_lines(&mut text, &roff, true);
    }
    let mut roff = Vec::new();
    top.render_version_section(&mut roff)?;
    push_lines(&mut text, &roff, false);
    Ok(text)
}

/// Appends rendered roff, its sections made subsections when `nested`. Text lines that begin
/// with `.` are escaped by roff (`\&.`): only section macros start with `.SH`.
fn push_lines(text: &mut String, roff: &[u8], nested: bool) {
    for line in String::from_utf8_lossy(roff).lines() {
        if APOSTROPHE.contains(&line) && text.contains(line) {
            continue;
        }
        match line.strip_prefix(".SH ") {
            Some(heading) if nested => {
                text.push_str(".SS ");
                text.push_str(heading);
            }
            _ => text.push_str(line),
        }
        text.push('\n');
    }
}
