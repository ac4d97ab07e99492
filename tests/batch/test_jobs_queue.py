"""Batch jobs on the Redis queue with real `labelscan worker` processes and PostgreSQL: a worker
killed with SIGKILL in the middle of a job loses nothing, and the job still ends with exactly
one output row per product."""

from __future__ import annotations

import csv
import io
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlmodel import Session, col, select

from app.db.models import BatchChunk, BatchResult
from app.db.session import make_engine
from app.settings import Settings
from bench.batch_queue import (
    REDIS_URL,
    clear_queue,
    scratch_database,
    start_worker,
    stop_worker,
    submit_file,
    wait_for,
)

LABEL = (Path(__file__).parents[2] / "examples" / "labels" / "magnesium_glycinate.txt").read_text()
PRODUCTS = 400


@pytest.fixture
def queue_settings() -> Iterator[Settings]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc})")
    try:
        with scratch_database() as url:
            settings = Settings(
                database_url=url,
                redis_url=REDIS_URL,
                batch_queue_namespace=f"labelscan-test-{uuid.uuid4().hex[:8]}",
                batch_chunk_products=20,
                # A killed worker is noticed within seconds, not the production minute.
                batch_heartbeat_timeout_ms=2000,
                batch_maintenance_chance=200_000,
                log_level="WARNING",
            )
            yield settings
            clear_queue(settings)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable ({exc})")


def catalog(tmp_path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product_id", "product_name", "label_text"])
    for i in range(PRODUCTS):
        writer.writerow([f"p{i:04d}", f"Magnesium {i}", LABEL.replace("200 mg", f"{100 + i} mg")])
    path = tmp_path / "catalog.csv"
    path.write_text(out.getvalue())
    return path


def test_a_worker_killed_mid_job_loses_nothing(queue_settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(queue_settings.database_url)
    first, second = start_worker(queue_settings), start_worker(queue_settings)
    try:
        job_id = submit_file(queue_settings, engine, catalog(tmp_path))
        deadline = time.monotonic() + 60
        victim = None
        while victim is None and time.monotonic() < deadline:  # the first worker mid-chunk
            with Session(engine) as session:
                victim = session.exec(
                    select(BatchChunk).where(
                        col(BatchChunk.job_id) == job_id,
                        col(BatchChunk.done).is_(False),
                        col(BatchChunk.claimed_by).endswith(f":{first.pid}"),
                    )
                ).first()
            time.sleep(0.01)
        assert victim is not None, "the first worker never started a chunk"
        first.send_signal(signal.SIGKILL)  # mid-chunk: no cleanup, no acknowledgement
        assert first.wait(timeout=10) == -signal.SIGKILL
        done = wait_for(engine, job_id, timeout_s=120)
    finally:
        stop_worker(first)
        stop_worker(second)
    try:
        assert done.state == "done", done
        assert (done.products_done, done.rows_done, done.errors) == (PRODUCTS, PRODUCTS, 0)
        with Session(engine) as session:
            chunks = session.exec(select(BatchChunk).where(col(BatchChunk.job_id) == job_id)).all()
            payloads = session.exec(
                select(BatchResult).where(col(BatchResult.job_id) == job_id)
            ).all()
        ids = [row["product_id"] for p in sorted(payloads, key=lambda p: p.chunk) for row in p.rows]
        assert ids == [f"p{i:04d}" for i in range(PRODUCTS)]  # once each, in file order
        assert all(c.done for c in chunks) and len(chunks) == PRODUCTS // 20
        # The killed worker's chunk was started again, and finished, by the other one.
        redone = next(c for c in chunks if c.idx == victim.idx)
        assert redone.attempt >= 2 and str(redone.claimed_by).endswith(f":{second.pid}"), redone
    finally:
        engine.dispose()
