#!/usr/bin/env python3
"""Cross-validates recall levers of issue 9's fifth round on the claims that
`examples/relate_eval.rs` dumps: the corroboration match (`MIN_SHARED_WEIGHT`,
`MIN_PREDICATE_WEIGHT`, `MIN_COSINE`, `FULL_SHARED_WEIGHT`, `SPEECH_DISCOUNT`, `TOLD_DISCOUNT`
of src/relate/rules.rs) and the score of a conflict carried over a corroboration
(src/relate/carry.rs: the product of the two scores, or the smaller score times a factor),
with the carried rows as `claims relations` adds them.

    RELATE_EVAL_NOISE=../shared/eval/polnear/dev/text RELATE_EVAL_CLAIMS=/tmp/claims.jsonl \\
        target/release/examples/relate_eval ../shared/eval/emergent/train.csv > /tmp/eval.txt
    python3 tools/cv_recall.py /tmp/claims.jsonl ../shared/eval/emergent/train.csv

Conflicts found by the rules are taken from the dump's findings (`FILE.judged`) as they are;
corroborations are re-scored with `tools/cv_match.py`'s rule under each combination; then the
relations are carried one step over the corroborations at the default threshold (0.45) as
`relate::carry::carried` does (same topic, not the same content, different speakers for a
corroboration), and article pairs are scored with the scorer's own gold
(../shared/eval/relations.py). Folds: the stories shuffled with seed 7, 5 folds, a pair counted
in a fold when either article's story is in it (as tools/cv_carry.py).

Per held-out fold, among the combinations whose pooled precision on the other four folds is at
least the issue's target (corroborations 0.60; conflicts 0.40, with at most 16 cross-story false
conflicts there and at most 8 PolNeAR dev conflicts), the one with the highest recall on those
four is chosen and measured on the held-out fold; the mean of the held-out folds is printed
with the choices. Keep the files in /tmp: they hold evaluation texts.
"""

import collections
import itertools
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "eval"))
sys.path.insert(0, os.path.join(os.getcwd(), "..", "shared", "eval"))
import cv_match as M  # noqa: E402
import relations as R  # noqa: E402

THRESHOLD = 0.45


def product(s1, s2):
    return round(s1 * s2, 3)


class Data:
    def __init__(self, claims_path, csv_path):
        self.track = R.build_headlines(R.read_data(csv_path, "train.csv"), 0, 0)
        self.conflict_gold, self.agree_gold, self.counts = R.gold_sets(self.track)
        # relate_eval numbers the articles in the order of their ids.
        aids = sorted(self.track.articles)
        self.claims = [json.loads(line) for line in open(claims_path, encoding="utf-8")]
        self.judged = {}
        for line in open(claims_path + ".judged", encoding="utf-8"):
            j = json.loads(line)
            self.judged[(min(j["a"], j["b"]), max(j["a"], j["b"]))] = (j["kind"], j["score"])
        self.cand = [p for p in M.candidate_pairs(self.claims)
                     if bool(self.claims[p[0]]["docs"]) == bool(self.claims[p[1]]["docs"])]
        self.nkey = [next((k for k in c["keys"] if k[0].startswith("n:")), None)
                     for c in self.claims]
        self.adocs = [[aids[d["doc"]] for d in c["docs"]] for c in self.claims]
        stories = sorted({a["cluster"] for a in self.track.articles.values()})
        random.Random(7).shuffle(stories)
        self.folds = [set(stories[i::5]) for i in range(5)]
        self.feats = {}

    def story(self, a):
        return self.track.articles[a]["cluster"]

    def same_topic(self, x, y):
        a, b = self.claims[x], self.claims[y]
        names = set(a["names"]) | set(b["names"])
        ta, tb = a["terms"], b["terms"]
        return sum(min(ta[t], tb[t]) for t in ta if t in tb and t not in names) \
            >= M.BASE["min_pred"]

    def rows(self, P):
        """Every finding at the floor: (x, y) -> ('c' | 'k', score)."""
        key = (P["min_shared"], P["min_pred"], P["speech"], P["told"])
        if key not in self.feats:
            self.feats[key] = {p: M.features(self.claims[p[0]], self.claims[p[1]], P)
                               for p in self.cand}
        out = {p: ("c", s) for p, (k, s) in self.judged.items() if k == "Conflicts"}
        for p, f in self.feats[key].items():
            if f and f[0] == "corroborate" and p not in out:
                r = M.score(f, P)
                if r is not None:
                    out[p] = ("k", round(r, 3))
        return out

    def carried(self, rows, conflict_score):
        adj = collections.defaultdict(list)
        for (x, y), (k, s) in rows.items():
            if s >= THRESHOLD:
                adj[x].append((y, k, s))
                adj[y].append((x, k, s))
        best = {}
        for x, related in adj.items():
            for t, k1, s1 in related:
                for y, k2, s2 in adj[t]:
                    if k2 != "k" or y == x:
                        continue
                    pair = (min(x, y), max(x, y))
                    if pair in rows:
                        continue
                    s = conflict_score(s1, s2) if k1 == "c" else product(s1, s2)
                    if s < THRESHOLD:
                        continue
                    cur = best.get(pair)
                    if cur is None or (k1 == "c", s) > (cur[0] == "c", cur[1]):
                        best[pair] = (k1, s)
        out = {}
        for (x, y), (k, s) in best.items():
            if not self.same_topic(x, y) or (self.nkey[x] and self.nkey[x] == self.nkey[y]):
                continue
            if k == "k" and self.claims[x]["speaker"].lower() == self.claims[y]["speaker"].lower():
                continue
            out[(x, y)] = (k, s)
        return out

    def table(self, P, conflict_score):
        """Per kind: the predicted article pairs, and the PolNeAR dev conflicts."""
        rows = self.rows(P)
        shown = {p: v for p, v in rows.items() if v[1] >= THRESHOLD}
        shown.update(self.carried(rows, conflict_score))
        polnear = sum(1 for (x, _), (k, _) in shown.items()
                      if k == "c" and not self.claims[x]["docs"])
        pairs = {"c": set(), "k": set()}
        for (x, y), (k, _) in shown.items():
            for p in self.adocs[x]:
                for q in self.adocs[y]:
                    if p != q:
                        pairs[k].add(R.key(p, q))
        return pairs, polnear

    def figures(self, pred, target, folds):
        gold = self.conflict_gold if target == "conflict" else self.agree_gold
        fs = set().union(*(self.folds[f] for f in folds))
        pred = [p for p in pred if self.story(p[0]) in fs or self.story(p[1]) in fs]
        gold_n = sum(1 for p in gold if self.story(p[0]) in fs)
        by = collections.Counter(self.track.gold(a, b) for a, b in pred)
        n = sum(by.values()) - by["duplicate"]
        return (by[target] / n if n else 0.0, by[target] / gold_n if gold_n else 0.0,
                by["cross"])


