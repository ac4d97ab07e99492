"""The OCR room's one entry point: photo bytes -> panel lines, quality and barcodes.

Steps, cheapest first, so that the expensive reading runs only on the panel:
1. decode (type sniffed from the bytes, EXIF orientation honoured, pixel caps);
2. on a large photo, find text regions on a small copy and keep the densest block (the panel),
   then crop it from the full-resolution image and scale it so its text is the height the
   recogniser reads best; a small photo is read whole;
3. sharpen what is to be read when it is out of focus (`deblur`: the blur is measured on the
   pixels the engine gets, and deconvolved; the detector searches a copy deconvolved harder,
   the recogniser reads the lines it finds from the first); on request, even out its contrast
   (`contrast`: the app asks for it on a second reading of a photo whose first lost rows),
   or read it larger (the app's third reading, when rows are still lost);
4. read; when the text read runs to the crop's top or bottom edge (a tall panel whose rows
   the small copy did not show), grow the crop and read again; if the reading looks like a
   page turned 90 or 180 degrees, turn it and read again (not when almost no text was found:
   turning finds no more);
5. rebuild rows from the boxes (`layout`), with every box mapped back to the photo's pixels;
6. judge the photo (`quality`, on the photo as sent) and look for a barcode.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

import cv2
import numpy as np

from catalog.parse import Line
from ocr.barcode import read_barcodes, upc_of
from ocr.contrast import evened
from ocr.deblur import sharpened, sharpened_for_engine
from ocr.engines import Engine, EngineName, get_engine
from ocr.image import decode, downscale, rotate
from ocr.layout import stacked_blocks, to_lines
from ocr.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS
from ocr.quality import assess
from ocr.types import Image, QualityReport, TextBox

# Photos up to this size are read whole (the recogniser's own limit is 2400 px a side);
# larger ones are cropped to the panel first.
READ_WHOLE_MAX_SIDE = 2400
READ_WHOLE_MAX_PIXELS = 4_000_000
# The small copy used to find the panel. Its detection costs a quarter of the time of a large
# photo; measured on the 133 synthetic photos read through a crop, 960 px kept the rows right
# (412) and cut the median from 1.71 s to 1.41 s; 800 px lost two rows.
LOCATE_MAX_SIDE = 960
# Text height (px) the recogniser reads best; PP-OCR's recogniser works on 48 px line crops.
TARGET_TEXT_HEIGHT = 32.0
MAX_UPSCALE = 3.0
MAX_READ_SIDE = 2400
# Words that occur on facts panels. A page read upside down or sideways gives almost none of
# them (measured: 31 on an upright panel, 1 on the same panel turned), so their count decides
# which way up a photo is, without asking the catalog what the words mean.
_PANEL_WORDS = re.compile(
    r"\b(?:facts|serving|servings|amount|daily|value|calories|fat|sodium|protein|vitamin|"
    r"magnesium|calcium|iron|zinc|ingredients|total|energy|carbohydrate|sugars|cholesterol|"
    r"fiber|fibre|potassium|supplement|nutrition|saturated|trans|dietary|container|size|per)\b",
    re.I,
)
# Text read within this many text heights of a crop's top or bottom edge runs past it.
EDGE_TEXT_HEIGHTS = 1.0
# At most this many readings of a grown crop (the block triples in height each time).
MAX_GROWTH = 2
# An upright reading with at least this many panel words is accepted without trying turns.
_UPRIGHT_WORDS = 3
# Which quantile of the box heights is the body text (see `_body_height`).
_BODY_QUANTILE = 0.3
# Text clusters this many text heights from the panel, beside or above/below it, join it.
_MERGE_GAP_EM = 4.0
# A panel has at least a heading, a serving line and a row.
_MIN_PANEL_BOXES = 4


@dataclass(slots=True)
class PageReading:
    """What one photo gave: lines for the parser, plus what the app shows or stores."""

    lines: list[Line]
    quality: QualityReport
    upc: str | None = None
    width: int = 0
    height: int = 0
    quarter_turns: int = 0  # how the page was turned before reading (counter-clockwise)
    engine: str = ""
    boxes: list[TextBox] = field(default_factory=list)
    # Text of small stacked blocks (seals), for finding marks; not panel rows.
    blocks: list[str] = field(default_factory=list)


def _panel_words(boxes: list[TextBox]) -> int:
    return sum(len(_PANEL_WORDS.findall(b.text)) for b in boxes)


def _median_height(boxes: list[TextBox]) -> float:
    heights = [b.height for b in boxes if b.height > 0]
    return statistics.median(heights) if heights else 0.0


def _body_height(boxes: list[TextBox]) -> float:
    """The height of the panel's body text: a low quantile of the box heights, because a
    heading in large type, and the several-line boxes a detector draws around tiny text on a
    small copy, are all taller than a row. Scaling by the median of a panel with few boxes
    made the crop up to seven times too small. Each box's own height (`line_height`), not its
    upright extent: a panel turned by 5 degrees has long lines whose extent is three to six
    text heights, and its crop was read that much too small."""
    heights = sorted(b.line_height for b in boxes if b.line_height > 0)
    if not heights:
        return 0.0
    return heights[int(_BODY_QUANTILE * (len(heights) - 1))]


def _gap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int]:
    """Horizontal and vertical distance between two (x, y, w, h) boxes; 0 where they overlap."""
    dx = max(a[0] - (b[0] + b[2]), b[0] - (a[0] + a[2]), 0)
    dy = max(a[1] - (b[1] + b[3]), b[1] - (a[1] + a[3]), 0)
    return dx, dy


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def _boxes_in(boxes: list[TextBox], block: tuple[int, int, int, int]) -> int:
    x, y, w, h = block
    return sum(
        1 for b in boxes if x <= (b.left + b.right) / 2 <= x + w and y <= b.center_y <= y + h
    )


def densest_block(boxes: list[TextBox], shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box (x, y, w, h) of the largest cluster of text: boxes are drawn on a mask,
    grown by about one text height so that a panel's rows join, and the component holding the
    most text area wins. Clusters close to the winner are then taken in with it: on a small
    copy the detector misses faint or tiny rows, and the hole they leave splits a panel in two
    (the heading and first rows apart from the rest, or the names apart from the amounts)."""
    if not boxes:
        return None
    h, w = shape
    em = _median_height(boxes)
    grow = max(2, round(em * 1.2))
    mask = np.zeros((h, w), np.uint8)
    for b in boxes:
        x0, y0 = max(0, int(b.left) - grow), max(0, int(b.top) - grow)
        x1, y1 = min(w, int(b.right) + grow), min(h, int(b.bottom) + grow)
        mask[y0:y1, x0:x1] = 1
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count <= 1:
        return None
    area = np.zeros(count)
    for b in boxes:
        cy = int(min(h - 1, max(0, b.center_y)))
        cx = int(min(w - 1, max(0, (b.left + b.right) / 2)))
        area[labels[cy, cx]] += (b.right - b.left) * b.height
    best = int(np.argmax(area[1:]) + 1)
    rects = {
        i: (int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 2]), int(stats[i, 3]))
        for i in range(1, count)
        if area[i] > 0
    }
    block = rects.pop(best)
    reach = _MERGE_GAP_EM * em
    merged = True
    while merged:
        merged = False
        for i, rect in list(rects.items()):
            dx, dy = _gap(block, rect)
            # Beside the block on its rows, or above or below it in its columns.
            if (dy == 0 and dx <= reach) or (dx == 0 and dy <= reach):
                block = _union(block, rect)
                del rects[i]
                merged = True
    return block


