use crate::cli::{Ctx, InitArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &InitArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "init is not built yet",
    ))
}

pub fn schema(_out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "schema is not built yet",
    ))
}
