#!/usr/bin/env python3
"""A long plain-text article for memory measurements (docs/performance.md).

    python3 tools/gen_long_text.py news 63 > news63.txt    # attributed sentences, not ASCII
    python3 tools/gen_long_text.py plain 63 > plain63.txt  # unattributed sentences, ASCII

The size is in MiB. The sentences are the project's own; the output is the same on every run.
"""

import random
import sys

WHO = ["The mayor", "Police", "A spokesperson for the ministry", "Union leader Dana Holt",
       "Witnesses", "The company"]
WHAT = ["the bridge would reopen in May", "no one was hurt", "the budget was balanced",
        "talks would continue next week", "prices had risen sharply", "the plan was unfair"]
PLAIN = ["The river rose by two metres overnight.", "Schools stayed closed on Tuesday.",
         "Traffic was heavy across the city centre.", "The market opened higher than expected."]
WORDS = "river city council budget market school bridge traffic weather report".split()


def news(r):
    k = r.randrange(4)
    if k == 0:
        s = f"{r.choice(WHO)} said {r.choice(WHAT)}. "
    elif k == 1:
        s = f"\u201cWe expect {r.choice(WHAT)},\u201d {r.choice(WHO)} told reporters. "
    elif k == 2:
        s = f"According to {r.choice(WHO).lower()}, {r.choice(WHAT)}. "
    else:
        s = r.choice(PLAIN) + " "
    return s + ("\n\n" if r.randrange(6) == 0 else "")


def plain(r):
    s = " ".join(r.choice(WORDS) for _ in range(12)).capitalize() + ". "
    return s + ("\n\n" if r.randrange(8) == 0 else "")


def main():
    kind, mib = sys.argv[1], int(sys.argv[2])
    sentence, seed, head = {
        "news": (news, 7, "A very long generated article\n\n"),
        "plain": (plain, 3, ""),
    }[kind]
    r = random.Random(seed)
    size = mib * 1024 * 1024
    out = sys.stdout
    out.write(head)
    n = len(head)
    while n < size:
        s = sentence(r)
        out.write(s)
        n += len(s.encode())


if __name__ == "__main__":
    main()
