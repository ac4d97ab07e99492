"""A chunk reads only its own products: a reader started at a product's recorded start (byte
offset, line, seq, header, delimiter, repeated ids) yields exactly what the reader that read the
file from its start yielded from that product on; and the stored upload opens at any offset."""

from __future__ import annotations

import hashlib
import io
import itertools
from pathlib import Path

import pytest
from sqlmodel import Session

from app.batch.reader import CsvFormatError, CsvLimits, ProductInput, plan_chunks, read_products
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.repositories import batches as repo

LONG = (
    b"\xef\xbb\xbf"  # a BOM, skipped at the start only
    b"product_id;ingredient;amount;unit;forms\r\n"
    b"\r\n"
    b"p1;Magnesium;200;mg;magnesium glycinate\r\n"
    b"p1;Zinc;10;mg;\r\n"
    b'p2;"Calcium\n(as carbonate)";500;mg;\r\n'  # a record over two physical lines
    b";Orphan;1;mg;\r\n"  # no id: a product of its own
    b"product_id;ingredient;amount;unit;forms\r\n"  # the header again
    b"p3;Vitamin C;60;mg;\r\n"
    b"p1;Iron;18;mg;\r\n"  # p1 again after other products: split_product
    b"p4;Caf\xe9ine;100;mg;\r\n"  # Windows-1252
    b"p4;Magnesium;bad;mg;\r\n"
    b"p3;Zinc;5;mg;\r\n"  # p3 again: split_product, first seen in an earlier chunk
    b"p5;Magnesium;100;mg;magnesium oxide"  # no final line break
)
WIDE = (
    b"product_id,label_text,brand\n"
    b'w1,"Supplement Facts\nMagnesium (as magnesium citrate) 100 mg",A\n'
    b"\n"
    b"w2,,B\n"
    b",Magnesium 50 mg,C\n"
    b'w3,"Magnesium 1,000 mg",D\n'
)


@pytest.mark.parametrize("data", [LONG, WIDE], ids=["long", "wide"])
@pytest.mark.parametrize("chunk_size", [1, 2, 3])
def test_a_chunk_started_at_its_offset_reads_what_the_whole_file_read(
    data: bytes, chunk_size: int
) -> None:
    limits = CsvLimits()
    whole = list(read_products(io.BytesIO(data), limits=limits))
    plan = plan_chunks(io.BytesIO(data), limits, chunk_size)
    assert plan.total == len(whole)
    assert [r.seq for r in plan.starts] == list(range(0, len(whole), chunk_size))
    for start in plan.starts:
        src = io.BytesIO(data)
        src.seek(start.offset)
        reader = read_products(src, limits=limits, resume=start)
        resumed: list[ProductInput] = list(itertools.islice(reader, chunk_size))
        assert resumed == whole[start.seq : start.seq + chunk_size]


def test_the_long_file_exercises_repeated_ids_across_chunks() -> None:
    whole = list(read_products(io.BytesIO(LONG)))
    split = [p for p in whole if p.split_from is not None]
    assert [p.product_id for p in split] == ["p1", "p3"]
    assert all("split_product" in (p.error or "") for p in split)
    # Started right at the repeated p3, the reader is told it was seen before.
    plan = plan_chunks(io.BytesIO(LONG), CsvLimits(), 1)
    p3 = next(p for p in split if p.product_id == "p3")
    assert plan.starts[p3.seq].splits == {p3.seq: p3.split_from}


def test_caps_count_from_the_start_of_the_file() -> None:
    plan = plan_chunks(io.BytesIO(LONG), CsvLimits(), 4)
    last = plan.starts[-1]
    assert last.records == 5  # of the 10 in the file: the last chunk holds 5
    src = io.BytesIO(LONG)
    src.seek(last.offset)
    with pytest.raises(CsvFormatError, match="more than 9 rows"):
        list(read_products(src, limits=CsvLimits(max_rows=9), resume=last))


def test_stored_upload_opens_at_any_offset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    data = LONG * 3
    sha = hashlib.sha256(data).hexdigest()
    parts = [data[i : i + 50] for i in range(0, len(data), 50)]
    parts.insert(3, b"")  # an empty part cannot hold the offset
    with Session(engine) as session:
        assert repo.store_upload(session, sha, len(data), parts)
    try:
        for offset in [*range(0, 120), *range(len(data) - 60, len(data) + 3)]:
            with repo.open_upload(engine, sha, offset) as src:
                assert src.read() == data[offset:], offset
    finally:
        engine.dispose()
