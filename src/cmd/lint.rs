use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{ColorChoice, LintArgs};

pub fn run(_args: LintArgs, _color: ColorChoice) -> Result<ExitCode> {
    bail!("lint is not implemented yet")
}
