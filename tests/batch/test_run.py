"""The run loop: one output row per product, progress, chunks by product number, streaming."""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.batch.reader import CsvFormatError, read_products
from app.batch.run import Progress, run_batch

HEADER = "product_id,product_name,ingredient,forms,amount,unit,dv_percent"


def _long_file(products: int, rows_each: int = 3) -> bytes:
    lines = [HEADER]
    for p in range(products):
        lines += [
            f"p{p},Product {p},Magnesium,magnesium glycinate,{100 + p % 50},mg,",
            *[f"p{p},Product {p},Vitamin B{i},,{i + 1},mg," for i in range(rows_each - 1)],
        ]
    return ("\n".join(lines) + "\n").encode()


def test_every_product_gets_one_row_and_progress_adds_up() -> None:
    data = _long_file(300)
    out = io.StringIO()
    seen: list[Progress] = []
    done = run_batch(io.BytesIO(data), out, "csv", progress=seen.append, progress_interval_s=0)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["product_id"] for r in rows] == [f"p{i}" for i in range(300)]
    assert all(r["error"] == "" and r["score"] for r in rows)
    assert (done.products, done.rows, done.errors) == (300, 900, 0)
    assert done.bytes_read == done.total_bytes == len(data)
    assert seen[-1] == done
    assert len(seen) > 2  # periodic reports, not only the last
    assert all(a.products <= b.products for a, b in itertools.pairwise(seen))


def test_start_and_stop_seq_score_one_chunk() -> None:
    data = _long_file(50)
    out = io.StringIO()
    done = run_batch(io.BytesIO(data), out, "jsonl", start_seq=10, stop_seq=20)
    ids = [json.loads(line)["product_id"] for line in out.getvalue().splitlines()]
    assert ids == [f"p{i}" for i in range(10, 20)]
    assert done.products == 10 and done.rows == 30


def test_a_whole_file_error_raises_before_anything_is_written() -> None:
    out = io.StringIO()
    with pytest.raises(CsvFormatError):
        run_batch(io.BytesIO(b"name,colour\nx,blue\n"), out, "csv")
    assert out.getvalue() == ""


def test_reading_streams_instead_of_loading_the_file() -> None:
    data = _long_file(20_000)
    stream = io.BytesIO(data)
    reader = read_products(stream)
    next(reader)
    # One product read: only the read-ahead and a few lines are consumed of a ~1.5 MB file.
    assert stream.tell() < 16_384 < len(data)


_cell = st.text(alphabet=st.sampled_from(list('ab,;"\n= 1.x')), max_size=6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3", ""]), _cell, _cell), max_size=25))
def test_one_output_row_per_product_whatever_the_cells(rows: list[tuple[str, str, str]]) -> None:
    """Quoted cells with delimiters, quotes, newlines and formulas: the output has exactly one
    row per product the reader yields, in order, and nothing else."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["product_id", "ingredient", "amount", "unit"])
    for pid, name, amount in rows:
        writer.writerow([pid, name or "Magnesium", amount, "mg"])
    data = buf.getvalue().encode()
    products = list(read_products(io.BytesIO(data)))
    out = io.StringIO()
    done = run_batch(io.BytesIO(data), out, "csv")
    written = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(written) == len(products) == done.products
    assert [w["product_id"] for w in written] == [p.product_id or "" for p in products]
    assert done.errors == sum(1 for w in written if w["error"])
