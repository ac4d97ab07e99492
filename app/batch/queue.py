"""Who runs batch tasks: threads inside the service (no setup), or dramatiq workers on Redis.

In-process: a small thread pool; on start it resumes every unfinished job from the database,
since a restart loses whatever the threads were doing. Queue (a Redis URL is set): tasks are
dramatiq messages; `labelscan worker` processes on any machine that reaches Redis and the
database run them. dramatiq acknowledges a message only after the task returns, and a worker's
unacknowledged messages go back to the queue once its heartbeat stops (a killed worker), so the
database, not the worker, holds the truth about which chunks are done.
"""

from __future__ import annotations

import gc
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.batch.jobs import Enqueue, JobConfig, StopRequestedError, Task, run_task
from app.batch.reader import CsvLimits
from app.db.session import make_engine
from app.logs import get_logger
from app.repositories import batches as repo
from app.settings import Settings

log = get_logger(__name__)

QUEUE_NAME = "labelscan-batch"
ACTOR_NAME = "labelscan_batch_task"
# A chunk is a few hundred products; an hour is a hung worker, not a slow one.
TIME_LIMIT_MS = 3_600_000
# Retries are for outages (database, Redis); a task that fails otherwise fails its job.
MAX_RETRIES = 5


class Runner(Protocol):
    kind: str

    def submit(self, task: Task) -> None: ...

    def close(self) -> None: ...


def job_config(settings: Settings) -> JobConfig:
    return JobConfig(
        limits=CsvLimits(max_bytes=settings.max_batch_bytes),
        max_attempts=settings.batch_max_attempts,
    )


class InProcessRunner:
    kind = "in-process"

    def __init__(self, engine: Engine, config: JobConfig, threads: int) -> None:
        self._engine = engine
        self._config = config
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="batch")

    def submit(self, task: Task) -> None:
        if not self._stop.is_set():
            self._pool.submit(self._run, task)

    def _run(self, task: Task) -> None:
        try:
            run_task(self._engine, self._config, task, self.submit, self._stop)
        except StopRequestedError:
            log.info("batch_task_interrupted", job_id=task.job_id, chunk=task.chunk)
        except Exception:
            # The database is unreachable: the job stays unfinished and the next start
            # resumes it.
            log.exception("batch_task_error", job_id=task.job_id, chunk=task.chunk)

    def resume_in_background(self, retry_s: float = 5.0) -> None:
        """Resumes unfinished jobs off the start-up path: the service must start (and answer
        503 from its probes) while the database is down, and resume once it is back."""

        def attempt() -> None:
            while not self._stop.is_set():
                try:
                    self.resume()
                except OperationalError:
                    log.warning("batch_resume_waiting_for_database", retry_s=retry_s)
                    self._stop.wait(retry_s)
                else:
                    return

        self._pool.submit(attempt)

    def resume(self) -> int:
        """Plans again every job a previous process left unfinished; returns how many."""
        with Session(self._engine) as session:
            job_ids = repo.unfinished_job_ids(session)
        for job_id in job_ids:
            self.submit(Task(job_id))
        if job_ids:
            log.info("batch_jobs_resumed", count=len(job_ids))
        return len(job_ids)

    def close(self) -> None:
        # A chunk being scored stops at its next product, uncommitted: redone on resume.
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_broker(settings: Settings) -> RedisBroker:
    if not settings.redis_url:
        raise ValueError("the batch queue needs a Redis URL (LABELSCAN_REDIS_URL or REDIS_URL)")
    return RedisBroker(  # type: ignore[no-untyped-call]
        url=settings.redis_url,
        namespace=settings.batch_queue_namespace,
        heartbeat_timeout=settings.batch_heartbeat_timeout_ms,
        maintenance_chance=settings.batch_maintenance_chance,
    )


def declare_actor(broker: RedisBroker, perform: Any) -> dramatiq.Actor[Any, Any]:
    declare = dramatiq.actor(
        broker=broker,
        actor_name=ACTOR_NAME,
        queue_name=QUEUE_NAME,
        max_retries=MAX_RETRIES,
        min_backoff=1000,
        max_backoff=60_000,
        time_limit=TIME_LIMIT_MS,
    )
    return declare(perform)


def _not_here(job_id: str, chunk: int | None) -> None:  # pragma: no cover - never called
    raise RuntimeError("batch tasks run on `labelscan worker`, not in the service")


class QueueRunner:
    """The producing side: the service (and a worker, for the chunks a plan makes)."""

    kind = "queue"

    def __init__(self, broker: RedisBroker, perform: Any = _not_here) -> None:
        self.broker = broker
        self._actor = declare_actor(broker, perform)

    def submit(self, task: Task) -> None:
        self._actor.send(task.job_id, task.chunk)

    def close(self) -> None:
        self.broker.close()


def start_runner(settings: Settings, engine: Engine) -> Runner:
    """The runner the service uses: the queue when a Redis URL is set, else threads (which
    resume the jobs a previous run left unfinished)."""
    if settings.redis_url:
        return QueueRunner(make_broker(settings))
    runner = InProcessRunner(engine, job_config(settings), settings.batch_threads)
    runner.resume_in_background()
    return runner


def run_worker(settings: Settings, threads: int, stop: threading.Event | None = None) -> None:
    """`labelscan worker`: runs batch tasks from the queue until SIGTERM/SIGINT (or `stop`)."""
    engine = make_engine(settings.database_url)
    broker = make_broker(settings)
    config = job_config(settings)
    stop = stop or threading.Event()

    def perform(job_id: str, chunk: int | None) -> None:
        run_task(engine, config, Task(job_id, chunk), enqueue, stop)

    runner = QueueRunner(broker, perform)
    enqueue: Enqueue = runner.submit
    worker = dramatiq.Worker(broker, queues={QUEUE_NAME}, worker_threads=threads)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    # What start-up made (libraries, the catalog: about 140k objects) lives as long as the
    # worker. Frozen, it is left out of full collections, which then come after far fewer new
    # objects and walk only what tasks made: the reference cycles a chunk leaves behind are
    # freed within a few chunks instead of piling up for hundreds.
    gc.collect()
    gc.freeze()
    worker.start()
    log.info("batch_worker_started", threads=threads, queue=QUEUE_NAME)
    try:
        stop.wait()
    finally:
        # Unfinished messages are handed back to Redis for other workers.
        worker.stop(timeout=10_000)
        broker.close()
        engine.dispose()
        log.info("batch_worker_stopped")
