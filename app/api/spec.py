"""The OpenAPI spec as the service answers: FastAPI's generated spec, finished in one place.

FastAPI files every response model under application/json and documents its own request
validation (422) as `HTTPValidationError` ({"detail": [...]}) on every operation with a
parameter or a body. The service sends neither: errors are application/problem+json `Problem`s
(app.api.errors), a validation problem with its `errors` list."""

from __future__ import annotations

from typing import Any

from app.problems import PROBLEM_JSON
from app.schemas.problems import DESCRIPTIONS, VALIDATION_EXAMPLE

_SCHEMAS = "#/components/schemas/"
PROBLEM_REF = _SCHEMAS + "Problem"
# What FastAPI adds for its 422; unused once every 422 is a Problem.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def finish(spec: dict[str, Any]) -> dict[str, Any]:
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    _problem_media_type(response)
            if _is_fastapi_validation(responses.get("422")):
                responses["422"] = _validation_problem()
            _merge_patch(operation)
    schemas = spec.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        if name in schemas and not _referenced(spec, _SCHEMAS + name):
            del schemas[name]
    return spec


def _problem_media_type(response: dict[str, Any]) -> None:
    """A `Problem` filed under application/json moves to application/problem+json, keeping
    what the route wrote there (an example)."""
    content = response.get("content", {})
    media = content.get("application/json", {})
    if media.get("schema", {}).get("$ref") == PROBLEM_REF:
        del content["application/json"]
        content[PROBLEM_JSON] = {**content.get(PROBLEM_JSON, {}), **media}


def _is_fastapi_validation(response: dict[str, Any] | None) -> bool:
    if response is None:
        return False
    schemas = [media.get("schema", {}) for media in response.get("content", {}).values()]
    return any(s.get("$ref") == _SCHEMAS + "HTTPValidationError" for s in schemas)


def _validation_problem() -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[422],
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}, "example": VALIDATION_EXAMPLE}},
    }


def _merge_patch(operation: dict[str, Any]) -> None:
    """A product patch is a JSON merge patch (RFC 7396) and may say so in its media type."""
    body = operation.get("requestBody", {}).get("content", {})
    if operation.get("operationId", "").startswith("patch_product") and body:
        body["application/merge-patch+json"] = body["application/json"]


def _referenced(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_referenced(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_referenced(v, ref) for v in node)
    return False
