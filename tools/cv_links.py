#!/usr/bin/env python3
"""Simulates two story-level links for issue 9's conflict recall on the claims that
`examples/relate_eval.rs` dumps, with the carried rows as `claims relations` adds them
(tools/cv_recall.py), and scores article pairs with the scorer's gold (all data).

    RELATE_EVAL_NOISE=../shared/eval/polnear/dev/text RELATE_EVAL_CLAIMS=/tmp/claims.jsonl \\
        target/release/examples/relate_eval ../shared/eval/emergent/train.csv > /tmp/eval.txt
    python3 tools/cv_links.py /tmp/claims.jsonl ../shared/eval/emergent/train.csv

1. **Carried over a link of any sides.** Two claims "link" when the paraphrase match of
   `rules::paraphrase` (shared weight, predicate weight, cosine, FULL; the speaker's terms at
   0.7 as there) reaches a threshold, whatever their sides: a claim that only reports ("reports
   say X") links the claims of its story as well as one that supports. A conflict is carried
   between a claim that supports and one that refutes, not related directly, when both link
   to one claim; scored by the smaller link (or the product) times a factor, times the weaker
   side's strength and the cue discount of a conflict (0.5 when the supporting side supports
   through a cue other than confirm / admit / acknowledge), shown at 0.45, with the same topic
   test and content test as `relate::carry`.
2. **Stories as components.** Claims joined by links of at least a threshold, strongest
   first, into components of at most a size; every pair of a component on opposite sides is a
   conflict (its weaker strength at least a minimum; optionally the same topic).

3. **Corroborations over a link**: two claims on one side, of different speakers, that link
   to one claim (printed before 2, which is the slowest).

Prints precision, recall, cross-story false conflicts (article pairs) and the PolNeAR dev
conflicts for each setting. Keep the files in /tmp: they hold evaluation texts.
"""

import collections
import itertools
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cv_match as M  # noqa: E402
import cv_recall as CR  # noqa: E402

R = CR.R
THRESHOLD = 0.45


def link(a, b, min_shared, min_pred, min_cos, full):
    """The paraphrase match of two claims whatever their sides, or 0."""
    o = M.overlap(a, b)
    if o is None:
        return 0.0
    sw, cos, pred = o
    if pred < min_pred or sw < min_shared or cos < min_cos:
        return 0.0
    return math.sqrt(cos * min(1.0, sw / full))


def article_pairs(data, shown, kind):
    """The article pairs of the rows `shown` of kind `kind` ("c" or "k")."""
    pairs = set()
    for (x, y), (k, _) in shown.items():
        if k == kind:
            pairs.update(R.key(p, q) for p in data.adocs[x] for q in data.adocs[y] if p != q)
    return pairs


