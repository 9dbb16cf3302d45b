use crate::cli::{Ctx, ExplainArgs};
use crate::error::Fatal;
use std::io::Write;

pub fn list(_ctx: &Ctx, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "rules is not built yet",
    ))
}

pub fn explain(_ctx: &Ctx, _args: &ExplainArgs, _out: &mut dyn Write) -> Result<i32, Fatal> {
    Err(Fatal::new(
        &crate::rules::input::UNDECODABLE,
        "explain is not built yet",
    ))
}
