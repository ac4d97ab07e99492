"""Rows per CPU-second of the label-row parser on the real DSLD rows (time.process_time).

Two figures: "cold", with the look-up caches emptied before every pass (each pass pays for
every name and form once, like a file of all-new products), and "warm", caches kept (a
catalog that repeats ingredient names, as real catalogs do).

    python bench/parse_speed.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.shared_data import dsld_row_text, dsld_rows
from catalog import lexicon as lexicon_module
from catalog.rows import parse_row
from catalog.text import normalize


def _clear_caches() -> None:
    for fn in (
        normalize,
        lexicon_module._nutrient_id,
        lexicon_module._match_form,
        lexicon_module._salt_named,
    ):
        fn.cache_clear()


def _rate(lines: list[str], seconds: float, cold: bool) -> tuple[float, int]:
    parsed = passes = 0
    elapsed = 0.0
    while elapsed < seconds:
        if cold:
            _clear_caches()
        start = time.process_time()
        for line in lines:
            parse_row(line)
        elapsed += time.process_time() - start
        parsed += len(lines)
        passes += 1
    return parsed / elapsed, passes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    lines = [t for t in (dsld_row_text(r) for r in dsld_rows()) if t]
    read = sum(1 for line in lines if parse_row(line))
    print(f"rows: {len(lines)} DSLD row strings, {read} read as rows")
    for label, cold in (("cold", True), ("warm", False)):
        rate, passes = _rate(lines, args.seconds, cold)
        print(f"{label}: {rate:,.0f} rows/s ({passes} passes, one core)")


if __name__ == "__main__":
    main()
