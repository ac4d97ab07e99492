"""Evening out local contrast: rows washed out by glare read again, with the real engine."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.contrast import evened
from ocr.engines import get_engine
from ocr.types import Image

ROWS = [
    ("Supplement Facts", ""),
    ("Magnesium (as glycinate)", "200 mg 48%"),
    ("Zinc (as zinc citrate)", "11 mg 100%"),
    ("Vitamin D3", "25 mcg 125%"),
]


def _panel(amounts: bool = True) -> Image:
    """Names on the left, amounts in a column on the right (or none), text about 30 px high."""
    page = np.full((420, 900, 3), (236, 230, 218), np.uint8)
    for i, (name, amount) in enumerate(ROWS):
        y = 70 + 90 * i
        cv2.putText(page, name, (30, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 40, 40), 2)
        if amounts:
            cv2.putText(page, amount, (600, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 40, 40), 2)
    return page


def _photo(image: Image) -> bytes:
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    return jpeg.tobytes()


def _photographed_in_glare(image: Image, peak: float, blur: float) -> Image:
    """A glare spot over the amount column (light added toward white, as on glossy film),
    then a little defocus, sensor noise and JPEG."""
    h, w = image.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    alpha = peak * np.exp(
        -(((x - 0.8 * w) / (0.2 * w)) ** 2 + ((y - 0.5 * h) / (0.6 * h)) ** 2) / 2
    )
    lit = image.astype(np.float32)
    lit += (255 - lit) * alpha[..., None]
    lit = np.asarray(cv2.GaussianBlur(lit, (0, 0), blur), np.float32)
    lit += np.random.default_rng(1).normal(0, 3, lit.shape).astype(np.float32)
    ok, jpeg = cv2.imencode(
        ".jpg", np.clip(lit, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60]
    )
    assert ok
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), np.uint8)


def _amounts_read(image: Image) -> list[str]:
    """Which of the panel's amounts the engine reads, digits and unit."""
    text = "".join(b.text for b in get_engine("rapidocr").recognize(image)).replace(" ", "")
    return [a for a in ("200mg", "11mg", "25mcg") if a in text]


def test_amounts_lost_to_glare_are_read_once_the_contrast_is_evened() -> None:
    """Under glare reaching 93 % of white the engine reads at most one of the three amounts;
    evened, it reads all three."""
    glared = _photographed_in_glare(_panel(), peak=0.93, blur=2.0)
    assert len(_amounts_read(glared)) <= 1
    assert _amounts_read(evened(glared)) == ["200mg", "11mg", "25mcg"]


def _stroke_contrast(grey: Image) -> float:
    """Paper level minus the darkest strokes' level."""
    return float(np.median(grey)) - float(np.percentile(grey, 2))


def test_text_in_and_out_of_glare_comes_out_with_the_same_contrast() -> None:
    """In glare the amount column keeps under half the contrast of the names in full light;
    evened, the two columns' contrasts are within a third of each other."""
    glared = _photographed_in_glare(_panel(), peak=0.85, blur=1.0)
    for image, low, high in ((glared, 0.0, 0.5), (evened(glared), 0.67, 1.5)):
        grey: Image = np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), np.uint8)
        names, amounts = grey[100:350, 30:450], grey[100:350, 600:880]
        ratio = _stroke_contrast(amounts) / _stroke_contrast(names)
        assert low <= ratio <= high, ratio


def test_blank_paper_stays_blank() -> None:
    """Noise on empty paper is not stretched into speckle the detector would read."""
    noise = np.random.default_rng(2).normal(0, 2, (300, 400, 3)).astype(np.float32)
    paper = np.clip(230 + noise, 0, 255).astype(np.uint8)
    out = evened(paper)
    assert out.shape == paper.shape and out.dtype == np.uint8
    assert float(np.percentile(out, 1)) > 150
    assert get_engine("rapidocr").recognize(out) == []


def test_a_photo_whose_amounts_were_lost_to_glare_is_read_again() -> None:
    """End to end: the first reading gives the names without their amounts (lost rows), the
    scan reads the photo again with the contrast evened and keeps the second reading."""
    from app.scan import LOST_ROWS, result_of_page, scan_photos
    from catalog.completeness import lost_rows
    from ocr.pipeline import read_photo

    photo = _photo(_photographed_in_glare(_panel(), peak=0.93, blur=2.0))
    first = result_of_page(read_photo(photo))
    assert lost_rows(first)
    assert len(first.ingredients) <= 1
    result = scan_photos([photo])
    assert [(i.name, i.amount, i.unit) for i in result.ingredients] == [
        ("Magnesium", 200, "mg"),
        ("Zinc", 11, "mg"),
        ("Vitamin D3", 25, "mcg"),
    ]
    assert not lost_rows(result)
    assert LOST_ROWS not in result.quality.reasons  # "glare" it is, rightly


def test_rows_neither_reading_can_read_ask_for_a_retake() -> None:
    """The amount column is gone (washed out entirely, or cut off): the names are read, the
    second reading finds no amounts either, and the photo is to be taken again."""
    from app.scan import LOST_ROWS, scan_photos

    result = scan_photos([_photo(_photographed_in_glare(_panel(amounts=False), 0.5, 1.0))])
    assert result.ingredients == []
    assert result.quality.retake
    assert LOST_ROWS in result.quality.reasons
