"""The checked-in spec, its examples, and the offline docs page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.cli import main
from app.main import create_app
from app.problems import PROBLEM_JSON
from app.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SPEC_FILE = REPO / "openapi" / "openapi.json"
REGENERATE = "run `labelscan openapi > openapi/openapi.json` and commit the result"


def _spec() -> dict[str, Any]:
    return create_app(Settings(database_url="sqlite://", log_level="WARNING")).openapi()


def test_the_checked_in_spec_matches_the_app() -> None:
    checked_in = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert checked_in == _spec(), f"openapi/openapi.json is out of date: {REGENERATE}"


def test_the_cli_prints_the_spec(capsys: Any) -> None:
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == _spec()


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    return node


def _has_example(spec: dict[str, Any], content: dict[str, Any]) -> bool:
    for media in content.values():
        if "example" in media or "examples" in media:
            return True
        if "examples" in _resolve(spec, media.get("schema", {})):
            return True
    return False


def test_every_operation_has_example_requests_and_responses() -> None:
    spec = _spec()
    missing = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            name = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                if param.get("required") and not (
                    "example" in param or "examples" in param or "examples" in param["schema"]
                ):
                    missing.append(f"{name}: parameter {param['name']}")
            body = op.get("requestBody", {}).get("content")
            if body and not _has_example(spec, body):
                missing.append(f"{name}: request body")
            responses = op["responses"]
            success = [s for s in responses if s.startswith("2")]
            # Reserved routes document the 501 problem they answer with until they exist.
            shown = ["501"] if "501" in responses else success[:1]
            for status in shown:
                if not _has_example(spec, responses[status].get("content", {})):
                    missing.append(f"{name}: {status} response")
    assert missing == []


def test_errors_are_documented_as_problem_json() -> None:
    spec = _spec()
    scan = spec["paths"]["/v1/scans"]["post"]["responses"]
    for status in ("401", "413", "415", "422", "503", "504"):
        assert list(scan[status]["content"]) == ["application/problem+json"], status
    patch = spec["paths"]["/v1/products/{product_id}"]["patch"]["requestBody"]["content"]
    assert set(patch) == {"application/json", "application/merge-patch+json"}


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            yield f"{method.upper()} {path}", op


def test_problems_every_operation_of_a_kind_can_send_are_documented() -> None:
    """What the service sends by the kind of operation, whatever its route declares: request
    validation (422) wherever there is a parameter or a body; a body that cannot be parsed (400)
    or is over the size limit (413) wherever there is a body; and where an API key is needed, a
    missing one (401), the key's rate limit (429) and the database being out of reach (503)."""
    missing = []
    for name, op in _operations(_spec()):
        expected: set[str] = set()
        if op.get("parameters") or "requestBody" in op:
            expected.add("422")
        if "requestBody" in op:
            expected |= {"400", "413"}
        if op.get("security"):
            expected |= {"401", "429", "503"}
        for status in sorted(expected):
            content = op["responses"].get(status, {}).get("content", {})
            if list(content) != [PROBLEM_JSON] or content[PROBLEM_JSON]["schema"] != PROBLEM_REF:
                missing.append(f"{name}: {status} {content}")
    assert missing == []


def test_request_validation_is_documented_as_the_problem_the_service_sends(
    client: TestClient, app_key: dict[str, str]
) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    # FastAPI's own 422 body ({"detail": [...]}) is never sent: its schemas must not be offered.
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    errors = schemas["Problem"]["properties"]["errors"]["anyOf"][0]
    assert errors["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert set(schemas["FieldError"]["required"]) == {"loc", "msg", "type"}
    documented = spec["paths"]["/v1/products/{product_id}"]["get"]["responses"]["422"]
    r = client.get("/v1/products/0", headers=app_key)
    assert r.status_code == 422
    assert r.headers["content-type"].split(";")[0] in documented["content"]
    body = r.json()
    assert set(body) <= set(schemas["Problem"]["properties"])
    assert [set(e) for e in body["errors"]] == [{"loc", "msg", "type"}]
    example = documented["content"][PROBLEM_JSON]["example"]
    assert set(example) == set(body) and example["status"] == 422


def test_the_docs_page_needs_no_internet(client: TestClient) -> None:
    html = client.get("/docs")
    assert html.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""", html.text)
    assert urls, html.text
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", html.text, re.IGNORECASE), urls
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
    assert "SwaggerUIBundle" in client.get("/static/swagger-ui/swagger-ui-bundle.js").text
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "labelscan"
