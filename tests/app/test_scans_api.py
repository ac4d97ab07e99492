"""POST /v1/scans end to end: real photos, real OCR, a real database."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from pydantic import ValidationError
from sqlmodel import Session

from app.db.migrate import upgrade
from app.db.session import make_engine
from app.main import create_app
from app.repositories import blobs
from app.services import preview
from app.settings import Settings
from catalog.models import ScanResult
from ocr.errors import ImageTooLarge
from ocr.limits import DEFAULT_MAX_PIXELS
from tests.app.conftest import (
    assert_problem,
    make_settings,
    panel_photo,
)


def _front_photo() -> bytes:
    """The front of a bottle as a phone would see it: a seal printed large."""
    image = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=72)
    draw.text((60, 120), "USP VERIFIED", fill="black", font=font)
    draw.text((60, 260), "Magnesium Complex", fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _blob_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return blobs.count(session)
    finally:
        engine.dispose()


def test_scan_a_real_photo_end_to_end(client: TestClient, app_key: dict[str, str]) -> None:
    photo = panel_photo()
    r = client.post(
        "/v1/scans",
        headers=app_key,
        files=[("image", ("panel.jpg", photo, "image/jpeg"))],
        data={"medications": ["tacrolimus", "calcium,iron"], "organ": "kidney", "gi": "sensitive"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["panel"]["kind"] == "nutrition_facts"
    assert len(body["ingredients"]) >= 10
    first = body["ingredients"][0]
    assert first["bbox"] is not None and len(first["bbox"]) == 4
    assert set(body["quality"]) == {"ok", "retake", "reasons"}
    assert r.headers["location"] == f"/v1/scans/{body['scan_id']}"

    scan = client.get(f"/v1/scans/{body['scan_id']}", headers=app_key).json()
    assert scan["product_id"] == body["product_id"]
    assert scan["profile"]["medications"] == ["tacrolimus", "calcium", "iron"]
    assert scan["created_by"] == "phone-app"
    assert scan["result"]["ingredients"] == body["ingredients"]
    assert scan["images"][0]["media_type"] == "image/jpeg"

    original = client.get(f"/v1/scans/{body['scan_id']}/image", headers=app_key)
    assert original.status_code == 200
    assert original.content == photo
    assert original.headers["content-type"] == "image/jpeg"

    preview = client.get(f"/v1/scans/{body['scan_id']}/preview.png", headers=app_key)
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    drawn = Image.open(io.BytesIO(preview.content))
    assert drawn.size == Image.open(io.BytesIO(photo)).size  # under the preview's size cap
    assert (
        client.get(f"/v1/scans/{body['scan_id']}/preview.png?index=3", headers=app_key).status_code
        == 404
    )

    product = client.get(f"/v1/products/{body['product_id']}", headers=app_key).json()
    assert [s["id"] for s in product["scans"]] == [body["scan_id"]]
    assert product["original_result"]["ingredients"] == product["result"]["ingredients"]
    assert body["score"] is not None and 0 <= body["score"]["value"] <= 100


def test_two_photos_of_one_product_merge(
    client: TestClient, app_key: dict[str, str], empty_db: str
) -> None:
    r = client.post(
        "/v1/scans",
        headers=app_key,
        files=[
            ("image", ("front.jpg", _front_photo(), "image/jpeg")),
            ("image", ("back.jpg", panel_photo(), "image/jpeg")),
        ],
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert len(body["ingredients"]) >= 10  # the panel, from the second photo
    assert {i["image"] for i in body["ingredients"]} == {1}
    assert [m["id"] for m in body["marks"]] == ["usp_verified"]  # the seal, from the first
    scan = client.get(f"/v1/scans/{body['scan_id']}", headers=app_key).json()
    assert [i["index"] for i in scan["images"]] == [0, 1]
    # The preview defaults to the photo the rows were read from.
    default = client.get(f"/v1/scans/{body['scan_id']}/preview.png", headers=app_key).content
    back = client.get(f"/v1/scans/{body['scan_id']}/preview.png?index=1", headers=app_key).content
    assert default == back
    assert _blob_count(empty_db) == 2


def _blank(fmt: str) -> bytes:
    """A small plain card: nothing to read, so OCR is quick and the result asks for a retake."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (250, 250, 245)).save(out, fmt)
    return out.getvalue()


