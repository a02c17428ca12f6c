//! Hard-wrapped plain text: paragraphs broken into lines of about the same width ("lines
//! broken at 70 characters"). The rules take a line break as the end of a paragraph, so such
//! a text is unwrapped first: a line break inside a paragraph becomes a space. The result has
//! the same length as the input, so every byte offset stays valid for the original text.

use std::borrow::Cow;

/// Shortest and longest width of a wrapped line, in characters.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 100;
/// How many lines inside paragraphs a text needs before it counts as hard-wrapped.
const MIN_INNER: usize = 3;

/// `text` with the line breaks inside paragraphs replaced by spaces when the text is
/// hard-wrapped; else `text` itself.
pub(crate) fn unwrap_lines(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.split('\n').collect();
    let blank = |l: &str| l.trim().is_empty();
    // A line that starts a list item, a heading or a quotation block keeps its break.
    let starts_block = |l: &str| {
        let t = l.trim_start();
        t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with('#')
            || t.starts_with('>')
            || t.starts_with("| ")
            || l.starts_with(' ')
            || l.starts_with('\t')
    };
    // A header block ("URL: ...", "Title: ...") before the first blank line is not prose:
    // it neither counts towards the decision nor is joined, so a text reads the same with
    // its header as without it (`claims extract` on a file, `claims import` on its body).
    let header = header_lines(&lines);
    let prose = lines.get(header..).unwrap_or_default();
    let mut inner = 0usize;
    let mut in_width = 0usize;
    let mut widest = 0usize;
    for w in prose.windows(2) {
        let [a, b] = w else { continue };
        let n = a.trim_end().chars().count();
        widest = widest.max(n);
        if !blank(a) && !blank(b) {
            inner += 1;
            if (MIN_WIDTH..=MAX_WIDTH).contains(&n) {
                in_width += 1;
            }
        }
    }
    let blanks = prose.iter().filter(|l| blank(l)).count();
    // Most lines inside paragraphs are of wrapping width, no line is much wider, and the
    // paragraphs are set apart by blank lines.
    if inner < MIN_INNER || in_width * 10 < inner * 9 || widest > MAX_WIDTH + 20 || blanks == 0 {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        if let Some(next) = lines.get(i + 1) {
            let join = i >= header
                && !blank(l)
                && !blank(next)
                && !starts_block(next)
                && !l.trim_end().ends_with(':')
                && l.trim_end().chars().count() >= MIN_WIDTH;
            out.push(if join { ' ' } else { '\n' });
        }
    }
    Cow::Owned(out)
}

/// How many lines at the start of `lines` form a header block: one or more `Key: value`
/// lines followed by a blank line. 0 when there is none.
fn header_lines(lines: &[&str]) -> usize {
    let is_field = |l: &str| {
        let Some((key, value)) = l.split_once(": ") else {
            return false;
        };
        !key.is_empty()
            && key.len() <= 32
            && key.starts_with(|c: char| c.is_ascii_uppercase())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !value.trim().is_empty()
    };
    let n = lines.iter().take_while(|l| is_field(l)).count();
    match lines.get(n) {
        Some(l) if n > 0 && l.trim().is_empty() => n,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::unwrap_lines;

    #[test]
    #[rustfmt::skip]
    fn wrapped_paragraphs_are_joined_with_offsets_kept() {
        // (text, unwrapped)
        let cases: &[(&str, &str)] = &[
            // Paragraphs broken at about 60 characters, set apart by blank lines.
            ("The harbour board said on Monday that the fees would rise\n\
              by a tenth next year, and that the new berth would open in\n\
              the spring after two years of building work on the quay.\n\
              \n\
              Ada Moss, who chairs the board, said the rise was small and\n\
              that the shipping lines had agreed to it in the talks.\n",
             "The harbour board said on Monday that the fees would rise \
              by a tenth next year, and that the new berth would open in \
              the spring after two years of building work on the quay.\n\
              \n\
              Ada Moss, who chairs the board, said the rise was small and \
              that the shipping lines had agreed to it in the talks.\n"),
            // One paragraph a line: nothing to unwrap.
            ("Ada Moss said the rise was small.\nBo Hart said it was not.\n",
             "Ada Moss said the rise was small.\nBo Hart said it was not.\n"),
            // Lines all short: a poem or a list, not wrapped paragraphs.
            ("Fees rise.\nBerth opens.\nShips wait.\n\nAda Moss said so.\nBo Hart agreed.\n",
             "Fees rise.\nBerth opens.\nShips wait.\n\nAda Moss said so.\nBo Hart agreed.\n"),
        ];
        for &(text, want) in cases {
            let got = unwrap_lines(text);
            assert_eq!(got, want, "{text:?}");
            assert_eq!(got.len(), text.len());
        }
    }

    /// A header block changes nothing: the body unwraps the same with it as without it
    /// (found by tests/extract_import_props.rs, where `extract` reads the whole file and
    /// `import` the body after the header).
    #[test]
    fn a_header_block_neither_counts_nor_joins() {
        let body = "Harbour Plans Split The Council\n\n\
                    Anna Berg said the harbour would reopen in May, and more\n\
                    Anna Berg said the harbour would reopen in May.\n\
                    Anna Berg said the harbour would reopen in May.\n\
                    The count ended at noon on the second day of the vote.";
        let header = "URL: https://example.org/news/harbour-plans-split-the-council\n\
                      Title: Harbour vote\n\n";
        let alone = unwrap_lines(body);
        let file = format!("{header}{body}");
        let with_header = unwrap_lines(&file);
        assert_eq!(&with_header[..header.len()], header);
        assert_eq!(&with_header[header.len()..], &*alone);
        assert_ne!(&*alone, body, "the body is hard-wrapped");
    }
}
