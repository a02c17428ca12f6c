#!/usr/bin/env python3
"""Builds seeds/relate/rarity.tsv: how common each English word is, for the relation rules.

    python3 -m pip install wordfreq==3.1.1
    python3 tools/build_rarity.py > seeds/relate/rarity.tsv

The table lists the N most frequent English words of the `wordfreq` package (version 3.1.1,
by Robyn Speer; its word lists are licensed CC BY-SA 4.0, its code Apache-2.0) with their
Zipf frequency (log10 of occurrences per billion words) times ten, rounded. Only lower-case
words of letters (an apostrophe inside allowed) are kept. A word not in the table counts as
rare. The output is deterministic: sorted by word. Nothing is downloaded at run time: the
binary embeds the file.
"""

import re
import sys

import wordfreq

N = 25000
WORD = re.compile(r"^[a-z]+(?:'[a-z]+)?$")


def main():
    rows = {}
    for w in wordfreq.top_n_list("en", N * 2):
        if not WORD.match(w) or w in rows:
            continue
        rows[w] = round(wordfreq.zipf_frequency(w, "en") * 10)
        if len(rows) >= N:
            break
    out = sys.stdout
    out.write("# Zipf frequency x10 of common English words (log10 per billion words).\n")
    out.write(f"# Built by tools/build_rarity.py from wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else '3.1.1'}\n")
    out.write("# Data: wordfreq word lists by Robyn Speer, licensed CC BY-SA 4.0\n")
    out.write("# (https://creativecommons.org/licenses/by-sa/4.0/); this file is a derived\n")
    out.write("# table of counts, shared under the same licence.\n")
    for w in sorted(rows):
        out.write(f"{w}\t{rows[w]}\n")


if __name__ == "__main__":
    main()