def test_the_same_photo_is_stored_once(
    client: TestClient, app_key: dict[str, str], empty_db: str
) -> None:
    photo = _blank("PNG")  # the type comes from the bytes, not the part's name or type
    ids = []
    for _ in range(2):
        part = ("photo", photo, "application/octet-stream")
        r = client.post("/v1/scans", headers=app_key, files=[("image", part)])
        assert r.status_code == 201, r.text
        assert r.json()["quality"]["retake"] is True
        ids.append(r.json()["scan_id"])
    assert ids[0] != ids[1]
    assert _blob_count(empty_db) == 1
    stored = client.get(f"/v1/scans/{ids[1]}/image", headers=app_key)
    assert stored.content == photo
    assert stored.headers["content-type"] == "image/png"


def test_a_pdf_sent_as_jpeg_is_415(client: TestClient, app_key: dict[str, str]) -> None:
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
    r = client.post(
        "/v1/scans", headers=app_key, files=[("image", ("label.jpg", pdf, "image/jpeg"))]
    )
    body = assert_problem(r, 415, "unsupported-media-type")
    assert body["code"] == "unsupported_media_type"
    assert "PDF" in body["detail"]


def test_a_truncated_jpeg_is_422(client: TestClient, app_key: dict[str, str]) -> None:
    photo = panel_photo()
    r = client.post(
        "/v1/scans",
        headers=app_key,
        files=[("image", ("cut.jpg", photo[: len(photo) // 3], "image/jpeg"))],
    )
    body = assert_problem(r, 422, "corrupt-image")
    assert body["code"] == "corrupt_image"


@pytest.fixture
def small_limits_client(empty_db: str) -> Iterator[TestClient]:
    settings = make_settings(
        empty_db, max_image_bytes=50_000, max_upload_bytes=400_000, auth_disabled=True
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_an_image_over_the_per_image_limit_is_413(small_limits_client: TestClient) -> None:
    photo = panel_photo()
    assert len(photo) > 50_000
    r = small_limits_client.post("/v1/scans", files=[("image", ("big.jpg", photo, "image/jpeg"))])
    body = assert_problem(r, 413, "image-too-large")
    assert body["code"] == "image_too_large"


def test_a_body_over_the_upload_limit_is_413(small_limits_client: TestClient) -> None:
    blob = b"\xff\xd8\xff" + bytes(500_000)
    r = small_limits_client.post("/v1/scans", files=[("image", ("huge.jpg", blob, "image/jpeg"))])
    assert_problem(r, 413, "payload-too-large")


def test_a_streamed_body_is_counted_while_it_arrives(small_limits_client: TestClient) -> None:
    """No Content-Length to trust: the limit still holds, counted chunk by chunk."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="x.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(10):
            yield bytes(64_000)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = small_limits_client.post(
        "/v1/scans",
        content=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_problem(r, 413, "payload-too-large")


def test_bad_form_fields_are_422(client: TestClient, app_key: dict[str, str]) -> None:
    photo = ("a.jpg", b"\xff\xd8\xff", "image/jpeg")
    r = client.post(
        "/v1/scans", headers=app_key, files=[("image", photo)], data={"organ": "spleen"}
    )
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["loc"] == ["body", "organ"]
    r = client.post("/v1/scans", headers=app_key, files=[("image", photo)], data={"engine": "gpt"})
    assert_problem(r, 422, "validation-error")
    r = client.post("/v1/scans", headers=app_key, data={"organ": "kidney"})
    assert_problem(r, 422, "validation-error")  # no image at all


def test_too_many_photos_is_422(client: TestClient, app_key: dict[str, str]) -> None:
    photo = ("a.jpg", b"\xff\xd8\xff", "image/jpeg")
    r = client.post("/v1/scans", headers=app_key, files=[("image", photo)] * 7)
    assert_problem(r, 422, "too-many-images")


def test_scans_need_a_key(client: TestClient) -> None:
    r = client.post("/v1/scans", files=[("image", ("a.jpg", panel_photo(), "image/jpeg"))])
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    assert_problem(client.get("/v1/scans/1/image"), 401, "unauthorized")


def test_unknown_scan_is_404(client: TestClient, app_key: dict[str, str]) -> None:
    assert_problem(client.get("/v1/scans/999999", headers=app_key), 404, "not-found")
    assert_problem(client.get("/v1/scans/999999/preview.png", headers=app_key), 404, "not-found")


def test_form_fields_are_capped_in_size_and_number(empty_db: str) -> None:
    """The profile fields of a scan are short text: a long one or a flood of them is refused
    by the multipart parser while it reads, before any photo is looked at."""
    settings = make_settings(
        empty_db, auth_disabled=True, max_form_field_bytes=100, max_form_fields=3
    )
    photo = [("image", ("a.jpg", b"\xff\xd8\xff", "image/jpeg"))]
    with TestClient(create_app(settings)) as client:
        r = client.post("/v1/scans", files=photo, data={"organ": "k" * 101})
        body = assert_problem(r, 400, "bad-request")
        assert "maximum size" in body["detail"]
        fields = {"medications": ["tacrolimus"] * 4}
        r = client.post("/v1/scans", files=photo, data=fields)
        assert "fields" in assert_problem(r, 400, "bad-request")["detail"].lower()


def test_a_script_sent_as_jpeg_is_415_before_ocr(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"auth_disabled": True}))
    script = b"#!/bin/sh\nrm -rf /\n"
    with TestClient(app) as client:
        r = client.post("/v1/scans", files=[("image", ("a.jpg", script, "image/jpeg"))])
        assert_problem(r, 415, "unsupported-media-type")
    # Refused before the OCR pool: no job ran, so the pool's mean job time is still its prior.
    assert app.state.pool.mean_job_s == settings.retry_after_s


def _over_default_pixels() -> bytes:
    """A JPEG of 6400 x 6400 = 41 MP (blank: small to send, but the pixels are all there)."""
    ok, jpeg = cv2.imencode(".jpg", np.full((6400, 6400), 255, np.uint8))
    assert ok
    return bytes(jpeg.tobytes())


PIXELS = 6400 * 6400


def test_the_pixel_limit_setting_reaches_the_decode_of_a_scan(tmp_path: Path) -> None:
    """`max_image_pixels` above the library's 40 MP default lets a 41 MP photo through to the
    decode inside the OCR pipeline. The photo is cut off after its header, so the decode itself
    answers (422 corrupt-image) in milliseconds instead of seconds of OCR; with the limit one
    pixel lower the header is refused (413). SQLite only: the limit has nothing to do with it."""
    assert PIXELS > DEFAULT_MAX_PIXELS
    photo = _over_default_pixels()
    cut = [("image", ("41mp.jpg", photo[: len(photo) // 2], "image/jpeg"))]
    url = f"sqlite:///{tmp_path / 'labelscan.db'}"
    upgrade(url)
    cases = ((PIXELS, 422, "corrupt-image"), (PIXELS - 1, 413, "image-too-large"))
    for limit, status, slug in cases:
        settings = make_settings(url, auth_disabled=True, max_image_pixels=limit)
        with TestClient(create_app(settings)) as client:
            body = assert_problem(client.post("/v1/scans", files=cut), status, slug)
            assert ("truncated" in body["detail"]) == (status == 422), body


def test_the_preview_decodes_within_the_limits_it_is_given() -> None:
    photo = _over_default_pixels()
    png = preview.render(photo, ScanResult(), 0, max_bytes=len(photo), max_pixels=PIXELS)
    assert Image.open(io.BytesIO(png)).size == (1600, 1600)
    with pytest.raises(ImageTooLarge):
        preview.render(photo, ScanResult(), 0, max_bytes=len(photo), max_pixels=PIXELS - 1)


def test_a_pixel_limit_the_decoder_cannot_honour_is_refused_at_start() -> None:
    """Pillow refuses images past its decompression-bomb guard whatever the setting says."""
    with pytest.raises(ValidationError, match="max_image_pixels"):
        Settings(database_url="sqlite://", max_image_pixels=100_000_000)
