"""The checked-in spec, its examples, and the offline docs page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.cli import main
from app.main import create_app
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
