#!/usr/bin/env python3
"""Bucket the Source and Cue errors of `claims extract` on a PolNeAR-style split.

    tools/source_cue_errors.py --claims target/release/claims --split ../shared/eval/polnear/train
        [--show BUCKET] [--n 20] [--limit N]

Reads the corpus at run time (nothing of it is stored in the repository) and scores spans
the way score.py does (extent after trimming white space and `.,;:`). Prints:

- cue: exact matches, predicted cues that overlap a gold cue with another extent (by how
  they differ), missed gold cues by shape (participle after a comma, infinitive, "but/and
  said", first line / dateline, cue word in the lexicon or not, ...), and false positive
  predicted cues by their first word (wrong-sense cues);
- source: for gold attributions whose cue is predicted exactly, whether the source is
  exact, missing, extra, or of another extent, and for the latter which words differ at
  each end (a time adverbial, an appositive, a relative clause, a coordination ...).

`--show BUCKET` prints up to `--n` examples of one bucket with their sentence, gold and
predicted spans (to read on the screen, not to store).
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

ROLES = ("source", "cue", "content")


def load_gold(path, text):
    spans = {}
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            if parts[0].startswith("T"):
                label, _, frags = parts[1].partition(" ")
                pieces = []
                for frag in frags.split(";"):
                    a, b = frag.split()
                    pieces.append((int(a), int(b)))
                spans[parts[0]] = (label.lower(), extent(text, pieces))
            elif parts[0].startswith("E"):
                roles = {}
                for arg in parts[1].split():
                    r, _, t = arg.partition(":")
                    roles[r.lower()] = t
                events.append(roles)
    out = []
    for ev in events:
        a = {}
        for r in ROLES:
            t = ev.get(r)
            a[r] = spans[t][1] if t in spans else None
        out.append(a)
    # all gold spans of each role (as score.py counts them)
    allspans = {r: [e for (lab, e) in spans.values() if lab == r] for r in ROLES}
    return out, allspans


def lexicon_words(root):
    forms = set()
    with open(os.path.join(root, "seeds/lexicon/cues.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            forms.add(line.split("\t")[0].split()[0])
    return forms


def words(s):
    return re.findall(r"[\w'’-]+|[^\w\s]", s)


def line_of(text, pos):
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def sentence_of(text, s, e):
    a, b = line_of(text, s)
    _, b2 = line_of(text, max(e - 1, s))
    return text[a:b2]


def cue_shape(text, g, lex):
    s, e = g
    cue = text[s:e]
    ws = words(cue.lower())
    before = text[max(0, s - 40):s]
    bw = words(before.lower())
    last = bw[-1] if bw else ""
    shape = []
    first_line_end = text.find("\n")
    if s < first_line_end or first_line_end < 0:
        shape.append("first-line")
    if re.search(r"[A-Z]{3,}[^\n]{0,30}(--|—|–) *$", text[max(0, s - 60):s]):
        shape.append("dateline")
    if ws and ws[-1].endswith("ing") and last in (",", "—", "–", "-", "”", "before", "after", "while", "without", "by"):
        shape.append("participle")
    if last == "to":
        shape.append("infinitive")
    if last in ("but", "and", "yet"):
        shape.append("coord-" + last)
    if len(ws) > 3:
        shape.append("long(>3 words)")
    inlex = any(w in lex for w in ws)
    shape.append("lex" if inlex else "nolex")
    return "+".join(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--show", default="")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    lex = lexicon_words(root)

    tdir = os.path.join(args.split, "text")
    adir = os.path.join(args.split, "attributions")
    anns = sorted(os.listdir(adir))
    docs = []
    for name in sorted(os.listdir(tdir)):
        if not name.endswith(".txt"):
            continue
        stem = name[:-4]
        mine = [a for a in anns if a.startswith(stem + "_") and a.endswith(".ann")]
        if mine:
            docs.append((os.path.join(tdir, name), os.path.join(adir, mine[0])))
    if args.limit:
        docs = docs[: args.limit]
    run = subprocess.run([args.claims, "extract", "--format", "jsonl"] + [d[0] for d in docs],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr[-2000:])
    pred = {}
    for line in run.stdout.splitlines():
        if line.strip():
            o = json.loads(line)
            pred[o["file"]] = o.get("attributions", [])

    buckets = collections.Counter()
    examples = collections.defaultdict(list)
    fp_first = collections.Counter()
    miss_word = collections.Counter()

    def add(b, text, info):
        buckets[b] += 1
        if args.show and b.startswith(args.show) and len(examples[b]) < args.n:
            examples[b].append(info)

    for path, ann in docs:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        gold, allg = load_gold(ann, text)
        pa = []
        for a in pred[path]:
            p = {}
            for r in ROLES:
                pieces = [tuple(x) for x in (a.get(r) or [])]
                p[r] = extent(text, pieces) if pieces else None
            pa.append(p)
        pcues = {p["cue"] for p in pa if p["cue"]}
        gcues = {g["cue"] for g in gold if g["cue"]}
        by_cue = collections.defaultdict(list)
        for p in pa:
            if p["cue"]:
                by_cue[p["cue"]].append(p)
        # cue recall buckets
        for g in gold:
            gc = g["cue"]
            if not gc:
                continue
            ctx = sentence_of(text, gc[0], gc[1])
            info = (path, text[gc[0]:gc[1]], ctx, [text[s:e] for s, e in pcues if s < gc[1] and gc[0] < e])
            if gc in pcues:
                add("cue:exact", text, info)
                # source comparison
                gs = g["source"]
                ps = [p["source"] for p in by_cue[gc]]
                ps = [x for x in ps if x]
                gst = text[gs[0]:gs[1]] if gs else ""
                sinfo = (path, text[gc[0]:gc[1]], ctx, "gold src: " + gst, "pred src: " + " | ".join(text[a:b] for a, b in ps))
                if gs is None and not ps:
                    add("src:both-none", text, sinfo)
                elif gs is None:
                    add("src:extra(no gold source)", text, sinfo)
                elif not ps:
                    add("src:missing", text, sinfo)
                elif gs in ps:
                    add("src:exact", text, sinfo)
                else:
                    p0 = ps[0]
                    if p0[1] <= gs[0] or gs[1] <= p0[0]:
                        add("src:disjoint", text, sinfo)
                        continue
                    kinds = []
                    if p0[0] < gs[0]:
                        kinds.append("starts-early[" + " ".join(words(text[p0[0]:gs[0]]))[:30] + "]")
                    elif p0[0] > gs[0]:
                        kinds.append("starts-late")
                    if p0[1] > gs[1]:
                        kinds.append("ends-late")
                    elif p0[1] < gs[1]:
                        extra = text[p0[1]:gs[1]]
                        ew = words(extra.lower())
                        tag = ""
                        if ew and ew[0] == ",":
                            nxt = ew[1] if len(ew) > 1 else ""
                            tag = "appos-" + ("rel" if nxt in ("who", "which", "whose") else nxt if nxt in ("a", "an", "the") else "other")
                        elif ew and ew[0] in ("and", "&"):
                            tag = "coord"
                        elif ew and ew[0] in ("—", "--", "–", "-"):
                            tag = "dash"
                        elif ew and ew[0] in ("(",):
                            tag = "paren"
                        else:
                            tag = "word:" + (ew[0] if ew else "")
                        kinds.append("ends-early(" + tag + ")")
                    b = "src:" + "+".join(kinds)
                    add(b, text, sinfo)
                    if "starts-early" in b:
                        buckets["src:starts-early(all)"] += 1
                    if "ends-early" in b:
                        buckets["src:ends-early(all)"] += 1
            else:
                ov = [c for c in pcues if c[0] < gc[1] and gc[0] < c[1]]
                if ov:
                    c = ov[0]
                    if c[0] <= gc[0] and c[1] >= gc[1]:
                        add("cue:wrong-extent:pred-longer", text, info)
                    elif c[0] >= gc[0] and c[1] <= gc[1]:
                        add("cue:wrong-extent:pred-shorter", text, info)
                    else:
                        add("cue:wrong-extent:crossing", text, info)
                else:
                    sh = cue_shape(text, gc, lex)
                    add("cue:missed:" + sh, text, info)
                    miss_word[words(text[gc[0]:gc[1]].lower())[0] if words(text[gc[0]:gc[1]]) else ""] += 1
        # false positives
        for c in pcues:
            if c in gcues:
                continue
            ov = [g for g in gcues if g[0] < c[1] and c[0] < g[1]]
            ctx = sentence_of(text, c[0], c[1])
            info = (path, text[c[0]:c[1]], ctx, [text[s:e] for s, e in ov])
            if ov:
                add("cuefp:overlapping", text, info)
            else:
                # does a gold content contain it? (nested speech) or nothing near
                inside = any(g["content"] and g["content"][0] <= c[0] and c[1] <= g["content"][1] for g in gold)
                add("cuefp:" + ("inside-gold-content" if inside else "unannotated"), text, info)
                fp_first[(words(text[c[0]:c[1]].lower()) or [""])[-1]] += 1

    for k, v in sorted(buckets.items(), key=lambda kv: (kv[0].split(":")[0], -kv[1])):
        print(f"{v:6}  {k}")
    print("\nmissed gold cues, first word:")
    print(", ".join(f"{w} {n}" for w, n in miss_word.most_common(args.top)))
    print("\nfalse-positive cues (no gold cue overlapping), last word:")
    print(", ".join(f"{w} {n}" for w, n in fp_first.most_common(args.top)))
    for b, ex in sorted(examples.items()):
        print(f"\n== {b}")
        for e in ex:
            if len(e) == 5:
                print("  <" + e[1] + "> " + e[3] + " // " + e[4])
            else:
                print("  " + " || ".join(str(x) for x in e[1:]).replace("\n", " ")[:600])


if __name__ == "__main__":
    main()
