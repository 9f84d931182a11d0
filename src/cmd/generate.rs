//! The hidden `generate-assets` subcommand: man pages and shell completions
//! from the clap definitions.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs};

pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    write_assets(&args.out_dir)?;
    Ok(ExitCode::SUCCESS)
}

/// Write man/*.1 and completions/* under `dir`.
pub fn write_assets(dir: &Path) -> Result<()> {
    let man_dir = dir.join("man");
    let comp_dir = dir.join("completions");
    std::fs::create_dir_all(&man_dir).with_context(|| format!("{}", man_dir.display()))?;
    std::fs::create_dir_all(&comp_dir).with_context(|| format!("{}", comp_dir.display()))?;

    let cmd = Cli::command();
    write_man(&cmd, "sipmsrp", &man_dir)?;

    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "sipmsrp", &mut buf);
        let name = match shell {
            Shell::Bash => "sipmsrp.bash",
            Shell::Zsh => "_sipmsrp",
            Shell::Fish => "sipmsrp.fish",
            Shell::PowerShell => "_sipmsrp.ps1",
            Shell::Elvish => "sipmsrp.elv",
            _ => unreachable!("only the shells listed above"),
        };
        super::write_atomic(&comp_dir.join(name), &buf)?;
    }
    Ok(())
}

/// One page for the command and one per visible subcommand, recursively
/// (`sipmsrp-uri-escape.1` and so on).
fn write_man(cmd: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    let cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    super::write_atomic(&dir.join(format!("{name}.1")), &buf)?;
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        write_man(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
