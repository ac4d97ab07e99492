"""CPU time of `catalog.label.read_text`, the catalog part of `POST /v1/labels/score`.

Two inputs: the load test's label (`LABEL_TEXT` with `PROFILE` from bench/api_load.py) and
every golden product text (tests/catalog/cases/products.yaml). Name caches are warm, as in
the service; each figure is CPU time (time.process_time) per call, the best of a few rounds,
split into parsing, checks (marks, interactions, warnings) and scoring.

    python bench/label_speed.py [--rounds 5] [--calls 300] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from bench.api_load import LABEL_TEXT, PROFILE
from catalog.checks import annotate
from catalog.label import read_text
from catalog.parse import parse_text
from catalog.profile import Profile
from catalog.score import score_label

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "catalog" / "cases" / "products.yaml"


def _cpu_ms(fn: Callable[[], object], calls: int, rounds: int) -> float:
    """CPU milliseconds per call, the best round (the machine's other work only adds)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - start) / calls * 1000)
    return best


def _figures(texts: list[tuple[str, Profile | None]], calls: int, rounds: int) -> dict[str, float]:
    """CPU ms per label for each stage, averaged over the texts."""
    parsed = [parse_text(t) for t, _ in texts]

    def stages() -> dict[str, Callable[[], object]]:
        return {
            "read_text": lambda: [read_text(t, p) for t, p in texts],
            "parse": lambda: [parse_text(t) for t, _ in texts],
            # annotate overwrites what it adds, so it may run again on the same result
            "annotate": lambda: [annotate(r) for r in parsed],
        }

    return {
        name: _cpu_ms(fn, max(1, calls // len(texts)), rounds) / len(texts)
        for name, fn in stages().items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=300, help="labels per round")
    ap.add_argument("--profile", action="store_true", help="cProfile the bench label")
    args = ap.parse_args()
    profile = Profile.model_validate(PROFILE)
    cases = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["cases"]
    golden: list[tuple[str, Profile | None]] = [
        (c["label"], Profile.model_validate(c["profile"]) if "profile" in c else None)
        for c in cases
    ]
    for text, p in [(LABEL_TEXT, profile), *golden]:  # warm the name caches
        score_label(annotate(parse_text(text)), p)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(lambda: [read_text(LABEL_TEXT, profile) for _ in range(500)])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        return
    bench: list[tuple[str, Profile | None]] = [(LABEL_TEXT, profile)]
    inputs = (("bench label", bench), (f"{len(golden)} golden", golden))
    for label, texts in inputs:
        figures = _figures(texts, args.calls, args.rounds)
        shown = ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
        print(f"{label}: CPU ms per label: {shown}")


if __name__ == "__main__":
    main()