@dataclass(slots=True)
class _Reading:
    page: Image  # the photo turned upright
    turns: int
    boxes: list[TextBox]
    scale: float = 1.0  # engine pixels per page pixel
    offset: tuple[float, float] = (0.0, 0.0)  # where the read crop sits in the page
    block: tuple[int, int, int, int] | None = None  # the panel, in page pixels
    text_height: float = 0.0  # in page pixels


def _crop_for_reading(page: Image, engine: Engine) -> tuple[Image, _Reading]:
    """For a large photo: locate the panel on a small copy, crop it at full resolution and
    scale the crop so its text has the recogniser's preferred height."""
    small, s = downscale(page, LOCATE_MAX_SIDE)
    found = engine.detect(small)
    block = densest_block(found, small.shape[:2])
    if block is None or _boxes_in(found, block) < _MIN_PANEL_BOXES:
        # Nothing that looks like a panel (a blurred photo shows only its heading on the
        # small copy): read the whole photo rather than a crop sized by a heading.
        whole, whole_scale = downscale(page, MAX_READ_SIDE)
        return whole, _Reading(page, 0, [], scale=whole_scale)
    x, y, w, h = (round(v / s) for v in block)
    scale = _read_scale(_body_height(found) / s, 1.0)
    return _crop(page, (x, y, w, h), _median_height(found) / s, scale)


