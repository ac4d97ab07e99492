"""A whole batch: read products, score each, write one row per product, report progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, TextIO

from app.batch.output import csv_writer, jsonl_writer
from app.batch.reader import CsvLimits, ProductInput, read_products
from app.batch.scoring import OutputRow, score_product
from catalog.profile import Profile

Format = Literal["csv", "jsonl"]


@dataclass(frozen=True)
class Progress:
    rows: int  # CSV records read (of the products read so far)
    products: int  # products written
    errors: int  # products written with an error
    bytes_read: int
    total_bytes: int | None
    elapsed_s: float


def score_stream(
    products: Iterable[ProductInput], *, profile: Profile | None = None
) -> Iterator[OutputRow]:
    for item in products:
        yield score_product(item, profile)


def _total_bytes(src: BinaryIO) -> int | None:
    """The size of a seekable source from where it stands, for the ETA; None for a pipe."""
    try:
        if not src.seekable():
            return None
        here = src.tell()
        end = src.seek(0, 2)
        src.seek(here)
    except (OSError, ValueError):
        return None
    return end - here


def run_batch(
    src: BinaryIO,
    out: TextIO,
    fmt: Format,
    *,
    limits: CsvLimits | None = None,
    profile: Profile | None = None,
    progress: Callable[[Progress], None] | None = None,
    start_seq: int = 0,
    stop_seq: int | None = None,
    progress_interval_s: float = 0.25,
) -> Progress:
    """Scores products with start_seq <= seq < stop_seq (others are read, not scored) and
    writes them to `out`; calls `progress` at most every `progress_interval_s` and once at the
    end. Raises CsvFormatError for a whole-file problem (rows written before it stay written)."""
    total = _total_bytes(src)
    reader = read_products(src, limits=limits)
    writer = csv_writer(out) if fmt == "csv" else jsonl_writer(out)
    started = time.monotonic()
    next_report = started + progress_interval_s
    rows = products = errors = 0

    def snapshot() -> Progress:
        return Progress(
            rows, products, errors, reader.bytes_read, total, time.monotonic() - started
        )

    for item in reader:
        if stop_seq is not None and item.seq >= stop_seq:
            break
        if item.seq < start_seq:
            continue
        row = score_product(item, profile)
        writer.write(row)
        rows += item.rows
        products += 1
        errors += row.error is not None
        if progress is not None and products % 64 == 0 and time.monotonic() >= next_report:
            progress(snapshot())
            next_report = time.monotonic() + progress_interval_s
    writer.close()
    final = snapshot()
    if progress is not None:
        progress(final)
    return final
