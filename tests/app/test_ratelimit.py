"""Per-API-key rate limits: 429 problem+json with Retry-After, per key, counted in this
process or in the real Redis at 127.0.0.1:6379 (shared by every app that points there)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from app.main import create_app
from tests.app.conftest import assert_problem, make_settings

REDIS_URL = os.environ.get("LABELSCAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BODY = {"text": "Magnesium (as magnesium citrate) 100 mg"}


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc})")
    finally:
        client.close()
    yield REDIS_URL


def _score(client: TestClient, key: dict[str, str]) -> int:
    status: int = client.post("/v1/labels/score", headers=key, json=BODY).status_code
    return status


def test_a_key_over_its_limit_gets_429_with_retry_after(
    empty_db: str, new_key: Callable[[str, str], dict[str, str]]
) -> None:
    busy, calm = new_key("busy-app", "app"), new_key("calm-app", "app")
    with TestClient(create_app(make_settings(empty_db, rate_limit="3/minute"))) as client:
        assert [_score(client, busy) for _ in range(3)] == [200, 200, 200]
        r = client.post("/v1/labels/score", headers=busy, json=BODY)
        body = assert_problem(r, 429, "rate-limited")
        assert "busy-app" in body["detail"] and "3 per 1 minute" in body["detail"]
        assert 1 <= int(r.headers["retry-after"]) <= 60
        # Other keys have their own counters; probes are not limited.
        assert _score(client, calm) == 200
        assert client.get("/healthz").status_code == 200


def test_scans_have_a_limit_of_their_own(empty_db: str, app_key: dict[str, str]) -> None:
    pdf = [("image", ("a.jpg", b"%PDF-1.7\n%%EOF\n", "image/jpeg"))]
    settings = make_settings(empty_db, scan_rate_limit="2/minute")
    with TestClient(create_app(settings)) as client:
        for _ in range(2):  # refused for its content, but counted
            assert client.post("/v1/scans", headers=app_key, files=pdf).status_code == 415
        assert_problem(client.post("/v1/scans", headers=app_key, files=pdf), 429, "rate-limited")
        assert _score(client, app_key) == 200  # the general limit is not reached


def test_redis_counters_are_shared_by_every_app(
    empty_db: str, redis_url: str, new_key: Callable[[str, str], dict[str, str]]
) -> None:
    # A unique key name: counters of earlier runs in the same Redis cannot interfere.
    key = new_key(f"replica-test-{uuid.uuid4().hex[:8]}", "app")
    settings = make_settings(empty_db, rate_limit="3/minute", redis_url=redis_url)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        assert [_score(one, key), _score(two, key), _score(one, key)] == [200, 200, 200]
        r = two.post("/v1/labels/score", headers=key, json=BODY)
        assert_problem(r, 429, "rate-limited")
        assert 1 <= int(r.headers["retry-after"]) <= 60


def test_an_unreachable_redis_lets_requests_through(
    empty_db: str, app_key: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on port 9: a real connection failure. The limiter fails open (an outage
    of the counters must not become an outage of the service) and says so in the log."""
    settings = make_settings(empty_db, rate_limit="1/minute", redis_url="redis://127.0.0.1:9/0")
    with TestClient(create_app(settings)) as client:
        assert [_score(client, app_key) for _ in range(2)] == [200, 200]
    assert any("rate_limit_unavailable" in r.getMessage() for r in caplog.records)