def cross_validate(data, tables, target, kind, min_p, cross_max=None, polnear_max=None):
    held_p, held_r = [], []
    for held in range(5):
        train = [f for f in range(5) if f != held]
        ok = []
        for g, (pairs, polnear) in tables:
            p, r, cross = data.figures(pairs[kind], target, train)
            if p < min_p or (cross_max is not None and cross > cross_max * 4 // 5):
                continue
            if polnear_max is not None and polnear > polnear_max:
                continue
            ok.append((r, p, g, pairs))
        r, p, g, pairs = max(ok, key=lambda t: (t[0], t[1]))
        hp, hr, hc = data.figures(pairs[kind], target, [held])
        held_p.append(hp)
        held_r.append(hr)
        print(f"  fold {held}: chose {g}; held out P {hp:.3f} R {hr:.3f} ({hc} cross)")
    print(f"  mean of held-out folds: P {sum(held_p) / 5:.3f} R {sum(held_r) / 5:.3f}")


def main():
    data = Data(sys.argv[1], sys.argv[2])
    base = dict(M.BASE)
    print("corroborations: match constants (min shared, min predicate, min cosine, FULL,"
          " speech discount, told discount)")
    tables = []
    for ms, mp, mc, full, sp, told in itertools.product(
            (1.0, 1.5), (0.6, 0.8), (0.25, 0.3), (2.5, 3.0, 3.5), (0.4, 0.5, 0.6), (0.85, 1.0)):
        P = dict(base, min_shared=ms, min_pred=mp, min_cos=mc, full=full, speech=sp, told=told)
        tables.append(((ms, mp, mc, full, sp, told), data.table(P, product)))
    cross_validate(data, tables, "agree", "k", 0.60)
    print("conflicts carried over a corroboration: product, or the smaller score x factor")
    scorers = [("product", product)] + [
        (f"min x {f}", lambda a, b, f=f: round(min(a, b) * f, 3))
        for f in (0.7, 0.75, 0.8, 0.9, 1.0)]
    tables = [(name, data.table(base, fn)) for name, fn in scorers]
    cross_validate(data, tables, "conflict", "c", 0.40, cross_max=20, polnear_max=8)
    for name, (pairs, polnear) in tables:
        p, r, cross = data.figures(pairs["c"], "conflict", range(5))
        print(f"  all data, {name}: conflicts P {p:.3f} R {r:.3f}, {cross} cross-story,"
              f" {polnear} PolNeAR dev")


if __name__ == "__main__":
    main()
