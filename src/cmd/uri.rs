use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::UriArgs;

pub fn run(_args: UriArgs) -> Result<ExitCode> {
    bail!("uri is not implemented yet")
}
