use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{ColorChoice, ParseArgs};

pub fn run(_args: ParseArgs, _color: ColorChoice) -> Result<ExitCode> {
    bail!("parse is not implemented yet")
}
