//! rustc-style diagnostics.

use super::Report;
use crate::cli::Ctx;

pub fn render(r: &Report, _ctx: &Ctx) -> String {
    let mut out = String::new();
    for f in &r.findings {
        out.push_str(&format!("{}[{}]: {}\n", f.severity, f.rule.id, f.message));
    }
    if let Some(body) = &r.body {
        out.push_str(body);
    }
    out.push_str(&format!("verdict: {}\n", r.verdict().as_str()));
    out
}
