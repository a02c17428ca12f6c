#!/usr/bin/env python3
"""Cross-validates the two fitted constants of the stance rules on the compared pairs that
`examples/relate_eval.rs` writes, and prints what each fold chose and the held-out figures.

    RELATE_EVAL_COMPARED=/tmp/cmp.tsv cargo run --release --example relate_eval -- \\
        ../shared/eval/emergent/train.csv > /tmp/eval.txt
    python3 tools/cv_relate.py /tmp/cmp.tsv /tmp/eval.txt

The dump holds every compared pair of claims with its similarity, both stances and strengths,
per pair of articles, and the fold of the pair (stories split into 5 folds, seed 7); the second
file is the harness's output, read for the number of gold pairs per fold. Keep both in a
temporary directory: they hold evaluation texts' features and must not be committed.

Fitted, each by the best F-beta (beta 0.5) on four folds, measured on the fifth, at the default
threshold 0.45 (`relate::DEFAULT_MIN_SCORE`), with the match `relate::rules::match_score` had when
they were fitted (minimum cosine 0.35, full shared weight 5; `match()` below; the match constants
of now were fitted after them by `tools/cv_match.py`, see docs/relations.md):

- `SHORT_NEGATION_STRENGTH` (src/relate/stance.rs): the strength of a refutation shown by a
  negation alone in a short content (pairs whose negation side has a strength above the long
  one, 0.5);
- `SPEECH_DISCOUNT` (src/relate/rules.rs): the factor of a corroboration where a side supports
  through a cue of speech (evidence `cue "say"` etc.).

The relation rules are pure functions of a pair, so re-scoring the dumped pairs gives what the
binary would give with the other constant (for pairs the candidate keys compared).
"""

import csv
import math
import re
import sys

MIN_SCORE = 0.45
LONG_NEGATION = 0.5
SPEECH = {"say", "tell", "state", "add", "according to", "appear", "want", "consider", "see"}
TOLD = 0.85


def match(r):
    c, sh = float(r["cosine"]), float(r["shared"])
    if sh < 1.5 or c < 0.35:
        return None
    return math.sqrt(min(c, 1.0) * min(1.0, sh / 5.0))


def cue(ev):
    m = re.match(r'cue "(.*)"', ev)
    return m.group(1) if m else None


def conflicts(rows, neg):
    best = {}
    for r in rows:
        if r["gold"] == "Duplicate" or {r["side_a"], r["side_b"]} != {"supports", "refutes"}:
            continue
        m = match(r)
        if m is None:
            continue
        st = []
        for s, ev in ((r["str_a"], r["ev_a"]), (r["str_b"], r["ev_b"])):
            s = float(s)
            st.append(neg if ev.startswith("negation") and s > LONG_NEGATION else s)
        k = (min(int(r["p"]), int(r["q"])), max(int(r["p"]), int(r["q"])))
        score = m * min(st)
        if score > best.get(k, (-1.0,))[0]:
            best[k] = (score, r["gold"] == "Conflict", int(r["fold"]))
    return best


def corroborations(rows, speech):
    best = {}
    for r in rows:
        if r["gold"] == "Duplicate" or r["side_a"] != r["side_b"] or r["side_a"] == "reports":
            continue
        if r["same_speaker"] == "true":
            continue
        m = match(r)
        if m is None:
            continue
        score = m * min(float(r["str_a"]), float(r["str_b"]))
        cues = [cue(r[e]) for e, s in (("ev_a", "side_a"), ("ev_b", "side_b")) if r[s] == "supports"]
        if any(c in SPEECH for c in cues):
            score *= speech
        elif any(cues):
            score *= TOLD
        k = (min(int(r["p"]), int(r["q"])), max(int(r["p"]), int(r["q"])))
        if score > best.get(k, (-1.0,))[0]:
            best[k] = (score, r["gold"] == "Agree", int(r["fold"]))
    return best


def counts(best, folds):
    pred = [ok for s, ok, f in best.values() if f in folds and s >= MIN_SCORE]
    return len(pred), sum(pred)


def f_half(pred, tp, gold):
    if pred == 0 or tp == 0:
        return 0.0
    p, r = tp / pred, tp / gold
    return 1.25 * p * r / (0.25 * p + r)


def cross_validate(name, build, grid, gold):
    tables = {v: build(v) for v in grid}
    folds = range(len(gold))
    total = [0, 0]
    chosen = []
    for held in folds:
        train = [f for f in folds if f != held]
        gold_train = sum(gold[f] for f in train)
        v = max(grid, key=lambda v: f_half(*counts(tables[v], train), gold_train))
        pred, tp = counts(tables[v], [held])
        total[0] += pred
        total[1] += tp
        chosen.append(v)
    n = sum(gold)
    print(
        f"{name}: chosen per fold {chosen}; held-out P {total[1] / max(1, total[0]):.3f} "
        f"R {total[1] / n:.3f} ({total[1]}/{n} of {total[0]} predicted, pairs the keys compared)"
    )


def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
    gold_conf, gold_agree = [], []
    for line in open(sys.argv[2], encoding="utf-8"):
        m = re.search(r"fold \d+: .*conflicts TP \d+/(\d+) of .*corroborations TP \d+/(\d+)", line)
        if m:
            gold_conf.append(int(m.group(1)))
            gold_agree.append(int(m.group(2)))
    cross_validate(
        "SHORT_NEGATION_STRENGTH",
        lambda v: conflicts(rows, v),
        [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
        gold_conf,
    )
    cross_validate(
        "SPEECH_DISCOUNT",
        lambda v: corroborations(rows, v),
        [0.85, 0.7, 0.6, 0.5, 0.4, 0.3],
        gold_agree,
    )


if __name__ == "__main__":
    main()
