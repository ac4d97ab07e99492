"""Ids in a path outside what the id column holds are a 422, not a 500 from the driver (found
by the property test: SQLite raises OverflowError past +-2**63, PostgreSQL past 2**31 for
INTEGER). Ids start at 1."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from app.db.models import MAX_ID
from tests.app.conftest import assert_problem, postgres_database
from tests.hardening.conftest import Service, make_service

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PATHS = [
    "/v1/scans/{id}",
    "/v1/scans/{id}/image",
    "/v1/scans/{id}/preview.png",
    "/v1/products/{id}",
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("ids")
    if request.param == "sqlite":
        yield make_service(folder)
        return
    with postgres_database() as url:
        yield make_service(folder, database_url=url)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("ident", [MAX_ID + 1, 2**63, 10**30, 0, -1, -(2**63), -(10**30)])
def test_an_id_outside_the_column_is_422(service: Service, path: str, ident: int) -> None:
    with TestClient(service.app) as client:
        response = client.get(path.format(id=ident), headers=service.auth())
    assert_problem(response, 422, "validation-error")


@pytest.mark.parametrize("path", PATHS)
def test_the_largest_id_is_looked_up(service: Service, path: str) -> None:
    with TestClient(service.app) as client:
        response = client.get(path.format(id=MAX_ID), headers=service.auth())
    assert_problem(response, 404, "not-found")


def test_patch_with_an_id_too_large_is_422(service: Service) -> None:
    with TestClient(service.app) as client:
        response = client.patch(
            f"/v1/products/{MAX_ID + 1}",
            json={"note": "x"},
            headers=service.auth(service.reviewer_key),
        )
    assert_problem(response, 422, "validation-error")