def _read_scale(body_h: float, default: float) -> float:
    """The scale that brings body text `body_h` px high to the recogniser's preferred height,
    never enlarging more than MAX_UPSCALE; `default` when no text height is known."""
    return min(MAX_UPSCALE, TARGET_TEXT_HEIGHT / body_h) if body_h else default


def _crop(
    page: Image, block: tuple[int, int, int, int], text_h: float, scale: float
) -> tuple[Image, _Reading]:
    """The block of the page, padded by a text height and a half, scaled by `scale` (less if
    the crop would pass the recogniser's limit)."""
    x, y, w, h = block
    pad = round(max(text_h, 4.0) * 1.5)
    x0, y0 = max(0, x - pad), max(0, y - pad)
    x1, y1 = min(page.shape[1], x + w + pad), min(page.shape[0], y + h + pad)
    crop = page[y0:y1, x0:x1]
    scale = min(scale, MAX_READ_SIDE / max(crop.shape[:2]))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    read: Image = crop
    if scale != 1:
        read = np.asarray(
            cv2.resize(crop, None, fx=scale, fy=scale, interpolation=interp), np.uint8
        )
    reading = _Reading(page, 0, [], scale, (float(x0), float(y0)), block, text_h)
    return read, reading


def _grown_block(
    reading: _Reading, read_shape: tuple[int, ...]
) -> tuple[int, int, int, int] | None:
    """The block to read again when the text read runs to the crop's top or bottom edge
    inside the page: the small copy the panel was located on showed only its larger type (a
    tall panel whose rows were too small to detect there), and the rows go on past the crop.
    The block grows by twice its height on each side the text reaches; None when no side
    does."""
    if reading.block is None or not reading.boxes:
        return None
    x, y, w, h = reading.block
    page_h = reading.page.shape[0]
    near = EDGE_TEXT_HEIGHTS * max(reading.text_height, 4.0) * reading.scale
    top = min(b.top for b in reading.boxes) < near and reading.offset[1] > 0
    bottom_edge = read_shape[0]
    crop_bottom = reading.offset[1] + bottom_edge / reading.scale
    bottom = max(b.bottom for b in reading.boxes) > bottom_edge - near and crop_bottom < page_h
    if not (top or bottom):
        return None
    y0 = max(0, y - 2 * h) if top else y
    y1 = min(page_h, y + 3 * h) if bottom else y + h
    return (x, y0, w, y1 - y0)


@dataclass(frozen=True, slots=True)
class Preparation:
    """How the image is prepared for the engine. `sharpen`: deconvolve a blurred image
    (`deblur`); `sharpen_detection`: and give the detector a copy deconvolved harder (only
    with `sharpen`); `even_contrast`: then even out its local contrast (`contrast`), for a
    second reading of a photo whose first lost rows; `enlarge`: read the image this many times
    larger (within the recogniser's limit), for a third: the detector can miss a clear line
    at one scale and find it at another (a row right under a column heading's rule)."""

    sharpen: bool = True
    sharpen_detection: bool = True
    even_contrast: bool = False
    enlarge: float = 1.0


STANDARD = Preparation()


