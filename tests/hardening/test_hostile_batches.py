"""Hostile files through `POST /v1/batches` on the production app (auth on): a file that is no
product CSV is refused at once with 422 `invalid-batch-file` (or 413 past the size limit); a
malformed but readable one is accepted and its job ends (no job hangs), with one result per
product it could make out."""

from __future__ import annotations

import csv
import gzip
import io
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.app.conftest import assert_problem
from tests.hardening.conftest import Service, make_service
from tests.hardening.hostile import jpeg, png, zero_bytes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MAX_BATCH_BYTES = 200_000
JOB_TIMEOUT_S = 30.0
HEADER = b"product_id,label_text\n"


@dataclass(frozen=True)
class HostileCsv:
    name: str
    make: Callable[[], bytes]
    status: int
    slug: str | None  # None: accepted (202), and the job must end
    products: int = 0  # result rows an accepted file makes


HOSTILE_CSV = [
    HostileCsv("zero_bytes", zero_bytes, 422, "invalid-batch-file"),
    HostileCsv("png", png, 422, "invalid-batch-file"),
    HostileCsv("jpeg", jpeg, 422, "invalid-batch-file"),
    HostileCsv(
        "nul_bytes", lambda: HEADER + b"1,\x00\x00\x00Magnesium\n", 422, "invalid-batch-file"
    ),
    HostileCsv(
        "gzip_bomb_as_csv", lambda: gzip.compress(bytes(50_000_000)), 422, "invalid-batch-file"
    ),
    HostileCsv(
        "utf16",
        lambda: (HEADER.decode() + "1,Magnesium 200 mg\n").encode("utf-16"),
        422,
        "invalid-batch-file",
    ),
    HostileCsv("one_150kb_line", lambda: b"x" * 150_000, 422, "invalid-batch-file"),
    HostileCsv(
        "a_150kb_field",
        lambda: HEADER + b"1," + b"Magnesium 200 mg " * 9_000 + b"\n",
        422,
        "invalid-batch-file",
    ),
    HostileCsv("unknown_columns", lambda: b"a,b,c\n1,2,3\n", 422, "invalid-batch-file"),
    HostileCsv(
        "over_the_size_limit", lambda: HEADER + b"1,aaaa\n" * 40_000, 413, "payload-too-large"
    ),
    HostileCsv("header_only", lambda: HEADER, 202, None, products=0),
    # The open quote takes the rest of the file into product 1's label text.
    HostileCsv(
        "quote_never_closed",
        lambda: HEADER + b'1,"Magnesium 200 mg\n2,x\n',
        202,
        None,
        products=1,
    ),
    HostileCsv(
        "formula_injection",
        lambda: HEADER + b"=cmd|' /C calc'!A0,Magnesium (as oxide) 200 mg\n",
        202,
        None,
        products=1,
    ),
    HostileCsv(
        "latin1_text",
        lambda: HEADER + "1,Magn\xe9sium 200 mg\n".encode("latin-1"),
        202,
        None,
        products=1,
    ),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Service]]:
    service = make_service(
        tmp_path_factory.mktemp("batches"),
        max_batch_bytes=MAX_BATCH_BYTES,
        rate_limit="",
        scan_rate_limit="",
    )
    with TestClient(service.app) as c:
        yield c, service


@pytest.mark.parametrize("case", HOSTILE_CSV, ids=[c.name for c in HOSTILE_CSV])
def test_a_hostile_batch_file_gets_its_status(
    client: tuple[TestClient, Service], case: HostileCsv
) -> None:
    http, service = client
    files = [("file", (f"{case.name}.csv", case.make(), "text/csv"))]
    response = http.post("/v1/batches", files=files, headers=service.auth())
    if case.slug is not None:
        assert_problem(response, case.status, case.slug)
        return
    assert response.status_code == case.status, response.text
    job_id = response.json()["id"]
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        job = http.get(f"/v1/batches/{job_id}", headers=service.auth()).json()
        if job["state"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"job still {job['state']} after {JOB_TIMEOUT_S} s"
        time.sleep(0.1)
    assert job["state"] == "done", job
    results = http.get(f"/v1/batches/{job_id}/results?format=csv", headers=service.auth())
    assert results.status_code == 200, results.text
    rows = list(csv.reader(io.StringIO(results.text)))
    assert len(rows) - 1 == case.products, results.text  # a header row, then one per product
    # A cell a spreadsheet would run as a formula never comes back as one.
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
