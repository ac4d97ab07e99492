"""Every query about batch uploads, jobs, chunks and results.

Counters move with SQL expressions (`products_done = products_done + n`) and a chunk is marked
done with a conditional UPDATE, so two workers finishing chunks at once, or one redoing a chunk
another already committed, can neither lose a count nor write a product twice."""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, exists, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db.models import (
    BatchChunk,
    BatchJob,
    BatchResult,
    BatchUpload,
    BatchUploadPart,
    utcnow,
)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
UNFINISHED = (QUEUED, RUNNING)
WORKER = f"{socket.gethostname()}:{os.getpid()}"[:100]


# --- uploads ---------------------------------------------------------------------------------


def upload_exists(session: Session, sha256: str) -> bool:
    return session.get(BatchUpload, sha256) is not None


def store_upload(session: Session, sha256: str, size: int, parts: Iterable[bytes]) -> bool:
    """Writes the upload's parts and commits; False if the same bytes were stored meanwhile
    (two identical uploads racing: the first one wins, the second reuses it)."""
    try:
        session.add(BatchUpload(sha256=sha256, size=size, parts=0))
        session.flush()
        count = 0
        for count, data in enumerate(parts, start=1):
            session.add(BatchUploadPart(sha256=sha256, part=count - 1, data=data))
            session.flush()  # one part in memory at a time
            session.expunge_all()
        session.execute(
            update(BatchUpload).where(col(BatchUpload.sha256) == sha256).values(parts=count)
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


class _UploadReader(io.RawIOBase):
    """The stored upload as a file, one part fetched at a time (one short query each), from
    `start` part at `offset` bytes into it."""

    def __init__(
        self, engine: Engine, sha256: str, parts: int, start: int = 0, offset: int = 0
    ) -> None:
        self._engine = engine
        self._sha256 = sha256
        self._parts = parts
        self._next = start
        self._buffer = b""
        self._pos = 0
        if offset:
            self._buffer = self._part(start)
            self._next, self._pos = start + 1, offset

    def _part(self, part: int) -> bytes:
        with Session(self._engine) as session:
            data: bytes = session.exec(
                select(col(BatchUploadPart.data)).where(
                    col(BatchUploadPart.sha256) == self._sha256,
                    col(BatchUploadPart.part) == part,
                )
            ).one()
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        # The part (1 MiB) goes with the close, not with this object: a product reader that
        # stops mid-file is left in a reference cycle, freed only by a full garbage collection,
        # which a worker with a large heap runs rarely; each chunk would leave a part behind.
        self._buffer = b""
        super().close()

    def readinto(self, target: Any) -> int:
        view = memoryview(target).cast("B")
        while self._pos >= len(self._buffer):
            if self._next >= self._parts:
                return 0
            self._buffer = self._part(self._next)
            self._next += 1
            self._pos = 0
        n = min(len(view), len(self._buffer) - self._pos)
        view[:n] = self._buffer[self._pos : self._pos + n]
        self._pos += n
        return n


def open_upload(engine: Engine, sha256: str, offset: int = 0) -> io.BufferedReader:
    """The upload as a file standing at byte `offset`: the parts before it are skipped by
    their lengths, never fetched."""
    with Session(engine) as session:
        upload = session.get(BatchUpload, sha256)
        if upload is None:
            raise LookupError(f"no stored upload {sha256}")
        parts = upload.parts
        start = 0
        if offset:
            sizes = session.exec(
                select(col(BatchUploadPart.part), func.length(col(BatchUploadPart.data)))
                .where(col(BatchUploadPart.sha256) == sha256)
                .order_by(col(BatchUploadPart.part))
            )
            start, rest = parts, 0  # at or past the end, unless a part holds the offset
            for part, size in sizes:
                if offset < size:
                    start, rest = part, offset
                    break
                offset -= size
            offset = rest
    raw = _UploadReader(engine, sha256, parts, start, offset)
    return io.BufferedReader(raw, buffer_size=1 << 16)


# --- jobs ------------------------------------------------------------------------------------


def add_job(session: Session, job: BatchJob) -> BatchJob:
    session.add(job)
    session.commit()
    return job


def get_job(session: Session, job_id: str) -> BatchJob | None:
    return session.get(BatchJob, job_id, populate_existing=True)


def find_same_job(
    session: Session, sha256: str, created_by: str | None, profile_key: str
) -> BatchJob | None:
    """The newest job that is not failed for the same bytes, caller and profile."""
    job: BatchJob | None = session.exec(
        select(BatchJob)
        .where(
            col(BatchJob.sha256) == sha256,
            col(BatchJob.created_by) == created_by,
            col(BatchJob.profile_key) == profile_key,
            col(BatchJob.state) != FAILED,
        )
        .order_by(col(BatchJob.created_at).desc())
        .limit(1)
    ).first()
    return job


def unfinished_job_ids(session: Session) -> list[str]:
    rows = session.exec(
        select(col(BatchJob.id))
        .where(col(BatchJob.state).in_(UNFINISHED))
        .order_by(col(BatchJob.created_at))
    )
    return list(rows)


def start_job(session: Session, job_id: str) -> BatchJob | None:
    """Counts one more (re)start of an unfinished job; None if it is finished already."""
    job = get_job(session, job_id)
    if job is None or job.state not in UNFINISHED:
        return None
    job.attempt += 1
    job.state = RUNNING
    job.started_at = job.started_at or utcnow()
    session.commit()
    return job


def fail_job(session: Session, job_id: str, code: str, reason: str) -> None:
    session.execute(
        update(BatchJob)
        .where(col(BatchJob.id) == job_id, col(BatchJob.state).in_(UNFINISHED))
        .values(state=FAILED, error_code=code, error_reason=reason[:500], finished_at=utcnow())
    )
    session.commit()


def finish_if_complete(session: Session, job_id: str) -> bool:
    """Marks a planned job done when no chunk is left. Every worker calls this after committing
    its own chunk, so the last commit, whoever made it, sees all the others."""
    pending = exists().where(col(BatchChunk.job_id) == job_id, col(BatchChunk.done).is_(False))
    result = session.execute(
        update(BatchJob)
        .where(
            col(BatchJob.id) == job_id,
            col(BatchJob.state) == RUNNING,
            col(BatchJob.products_total).is_not(None),
            ~pending,
        )
        .values(state=DONE, finished_at=utcnow())
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- chunks ----------------------------------------------------------------------------------


def plan_chunks(
    session: Session,
    job_id: str,
    total: int,
    chunk_size: int,
    resumes: Sequence[dict[str, Any] | None] = (),
) -> bool:
    """Cuts the job into chunks of `chunk_size` products, chunk i starting at `resumes[i]`
    when given; False if it was planned already."""
    if session.execute(
        select(col(BatchChunk.idx)).where(col(BatchChunk.job_id) == job_id).limit(1)
    ).first():
        return False
    try:
        for idx, start in enumerate(range(0, total, chunk_size)):
            stop = min(start + chunk_size, total)
            resume = resumes[idx] if idx < len(resumes) else None
            session.add(
                BatchChunk(job_id=job_id, idx=idx, start_seq=start, stop_seq=stop, resume=resume)
            )
        session.execute(
            update(BatchJob).where(col(BatchJob.id) == job_id).values(products_total=total)
        )
        session.commit()
    except IntegrityError:  # planned by another worker at the same moment
        session.rollback()
        return False
    return True


def pending_chunks(session: Session, job_id: str) -> list[int]:
    rows = session.exec(
        select(col(BatchChunk.idx))
        .where(col(BatchChunk.job_id) == job_id, col(BatchChunk.done).is_(False))
        .order_by(col(BatchChunk.idx))
    )
    return list(rows)


def claim_chunk(session: Session, job_id: str, idx: int) -> BatchChunk | None:
    """Counts a start of the chunk; None if it is done (a redelivered message) or unknown."""
    session.execute(
        update(BatchChunk)
        .where(
            col(BatchChunk.job_id) == job_id,
            col(BatchChunk.idx) == idx,
            col(BatchChunk.done).is_(False),
        )
        .values(attempt=BatchChunk.attempt + 1, claimed_by=WORKER)
    )
    session.commit()
    chunk = session.get(BatchChunk, (job_id, idx), populate_existing=True)
    return None if chunk is None or chunk.done else chunk


def complete_chunk(
    session: Session,
    job_id: str,
    idx: int,
    rows: Sequence[dict[str, Any]],
    *,
    records: int,
    errors: int,
) -> bool:
    """The chunk's rows, its done mark and the job's counters in one transaction. False (and
    nothing written) if another worker committed this chunk first."""
    marked = session.execute(
        update(BatchChunk)
        .where(
            col(BatchChunk.job_id) == job_id,
            col(BatchChunk.idx) == idx,
            col(BatchChunk.done).is_(False),
        )
        .values(done=True)
    )
    if not marked.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        return False
    try:
        session.add(BatchResult(job_id=job_id, chunk=idx, rows=list(rows)))
        session.execute(
            update(BatchJob)
            .where(col(BatchJob.id) == job_id)
            .values(
                products_done=BatchJob.products_done + len(rows),
                rows_done=BatchJob.rows_done + records,
                errors=BatchJob.errors + errors,
            )
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def chunk_count(session: Session, job_id: str) -> int:
    return session.exec(
        select(func.count()).select_from(BatchChunk).where(col(BatchChunk.job_id) == job_id)
    ).one()


def result_rows(engine: Engine, job_id: str) -> Iterator[dict[str, Any]]:
    """The job's rows in product order, one chunk in memory at a time."""
    with Session(engine) as session:
        chunks = list(
            session.exec(
                select(col(BatchResult.chunk))
                .where(col(BatchResult.job_id) == job_id)
                .order_by(col(BatchResult.chunk))
            )
        )
    for idx in chunks:
        with Session(engine) as session:
            rows = session.exec(
                select(col(BatchResult.rows)).where(
                    col(BatchResult.job_id) == job_id, col(BatchResult.chunk) == idx
                )
            ).one()
        yield from rows
