//! robots.txt, read with the maintained `texting_robots` parser for the product token
//! [`super::ROBOTS_AGENT`] (rules for `claims`, else those for `*`).

use super::{RobotsRule, ROBOTS_AGENT};

/// The rules of a robots.txt body. A body the parser cannot read at all allows nothing (what
/// a site meant cannot be known), with the parser's reason.
pub(super) fn parse(body: &[u8]) -> RobotsRule {
    match texting_robots::Robot::new(ROBOTS_AGENT, body) {
        Ok(robot) => RobotsRule::Rules(Box::new(robot)),
        Err(e) => RobotsRule::Unavailable(format!("unreadable robots.txt: {e}")),
    }
}

/// Whether robots.txt `body` allows `url` to `claims` (for tests and `--format json` reports).
pub fn allows(body: &[u8], url: &str) -> bool {
    match parse(body) {
        RobotsRule::Rules(robot) => robot.allowed(url),
        RobotsRule::AllowAll => true,
        RobotsRule::Unavailable(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_claims_win_over_those_for_everyone() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: claims\nDisallow: /private/\n";
        assert!(allows(txt, "https://example.org/news/a"));
        assert!(!allows(txt, "https://example.org/private/a"));
    }

    #[test]
    fn rules_for_everyone_apply_without_rules_for_claims() {
        let txt = b"User-agent: *\nDisallow: /drafts\nAllow: /drafts/public\n";
        assert!(!allows(txt, "https://example.org/drafts/x"));
        assert!(allows(txt, "https://example.org/drafts/public/x"));
        assert!(allows(txt, "https://example.org/news/x"));
        assert!(allows(b"", "https://example.org/anything"));
    }
}
