//! An article's own correction notices: "Correction: ...", "An earlier version of this article
//! ...", "This article has been updated to ...". Each is recorded on the version it appears in
//! (an index row, `version_corrections`), and shown by `claims log` and `claims diff`.
//!
//! Pure: a function of the text.

/// One notice: where it starts (in Unicode code points of the text) and what it says (to the
/// end of its line, emphasis marks trimmed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    pub position: usize,
    pub text: String,
}

/// Words a notice starts with (lower case): labels, then phrases.
const STARTS: &[&str] = &[
    "correction:",
    "corrections:",
    "correction -",
    "correction —",
    "clarification:",
    "editor's note:",
    "editors' note:",
    "editor’s note:",
    "an earlier version of this",
    "a previous version of this",
    "an earlier version of the",
    "a previous version of the",
    "this article has been updated",
    "this article was updated",
    "this article has been corrected",
    "this article was corrected",
    "this story has been updated",
    "this story was updated",
    "this story has been corrected",
    "this story was corrected",
    "this report has been updated",
    "this report has been corrected",
    "this post has been updated",
    "this post has been corrected",
];

/// More characters than the longest of [`STARTS`]: only this many at a sentence start are
/// lowered to compare, not the rest of the line.
const HEAD_CHARS: usize = 40;

/// The correction notices of a text, in text order: each starts a line or a sentence. Linear
/// in the text: a line of many sentences costs each of them a bounded look at its start.
pub fn correction_notices(text: &str) -> Vec<Notice> {
    let mut out = Vec::new();
    let mut line_start_chars = 0usize;
    let mut starts: Vec<usize> = Vec::new();
    let mut head = String::with_capacity(HEAD_CHARS * 2);
    for line in text.split('\n') {
        starts.clear();
        starts.push(0);
        // Sentence starts inside the line: after ". ", "! " or "? ".
        let bytes = line.as_bytes();
        for i in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
            if bytes.get(i + 1) == Some(&b' ') {
                starts.push(i + 2);
            }
        }
        for &s in &starts {
            let Some(rest) = line.get(s..) else { continue };
            let body = rest.trim_start_matches([' ', '\t', '*', '_', '(', '[']);
            let lead = rest.len() - body.len();
            let Some(first) = body.chars().next() else {
                continue;
            };
            // Every notice starts with an ASCII letter: most sentences stop here.
            let first = first.to_ascii_lowercase();
            if !STARTS.iter().any(|p| p.starts_with(first)) {
                continue;
            }
            if starts_a_notice(body, &mut head) {
                let notice = body
                    .trim_end()
                    .trim_end_matches(['*', '_', ')', ']'])
                    .trim_end();
                let before = line.get(..s + lead).unwrap_or("");
                let position = line_start_chars + before.chars().count();
                out.push(Notice {
                    position,
                    text: notice.split_whitespace().collect::<Vec<_>>().join(" "),
                });
                break;
            }
        }
        line_start_chars += line.chars().count() + 1;
    }
    out
}

/// Whether `body` starts with one of [`STARTS`] in any case: lowered one character at a time
/// (into `head`), the same as lowering the whole of it but for a final sigma, which no notice
/// word holds; a start of ASCII characters is compared byte for byte without lowering.
fn starts_a_notice(body: &str, head: &mut String) -> bool {
    let bytes = body.as_bytes();
    let look = bytes.get(..HEAD_CHARS).unwrap_or(bytes);
    if look.is_ascii() {
        return STARTS.iter().any(|p| {
            bytes
                .get(..p.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
        });
    }
    head.clear();
    head.extend(body.chars().take(HEAD_CHARS).flat_map(char::to_lowercase));
    STARTS.iter().any(|p| head.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_phrases_at_a_line_or_sentence_start() {
        let text = "The mayor said the bridge would close.\n\n*Correction: An earlier version of \
                    this article misstated the closing date.*\nThe port said cargo rose. This \
                    article has been updated to add the port's figures.\nA correction was not \
                    needed.";
        let notices = correction_notices(text);
        assert_eq!(
            notices.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            [
                "Correction: An earlier version of this article misstated the closing date.",
                "This article has been updated to add the port's figures."
            ]
        );
        let chars: Vec<char> = text.chars().collect();
        let starts: Vec<String> = notices
            .iter()
            .map(|n| chars.iter().skip(n.position).take(11).collect())
            .collect();
        assert_eq!(starts, ["Correction:", "This articl"]);
    }

    /// What the notices were before the look at a sentence start was bounded: the whole rest
    /// of the line lowered at every sentence start.
    fn notices_lowering_the_rest(text: &str) -> Vec<Notice> {
        let mut out = Vec::new();
        let mut line_start_chars = 0usize;
        for line in text.split('\n') {
            let mut starts: Vec<usize> = vec![0];
            for (i, pair) in line.as_bytes().windows(2).enumerate() {
                if matches!(pair, [b'.' | b'!' | b'?', b' ']) {
                    starts.push(i + 2);
                }
            }
            for &s in &starts {
                let Some(rest) = line.get(s..) else { continue };
                let lead = rest.len()
                    - rest
                        .trim_start_matches([' ', '\t', '*', '_', '(', '['])
                        .len();
                let body = &rest[lead..];
                let lower = body.to_lowercase();
                if STARTS.iter().any(|p| lower.starts_with(p)) {
                    let notice = body
                        .trim_end()
                        .trim_end_matches(['*', '_', ')', ']'])
                        .trim_end();
                    let before = line.get(..s + lead).unwrap_or("");
                    out.push(Notice {
                        position: line_start_chars + before.chars().count(),
                        text: notice.split_whitespace().collect::<Vec<_>>().join(" "),
                    });
                    break;
                }
            }
            line_start_chars += line.chars().count() + 1;
        }
        out
    }

    #[test]
    fn the_head_is_longer_than_every_start() {
        for p in STARTS {
            assert!(p.chars().count() < HEAD_CHARS, "{p}");
            assert!(p.starts_with(|c: char| c.is_ascii_lowercase()), "{p}");
        }
    }

    proptest::proptest! {
        /// The bounded look finds what lowering the rest of the line found, on text made of
        /// notice words, sentence ends, emphasis, capitals that lower to more than one
        /// character and sigmas.
        #[test]
        fn bounded_heads_find_the_same_notices(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Correction: ", "CORRECTION: ", "correction — ", "Editor\u{2019}s note: ",
                    "An earlier version of this ", "THIS STORY WAS UPDATED ", "This ", "article ",
                    "has been ", "updated", "corrected", ". ", "? ", "! ", "\n", "*", "_", "(",
                    "[", " ", ".", "!", "\t", "\u{130}", "\u{3a3}", "ΣΑΣ ", "é", "Ünter ", "x",
                ]),
                0..40,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(correction_notices(&text), notices_lowering_the_rest(&text));
        }
    }

    #[test]
    fn ordinary_text_has_none() {
        assert!(
            correction_notices("The correction: none was needed, the minister said.").is_empty()
        );
        assert!(correction_notices("").is_empty());
    }
}
