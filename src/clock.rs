//! The clock is passed in: checks never read the system time themselves, so `--now` fixes
//! every time-dependent answer and tests are reproducible.

use chrono::{DateTime, Utc};

/// What "now" means for this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A fixed instant (`--now 2026-01-01T00:00:00Z`, or the system time read once at the edge).
    Fixed(DateTime<Utc>),
    /// `--now issue-instant`: each message is evaluated at its own IssueInstant / `iat`.
    IssueInstant,
}

impl Clock {
    /// The system clock, read once. Only the CLI edge calls this.
    pub fn system() -> Self {
        Clock::Fixed(Utc::now())
    }

    /// The instant to evaluate a message at, given the message's own issue instant.
    /// With `IssueInstant` and no instant in the message, falls back to `fallback`.
    pub fn instant_for(
        &self,
        issue_instant: Option<DateTime<Utc>>,
        fallback: DateTime<Utc>,
    ) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => *t,
            Clock::IssueInstant => issue_instant.unwrap_or(fallback),
        }
    }

    /// A concrete instant for things that have no issue instant of their own (metadata,
    /// configuration expiry dates).
    pub fn now_or(&self, fallback: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => *t,
            Clock::IssueInstant => fallback,
        }
    }
}

/// Parse `--now`: an RFC 3339 instant, or `issue-instant`.
pub fn parse_now(s: &str) -> Result<Clock, String> {
    if s == "issue-instant" {
        return Ok(Clock::IssueInstant);
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| Clock::Fixed(t.with_timezone(&Utc)))
        .map_err(|e| {
            format!("--now expects an RFC 3339 instant or `issue-instant`, got {s:?}: {e}")
        })
}

/// A UTC instant to the second, as messages show it: `2026-03-01T10:00:00Z`.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A duration in words for humans: "3 minutes 20 seconds", "2 days".
pub fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().unsigned_abs();
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (size, name) in units {
        let n = rest / size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(" ")
    }
}

/// "in 3 minutes" / "5 hours ago" / "now", relative to `now`.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = t - now;
    if d.num_seconds() == 0 {
        "now".to_string()
    } else if d.num_seconds() > 0 {
        format!("in {}", human_duration(d))
    } else {
        format!("{} ago", human_duration(d))
    }
}

/// Parse a duration such as `180s`, `30d`, `5m`, `1h 30m`.
pub fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    let std =
        humantime::parse_duration(s.trim()).map_err(|e| format!("bad duration {s:?}: {e}"))?;
    chrono::Duration::from_std(std).map_err(|_| format!("duration {s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(
            human_duration(chrono::Duration::seconds(200)),
            "3 minutes 20 seconds"
        );
        assert_eq!(
            human_duration(chrono::Duration::seconds(-90_000)),
            "1 day 1 hour"
        );
        assert_eq!(parse_duration("180s").unwrap().num_seconds(), 180);
        assert_eq!(parse_duration("30d").unwrap().num_days(), 30);
    }

    #[test]
    fn now_parses_both_forms() {
        assert_eq!(parse_now("issue-instant").unwrap(), Clock::IssueInstant);
        assert!(parse_now("2026-01-01T00:00:00Z").is_ok());
        assert!(parse_now("yesterday").is_err());
    }
}
