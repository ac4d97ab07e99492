"""Batch results as CSV or JSON lines, one row per product.

CSV cells that a spreadsheet would run as a formula (OWASP "CSV injection": a leading `=`, `+`,
`-`, `@`, tab or carriage return) get a leading apostrophe; plain numbers ("-5", "+3.2") are
left alone. JSON lines carry the data unchanged: they are not opened by spreadsheets.
"""

from __future__ import annotations

import csv
import json
import re
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from app.batch.scoring import OutputRow

OUTPUT_COLUMNS: tuple[str, ...] = (
    "product_id",
    "product_name",
    "brand",
    "upc",
    "score",
    "grade",
    "magnesium_forms",
    "elemental_mg_per_serving",
    "elemental_mg_per_day",
    "warnings",
    "interactions",
    "marks",
    "error",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# First characters of a cell that need a closer look; any other cell is left as it is at once
# (most cells: every cell of every product goes through here).
_LOOK_CLOSER = frozenset([" ", *_FORMULA_START])
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?$")


def neutralise(cell: str) -> str:
    """A cell safe to open in a spreadsheet: formula-looking text gets a leading apostrophe
    (shown, never run). Leading spaces do not hide a formula: spreadsheets skip them."""
    if not cell or cell[0] not in _LOOK_CLOSER:
        return cell
    head = cell.lstrip(" ")
    if not head.startswith(_FORMULA_START) or _PLAIN_NUMBER.match(head):
        return cell
    return "'" + cell


class ResultWriter(Protocol):
    def write(self, row: OutputRow) -> None: ...

    def close(self) -> None: ...


class _CsvWriter:
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow(OUTPUT_COLUMNS)

    def write(self, row: OutputRow) -> None:
        # `neutralise` is called only for a cell that starts with a character it looks closer
        # at (few do): a call per cell of every product costs more than the test.
        self._writer.writerow(
            [neutralise(c) if c and c[0] in _LOOK_CLOSER else c for c in row.cells()]
        )

    def close(self) -> None:
        self._out.flush()


class _JsonlWriter:
    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, row: OutputRow) -> None:
        self._out.write(json.dumps(row.to_json(), ensure_ascii=False, allow_nan=False) + "\n")

    def close(self) -> None:
        self._out.flush()


def csv_writer(out: TextIO) -> ResultWriter:
    """CSV with a header row of OUTPUT_COLUMNS (written at once)."""
    return _CsvWriter(out)


def jsonl_writer(out: TextIO) -> ResultWriter:
    """One JSON object per line, keys OUTPUT_COLUMNS."""
    return _JsonlWriter(out)
