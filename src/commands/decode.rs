use crate::cli::{Ctx, DecodeArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn run(_ctx: &Ctx, _args: &DecodeArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "decode is not built yet",
    ))
}
