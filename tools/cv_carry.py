#!/usr/bin/env python3
"""Measures the relations carried over a corroboration (`carried/1`, src/relate/carry.rs) on the
Emergent headlines, on all data and on each of 5 folds of stories.

    python3 ../shared/eval/relations.py --claims target/release/claims \\
        --emergent ../shared/eval/emergent/train.csv --tracks headlines --keep /tmp/carry
    python3 tools/cv_carry.py target/release/claims /tmp/carry/emergent-headlines.db \\
        ../shared/eval/emergent/train.csv

Reads `claims relations --kind conflicts|corroborates --format json` of the database the scorer
kept (at the default minimum score) and scores article pairs as the scorer does (its own
functions, imported from ../shared/eval/relations.py), with and without the carried rows. The
carry fits no constant (one step, the product of the two scores, the default threshold, the
paraphrase rule's predicate weight), so there is nothing to choose per fold: the folds (stories
shuffled with seed 7, 5 folds) show how the figures spread over held-out stories. A pair of
articles counts in a fold when either article's story is in it. Keep the database in /tmp: it
holds the evaluation texts.
"""

import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "eval"))
sys.path.insert(0, os.path.join(os.getcwd(), "..", "shared", "eval"))
import relations as R  # noqa: E402


def main():
    binary, db, csv_path = sys.argv[1:4]
    track = R.build_headlines(R.read_data(csv_path, "train.csv"), 0, 0)
    conflict_gold, agree_gold, counts = R.gold_sets(track)
    url2aid = {a["url"]: aid for aid, a in track.articles.items()}
    env = dict(os.environ, CLAIMS_NOW=R.FIXED_NOW, NO_COLOR="1")
    rows, docs = {}, {}
    for kind in ("conflicts", "corroborates"):
        out = subprocess.run([binary, "--db", db, "--format", "json", "relations", "--kind", kind],
                             env=env, capture_output=True, text=True, check=True).stdout
        rows[kind] = json.loads(out)
        for r in rows[kind]:
            for s in "ab":
                docs[r[s]["id"]] = {url2aid[d] for d in r[s]["documents"] if d in url2aid}

    def pairs(kind, carried):
        out = set()
        for r in rows[kind]:
            if r["basis"] == "carried/1" and not carried:
                continue
            for x in docs[r["a"]["id"]]:
                for y in docs[r["b"]["id"]]:
                    if x != y:
                        out.add(R.key(x, y))
        return out

    stories = sorted({a["cluster"] for a in track.articles.values()})
    random.Random(7).shuffle(stories)
    folds = [set(stories[i::5]) for i in range(5)]

    def figures(pred, target, gold, fold):
        story = lambda a: track.articles[a]["cluster"]  # noqa: E731
        if fold is not None:
            pred = {p for p in pred if story(p[0]) in fold or story(p[1]) in fold}
            gold_n = sum(1 for p in gold if story(p[0]) in fold)
        else:
            gold_n = counts[target]
        by = collections.Counter(track.gold(a, b) for a, b in pred)
        n = sum(by.values()) - by["duplicate"]
        return (by[target] / n if n else 0.0, by[target] / gold_n if gold_n else 0.0, n, by["cross"])

    for carried in (False, True):
        print("with carried relations" if carried else "without carried relations")
        means = collections.defaultdict(list)
        for name, fold in [("all", None)] + [(f"fold {i}", f) for i, f in enumerate(folds)]:
            c = figures(pairs("conflicts", carried), "conflict", conflict_gold, fold)
            k = figures(pairs("corroborates", carried), "agree", agree_gold, fold)
            if fold is not None:
                for j, v in enumerate(c[:2] + k[:2]):
                    means[j].append(v)
            print(f"  {name:7s} conflicts P {c[0]:.3f} R {c[1]:.3f} pred {c[2]} cross {c[3]}"
                  f" | corroborations P {k[0]:.3f} R {k[1]:.3f} pred {k[2]} cross {k[3]}")
        m = [sum(v) / len(v) for _, v in sorted(means.items())]
        print(f"  mean of folds: conflicts P {m[0]:.3f} R {m[1]:.3f}"
              f" | corroborations P {m[2]:.3f} R {m[3]:.3f}")


if __name__ == "__main__":
    main()
