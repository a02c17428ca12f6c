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

/// The correction notices of a text, in text order: each starts a line or a sentence.
pub fn correction_notices(text: &str) -> Vec<Notice> {
    let mut out = Vec::new();
    let mut line_start_chars = 0usize;
    for line in text.split('\n') {
        let mut starts: Vec<usize> = vec![0];
        // Sentence starts inside the line: after ". ", "! " or "? ".
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

    #[test]
    fn ordinary_text_has_none() {
        assert!(
            correction_notices("The correction: none was needed, the minister said.").is_empty()
        );
        assert!(correction_notices("").is_empty());
    }
}
