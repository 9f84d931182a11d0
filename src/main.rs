use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

fn main() -> ExitCode {
    cmd::interrupt::install();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // File names and values in errors come from the user or the
            // input: shown with their control characters made visible.
            eprintln!("sipmsrp: error: {}", cmd::visible(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

/// What clap had to say (help, version, a usage error), written with its
/// errors checked: `--help > /dev/full` is a write error (exit 2), not a
/// silent success; a closed pipe ends quietly.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = e.exit_code();
    // `print` colours only on a terminal and reports write errors.
    let written = e.print().and_then(|()| std::io::stdout().flush());
    match written {
        Ok(()) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "sipmsrp: error: cannot write: {err}");
            ExitCode::from(2)
        }
    }
}
