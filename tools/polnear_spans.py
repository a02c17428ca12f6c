"""Span conventions shared by the PolNeAR error-bucketing tools (content_errors.py,
source_cue_errors.py): a span is scored from its first to its last character, with white space
and the punctuation in TRIM trimmed from both ends, as ../shared/eval/score.py does."""

TRIM = " \t\r\n\u00a0.,;:"


def extent(text, pieces):
    s = min(a for a, _ in pieces)
    e = max(b for _, b in pieces)
    while s < e and text[s] in TRIM:
        s += 1
    while e > s and text[e - 1] in TRIM:
        e -= 1
    return (s, e)
