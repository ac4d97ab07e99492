"""A full scan pool answers 503 with Retry-After before reading the upload. Against the real
server, clients must actually receive that answer, not a reset connection. Found by
bench/overload.py: about one refused scan in eight ended in a client-side ReadError (the
server closed the connection with the request body unread, and the kernel's reset discarded
the 503 on its way)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from bench.overload import LiveServer, live_server, run_load, synthetic_photos
from tests.hardening.hostile import jpeg

# A small valid JPEG padded to the size of a phone photo (it decodes to 64 x 48 pixels).
PHOTO = jpeg() + bytes(500_000)
SECONDS = 10.0
CLIENTS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "LABELSCAN_SCAN_WORKERS": "1",
        "LABELSCAN_SCAN_QUEUE": "0",
        "LABELSCAN_RATE_LIMIT": "",
        "LABELSCAN_SCAN_RATE_LIMIT": "",
    }
    with live_server(tmp_path_factory.mktemp("busy"), env) as running:
        yield running


def _in_use(server: LiveServer) -> float:
    for line in httpx.get(server.base_url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("labelscan_scan_pool_in_use "):
            return float(line.split()[1])
    raise AssertionError("labelscan_scan_pool_in_use not in /metrics")


def test_busy_pool_refusals_reach_clients_mid_upload(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    panel = synthetic_photos(tmp_path_factory.mktemp("photo"), 1)[0]
    first: list[httpx.Response] = []

    def occupy() -> None:  # a real scan: seconds of OCR on the only worker
        files = {"image": ("panel.jpg", panel, "image/jpeg")}
        auth = {"Authorization": f"Bearer {server.keys[0]}"}
        first.append(httpx.post(server.base_url + "/v1/scans", files=files, headers=auth,
                                timeout=120))  # fmt: skip

    worker = threading.Thread(target=occupy)
    worker.start()
    deadline = time.monotonic() + 30
    while _in_use(server) < 1:
        assert time.monotonic() < deadline, "the first scan never started"
        time.sleep(0.05)
    load = run_load(server, SECONDS, 0, CLIENTS, [PHOTO])
    worker.join(timeout=120)
    scans = load.kinds["scan"]
    assert not scans.transport_errors and scans.hangs == 0, scans
    assert scans.answered == scans.sent
    assert scans.statuses[503] > 0, scans.statuses  # the pool was full
    # Whenever the one worker was free between two refusals, a padded photo was read.
    assert set(scans.statuses) <= {201, 503}, scans.statuses
    assert scans.retry_after_missing == 0
    assert first and first[0].status_code == 201, first
