"""The synthetic label-photo generator: reproducible, valid truth, boxes on the printed rows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from bench.synth import content, degrade, generate

TRUTH_KEYS = {
    "image",
    "panel_kind",
    "serving_size",
    "servings_per_container",
    "columns",
    "rows",
    "lines",
    "other_ingredients",
    "marks",
    "lookalikes",
    "degradations",
    "legible",
}
ROW_KEYS = {"name", "forms_text", "amount", "unit", "dv_percent", "blend", "extra", "bbox"}
UNITS = {"mg", "mcg", "g", "IU", "CFU"}
SEED = 11


def _truths(root: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("truth/*.json"))]


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("photos")
    generate.generate(out, count=3, seed=SEED)
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate.generate(out, count=3, seed=SEED, clean_only=True)
    return out


def test_same_seed_gives_identical_files(photos: Path, tmp_path: Path) -> None:
    # A second run in two worker processes must not change a byte either.
    generate.generate(tmp_path, count=3, seed=SEED, jobs=2)
    assert _files(tmp_path) == _files(photos)
    for rel in _files(photos):
        assert (tmp_path / rel).read_bytes() == (photos / rel).read_bytes(), rel


def test_other_seed_gives_other_labels(photos: Path, tmp_path: Path) -> None:
    generate.generate(tmp_path, count=1, seed=SEED + 1, clean_only=True)
    first = _truths(photos)[0]
    other = _truths(tmp_path)[0]
    assert (first["rows"], first["lines"]) != (other["rows"], other["lines"])


def _check_row(row: dict[str, Any], size: tuple[int, int]) -> None:
    assert set(row) == ROW_KEYS
    assert isinstance(row["name"], str) and row["name"]
    assert all(isinstance(f, str) for f in row["forms_text"])
    assert row["amount"] is None or isinstance(row["amount"], float)
    assert row["unit"] is None or row["unit"] in UNITS
    assert (row["amount"] is None) == (row["unit"] is None)
    assert row["dv_percent"] is None or isinstance(row["dv_percent"], float)
    assert row["blend"] is None or isinstance(row["blend"], str)
    assert all(isinstance(e, str) for e in row["extra"])
    x, y, w, h = row["bbox"]
    assert all(isinstance(v, int) for v in row["bbox"])
    assert w > 0 and h > 0
    assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1]


@pytest.mark.parametrize("kind", ["photos", "clean"])
def test_truth_is_valid(kind: str, request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(kind)
    truths = _truths(root)
    assert len(truths) == 3
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == SEED and manifest["count"] == 3
    assert [e["truth"] for e in manifest["images"]] == [f"truth/{i:04d}.json" for i in (1, 2, 3)]
    for truth in truths:
        assert set(truth) == TRUTH_KEYS
        assert truth["panel_kind"] == "supplement_facts"
        assert truth["legible"] in ("full", "partial", "poor")
        assert truth["lines"][0].startswith("Supplement Facts")
        assert truth["rows"], "every panel declares at least one amount"
        assert all(isinstance(s, str) for s in truth["other_ingredients"] + truth["marks"])
        assert len(truth["columns"]) in (0, 2)
        with Image.open(root / truth["image"]) as image:
            assert image.format == ("PNG" if kind == "clean" else "JPEG")
            size = image.size
        if kind == "photos":
            assert 1000 <= max(size) <= 4000
            assert 55 <= truth["degradations"]["jpeg_quality"] <= 90
        for row in truth["rows"]:
            _check_row(row, size)


def test_clean_boxes_enclose_dark_text(clean: Path) -> None:
    for truth in _truths(clean):
        with Image.open(clean / truth["image"]) as image:
            gray = np.asarray(image.convert("L"), dtype=np.uint8)
        dark = gray < 110
        for row in truth["rows"]:
            x, y, w, h = row["bbox"]
            inside = dark[y : y + h, x : x + w]
            assert 0.02 < inside.mean() < 0.7, row["name"]
            # The box is tight: ink comes within a few pixels (the padding) of every edge.
            ink_rows = np.flatnonzero(inside.any(axis=1))
            ink_cols = np.flatnonzero(inside.any(axis=0))
            assert ink_rows[0] <= 8 and ink_rows[-1] >= h - 9, row["name"]
            assert ink_cols[0] <= 8 and ink_cols[-1] >= w - 9, row["name"]


def test_clean_lines_hold_every_row_name(clean: Path) -> None:
    for truth in _truths(clean):
        text = " ".join(truth["lines"])
        for row in truth["rows"]:
            assert row["name"].split()[0] in text


def test_magnesium_dv_uses_420_or_400() -> None:
    seen = 0
    for i in range(300):
        product = content.sample_product(np.random.default_rng([3, i]))
        for row in product.rows:
            truth = content.truth_row(product, row)
            if truth["name"] == "Magnesium" and truth["dv_percent"] is not None:
                amount = truth["amount"]
                assert isinstance(amount, float)
                assert truth["dv_percent"] in (
                    content.dv_round(amount, 420.0),
                    content.dv_round(amount, 400.0),
                )
                seen += 1
    assert seen > 150


def test_severity_levels_are_about_one_two_one() -> None:
    levels = Counter(degrade.sample_params(np.random.default_rng([5, i])).level for i in range(800))
    assert abs(levels["mild"] / 800 - 0.25) < 0.05
    assert abs(levels["moderate"] / 800 - 0.50) < 0.05
    assert abs(levels["hard"] / 800 - 0.25) < 0.05


@pytest.mark.parametrize("index", [1, 2, 3])
def test_segments_hold_every_printed_word(index: int) -> None:
    """The text segments (what a perfect detector would box) carry every word of the printed
    lines, and only seal badges' words besides."""
    rendered = generate.photo_scene(SEED, index).rendered
    printed = Counter(w for line in rendered.lines for w in line.split())
    boxed = Counter(w for text, _ in rendered.segments for w in text.split())
    assert not printed - boxed
    badge_words = {w for text, _ in rendered.segments for w in text.split() if w.isupper()}
    assert set(boxed - printed) <= badge_words
    # A segment is one line's piece: no taller than the heading's type, no wider than the label.
    width, _ = rendered.image.size
    for text, (x0, y0, x1, y1) in rendered.segments:
        assert 0 <= x0 < x1 <= width and y1 - y0 < 4 * rendered.font_px, text


def test_scene_maps_row_corners_into_their_photo_boxes(photos: Path) -> None:
    """The scene drawn again is the photo's: each row's corners, mapped through its camera,
    lie on the edge of the row's box in the truth."""
    for index, truth in enumerate(_truths(photos), 1):
        scene = generate.photo_scene(SEED, index)
        camera = scene.camera()
        for box, row in zip(scene.rendered.row_boxes, truth["rows"], strict=True):
            x, y, w, h = row["bbox"]
            corners = degrade.frame_quad(camera, box)
            inside = [x - 1 <= px <= x + w + 1 and y - 1 <= py <= y + h + 1 for px, py in corners]
            assert all(inside), (row["name"], corners, row["bbox"])
            xs = [px for px, _ in corners]
            assert min(xs) < x + 0.05 * w and max(xs) > x + 0.95 * w, row["name"]