def _recognized(image: Image, engine: Engine, prep: Preparation) -> list[TextBox]:
    read = detect = image
    if prep.sharpen and prep.sharpen_detection:
        read, detect = sharpened_for_engine(image)
    elif prep.sharpen:
        read = detect = sharpened(image)[0]
    if prep.even_contrast:
        evened_read = evened(read)
        detect = evened_read if detect is read else evened(detect)
        read = evened_read
    return engine.recognize(read, detect_image=detect)


def _enlarged(read: Image, reading: _Reading, prep: Preparation) -> Image:
    """`read` enlarged as `prep` asks, never past MAX_READ_SIDE; the reading's scale follows."""
    factor = min(prep.enlarge, MAX_READ_SIDE / max(read.shape[:2]))
    if factor <= 1.0:
        return read
    reading.scale *= factor
    return np.asarray(
        cv2.resize(read, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), np.uint8
    )


def _read_turned(rgb: Image, turns: int, engine: Engine, prep: Preparation) -> _Reading:
    page = rotate(rgb, turns) if turns else rgb
    height, width = page.shape[:2]
    if max(height, width) > READ_WHOLE_MAX_SIDE or height * width > READ_WHOLE_MAX_PIXELS:
        read, reading = _crop_for_reading(page, engine)
    else:
        read, reading = page, _Reading(page, 0, [])
    read = _enlarged(read, reading, prep)
    reading.boxes = _recognized(read, engine, prep)
    for _ in range(MAX_GROWTH):
        grown = _grown_block(reading, read.shape)
        if grown is None:
            break
        # Scaled by the text this reading found: the small copy may have shown only the
        # larger type.
        scale = _read_scale(_body_height(reading.boxes) / reading.scale, reading.scale)
        read, reading = _crop(page, grown, reading.text_height, scale)
        read = _enlarged(read, reading, prep)
        reading.boxes = _recognized(read, engine, prep)
    reading.turns = turns
    if reading.block is None and reading.boxes:
        block = densest_block(reading.boxes, read.shape[:2])
        if block is not None:
            bx, by, bw, bh = (v / reading.scale for v in block)
            ox, oy = reading.offset
            reading.block = (round(bx + ox), round(by + oy), round(bw), round(bh))
        reading.text_height = _median_height(reading.boxes) / reading.scale
    return reading


def _mostly_vertical(boxes: list[TextBox]) -> bool:
    tall = sum(1 for b in boxes if b.height > 1.5 * (b.right - b.left))
    return len(boxes) >= 3 and tall >= 0.6 * len(boxes)


def _read_upright(rgb: Image, engine: Engine, prep: Preparation) -> _Reading:
    """Reads the photo as it stands; when the text comes out sideways (tall boxes) or with
    almost no panel words (upside down), reads it turned and keeps the reading with the most
    panel words in horizontal lines. One reading for an upright panel, at most three."""
    first = _read_turned(rgb, 0, engine, prep)
    if _panel_words(first.boxes) >= _UPRIGHT_WORDS and not _mostly_vertical(first.boxes):
        return first
    if len(first.boxes) < _MIN_PANEL_BOXES:
        # The detector finds lines whichever way up they are: a page with almost no text
        # found (out of focus, or no panel in the frame) reads no better turned.
        return first
    readings = [first]
    for turns in (1, 3) if _mostly_vertical(first.boxes) else (2,):
        readings.append(_read_turned(rgb, turns, engine, prep))
    return max(readings, key=lambda r: (not _mostly_vertical(r.boxes), _panel_words(r.boxes)))


def clip_bbox(
    bbox: tuple[int, int, int, int], width: int, height: int
) -> tuple[int, int, int, int]:
    x, y, w, h = bbox
    x0, y0 = min(max(0, x), width), min(max(0, y), height)
    x1, y1 = min(max(0, x + w), width), min(max(0, y + h), height)
    return (x0, y0, x1 - x0, y1 - y0)


