"""POST /v1/labels/score: text and structured labels, scored for a profile."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.schemas import examples
from tests.app.conftest import assert_problem

LABEL = """Supplement Facts
Serving Size 2 Capsules
Magnesium (as magnesium bisglycinate chelate) 200 mg 48%
St. John's Wort (aerial parts) 300 mg †
Other ingredients: hypromellose (capsule).
"""


def test_text_is_read_checked_and_scored(client: TestClient, app_key: dict[str, str]) -> None:
    r = client.post(
        "/v1/labels/score",
        headers=app_key,
        json={"text": LABEL, "profile": {"medications": ["tacrolimus"], "organ": "kidney"}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["product_id"] is None  # nothing stored without "store": true
    mg = body["ingredients"][0]
    assert (mg["forms"], mg["elemental_mg"], mg["bbox"]) == (["magnesium_glycinate"], 200.0, None)
    assert [i["id"] for i in body["interactions"]] == ["st_johns_wort"]
    assert client.get("/v1/products", headers=app_key).json()["total"] == 0
    assert body["score"]["grade"] in "ABCDEF"
    # St. John's Wort must be cleared with the transplant team: never an A.
    assert body["score"]["grade"] != "A"


def test_the_documented_example_scores(client: TestClient, app_key: dict[str, str]) -> None:
    r = client.post(
        "/v1/labels/score",
        headers=app_key,
        json={"text": examples.LABEL_TEXT, "profile": examples.PROFILE},
    )
    assert r.status_code == 200, r.text
    assert r.json()["ingredients"][0]["forms"] == ["magnesium_glycinate"]


def test_a_structured_label_is_checked_and_can_be_stored(
    client: TestClient, app_key: dict[str, str]
) -> None:
    label = {
        "panel": {"serving_size": "1 tablet"},
        "ingredients": [
            {"name": "Magnesium Oxide", "forms": ["magnesium_oxide"], "amount": 500, "unit": "mg"},
            {"name": "Magnesium", "forms": ["magnesium_citrate"], "amount": 100, "unit": "mg"},
        ],
        "other_ingredients": ["St. John's Wort extract"],
        "marks": ["USP Verified", "Made in a cGMP facility"],
    }
    r = client.post(
        "/v1/labels/score",
        headers=app_key,
        json={
            "label": label,
            "store": True,
            "product": {"name": "Mag 500", "upc": "0123456789012"},
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    oxide, citrate = body["ingredients"]
    # A row named by its salt is the compound's weight; the elemental amount is estimated.
    assert oxide["basis"] == "compound" and oxide["compound_mg"] == 500
    assert 250 < oxide["elemental_mg"] < 320 and "elemental_estimated" in oxide["flags"]
    assert citrate["basis"] == "elemental" and citrate["elemental_mg"] == 100
    assert [m["id"] for m in body["marks"]] == ["usp_verified"]  # the cGMP line is no mark
    assert [i["id"] for i in body["interactions"]] == ["st_johns_wort"]
    product = client.get(f"/v1/products/{body['product_id']}", headers=app_key).json()
    assert (product["name"], product["upc"], product["source"]) == (
        "Mag 500",
        "0123456789012",
        "label",
    )
    assert product["created_by"] == "phone-app"


def test_unknown_fields_are_refused(client: TestClient, app_key: dict[str, str]) -> None:
    for body in (
        {"text": LABEL, "score": {"value": 100, "grade": "A"}},
        {"text": LABEL, "product_id": 1},
        {"text": LABEL, "profile": {"role": "reviewer"}},
        {"label": {"ingredients": [{"name": "Magnesium", "warnings": []}]}},
        {"label": {"ingredients": [], "score": {"value": 100}}},
    ):
        r = client.post("/v1/labels/score", headers=app_key, json=body)
        problem = assert_problem(r, 422, "validation-error")
        assert problem["errors"][0]["type"] == "extra_forbidden", problem


def test_exactly_one_source(client: TestClient, app_key: dict[str, str]) -> None:
    bodies: list[dict[str, Any]] = [
        {},
        {"text": LABEL, "label": {"ingredients": []}},
        {"profile": {}},
    ]
    for body in bodies:
        r = client.post("/v1/labels/score", headers=app_key, json=body)
        assert_problem(r, 422, "validation-error")


def test_unknown_form_ids_and_bad_json_are_422(client: TestClient, app_key: dict[str, str]) -> None:
    row = {"name": "Magnesium", "forms": ["magnesium_unobtainium"], "amount": 1, "unit": "mg"}
    r = client.post("/v1/labels/score", headers=app_key, json={"label": {"ingredients": [row]}})
    assert "magnesium_unobtainium" in assert_problem(r, 422, "validation-error")["detail"]
    r = client.post(
        "/v1/labels/score",
        headers={**app_key, "Content-Type": "application/json"},
        content=b'{"text": ',
    )
    assert_problem(r, 422, "validation-error")


def test_an_oversized_json_body_is_413(client: TestClient, app_key: dict[str, str]) -> None:
    r = client.post("/v1/labels/score", headers=app_key, json={"text": "x" * 1_100_000})
    assert_problem(r, 413, "payload-too-large")
