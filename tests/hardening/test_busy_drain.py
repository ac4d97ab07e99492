"""A refused scan's body is read and dropped up to a bound; past the upload limit it is left
unread and the connection is closed (a 503 either way, never a 413 or a 500)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.app.conftest import assert_problem, make_settings
from tests.app.test_overload import PART, _app_with_slow_scans
from tests.hardening.conftest import migrated_sqlite

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

UPLOAD_LIMIT = 100_000


def test_a_refused_body_over_the_upload_limit_is_not_read(tmp_path: Path) -> None:
    settings = make_settings(
        migrated_sqlite(tmp_path), scan_workers=1, scan_queue=0, auth_disabled=True,
        max_upload_bytes=UPLOAD_LIMIT,
    )  # fmt: skip
    app, started, release = _app_with_slow_scans(settings)
    body = b"x" * (2 * UPLOAD_LIMIT)

    def chunks() -> Iterator[bytes]:  # no Content-Length: only counting can tell the size
        for n in range(0, len(body), 10_000):
            yield body[n : n + 10_000]

    with TestClient(app) as client, ThreadPoolExecutor(1) as background:
        first = background.submit(client.post, "/v1/scans", files=PART)
        try:
            assert started.wait(timeout=15)
            small = client.post(
                "/v1/scans", content=b"y" * 1000,
                headers={"Content-Type": "multipart/form-data; boundary=x"},
            )  # fmt: skip
            big = client.post(
                "/v1/scans", content=chunks(),
                headers={"Content-Type": "multipart/form-data; boundary=x"},
            )  # fmt: skip
        finally:
            release.set()
        assert first.result(timeout=30).status_code == 201
    assert_problem(small, 503, "service-busy")
    assert "connection" not in small.headers
    assert_problem(big, 503, "service-busy")
    assert big.headers["connection"] == "close"
