"""A worker's memory stays flat from chunk to chunk: running a chunk task leaves nothing of the
upload behind, with the collector off (a worker with a large heap runs full collections
rarely). Each chunk used to leave the stored part it was reading (1 MiB) behind, held by the
reference cycle of the product reader that stops mid-file: 135 MB of worker RSS at 100k rows,
175 MB at 1M. The reader no longer makes that cycle (tests/batch/test_reader.py)."""

from __future__ import annotations

import gc
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.batch.jobs import JobConfig, run_task
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.repositories import batches as repo
from app.services.auth import Principal
from app.services.batches import PART_BYTES, submit
from tests.batch.recording import RecordingRunner

CHUNK = 25
PRODUCTS = 60_000  # about 1.4 MiB: every chunk reads (part of) a 1 MiB stored part


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def long_csv() -> bytes:
    lines = ["product_id,ingredient,amount,unit"]
    lines += [f"p{i:05d},Magnesium,{100 + i % 400},mg" for i in range(PRODUCTS)]
    return ("\n".join(lines) + "\n").encode()


def test_chunk_tasks_leave_no_upload_bytes_behind(engine: Engine) -> None:
    data = long_csv()
    assert len(data) > PART_BYTES
    runner = RecordingRunner()
    with Session(engine, expire_on_commit=False) as session:
        submitted = submit(
            session,
            runner,
            io.BytesIO(data),
            filename="long.csv",
            fmt="csv",
            profile=None,
            who=Principal(name="test", role="app"),
            max_bytes=len(data),
            chunk_products=CHUNK,
        )
    config = JobConfig()
    run_task(engine, config, runner.tasks.pop(0), runner.submit)  # the plan
    chunks = runner.tasks[:9]
    assert len(chunks) == 9
    run_task(engine, config, chunks[0], runner.submit)  # first use: caches, compiled queries
    gc.collect()
    gc.disable()  # as in a worker between its rare full collections
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for task in chunks[1:]:
            run_task(engine, config, task, runner.submit)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    with Session(engine) as session:
        job = repo.get_job(session, submitted.job.id)
        assert job is not None and job.products_done == 9 * CHUNK  # the chunks did run
    # Eight chunks, each of which read into a 1 MiB part: less than one part kept in all.
    assert kept < PART_BYTES, f"{kept / 1024:.0f} KiB kept by 8 chunks"
