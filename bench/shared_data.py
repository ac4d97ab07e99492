"""Where the shared real material lives (../shared/data beside the repository, or
$LABELSCAN_SHARED_DATA). It is read in place and never copied into the project."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    path = Path(os.environ.get("LABELSCAN_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        raise FileNotFoundError(
            f"shared test material not found at {path}; set LABELSCAN_SHARED_DATA"
        )
    return path


def dsld_rows() -> Iterator[dict[str, str]]:
    with (shared_data() / "dsld" / "dsld_rows.csv").open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def dsld_row_text(row: dict[str, str]) -> str | None:
    """The panel line a DSLD row stands for: name, "(as forms)", amount, unit, %DV.
    None for rows without an amount (blend members printed without one)."""
    unit = row["unit"].strip()
    if unit in ("NP", "Not Present", "") or not row["amount"].strip():
        return None
    unit = {"Gram(s)": "g", "Calorie(s)": "Calories", "{Calories}": "Calories"}.get(unit, unit)
    forms = row["forms"].strip()
    name = row["ingredient"].strip()
    text = name if forms in ("", "unspecified") else f"{name} (as {forms.replace(';', ',')})"
    amount = f"{float(row['amount']):g}"
    dv = row["dv_percent"].strip()
    dv_text = f"{float(dv):g}%" if dv and float(dv) > 0 else "†"
    if unit == "Calories":
        return f"{text} {amount}"
    return f"{text} {amount} {unit} {dv_text}"
