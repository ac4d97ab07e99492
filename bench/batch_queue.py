"""A batch job through the Redis queue with real `labelscan worker` processes.

`run_queue_benchmark(csv_path, workers=2)` starts the workers, submits the file as the service
does, waits for the job and returns rows/s, products/s and the workers' peak memory. It needs
the Redis and PostgreSQL of the project's tests (LABELSCAN_TEST_REDIS_URL,
LABELSCAN_TEST_POSTGRES_URL); bench/batch_throughput.py calls it under `--queue`.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.batch.queue import QueueRunner, make_broker
from app.db.migrate import upgrade
from app.db.models import BatchJob
from app.db.session import make_engine
from app.repositories import batches as repo
from app.services.auth import Principal
from app.services.batches import submit
from app.settings import Settings

REDIS_URL = os.environ.get("LABELSCAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "LABELSCAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WHO = Principal(name="bench", role="app")


@contextmanager
def scratch_database(server_url: str = POSTGRES_URL) -> Iterator[str]:
    """A new migrated PostgreSQL database, dropped after."""
    admin_url = make_url(server_url).set(drivername="postgresql")
    admin = psycopg.connect(
        admin_url.render_as_string(hide_password=False), autocommit=True, connect_timeout=3
    )
    name = f"labelscan_queue_{uuid.uuid4().hex[:12]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `labelscan worker` at these settings."""
    return {
        **os.environ,
        "LABELSCAN_DATABASE_URL": settings.database_url,
        "LABELSCAN_REDIS_URL": settings.redis_url or "",
        "LABELSCAN_BATCH_QUEUE_NAMESPACE": settings.batch_queue_namespace,
        "LABELSCAN_BATCH_HEARTBEAT_TIMEOUT_MS": str(settings.batch_heartbeat_timeout_ms),
        "LABELSCAN_BATCH_MAINTENANCE_CHANCE": str(settings.batch_maintenance_chance),
        "LABELSCAN_LOG_LEVEL": "WARNING",
    }


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("labelscan")), "worker", "--threads", "1"]
    return subprocess.Popen(command, env=worker_env(settings), stdout=subprocess.DEVNULL)


def stop_worker(process: subprocess.Popen[bytes]) -> resource.struct_rusage | None:
    """Stops a worker (SIGTERM, then SIGKILL after 20 s) and returns its own resource use
    (peak RSS, CPU time) from wait4; None if it was already reaped."""
    if process.returncode is not None:
        return None
    process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        time.sleep(0.05)


def submit_file(settings: Settings, engine: Engine, csv_path: Path) -> str:
    runner = QueueRunner(make_broker(settings))
    try:
        with Session(engine, expire_on_commit=False) as session, csv_path.open("rb") as src:
            done = submit(
                session,
                runner,
                src,
                filename=csv_path.name,
                fmt="csv",
                profile=None,
                who=WHO,
                max_bytes=settings.max_batch_bytes,
                chunk_products=settings.batch_chunk_products,
            )
    finally:
        runner.close()
    return done.job.id


def wait_for(engine: Engine, job_id: str, timeout_s: float) -> BatchJob:
    deadline = time.monotonic() + timeout_s
    while True:
        with Session(engine) as session:
            job = repo.get_job(session, job_id)
            assert job is not None
            if job.state in (repo.DONE, repo.FAILED) or time.monotonic() > deadline:
                return job
        time.sleep(0.1)


def clear_queue(settings: Settings) -> None:
    """Deletes the namespace's keys: a benchmark or test leaves nothing in Redis."""
    broker = make_broker(settings)
    try:
        for key in broker.client.scan_iter(match=f"{settings.batch_queue_namespace}:*"):
            broker.client.delete(key)
    finally:
        broker.close()


def run_queue_benchmark(
    csv_path: Path, workers: int = 2, *, chunk_products: int = 500, timeout_s: float = 3600
) -> dict[str, float]:
    with scratch_database() as url:
        settings = Settings(
            database_url=url,
            redis_url=REDIS_URL,
            batch_queue_namespace=f"labelscan-bench-{uuid.uuid4().hex[:8]}",
            batch_chunk_products=chunk_products,
            log_level="WARNING",
        )
        engine = make_engine(url)
        processes = [start_worker(settings) for _ in range(workers)]
        usages: list[resource.struct_rusage] = []
        try:
            start = time.perf_counter()
            job_id = submit_file(settings, engine, csv_path)
            job = wait_for(engine, job_id, timeout_s)
            elapsed = time.perf_counter() - start
        finally:
            for process in processes:
                if (usage := stop_worker(process)) is not None:
                    usages.append(usage)
            engine.dispose()
            clear_queue(settings)
        if job.state != repo.DONE:
            raise RuntimeError(f"job {job_id} ended {job.state}: {job.error_reason}")
        # Each worker's own figures from wait4, not RUSAGE_CHILDREN, which would also hold any
        # other child of this process (the CLI run of bench/batch_throughput.py). Linux: KiB.
        peak_kib = max((u.ru_maxrss for u in usages), default=0)
        cpu_s = sum(u.ru_utime + u.ru_stime for u in usages)
        return {
            "workers": float(workers),
            "seconds": round(elapsed, 3),
            "products": float(job.products_done),
            "rows": float(job.rows_done),
            "rows_per_s": round(job.rows_done / elapsed, 1),
            "products_per_s": round(job.products_done / elapsed, 1),
            "workers_cpu_s": round(cpu_s, 1),
            "rows_per_worker_cpu_s": round(job.rows_done / cpu_s, 1) if cpu_s else 0.0,
            "peak_worker_rss_mb": round(peak_kib / 1024, 1),
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run_queue_benchmark(Path(sys.argv[1])), indent=2))
