"""How much of the real NIH label database rows the parser reads completely.

Each DSLD row is turned into the panel line it stands for (name, "(as forms)", amount, unit,
%DV) and parsed. A row is *complete* when the parsed name, amount, unit and %DV equal the
database's, and, for a mineral row, every listed form got a known form id (not `_unknown`).

    python bench/dsld_coverage.py [--show-misses]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.shared_data import dsld_row_text, dsld_rows
from catalog.lexicon import lexicon
from catalog.rows import parse_row

_UNITS = {"mg": "mg", "mcg": "mcg", "IU": "IU", "Gram(s)": "g", "g": "g", "mcg DFE": "mcg",
          "Calorie(s)": "kcal", "{Calories}": "kcal", "ng": "mcg"}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    text: str
    problems: tuple[str, ...]


def check_row(row: dict[str, str]) -> Outcome | None:
    """None for rows the label prints without an amount (they are not panel rows)."""
    text = dsld_row_text(row)
    if text is None:
        return None
    parsed = parse_row(text)
    if not parsed:
        return Outcome(text, ("no row read",))
    ing = parsed[0]
    problems: list[str] = []
    if ing.name != row["ingredient"].strip():
        problems.append(f"name {ing.name!r}")
    factor = 0.001 if row["unit"] == "ng" else 1.0
    if ing.amount is None or not math.isclose(ing.amount, float(row["amount"]) * factor):
        problems.append(f"amount {ing.amount}")
    if ing.unit != _UNITS.get(row["unit"], row["unit"]):
        problems.append(f"unit {ing.unit}")
    dv = float(row["dv_percent"] or 0)
    if dv > 0 and ing.dv_percent != dv:
        problems.append(f"dv {ing.dv_percent}")
    forms = [f for f in row["forms"].split(";") if f.strip() and f.strip() != "unspecified"]
    if forms and lexicon().is_mineral(ing.nutrient):
        unknown = [f for f in ing.forms if f.endswith("_unknown")]
        if unknown or not ing.forms:
            problems.append(f"forms {ing.forms} for {forms}")
    return Outcome(text, tuple(problems))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    rows = list(dsld_rows())
    outcomes = [o for o in (check_row(r) for r in rows) if o is not None]
    complete = sum(1 for o in outcomes if not o.problems)
    print(f"DSLD rows: {len(rows)}; with an amount: {len(outcomes)}")
    print(f"parsed completely: {complete}/{len(outcomes)} = {complete / len(outcomes):.1%}")
    kinds = Counter(p.split()[0] for o in outcomes for p in o.problems)
    print("misses by field:", dict(kinds))
    if args.show_misses:
        for o in outcomes:
            if o.problems:
                print(f"  {o.text!r}: {', '.join(o.problems)}")


if __name__ == "__main__":
    main()
