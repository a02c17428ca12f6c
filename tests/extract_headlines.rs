//! Headlines and headline-style sentences (Title Case, or a line without final punctuation,
//! the title line of an article included) give their attribution when they have one ("X
//! Denies Y": speaker X, cue deny, content Y) and otherwise an outlet assertion; a question
//! with a verb is the outlet asking (stance `asking`); labels and lists of names give nothing.
//! Every headline here is written for the test.

use claims::extract::{Attribution, Extractor, Speaker, Stance};
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;

fn extractor() -> Extractor {
    Extractor::new().expect("embedded lexicon")
}

/// What a headline should give.
enum Want {
    /// speaker, cue lemma, cue as written, content as written
    Said(&'static str, &'static str, &'static str, &'static str),
    /// content as written, hedges
    Outlet(&'static str, &'static [&'static str]),
    /// content as written: the outlet asks
    Asked(&'static str),
    Nothing,
}
use Want::*;

fn describe(text: &str, a: &Attribution) -> String {
    let span = |v: &[std::ops::Range<usize>]| {
        v.iter()
            .map(|r| &text[r.clone()])
            .collect::<Vec<_>>()
            .join(" | ")
    };
    format!(
        "{:?} {:?} cue {:?} content {:?} hedges {:?}",
        a.speaker,
        a.cue_lemma,
        span(&a.cue),
        span(&a.content),
        a.hedges
    )
}

#[test]
#[rustfmt::skip]
fn headlines_give_their_attribution_or_an_outlet_assertion() {
    let cases: &[(&str, Want)] = &[
        ("Harbour Board Denies Plan To Close Ferry Terminal",
         Said("Harbour Board", "deny", "Denies", "Plan To Close Ferry Terminal")),
        ("Harbour Board Denies Plan To Close Ferry Terminal.",
         Said("Harbour Board", "deny", "Denies", "Plan To Close Ferry Terminal")),
        ("Ferry Fares Will Rise In June, Operator Says",
         Said("Operator", "say", "Says", "Ferry Fares Will Rise In June")),
        ("Police Confirm Two Arrests After Harbour Fire",
         Said("Police", "confirm", "Confirm", "Two Arrests After Harbour Fire")),
        ("Ferry Fares To Rise Next Year: Report",
         Said("Report", "say", ":", "Ferry Fares To Rise Next Year")),
        ("Port Worker Hurt In Crane Accident - Officials",
         Said("Officials", "say", "-", "Port Worker Hurt In Crane Accident")),
        ("Poll: Most Residents Back The Eastern Plan",
         Said("Poll", "say", ":", "Most Residents Back The Eastern Plan")),
        ("Harbour Bridge Closed After Storm", Outlet("Harbour Bridge Closed After Storm", &[])),
        // "alleged" before a noun is an adjective, not a speaker alleging (extractor 0.5.17).
        ("Dock Crowd Beats Alleged Thief In Harbour Square",
         Outlet("Dock Crowd Beats Alleged Thief In Harbour Square", &[])),
        ("Ferry crew hands alleged stowaway to port police",
         Outlet("Ferry crew hands alleged stowaway to port police", &[])),
        ("Harbour Board Alleged That The Ferry Firm Lied",
         Said("Harbour Board", "allege", "Alleged", "That The Ferry Firm Lied")),
        ("Singer Reportedly Tears Up Reunion Contract",
         Outlet("Singer Reportedly Tears Up Reunion Contract", &["reportedly"])),
        ("Harbour Board Raises Mooring Fees Again",
         Outlet("Harbour Board Raises Mooring Fees Again", &[])),
        ("harbour plan wins backing from council",
         Outlet("harbour plan wins backing from council", &[])),
        ("Ferry service to resume in spring", Outlet("Ferry service to resume in spring", &[])),
        // Title Case: "to" and a capitalised verb that more words follow (extractor 0.5.19).
        ("Keeper to Sell Lighthouse on Monday", Outlet("Keeper to Sell Lighthouse on Monday", &[])),
        ("Ferry Firm Near Deal to Buy Harbour Tug Fleet",
         Outlet("Ferry Firm Near Deal to Buy Harbour Tug Fleet", &[])),
        ("The Long Road to Recovery", Nothing),
        ("A Ferry Ride to Harbour Island", Nothing),
        // An irregular participle or a state is what the headline states.
        ("Harbour Crane Stolen From Dry Dock", Outlet("Harbour Crane Stolen From Dry Dock", &[])),
        ("Ferry Captain Shot Himself In The Foot",
         Outlet("Ferry Captain Shot Himself In The Foot", &[])),
        ("Veteran Harbour Pilot Dead At 81", Outlet("Veteran Harbour Pilot Dead At 81", &[])),
        ("Ferry Cat Alive After Week At Sea", Outlet("Ferry Cat Alive After Week At Sea", &[])),
        ("Harbour Chief Not In Custody", Outlet("Harbour Chief Not In Custody", &[])),
        // A headline's passive without its "was" is no finding or naming; a talk show or a TV
        // show is no showing.
        ("Ferry Cat Found Alive After Week At Sea",
         Outlet("Ferry Cat Found Alive After Week At Sea", &[])),
        ("Missing harbour pilot not found in search of the bay",
         Outlet("Missing harbour pilot not found in search of the bay", &[])),
        ("Dog found abandoned at ferry terminal with suitcase",
         Outlet("Dog found abandoned at ferry terminal with suitcase", &[])),
        ("Harbour Arsonist Named As Local Man", Outlet("Harbour Arsonist Named As Local Man", &[])),
        ("TV Show Tricks Ferry Passengers Into Singing",
         Outlet("TV Show Tricks Ferry Passengers Into Singing", &[])),
        ("Survey Finds Most Residents Back The Plan",
         Said("Survey", "find", "Finds", "Most Residents Back The Plan")),
        // A question with a verb is the outlet asking.
        ("Is This The Oldest Ferry In The World?", Asked("Is This The Oldest Ferry In The World?")),
        ("Did The Mayor Really Sell The Harbour?", Asked("Did The Mayor Really Sell The Harbour?")),
        ("Was the harbour ghost photo a hoax?", Asked("Was the harbour ghost photo a hoax?")),
        // A question told after "asks" is no question the outlet asks.
        ("Ferry cook wakes up in surgery and asks doctors how it's going?",
         Outlet("Ferry cook wakes up in surgery and asks doctors how it's going?", &[])),
        // Labels, names and short fragments state nothing.
        ("Harbour Ghost Real?", Nothing),
        ("Harbour Desk", Nothing),
        ("The Oldest Ferry In The World", Nothing),
        ("Ann Lee, Bo Hart, Cy Long and Di Moss", Nothing),
        ("Breaking: Ferry Terminal", Nothing),
    ];
    let ex = extractor();
    let mut failures = Vec::new();
    for (text, want) in cases {
        let text = format!("{text}\n");
        let got = ex.extract(&text).claims;
        let ok = match want {
            Said(speaker, lemma, cue, content) => got.iter().any(|a| {
                a.speaker == Speaker::Named(speaker.to_string())
                    && a.cue_lemma == *lemma
                    && a.cue.iter().map(|r| &text[r.clone()]).eq([*cue])
                    && a.content.iter().map(|r| &text[r.clone()]).eq([*content])
            }),
            Outlet(content, hedges) => {
                got.len() == 1
                    && got[0].speaker == Speaker::Outlet
                    && got[0].stance == Stance::Asserting
                    && got[0].content.iter().map(|r| &text[r.clone()]).eq([*content])
                    && got[0].hedges.iter().map(String::as_str).eq(hedges.iter().copied())
            }
            Asked(content) => {
                got.len() == 1
                    && got[0].speaker == Speaker::Outlet
                    && got[0].stance == Stance::Asking
                    && got[0].content.iter().map(|r| &text[r.clone()]).eq([*content])
            }
            Nothing => got.is_empty(),
        };
        if !ok {
            let got: Vec<String> = got.iter().map(|a| describe(&text, a)).collect();
            failures.push(format!("{:?}\n    got {got:?}", text.trim_end()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The title line of an article is a headline even in sentence case with a full stop; a
/// "Speaker: content" title is an attribution when the story names the speaker again.
#[test]
fn title_line_of_an_article() {
    let text = "Okafor: ferry fares will not rise this year.\n\n\
                Mayor Lena Okafor said on Monday that the ferry budget was balanced.\n\
                Harbour Row: Fees Will Rise In June\n";
    let ex = extractor();
    let out = ex.extract(text);
    let got: Vec<String> = out.claims.iter().map(|a| describe(text, a)).collect();
    let title = out
        .claims
        .iter()
        .find(|a| a.cue_lemma == "say" && text[a.cue[0].clone()] == *":")
        .unwrap_or_else(|| panic!("no title attribution in {got:?}"));
    // Names resolve backwards only: the title comes before the full name.
    assert_eq!(title.speaker, Speaker::Named("Okafor".to_string()));
    assert_eq!(
        &text[title.content[0].clone()],
        "ferry fares will not rise this year"
    );
    // "Harbour Row" is a topic (no speaker noun, not named again): an outlet assertion.
    assert!(
        out.claims.iter().any(|a| a.speaker == Speaker::Outlet
            && &text[a.content[0].clone()] == "Harbour Row: Fees Will Rise In June"),
        "{got:?}"
    );
}

/// A Title-Case headline's "to" and capitalised verb ("Keeper to Sell") need more words after
/// them in the headline itself: the next line's words do not count.
#[test]
fn a_headline_infinitive_looks_no_further_than_its_line() {
    let text = "The Old Harbour Keeper to Sell\nTickets go on sale on Monday.\n";
    let got: Vec<&str> = extractor()
        .extract(text)
        .claims
        .iter()
        .map(|a| &text[a.content[0].clone()])
        .collect();
    assert_eq!(got, ["Tickets go on sale on Monday."]);
}

/// A question in running text is no claim: only a headline asks in the outlet's voice.
#[test]
fn a_question_in_running_text_is_no_claim() {
    let text = "Ferry Fares Rise Again\n\nThe board met on Monday. Who will pay for the new ferry \
                terminal next year? The board did not say.\n";
    let got: Vec<(Stance, String)> = extractor()
        .extract(text)
        .claims
        .iter()
        .map(|a| (a.stance, text[a.content[0].clone()].to_string()))
        .collect();
    assert!(
        got.iter().all(|(_, c)| !c.ends_with('?')),
        "a body question became a claim: {got:?}"
    );
    assert!(got.iter().all(|(s, _)| *s != Stance::Asking), "{got:?}");
}

/// A headline article as `../shared/eval/relations.py` builds it (a header block with URL,
/// Source and Title, then the headline as the one sentence) is imported with its claim.
#[test]
fn headline_article_imports_with_its_claim() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "a.txt",
            "Harbour Board Denies Plan To Close Ferry Terminal.",
            ("Harbour Board", "deny", "Plan To Close Ferry Terminal"),
        ),
        (
            "b.txt",
            "Harbour Bridge Closed After Storm.",
            ("outlet-b", "", "Harbour Bridge Closed After Storm"),
        ),
    ];
    let mut paths = Vec::new();
    for (name, headline, _) in &cases {
        let p = dir.path().join(name);
        let stem = name.trim_end_matches(".txt");
        std::fs::write(
            &p,
            format!(
                "URL: https://example.org/{stem}\nSource: outlet-{stem}\nTitle: {headline}\n\n{headline}\n"
            ),
        )
        .expect("write");
        paths.push(p);
    }
    let db = dir.path().join("claims.db");
    let mut store = Store::open(&db).expect("open");
    let outcomes = import_paths(
        &mut store,
        &paths,
        &Overrides::default(),
        &extractor(),
        |_, _, _, _| {},
    )
    .expect("import");
    assert!(outcomes.iter().all(Result::is_ok));
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("open");
    for (name, _, (speaker, cue, content)) in cases {
        let stem = name.trim_end_matches(".txt");
        let row: (String, String, String) = conn
            .query_row(
                "SELECT speaker, cue, content FROM claim_mentions WHERE document_key = ?1",
                [format!("https://example.org/{stem}")],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("one claim");
        assert_eq!(
            (row.0.as_str(), row.1.as_str(), row.2.as_str()),
            (speaker, cue, content)
        );
    }
}
