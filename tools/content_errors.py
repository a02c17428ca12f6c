#!/usr/bin/env python3
"""Bucket content-extent errors of `claims extract` against a PolNeAR-style split.

    content_errors.py --claims target/release/claims --split ../shared/eval/polnear/train \
        [--limit N] [--show BUCKET] [--examples K] [--key first|two]

For every gold attribution whose cue extent a predicted attribution matches exactly (the same
trimming as score.py), the predicted content is compared with the gold content (hull of the
fragments, trimmed of white space and . , ; :). Each mismatch goes into a bucket:
start early / late / same x end early / late / same, or "none" (no predicted content), keyed
by the words at the boundary that differs (the first words the prediction has too many or
too few). Prints the bucket counts and, with --show, examples of one bucket to the terminal.
The corpus is read at run time; nothing of it is written anywhere.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from polnear_spans import extent  # noqa: E402


def gold_attributions(ann):
    ts, out = {}, []
    with open(ann, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and p[0].startswith("T"):
                label, _, frags = p[1].partition(" ")
                pieces = [tuple(map(int, fr.split())) for fr in frags.split(";")]
                ts[p[0]] = (label.lower(), pieces)
            elif len(p) >= 2 and p[0].startswith("E"):
                roles = {}
                for arg in p[1].split()[1:]:
                    r, _, t = arg.partition(":")
                    roles[re.sub(r"\d+$", "", r).lower()] = t
                out.append(roles)
    res = []
    for roles in out:
        a = {}
        for r in ("source", "cue", "content"):
            t = roles.get(r)
            if t in ts:
                a[r] = ts[t][1]
        res.append(a)
    return res


WORD = re.compile(r"\w[\w'’.-]*|[^\w\s]")


def words(s, n, rev=False):
    w = WORD.findall(s)
    w = w[-n:] if rev else w[:n]
    return " ".join(w).lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", default="")
    ap.add_argument("--examples", type=int, default=15)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--n", type=int, default=1, help="boundary words in a key")
    args = ap.parse_args()

    tdir, adir = os.path.join(args.split, "text"), os.path.join(args.split, "attributions")
    anns = sorted(os.listdir(adir))
    docs = []
    for name in sorted(os.listdir(tdir)):
        stem = name[:-4]
        mine = [a for a in anns if a.startswith(stem + "_") and a.endswith(".ann")]
        if name.endswith(".txt") and mine:
            docs.append((os.path.join(tdir, name), os.path.join(adir, mine[0])))
    if args.limit:
        docs = docs[: args.limit]
    run = subprocess.run([args.claims, "extract", "--format", "jsonl", *[d[0] for d in docs]],
                         capture_output=True, text=True, check=True)
    pred = {}
    for line in run.stdout.splitlines():
        o = json.loads(line)
        pred[o["file"]] = o["attributions"]

    buckets = collections.Counter()
    keys = collections.defaultdict(collections.Counter)
    examples = collections.defaultdict(list)
    matched = 0
    for path, ann in docs:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        by_cue = {}
        for a in pred[path]:
            if a.get("cue"):
                by_cue.setdefault(extent(text, a["cue"]), a)
        for g in gold_attributions(ann):
            if "cue" not in g or "content" not in g:
                continue
            p = by_cue.get(extent(text, g["cue"]))
            if p is None:
                continue
            matched += 1
            gs, ge = extent(text, g["content"])
            if not p.get("content"):
                b, key = "none", ""
            else:
                ps, pe = extent(text, p["content"])
                if (ps, pe) == (gs, ge):
                    buckets["exact"] += 1
                    continue
                if pe <= gs or ps >= ge:
                    b, key = "elsewhere", ""
                else:
                    st = "same" if ps == gs else ("early" if ps < gs else "late")
                    en = "same" if pe == ge else ("early" if pe < ge else "late")
                    b = f"start-{st}/end-{en}"
                    if en == "late":
                        key = "+" + words(text[ge:pe], args.n)
                    elif en == "early":
                        key = "-" + words(text[pe:ge], args.n)
                    elif st == "early":
                        key = "+" + words(text[ps:gs], args.n, rev=True)
                    else:
                        key = "-" + words(text[gs:ps], args.n, rev=True)
                    if en != "same" and st != "same":
                        key = "both " + key
            buckets[b] += 1
            keys[b][key] += 1
            if args.show and args.show in (b, f"{b} {key}", key):
                cs = min(gs, *(x for x, _ in (p.get("content") or [[gs, gs]])))
                ce = max(ge, *(y for _, y in (p.get("content") or [[ge, ge]])))
                lo, hi = max(0, cs - 80), min(len(text), ce + 40)
                examples[b].append(
                    (os.path.basename(path)[:30], text[lo:hi].replace("\n", " / "),
                     text[gs:ge], [text[x:y] for x, y in p.get("content") or []],
                     text[slice(*extent(text, g["cue"]))]))
    print(f"gold attributions with the cue found exactly: {matched}")
    for b, n in buckets.most_common():
        print(f"{n:6}  {b}")
        for k, m in keys[b].most_common(args.top):
            if k:
                print(f"          {m:5}  {k}")
    for b, ex in examples.items():
        print(f"\n== {b}")
        for name, ctx, gold, got, cue in ex[: args.examples]:
            print(f"- {name} [cue {cue}]\n  ctx : {ctx}\n  gold: {gold}\n  pred: {got}")


if __name__ == "__main__":
    main()
