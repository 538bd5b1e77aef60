"""Tally `mutmut results --all true` per module: killed, survived, … and the score.

The score is killed / tried: a timeout counts as killed (the tests did not pass), a mutant
without tests as a survivor (nothing guards that code), listed apart so it can be looked at.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict


def main() -> None:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for line in sys.stdin:
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        module = name.split(".x", 1)[0] if ".x" in name else name.rsplit(".", 1)[0]
        tally[module][status] += 1
    print(f"{'module':34} {'killed':>6} {'surv.':>6} {'no test':>7} {'other':>6} {'score':>6}")
    if len(tally) > 1:
        tally["(all)"] = sum(tally.values(), Counter())
    for module, c in sorted(tally.items()):
        killed = c["killed"] + c["timeout"]
        survived = c["survived"] + c["no tests"]
        other = c["suspicious"] + c["segfault"]
        tried = killed + survived + other
        score = f"{100 * killed / tried:5.1f}%" if tried else "    -"
        left = c["not checked"] + c["check was interrupted by user"]
        print(f"{module:34} {killed:6} {c['survived']:6} {c['no tests']:7} {other:6} {score}"
              + (f"  ({left} not checked)" if left else ""))


if __name__ == "__main__":
    main()
