"""Is a photo good enough to read? Pure pixel measurements, with the reasons a user can act on.

Blur and glare are measured on the panel region after rescaling it so that the median text
height is TARGET_TEXT_HEIGHT_PX: a 4000-pixel photo and a 1000-pixel photo of the same label then
give the same numbers, so one threshold serves every resolution.

The thresholds were calibrated on real photos from ../shared/data (photos-off-nutrition and
photos-ellasemancik, read in place) and synthetic degradations of them (Gaussian blur, an
additive elliptical highlight, downscaling, crops); tests/ocr/test_quality.py repeats those
measurements. Text heights were measured as Tesseract word-box heights (cap/ascender top to
descender bottom), which is what the OCR engines hand to `assess`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from catalog.sections import panel_bottom, panel_section_end, panel_top
from ocr.image import grey_values
from ocr.types import Image, QualityReport, TextBox

Box = tuple[int, int, int, int]  # x, y, width, height in image pixels

# Scale at which blur and glare are measured: a comfortable OCR size for the median text line.
TARGET_TEXT_HEIGHT_PX: Final = 24.0
# The measured region is never larger than this (pixels): a whole photo without a panel, or a
# panel with tiny text enlarged, would otherwise cost seconds and hundreds of MB. Past it the
# text is measured a little under TARGET_TEXT_HEIGHT_PX.
MEASURE_MAX_PIXELS: Final = 8_000_000
# Never enlarge a region more than this: memory stays bounded and tinier text is "too_small".
MAX_UPSCALE: Final = 4.0

# Tesseract kept 72-97% of the words of 4 of 6 real labels at 8 px text, 33-81% at 6 px: 9 px
# leaves a pixel of margin above the point where recognition collapses.
MIN_TEXT_HEIGHT_PX: Final = 9.0
# A panel this small in the frame means the user stood far away (a framed panel is ~30-100%) ...
SMALL_PANEL_AREA_SHARE: Final = 0.04
# ... which only matters while the text is smallish (Tesseract kept 81-98% of words from 14 px
# up on the same labels); a 48 MP shot from afar can still resolve the panel.
SMALL_PANEL_TEXT_HEIGHT_PX: Final = 16.0

# Ten sharp real photos score 34-111 at 24 px text; Gaussian blur of sigma 2.5 there (plus noise
# and JPEG) 4-12, sigma 2 7-20: 18 is 1.9x under the softest sharp photo, 1.5x over sigma 2.5.
BLUR_MIN_SCORE: Final = 18.0
# A photo under this score, though not blurry by BLUR_MIN_SCORE, is blurred if its rows were
# also read unsure: their median recognition confidence (RapidOCR, 0-1) under
# UNSURE_MEDIAN_CONFIDENCE. Found on seeds 7 and 17 and the real photos with truth: synthetic
# photos scoring 18-40 whose rows' median confidence is under 0.93 read 42 of their 72 rows,
# with 21 wrong; of the real photos, the two caught read 1 of 9 rows and 0 of 8, five wrong,
# and the softest that reads well has a median of 0.944 (the sharp ones 0.95 and up).
UNSURE_BLUR_MAX_SCORE: Final = 40.0
UNSURE_MEDIAN_CONFIDENCE: Final = 0.93
# Pre-smoothing (sigma, px at 24 px text) so sensor/JPEG noise does not read as sharpness: with a
# plain Laplacian, noise of sigma 4 tripled the score of blurred photos, into the sharp range.
BLUR_DENOISE_SIGMA: Final = 1.0
# Local deviation (grey levels) below which a neighbourhood is flat paper, not faint print.
BLUR_FLAT_LEVEL: Final = 10.0
# Every neighbourhood is rescaled to this deviation (grey levels), typical of print on paper.
BLUR_REFERENCE_CONTRAST: Final = 32.0

# "Blown out": HSV value above this (of 255) ...
GLARE_MIN_VALUE: Final = 245
# ... and colourless (HSV saturation below this, of 255): a highlight bleaches the ink colour.
GLARE_MAX_SATURATION: Final = 30
# Opening diameter in text heights: removes paper between strokes and lines, and white print,
# keeps highlights that hide whole lines.
GLARE_OPENING_TEXT_HEIGHTS: Final = 1.0
# Blobs smaller than this share of the panel are specks (reflective dots, white rules), not glare.
GLARE_MIN_BLOB_SHARE: Final = 0.01
# Closing with this many text heights fills the text in, leaving the paper ...
PAPER_CLOSING_TEXT_HEIGHTS: Final = 1.5
# ... which is "blown out" above this share: white renders 0.83-1.0, glare over half the panel
# 0.48-0.76, real photos of white paper 0.05-0.35.
PAPER_WHITE_SHARE: Final = 0.8
# 156 real panel photos without a clipped highlight: at most 0.043 of the panel in blobs;
# synthetic highlights over the text (semi-axes 30%x20% / 35%x25% of the panel) 0.10-0.14 /
# 0.14-0.22; the one real photo with a clipped highlight (0072979000206) 0.16.
GLARE_MAX_FRACTION: Final = 0.08

# Print left inside a blown-out blob: where its darkest tenth (GLARE_INK_DARK_SHARE) is darker
# than this grey level, the text is readable and the blob is overexposed paper between text,
# not glare. Measured per blob (10th percentile): blown paper on synthetic photos 54-141;
# highlights washing text out on synthetic photos 158-244, on real photos with a test
# highlight 170-206.
GLARE_INK_MAX_GREY: Final = 150
GLARE_INK_DARK_SHARE: Final = 0.1
# Tiles of this many text heights a side: about a word of a row and the gap to the next row.
GLARE_TILE_TEXT_HEIGHTS: Final = 3.0
# A tile with fewer print pixels than this has nothing left to judge (blank, or washed out).
GLARE_INK_MIN_PIXELS: Final = 20

# Glare this many text heights outside the text read still counts: it hides the rows next to it.
PRINTED_MARGIN_TEXT_HEIGHTS: Final = 3.0

# Text within 1% of the image's side of an edge reaches it: the panel may be cut by the frame.
EDGE_MARGIN_SHARE: Final = 0.01
# Whether text reaching the left or right edge is cut: the frame's outermost pixels (this many
# text heights, at least 2 px) across the middle of each text box that reaches the edge ...
EDGE_STRIP_TEXT_HEIGHTS: Final = 0.1
# ... cross print (a glyph sliced by the frame) when their contrast is at least this share of
# the box's own; paper or background between the text and the frame is flat ...
EDGE_INK_SHARE: Final = 0.5
# ... and the side is cut when at least this share of the rows reaching it are sliced.
EDGE_CUT_ROW_SHARE: Final = 1 / 3
# Contrast is the spread between the darkest and the lightest this-many percent of the pixels:
# robust to a stray pixel, and blind to which of ink and paper is the darker.
EDGE_SPREAD_PERCENTILE: Final = 5.0


def blur_score(grey: Image, where: npt.NDArray[np.bool_] | None = None) -> float:
    """Variance of the Laplacian (OpenCV) of the locally contrast-normalised image: high when
    edges are crisp, low when blurred.

    Each neighbourhood (a Gaussian window of one target text height) is first rescaled to a
    standard deviation of BLUR_REFERENCE_CONTRAST grey levels, so that faint print, shadows and
    the washed-out halo around a highlight are judged on focus rather than on contrast; flat
    areas (local deviation under BLUR_FLAT_LEVEL grey levels) stay flat instead of amplifying
    noise. A BLUR_DENOISE_SIGMA Gaussian then keeps sensor and JPEG noise from passing for
    sharpness. `where` restricts the statistic to some pixels (`assess` leaves glare out: a
    highlight has no edges, and counting it would report one problem twice). Only comparable at
    the same text scale, which is why `assess` rescales to TARGET_TEXT_HEIGHT_PX first. Colour
    input is converted to grey; an image under 3x3 pixels scores 0.
    """
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    # float32: the statistic needs no more, and each array is the size of the measured region
    # (several live at once; in float64 they were most of the scan's peak memory).
    values = grey_values(grey)
    mean = cv2.GaussianBlur(values, (0, 0), TARGET_TEXT_HEIGHT_PX)
    spread = np.sqrt(
        np.maximum(
            cv2.GaussianBlur(values * values, (0, 0), TARGET_TEXT_HEIGHT_PX) - mean * mean, 0.0
        )
    )
    normalised = (values - mean) * (
        BLUR_REFERENCE_CONTRAST / np.maximum(spread, np.float32(BLUR_FLAT_LEVEL))
    )
    smooth = cv2.GaussianBlur(normalised, (0, 0), BLUR_DENOISE_SIGMA)
    laplacian = cv2.Laplacian(smooth, cv2.CV_32F)
    selected = laplacian if where is None else laplacian[where]
    return float(selected.var(dtype=np.float64)) if selected.size else 0.0


def soft_and_unsure(score: float | None, confidences: Sequence[float]) -> bool:
    """Whether a photo soft by its `score` (`blur_score`) is blurred past reading, judged by
    the confidences its rows were read with; False without rows to judge."""
    if score is None or not confidences:
        return False
    unsure = statistics.median(confidences) < UNSURE_MEDIAN_CONFIDENCE
    return score < UNSURE_BLUR_MAX_SCORE and unsure


def glare_fraction(rgb: Image, region: Box | None = None) -> float:
    """Share of blown-out, colourless pixels (V > GLARE_MIN_VALUE and S < GLARE_MAX_SATURATION)
    in `region` (x, y, w, h) or the whole image. Raw: white paper counts too; `assess` uses
    `glare_blob_fraction`, which does not."""
    crop = rgb if region is None else _crop(rgb, region)
    if crop.size == 0:
        return 0.0
    return float(_blown_mask(crop).mean())


def glare_blob_fraction(panel: Image, text_height_px: float) -> float:
    """Share of the panel hidden under glare (see `glare_mask` for the rule)."""
    mask = glare_mask(panel, text_height_px)
    return float(mask.mean()) if mask.size else 0.0


def glare_mask(
    panel: Image, text_height_px: float, printed: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.bool_]:
    """Pixels under glare: solid blown-out blobs on paper that is not itself blown out.

    The rule, and why: (1) blown-out pixels are opened with a disc of GLARE_OPENING_TEXT_HEIGHTS
    text heights, which deletes the paper between letters and lines and keeps highlights that
    hide whole lines; (2) blobs under GLARE_MIN_BLOB_SHARE of the panel are dropped as specks;
    (3) when the paper itself is blown out (closing the blown-out mask with a disc of
    PAPER_CLOSING_TEXT_HEIGHTS text heights, which fills the text in, covers over
    PAPER_WHITE_SHARE of the panel: scans, renders, overexposed shots) a highlight cannot be told
    from paper by brightness, so nothing counts. A white background alone is never glare.

    `printed` (optional, same shape) marks the printed area: the hull of the text read. The
    paper share is then taken there, not over the panel's box, which on a tilted label is
    partly table or hand (a wholly blown-out label then read as a 28% highlight); glare blobs
    still count up to PRINTED_MARGIN_TEXT_HEIGHTS beyond it, where a highlight hides rows.
    """
    blown = _blown_mask(panel)
    none = np.zeros(blown.shape, dtype=np.bool_)
    if blown.size == 0:
        return none
    if printed is not None and not printed.any():
        printed = None
    paper = _morph(blown, cv2.MORPH_CLOSE, text_height_px * PAPER_CLOSING_TEXT_HEIGHTS)
    paper_share = paper[printed].mean() if printed is not None else paper.mean()
    if paper_share > PAPER_WHITE_SHARE:
        return none
    solid = _morph(blown, cv2.MORPH_OPEN, text_height_px * GLARE_OPENING_TEXT_HEIGHTS)
    _, found, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    labels: npt.NDArray[np.int32] = np.asarray(found, dtype=np.int32)
    big = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= GLARE_MIN_BLOB_SHARE * blown.size)
    glare = np.isin(labels, big[big > 0])
    glare &= ~_readable_tiles(panel, glare, blown, text_height_px)
    if printed is not None:
        near = _morph(
            printed.astype(np.uint8),
            cv2.MORPH_DILATE,
            text_height_px * 2 * PRINTED_MARGIN_TEXT_HEIGHTS,
        )
        glare &= near.astype(np.bool_)
    return glare


def assess(
    rgb: Image,
    panel_box: Box | None,
    text_heights_px: Sequence[float],
    text_points: Sequence[tuple[float, float]] = (),
    texts: Sequence[TextBox] = (),
) -> QualityReport:
    """Judge a photo from its pixels, the panel's box (None if no panel was found), the heights
    of the text the OCR found, the corners of that text (its hull is the printed area, see
    `glare_mask`) and the text boxes themselves, all in the photo's original pixels.

    Reasons, in this order when they apply: no_panel_found, too_small, blurry, glare, cut_off.
    Without a panel, blur and glare are judged on the whole photo (a blurred photo is a common
    cause of not finding one); without text heights, at the photo's own scale, and "too_small"
    then only follows from the panel's share of the frame. "blurry" is not given when the text
    itself is below MIN_TEXT_HEIGHT_PX: at that size any photo looks soft once enlarged, and
    "too_small" already says what to do (move closer). A panel reaching the frame's edge is
    cut off unless `texts` show it whole on that side (`cut_sides`).
    """
    report = QualityReport()
    text_height = _median_height(text_heights_px)
    report.text_height_px = text_height
    region = _crop(rgb, panel_box) if panel_box is not None else rgb
    scaled, scaled_text_height = at_text_scale(region, text_height)
    printed = _printed_area(scaled.shape[:2], text_points, panel_box, region.shape[:2])
    glare = glare_mask(scaled, scaled_text_height, printed)
    report.glare_fraction = float(glare.mean()) if glare.size else 0.0
    report.blur_score = blur_score(scaled, _away_from(glare, scaled_text_height))

    tiny_text = text_height is not None and text_height < MIN_TEXT_HEIGHT_PX
    if panel_box is None:
        report.reasons.append("no_panel_found")
    if _too_small(text_height, _area_share(panel_box, rgb)):
        report.reasons.append("too_small")
    if report.blur_score < BLUR_MIN_SCORE and not tiny_text:
        report.reasons.append("blurry")
    if report.glare_fraction > GLARE_MAX_FRACTION:
        report.reasons.append("glare")
    if panel_box is not None and cut_sides(rgb, panel_box, texts):
        report.reasons.append("cut_off")
    return report


def cut_sides(rgb: Image, panel_box: Box, texts: Sequence[TextBox] = ()) -> list[str]:
    """The sides ("top", "bottom", "left", "right") where the frame cuts the panel. A panel
    photographed close up reaches the frame's edge (within EDGE_MARGIN_SHARE) without being cut,
    so reaching an edge is not enough when the text read is known:

    - top: cut unless the panel's heading (catalog/data/panel_ends.yaml `top`) was read in the
      upper half of the text: the heading is the panel's first line;
    - bottom: cut unless something that closes the table was read in the lower half: a
      footnote or "Other ingredients" (`bottom`), or a line opening the next section of the
      label (sections.yaml `section_ends`);
    - left and right: cut when the rows reaching that edge run into it, glyphs sliced by the
      frame (`_sliced`); a tight crop leaves paper or background, however little, past them.

    Without `texts`, every side the panel reaches counts as cut."""
    height, width = rgb.shape[:2]
    sides = edges_reached(panel_box, width, height)
    if not texts or not sides:
        return sides
    _, y, _, h = panel_box
    middle = y + h / 2
    lines = _lines_of(texts)
    upper = [text for centre, text in lines if centre <= middle]
    lower = [text for centre, text in lines if centre >= middle]
    cut = []
    for side in sides:
        if side == "top":
            whole = any(panel_top().search(t) for t in upper)
        elif side == "bottom":
            whole = any(panel_bottom().search(t) or panel_section_end().match(t) for t in lower)
        else:
            whole = not _sliced(rgb, texts, side, EDGE_MARGIN_SHARE * width)
        if not whole:
            cut.append(side)
    return cut


def _lines_of(texts: Sequence[TextBox]) -> list[tuple[float, str]]:
    """The boxes joined into lines, left to right (centre height, text): an engine often reads
    a heading in large type as one box a word ("Nutrition", "Facts")."""
    lines: list[list[TextBox]] = []
    for box in sorted(texts, key=lambda b: b.center_y):
        last = lines[-1] if lines else None
        if last is not None and abs(box.center_y - last[0].center_y) <= last[0].height / 2:
            last.append(box)
        else:
            lines.append([box])
    return [
        (line[0].center_y, " ".join(b.text for b in sorted(line, key=lambda b: b.left)))
        for line in lines
    ]


def _sliced(rgb: Image, texts: Sequence[TextBox], side: str, margin_px: float) -> bool:
    """Whether the rows reaching the left or right edge run into it: across the middle half of
    each box within `margin_px` of the edge, the frame's outermost pixels (EDGE_STRIP_TEXT_HEIGHTS
    text heights) hold print, contrast at least EDGE_INK_SHARE of the box's own."""
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb, np.uint8)
    height, width = grey.shape
    rows = [
        b
        for b in texts
        if (b.left <= margin_px if side == "left" else b.right >= width - margin_px)
    ]
    sliced = 0
    for box in rows:
        y0 = max(0, round(box.center_y - box.height / 4))
        y1 = min(height, round(box.center_y + box.height / 4) + 1)
        x0, x1 = max(0, math.floor(box.left)), min(width, math.ceil(box.right))
        strip_w = max(2, round(EDGE_STRIP_TEXT_HEIGHTS * box.height))
        if y1 - y0 < 2 or x1 - x0 < 2 * strip_w:
            continue
        strip = grey[y0:y1, :strip_w] if side == "left" else grey[y0:y1, width - strip_w :]
        own = grey[y0:y1, x0:x1]
        if _spread_along_rows(strip) >= EDGE_INK_SHARE * _spread(own):
            sliced += 1
    return bool(rows) and sliced >= EDGE_CUT_ROW_SHARE * len(rows)


