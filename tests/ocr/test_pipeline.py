"""The photo pipeline with the real engines on real and generated photos.

These check that the pipeline works end to end (rows found, boxes in the photo's pixels,
turned pages, several photos merged, bad photos flagged); the accuracy figures themselves are
measured by bench/ocr_accuracy.py, not here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from app.scan import scan_photos
from bench.rowmatch import Counts, Row, count
from bench.shared_data import REPO, shared_data

TRUTH = REPO / "bench" / "truth" / "real"
# Real photos read well by both engines in our measurements; a regression shows up here.
CLEAR_PHOTOS = ["0016000275287", "0011110001986", "0021130494729"]


def _truth(stem: str) -> tuple[bytes, list[Row]]:
    data = json.loads((TRUTH / f"photos-off-nutrition__{stem}.json").read_text())
    rows = [Row(r["name"], r["amount"], r["unit"]) for r in data["rows"]]
    return (shared_data() / data["image"]).read_bytes(), rows


def _jpeg(image: Image.Image, **kwargs: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("stem", CLEAR_PHOTOS)
def test_real_photo_rows_with_rapidocr(stem: str) -> None:
    photo, truth = _truth(stem)
    result = scan_photos([photo], engine="rapidocr")
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
    assert found.recall >= 0.8, found
    assert found.precision >= 0.8, found
    assert result.panel.kind == "nutrition_facts"
    # Boxes are in the pixels of the photo as displayed, EXIF orientation applied.
    width, height = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).size
    for ing in result.ingredients:
        assert ing.bbox is not None
        x, y, w, h = ing.bbox
        assert x >= 0 and y >= 0 and x + w <= width + 2 and y + h <= height + 2
        assert 0 < ing.confidence <= 1


def test_real_photo_rows_with_tesseract() -> None:
    photo, truth = _truth(CLEAR_PHOTOS[0])
    result = scan_photos([photo], engine="tesseract")
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
    assert found.recall >= 0.5, found


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180])
def test_a_turned_photo_without_exif_is_turned_back(turn: Image.Transpose) -> None:
    photo, truth = _truth(CLEAR_PHOTOS[1])
    turned = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).transpose(turn)
    result = scan_photos([_jpeg(turned)])
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
    assert found.recall >= 0.8, found
    for ing in result.ingredients:  # boxes are in the pixels of the photo as sent (turned)
        assert ing.bbox is not None
        x, y, w, h = ing.bbox
        assert x + w <= turned.width + 2 and y + h <= turned.height + 2


def test_exif_orientation_is_honoured() -> None:
    photo, truth = _truth(CLEAR_PHOTOS[2])
    # Stored turned, with the tag that tells a viewer to turn it back (6: rotate 90 CW).
    stored = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).transpose(
        Image.Transpose.ROTATE_90
    )
    exif = Image.Exif()
    exif[0x0112] = 6
    result = scan_photos([_jpeg(stored, exif=exif.tobytes())])
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
    assert found.recall >= 0.8, found


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"]:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _front_of_pack() -> bytes:
    image = Image.new("RGB", (900, 600), (230, 240, 250))
    draw = ImageDraw.Draw(image)
    draw.text((60, 80), "Magnesium Glycinate", fill=(20, 30, 80), font=_font(56))
    draw.ellipse((560, 260, 840, 540), outline=(0, 60, 120), width=8)
    draw.text((610, 370), "USP VERIFIED", fill=(0, 60, 120), font=_font(34))
    return _jpeg(image)


def test_front_and_back_photos_merge_into_one_result() -> None:
    photo, truth = _truth(CLEAR_PHOTOS[0])
    result = scan_photos([_front_of_pack(), photo])
    assert [m.id for m in result.marks] == ["usp_verified"]
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
    assert found.recall >= 0.8, found
    assert {i.image for i in result.ingredients} == {1}  # rows come from the back photo


def test_a_photo_out_of_focus_is_sharpened_before_reading() -> None:
    """A clear real photo (785 x 1186) blurred by a Gaussian of 3.5 px: read as it is, the
    detector finds no row at all; deconvolved first (the default), most rows come back."""
    from PIL import ImageFilter

    from app.scan import result_of_page
    from catalog.models import ScanResult
    from ocr.pipeline import Preparation, read_photo

    photo, truth = _truth(CLEAR_PHOTOS[0])
    clear = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    blurred = _jpeg(clear.filter(ImageFilter.GaussianBlur(3.5)))

    def rows(result: ScanResult) -> Counts:
        return count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)

    assert rows(result_of_page(read_photo(blurred, prep=Preparation(sharpen=False)))).matched == 0
    result = result_of_page(read_photo(blurred))
    assert rows(result).recall >= 0.7, rows(result)
    assert rows(result).precision >= 0.8, rows(result)
    assert result.quality is not None
    assert "blurry" in result.quality.reasons  # still asked for a better photo


def test_a_photo_far_out_of_focus_is_searched_on_a_copy_sharpened_harder() -> None:
    """A clear real photo (1042 x 1541) blurred by a Gaussian of 6 px: deconvolved once, the
    detector still finds almost no row; searching a copy deconvolved harder finds them, and
    the rows read from the first stay right."""
    from PIL import ImageFilter

    from app.scan import result_of_page
    from ocr.pipeline import Preparation, read_photo

    photo, truth = _truth(CLEAR_PHOTOS[2])
    clear = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    blurred = _jpeg(clear.filter(ImageFilter.GaussianBlur(6)))

    def rows(prep: Preparation) -> Counts:
        result = result_of_page(read_photo(blurred, prep=prep))
        return count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)

    searched_as_read = rows(Preparation(sharpen_detection=False))
    searched_sharper = rows(Preparation())
    assert searched_as_read.recall <= 0.3, searched_as_read
    assert searched_sharper.recall >= 0.8, searched_sharper
    assert searched_sharper.precision >= 0.9, searched_sharper


def test_a_photo_without_a_panel_asks_for_a_retake() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    noise = (rng.random((480, 640, 3)) * 255).astype(np.uint8)
    result = scan_photos([_jpeg(Image.fromarray(noise))])
    assert result.ingredients == []
    assert result.quality.retake
    assert "no_panel_found" in result.quality.reasons


def _on_table(photo: bytes, margin: float) -> Image.Image:
    """The photo laid on a plain table with `margin` of its size showing on every side."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    w, h = image.size
    pad_x, pad_y = round(w * margin), round(h * margin)
    table = Image.new("RGB", (w + 2 * pad_x, h + 2 * pad_y), (96, 72, 52))
    table.paste(image, (pad_x, pad_y))
    return table


