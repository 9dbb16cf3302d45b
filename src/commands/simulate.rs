use crate::cli::{Ctx, SimulateArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &SimulateArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "simulate is not built yet",
    ))
}