class Sim:
    def __init__(self, claims_path, csv_path):
        self.data = CR.Data(claims_path, csv_path)
        self.claims = self.data.claims
        self.rows = self.data.rows(dict(M.BASE))
        self.shown = {p: v for p, v in self.rows.items() if v[1] >= THRESHOLD}
        self.shown.update(self.data.carried(self.rows, CR.product))

    def opposite(self, x, y):
        return {self.claims[x]["side"], self.claims[y]["side"]} == {"supports", "refutes"}

    def discount(self, x, y):
        a, b = self.claims[x], self.claims[y]
        sup = a if a["side"] == "supports" else b
        cue = sup["cue"].lower()
        return 0.5 if cue and cue not in M.AFFIRMING else 1.0

    def plain(self, x, y):
        nkey = self.data.nkey
        return self.data.same_topic(x, y) and not (nkey[x] and nkey[x] == nkey[y])

    def links(self, params, floor):
        out = []
        for x, y in self.data.cand:
            m = link(self.claims[x], self.claims[y], *params)
            if m >= floor:
                out.append((m, x, y))
        return out

    def score(self, added):
        shown = dict(self.shown)
        for pair, s in added.items():
            shown.setdefault(pair, ("c", s))
        polnear = sum(1 for (x, _), (k, _) in shown.items()
                      if k == "c" and not self.claims[x]["docs"])
        pairs = article_pairs(self.data, shown, "c")
        p, r, cross = self.data.figures(pairs, "conflict", range(5))
        return f"P {p:.3f} R {r:.3f}, {cross} cross-story, {polnear} PolNeAR dev"

    def carried_over_links(self, links, least, mode, factor):
        near = collections.defaultdict(list)
        for m, x, y in links:
            if m >= least:
                near[x].append((y, m))
                near[y].append((x, m))
        best = {}
        for t in sorted(near):
            for (x, mx), (y, my) in itertools.combinations(sorted(near[t]), 2):
                pair = (min(x, y), max(x, y))
                if not self.opposite(x, y) or pair in self.rows or pair in self.shown:
                    continue
                joined = min(mx, my) if mode == "min" else mx * my
                strength = min(self.claims[x]["strength"], self.claims[y]["strength"])
                s = joined * factor * strength * self.discount(x, y)
                if s >= THRESHOLD and s > best.get(pair, 0.0):
                    best[pair] = s
        return {p: s for p, s in best.items() if self.plain(*p)}

    def components(self, links, least, size, min_strength, topic):
        parent = list(range(len(self.claims)))
        count = [1] * len(self.claims)

        def root(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for m, x, y in sorted(links, reverse=True):
            if m < least:
                continue
            # Pairs of an Emergent claim and a PolNeAR one are joined by neither.
            if bool(self.claims[x]["docs"]) != bool(self.claims[y]["docs"]):
                continue
            a, b = root(x), root(y)
            if a != b and count[a] + count[b] <= size:
                a, b = (a, b) if count[a] >= count[b] else (b, a)
                parent[b] = a
                count[a] += count[b]
        members = collections.defaultdict(list)
        for i in range(len(self.claims)):
            members[root(i)].append(i)
        added = {}
        for group in members.values():
            for x, y in itertools.combinations(group, 2):
                pair = (min(x, y), max(x, y))
                if not self.opposite(x, y) or pair in self.rows:
                    continue
                strength = min(self.claims[x]["strength"], self.claims[y]["strength"])
                if strength < min_strength or (topic and not self.data.same_topic(x, y)):
                    continue
                nkey = self.data.nkey
                if nkey[x] and nkey[x] == nkey[y]:
                    continue
                added[pair] = strength
        return added


def corroborations_over_links(sim, links, least, factor):
    """Two claims on one side (both supporting or both refuting, different speakers) that
    link to one claim: a corroboration scored like the carried conflicts."""
    near = collections.defaultdict(list)
    for m, x, y in links:
        if m >= least:
            near[x].append((y, m))
            near[y].append((x, m))
    claims = sim.claims
    best = {}
    for t in sorted(near):
        for (x, mx), (y, my) in itertools.combinations(sorted(near[t]), 2):
            pair = (min(x, y), max(x, y))
            a, b = claims[x], claims[y]
            if a["side"] != b["side"] or a["side"] == "reports":
                continue
            if a["speaker"].lower() == b["speaker"].lower():
                continue
            if pair in sim.rows or pair in sim.shown:
                continue
            s = min(mx, my) * factor * min(a["strength"], b["strength"])
            if s >= THRESHOLD and s > best.get(pair, 0.0):
                best[pair] = s
    shown = dict(sim.shown)
    for pair, s in best.items():
        if sim.plain(*pair):
            shown.setdefault(pair, ("k", s))
    p, r, cross = sim.data.figures(article_pairs(sim.data, shown, "k"), "agree", range(5))
    return f"P {p:.3f} R {r:.3f}, {cross} cross-story"


def main():
    sim = Sim(sys.argv[1], sys.argv[2])
    print("now (found and carried rows):", sim.score({}))
    matches = [(1.5, 0.8, 0.3, 3.0), (1.5, 0.8, 0.25, 3.5), (2.0, 1.0, 0.3, 3.0)]
    print("1. conflicts carried over a link of any sides")
    for params in matches:
        links = sim.links(params, 0.45)
        for least in (0.45, 0.55, 0.65, 0.75):
            for mode, factor in (("min", 1.0), ("min", 0.8), ("product", 1.0)):
                added = sim.carried_over_links(links, least, mode, factor)
                print(f"  match {params}, links >= {least}, {mode} x {factor}: "
                      f"{sim.score(added)} ({len(added)} pairs added)", flush=True)
    print("3. corroborations carried over a link of any sides")
    p, r, cross = sim.data.figures(article_pairs(sim.data, sim.shown, "k"), "agree", range(5))
    print(f"  now: P {p:.3f} R {r:.3f}, {cross} cross-story")
    for params in (matches[0], matches[2]):
        links = sim.links(params, 0.45)
        for least in (0.55, 0.65, 0.75):
            for factor in (1.0, 0.8):
                print(f"  match {params}, links >= {least}, min x {factor}: "
                      f"{corroborations_over_links(sim, links, least, factor)}", flush=True)
    print("2. stories as components of links")
    for params in (matches[0], matches[2]):
        links = sim.links(params, 0.5)
        for least in (0.5, 0.6, 0.7):
            for size in (8, 16, 32, 64):
                for min_strength in (0.6, 0.8):
                    for topic in (False, True):
                        added = sim.components(links, least, size, min_strength, topic)
                        print(f"  match {params}, links >= {least}, size <= {size}, strength "
                              f">= {min_strength}, topic {topic}: {sim.score(added)}",
                              flush=True)


if __name__ == "__main__":
    main()
