"""Text boxes -> panel lines in reading order, with indentation and boxes.

Engines return line segments (RapidOCR's, or Tesseract's words joined while under 0.6 of their
height apart) in no useful order, and on a photo the rows are tilted and, around a bottle,
curved. Lines are built by chaining: after undoing the page's tilt, boxes are taken left to
right and each joins the line whose last box, carried on along the local slope of the text,
meets it, so a row that drifts up or down across the panel stays one row. The name, amount and
%DV columns end up on one line, as the parser expects.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from dataclasses import dataclass, field

import numpy as np

from catalog.parse import Line
from catalog.sections import panel_bottom
from ocr.types import Quad, TextBox

# Two boxes are on one line when they overlap vertically by at least this share of the
# smaller height (0.5 keeps neighbouring rows apart even with tight leading).
_MIN_OVERLAP = 0.45
# Text this many times taller than the panel's usual text is a heading, never part of a row,
# unless it is a number: Nutrition Facts since 2016 print the calories in large type beside
# "Calories" ("Calories  220"), and the number belongs to that row.
_HEADING_EM = 1.8
_NUMBER_ONLY = re.compile(r"\s*\d[\d.,]*\s*")
# A box whose top edge is steeper than this is vertical text (a rotated page or a barcode
# digit column) and is not used to estimate the tilt.
_MAX_TILT_DEG = 30.0
_MAX_SLOPE = math.tan(math.radians(_MAX_TILT_DEG))
# Boxes that start within this many text heights of each other, left to right, are one wave:
# the cells of one column, given their rows together (see `_extend_rows`).
_WAVE_EM = 1.0
# A box this many times longer than high shows the slope of its line.
_SLOPE_MIN_LENGTH = 2.5
# Boxes within this many text heights above or below a short box tell its slope.
_SLOPE_BAND_EM = 2.0
# Bands (text heights above and below) searched for long boxes that lie far enough apart
# across the panel (_FIT_SPREAD_EM) to fit the slope as a line in x, and the fewest to fit.
# The fit is used where the slope turns by at least _FIT_MIN_TURN across the boxes (a bent
# label); on a flat one the differences are noise, and the band's median is steadier.
_FIT_BANDS_EM = (2.0, 4.0, 8.0)
_FIT_SPREAD_EM = 6.0
_FIT_MIN_BOXES = 3
_FIT_MIN_TURN = 0.1
# A short box further than this many text heights across from every long box of its band (an
# amount column, its band's long boxes all names) takes its slope from the whole page's instead:
# on a bent label the names' slope, carried across to the amounts, put them a row off.
_BAND_FAR_EM = 6.0
# The page's slope is fitted, as a plane in x and y with a cross term (a label bent around a
# bottle turns its rows most far from the middle, in both directions), to at least this many
# long boxes (three a coefficient), the worst fitting left out (more than this many median
# residuals off) and the fit made again, a few times.
_PAGE_FIT_MIN_BOXES = 12
_PAGE_FIT_TRIM = 3.0
_PAGE_FIT_ROUNDS = 3
# A row carried across a wide gap tells less of where it goes than one carried across a
# narrow gap: a box that overlaps two rows well enough is given to the nearer one by this
# much of its overlap per text height of gap. On a panel with tight leading, a second amount
# column half a line high went to the name wrapped under the row ("aerial parts 50 mg"), not
# to the row whose first amount stood just before it.
_GAP_COST_PER_EM = 0.05


@dataclass(slots=True)
class _Placed:
    """A box in deskewed coordinates: its extent, and the vertical span of its left and right
    ends (a tilted box's extent is taller than its text; its ends are not)."""

    box: TextBox
    x0: float
    x1: float
    y0: float
    y1: float
    left: tuple[float, float]  # top and bottom of the left end
    right: tuple[float, float]
    slope: float | None  # dy/dx of the text's centre line, when the box is long enough to tell

    @property
    def end_height(self) -> float:
        return max(self.left[1] - self.left[0], self.right[1] - self.right[0])


@dataclass(slots=True)
class _Row:
    items: list[_Placed] = field(default_factory=list)
    slope: float = 0.0  # where the row runs on, after its last box

    @property
    def last(self) -> _Placed:
        return self.items[-1]


def tilt_degrees(boxes: list[TextBox]) -> float:
    """The median angle of the boxes' top edges: the page's tilt."""
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.quad[0], b.quad[1]
        if x1 - x0 > 2 * b.height > 0:  # long boxes give a reliable angle
            angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
            if abs(angle) < _MAX_TILT_DEG:
                angles.append(angle)
    return statistics.median(angles) if angles else 0.0


def _end(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """x, top and bottom of a box end given by its two corners."""
    (xa, ya), (xb, yb) = points
    return (xa + xb) / 2, min(ya, yb), max(ya, yb)


def _upright_quad(quad: Quad, degrees: float) -> Quad:
    """The corners turned by -`degrees` about the origin: the page's tilt undone."""
    rad = math.radians(-degrees)
    cos, sin = math.cos(rad), math.sin(rad)
    a, b, c, d = ((x * cos - y * sin, x * sin + y * cos) for x, y in quad)
    return a, b, c, d


def _deskew(boxes: list[TextBox], degrees: float) -> list[_Placed]:
    placed = []
    for b in boxes:
        corners = sorted(_upright_quad(b.quad, degrees))
        lx, ltop, lbottom = _end(corners[:2])
        rx, rtop, rbottom = _end(corners[2:])
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        p = _Placed(b, min(xs), max(xs), min(ys), max(ys), (ltop, lbottom), (rtop, rbottom), None)
        if rx - lx > _SLOPE_MIN_LENGTH * p.end_height > 0:
            slope = ((rtop + rbottom) - (ltop + lbottom)) / 2 / (rx - lx)
            p.slope = slope if abs(slope) <= _MAX_SLOPE else None
        placed.append(p)
    return placed


def _long_boxes(placed: list[_Placed]) -> list[tuple[float, float, float]]:
    """(x, y, slope) of the centre of every box long enough to show its slope."""
    return [((q.x0 + q.x1) / 2, (q.y0 + q.y1) / 2, q.slope) for q in placed if q.slope is not None]


@dataclass(frozen=True, slots=True)
class _PageSlope:
    """The page's slope as a plane in x and y with a cross term, inside the box of the long
    boxes it was fitted to (a point outside is taken at the nearest point inside: no
    extrapolation)."""

    coef: tuple[float, float, float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def at(self, x: float, y: float) -> float:
        x = min(max(x, self.x_range[0]), self.x_range[1])
        y = min(max(y, self.y_range[0]), self.y_range[1])
        a, b, c, d = self.coef
        return max(-_MAX_SLOPE, min(_MAX_SLOPE, a + b * x + c * y + d * x * y))


def _page_slope(long_: list[tuple[float, float, float]], em: float) -> _PageSlope | None:
    """The page's slope fitted to its long boxes; None with too few, or too narrow a page."""
    if len(long_) < _PAGE_FIT_MIN_BOXES:
        return None
    x, y, slope = np.array(long_, dtype=np.float64).T
    if x.max() - x.min() < _FIT_SPREAD_EM * em:
        return None
    terms = np.stack([np.ones_like(x), x, y, x * y], axis=1)
    kept = np.ones(len(x), dtype=bool)
    for _ in range(_PAGE_FIT_ROUNDS):
        coef = np.linalg.lstsq(terms[kept], slope[kept], rcond=None)[0]
        residuals = np.abs(terms @ coef - slope)
        # The floor keeps a near-perfect fit from leaving out every box but a few.
        kept = residuals <= _PAGE_FIT_TRIM * max(float(np.median(residuals[kept])), 1e-3)
        if kept.sum() < _PAGE_FIT_MIN_BOXES:
            return None
    a, b, c, d = (float(v) for v in coef)
    return _PageSlope(
        (a, b, c, d),
        (float(x[kept].min()), float(x[kept].max())),
        (float(y[kept].min()), float(y[kept].max())),
    )


def _local_slope(
    p: _Placed, long_: list[tuple[float, float, float]], em: float, page: _PageSlope | None
) -> float:
    """How the text runs at a box too short to tell by itself, from the long boxes in a band
    of rows around it. A page bent around a bottle, or photographed at an angle, tilts one
    part of the panel more than another, so one angle for the whole page leaves some rows
    half a row off their amounts. Where long boxes lie across the panel (names at the left,
    long amounts at the right), the slope is fitted as a line in x, since the slope turns
    from one side of a bent label to the other; the band widens until they do. Otherwise it
    is the median slope of the band, unless the band's long boxes all lie far across from
    the box: then it is the page's (`_page_slope`), when one could be fitted."""
    centre_x, centre_y = (p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2
    for band in _FIT_BANDS_EM:
        near = np.array([q for q in long_ if abs(q[1] - centre_y) <= band * em]).reshape(-1, 3)
        xs = near[:, 0]
        if len(near) >= _FIT_MIN_BOXES and xs.max() - xs.min() >= _FIT_SPREAD_EM * em:
            b, a = np.polyfit(xs, near[:, 2], 1)
            if abs(b) * float(xs.max() - xs.min()) < _FIT_MIN_TURN:
                break  # a flat page, its slopes only noisy: the band's median
            at = min(max(centre_x, float(xs.min())), float(xs.max()))
            return max(-_MAX_SLOPE, min(_MAX_SLOPE, float(a + b * at)))
    rows_around = [(x, s) for x, y, s in long_ if abs(y - centre_y) <= _SLOPE_BAND_EM * em]
    if not rows_around:
        return 0.0
    if page is not None and min(abs(x - centre_x) for x, _ in rows_around) > _BAND_FAR_EM * em:
        return page.at(centre_x, centre_y)
    return statistics.median(s for _, s in rows_around)


def _follows(row: _Row, p: _Placed, slope: float) -> float:
    """How well `p` (whose line runs at `slope`) continues `row`: the row's last box, carried
    on to where `p` starts, against `p`'s left end; the overlap as a share of the smaller
    height. Across the gap the line runs at the mean of the slopes at its two ends: on a
    label bent around a bottle the slope turns steadily from one side to the other, and the
    row's own slope, carried across a wide gap to the amount column, misses it by a row."""
    last = row.last
    shift = (row.slope + slope) / 2 * max(0.0, p.x0 - last.x1)
    top, bottom = last.right[0] + shift, last.right[1] + shift
    inter = min(bottom, p.left[1]) - max(top, p.left[0])
    smaller = min(bottom - top, p.left[1] - p.left[0])
    return inter / smaller if smaller > 0 else 0.0


def _is_heading(p: _Placed, em: float) -> bool:
    return p.end_height > _HEADING_EM * em and not _NUMBER_ONLY.fullmatch(p.box.text)


def group_rows(boxes: list[TextBox], tilt: float | None = None) -> list[list[TextBox]]:
    """Boxes grouped into rows, rows top to bottom, boxes left to right. `tilt` is the page's
    (tilt_degrees), for a caller that has it already."""
    if not boxes:
        return []
    degrees = tilt_degrees(boxes) if tilt is None else tilt
    placed = sorted(_deskew(boxes, degrees), key=lambda p: p.x0)
    em = statistics.median(p.end_height for p in placed)
    long_ = _long_boxes(placed)
    page = _page_slope(long_, em)
    slopes = [p.slope if p.slope is not None else _local_slope(p, long_, em, page) for p in placed]
    rows: list[_Row] = []
    for wave in _waves(list(zip(placed, slopes, strict=True)), em):
        _extend_rows(rows, wave, em)
    # By top edge: a heading in large type that spans two rows comes before them.
    rows.sort(key=lambda r: statistics.median(i.y0 for i in r.items))
    return [[i.box for i in r.items] for r in rows]


def _waves(placed: list[tuple[_Placed, float]], em: float) -> list[list[tuple[_Placed, float]]]:
    """Boxes (sorted by left edge) in waves: boxes that start within _WAVE_EM text heights of
    the wave's first, and before every one of them ends, are cells stacked in one column and
    are given their rows together. A box that starts after one of them ends may follow it on
    its line ("5" then "mg"), and starts the next wave."""
    waves: list[list[tuple[_Placed, float]]] = []
    for item in placed:
        p = item[0]
        if (
            waves
            and p.x0 - waves[-1][0][0].x0 <= _WAVE_EM * em
            and all(p.x0 < q.x1 for q, _ in waves[-1])
        ):
            waves[-1].append(item)
        else:
            waves.append([item])
    return waves


def _extend_rows(rows: list[_Row], wave: list[tuple[_Placed, float]], em: float) -> None:
    """Adds one wave of boxes to the rows: the best-fitting (box, row) pairs first, each row
    taking at most one box of the wave. Taken one by one in order of their left edges, the
    cells of a column each took the row they fitted best, even one that a later cell fitted
    far better: on a bent panel an amount half a line off took its neighbour's row, and
    every amount below it then went one row up."""
    pairs = []
    for k, (p, slope) in enumerate(wave):
        # A heading in large type ("Nutrition Facts") is a line of its own: its words join
        # each other, never a row of the table.
        heading = _is_heading(p, em)
        for j, row in enumerate(rows):
            if _is_heading(row.last, em) != heading:
                continue
            if row.last.x1 > p.x0 + 0.5 * p.end_height:
                continue  # the row already reaches past this box: it belongs elsewhere
            ov = _follows(row, p, slope)
            if ov >= _MIN_OVERLAP:
                gap = max(0.0, p.x0 - row.last.x1) / em
                pairs.append((ov - _GAP_COST_PER_EM * gap, k, j))
    chosen: dict[int, int] = {}
    taken: set[int] = set()
    for _, k, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if k not in chosen and j not in taken:
            chosen[k] = j
            taken.add(j)
    for k, (p, slope) in enumerate(wave):
        if k in chosen:
            row = rows[chosen[k]]
        else:
            row = _Row()
            rows.append(row)
        row.items.append(p)
        row.slope = slope


# A gap wider than this many text heights, after an amount and before a name, separates two
# rows printed side by side (tabular US panels, "Calories 120   Fat Cal. 10").
_SIDE_BY_SIDE_GAP_EM = 0.8
# A name starts with two letters: a lone letter after an amount is a footnote mark misread
# ("†" comes out as "t"), which stays in its row.
_NAME_START = re.compile(r"[^\W\d_]{2}")


def split_side_by_side(row: list[TextBox], em: float) -> list[list[TextBox]]:
    """Cuts a row where a wide gap follows text holding a number and precedes a name."""
    segments: list[list[TextBox]] = [[row[0]]]
    for prev, box in itertools.pairwise(row):
        gap = box.left - prev.right
        starts_name = _NAME_START.match(box.text) is not None
        has_amount = any(ch.isdigit() for b in segments[-1] for ch in b.text)
        if gap > _SIDE_BY_SIDE_GAP_EM * em and starts_name and has_amount:
            segments.append([box])
        else:
            segments[-1].append(box)
    return segments


def _bbox(boxes: list[TextBox], scale: float, offset: tuple[float, float]) -> tuple[int, ...]:
    left = min(b.left for b in boxes) / scale + offset[0]
    top = min(b.top for b in boxes) / scale + offset[1]
    right = max(b.right for b in boxes) / scale + offset[0]
    bottom = max(b.bottom for b in boxes) / scale + offset[1]
    return (round(left), round(top), round(right - left), round(bottom - top))


def to_lines(
    boxes: list[TextBox], *, scale: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)
) -> list[Line]:
    """Rows as parser lines. `scale` and `offset` map the engine's pixels back to the image
    as sent (the engine saw a crop, resized), so every bbox is in the caller's pixels.
    Indentation is counted in text heights from the panel's left edge."""
    tilt = tilt_degrees(boxes)
    rows = group_rows(boxes, tilt)
    if not rows:
        return []
    heights = [b.height for r in rows for b in r if b.height > 0]
    em = statistics.median(heights) if heights else 1.0
    # Columns and indents are read with the page's tilt undone: on a tilted photo a column's
    # left edge drifts across the page from top to bottom, and the right half of a table's
    # lower names fell left of the gutter that its heading showed.
    upright_rows = _upright(rows, tilt)
    printed = {
        id(u): b
        for r, ur in zip(rows, upright_rows, strict=True)
        for b, u in zip(r, ur, strict=True)
    }
    margin = min(r[0].left for r in upright_rows)
    lines = []
    for upright, row_margin in _reading_order(upright_rows, em, margin):
        row = [printed[id(u)] for u in upright]
        text = " ".join(b.text for b in row)
        x, y, w, h = _bbox(row, scale, offset)
        lines.append(
            Line(
                text=text,
                indent=round((upright[0].left - row_margin) / em),
                bbox=(x, y, w, h),
                confidence=min(b.confidence for b in row),
            )
        )
    return lines


def _upright(rows: list[list[TextBox]], degrees: float) -> list[list[TextBox]]:
    """The rows' boxes with the page's tilt undone (their text and order kept)."""
    return [
        [TextBox(b.text, _upright_quad(b.quad, degrees), b.confidence) for b in r] for r in rows
    ]


# A table printed as two halves side by side is recognised by at least this many rows in
# which a name follows an amount or %DV at one x (within this many text heights).
_TWO_HALVES_MIN_ROWS = 3
# A unit after its number is no name: an engine may box it on its own (Tesseract, when the gap
# after the number is wide), in a column as straight as a second half's names.
_UNITS = r"mg|mcg|meg|µg|μg|ug|g|iu|kcal|kj|ml"
_UNIT_WORD = re.compile(rf"(?:{_UNITS}|cal)\b", re.I)
_GUTTER_SPREAD_EM = 1.5
_MAX_HALVES = 3


# What ends an amount or a %DV cell: a digit, "%", or a unit after a number, then perhaps a
# footnote mark (which an engine may read as "+" or "t", and may box on its own).
_AMOUNT_END = re.compile(rf"(?:\d|%|\d\s*(?:{_UNITS}|cfu))(?:\s*(?:[*†‡+]+|t))?\s*$", re.I)
# The heading over an amount column; printed twice on one row, word for word, it heads two
# halves. ("per Serving" then "per 100g" head two amount columns of one table.)
_COLUMN_HEAD = re.compile(r"\b(?:amount\s+per\s+\w+|each\s+\w+\s+contains)\b", re.I)


def _right_half_starts(row: list[TextBox], em: float) -> list[float]:
    """Left edges of boxes that start a name right after an amount or a %DV. In a table of
    one half nothing follows the %DV column; the halves can sit closer than the gap that
    `split_side_by_side` needs, so any visible gap counts here."""
    starts = []
    for k in range(1, len(row)):
        prev, box = row[k - 1], row[k]
        if (
            _NAME_START.match(box.text)
            and not _UNIT_WORD.match(box.text)
            and box.left - prev.right > 0.1 * em
            and _AMOUNT_END.search(" ".join(b.text for b in row[:k]))
        ):
            starts.append(box.left)
    return starts


def _heading_starts(row: list[TextBox]) -> list[float]:
    """Left edges of the column headings that repeat the row's first one ("Amount Per Serving
    %DV Amount Per Serving %DV"): where further halves start. A detector may box a heading
    together with the %DV heading before it across a narrow gutter ("% Daily Value Amount Per
    Serving"); inside a box, a heading's edge is placed by its share of the box's characters."""
    heads = [
        (m.group().casefold().split(), b.left + (b.right - b.left) * m.start() / len(b.text))
        for b in row
        for m in _COLUMN_HEAD.finditer(b.text)
    ]
    return [x for words, x in heads[1:] if words == heads[0][0]]


def _gutter(rows: list[list[TextBox]], em: float) -> tuple[float, list[int]] | None:
    """Where the right half of a two-halves table starts, and the rows that show both halves:
    the x at which, on several rows, a name follows an amount (the right half's name column),
    or at which a row repeats the amount column's heading."""
    for i, r in enumerate(rows):
        heads = _heading_starts(r)
        if heads:
            return heads[0] - 0.5 * em, [i]
    firsts = [(i, starts[0]) for i, r in enumerate(rows) if (starts := _right_half_starts(r, em))]
    if len(firsts) < _TWO_HALVES_MIN_ROWS:
        return None
    middle = statistics.median(x for _, x in firsts)
    aligned = [(i, x) for i, x in firsts if abs(x - middle) <= _GUTTER_SPREAD_EM * em]
    if len(aligned) < max(_TWO_HALVES_MIN_ROWS, len(firsts) // 2 + 1):
        return None
    return min(x for _, x in aligned) - 0.5 * em, [i for i, _ in aligned]


def _crosses(row: list[TextBox], gutter: float, em: float) -> bool:
    # Boxes of the left half may reach a little past the gutter (engines pad their boxes).
    return any(b.left < gutter - em and b.right > gutter + em for b in row)


def _continues_halves(row: list[TextBox], gutter: float, em: float) -> bool:
    """Below the last row that shows both halves, a row still belongs to them when it has text
    in the right half, an amount, or is a name wrapped from above ("iodide)", "L-threonate)");
    a footnote or the ingredients paragraph in the left column ends them."""
    if _crosses(row, gutter, em):
        return False
    text = " ".join(b.text for b in row)
    has_right = any(b.left >= gutter for b in row)
    return (
        has_right
        or any(ch.isdigit() for ch in text)
        or text[:1].islower()
        or text[:1] == "("
        or panel_bottom().search(text) is None
    )


def _reading_order(
    rows: list[list[TextBox]], em: float, margin: float, depth: int = 0
) -> list[tuple[list[TextBox], float]]:
    """Rows cut where side-by-side rows meet, each with the left margin of its column. When the
    panel is one table printed in two halves, the left half is read top to bottom before the
    right half, so that a name wrapped onto the next line ("cholecalciferol)") follows its own
    row, not the row beside it. The halves reach up and down from the rows that show them to
    the first row printed across the gutter (the heading, a footnote), or down from a repeated
    heading."""
    found = _gutter(rows, em) if depth < _MAX_HALVES else None
    if found is None:
        return [(seg, margin) for r in rows for seg in split_side_by_side(r, em)]
    gutter, shown = found
    first, end = shown[0], shown[-1] + 1
    # A repeated heading is the halves' top row; above it are the title and the serving size,
    # whose words may stop short of the gutter or start past it ("Supplement | Facts").
    while (
        first > 0 and not _heading_starts(rows[first]) and not _crosses(rows[first - 1], gutter, em)
    ):
        first -= 1
    while end < len(rows) and _continues_halves(rows[end], gutter, em):
        end += 1
    # By left edge: the gutter lies half a text height left of the right half's names, and a
    # photo's perspective can push the left half's %DV column past it ("250%" centred on it).
    left = [[b for b in r if b.left < gutter] for r in rows[first:end]]
    right = [[b for b in r if b.left >= gutter] for r in rows[first:end]]
    right_margin = min((r[0].left for r in right if r), default=gutter)
    before = [(seg, margin) for r in rows[:first] for seg in split_side_by_side(r, em)]
    after = [(seg, margin) for r in rows[end:] for seg in split_side_by_side(r, em)]
    # A half may itself hold two halves (a US tabular panel: the heading block, then a table
    # in two halves).
    halves = _reading_order([r for r in left if r], em, margin, depth + 1)
    halves += _reading_order([r for r in right if r], em, right_margin, depth + 1)
    return before + halves + after


# Boxes closer than this many text heights, one above the other, belong to one stacked block.
_STACK_GAP_EM = 1.2
_STACK_MAX_BOXES = 4
_STACK_WIDTH_RATIO = 2.5


def stacked_blocks(boxes: list[TextBox]) -> list[str]:
    """Short texts stacked one above the other: a round seal ("USP" over "VERIFIED") next to
    another seal reads as two rows ("USP NSF", "VERIFIED CERTIFIED"); reading each stack top to
    bottom gives its words back in order."""
    if len(boxes) < 2:
        return []
    em = statistics.median(b.height for b in boxes if b.height > 0) if boxes else 1.0
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            overlap = min(a.right, b.right) - max(a.left, b.left)
            narrow = min(a.right - a.left, b.right - b.left)
            gap = max(a.top, b.top) - min(a.bottom, b.bottom)
            # Boxes may overlap a little vertically: engines pad them.
            stacked = -0.5 * em <= gap <= _STACK_GAP_EM * em
            # Lines of a paragraph are stacked too; a seal's words are of similar width.
            wide = max(a.right - a.left, b.right - b.left)
            similar = narrow > 0 and wide <= _STACK_WIDTH_RATIO * narrow
            if similar and overlap >= 0.5 * narrow and stacked:
                parent[find(i)] = find(j)
    groups: dict[int, list[TextBox]] = {}
    for i, b in enumerate(boxes):
        groups.setdefault(find(i), []).append(b)
    return [
        " ".join(b.text for b in sorted(g, key=lambda b: b.top))
        for g in groups.values()
        if 2 <= len(g) <= _STACK_MAX_BOXES
    ]
