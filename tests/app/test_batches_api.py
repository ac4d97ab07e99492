"""POST /v1/batches and friends on the in-process runner, on both databases: a job runs to done,
its progress moves chunk by chunk, results download in both formats with one row per product,
the same file is recognised, a job left running by a dead service resumes, errors are
problem+json and jobs are private to their key (and reviewers)."""

from __future__ import annotations

import csv
import io
import json
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from app.batch.jobs import run_task
from app.batch.queue import job_config
from app.db import models
from app.db.session import make_engine
from app.main import create_app
from app.settings import Settings
from tests.app.conftest import assert_problem, clear_tables, make_settings
from tests.batch.recording import RecordingRunner

LABEL = (Path(__file__).parents[2] / "examples" / "labels" / "magnesium_glycinate.txt").read_text()
BATCH_TABLES = [
    models.BatchResult,
    models.BatchChunk,
    models.BatchJob,
    models.BatchUploadPart,
    models.BatchUpload,
]


def product_csv(count: int, *, formula_at: int | None = None) -> bytes:
    """A wide-layout catalog: `count` products, each with its own name and amount."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product_id", "product_name", "label_text"])
    for i in range(count):
        name = "=HYPERLINK(1)" if i == formula_at else f"Magnesium {i}"
        writer.writerow([f"p{i:04d}", name, LABEL.replace("200 mg", f"{100 + i} mg")])
    return out.getvalue().encode()


@pytest.fixture
def batch_db(empty_db: str) -> Iterator[str]:
    yield empty_db
    clear_tables(empty_db, BATCH_TABLES)


def submit(
    client: TestClient, headers: dict[str, str], data: bytes, **form: str
) -> tuple[int, dict[str, Any]]:
    r = client.post(
        "/v1/batches", headers=headers, files={"file": ("catalog.csv", data, "text/csv")}, data=form
    )
    return r.status_code, r.json()


def wait_done(client: TestClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/v1/batches/{job_id}", headers=headers).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def batch_settings(url: str, **overrides: Any) -> Settings:
    return make_settings(url, batch_chunk_products=7, batch_threads=2, **overrides)


def test_a_job_runs_to_done_and_downloads_in_both_formats(
    batch_db: str, app_key: dict[str, str]
) -> None:
    data = product_csv(30, formula_at=3)
    with TestClient(create_app(batch_settings(batch_db))) as client:
        status, job = submit(client, app_key, data, format="jsonl")
        assert status == 202, job
        assert job["state"] in ("queued", "running", "done")
        assert job["size"] == len(data)
        done = wait_done(client, app_key, job["id"])
        assert done["state"] == "done", done
        assert (done["products_total"], done["products_done"], done["rows_done"]) == (30, 30, 30)
        assert done["progress"] == 1.0 and done["errors"] == 0 and done["attempt"] == 1

        lines = client.get(done["links"]["results"], headers=app_key)  # as submitted: jsonl
        assert lines.status_code == 200
        assert lines.headers["content-type"].startswith("application/jsonl")
        rows = [json.loads(line) for line in lines.text.splitlines()]
        assert [r["product_id"] for r in rows] == [f"p{i:04d}" for i in range(30)]
        assert [r["elemental_mg_per_serving"] for r in rows] == [100.0 + i for i in range(30)]
        assert rows[3]["product_name"] == "=HYPERLINK(1)"  # JSON carries data unchanged

        table = client.get(done["links"]["results"] + "?format=csv", headers=app_key)
        assert table.headers["content-type"].startswith("text/csv")
        records = list(csv.DictReader(io.StringIO(table.text)))
        assert [r["product_id"] for r in records] == [f"p{i:04d}" for i in range(30)]
        assert records[3]["product_name"] == "'=HYPERLINK(1)"  # never run by a spreadsheet
        assert records[0]["magnesium_forms"] == "magnesium_glycinate"


def test_progress_moves_chunk_by_chunk(batch_db: str, app_key: dict[str, str]) -> None:
    """Tasks are run one at a time by hand, and the job is read through the API between."""
    settings = batch_settings(batch_db)
    runner = RecordingRunner()
    with TestClient(create_app(settings)) as client:
        client.app.state.batch_runner = runner  # type: ignore[attr-defined]
        _, job = submit(client, app_key, product_csv(20))
        assert job["state"] == "queued" and job["progress"] is None
        engine = client.app.state.db_engine  # type: ignore[attr-defined]
        config = job_config(settings)
        run_task(engine, config, runner.tasks.pop(0), runner.submit)  # plan: 3 chunks of <= 7
        seen = [client.get(f"/v1/batches/{job['id']}", headers=app_key).json()]
        while runner.tasks:
            run_task(engine, config, runner.tasks.pop(0), runner.submit)
            seen.append(client.get(f"/v1/batches/{job['id']}", headers=app_key).json())
    assert [s["products_done"] for s in seen] == [0, 7, 14, 20]
    assert [s["progress"] for s in seen] == [0.0, 0.35, 0.7, 1.0]
    assert [s["state"] for s in seen] == ["running", "running", "running", "done"]
    assert all(s["products_total"] == 20 for s in seen)


def test_a_job_left_running_by_a_dead_service_resumes_on_start(
    batch_db: str, app_key: dict[str, str]
) -> None:
    settings = batch_settings(batch_db)
    runner = RecordingRunner()
    with TestClient(create_app(settings)) as client:
        client.app.state.batch_runner = runner  # type: ignore[attr-defined]
        _, job = submit(client, app_key, product_csv(20))
        engine = client.app.state.db_engine  # type: ignore[attr-defined]
        run_task(engine, job_config(settings), runner.tasks.pop(0), runner.submit)
        run_task(engine, job_config(settings), runner.tasks.pop(0), runner.submit)
        # The service dies here: one chunk committed, two never run.
        half = client.get(f"/v1/batches/{job['id']}", headers=app_key).json()
    assert (half["state"], half["products_done"]) == ("running", 7)

    with TestClient(create_app(settings)) as client:  # the new service resumes it
        done = wait_done(client, app_key, job["id"])
        assert (done["state"], done["products_done"], done["attempt"]) == ("done", 20, 2)
        text = client.get(done["links"]["results"], headers=app_key).text
    ids = [r["product_id"] for r in csv.DictReader(io.StringIO(text))]
    assert ids == [f"p{i:04d}" for i in range(20)]  # each product once, in order


def test_the_same_file_is_recognised(batch_db: str, app_key: dict[str, str]) -> None:
    data = product_csv(5)
    with TestClient(create_app(batch_settings(batch_db))) as client:
        status, first = submit(client, app_key, data)
        assert status == 202 and first["duplicate"] is False
        status, again = submit(client, app_key, data)
        assert status == 200
        assert (again["id"], again["duplicate"], again["sha256"]) == (
            first["id"],
            True,
            first["sha256"],
        )
        # Another profile is another job over the same stored bytes.
        status, other = submit(client, app_key, data, medications="tacrolimus")
        assert status == 202 and other["id"] != first["id"]
        assert other["sha256"] == first["sha256"]
        wait_done(client, app_key, first["id"])
        wait_done(client, app_key, other["id"])
    engine = make_engine(batch_db)
    try:
        with Session(engine) as session:
            assert len(session.exec(models.BatchUpload.__table__.select()).all()) == 1  # type: ignore[attr-defined]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # A photo sent by mistake: which code the reader gives a binary is the reader's call.
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, None),
        (b"name,colour\nfoo,blue\n", "unknown_layout"),
        (b"", "no_header"),
    ],
)
def test_unusable_files_are_422_problems(
    batch_db: str, app_key: dict[str, str], data: bytes, code: str | None
) -> None:
    with TestClient(create_app(batch_settings(batch_db))) as client:
        r = client.post("/v1/batches", headers=app_key, files={"file": ("x.csv", data)})
    body = assert_problem(r, 422, "invalid-batch-file")
    assert body["detail"].startswith(f"{code}:" if code else ""), body


def test_an_upload_over_the_limit_is_413(batch_db: str, app_key: dict[str, str]) -> None:
    with TestClient(create_app(batch_settings(batch_db, max_batch_bytes=4000))) as client:
        r = client.post("/v1/batches", headers=app_key, files={"file": ("x.csv", product_csv(20))})
    assert_problem(r, 413, "payload-too-large")


def test_results_of_an_unfinished_job_are_409(batch_db: str, app_key: dict[str, str]) -> None:
    with TestClient(create_app(batch_settings(batch_db))) as client:
        client.app.state.batch_runner = RecordingRunner()  # type: ignore[attr-defined]
        _, job = submit(client, app_key, product_csv(3))
        r = client.get(job["links"]["results"], headers=app_key)
    body = assert_problem(r, 409, "batch-not-ready")
    assert "queued" in body["detail"]


def test_jobs_are_private_to_their_key_and_reviewers(
    batch_db: str,
    app_key: dict[str, str],
    reviewer_key: dict[str, str],
    new_key: Callable[[str, str], dict[str, str]],
) -> None:
    stranger = new_key("other-app", "app")
    with TestClient(create_app(batch_settings(batch_db))) as client:
        assert_problem(
            client.post("/v1/batches", files={"file": ("x.csv", b"a")}), 401, "unauthorized"
        )
        _, job = submit(client, app_key, product_csv(3))
        url = f"/v1/batches/{job['id']}"
        assert_problem(client.get(url), 401, "unauthorized")
        assert_problem(client.get(url, headers=stranger), 404, "not-found")
        assert_problem(client.get(url + "/results", headers=stranger), 404, "not-found")
        assert client.get(url, headers=reviewer_key).status_code == 200
        assert_problem(client.get("/v1/batches/b-nope", headers=app_key), 404, "not-found")
        wait_done(client, app_key, job["id"])
