use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::EncapArgs;

pub fn run(_args: EncapArgs) -> Result<ExitCode> {
    bail!("encap is not implemented yet")
}
