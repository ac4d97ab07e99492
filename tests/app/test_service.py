"""What every request shares: problem+json errors, request ids, probes, metrics."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from ocr.engines import EngineError
from tests.app.conftest import assert_problem, make_settings


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_readyz_reports_database_and_engines(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "ocr:rapidocr", "ocr:tesseract"}
    assert body["checks"]["ocr:tesseract"]["detail"].endswith("with eng")
    assert "det" in body["checks"]["ocr:rapidocr"]["detail"]


@pytest.fixture
def unreachable_db_client() -> Iterator[TestClient]:
    # Nothing listens on port 9 (discard) here: a real connection failure, no mock.
    settings = make_settings("postgresql+psycopg://postgres@127.0.0.1:9/none")
    with TestClient(create_app(settings)) as c:
        yield c


def test_an_unreachable_database_is_503(unreachable_db_client: TestClient) -> None:
    r = unreachable_db_client.get("/v1/products", headers={"X-API-Key": "lsk_whatever-key-1234"})
    body = assert_problem(r, 503, "database-unavailable")
    assert r.headers["retry-after"]
    assert "127.0.0.1" not in body["detail"]  # no connection strings in answers
    ready = unreachable_db_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"]["ok"] is False
    assert unreachable_db_client.get("/healthz").status_code == 200


def test_request_ids_are_accepted_and_returned(client: TestClient) -> None:
    r = client.get("/v1/products", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.json()["request_id"] == "abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    # A header that could forge log lines is replaced, not echoed.
    r = client.get("/healthz", headers={"X-Request-ID": "x" * 300})
    assert r.headers["x-request-id"] != "x" * 300


def test_routing_errors_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "not-found")
    assert_problem(client.delete("/v1/products"), 405, "method-not-allowed")


def test_a_405_allows_every_method_of_its_path(client: TestClient) -> None:
    """Allow lists what the path takes, not only what the first route that matched it takes:
    GET and PATCH /v1/products/{product_id} are two routes."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert set(paths["/v1/products/{product_id}"]) == {"get", "patch"}
    for path, operations in paths.items():
        methods = {m.upper() for m in operations}
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        wrong = next(m for m in ("DELETE", "PUT", "POST", "GET") if m not in methods)
        r = client.request(wrong, concrete)
        assert_problem(r, 405, "method-not-allowed")
        assert set(r.headers["allow"].split(", ")) == methods, path


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("POST", "/v1/labels/score", b'{"text": "\xff"}', "application/json"),
        ("PATCH", "/v1/products/1", b'{"name": "\xff"}', "application/merge-patch+json"),
        ("POST", "/v1/scans", b"--x--", "multipart/form-data"),  # no boundary
        ("POST", "/v1/batches", b"--x--", "multipart/form-data"),
    ],
)
def test_a_body_that_cannot_be_parsed_is_a_documented_400(
    client: TestClient,
    reviewer_key: dict[str, str],
    method: str,
    path: str,
    body: bytes,
    content_type: str,
) -> None:
    r = client.request(
        method, path, content=body, headers={**reviewer_key, "Content-Type": content_type}
    )
    assert_problem(r, 400, "bad-request")
    template = re.sub(r"/1$", "/{product_id}", path)
    documented = client.app.openapi()["paths"][template][method.lower()]["responses"]  # type: ignore[attr-defined]
    assert list(documented["400"]["content"]) == ["application/problem+json"]


def test_an_unexpected_error_is_a_generic_500(settings: object) -> None:
    app = create_app(settings)  # type: ignore[arg-type]

    @app.get("/v1/explode")
    def explode() -> None:
        raise RuntimeError("secret internals: /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/v1/explode", headers={"X-Request-ID": "boom-1"})
    body = assert_problem(r, 500, "internal-error")
    assert "secret" not in r.text and "RuntimeError" not in r.text
    assert body["request_id"] == "boom-1"


def test_the_logs_carry_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="labelscan.http"):
        client.get("/healthz", headers={"X-Request-ID": "trace-me-42"})
    (record,) = [r for r in caplog.records if r.name == "labelscan.http"]
    assert isinstance(record.msg, dict)
    assert record.msg["request_id"] == "trace-me-42"
    # Rendered as one JSON object by the service's handler.
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_labelscan", False)]
    assert handler.formatter is not None
    line = json.loads(handler.formatter.format(record))
    assert (line["event"], line["route"], line["status"]) == ("request", "/healthz", 200)
    assert line["request_id"] == "trace-me-42" and line["timestamp"]


def test_metrics_count_requests_by_route_and_status(
    client: TestClient, app_key: dict[str, str]
) -> None:
    client.get("/v1/products", headers=app_key)
    client.get("/v1/products/12345", headers=app_key)
    client.get("/v1/products/67890", headers=app_key)
    client.post("/v1/labels/score", headers=app_key, json={"text": "Magnesium 100 mg"})
    text = client.get("/metrics").text
    assert (
        'labelscan_http_requests_total{method="GET",route="/v1/products",status="200"} 1.0' in text
    )
    # By route template: ids do not make new series.
    assert (
        'labelscan_http_requests_total{method="GET",route="/v1/products/{product_id}",'
        'status="404"} 2.0'
    ) in text
    assert "labelscan_http_request_duration_seconds_bucket" in text
    for name in (
        "labelscan_ocr_seconds",
        "labelscan_scan_pool_in_use",
        "labelscan_scan_pool_queued",
        "labelscan_scan_pool_rejected_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


def test_auth_can_be_disabled_for_local_use(empty_db: str) -> None:
    with TestClient(create_app(make_settings(empty_db, auth_disabled=True))) as c:
        r = c.post("/v1/labels/score", json={"text": "Magnesium 100 mg", "store": True})
        assert r.status_code == 200
        product = c.get(f"/v1/products/{r.json()['product_id']}").json()
        assert product["created_by"] == "local"
        assert c.patch(f"/v1/products/{product['id']}", json={"name": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("code", "status", "slug", "shows_detail"),
    [
        ("ocr_timeout", 504, "ocr-timeout", True),
        ("engine_missing", 503, "ocr-engine-missing", True),
        ("ocr_failed", 500, "ocr-failed", False),
    ],
)
def test_engine_failures_map_to_statuses(
    settings: object, code: str, status: int, slug: str, shows_detail: bool
) -> None:
    """Engine failures cannot be caused on demand with both engines installed; a route that
    raises the OCR room's own EngineError goes through the real handlers."""
    app = create_app(settings)  # type: ignore[arg-type]
    detail = f"tesseract failed: internal state {code}"

    @app.get("/v1/engine-failure")
    def fail() -> None:
        raise EngineError(detail, code=code)

    with TestClient(app) as c:
        body = assert_problem(c.get("/v1/engine-failure"), status, slug)
    assert body["code"] == code
    assert (body["detail"] == detail) is shows_detail
