//! A hand-written tokenizer and sentence splitter.
//!
//! One pass over the text, no regular expressions, no backtracking: every byte is looked at a
//! bounded number of times, so the cost is linear in the input whatever it holds.

use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters and digits, with inner apostrophes, hyphens and the dots of "U.S.".
    Word,
    /// A double quotation mark that opens a quote (`“`, or `"` / `''` / ` `` ` before a word).
    Open,
    /// A double quotation mark that closes a quote.
    Close,
    /// Any other single character that is not white space.
    Punct,
}

/// One token, in 24 bytes: a long text has about one token for every five bytes, so the
/// offsets are `u32` (texts are far below 4 GiB: files are refused over 64 MiB).
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Byte span in the text.
    pub start: u32,
    pub end: u32,
    pub kind: Kind,
    /// Byte span of the lower-cased form in [`Tokens::lower`].
    pub lower: Range<u32>,
    /// First character is upper case.
    pub cap: bool,
    /// First character is a digit.
    pub digit: bool,
    /// Line (counting every `\n`) the token stands on.
    pub line: u32,
}

/// A sentence: a run of tokens on one line.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub toks: Range<usize>,
    pub line: u32,
}

pub(crate) struct Tokens {
    pub toks: Vec<Token>,
    pub lower: String,
}