def unrotate_bbox(
    bbox: tuple[int, int, int, int], turns: int, width: int, height: int
) -> tuple[int, int, int, int]:
    """Maps a box on the page turned `turns` quarter turns counter-clockwise (numpy.rot90)
    back to the photo as sent, which is `width` x `height`."""
    x, y, w, h = bbox
    corners = [(x, y), (x + w, y + h)]
    k = turns % 4
    if k == 1:
        pts = [(width - py, px) for px, py in corners]
    elif k == 2:
        pts = [(width - px, height - py) for px, py in corners]
    elif k == 3:
        pts = [(py, height - px) for px, py in corners]
    else:
        pts = corners
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _page_boxes(reading: _Reading) -> list[TextBox]:
    """The text read, with its corners in page pixels (the quality checks judge it there)."""
    ox, oy = reading.offset

    def page(p: tuple[float, float]) -> tuple[float, float]:
        return p[0] / reading.scale + ox, p[1] / reading.scale + oy

    return [
        TextBox(
            b.text,
            (page(b.quad[0]), page(b.quad[1]), page(b.quad[2]), page(b.quad[3])),
            b.confidence,
        )
        for b in reading.boxes
    ]


def _text_points(
    boxes: list[TextBox], block: tuple[int, int, int, int] | None
) -> list[tuple[float, float]]:
    """The corners of the text read (`boxes` in page pixels); inside the panel's `block` when
    one was found (a small photo is read whole, and the front of the box is no part of the
    panel)."""
    if block is None:
        return [p for box in boxes for p in box.quad]
    bx, by, bw, bh = block
    points: list[tuple[float, float]] = []
    for box in boxes:
        cx, cy = sum(x for x, _ in box.quad) / 4, sum(y for _, y in box.quad) / 4
        if bx <= cx <= bx + bw and by <= cy <= by + bh:
            points.extend(box.quad)
    return points


def _extent(
    points: list[tuple[float, float]], width: int, height: int
) -> tuple[int, int, int, int]:
    """The box (x, y, w, h) around the text itself, inside the page. The quality checks judge
    this, not the reading's block: the block is grown by a text height around the text (so that
    rows join), which put it on the frame's edge, and so "cut_off", for nearly every panel
    photographed close up (143 of 146 real photos)."""
    x0 = max(0, math.floor(min(x for x, _ in points)))
    y0 = max(0, math.floor(min(y for _, y in points)))
    x1 = min(width, math.ceil(max(x for x, _ in points)))
    y1 = min(height, math.ceil(max(y for _, y in points)))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def read_photo(
    data: bytes,
    engine_name: EngineName = "rapidocr",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    prep: Preparation = STANDARD,
) -> PageReading:
    """Reads one photo. Raises ocr.errors.ImageError for bad bytes (or over the limits) and
    EngineError when the engine fails; everything else about a poor photo is reported in
    `quality`. `prep` says how the image is prepared for the engine (benchmarks read a blurred
    photo unsharpened to compare; the app reads again with contrast evened)."""
    decoded = decode(data, max_bytes=max_bytes, max_pixels=max_pixels)
    engine = get_engine(engine_name)
    reading = _read_upright(decoded.rgb, engine, prep)
    height, width = decoded.rgb.shape[:2]
    lines = to_lines(reading.boxes, scale=reading.scale, offset=reading.offset)
    page_h, page_w = reading.page.shape[:2]
    for line in lines:
        if line.bbox is not None:
            # Engines pad their input, so a box can poke past the edge; keep it inside.
            line.bbox = clip_bbox(line.bbox, page_w, page_h)
            if reading.turns:
                line.bbox = unrotate_bbox(line.bbox, reading.turns, width, height)
    found_panel = _panel_words(reading.boxes) >= 3
    heights = [reading.text_height] if reading.text_height else []
    page_boxes = _page_boxes(reading)
    points = _text_points(page_boxes, reading.block)
    panel = _extent(points, page_w, page_h) if found_panel and points else None
    quality = assess(reading.page, panel, heights, points, page_boxes)
    return PageReading(
        lines=lines,
        quality=quality,
        upc=upc_of(read_barcodes(reading.page)),
        width=width,
        height=height,
        quarter_turns=reading.turns,
        engine=engine.name,
        boxes=reading.boxes,
        blocks=stacked_blocks(reading.boxes),
    )
