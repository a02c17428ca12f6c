//! Property tests of fact-check data: a review written out as ClaimReview JSON-LD reads back as
//! the same review (so `export --format claimreview` then `import` gives the same objects), and
//! CSV written by the `csv` crate as `claims` writes it reads back field for field.

use claims::model::claimreview::{reviews_of, to_claim_review};
use claims::model::review::normalise;
use claims::model::{Rating, Review, Verdict};
use claims::objects::ObjectId;
use proptest::prelude::*;

/// Text as a review holds it: words (with commas, quotes, accents) joined by single spaces.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-zé0-9,'\"$%]{1,8}", 1..6).prop_map(|w| w.join(" "))
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn verdict() -> impl Strategy<Value = Verdict> {
    prop::sample::select(Verdict::ALL.to_vec())
}

/// A note: lines of text, kept as written.
fn note() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::collection::vec(text(), 1..4).prop_map(|l| l.join("\n")))
}

prop_compose! {
    fn review()(
        claim in prop::option::of(any::<[u8; 8]>().prop_map(|b| ObjectId::of_bytes(&b))),
        claim_text in text(),
        claimant in opt_text(),
        claim_date in opt_text(),
        appearances in prop::collection::btree_set("https://[a-z]{1,8}\\.example/[a-z0-9]{0,6}", 0..4),
        verdict in verdict(),
        numbers in prop::option::of((1u8..6, 1u8..6)),
        rating_text in opt_text(),
        publisher in opt_text(),
        publisher_site in opt_text(),
        reviewer in opt_text(),
        url in opt_text(),
        title in opt_text(),
        date in opt_text(),
        language in opt_text(),
        note in note(),
        by in opt_text(),
        at in opt_text(),
    ) -> Review {
        let mut rating = Rating {
            text: rating_text,
            ..Rating::default()
        };
        if let Some((value, best)) = numbers {
            rating.value = Some(value.to_string());
            rating.best = Some(best.max(value).to_string());
            rating.worst = Some("1".to_string());
        }
        // The verdict a reader gives the rating: the review's, when they agree.
        let verdict = if rating.text.is_none() && rating.value.is_none() {
            rating.text = Some(verdict.label().to_string());
            verdict
        } else {
            normalise(&rating)
        };
        // A reviewer who is the publisher or the recorder is not one of their own.
        let reviewer = reviewer.filter(|r| Some(r) != publisher.as_ref() && Some(r) != by.as_ref());
        Review {
            v: 1,
            claim,
            claim_text: Some(claim_text),
            claimant,
            claim_date,
            appearances: appearances.into_iter().collect(),
            verdict,
            rating,
            publisher,
            publisher_site,
            reviewer,
            url,
            title,
            date,
            language,
            note,
            by,
            at,
        }
    }
}

proptest! {
    #[test]
    fn a_review_written_as_claimreview_reads_back_the_same(r in review()) {
        let mut r = r;
        // A publisher's site is only written with the publisher.
        if r.publisher.is_none() {
            r.publisher_site = None;
        }
        let id = ObjectId::of_bytes(b"review");
        let doc = to_claim_review(&r, &id);
        // Through text, as a file would carry it.
        let again: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&doc).expect("json")).expect("json");
        prop_assert_eq!(reviews_of(&again), vec![r.clone()]);
        // A list of them, or an @graph, reads the same.
        let graph = serde_json::json!({"@context": "https://schema.org", "@graph": [doc.clone(), doc]});
        prop_assert_eq!(reviews_of(&graph), vec![r.clone(), r]);
    }

    #[test]
    fn csv_as_written_reads_back_field_for_field(
        rows in prop::collection::vec(prop::collection::vec(any::<String>(), 3), 0..8)
    ) {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(["a", "b", "c"]).expect("header");
        for row in &rows {
            w.write_record(row).expect("row");
        }
        let bytes = w.into_inner().expect("bytes");
        let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let back: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
            .collect();
        prop_assert_eq!(back, rows);
    }
}