impl Token {
    /// Byte span in the text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A byte offset as stored in a [`Token`].
fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Tokens {
    pub fn lower(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) => self
                .lower
                .get(t.lower.start as usize..t.lower.end as usize)
                .unwrap_or(""),
            None => "",
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Tokens {
    let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut lower = String::with_capacity(text.len() + 16);
    let bytes = text.as_bytes();
    let mut line: u32 = 0;
    let mut i = 0;
    let mut space_before = true;
    while let Some(&b) = bytes.get(i) {
        // Fast path for ASCII white space.
        if b == b'\n' {
            line = line.saturating_add(1);
            space_before = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' || b == b'\r' {
            space_before = true;
            i += 1;
            continue;
        }
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let clen = c.len_utf8();
        // A byte order mark (kept in the text so offsets match the file) is no token.
        if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' {
            space_before = true;
            i += clen;
            continue;
        }
        let start = i;
        let lstart = lower.len();
        if is_word_char(c) {
            let cap = c.is_uppercase();
            let digit = c.is_ascii_digit();
            let mut j = i;
            let mut seg_len = 0usize; // characters since the last inner dot
            let mut dotted = false;
            while j < bytes.len() {
                let ch = match text[j..].chars().next() {
                    Some(ch) => ch,
                    None => break,
                };
                let n = ch.len_utf8();
                if is_word_char(ch) {
                    seg_len += 1;
                    j += n;
                    continue;
                }
                let next = text[j + n..].chars().next();
                let prev_alnum = j > i;
                let next_alpha = next.is_some_and(|x| x.is_alphabetic());
                let next_alnum = next.is_some_and(is_word_char);
                if is_apostrophe(ch) && prev_alnum && next_alpha {
                    seg_len = 0;
                    j += n;
                    continue;
                }
                if (ch == '-' || ch == '\u{2011}') && prev_alnum && next_alnum {
                    seg_len = 0;
                    j += n;
                    continue;
                }
                if ch == '.' && digit && next.is_some_and(|x| x.is_ascii_digit()) {
                    j += n;
                    continue;
                }
                if ch == ',' && digit && next.is_some_and(|x| x.is_ascii_digit()) {
                    j += n;
                    continue;
                }
                if ch == '.' && seg_len == 1 && !digit {
                    // "U.S.", "D.C.": single letters joined by dots.
                    if next_alpha && text[j + n..].chars().nth(1) == Some('.') {
                        dotted = true;
                        seg_len = 0;
                        j += n;
                        continue;
                    }
                    if dotted {
                        j += n;
                        break;
                    }
                }
                break;
            }
            push_lower(&mut lower, &text[i..j]);
            // An abbreviation keeps its dot: "Mr.", "Gen.", "Feb.", the initial "J.".
            if bytes.get(j) == Some(&b'.') {
                let w = &lower[lstart..];
                if is_abbrev(w) || (cap && w.chars().count() == 1) || w == "v" || hyphen_abbrev(w) {
                    j += 1;
                    lower.push('.');
                }
            }
            // "he's", "they're", "I'm": the pronoun and its clitic are two tokens.
            let split = clitic_split(&lower[lstart..]);
            if split > 0 {
                let lsplit = lstart + split;
                // Same byte length in text and lower case for these ASCII-letter words, but
                // the apostrophe may be ’ (3 bytes) in the text and ' in lower case.
                let tsplit = i + text[i..j]
                    .char_indices()
                    .nth(lower[lstart..lsplit].chars().count())
                    .map_or(j - i, |(b, _)| b);
                toks.push(Token {
                    start: offset(start),
                    end: offset(tsplit),
                    kind: Kind::Word,
                    lower: offset(lstart)..offset(lsplit),
                    cap,
                    digit,
                    line,
                });
                toks.push(Token {
                    start: offset(tsplit),
                    end: offset(j),
                    kind: Kind::Word,
                    lower: offset(lsplit)..offset(lower.len()),
                    cap: false,
                    digit: false,
                    line,
                });
            } else {
                toks.push(Token {
                    start: offset(start),
                    end: offset(j),
                    kind: Kind::Word,
                    lower: offset(lstart)..offset(lower.len()),
                    cap,
                    digit,
                    line,
                });
            }
            space_before = false;
            i = j;
            continue;
        }
        // Quotation marks.
        let next_char_at = |k: usize| text.get(k..).and_then(|s| s.chars().next());
        let (kind, len) = match c {
            // A curly mark of the wrong hand is read by its spacing: “ glued to the word
            // before it and followed by a space closes (“It's late,“ she said), ” after a
            // space and glued to the next word opens.
            '“' if !space_before && next_char_at(i + clen).is_none_or(char::is_whitespace) => {
                (Kind::Close, clen)
            }
            '”' if space_before && next_char_at(i + clen).is_some_and(is_word_char) => {
                (Kind::Open, clen)
            }
            '“' | '«' | '„' => (Kind::Open, clen),
            '”' | '»' => (Kind::Close, clen),
            '"' => (ambiguous_quote(space_before, next_char_at(i + 1)), 1),
            // "case,''' Mr. Lee said": a single quote closes inside the double one; the
            // double mark is the last two.
            '\'' if !space_before
                && next_char_at(i + 1) == Some('\'')
                && next_char_at(i + 2) == Some('\'') =>
            {
                (Kind::Punct, 1)
            }
            '\'' if next_char_at(i + 1) == Some('\'') => {
                (ambiguous_quote(space_before, next_char_at(i + 2)), 2)
            }
            '`' if next_char_at(i + 1) == Some('`') => (Kind::Open, 2),
            _ => (Kind::Punct, clen),
        };
        for ch in text[i..i + len].chars() {
            lower.push(ch);
        }
        toks.push(Token {
            start: offset(start),
            end: offset(i + len),
            kind,
            lower: offset(lstart)..offset(lower.len()),
            cap: false,
            digit: false,
            line,
        });
        space_before = false;
        i += len;
    }
    Tokens { toks, lower }
}

fn push_lower(lower: &mut String, s: &str) {
    for ch in s.chars() {
        if ch.is_ascii() {
            lower.push(ch.to_ascii_lowercase());
        } else if ch == '’' {
            lower.push('\'');
        } else {
            lower.extend(ch.to_lowercase());
        }
    }
}

/// Where to split a pronoun from its clitic ("he's" => 2), or 0.
fn clitic_split(w: &str) -> usize {
    let Some(a) = w.find('\'') else {
        return 0;
    };
    let (host, clitic) = w.split_at(a);
    let pronoun = matches!(
        host,
        "he" | "she" | "it" | "who" | "that" | "they" | "we" | "you" | "i" | "there"
    );
    let ok = matches!(clitic, "'s" | "'re" | "'ve" | "'ll" | "'d" | "'m");
    if pronoun && ok {
        a
    } else {
        0
    }
}

fn ambiguous_quote(space_before: bool, next: Option<char>) -> Kind {
    let next_space = next.is_none_or(|c| c.is_whitespace());
    if space_before && !next_space {
        Kind::Open
    } else if !space_before {
        Kind::Close
    } else {
        // Surrounded by spaces: guess close (rare; quotes around a dash or similar).
        Kind::Close
    }
}

/// Words that end with a dot that does not end a sentence.
fn is_abbrev(w: &str) -> bool {
    matches!(
        w,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "prof"
            | "gen"
            | "lt"
            | "col"
            | "maj"
            | "capt"
            | "cmdr"
            | "sgt"
            | "adm"
            | "gov"
            | "sen"
            | "rep"
            | "reps"
            | "sens"
            | "rev"
            | "hon"
            | "pres"
            | "st"
            | "mt"
            | "ft"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "vs"
            | "etc"
            | "approx"
            | "dept"
            | "univ"
            | "ave"
            | "blvd"
            | "jr"
            | "sr"
            | "inc"
            | "corp"
            | "co"
            | "ltd"
            | "calif"
            | "fla"
            | "conn"
            | "ariz"
            | "colo"
            | "mich"
            | "minn"
            | "wis"
            | "tenn"
            | "va"
            | "ga"
            | "ky"
            | "ala"
            | "okla"
            | "nev"
            | "md"
            | "pa"
            | "e.g"
            | "i.e"
    )
}

/// "then-sen", "ex-gov": a title abbreviation after a hyphen.
fn hyphen_abbrev(w: &str) -> bool {
    w.rsplit_once('-')
        .is_some_and(|(a, b)| !a.is_empty() && is_abbrev(b))
}

/// Abbreviations that often end a sentence too ("... Apple Inc. The company ...").
fn is_final_abbrev(w: &str) -> bool {
    matches!(
        w,
        "inc" | "corp" | "co" | "ltd" | "jr" | "sr" | "etc" | "calif" | "fla" | "mass" | "va"
    )
}

fn is_terminal(t: &Token, text: &str) -> bool {
    t.kind == Kind::Punct && matches!(&text[t.span()], "." | "!" | "?")
}

/// Splits the tokens into sentences. A sentence never crosses a line break.
pub(crate) fn sentences(text: &str, tk: &Tokens) -> Vec<Sentence> {
    let toks = &tk.toks;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = toks.get(i) {
        let line = first.line;
        let j = i + toks.iter().skip(i).take_while(|t| t.line == line).count();
        // toks[i..j] is one line: split it.
        let mut s = i;
        let mut k = i;
        while let Some(t) = toks.get(k).filter(|_| k < j) {
            let dotted = t.kind == Kind::Word
                && text[t.span()].ends_with('.')
                && k + 1 < j
                && dotted_word_ends(tk, k);
            let ends = if dotted {
                Some(k + 1)
            } else if is_terminal(t, text) {
                let mut e = k + 1;
                while e < j && toks.get(e).is_some_and(|t| closes(t, text)) {
                    e += 1;
                }
                if e >= j || splits_before(tk, text, k, e) {
                    Some(e)
                } else {
                    None
                }
            } else {
                None
            };
            match ends {
                Some(e) => {
                    out.push(Sentence { toks: s..e, line });
                    s = e;
                    k = e;
                }
                None => k += 1,
            }
        }
        if s < j {
            out.push(Sentence { toks: s..j, line });
        }
        i = j;
    }
    out
}

fn closes(t: &Token, text: &str) -> bool {
    match t.kind {
        Kind::Close => true,
        Kind::Punct => matches!(&text[t.span()], ")" | "]" | "’" | "'"),
        _ => false,
    }
}

/// Whether a sentence ends after the terminal at `k` (with closing marks up to `e`), given the
/// token at `e` that follows.
fn splits_before(tk: &Tokens, text: &str, k: usize, e: usize) -> bool {
    let toks = &tk.toks;
    let (Some(next), Some(t)) = (toks.get(e), toks.get(k)) else {
        return true;
    };
    let starts = match next.kind {
        Kind::Word => next.cap || next.digit,
        Kind::Open => true,
        Kind::Punct => matches!(&text[next.span()], "(" | "[" | "‘" | "'" | "—" | "-"),
        Kind::Close => false,
    };
    if !starts {
        return false;
    }
    if &text[t.span()] != "." {
        return true;
    }
    // "(D-N.Y)": a dot between letters with a single capital right after it, no space
    // between, is inside an abbreviation that lost its last dot.
    if e == k + 1 && next.start == t.end && next.kind == Kind::Word && next.cap {
        if let Some(letter) = text.get(next.span()) {
            if letter.chars().count() == 1 {
                return false;
            }
        }
    }
    let Some(prev) = k.checked_sub(1).and_then(|p| toks.get(p)) else {
        return true;
    };
    if prev.kind != Kind::Word || prev.end != t.start {
        return true;
    }
    let w = tk.lower(k - 1);
    let initial = w.chars().count() == 1 && prev.cap;
    if is_abbrev(w) || initial || w == "v" || hyphen_abbrev(w) {
        // "Feb. 17", "Gen. Smith", "J. Edgar": not an end, unless the abbreviation often
        // closes a sentence and a common sentence opener follows.
        return is_final_abbrev(w) && next.kind == Kind::Word && is_opener(tk.lower(e));
    }
    true
}

/// Words that commonly open a sentence.
pub(crate) fn is_opener(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "he"
            | "she"
            | "it"
            | "they"
            | "we"
            | "i"
            | "but"
            | "and"
            | "in"
            | "on"
            | "this"
            | "that"
            | "there"
            | "its"
            | "his"
            | "her"
            | "their"
            | "however"
    )
}

/// Whether a word that keeps its dot ("U.S.", "Inc.", "Mr.") ends its sentence.
fn dotted_word_ends(tk: &Tokens, k: usize) -> bool {
    let w = tk.lower(k);
    let bare = w.strip_suffix('.').unwrap_or(w);
    if bare.contains('.') || is_final_abbrev(bare) {
        dotted_word_ends_sentence(tk, k)
    } else {
        false
    }
}

/// Words with a trailing dot ("U.S.") end a sentence only when an opener follows; the
/// tokenizer keeps that dot inside the word, so sentence splitting checks it here.
pub(crate) fn dotted_word_ends_sentence(tk: &Tokens, k: usize) -> bool {
    let next = tk.lower(k + 1);
    is_opener(next) && tk.toks.get(k + 1).is_some_and(|t| t.cap)
}
