"""Hostile files through `POST /v1/scans` on the production app (auth on): each gets its
documented status and problem type, fast, and none is decoded (the process's resident memory
stays within a small bound while the request runs)."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import assert_problem
from tests.hardening.conftest import Service, make_service
from tests.hardening.hostile import HOSTILE, Hostile, jpeg

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice about its test client's transport
    from fastapi.testclient import TestClient

# A refusal is a header parse: well under a second even on two busy cores.
MAX_SECONDS = 3.0
# Decoding any of the bombs would take from 400 MB (20000 x 20000 x 1 byte) up; a refusal
# allocates next to nothing. The bound leaves room for the request itself and the allocator.
MAX_RSS_GROWTH_MB = 60.0
# Small limits, so that the oversized cases stay small too.
MAX_IMAGE_BYTES = 2_000_000
MAX_UPLOAD_BYTES = 3_000_000


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@contextmanager
def peak_rss_growth() -> Iterator[list[float]]:
    """Samples this process's RSS every 2 ms while the block runs; yields a list whose one
    element is, afterwards, the peak growth in MB over the RSS at the start."""
    baseline = _rss_mb()
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], _rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    result = [0.0]
    try:
        yield result
    finally:
        done.set()
        thread.join()
        result[0] = max(peak[0], _rss_mb()) - baseline


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Service]]:
    service = make_service(
        tmp_path_factory.mktemp("hostile"),
        max_image_bytes=MAX_IMAGE_BYTES,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        # These tests send dozens of scans from one key; the rate limit has its own test.
        scan_rate_limit="",
        rate_limit="",
    )
    with TestClient(service.app) as c:
        yield c, service


@pytest.mark.parametrize("case", HOSTILE, ids=[h.name for h in HOSTILE])
def test_a_hostile_photo_is_refused_with_its_status(
    client: tuple[TestClient, Service], case: Hostile
) -> None:
    http, service = client
    data = case.make()
    files = [("image", (f"{case.name}.bin", data, case.content_type))]
    started = time.perf_counter()
    with peak_rss_growth() as growth:
        response = http.post("/v1/scans", files=files, headers=service.auth())
    elapsed = time.perf_counter() - started
    body = assert_problem(response, case.status, case.slug)
    assert body["detail"], "a refusal says why"
    assert elapsed < MAX_SECONDS, f"{case.name} took {elapsed:.2f} s"
    assert growth[0] < MAX_RSS_GROWTH_MB, f"{case.name}: RSS grew {growth[0]:.0f} MB"


def test_a_hostile_photo_among_good_ones_fails_the_whole_scan(
    client: tuple[TestClient, Service],
) -> None:
    """The bomb is the second photo: nothing is read (no OCR on the first) and it is named."""
    http, service = client
    bomb = next(h for h in HOSTILE if h.name == "png_bomb_header_60000x60000")
    files = [
        ("image", ("front.jpg", jpeg(), "image/jpeg")),
        ("image", ("back.png", bomb.make(), "image/png")),
    ]
    started = time.perf_counter()
    response = http.post("/v1/scans", files=files, headers=service.auth())
    assert_problem(response, 413, "image-too-large")
    assert time.perf_counter() - started < MAX_SECONDS


def test_an_image_over_the_byte_limit_is_413_before_decoding(
    client: tuple[TestClient, Service],
) -> None:
    http, service = client
    data = jpeg() + bytes(MAX_IMAGE_BYTES)  # a JPEG's magic, then more than the limit
    response = http.post(
        "/v1/scans", files=[("image", ("big.jpg", data, "image/jpeg"))], headers=service.auth()
    )
    assert_problem(response, 413, "image-too-large")


def test_a_body_over_the_upload_limit_is_413(client: tuple[TestClient, Service]) -> None:
    http, service = client
    parts = [("image", (f"{n}.jpg", bytes(MAX_IMAGE_BYTES - 10), "image/jpeg")) for n in range(2)]
    response = http.post("/v1/scans", files=parts, headers=service.auth())
    assert_problem(response, 413, "payload-too-large")


@dataclass(frozen=True)
class BadRequest:
    """A request whose shape is hostile, whatever its photo: (name, httpx keyword arguments
    besides the auth header, status, problem type)."""

    name: str
    request: Callable[[int], dict[str, Any]]  # called with the service's max images per scan
    status: int
    slug: str


def _photos(count: int) -> dict[str, Any]:
    return {"files": [("image", (f"{n}.jpg", jpeg(), "image/jpeg")) for n in range(count)]}


def _one_photo(**extra: Any) -> dict[str, Any]:
    return {"files": [("image", ("a.jpg", jpeg(), "image/jpeg"))], **extra}


BAD_REQUESTS = [
    BadRequest("one_photo_too_many", lambda limit: _photos(limit + 1), 422, "too-many-images"),
    BadRequest("200_photos", lambda _: _photos(200), 422, "too-many-images"),
    BadRequest(
        "2000_form_fields",
        lambda _: _one_photo(data={f"x{n}": "1" for n in range(2_000)}),
        400,
        "bad-request",
    ),
    BadRequest(
        "a_20_kb_profile_field",
        lambda _: _one_photo(data={"organ": "k" * 20_000}),
        400,
        "bad-request",
    ),
    BadRequest(
        "a_raw_jpeg_body",
        lambda _: {"content": jpeg(), "headers": {"Content-Type": "image/jpeg"}},
        422,
        "validation-error",
    ),
    BadRequest(
        "multipart_without_boundary",
        lambda _: {"content": b"--x\r\n", "headers": {"Content-Type": "multipart/form-data"}},
        400,
        "bad-request",
    ),
    # The parser drops a part that never ends: the scan has no image.
    BadRequest(
        "multipart_cut_short",
        lambda _: {
            "content": b'--b\r\nContent-Disposition: form-data; name="image"; filename="a"'
            b"\r\n\r\n" + jpeg()[:100],
            "headers": {"Content-Type": "multipart/form-data; boundary=b"},
        },
        422,
        "validation-error",
    ),
]


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=[b.name for b in BAD_REQUESTS])
def test_a_hostile_request_shape_is_refused_with_its_status(
    client: tuple[TestClient, Service], case: BadRequest
) -> None:
    http, service = client
    request = case.request(service.app.state.settings.max_images_per_scan)
    headers = {**service.auth(), **request.pop("headers", {})}
    started = time.perf_counter()
    response = http.post("/v1/scans", headers=headers, **request)
    assert_problem(response, case.status, case.slug)
    assert time.perf_counter() - started < MAX_SECONDS


def test_hostile_photos_need_a_key_first(client: tuple[TestClient, Service]) -> None:
    """Without a key nothing is read: 401 whatever the upload."""
    http, _ = client
    bomb = HOSTILE[0]
    files = [("image", ("b.jpg", bomb.make(), bomb.content_type))]
    assert_problem(http.post("/v1/scans", files=files), 401, "unauthorized")
