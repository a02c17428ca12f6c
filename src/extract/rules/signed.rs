//! A signed quotation: a paragraph that is one quotation followed by a dash and the name of
//! whoever said it, as collections of readers' or witnesses' words are set
//! (`“The ferry must run all winter.” ― Ada Moss`). The dash is the cue, read as "say"; the
//! quotation, marks included, is the content.

use super::{Draft, Rules};
use crate::extract::token::{Kind, Sentence};

/// Longest signature, in tokens ("Oscar P. Quintero", "Christina N Luis Olidem").
const MAX_NAME: usize = 7;

impl Rules<'_, '_> {
    /// The attribution of a signed quotation that ends with sentence `si` (`s`), if the line
    /// of `s` is one: an opening quotation mark first on the line, its closing mark, one or
    /// two dashes, a name of capitalised words and initials, and nothing after but a stop.
    pub(super) fn signed_quote(&self, si: usize, s: &Sentence) -> Option<Draft> {
        let d = self.d;
        // Only the line's last sentence ends the signature.
        if d.sents.get(si + 1).is_some_and(|n| n.line == s.line) {
            return None;
        }
        let end = self.trimmed_end(s);
        // The name, read back from the end of the line.
        let mut k = end;
        while k > s.toks.start && end - k < MAX_NAME && self.name_part(k - 1) {
            k -= 1;
        }
        let name = k..end;
        if name.is_empty() || !d.is_word(name.start) || !d.cap(name.start) {
            return None;
        }
        // One dash ("―", "—", "–", "-") or a doubled one ("--").
        let mut dash = k;
        while dash > 0 && k - dash < 2 && (self.is_dash(dash - 1) || d.is_punct(dash - 1, "―")) {
            dash -= 1;
        }
        if dash == k || dash == 0 {
            return None;
        }
        let close = dash - 1;
        if d.kind(close) != Some(Kind::Close) {
            return None;
        }
        let open = d.quote_start(close);
        let first_on_line = open == 0 || d.line(open - 1) != d.line(open);
        if d.kind(open) != Some(Kind::Open) || !first_on_line {
            return None;
        }
        let sents = d.sent_of_clamped(open)..si + 1;
        Some(Draft::said(name, dash..k, open..close + 1, sents))
    }

    /// Token `k` can be part of a signature: a capitalised word, or the stop of an initial
    /// ("P.").
    fn name_part(&self, k: usize) -> bool {
        let d = self.d;
        (d.is_word(k) && d.cap(k)) || (d.is_punct(k, ".") && k > 0 && d.lw(k - 1).len() == 1)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::{triple, with};

    /// (source, cue, content) of the signed quotation of `text`'s last sentence.
    fn signed(text: &str) -> Option<(String, String, String)> {
        with(text, |r| {
            let si = r.d.sents.len() - 1;
            r.signed_quote(si, &r.d.sents[si]).map(|dr| triple(r, &dr))
        })
    }

    #[test]
    #[rustfmt::skip]
    fn a_quotation_signed_with_a_dash() {
        // (text, source, cue, content)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("“The ferry must run all winter.” ― Ada Moss",
             "Ada Moss", "―", "“The ferry must run all winter.”"),
            // Several sentences, a stop after the name, no space before the dash.
            ("“The port is our living. Close it and we go.”― Tomas R. Ilves.",
             "Tomas R. Ilves", "―", "“The port is our living. Close it and we go.”"),
            // A closing mark used to open, an em dash, a doubled hyphen.
            ("”Nobody asked us.” — Mirela Kovac",
             "Mirela Kovac", "—", "”Nobody asked us.”"),
            ("\"We will rebuild the pier.\" -- Jon Aas",
             "Jon Aas", "--", "\"We will rebuild the pier.\""),
            // The signed paragraph after another paragraph.
            ("Readers wrote to us.\n“Fix the road first.” ― Lina Berg",
             "Lina Berg", "―", "“Fix the road first.”"),
        ];
        for &(text, src, cue, content) in cases {
            let want = Some((src.to_string(), cue.to_string(), content.to_string()));
            assert_eq!(signed(text), want, "{text:?}");
        }
    }

    #[test]
    fn not_a_signed_quotation() {
        for text in [
            // The quotation does not open the line.
            "The minister said the port was “still the first in the region.” -- Kim Lund",
            // No name after the dash, or words that are not a name.
            "“The ferry must run all winter.” ― and it will",
            "“The ferry must run all winter.”",
            // No quotation before the dash.
            "The ferry must run all winter ― Ada Moss",
            // Text after the name on the line.
            "“The ferry must run.” ― Ada Moss, who lives on the island, wrote to us.",
        ] {
            assert_eq!(signed(text), None, "{text:?}");
        }
    }
}