def test_a_whole_panel_framed_close_is_not_cut_off() -> None:
    """A margin of a few text heights round the panel is a good photo, not a cut one."""
    photo, _ = _truth(CLEAR_PHOTOS[0])
    result = scan_photos([_jpeg(_on_table(photo, 0.06))])
    assert result.ingredients
    assert "cut_off" not in result.quality.reasons


def test_a_panel_cut_through_its_rows_is_cut_off() -> None:
    photo, _ = _truth(CLEAR_PHOTOS[0])
    framed = _on_table(photo, 0.06)
    w, h = framed.size
    result = scan_photos([_jpeg(framed.crop((0, 0, w, round(h * 0.6))))])
    assert "cut_off" in result.quality.reasons


def test_generated_supplement_panels_read_with_forms(tmp_path: Path) -> None:
    """Three clean generated panels: magnesium rows keep their forms through OCR."""
    from bench.synth.generate import main as generate

    generate(["--out", str(tmp_path), "--count", "3", "--seed", "11", "--clean-only"])
    total_rows = matched = 0
    for truth_file in sorted((tmp_path / "truth").glob("*.json")):
        data = json.loads(truth_file.read_text())
        truth = [Row(r["name"], r["amount"], r["unit"]) for r in data["rows"]]
        result = scan_photos([(tmp_path / data["image"]).read_bytes()])
        found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], truth)
        total_rows += found.expected
        matched += found.matched
        assert result.panel.kind == "supplement_facts"
    assert matched >= 0.85 * total_rows


def test_a_photo_with_almost_no_text_is_not_read_again_turned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Turning a page helps when its lines were found but read upside down; where the detector
    found almost nothing (here a panel far out of focus), a turned reading finds no more, and
    cost a second full read."""
    from PIL import ImageFilter

    from ocr.engines import get_engine
    from ocr.pipeline import read_photo
    from ocr.types import Image as Pixels
    from ocr.types import TextBox

    photo, _ = _truth(CLEAR_PHOTOS[0])
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    blurred = image.filter(ImageFilter.GaussianBlur(radius=40))
    engine = get_engine("rapidocr")
    reads: list[int] = []
    real_recognize = engine.recognize

    def counted(rgb: Pixels, *, detect_image: Pixels | None = None) -> list[TextBox]:
        reads.append(1)
        return real_recognize(rgb, detect_image=detect_image)

    monkeypatch.setattr(engine, "recognize", counted)
    page = read_photo(_jpeg(blurred))
    assert len(page.boxes) < 4
    assert page.quarter_turns == 0
    assert len(reads) == 1
    assert "no_panel_found" in page.quality.reasons


def test_a_photo_read_larger_keeps_its_rows_and_their_boxes() -> None:
    """The app's third reading reads the photo 1.5 times larger: the same rows come back, and
    their boxes are still in the photo's own pixels (near those of the first
    reading's), not in those of the enlarged copy."""
    from app.scan import REREAD_ENLARGE, result_of_page
    from ocr.pipeline import Preparation, read_photo

    photo, _ = _truth(CLEAR_PHOTOS[0])
    standard = result_of_page(read_photo(photo))
    larger = result_of_page(read_photo(photo, prep=Preparation(enlarge=REREAD_ENLARGE)))
    rows = {(i.name, i.amount, i.unit): i.bbox for i in standard.ingredients}
    matched = [
        (rows[key], i.bbox)
        for i in larger.ingredients
        if (key := (i.name, i.amount, i.unit)) in rows
    ]
    assert len(matched) >= 0.8 * len(rows) > 0
    for first, again in matched:
        assert first is not None and again is not None
        # The detector draws a line's box a few pixels wider or taller at another scale; a box
        # left in the enlarged copy's pixels would lie half as far again from the origin.
        assert all(abs(a - b) <= 12 for a, b in zip(first, again, strict=True)), (first, again)
