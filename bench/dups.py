"""How well copy detection separates reposts from different documents, on generated pairs.

    python bench/dups.py --pairs 2000

Positives: a document and its repost (another header, which is not body text, and one or two
small edits: a sentence added, a sentence dropped, a few characters changed). Negatives: two
documents on one topic that share a share of their sentences (a policy and its 解读, two
counties' plans): 0-60% of the second's sentences are taken from the first. Both go through
what `qdn index` does (relations.minhash, then the LSH and the similarity check of
pairs.pairs); prints the false-negative and false-positive rates at the threshold, and
the rates of a plain similarity cut at other thresholds.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import edited, paragraphs, sentences

from qdn_corpus.store import pairs, relations
from qdn_corpus.text.normalize import fold


def _pair_groups(a: list[str], b: list[str]) -> tuple[bool, float]:
    import numpy as np

    rows = []
    for paras in (a, b):
        digest = relations.minhash(fold("\n".join(paras)))
        rows.append(np.frombuffer(digest, dtype="<u4") if digest else np.zeros(pairs.NUM_PERM, dtype=np.uint32))
    sig = np.stack(rows)
    grouped = bool(pairs.pairs(sig, np.ones(2, dtype=bool)))
    return grouped, float((sig[0] == sig[1]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = sentences()
    pos, neg = [], []
    for _ in range(args.pairs):
        a = paragraphs(rng, pool)
        pos.append(_pair_groups(a, edited(a, rng, pool)))
        b = paragraphs(rng, pool)
        share = rng.uniform(0, 0.6)
        mixed = [rng.choice(a) if rng.random() < share else p for p in b]
        neg.append(_pair_groups(a, mixed))
    fn = sum(not g for g, _ in pos) / len(pos)
    fp = sum(g for g, _ in neg) / len(neg)
    print(f"{args.pairs} repost pairs and {args.pairs} different-document pairs; threshold {pairs.THRESHOLD}")
    print(f"  false negatives (a repost not grouped):     {fn:.2%}")
    print(f"  false positives (different docs grouped):   {fp:.2%}")
    print(f"  similarity of reposts: min {min(s for _, s in pos):.3f}, median {sorted(s for _, s in pos)[len(pos) // 2]:.3f}")
    print(f"  similarity of different docs: max {max(s for _, s in neg):.3f}, median {sorted(s for _, s in neg)[len(neg) // 2]:.3f}")
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"  cut at {t}: FN {sum(s < t for _, s in pos) / len(pos):.2%}  FP {sum(s >= t for _, s in neg) / len(neg):.2%}")


if __name__ == "__main__":
    main()
