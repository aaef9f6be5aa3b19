//! One module per subcommand; each returns its exit code.

pub mod check;
pub mod completions;
pub mod explain;
pub mod fix;
pub mod man;
pub mod rules;

use std::io::{self, Write};

use crate::EXIT_TROUBLE;

/// Writes `text` to standard output; a closed pipe (`kubeharden rules | head`) is not an error
/// worth a message, anything else is.
pub fn print(text: &str) -> Result<(), u8> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Err(EXIT_TROUBLE),
        Err(error) => {
            let _ = writeln!(io::stderr(), "kubeharden: cannot write output: {error}");
            Err(EXIT_TROUBLE)
        }
    }
}
