//! The `vango` command: reads the arguments and runs one subcommand; every failure is one
//! clear line on stderr and exit status 1 (2 for a usage error).

mod args;
mod cargo;
mod dev;
mod gen;
mod new;
mod project;
mod sys;
mod template;
mod watch;

use std::process::ExitCode;

use args::Command;

const USAGE: &str = "\
vango: create, run, build, test and extend Vango apps

usage:
  vango new NAME [--path-to-vango DIR]   scaffold a project in ./NAME
  vango dev [--port N]                   run with rebuild + restart on save (VANGO_DEV=1)
  vango build [--target TRIPLE]          the small release binary (profile `min`), and its size
  vango test                             the Rust tests, then browser tests if the project has them
  vango gen page|component|route NAME    add files in the project's conventions
  vango help                             this text
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match args::parse(&argv) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vango: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        Command::Help => {
            print!("{USAGE}");
            Ok(())
        }
        Command::New { name, vango } => new::run(&name, vango.as_deref()),
        Command::Dev { port } => dev::run(port),
        Command::Build { target } => cargo::build_min(target.as_deref()),
        Command::Test => cargo::test(),
        Command::Gen { kind, name } => gen::run(kind, &name),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vango: error: {e}");
            ExitCode::from(1)
        }
    }
}
