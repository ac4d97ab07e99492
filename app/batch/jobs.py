"""The work of a batch job, the same for every runner (threads in the service, queue workers).

A job is one `plan` task, then one task per chunk of products. Every task can run twice, late
or at the same time as another copy (a redelivered message, a resume after a restart): planning
is idempotent, a finished chunk is skipped, and a chunk's rows are committed with its done mark
in one transaction (app.repositories.batches), so each product gets exactly one output row.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.batch.reader import CsvFormatError, CsvLimits, Plan, Resume, plan_chunks, read_products
from app.batch.scoring import OutputRow, score_product
from app.logs import get_logger
from app.repositories import batches as repo
from catalog.profile import Profile

log = get_logger(__name__)


@dataclass(frozen=True)
class Task:
    job_id: str
    chunk: int | None = None  # None: plan the job (count its products, cut it into chunks)


Enqueue = Callable[[Task], None]


@dataclass(frozen=True)
class JobConfig:
    limits: CsvLimits = field(default_factory=CsvLimits)
    # Starts of one job or chunk before it is failed: a file that kills its worker every time
    # (memory, a crash in a library) must end as "failed, because ...", not loop for ever.
    max_attempts: int = 3


class StopRequestedError(Exception):
    """The runner is shutting down: the chunk is dropped uncommitted and redone later."""


def run_task(
    engine: Engine,
    config: JobConfig,
    task: Task,
    enqueue: Enqueue,
    stop: threading.Event | None = None,
) -> None:
    """Runs one task. A database outage propagates (the queue retries it; in the service the
    job is resumed on the next start); any other error fails the job with its reason."""
    try:
        if task.chunk is None:
            plan_job(engine, config, task.job_id, enqueue)
        else:
            run_chunk(engine, config, task.job_id, task.chunk, stop)
    except (OperationalError, StopRequestedError):
        raise
    except Exception as exc:
        log.exception("batch_task_failed", job_id=task.job_id, chunk=task.chunk)
        _fail(engine, task.job_id, "internal_error", f"scoring stopped: {type(exc).__name__}")


def _fail(engine: Engine, job_id: str, code: str, reason: str) -> None:
    log.warning("batch_job_failed", job_id=job_id, code=code, reason=reason)
    with Session(engine, expire_on_commit=False) as session:
        repo.fail_job(session, job_id, code, reason)


_STORED_FIELDS = tuple(f.name for f in dataclasses.fields(OutputRow))


def stored_row(row: OutputRow) -> dict[str, Any]:
    """An output row as stored: all its fields, so a download rebuilds it exactly and goes
    through the same writers (and formula guard) as the command line. What dataclasses.asdict
    gives (the fields hold strings, numbers and tuples of them, which its deep copy would only
    copy as they are), at a twentieth of its cost: 24 -> 1.1 us a product."""
    return {name: getattr(row, name) for name in _STORED_FIELDS}


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def row_from_stored(data: dict[str, Any]) -> OutputRow:
    return OutputRow(**{k: _tuples(v) for k, v in data.items()})


def plan_products(engine: Engine, sha256: str, limits: CsvLimits, chunk_size: int) -> Plan:
    """Reads the whole file once without scoring: the total makes progress a fraction, a file
    broken further down fails here, before any worker scores a row of it, and each chunk learns
    where its products start, so it reads only those (not the file up to them)."""
    with repo.open_upload(engine, sha256) as src:
        return plan_chunks(src, limits, chunk_size)


def plan_job(engine: Engine, config: JobConfig, job_id: str, enqueue: Enqueue) -> None:
    with Session(engine, expire_on_commit=False) as session:
        job = repo.start_job(session, job_id)
        if job is None:
            return
        planned = repo.chunk_count(session, job_id) > 0 or job.products_total is not None
    if job.attempt > config.max_attempts:
        _fail(
            engine,
            job_id,
            "too_many_restarts",
            f"the job was started {job.attempt - 1} times without finishing; it is not retried",
        )
        return
    if not planned:
        try:
            plan = plan_products(engine, job.sha256, config.limits, job.chunk_size)
        except CsvFormatError as exc:
            _fail(engine, job_id, exc.code, str(exc))
            return
        resumes = [r.to_json() for r in plan.starts]
        with Session(engine, expire_on_commit=False) as session:
            repo.plan_chunks(session, job_id, plan.total, job.chunk_size, resumes)
    with Session(engine, expire_on_commit=False) as session:
        pending = repo.pending_chunks(session, job_id)
        if not pending:
            repo.finish_if_complete(session, job_id)  # an empty file, or all done before a crash
    log.info("batch_job_planned", job_id=job_id, chunks=len(pending), attempt=job.attempt)
    for idx in pending:
        enqueue(Task(job_id, idx))


def run_chunk(
    engine: Engine,
    config: JobConfig,
    job_id: str,
    idx: int,
    stop: threading.Event | None = None,
) -> bool:
    """Scores products [start_seq, stop_seq) of the file and commits them; True if this call
    committed the chunk (False: finished before, by this or another worker, or job over)."""
    with Session(engine, expire_on_commit=False) as session:
        job = repo.get_job(session, job_id)
        if job is None or job.state != repo.RUNNING:
            return False
        chunk = repo.claim_chunk(session, job_id, idx)
    if chunk is None:
        return False
    if chunk.attempt > config.max_attempts:
        _fail(
            engine,
            job_id,
            "worker_lost",
            f"products {chunk.start_seq}-{chunk.stop_seq - 1} were started {chunk.attempt - 1} "
            "times and never finished (the worker died each time)",
        )
        return False
    profile = Profile.model_validate(job.profile) if job.profile else None
    rows: list[dict[str, Any]] = []
    records = errors = 0
    # A chunk planned with its start seeks there; one planned before starts were recorded
    # reads from the start of the file and skips the products before it.
    resume = Resume.from_json(chunk.resume) if chunk.resume else None
    with repo.open_upload(engine, job.sha256, resume.offset if resume else 0) as src:
        for item in read_products(src, limits=config.limits, resume=resume):
            if item.seq < chunk.start_seq:
                continue  # earlier chunks' products: read, not scored
            if item.seq >= chunk.stop_seq:
                break
            if stop is not None and stop.is_set():
                raise StopRequestedError(job_id)
            row = score_product(item, profile)
            rows.append(stored_row(row))
            records += item.rows
            errors += row.error is not None
    with Session(engine, expire_on_commit=False) as session:
        committed = repo.complete_chunk(session, job_id, idx, rows, records=records, errors=errors)
    with Session(engine, expire_on_commit=False) as session:
        if repo.finish_if_complete(session, job_id):
            log.info("batch_job_done", job_id=job_id)
    return committed
