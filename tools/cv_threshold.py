#!/usr/bin/env python3
"""Cross-validates the default minimum score of one kind of relation on the Emergent headlines:
for each of 5 folds of stories (seed 7, as `tools/cv_carry.py`), the threshold is chosen on the
other four folds and measured on the held-out one.

    python3 ../shared/eval/relations.py --claims target/release/claims \\
        --emergent ../shared/eval/emergent/train.csv --tracks headlines --keep /tmp/q8
    python3 tools/cv_threshold.py target/release/claims /tmp/q8/emergent-headlines.db \\
        ../shared/eval/emergent/train.csv conflicts
    python3 tools/cv_threshold.py target/release/claims /tmp/q8/emergent-headlines.db \\
        ../shared/eval/emergent/train.csv corroborates

Reads `claims relations --kind KIND --min-score 0.3 --format json` of the database the scorer
kept (carried relations included) and scores article pairs with the scorer's own functions
(imported from ../shared/eval/relations.py), each pair at the highest score of the relations
between its two articles. On the four training folds, the chosen threshold is the one of most
recall whose precision reaches the issue's target (conflicts 0.40, corroborations 0.60) and,
for conflicts, with at most 16 cross-story false pairs (the bound of 20, scaled to four
fifths). A pair counts in a fold when either article's story is in it (so a cross-story pair
counts in two folds). Prints each fold's choice and held-out figures, their mean and the
held-out counts pooled. Keep the database in /tmp: it holds the evaluation texts.
"""

import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "eval"))
sys.path.insert(0, os.path.join(os.getcwd(), "..", "shared", "eval"))
import relations as R  # noqa: E402

THRESHOLDS = {
    "conflicts": [0.33, 0.34, 0.35, 0.36, 0.38, 0.40, 0.42, 0.45],
    "corroborates": [0.35, 0.38, 0.40, 0.42, 0.45, 0.48, 0.50],
}
MIN_PRECISION = {"conflicts": 0.40, "corroborates": 0.60}
MAX_CROSS = 16


def main():
    binary, db, csv_path, kind = sys.argv[1:5]
    track = R.build_headlines(R.read_data(csv_path, "train.csv"), 0, 0)
    conflict_gold, agree_gold, _ = R.gold_sets(track)
    gold = conflict_gold if kind == "conflicts" else agree_gold
    target = "conflict" if kind == "conflicts" else "agree"
    url2aid = {a["url"]: aid for aid, a in track.articles.items()}
    env = dict(os.environ, CLAIMS_NOW=R.FIXED_NOW, NO_COLOR="1")
    out = subprocess.run([binary, "--db", db, "--format", "json", "relations", "--kind", kind,
                          "--min-score", "0.3"],
                         env=env, capture_output=True, text=True, check=True).stdout
    best = {}
    for r in json.loads(out):
        side = {s: {url2aid[d] for d in r[s]["documents"] if d in url2aid} for s in "ab"}
        for x in side["a"]:
            for y in side["b"]:
                if x != y:
                    k = R.key(x, y)
                    best[k] = max(best.get(k, 0.0), r["score"])

    stories = sorted({a["cluster"] for a in track.articles.values()})
    random.Random(7).shuffle(stories)
    folds = [set(stories[i::5]) for i in range(5)]
    story = lambda a: track.articles[a]["cluster"]  # noqa: E731

    def figures(threshold, fold):
        pred = [k for k, s in best.items()
                if s >= threshold and (story(k[0]) in fold or story(k[1]) in fold)]
        gold_n = sum(1 for p in gold if story(p[0]) in fold)
        by = collections.Counter(track.gold(a, b) for a, b in pred)
        n = sum(by.values()) - by["duplicate"]
        return {"p": by[target] / n if n else 0.0, "r": by[target] / gold_n if gold_n else 0.0,
                "cross": by["cross"], "tp": by[target], "n": n, "gold": gold_n}

    held = []
    for i, fold in enumerate(folds):
        rest = set().union(*(folds[j] for j in range(5) if j != i))
        train = {t: figures(t, rest) for t in THRESHOLDS[kind]}
        ok = [t for t, f in train.items()
              if f["p"] >= MIN_PRECISION[kind] and (kind != "conflicts" or f["cross"] <= MAX_CROSS)]
        chosen = max(ok, key=lambda t: (train[t]["r"], t)) if ok else max(THRESHOLDS[kind])
        h = figures(chosen, fold)
        held.append(h)
        print(f"fold {i}: threshold {chosen:.2f}, held out P {h['p']:.3f} R {h['r']:.3f}"
              f" cross {h['cross']}")
    print(f"mean of folds: P {sum(h['p'] for h in held) / 5:.3f} R {sum(h['r'] for h in held) / 5:.3f}")
    tp, n, g = (sum(h[k] for h in held) for k in ("tp", "n", "gold"))
    print(f"pooled held-out: P {tp / n:.3f} R {tp / g:.3f}")


if __name__ == "__main__":
    main()
