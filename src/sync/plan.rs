//! What a sync does after the hello, decided as data from what both sides said: a pure
//! function, so that every case is a unit test.

use super::wire::Mark;

/// How a sync went about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One hello showed both sides already hold each other's objects.
    InSync,
    /// Both cursors were valid: only what arrived after them was compared.
    Incremental,
    /// This side was empty: everything was pulled.
    Initial,
    /// Full range-based reconciliation (unknown peer, or a cursor that failed its check).
    Full,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InSync => "in-sync",
            Mode::Incremental => "incremental",
            Mode::Initial => "initial",
            Mode::Full => "full",
        }
    }
}

/// What this side knows after the hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    /// This database's replica id, and the peer's.
    pub me: String,
    pub theirs: String,
    /// This database's head as the sync begins, and the peer's from its hello.
    pub start: Mark,
    pub their_head: Mark,
    /// The peer's cursor for this replica, from its hello.
    pub your_cursor: Option<Mark>,
    /// This database's own chain hash at `your_cursor.seq` (`None` past its head).
    pub my_chain_there: Option<[u8; 32]>,
    /// This database's cursor for the peer.
    pub my_cursor: Option<Mark>,
    pub dry_run: bool,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// This file is a copy of another replica (or that replica was restored): take a new id.
    pub new_replica_id: bool,
    /// How far the peer is known to hold this database's objects (a validated cursor).
    pub push_from: Option<i64>,
    pub step: Step,
}

/// The exchange to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to move.
    InSync,
    /// This side holds nothing: pull everything, push nothing but a cursor.
    Initial,
    /// Pull what the peer stored after `pull_after` (checking its chain there; on a mismatch,
    /// fall back to [`Step::Full`]), then offer what this side stored after `push_after`.
    Incremental { pull_after: Mark, push_after: i64 },
    /// Range-based reconciliation of the whole sets.
    Full,
}

impl Step {
    pub fn mode(self) -> Mode {
        match self {
            Step::InSync => Mode::InSync,
            Step::Initial => Mode::Initial,
            Step::Incremental { .. } => Mode::Incremental,
            Step::Full => Mode::Full,
        }
    }
}

/// Decides the sync from the hello.
///
/// - The peer's cursor for me is trusted only if my own chain at its seq matches it.
/// - A peer with my id, or a cursor for my id that my history contradicts, means this file is a
///   copy: it takes a new id (unless in a dry run) and reconciles fully.
/// - Both cursors valid and at both heads: in sync. This side empty: initial. Both cursors
///   valid: incremental. Otherwise: full.
pub fn plan(s: &Situation) -> Plan {
    let same_id = s.theirs == s.me;
    let push_from = match s.your_cursor {
        Some(c) if !same_id && s.my_chain_there == Some(c.chain) => Some(c.seq),
        _ => None,
    };
    let contradicted = s.your_cursor.is_some() && push_from.is_none();
    let new_replica_id = (same_id || contradicted) && !s.dry_run;
    let pull_cursor = if same_id { None } else { s.my_cursor };
    let step = if push_from == Some(s.start.seq) && pull_cursor == Some(s.their_head) {
        Step::InSync
    } else if s.start.seq == 0 {
        Step::Initial
    } else {
        match (pull_cursor, push_from) {
            (Some(pc), Some(pf)) if pc.seq <= s.their_head.seq => Step::Incremental {
                pull_after: pc,
                push_after: pf,
            },
            _ => Step::Full,
        }
    };
    Plan {
        new_replica_id,
        push_from,
        step,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seq: i64, c: u8) -> Mark {
        Mark {
            seq,
            chain: [c; 32],
        }
    }

    fn situation() -> Situation {
        Situation {
            me: "me".into(),
            theirs: "hub".into(),
            start: mark(10, 1),
            their_head: mark(20, 2),
            your_cursor: Some(mark(8, 3)),
            my_chain_there: Some([3; 32]),
            my_cursor: Some(mark(15, 4)),
            dry_run: false,
        }
    }

    #[test]
    fn valid_cursors_on_both_sides_give_an_incremental_sync() {
        let p = plan(&situation());
        assert_eq!(
            p,
            Plan {
                new_replica_id: false,
                push_from: Some(8),
                step: Step::Incremental {
                    pull_after: mark(15, 4),
                    push_after: 8
                },
            }
        );
        assert_eq!(p.step.mode(), Mode::Incremental);
    }

    #[test]
    fn cursors_at_both_heads_are_in_sync() {
        let s = Situation {
            your_cursor: Some(mark(10, 1)),
            my_chain_there: Some([1; 32]),
            my_cursor: Some(mark(20, 2)),
            ..situation()
        };
        assert_eq!(plan(&s).step, Step::InSync);
    }

    #[test]
    fn an_empty_side_pulls_everything() {
        let s = Situation {
            start: Mark::EMPTY,
            your_cursor: None,
            my_chain_there: None,
            my_cursor: None,
            ..situation()
        };
        assert_eq!(
            plan(&s),
            Plan {
                new_replica_id: false,
                push_from: None,
                step: Step::Initial
            }
        );
    }

    #[test]
    fn an_unknown_peer_or_a_cursor_past_its_head_reconciles_fully() {
        let unknown = Situation {
            your_cursor: None,
            my_chain_there: None,
            my_cursor: None,
            ..situation()
        };
        assert_eq!(plan(&unknown).step, Step::Full);
        assert!(!plan(&unknown).new_replica_id);
        let restored_hub = Situation {
            my_cursor: Some(mark(25, 4)),
            ..situation()
        };
        assert_eq!(plan(&restored_hub).step, Step::Full);
    }

    #[test]
    fn a_contradicted_cursor_or_my_own_id_means_a_copy() {
        let contradicted = Situation {
            my_chain_there: Some([9; 32]),
            ..situation()
        };
        let p = plan(&contradicted);
        assert_eq!(
            (p.new_replica_id, p.push_from, p.step),
            (true, None, Step::Full)
        );
        let same = Situation {
            theirs: "me".into(),
            ..situation()
        };
        let p = plan(&same);
        assert_eq!(
            (p.new_replica_id, p.push_from, p.step),
            (true, None, Step::Full)
        );
        let dry = Situation {
            dry_run: true,
            ..same
        };
        assert!(!plan(&dry).new_replica_id);
    }
}
