#!/usr/bin/env python3
"""How many Emergent headlines give at least one claim.

    tools/emergent_headline_coverage.py --claims target/release/claims \
        --emergent ../shared/eval/emergent/train.csv [--show N]

Every headline becomes a small article exactly as `../shared/eval/relations.py` builds it for
its headline track (a header block with URL, Source and Title, then the headline as the one
body sentence, with a full stop added when it has no final punctuation). All of them are
imported into one fresh database; the script counts the articles with at least one claim,
with an attribution (a claim with a cue), and with only an outlet assertion. With --show N it
prints N headlines that give no claim. Nothing is written outside a temporary directory, and
no headline is stored in the repository.
"""

import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile

csv.field_size_limit(1 << 30)


def sentence(h):
    h = " ".join(h.split())
    return h if h[-1:] in ".!?" else h + "."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", required=True)
    ap.add_argument("--emergent", required=True)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    with open(args.emergent, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with tempfile.TemporaryDirectory() as tmp:
        texts = os.path.join(tmp, "articles")
        os.mkdir(texts)
        headline = {}
        for r in rows:
            aid = r["articleId"]
            h = " ".join(r["articleHeadline"].split())
            if not h:
                continue
            headline[f"https://emergent.example/article/{aid}"] = h
            with open(os.path.join(texts, f"{aid}.txt"), "w", encoding="utf-8") as out:
                out.write(
                    f"URL: https://emergent.example/article/{aid}\n"
                    f"Source: outlet-{aid[:8]}\n"
                    f"Title: {h}\n\n{sentence(h)}\n"
                )
        db = os.path.join(tmp, "claims.db")
        run = subprocess.run(
            [args.claims, "--db", db, "import", texts],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if run.returncode != 0:
            sys.exit(f"import failed ({run.returncode}): {run.stderr}")
        con = sqlite3.connect(db)
        kinds = {}
        for key, cue in con.execute("SELECT document_key, cue FROM claim_mentions"):
            kinds.setdefault(key, set()).add("attribution" if cue else "outlet")
        con.close()
    n = len(headline)
    some = sum(1 for k in headline if k in kinds)
    attributed = sum(1 for k in headline if "attribution" in kinds.get(k, ()))
    outlet_only = sum(1 for k in headline if kinds.get(k) == {"outlet"})
    print(f"{n} headlines: {some} give at least one claim ({100 * some / n:.1f}%), "
          f"{attributed} an attribution, {outlet_only} only an outlet assertion, "
          f"{n - some} nothing")
    if args.show:
        missing = [h for k, h in sorted(headline.items()) if k not in kinds]
        for h in missing[: args.show]:
            print("  no claim:", h)


if __name__ == "__main__":
    main()
