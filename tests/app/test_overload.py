"""A full scan pool answers 503 with Retry-After at once instead of queueing without bound."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from app.api.deps import get_scan_fn
from app.main import create_app
from app.metrics import Metrics
from app.services.pool import RETRY_AFTER_MAX_S, WorkerPool, retry_after
from app.settings import Settings
from catalog.models import ScanResult
from tests.app.conftest import assert_problem, make_settings


def _tiny_jpeg() -> bytes:
    # A real JPEG: the route checks each photo's header before the (slow, injected) reader.
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


PART = [("image", ("a.jpg", _tiny_jpeg(), "image/jpeg"))]


def _metric(client: TestClient, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def _app_with_slow_scans(settings: Settings) -> tuple[FastAPI, threading.Event, threading.Event]:
    """The app with a scan that signals `started` and runs until `release` is set.

    The only injected piece in these tests: saturation needs a scan that is still running when
    the next request arrives, which a real photo cannot promise. The pool, the admission
    check, the 503 and the metrics are all real."""
    app = create_app(settings)
    started, release = threading.Event(), threading.Event()

    def slow_scan(photos: Sequence[bytes], engine: str) -> ScanResult:
        started.set()
        release.wait(timeout=30)
        return ScanResult()

    app.dependency_overrides[get_scan_fn] = lambda: slow_scan
    return app, started, release


def test_a_saturated_pool_answers_503_with_retry_after(empty_db: str) -> None:
    settings = make_settings(
        empty_db, scan_workers=1, scan_queue=0, retry_after_s=7, auth_disabled=True
    )
    app, started, release = _app_with_slow_scans(settings)
    with TestClient(app) as client, ThreadPoolExecutor(1) as background:
        first = background.submit(client.post, "/v1/scans", files=PART)
        try:
            assert started.wait(timeout=15), "the first scan never started"
            assert _metric(client, "labelscan_scan_pool_in_use") == 1

            busy = client.post("/v1/scans", files=PART)
            body = assert_problem(busy, 503, "service-busy")
            assert busy.headers["retry-after"] == "7"
            assert "try again" in body["detail"]
            assert _metric(client, "labelscan_scan_pool_rejected_total") == 1
            assert _metric(client, "labelscan_scan_pool_queued") == 0
        finally:
            release.set()
        assert first.result(timeout=30).status_code == 201
        # The slot is free again: the next scan is admitted.
        assert _metric(client, "labelscan_scan_pool_in_use") == 0
        assert client.post("/v1/scans", files=PART).status_code == 201


def _wait_until_queued(client: TestClient, waiting: int) -> None:
    """Gives the background request up to 5 s to reach the pool's queue."""
    for _ in range(100):
        if _metric(client, "labelscan_scan_pool_queued") == waiting:
            return
        threading.Event().wait(0.05)


def test_a_queue_slot_waits_instead_of_failing(empty_db: str) -> None:
    """With one worker and one queue slot, a second scan waits its turn and succeeds."""
    settings = make_settings(empty_db, scan_workers=1, scan_queue=1, auth_disabled=True)
    app, started, release = _app_with_slow_scans(settings)
    with TestClient(app) as client, ThreadPoolExecutor(2) as background:
        first = background.submit(client.post, "/v1/scans", files=PART)
        assert started.wait(timeout=15)
        second = background.submit(client.post, "/v1/scans", files=PART)
        try:
            _wait_until_queued(client, 1)
            assert _metric(client, "labelscan_scan_pool_queued") == 1
            assert_problem(client.post("/v1/scans", files=PART), 503, "service-busy")
        finally:
            release.set()
        assert first.result(timeout=30).status_code == 201
        assert second.result(timeout=30).status_code == 201


def test_retry_after_is_the_backlog_at_the_mean_scan_time(empty_db: str) -> None:
    """One scan running and one waiting on one worker, at the assumed 7 s each (nothing timed
    yet): come back in 14 s, not a fixed figure."""
    settings = make_settings(
        empty_db, scan_workers=1, scan_queue=1, retry_after_s=7, auth_disabled=True
    )
    app, started, release = _app_with_slow_scans(settings)
    with TestClient(app) as client, ThreadPoolExecutor(2) as background:
        first = background.submit(client.post, "/v1/scans", files=PART)
        assert started.wait(timeout=15)
        second = background.submit(client.post, "/v1/scans", files=PART)
        try:
            _wait_until_queued(client, 1)
            busy = client.post("/v1/scans", files=PART)
            assert_problem(busy, 503, "service-busy")
            assert busy.headers["retry-after"] == "14"
        finally:
            release.set()
        assert first.result(timeout=30).status_code == 201
        assert second.result(timeout=30).status_code == 201


def test_a_full_pool_refuses_an_upload_before_reading_it(empty_db: str) -> None:
    """The body here is not even valid multipart: had it been read and parsed first, the answer
    would be a 400 or 422. A 503 means the capacity check came before the body."""
    settings = make_settings(empty_db, scan_workers=1, scan_queue=0, auth_disabled=True)
    app, started, release = _app_with_slow_scans(settings)
    with TestClient(app) as client, ThreadPoolExecutor(1) as background:
        first = background.submit(client.post, "/v1/scans", files=PART)
        try:
            assert started.wait(timeout=15)
            r = client.post(
                "/v1/scans",
                content=b"not multipart at all" * 1000,
                headers={"Content-Type": "multipart/form-data; boundary=x"},
            )
            assert_problem(r, 503, "service-busy")
            assert int(r.headers["retry-after"]) >= 1
            # A small body is read and dropped (not parsed), so the connection stays usable and
            # the client is not reset before it reads the 503.
            assert "connection" not in r.headers
            assert _metric(client, "labelscan_scan_pool_rejected_total") == 1
        finally:
            release.set()
        assert first.result(timeout=30).status_code == 201
        # With the pool free again the same body reaches the parser and is refused there.
        r = client.post(
            "/v1/scans",
            content=b"not multipart at all",
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        assert r.status_code in (400, 422), r.text


def test_retry_after_arithmetic() -> None:
    assert retry_after(running=2, waiting=4, workers=2, mean_job_s=3.0) == 9
    assert retry_after(running=1, waiting=0, workers=1, mean_job_s=0.2) == 1  # at least 1 s
    assert retry_after(running=64, waiting=1000, workers=1, mean_job_s=60) == RETRY_AFTER_MAX_S
    assert retry_after(running=1, waiting=1, workers=2, mean_job_s=2.5) == 3  # rounded up


def test_the_pool_learns_the_mean_job_time() -> None:
    """Real jobs on the real pool: the mean moves from the assumed 5 s to what jobs take."""
    pool = WorkerPool(1, 0, Metrics(), initial_job_s=5.0)

    async def run_jobs() -> None:
        for _ in range(20):
            await pool.run(lambda: time.sleep(0.05))

    try:
        asyncio.run(run_jobs())
    finally:
        pool.shutdown()
    assert 0.04 < pool.mean_job_s < 0.2
    assert pool.retry_after_s() == 1  # nothing running: the next slot is free at once
