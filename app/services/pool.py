"""A bounded pool for OCR work, off the event loop.

OCR holds a core for seconds. Work runs on a fixed number of threads; a few more requests may
wait for one; past that the pool refuses at once (the router answers 503 with Retry-After), so
a burst cannot build a backlog that times every client out and holds every upload in memory.
Slots are released when the work itself ends, not when the waiting request goes away, so a
client that hangs up cannot make the pool admit more work than it has threads for.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from app.metrics import Metrics

T = TypeVar("T")


class PoolSaturatedError(Exception):
    """Every worker is busy and the wait queue is full."""


class WorkerPool:
    def __init__(self, workers: int, queue: int, metrics: Metrics) -> None:
        self.workers = workers
        self.queue = queue
        self._metrics = metrics
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan")
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting
        self._running = 0

    @property
    def capacity(self) -> int:
        return self.workers + self.queue

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
            try:
                return fn()
            finally:
                with self._lock:
                    self._running -= 1
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
