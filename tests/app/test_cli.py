"""The command line as a user runs it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.cli import main
from app.settings import get_settings
from bench.shared_data import shared_data

LABEL = """Supplement Facts
Serving Size 2 Capsules
Magnesium (as magnesium bisglycinate chelate) 200 mg 48%
St. John's Wort (aerial parts) 300 mg †
Other ingredients: hypromellose (capsule).
"""


def test_parse_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(LABEL))
    assert main(["parse", "-"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ingredients"][0]["forms"] == ["magnesium_glycinate"]
    assert result["ingredients"][0]["elemental_mg"] == 200.0
    assert [i["id"] for i in result["interactions"]] == ["st_johns_wort"]
    assert 0 <= result["score"]["value"] <= 54  # St John's wort caps the grade
    assert result["score"]["grade"] in {"D", "E", "F"}


def test_parse_reads_a_latin1_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "label.txt"
    path.write_bytes("Magnesium (as magnesium oxide) 250 mg 60%\nVitamin D 25 µg 125%\n".encode(
        "latin-1"))  # fmt: skip
    assert main(["parse", str(path)]) == 0
    rows = json.loads(capsys.readouterr().out)["ingredients"]
    assert [(r["name"], r["unit"]) for r in rows] == [("Magnesium", "mg"), ("Vitamin D", "mcg")]


def test_parse_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "/nonexistent/label.txt"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_scan_prints_a_result(capsys: pytest.CaptureFixture[str]) -> None:
    photo = shared_data() / "photos-off-nutrition" / "0016000275287.jpg"
    assert main(["scan", str(photo)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["panel"]["kind"] == "nutrition_facts"
    assert len(result["ingredients"]) >= 10
    assert set(result["quality"]) == {"ok", "retake", "reasons"}


def test_scan_rejects_a_file_that_is_not_an_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "label.jpg"
    fake.write_bytes(b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n")
    assert main(["scan", str(fake)]) == 2
    assert "unsupported_media_type" in capsys.readouterr().err


def test_scan_takes_the_pixel_limit_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 41 MP photo, cut off after its header: over the 40 MP default it is refused for its
    size; with LABELSCAN_MAX_IMAGE_PIXELS above it, the decode gets to it and finds it cut off."""
    ok, jpeg = cv2.imencode(".jpg", np.full((6400, 6400), 255, np.uint8))
    assert ok
    photo = tmp_path / "41mp.jpg"
    photo.write_bytes(jpeg.tobytes()[: len(jpeg) // 2])
    try:
        for env, code in (("", "image_too_large"), ("41000000", "corrupt_image")):
            if env:
                monkeypatch.setenv("LABELSCAN_MAX_IMAGE_PIXELS", env)
            get_settings.cache_clear()  # the settings are read once per process
            assert main(["scan", str(photo)]) == 2
            assert code in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
