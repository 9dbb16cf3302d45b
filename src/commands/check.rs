use crate::cli::{CheckArgs, Ctx};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &CheckArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "check is not built yet",
    ))
}
