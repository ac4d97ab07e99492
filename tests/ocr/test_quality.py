"""Photo quality on real photos (../shared/data, read in place) and synthetic degradations of
them: a sharp photo passes, and blur, glare, tiny text, a cut panel and a missing panel each
give exactly the reason a user can act on, in the documented order."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image as PILImage

from bench.shared_data import shared_data
from ocr.quality import (
    BLUR_MIN_SCORE,
    GLARE_MAX_FRACTION,
    MEASURE_MAX_PIXELS,
    MIN_TEXT_HEIGHT_PX,
    Box,
    assess,
    at_text_scale,
    blur_score,
    edges_reached,
    glare_fraction,
)
from ocr.types import Image


@dataclass(frozen=True)
class Sample:
    path: str  # under ../shared/data
    text_height_px: float  # median Tesseract word-box height on the original photo
    panel_box: Box | None  # None: the photo is cropped to the panel and gets framed here


SAMPLES = {
    # A product shot: the panel sits on a light-blue tub against a white studio background.
    "tub": Sample("photos-ellasemancik/label_01/label_01.png", 19.0, (140, 265, 535, 270)),
    # A clean render on pure white paper: the "white background is not glare" case.
    "white": Sample("photos-ellasemancik/label_05/label_05.png", 22.0, None),
    # Phone photos from Open Food Facts users; 0044856305193 is the softest sharp one we found.
    "cookies": Sample("photos-off-nutrition/0014100079521.jpg", 51.0, None),
    "soft": Sample("photos-off-nutrition/0044856305193.jpg", 47.0, None),
    "butter": Sample("photos-off-nutrition/0047200152504.jpg", 53.5, None),
}
COLOURED_PAPER = ["tub", "cookies", "soft", "butter"]  # paper not blown out: glare is visible


@dataclass(frozen=True)
class Scene:
    rgb: Image
    box: Box
    text_height_px: float


@functools.cache
def _scene(name: str) -> Scene:
    """The sample as a phone would frame it: photos cropped to the panel get a margin of
    product-coloured, noisy background on every side so that the panel does not touch an edge."""
    sample = SAMPLES[name]
    with PILImage.open(shared_data() / sample.path) as img:
        rgb = np.asarray(img.convert("RGB"))
    if sample.panel_box is not None:
        return Scene(rgb, sample.panel_box, sample.text_height_px)
    framed, box = _frame(rgb, pad=0.15, colour=(70, 95, 130))
    return Scene(framed, box, sample.text_height_px)


def _frame(rgb: Image, *, pad: float, colour: tuple[int, int, int]) -> tuple[Image, Box]:
    h, w = rgb.shape[:2]
    py, px = int(h * pad), int(w * pad)
    rng = np.random.default_rng(0)
    canvas = rng.normal(0, 12, (h + 2 * py, w + 2 * px, 3)) + np.array(colour, dtype=float)
    framed = canvas.clip(0, 255).astype(np.uint8)
    framed[py : py + h, px : px + w] = rgb
    return framed, (px, py, w, h)


def _blurred(scene: Scene, sigma_at_24px: float) -> Image:
    """Gaussian blur of `sigma_at_24px` pixels as seen at 24 px text, plus sensor noise and JPEG,
    like an out-of-focus phone capture."""
    sigma = sigma_at_24px * scene.text_height_px / 24.0
    out = np.asarray(cv2.GaussianBlur(scene.rgb.astype(np.float64), (0, 0), sigma))
    noisy = out + np.random.default_rng(1).normal(0, 4, out.shape)
    return _jpeg(noisy.clip(0, 255).astype(np.uint8))


def _jpeg(rgb: Image, quality: int = 85) -> Image:
    buffer = io.BytesIO()
    PILImage.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return np.asarray(PILImage.open(buffer).convert("RGB"))


def _glare(rgb: Image, box: Box, *, axes: tuple[float, float], amplitude: float = 400.0) -> Image:
    """A bright elliptical highlight (additive light, as from a lamp on a glossy label) centred
    on the panel's text, with semi-axes given as shares of the panel's size."""
    x, y, w, h = box
    cx, cy = x + 0.5 * w, y + 0.45 * h
    yy, xx = np.mgrid[0 : rgb.shape[0], 0 : rgb.shape[1]]
    r2 = ((xx - cx) / (axes[0] * w)) ** 2 + ((yy - cy) / (axes[1] * h)) ** 2
    light = amplitude * np.exp(-2.0 * r2)
    return np.asarray((rgb + light[..., None]).clip(0, 255), dtype=np.uint8)


def _shrunk(scene: Scene, text_height_px: float) -> Scene:
    """The whole photo downscaled (INTER_AREA, like a camera's own resampling) until the median
    text is `text_height_px` tall."""
    scale = text_height_px / scene.text_height_px
    small = cv2.resize(scene.rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x, y, w, h = scene.box
    box = (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
    return Scene(np.asarray(small, dtype=np.uint8), box, text_height_px)


def _reasons(rgb: Image, box: Box | None, text_height_px: float) -> list[str]:
    return assess(rgb, box, [text_height_px]).reasons


# --- sharp real photos -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_sharp_real_photos_pass(name: str) -> None:
    scene = _scene(name)
    report = assess(scene.rgb, scene.box, [scene.text_height_px])
    assert report.reasons == []
    assert report.retake is False
    assert report.blur_score is not None
    assert report.blur_score > 1.5 * BLUR_MIN_SCORE  # comfortably sharp, not just over the line
    assert report.glare_fraction == 0.0
    assert report.text_height_px == scene.text_height_px


@pytest.mark.parametrize("name", ["tub", "butter"])
def test_resolution_does_not_change_the_verdict(name: str) -> None:
    scene = _scene(name)
    half = _shrunk(scene, scene.text_height_px * 0.6)
    full_report = assess(scene.rgb, scene.box, [scene.text_height_px])
    half_report = assess(half.rgb, half.box, [half.text_height_px])
    assert half_report.reasons == []
    assert full_report.blur_score is not None
    assert half_report.blur_score is not None
    assert 0.6 < half_report.blur_score / full_report.blur_score < 1.67


# --- blur --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [2.5, 3.0, 4.0])
@pytest.mark.parametrize("name", SAMPLES)
def test_gaussian_blur_is_blurry(name: str, sigma: float) -> None:
    scene = _scene(name)
    assert _reasons(_blurred(scene, sigma), scene.box, scene.text_height_px) == ["blurry"]


@pytest.mark.parametrize("name", SAMPLES)
def test_blur_score_falls_as_blur_grows(name: str) -> None:
    scene = _scene(name)
    images = [scene.rgb] + [_blurred(scene, s) for s in (1.5, 2.5, 4.0)]
    scores = [assess(rgb, scene.box, [scene.text_height_px]).blur_score or 0.0 for rgb in images]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


# --- glare -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COLOURED_PAPER)
def test_a_big_highlight_over_the_text_is_glare(name: str) -> None:
    scene = _scene(name)
    shiny = _glare(scene.rgb, scene.box, axes=(0.35, 0.25))
    report = assess(shiny, scene.box, [scene.text_height_px])
    assert report.reasons == ["glare"]
    assert report.glare_fraction is not None
    assert report.glare_fraction > 1.5 * GLARE_MAX_FRACTION


@pytest.mark.parametrize("name", COLOURED_PAPER)
def test_a_small_highlight_is_not_glare(name: str) -> None:
    scene = _scene(name)
    speck = _glare(scene.rgb, scene.box, axes=(0.08, 0.05))
    assert _reasons(speck, scene.box, scene.text_height_px) == []


def test_white_paper_alone_is_not_glare() -> None:
    scene = _scene("white")
    assert glare_fraction(scene.rgb, scene.box) > 0.5  # most of the panel is at V=255 ...
    report = assess(scene.rgb, scene.box, [scene.text_height_px])
    assert report.glare_fraction == 0.0  # ... and none of it is glare
    assert report.reasons == []


def test_a_white_backdrop_inside_a_loose_panel_box_is_not_glare() -> None:
    sample = SAMPLES["white"]
    with PILImage.open(shared_data() / sample.path) as img:
        rgb = np.asarray(img.convert("RGB"))
    on_white, (x, y, w, h) = _frame(rgb, pad=0.15, colour=(255, 255, 255))
    loose = (x - w // 10, y - h // 10, w + w // 5, h + h // 5)
    assert _reasons(on_white, loose, sample.text_height_px) == []


def _overexposed(scene: Scene, gain: float) -> Image:
    """The scene lit harder toward its right side, as by a lamp off to one side: paper goes
    from as printed to blown out across the panel, while the ink stays dark."""
    ramp = np.linspace(1.0, gain, scene.rgb.shape[1])[None, :, None]
    return np.asarray((scene.rgb * ramp).clip(0, 255), dtype=np.uint8)


def _corners(box: Box) -> list[tuple[float, float]]:
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


# (paper, gain) where at least a fifth of the panel's pixels are blown out.
OVEREXPOSED = [("tub", 1.4), ("tub", 2.0), ("cookies", 2.0), ("soft", 1.7), ("butter", 1.4),
               ("butter", 2.0)]  # fmt: skip


@pytest.mark.parametrize(("name", "gain"), OVEREXPOSED)
def test_overexposed_paper_with_dark_print_is_not_glare(name: str, gain: float) -> None:
    scene = _scene(name)
    bright = _overexposed(scene, gain)
    assert glare_fraction(bright, scene.box) > 0.2
    assert "glare" not in _reasons(bright, scene.box, scene.text_height_px)


# A highlight running into overexposed paper is still seen while the paper is not wholly blown
# out; once it is (tub at 2.0, butter from 1.7), no rule on brightness can tell them apart.
@pytest.mark.parametrize(
    ("name", "gain"), [("tub", 1.4), ("tub", 1.7), ("cookies", 2.0), ("soft", 2.0), ("butter", 1.4)]
)
def test_a_highlight_on_overexposed_paper_is_glare(name: str, gain: float) -> None:
    scene = _scene(name)
    shiny = _glare(_overexposed(scene, gain), scene.box, axes=(0.35, 0.25))
    assert "glare" in _reasons(shiny, scene.box, scene.text_height_px)


def test_white_paper_in_a_loose_box_on_a_dark_table_is_not_glare() -> None:
    """A tilted label's panel box is partly table: the paper share is taken over the printed
    area (the hull of the text read), where the paper is white throughout."""
    sample = SAMPLES["white"]
    with PILImage.open(shared_data() / sample.path) as img:
        rgb = np.asarray(img.convert("RGB"))
    on_table, label = _frame(rgb, pad=0.3, colour=(120, 80, 50))
    x, y, w, h = label
    loose = (x - w // 4, y - h // 4, w + w // 2, h + h // 2)
    report = assess(on_table, loose, [sample.text_height_px], _corners(label))
    assert report.reasons == []
    assert report.glare_fraction == 0.0


def test_a_highlight_beside_the_printed_area_counts_only_near_it() -> None:
    scene = _scene("butter")
    shiny = _glare(scene.rgb, scene.box, axes=(0.35, 0.25))
    x, y, w, h = scene.box
    near = assess(shiny, scene.box, [scene.text_height_px], _corners(scene.box))
    assert near.reasons == ["glare"]
    # The same highlight with the text read in the panel's top tenth only, far from it.
    top = (x, y, w, h // 10)
    far = assess(shiny, scene.box, [scene.text_height_px], _corners(top))
    assert far.glare_fraction is not None and near.glare_fraction is not None
    assert far.glare_fraction < near.glare_fraction


def test_glare_does_not_also_count_as_blur() -> None:
    scene = _scene("soft")  # the softest sharp photo: the hardest case
    shiny = _glare(scene.rgb, scene.box, axes=(0.35, 0.25))
    report = assess(shiny, scene.box, [scene.text_height_px])
    assert report.reasons == ["glare"]


# --- too small ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_tiny_text_is_too_small(name: str) -> None:
    tiny = _shrunk(_scene(name), 6.0)
    assert _reasons(tiny.rgb, tiny.box, tiny.text_height_px) == ["too_small"]


@pytest.mark.parametrize("name", SAMPLES)
def test_text_just_over_the_limit_is_fine(name: str) -> None:
    small = _shrunk(_scene(name), 12.0)
    assert small.text_height_px > MIN_TEXT_HEIGHT_PX
    assert _reasons(small.rgb, small.box, small.text_height_px) == []


def _far_away(name: str, text_height_px: float) -> tuple[Image, Box]:
    """The panel at `text_height_px` inside a big 3000x2400 frame, as when shot from afar with a
    high-resolution camera."""
    small = _shrunk(_scene(name), text_height_px)
    x, y, w, h = small.box
    panel = small.rgb[y : y + h, x : x + w]
    frame = np.full((2400, 3000, 3), (70, 95, 130), dtype=np.uint8)
    frame[1000 : 1000 + h, 1200 : 1200 + w] = panel
    return frame, (1200, 1000, w, h)


def test_a_small_panel_with_smallish_text_is_too_small() -> None:
    frame, box = _far_away("butter", 12.0)
    assert box[2] * box[3] < 0.04 * frame.shape[0] * frame.shape[1]
    assert _reasons(frame, box, 12.0) == ["too_small"]


def test_a_small_panel_with_large_text_is_fine() -> None:
    frame, box = _far_away("butter", 20.0)
    assert box[2] * box[3] < 0.04 * frame.shape[0] * frame.shape[1]
    assert _reasons(frame, box, 20.0) == []


# --- cut off -----------------------------------------------------------------------------------


def _crop_through_panel(scene: Scene, side: str) -> tuple[Image, Box]:
    """Crop the photo so that a fifth of the panel falls outside the frame on `side`; the box is
    what a layout step would see: the visible part of the panel."""
    x, y, w, h = scene.box
    rgb = scene.rgb
    if side == "right":
        cut = x + (4 * w) // 5
        return rgb[:, :cut], (x, y, cut - x, h)
    if side == "bottom":
        cut = y + (4 * h) // 5
        return rgb[:cut], (x, y, w, cut - y)
    if side == "left":
        cut = x + w // 5
        return rgb[:, cut:], (0, y, w - w // 5, h)
    cut = y + h // 5
    return rgb[cut:], (x, 0, w, h - h // 5)


@pytest.mark.parametrize("side", ["right", "bottom", "left", "top"])
@pytest.mark.parametrize("name", ["tub", "cookies"])
def test_a_panel_cut_by_the_frame_is_cut_off(name: str, side: str) -> None:
    scene = _scene(name)
    rgb, box = _crop_through_panel(scene, side)
    assert _reasons(np.ascontiguousarray(rgb), box, scene.text_height_px) == ["cut_off"]


def test_edges_reached_uses_one_percent_of_each_side() -> None:
    assert not edges_reached((11, 21, 100, 100), 1000, 2000)  # 1% = 10 px across, 20 px down
    assert edges_reached((10, 21, 100, 100), 1000, 2000)
    assert edges_reached((11, 20, 100, 100), 1000, 2000)
    assert edges_reached((500, 500, 490, 100), 1000, 2000)  # right edge at 990
    assert not edges_reached((500, 500, 489, 100), 1000, 2000)
    assert edges_reached((500, 500, 100, 1480), 1000, 2000)  # bottom edge at 1980


# --- no panel, and the order of reasons -----------------------------------------------------------


def test_no_panel_found_judges_the_whole_photo() -> None:
    scene = _scene("butter")
    assert _reasons(scene.rgb, None, scene.text_height_px) == ["no_panel_found"]
    blurred = _blurred(scene, 4.0)
    assert _reasons(blurred, None, scene.text_height_px) == ["no_panel_found", "blurry"]


def test_reasons_come_in_the_documented_order() -> None:
    scene = _scene("butter")
    rgb, box = _crop_through_panel(scene, "right")
    rgb = np.ascontiguousarray(rgb)
    blurred_shiny = _glare(
        _blurred(Scene(rgb, box, scene.text_height_px), 3.0), box, axes=(0.35, 0.25)
    )
    assert _reasons(blurred_shiny, box, scene.text_height_px) == ["blurry", "glare", "cut_off"]

    tiny = _shrunk(Scene(rgb, box, scene.text_height_px), 6.0)
    assert _reasons(tiny.rgb, tiny.box, tiny.text_height_px) == ["too_small", "cut_off"]
    assert _reasons(tiny.rgb, None, tiny.text_height_px) == ["no_panel_found", "too_small"]


# --- the measures themselves ---------------------------------------------------------------------


def _speckle(seed: int = 5) -> npt.NDArray[np.float64]:
    """Random dark specks on light paper: text-like detail at every orientation."""
    dots = (np.random.default_rng(seed).random((120, 160)) > 0.8).astype(np.float64)
    return np.asarray(cv2.GaussianBlur(dots, (0, 0), 0.7), dtype=np.float64)


def test_blur_score_of_synthetic_patterns() -> None:
    sharp = (255 - 220 * _speckle()).astype(np.uint8)
    soft = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 2.5), dtype=np.uint8)
    assert blur_score(sharp) > 5 * blur_score(soft)
    assert blur_score(np.full((50, 50), 128, dtype=np.uint8)) == pytest.approx(
        0.0, abs=1e-9
    )  # flat
    assert blur_score(np.zeros((2, 50), dtype=np.uint8)) == 0.0  # too small to judge
    rgb = np.repeat(sharp[..., None], 3, axis=2)
    assert blur_score(rgb) == pytest.approx(blur_score(sharp))
    nowhere = np.zeros(sharp.shape, dtype=np.bool_)
    assert blur_score(sharp, nowhere) == 0.0


def test_blur_score_ignores_contrast() -> None:
    """Faint grey print on grey paper is as sharp as black on white."""
    strong = (255 - 220 * _speckle()).astype(np.uint8)
    faint = (200 - 60 * _speckle()).astype(np.uint8)
    assert blur_score(faint) == pytest.approx(blur_score(strong), rel=0.25)


def test_glare_fraction_is_the_raw_blown_out_share() -> None:
    rgb = np.zeros((10, 20, 3), dtype=np.uint8)
    rgb[:, :10] = 255  # left half white
    rgb[0, 15] = (255, 255, 0)  # blown-out yellow is coloured, not glare
    assert glare_fraction(rgb) == pytest.approx(0.5)
    assert glare_fraction(rgb, (0, 0, 10, 10)) == pytest.approx(1.0)
    assert glare_fraction(rgb, (10, 0, 10, 10)) == 0.0
    assert glare_fraction(rgb, (5, 0, 10, 10)) == pytest.approx(0.5)


def test_text_heights_are_summarised_by_their_median() -> None:
    scene = _scene("butter")
    heights = [scene.text_height_px] * 5 + [400.0, 2.0, float("nan"), -3.0, 0.0]
    assert assess(scene.rgb, scene.box, heights).text_height_px == scene.text_height_px
    unknown = assess(scene.rgb, scene.box, [])
    assert unknown.text_height_px is None
    assert "too_small" not in unknown.reasons


def test_a_box_outside_the_image_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="does not overlap"):
        assess(np.zeros((10, 10, 3), dtype=np.uint8), (20, 20, 5, 5), [12.0])


@pytest.mark.parametrize("text_height", [None, 6.0, 24.0])
def test_the_measured_region_is_bounded(text_height: float | None) -> None:
    """A 40 MP photo without a panel, or with tiny text that would be enlarged four times, is
    measured on at most MEASURE_MAX_PIXELS."""
    photo = np.full((5000, 8000, 3), 200, dtype=np.uint8)
    scaled, measured_height = at_text_scale(photo, text_height)
    assert scaled.shape[0] * scaled.shape[1] <= MEASURE_MAX_PIXELS * 1.001
    if text_height is not None:
        assert measured_height == pytest.approx(text_height * scaled.shape[1] / 8000, rel=1e-3)
