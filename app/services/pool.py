"""A bounded pool for OCR work, off the event loop.

OCR holds a core for seconds. Work runs on a fixed number of threads; a few more requests may
wait for one; past that the pool refuses at once (the router answers 503 with Retry-After), so
a burst cannot build a backlog that times every client out and holds every upload in memory.
Slots are released when the work itself ends, not when the waiting request goes away, so a
client that hangs up cannot make the pool admit more work than it has threads for.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from app.metrics import Metrics

T = TypeVar("T")


# The weight of the newest job in the running mean of job seconds: about the last ten jobs.
_EWMA_WEIGHT = 0.2
RETRY_AFTER_MAX_S = 300


class PoolSaturatedError(Exception):
    """Every worker is busy and the wait queue is full."""


def retry_after(running: int, waiting: int, workers: int, mean_job_s: float) -> int:
    """Seconds until the work in the pool now has drained through its workers: a client told
    to come back then finds a free slot even if everyone it was refused with returns too.
    Whole seconds (the header's unit), at least 1, at most RETRY_AFTER_MAX_S."""
    backlog_s = (running + waiting) * mean_job_s / max(1, workers)
    return max(1, min(RETRY_AFTER_MAX_S, math.ceil(backlog_s)))


class WorkerPool:
    def __init__(
        self, workers: int, queue: int, metrics: Metrics, *, initial_job_s: float = 5.0
    ) -> None:
        self.workers = workers
        self.queue = queue
        # Until a job has been timed, the mean is this guess.
        self.mean_job_s = initial_job_s
        self._metrics = metrics
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan")
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting
        self._running = 0

    @property
    def capacity(self) -> int:
        return self.workers + self.queue

    def full(self) -> bool:
        """No slot free now (a check before reading an upload; `run` checks again)."""
        with self._lock:
            return self._admitted >= self.capacity

    def rejected(self) -> None:
        """Counts a refusal made before `run` (the upload was not even read)."""
        self._metrics.pool_rejected.inc()

    def retry_after_s(self) -> int:
        with self._lock:
            return retry_after(
                self._running, self._admitted - self._running, self.workers, self.mean_job_s
            )

    def stats(self) -> tuple[int, int]:
        """(running, waiting)."""
        with self._lock:
            return self._running, self._admitted - self._running

    def _publish(self) -> None:
        running, waiting = self._running, self._admitted - self._running
        self._metrics.pool_in_use.set(running)
        self._metrics.pool_queued.set(waiting)

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                self._metrics.pool_rejected.inc()
                raise PoolSaturatedError(
                    f"{self._running} scans running and {self._admitted - self._running} waiting"
                )
            self._admitted += 1
            self._publish()

    def _release(self, _future: object) -> None:
        with self._lock:
            self._admitted -= 1
            self._publish()

    def _wrap(self, fn: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            with self._lock:
                self._running += 1
                self._publish()
            start = time.perf_counter()
            try:
                return fn()
            finally:
                elapsed = time.perf_counter() - start
                with self._lock:
                    self._running -= 1
                    self.mean_job_s += _EWMA_WEIGHT * (elapsed - self.mean_job_s)
                    self._publish()

        return run

    async def run(self, fn: Callable[[], T]) -> T:
        """Runs `fn` on a worker thread; raises PoolSaturatedError when no slot is free."""
        self._admit()
        try:
            future = self._executor.submit(self._wrap(fn))
        except BaseException:
            self._release(None)
            raise
        # Called when the work ends or, if it never started, when it is cancelled.
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