def _spread_along_rows(strip: npt.NDArray[np.uint8]) -> float:
    """The contrast down the strip's columns, the most of any column: glyphs the frame slices
    change along a column, while a panel's border rule or the edge of the label's background,
    running down the frame beside the rows, keeps each column of the strip one shade."""
    lo, hi = np.percentile(strip, (EDGE_SPREAD_PERCENTILE, 100 - EDGE_SPREAD_PERCENTILE), axis=0)
    return float(np.max(hi - lo))


def _spread(values: npt.NDArray[np.uint8]) -> float:
    lo, hi = np.percentile(values, (EDGE_SPREAD_PERCENTILE, 100 - EDGE_SPREAD_PERCENTILE))
    return float(hi - lo)


def _readable_tiles(
    panel: Image,
    glare: npt.NDArray[np.bool_],
    blown: npt.NDArray[np.uint8],
    text_height_px: float,
) -> npt.NDArray[np.bool_]:
    """Pixels of the tiles (GLARE_TILE_TEXT_HEIGHTS text heights square) where print under the
    candidate glare is still dark: there the blown-out pixels are bright paper between readable
    text, not a highlight; so are blank tiles next to them. A highlight adds light to the ink
    under it as well, so the text it covers turns pale or vanishes. Judged tile by tile because
    a highlight often runs into overexposed paper and forms one blob with it."""
    grey = cv2.cvtColor(panel, cv2.COLOR_RGB2GRAY) if panel.ndim == 3 else panel
    # The print inside the candidate: filled over the text, minus what is itself blown out.
    filled = _morph(
        glare.astype(np.uint8), cv2.MORPH_CLOSE, text_height_px * PAPER_CLOSING_TEXT_HEIGHTS
    )
    ink = (filled > 0) & (blown == 0)
    dark = ink & (grey < GLARE_INK_MAX_GREY)
    tile = max(4, round(text_height_px * GLARE_TILE_TEXT_HEIGHTS))
    h, w = glare.shape
    rows, cols = -(-h // tile), -(-w // tile)

    def per_tile(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        padded = np.zeros((rows * tile, cols * tile), dtype=np.int64)
        padded[:h, :w] = mask
        return np.asarray(padded.reshape(rows, tile, cols, tile).sum(axis=(1, 3)), np.int64)

    n_ink, n_dark = per_tile(ink), per_tile(dark)
    printed = n_ink >= GLARE_INK_MIN_PIXELS
    readable = printed & (n_dark >= GLARE_INK_DARK_SHARE * n_ink)
    # A blank tile beside readable print is the paper between columns or rows; one with pale
    # print, or blank amid pale or blank tiles, is what a highlight leaves.
    beside = cv2.dilate(readable.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    readable |= beside & ~printed
    expanded = np.repeat(np.repeat(readable, tile, axis=0), tile, axis=1)[:h, :w]
    return np.asarray(expanded, dtype=np.bool_)


def _printed_area(
    shape: tuple[int, ...],
    points: Sequence[tuple[float, float]],
    panel_box: Box | None,
    region_shape: tuple[int, ...],
) -> npt.NDArray[np.bool_] | None:
    """The convex hull of the text's corners, drawn on the scaled region (None: no text)."""
    if len(points) < 3:
        return None
    x0, y0 = (max(0, panel_box[0]), max(0, panel_box[1])) if panel_box is not None else (0, 0)
    sx, sy = shape[1] / region_shape[1], shape[0] / region_shape[0]
    pts = np.array([((x - x0) * sx, (y - y0) * sy) for x, y in points], dtype=np.float32)
    hull = cv2.convexHull(pts).round().astype(np.int32)
    mask = np.zeros(shape[:2], dtype=np.uint8)
    cv2.fillConvexPoly(mask, hull, 1)
    return np.asarray(mask, dtype=np.bool_)


def edges_reached(box: Box, width: int, height: int) -> list[str]:
    """The sides ("top", "bottom", "left", "right") the box comes within EDGE_MARGIN_SHARE of
    the image's side of."""
    x, y, w, h = box
    margin_x, margin_y = EDGE_MARGIN_SHARE * width, EDGE_MARGIN_SHARE * height
    reached = {
        "top": y <= margin_y,
        "bottom": y + h >= height - margin_y,
        "left": x <= margin_x,
        "right": x + w >= width - margin_x,
    }
    return [side for side, hit in reached.items() if hit]


def _too_small(text_height: float | None, panel_share: float | None) -> bool:
    if text_height is not None and text_height < MIN_TEXT_HEIGHT_PX:
        return True
    if panel_share is None or panel_share >= SMALL_PANEL_AREA_SHARE:
        return False
    return text_height is None or text_height < SMALL_PANEL_TEXT_HEIGHT_PX


def _median_height(heights: Sequence[float]) -> float | None:
    valid = [float(h) for h in heights if math.isfinite(h) and h > 0]
    return statistics.median(valid) if valid else None


def _area_share(box: Box | None, rgb: Image) -> float | None:
    if box is None:
        return None
    return (box[2] * box[3]) / float(rgb.shape[0] * rgb.shape[1])


def _crop(rgb: Image, box: Box) -> Image:
    """The box clipped to the image; a box that misses the image entirely is a caller's bug."""
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(rgb.shape[1], x + w), min(rgb.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {box} does not overlap the {rgb.shape[1]}x{rgb.shape[0]} image")
    return rgb[y0:y1, x0:x1]


def at_text_scale(region: Image, text_height: float | None) -> tuple[Image, float]:
    """The region resized so its median text is TARGET_TEXT_HEIGHT_PX tall (at most MAX_UPSCALE
    times larger, and never over MEASURE_MAX_PIXELS), and the text height after resizing.
    Unknown text height: left as is (shrunk to MEASURE_MAX_PIXELS), with TARGET_TEXT_HEIGHT_PX
    assumed."""
    pixels = region.shape[0] * region.shape[1]
    # Bounded work and memory: a 41 MP photo measured whole at its own scale took 23 s.
    largest = math.sqrt(MEASURE_MAX_PIXELS / pixels) if pixels else 1.0
    if text_height is None:
        if largest >= 1.0:
            return region, TARGET_TEXT_HEIGHT_PX
        scale = largest
    else:
        scale = min(TARGET_TEXT_HEIGHT_PX / text_height, MAX_UPSCALE, largest)
    if abs(scale - 1.0) < 0.02:
        return region, text_height if text_height is not None else TARGET_TEXT_HEIGHT_PX
    size = (max(1, round(region.shape[1] * scale)), max(1, round(region.shape[0] * scale)))
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    resized = cv2.resize(region, size, interpolation=interpolation)
    measured = text_height * scale if text_height is not None else TARGET_TEXT_HEIGHT_PX
    return np.asarray(resized, dtype=np.uint8), measured


def _blown_mask(rgb: Image) -> npt.NDArray[np.uint8]:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    blown = (hsv[..., 2] > GLARE_MIN_VALUE) & (hsv[..., 1] < GLARE_MAX_SATURATION)
    return blown.astype(np.uint8)


def _away_from(mask: npt.NDArray[np.bool_], text_height_px: float) -> npt.NDArray[np.bool_]:
    """Pixels more than half a text height from `mask`: a highlight's rim is an edge too, but
    not one that says anything about focus."""
    grown = _morph(mask.astype(np.uint8), cv2.MORPH_DILATE, text_height_px)
    return np.asarray(grown == 0, dtype=np.bool_)


def _morph(mask: npt.NDArray[np.uint8], op: int, diameter_px: float) -> npt.NDArray[np.uint8]:
    size = max(3, round(diameter_px) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    return np.asarray(cv2.morphologyEx(mask, op, disc), dtype=np.uint8)
