"""A batch job through the Redis queue with real `labelscan worker` processes.

`run_queue_benchmark(csv_path, workers=2)` starts the workers, submits the file as the service
does, waits for the job and returns rows/s, products/s and the workers' memory: each worker's
own peak (it is started through bench/measured.py) and its RSS sampled every second. It needs
the Redis and PostgreSQL of the project's tests (LABELSCAN_TEST_REDIS_URL,
LABELSCAN_TEST_POSTGRES_URL); bench/batch_throughput.py calls it under `--queue`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


MEASURED = Path(__file__).with_name("measured.py")


@dataclass
class Usage:
    """A worker's own resource use, from wait4 in bench/measured.py (Linux: KiB)."""

    maxrss_kib: int
    cpu_s: float
    exit: int


@dataclass
class Worker:
    """A `labelscan worker` started through bench/measured.py, so its peak RSS is its own and not
    at least this process's size (Linux keeps ru_maxrss across fork and exec). `pid` is the
    worker itself: signals go to it directly, and its /proc entry is what `MemorySampler` reads."""

    launcher: subprocess.Popen[bytes]
    pid: int
    files: tempfile.TemporaryDirectory[str]

    @property
    def report(self) -> Path:
        return Path(self.files.name) / "usage.json"

    def send_signal(self, sig: int) -> None:
        if self.launcher.poll() is None:
            os.kill(self.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        """Waits for the worker and returns its own exit status (negative: the signal that
        ended it, as with Popen.wait)."""
        self.launcher.wait(timeout)
        usage = self.usage()
        return usage.exit if usage is not None else self.launcher.returncode

    def usage(self) -> Usage | None:
        """None while it runs, or if the launcher itself was killed before writing it."""
        if self.launcher.returncode is None or not self.report.exists():
            return None
        data = json.loads(self.report.read_text(encoding="utf-8"))
        return Usage(int(data["maxrss_kib"]), float(data["cpu_s"]), int(data["exit"]))


def start_worker(settings: Settings) -> Worker:
    command = [str(Path(sys.executable).with_name("labelscan")), "worker", "--threads", "1"]
    files = tempfile.TemporaryDirectory(prefix="labelscan-worker-")
    pid_file = Path(files.name) / "pid"
    report = Path(files.name) / "usage.json"
    launcher = subprocess.Popen(
        [sys.executable, str(MEASURED), str(report), "--pid-file", str(pid_file), "--", *command],
        env=worker_env(settings),
        stdout=subprocess.DEVNULL,
    )
    # The launcher writes the pid once its signal handlers are in place.
    deadline = time.monotonic() + 30
    while not pid_file.exists():
        if launcher.poll() is not None or time.monotonic() > deadline:
            launcher.kill()
            launcher.wait()
            files.cleanup()
            raise RuntimeError(f"the worker launcher did not start (exit {launcher.returncode})")
        time.sleep(0.01)
    return Worker(launcher, int(pid_file.read_text(encoding="utf-8")), files)


def stop_worker(worker: Worker) -> Usage | None:
    """Stops a worker (SIGTERM, then SIGKILL after 20 s) and returns its own resource use (peak
    RSS, CPU time); None if its launcher was killed before it could report."""
    try:
        if worker.launcher.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.launcher.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.send_signal(signal.SIGKILL)
                worker.launcher.wait()
        return worker.usage()
    finally:
        worker.files.cleanup()


class MemorySampler:
    """Reads each worker's VmRSS (resident now) and VmHWM (its peak so far) from /proc every
    `every_s` seconds, so a run shows whether memory grows with the work done or levels off
    (one peak figure cannot tell a leak from a single large moment)."""

    def __init__(self, pids: list[int], every_s: float = 1.0) -> None:
        self.pids = pids
        self.every_s = every_s
        # (seconds since start, pid, VmRSS KiB, VmHWM KiB)
        self.samples: list[tuple[float, int, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._start = 0.0

    def __enter__(self) -> MemorySampler:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()  # the last figures, at the job's end

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def sample(self) -> None:
        at = round(time.monotonic() - self._start, 2)
        for pid in self.pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
            except OSError:  # ended (killed, or stopping)
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            rss, hwm = (int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM"))
            self.samples.append((at, pid, rss, hwm))

    def rss_mb_at(self, fractions: tuple[float, ...]) -> list[float]:
        """The largest worker RSS in the last round of samples taken by each fraction of the run
        (not the peak so far: whether memory is given back matters too)."""
        if not self.samples:
            return []
        end = self.samples[-1][0]
        rounds = sorted({at for at, *_ in self.samples})
        out = []
        for fraction in fractions:
            at = max((t for t in rounds if t <= fraction * end), default=rounds[0])
            out.append(round(max(rss for t, _, rss, _ in self.samples if t == at) / 1024, 1))
        return out


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
    csv_path: Path,
    workers: int = 2,
    *,
    chunk_products: int = 500,
    timeout_s: float = 3600,
    rss_log: Path | None = None,
) -> dict[str, Any]:
    """Rows/s of a job through `workers` workers, their peak RSS (each worker's own) and their
    RSS at 10%, 25%, 50%, 75% and 100% of the run; `rss_log` gets every sample as JSON."""
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
        usages: list[Usage] = []
        try:
            with MemorySampler([p.pid for p in processes]) as sampler:
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
        if rss_log is not None:
            rss_log.write_text(json.dumps(sampler.samples), encoding="utf-8")
        peak_kib = max((u.maxrss_kib for u in usages), default=0)
        cpu_s = sum(u.cpu_s for u in usages)
        return {
            "workers": workers,
            "seconds": round(elapsed, 3),
            "products": job.products_done,
            "rows": job.rows_done,
            "rows_per_s": round(job.rows_done / elapsed, 1),
            "products_per_s": round(job.products_done / elapsed, 1),
            "workers_cpu_s": round(cpu_s, 1),
            "rows_per_worker_cpu_s": round(job.rows_done / cpu_s, 1) if cpu_s else 0.0,
            "peak_worker_rss_mb": round(peak_kib / 1024, 1),
            "worker_rss_mb_at_10_25_50_75_100pct": sampler.rss_mb_at((0.1, 0.25, 0.5, 0.75, 1.0)),
        }


if __name__ == "__main__":
    print(json.dumps(run_queue_benchmark(Path(sys.argv[1])), indent=2))
