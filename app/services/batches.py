"""Batch jobs for the API: an upload is hashed, checked, stored and queued; progress and results
are read back from the database. Sync code: the routes run it on a worker thread."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import Engine
from sqlmodel import Session

from app.batch.jobs import Task, row_from_stored
from app.batch.output import csv_writer, jsonl_writer
from app.batch.queue import Runner
from app.batch.reader import CsvFormatError, CsvLimits, read_products
from app.db.models import BatchJob, BatchUpload
from app.problems import NotFoundError, PayloadTooLargeError, ProblemError
from app.repositories import batches as repo
from app.schemas.batches import BatchError, BatchJobOut, BatchLinks, ResultFormat
from app.services.auth import Principal
from app.services.products import aware
from catalog.profile import Profile

PART_BYTES = 1 << 20  # read, hashed and stored 1 MiB at a time
_FLUSH_CHARS = 1 << 16  # a download is sent in pieces of about this size


class BatchFileError(ProblemError):
    """The file is no product CSV we can read (`code` from the reader: not_text, no_header,
    unknown_layout, too_many_columns, field_too_large, ...)."""

    status = 422
    slug = "invalid-batch-file"
    title = "Unusable product CSV"

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class BatchNotReadyError(ProblemError):
    status = 409
    slug = "batch-not-ready"
    title = "The batch job has no results to download"


@dataclass(frozen=True)
class Submitted:
    job: BatchJob
    size: int
    duplicate: bool


def hash_upload(src: BinaryIO, max_bytes: int) -> tuple[str, int]:
    """SHA-256 and size of the upload, read a part at a time and refused past `max_bytes`."""
    digest, size = hashlib.sha256(), 0
    while part := src.read(PART_BYTES):
        size += len(part)
        if size > max_bytes:
            raise PayloadTooLargeError(f"the file is over the limit of {max_bytes} bytes")
        digest.update(part)
    return digest.hexdigest(), size


def check_csv(src: BinaryIO, limits: CsvLimits) -> None:
    """Reads up to the first product: an unusable file (binary, no header, unknown layout) is
    refused now; a cap hit further down fails the job when it is read through."""
    try:
        next(iter(read_products(src, limits=limits)), None)
    except CsvFormatError as exc:
        raise BatchFileError(exc.code, str(exc)) from exc


def _parts(src: BinaryIO) -> Iterator[bytes]:
    while part := src.read(PART_BYTES):
        yield part


def profile_key(profile: Profile | None) -> tuple[dict[str, Any], str]:
    data = profile.model_dump(mode="json") if profile else {}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return data, hashlib.sha256(canonical.encode()).hexdigest()


def submit(
    session: Session,
    runner: Runner,
    src: BinaryIO,
    *,
    filename: str | None,
    fmt: ResultFormat,
    profile: Profile | None,
    who: Principal,
    max_bytes: int,
    chunk_products: int,
) -> Submitted:
    """Stores the upload (once per content) and queues a job; the same file sent again by the
    same caller for the same profile gets the job it already has, unless that one failed."""
    sha256, size = hash_upload(src, max_bytes)
    data, key = profile_key(profile)
    same = repo.find_same_job(session, sha256, who.name, key)
    if same is not None:
        return Submitted(same, size, duplicate=True)
    if not repo.upload_exists(session, sha256):
        src.seek(0)
        check_csv(src, CsvLimits(max_bytes=max_bytes))
        src.seek(0)
        repo.store_upload(session, sha256, size, _parts(src))
    job = repo.add_job(
        session,
        BatchJob(
            id="b-" + uuid.uuid4().hex[:20],
            sha256=sha256,
            filename=(filename or None) and filename[-255:],
            format=fmt,
            profile=data,
            profile_key=key,
            state=repo.QUEUED,
            chunk_size=chunk_products,
            created_by=who.name,
        ),
    )
    runner.submit(Task(job.id))
    return Submitted(job, size, duplicate=False)


def get_job(session: Session, job_id: str, who: Principal) -> BatchJob:
    """The job if this caller may see it: its creator, or any reviewer. Others get the same
    404 as for an unknown id, so ids cannot be probed."""
    job = repo.get_job(session, job_id)
    if job is None or not (who.can("reviewer") or job.created_by == who.name):
        raise NotFoundError(f"no batch job {job_id!r}")
    return job


def upload_size(session: Session, sha256: str) -> int:
    upload = session.get(BatchUpload, sha256)
    return upload.size if upload else 0


def describe(job: BatchJob, size: int, *, duplicate: bool = False) -> BatchJobOut:
    total = job.products_total
    progress = None
    if total is not None:
        progress = 1.0 if total == 0 else round(min(job.products_done / total, 1.0), 4)
    error = None
    if job.error_code:
        error = BatchError(code=job.error_code, reason=job.error_reason or job.error_code)
    base = f"/v1/batches/{job.id}"
    return BatchJobOut(
        id=job.id,
        state=job.state,
        filename=job.filename,
        sha256=job.sha256,
        size=size,
        format=job.format,
        products_total=total,
        products_done=job.products_done,
        rows_done=job.rows_done,
        errors=job.errors,
        progress=progress,
        attempt=job.attempt,
        duplicate=duplicate,
        error=error,
        created_by=job.created_by,
        created_at=aware(job.created_at),
        started_at=aware(job.started_at) if job.started_at else None,
        finished_at=aware(job.finished_at) if job.finished_at else None,
        links=BatchLinks(self=base, results=base + "/results"),
    )


def ready_for_download(job: BatchJob) -> None:
    if job.state == repo.DONE:
        return
    if job.state == repo.FAILED:
        raise BatchNotReadyError(
            f"batch job {job.id} failed ({job.error_code}: {job.error_reason}); it has no results"
        )
    raise BatchNotReadyError(
        f"batch job {job.id} is {job.state} ({job.products_done} of "
        f"{job.products_total if job.products_total is not None else '?'} products); "
        "poll it and download when its state is done"
    )


def results(engine: Engine, job_id: str, fmt: ResultFormat) -> Iterator[str]:
    """The job's rows in file order, written by app.batch.output, in pieces."""
    buffer = io.StringIO()
    writer = csv_writer(buffer) if fmt == "csv" else jsonl_writer(buffer)
    for data in repo.result_rows(engine, job_id):
        writer.write(row_from_stored(data))
        if buffer.tell() >= _FLUSH_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.close()
    yield buffer.getvalue()
