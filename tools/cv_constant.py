#!/usr/bin/env python3
"""Cross-validates one constant of the relation rules on the Emergent headlines, given one
database per candidate value (each imported by the scorer with the binary built with that
value), against issue 9's corroboration target: for each of 5 folds of stories (seed 7, as
`tools/cv_carry.py`), the value of most corroboration recall on the other four folds whose
precision there is at least 0.60 (ties: the first value given) is chosen, and measured on the
held-out fold.

    python3 ../shared/eval/relations.py --claims target/release/claims \\
        --emergent ../shared/eval/emergent/train.csv --tracks headlines --keep /tmp/v04
    ... (rebuild with the next value, --keep /tmp/v05, and so on)
    python3 tools/cv_constant.py target/release/claims ../shared/eval/emergent/train.csv \\
        0.4=/tmp/v04/emergent-headlines.db 0.5=/tmp/v05/emergent-headlines.db ...

Each database's relations are read at the default minimum scores (`claims relations`, carried
relations included), so any binary reads them the same way. A pair of articles counts in a
fold when either article's story is in it, as in `tools/cv_carry.py` and
`tools/cv_threshold.py`. Prints each fold's choice with its held-out figures, their mean and
the held-out counts pooled, and the conflicts of each value on all data (they must stay within
their own targets). Keep the databases in /tmp: they hold the evaluation texts.
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

MIN_PRECISION = 0.60


def main():
    binary, csv_path = sys.argv[1:3]
    values = [a.split("=", 1) for a in sys.argv[3:]]
    track = R.build_headlines(R.read_data(csv_path, "train.csv"), 0, 0)
    conflict_gold, agree_gold, _ = R.gold_sets(track)
    url2aid = {a["url"]: aid for aid, a in track.articles.items()}
    env = dict(os.environ, CLAIMS_NOW=R.FIXED_NOW, NO_COLOR="1")
    story = lambda a: track.articles[a]["cluster"]  # noqa: E731

    def pairs(db, kind):
        out = subprocess.run([binary, "--db", db, "--format", "json", "relations", "--kind", kind],
                             env=env, capture_output=True, text=True, check=True).stdout
        found = set()
        for r in json.loads(out):
            da = {url2aid[d] for d in r["a"]["documents"] if d in url2aid}
            db_ = {url2aid[d] for d in r["b"]["documents"] if d in url2aid}
            found.update(R.key(x, y) for x in da for y in db_ if x != y)
        return found

    stories = sorted({a["cluster"] for a in track.articles.values()})
    random.Random(7).shuffle(stories)
    folds = [set(stories[i::5]) for i in range(5)]

    def counts(pred, gold, target, fold):
        pred = [p for p in pred if story(p[0]) in fold or story(p[1]) in fold]
        by = collections.Counter(track.gold(a, b) for a, b in pred)
        n = sum(by.values()) - by["duplicate"]
        return by[target], n, sum(1 for p in gold if story(p[0]) in fold)

    found = {v: pairs(db, "corroborates") for v, db in values}
    for v, db in values:
        tp, n, g = counts(pairs(db, "conflicts"), conflict_gold, "conflict", set(stories))
        cross = sum(1 for p in pairs(db, "conflicts") if track.gold(*p) == "cross")
        tpc, nc, gc = counts(found[v], agree_gold, "agree", set(stories))
        print(f"{v}: all data conflicts P {tp / n:.3f} R {tp / g:.3f} cross {cross}"
              f" | corroborations P {tpc / nc:.3f} R {tpc / gc:.3f}")
    held = []
    for i, fold in enumerate(folds):
        rest = set().union(*(folds[j] for j in range(5) if j != i))
        ok = []
        for v, _ in values:
            tp, n, g = counts(found[v], agree_gold, "agree", rest)
            if n and tp / n >= MIN_PRECISION:
                ok.append((tp / g, v))
        chosen = max(ok, key=lambda x: x[0])[1] if ok else values[0][0]
        tp, n, g = counts(found[chosen], agree_gold, "agree", fold)
        held.append((tp, n, g))
        print(f"fold {i}: {chosen}, held out P {tp / n:.3f} R {tp / g:.3f}")
    print(f"mean of folds: P {sum(t / n for t, n, _ in held) / 5:.3f}"
          f" R {sum(t / g for t, _, g in held) / 5:.3f}")
    tp, n, g = (sum(h[k] for h in held) for k in range(3))
    print(f"pooled held-out: P {tp / n:.3f} R {tp / g:.3f}")


if __name__ == "__main__":
    main()
