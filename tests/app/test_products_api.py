"""Stored products: list, search, detail, and reviewers' corrections with history."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import assert_problem

OXIDE_LABEL = """Supplement Facts
Serving Size 1 Tablet
Magnesium (as magnesium oxide) 25 mg 6%
Other ingredients: microcrystalline cellulose.
"""


def _store(client: TestClient, key: dict[str, str], text: str, **product: str) -> int:
    r = client.post(
        "/v1/labels/score", headers=key, json={"text": text, "store": True, "product": product}
    )
    assert r.status_code == 200, r.text
    product_id: int = r.json()["product_id"]
    return product_id


@pytest.fixture
def three_products(client: TestClient, app_key: dict[str, str]) -> list[int]:
    return [
        _store(
            client, app_key, OXIDE_LABEL, name="Mag Oxide 25", brand="Acme", upc="0000000000017"
        ),
        _store(
            client,
            app_key,
            OXIDE_LABEL,
            name="Calm Glycinate",
            brand="Zen_Labs",
            upc="0000000000024",
        ),
        _store(client, app_key, OXIDE_LABEL, name="Night 100%", brand="Acme", upc="0000000000031"),
    ]


def _names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


def test_list_search_and_paging(
    client: TestClient, app_key: dict[str, str], three_products: list[int]
) -> None:
    page = client.get("/v1/products", headers=app_key).json()
    assert page["total"] == 3
    assert _names(page) == ["Night 100%", "Calm Glycinate", "Mag Oxide 25"]  # newest first
    page = client.get("/v1/products?limit=2&offset=2", headers=app_key).json()
    assert (_names(page), page["total"], page["limit"], page["offset"]) == (
        ["Mag Oxide 25"],
        3,
        2,
        2,
    )
    assert _names(client.get("/v1/products?q=acme", headers=app_key).json()) == [
        "Night 100%",
        "Mag Oxide 25",
    ]
    assert _names(client.get("/v1/products?q=GLYCIN", headers=app_key).json()) == ["Calm Glycinate"]
    assert _names(client.get("/v1/products?q=00024", headers=app_key).json()) == ["Calm Glycinate"]
    # LIKE wildcards in the query are literal characters.
    assert _names(client.get("/v1/products?q=%25", headers=app_key).json()) == ["Night 100%"]
    assert _names(client.get("/v1/products?q=n_l", headers=app_key).json()) == ["Calm Glycinate"]
    assert _names(client.get("/v1/products?upc=0000000000017", headers=app_key).json()) == [
        "Mag Oxide 25"
    ]
    assert client.get("/v1/products?upc=17", headers=app_key).status_code == 422
    assert client.get("/v1/products?limit=1000", headers=app_key).status_code == 422


def test_get_a_product(
    client: TestClient, app_key: dict[str, str], three_products: list[int]
) -> None:
    r = client.get(f"/v1/products/{three_products[0]}", headers=app_key)
    assert r.status_code == 200
    product = r.json()
    assert product["name"] == "Mag Oxide 25"
    assert product["result"] == product["original_result"]
    assert product["result"]["ingredients"][0]["forms"] == ["magnesium_oxide"]
    assert product["corrections"] == [] and product["scans"] == []
    assert_problem(client.get("/v1/products/987654", headers=app_key), 404, "not-found")
    assert_problem(client.get("/v1/products/abc", headers=app_key), 422, "validation-error")


def test_a_reviewer_corrects_a_product(
    client: TestClient,
    app_key: dict[str, str],
    reviewer_key: dict[str, str],
    three_products: list[int],
) -> None:
    pid = three_products[0]
    before = client.get(f"/v1/products/{pid}", headers=app_key).json()
    patch = {
        "name": "Mag Citrate 250",
        "ingredients": {"0": {"amount": 250, "forms": ["magnesium_citrate"], "dv_percent": 60}},
        "note": "OCR dropped a digit; the label says citrate",
    }
    r = client.patch(f"/v1/products/{pid}", headers=reviewer_key, json=patch)
    assert r.status_code == 200, r.text
    after = r.json()
    row = after["result"]["ingredients"][0]
    assert (row["amount"], row["forms"], row["elemental_mg"]) == (250, ["magnesium_citrate"], 250)
    assert "reviewer_corrected" in row["flags"]
    assert after["name"] == "Mag Citrate 250"
    # The original reading is kept as it was.
    assert after["original_result"] == before["original_result"]
    assert after["original_result"]["ingredients"][0]["amount"] == 25
    # Who, what and when.
    (correction,) = after["corrections"]
    assert correction["author"] == "pharmacist-anna"
    assert correction["created_at"]
    assert correction["diff"]["request"] == patch
    changes = {c["path"]: (c["from"], c["to"]) for c in correction["diff"]["changes"]}
    assert changes["/name"] == ("Mag Oxide 25", "Mag Citrate 250")
    assert changes["/result/ingredients/0/amount"] == (25, 250)
    assert changes["/result/ingredients/0/forms/0"] == ("magnesium_oxide", "magnesium_citrate")

    # A second correction is added to the history; nothing earlier is rewritten.
    r = client.patch(
        f"/v1/products/{pid}",
        headers={**reviewer_key, "Content-Type": "application/merge-patch+json"},
        content=b'{"brand": null, "other_ingredients": ["cellulose", "magnesium stearate"]}',
    )
    assert r.status_code == 200, r.text
    assert r.json()["corrections"][0]["id"] == correction["id"]
    assert len(r.json()["corrections"]) == 2
    assert r.json()["brand"] is None
    assert r.json()["result"]["other_ingredients"] == ["cellulose", "magnesium stearate"]
    listed = client.get("/v1/products?q=citrate", headers=app_key).json()["items"]
    assert [p["id"] for p in listed] == [pid]

    # Re-scored: citrate at 250 mg is not the poorly absorbed oxide at 25 mg.
    assert before["result"]["score"] is not None and after["result"]["score"] is not None
    assert after["result"]["score"] != before["result"]["score"]
    assert listed[0]["score"] == after["result"]["score"]["value"]


def test_rows_can_be_deleted_and_added(
    client: TestClient, reviewer_key: dict[str, str], three_products: list[int]
) -> None:
    patch = {
        "ingredients": {"0": None},
        "add_ingredients": [
            {
                "name": "Magnesium Glycinate",
                "forms": ["magnesium_glycinate"],
                "amount": 500,
                "unit": "mg",
            }
        ],
    }
    r = client.patch(f"/v1/products/{three_products[1]}", headers=reviewer_key, json=patch)
    assert r.status_code == 200, r.text
    (row,) = r.json()["result"]["ingredients"]
    assert (row["name"], row["basis"], row["compound_mg"]) == (
        "Magnesium Glycinate",
        "compound",
        500,
    )
    assert 50 < row["elemental_mg"] < 80


def test_an_app_key_cannot_correct(
    client: TestClient, app_key: dict[str, str], three_products: list[int]
) -> None:
    r = client.patch(f"/v1/products/{three_products[0]}", headers=app_key, json={"name": "x"})
    assert_problem(r, 403, "forbidden")
    product = client.get(f"/v1/products/{three_products[0]}", headers=app_key).json()
    assert product["name"] == "Mag Oxide 25" and product["corrections"] == []


def test_keys_are_checked(
    client: TestClient, reviewer_key: dict[str, str], three_products: list[int]
) -> None:
    url = f"/v1/products/{three_products[0]}"
    assert_problem(client.get(url), 401, "unauthorized")
    assert_problem(
        client.get(url, headers={"Authorization": "Bearer lsk_not-a-real-key-at-all"}),
        401,
        "unauthorized",
    )
    token = reviewer_key["Authorization"].removeprefix("Bearer ")
    assert client.get(url, headers={"X-API-Key": token}).status_code == 200
    # Right prefix, wrong secret.
    forged = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    assert_problem(client.get(url, headers={"X-API-Key": forged}), 401, "unauthorized")


@pytest.mark.parametrize(
    "patch",
    [
        {"id": 99},
        {"created_by": "someone-else"},
        {"original_result": {}},
        {"score": {"value": 100, "grade": "A"}},
        {"role": "reviewer"},
        {"ingredients": {"0": {"amount": 1, "elemental": 5}}},
        {"ingredients": {"0": {"flags": ["usp_verified"]}}},
    ],
)
def test_unknown_fields_are_refused(
    client: TestClient,
    reviewer_key: dict[str, str],
    three_products: list[int],
    patch: dict[str, Any],
) -> None:
    r = client.patch(f"/v1/products/{three_products[0]}", headers=reviewer_key, json=patch)
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["type"] == "extra_forbidden"


def test_invalid_corrections_are_422(
    client: TestClient, reviewer_key: dict[str, str], three_products: list[int]
) -> None:
    url = f"/v1/products/{three_products[0]}"
    for patch in (
        {"ingredients": {"7": {"amount": 1}}},
        {"ingredients": {"first": {"amount": 1}}},
        {"ingredients": {"0": {"forms": ["magnesium_kryptonite"]}}},
        {"ingredients": {"0": {"amount": -3}}},
        {"note": "nothing else"},
        {},
    ):
        assert_problem(client.patch(url, headers=reviewer_key, json=patch), 422, "validation-error")
    assert_problem(
        client.patch("/v1/products/424242", headers=reviewer_key, json={"name": "x"}),
        404,
        "not-found",
    )


@pytest.mark.parametrize("field", ["name", "brand"])
def test_control_characters_in_names_are_422(
    client: TestClient, reviewer_key: dict[str, str], field: str
) -> None:
    """PostgreSQL cannot store a NUL in a text column: refused as input, not a 500 there."""
    r = client.post(
        "/v1/labels/score",
        headers=reviewer_key,
        json={"text": "Magnesium 100 mg", "store": True, "product": {field: "Mag\x00"}},
    )
    assert_problem(r, 422, "validation-error")
    r = client.post(
        "/v1/labels/score",
        headers=reviewer_key,
        json={"text": "Magnesium 100 mg", "store": True, "product": {field: "Magnésium 200 ®"}},
    )
    assert r.status_code == 200, r.text
    pid = r.json()["product_id"]
    for bad in ("a\x00b", "line\nbreak", "\x7f"):
        r = client.patch(f"/v1/products/{pid}", headers=reviewer_key, json={field: bad})
        assert_problem(r, 422, "validation-error")
