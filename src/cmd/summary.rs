use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::SummaryArgs;

pub fn run(_args: SummaryArgs) -> Result<ExitCode> {
    bail!("summary is not implemented yet")
}
