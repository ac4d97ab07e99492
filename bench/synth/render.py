"""Draws a Supplement Facts panel as printed labels look, keeping the box of every row.

Layouts: the FDA table (one or two amount columns), the table split into two side-by-side
halves (long panels on wide boxes), and the linear paragraph small packages use. Drawing is
recorded as a list of operations first so the canvas can be sized to what was laid out.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bench.synth.content import Product, Rng, Row, cells, chance, pick, uniform_range

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: str
    bold: str
    condensed: bool


# Debian's fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf, fonts-roboto-unhinted and
# fonts-open-sans; whichever are installed are used.
_FAMILY_FILES: tuple[tuple[str, str, str, bool], ...] = (
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", False),
    ("DejaVu Sans Condensed", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", True),
    ("Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", False),
    (
        "Liberation Sans Narrow",
        "LiberationSansNarrow-Regular.ttf",
        "LiberationSansNarrow-Bold.ttf",
        True,
    ),
    ("FreeSans", "FreeSans.ttf", "FreeSansBold.ttf", False),
    ("Roboto", "Roboto-Regular.ttf", "Roboto-Bold.ttf", False),
    ("Roboto Condensed", "RobotoCondensed-Regular.ttf", "RobotoCondensed-Bold.ttf", True),
    ("Open Sans", "OpenSans-Regular.ttf", "OpenSans-Bold.ttf", False),
    ("Open Sans Condensed", "OpenSans-CondLight.ttf", "OpenSans-CondBold.ttf", True),
)
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_NEEDED_GLYPHS = "µ†®%'"


def _font_index() -> dict[str, str]:
    """File name -> path of every TrueType font in the usual places (and fontconfig's)."""
    index: dict[str, str] = {}
    for root in _FONT_DIRS:
        if root.is_dir():
            for path in sorted(root.rglob("*.ttf")):
                index.setdefault(path.name, str(path))
    fc_list = shutil.which("fc-list")
    if fc_list:
        out = subprocess.run(
            [fc_list, "--format", "%{file}\n"], capture_output=True, text=True, check=False
        ).stdout
        for line in sorted(out.splitlines()):
            index.setdefault(Path(line).name, line)
    return index


@functools.lru_cache(maxsize=512)
def font(path: str, size: int) -> Font:
    # The basic layout engine renders the same everywhere (raqm may or may not be present).
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def _glyph(f: Font, ch: str) -> bytes:
    img = Image.new("L", (64, 64))
    ImageDraw.Draw(img).text((8, 8), ch, font=f, fill=255)
    return img.tobytes()


def _covers(path: str) -> bool:
    """True when the font draws every symbol labels need (not the missing-glyph box)."""
    f = font(path, 24)
    missing = _glyph(f, "\ue000")
    return all(_glyph(f, ch) != missing for ch in _NEEDED_GLYPHS)


@functools.cache
def available_families() -> tuple[FontFamily, ...]:
    index = _font_index()
    families = [
        FontFamily(name, index[reg], index[bold], condensed)
        for name, reg, bold, condensed in _FAMILY_FILES
        if reg in index and bold in index and _covers(index[reg]) and _covers(index[bold])
    ]
    if not families:
        raise RuntimeError(
            "no usable fonts: install fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf, "
            "fonts-roboto-unhinted or fonts-open-sans"
        )
    return tuple(families)


@dataclass(frozen=True)
class Style:
    family: FontFamily
    size: float  # body text px at scale 1
    layout: str  # table | side_by_side | linear
    width_em: float
    bold_names: bool
    tracking_em: float
    title_fill: float  # share of the panel width the heading spans
    line_gap: float
    ink: RGB
    paper: RGB
    row_rules: bool
    border: bool
    header: tuple[str, str]
    serving_colon: bool
    margin_em: float
    stripe: RGB | None
    badge_em: float

    def record(self) -> dict[str, object]:
        out = asdict(self)
        out["family"] = self.family.name
        return out


_INKS: tuple[RGB, ...] = ((20, 20, 20), (35, 31, 32), (0, 0, 0), (25, 35, 70), (20, 60, 40))
_PAPERS: tuple[RGB, ...] = (
    (255, 255, 255),
    (250, 248, 242),
    (246, 241, 228),
    (240, 244, 248),
    (252, 250, 236),
)
_STRIPES: tuple[RGB, ...] = ((30, 90, 160), (150, 30, 60), (20, 120, 90), (230, 140, 20))


def _layout_for(rng: Rng, product: Product) -> str:
    blends = any(r.is_blend for r in product.rows)
    if not product.columns and len(product.rows) >= 8 and chance(rng, 0.35):
        return "side_by_side"
    if not product.columns and not blends and len(product.rows) <= 5 and chance(rng, 0.2):
        return "linear"
    return "table"


def sample_style(rng: Rng, product: Product) -> Style:
    families = available_families()
    family = pick(rng, families)
    layout = _layout_for(rng, product)
    wide = chance(rng, 0.5)
    return Style(
        family=family,
        size=uniform_range(rng, 26, 34),
        layout=layout,
        width_em=uniform_range(rng, 19, 26) if wide else uniform_range(rng, 14, 18),
        bold_names=chance(rng, 0.3),
        tracking_em=0.0 if chance(rng, 0.7) else uniform_range(rng, 0.02, 0.08),
        title_fill=uniform_range(rng, 0.7, 1.0),
        line_gap=uniform_range(rng, 1.15, 1.45),
        ink=pick(rng, _INKS),
        paper=pick(rng, _PAPERS),
        row_rules=chance(rng, 0.75),
        border=chance(rng, 0.85),
        header=pick(
            rng,
            (
                ("Amount Per Serving", "% Daily Value"),
                ("Amount Per Serving", "%DV"),
                ("Amount Per Serving", "% DV"),
                ("Each serving contains", "% Daily Value"),
            ),
        ),
        serving_colon=chance(rng, 0.3),
        margin_em=uniform_range(rng, 1.0, 3.0),
        stripe=pick(rng, _STRIPES) if chance(rng, 0.35) else None,
        badge_em=uniform_range(rng, 3.5, 5.0),
    )


Op = Callable[[ImageDraw.ImageDraw], None]


def _union(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass
class Sheet:
    """Collects drawing operations, the printed lines in reading order and each row's box."""

    ink: RGB
    tracking: float
    ops: list[Op] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    boxes: dict[int, Box] = field(default_factory=dict)
    extent: Box | None = None
    # Every run of text drawn: (text, box, baseline, font size), for `segments`.
    runs: list[tuple[str, Box, float, float]] = field(default_factory=list)

    def width(self, text: str, f: Font) -> float:
        return float(f.getlength(text)) + self.tracking * max(len(text) - 1, 0)

    def space(self, f: Font) -> float:
        return float(f.getlength(" ")) + 2 * self.tracking

    def text(
        self,
        x: float,
        base: float,
        text: str,
        f: Font,
        owner: int | None = None,
        ink: RGB | None = None,
    ) -> Box:
        """Draws text with its baseline at `base`; returns (and files under `owner`) its box."""
        box: Box | None = None
        pieces = [(x, text)] if self.tracking == 0 else self._letters(x, text, f)
        for px, piece in pieces:
            b = f.getbbox(piece, anchor="ls")
            if b[2] > b[0]:
                box = _union(box, (px + b[0], base + b[1], px + b[2], base + b[3]))
            color = ink if ink is not None else self.ink
            self.ops.append(functools.partial(_draw_text, (px, base), piece, f, color))
        if box is None:
            box = (x, base - 1, x + 1, base)
        if owner is not None:
            self.boxes[owner] = _union(self.boxes.get(owner), box)
        self.extent = _union(self.extent, box)
        if text.strip():
            self.runs.append((text, box, base, float(f.size)))
        return box

    def _letters(self, x: float, text: str, f: Font) -> list[tuple[float, str]]:
        out = []
        for ch in text:
            out.append((x, ch))
            x += float(f.getlength(ch)) + self.tracking
        return out

    def rect(self, box: Box, fill: RGB | None = None, outline: int = 0) -> None:
        """A filled bar, or an outline `outline` px wide."""
        self.extent = _union(self.extent, box)
        color = fill if fill is not None else self.ink
        self.ops.append(functools.partial(_draw_rect, box, color, outline))

    def ellipse(self, box: Box, fill: RGB, outline: RGB | None = None, width: int = 0) -> None:
        self.extent = _union(self.extent, box)
        self.ops.append(functools.partial(_draw_ellipse, box, fill, outline, width))

    def line(self, parts: Sequence[str]) -> None:
        text = " ".join(p for p in parts if p)
        if text:
            self.lines.append(text)


def _draw_text(
    xy: tuple[float, float], text: str, f: Font, ink: RGB, d: ImageDraw.ImageDraw
) -> None:
    d.text(xy, text, font=f, fill=ink, anchor="ls")


def _draw_rect(box: Box, color: RGB, outline: int, d: ImageDraw.ImageDraw) -> None:
    if outline:
        d.rectangle(box, outline=color, width=outline)
    else:
        d.rectangle(box, fill=color)


def _draw_ellipse(
    box: Box, fill: RGB, outline: RGB | None, width: int, d: ImageDraw.ImageDraw
) -> None:
    d.ellipse(box, fill=fill, outline=outline, width=width)


@dataclass(frozen=True)
class Fonts:
    body: Font
    bold: Font
    small: Font
    small_bold: Font
    px: int

    def cap(self, f: Font) -> float:
        return float(-f.getbbox("H", anchor="ls")[1])


def _fonts(style: Style, scale: float) -> Fonts:
    px = max(8, round(style.size * scale))
    small = max(7, round(px * 0.82))
    fam = style.family
    return Fonts(
        font(fam.regular, px),
        font(fam.bold, px),
        font(fam.regular, small),
        font(fam.bold, small),
        px,
    )


Tok = tuple[str, Font, int | None]
Placed = list[tuple[float, Tok]]


def flow(
    sheet: Sheet,
    toks: Sequence[Tok],
    first_x: float,
    left_x: float,
    right_x: float,
    first_right: float | None = None,
) -> list[Placed]:
    """Word-wraps tokens between left_x and right_x; the first line runs first_x..first_right."""
    lines: list[Placed] = [[]]
    x = first_x
    for tok in toks:
        w = sheet.width(tok[0], tok[1])
        limit = first_right if first_right is not None and len(lines) == 1 else right_x
        if lines[-1] and x + w > limit:
            lines.append([])
            x = left_x
        lines[-1].append((x, tok))
        x += w + sheet.space(tok[1])
    return lines


def words(text: str, f: Font, owner: int | None) -> list[Tok]:
    return [(w, f, owner) for w in text.split()]


def draw_placed(sheet: Sheet, line: Placed, base: float) -> list[str]:
    for x, (text, f, owner) in line:
        sheet.text(x, base, text, f, owner)
    return [tok[0] for _, tok in line]


@dataclass(frozen=True)
class Geometry:
    """Horizontal positions inside a table: name area and right edges of the cells."""

    left: float
    right: float
    name_right: float
    cell_rights: tuple[float, ...]  # amount, %DV, [amount, %DV]


def _geometry(sheet: Sheet, product: Product, fonts: Fonts, left: float, right: float) -> Geometry:
    em = fonts.px
    gap = 0.8 * em
    texts = [cells(product, r) for r in product.rows]
    n_cols = len(texts[0]) if texts else 1
    heads = list(product.columns) if product.columns else [""]
    rights: list[float] = []
    x = right
    for c in reversed(range(n_cols)):
        dv_w = max(
            [sheet.width(t[c][1], fonts.body) for t in texts]
            + [sheet.width("% DV", fonts.small_bold)]
        )
        amount_w = max(
            [sheet.width(t[c][0], fonts.body) for t in texts]
            + [sheet.width(heads[c], fonts.small_bold)]
        )
        rights = [x - dv_w - gap, x, *rights]
        x = x - dv_w - gap - amount_w - gap
    return Geometry(left, right, x, tuple(rights))


def needed_width(product: Product, style: Style, fonts: Fonts) -> float:
    """The narrowest table that still leaves the names about 8 em."""
    sheet = Sheet(style.ink, style.tracking_em * fonts.px)
    geo = _geometry(sheet, product, fonts, 0.0, 1000.0 * fonts.px)
    return 1000.0 * fonts.px - geo.name_right + 8 * fonts.px


def _row_toks(row: Row, idx: int, style: Style, fonts: Fonts) -> list[Tok]:
    bold = style.bold_names and row.indent == 0
    return words(row.label, fonts.bold if bold else fonts.body, idx)


def draw_row(
    sheet: Sheet,
    product: Product,
    rows: Sequence[tuple[int, Row]],
    geo: Geometry,
    style: Style,
    fonts: Fonts,
    y: float,
) -> float:
    """One table row (with its colon-listed members, if any); returns the y below it."""
    idx, row = rows[0]
    em = fonts.px
    toks = _row_toks(row, idx, style, fonts)
    for m_idx, member in rows[1:]:
        toks += words(member.label, fonts.body, m_idx)
    left = geo.left + row.indent * em
    # A colon list may run under the amount columns: only the first line shares them.
    right = geo.right if len(rows) > 1 else geo.name_right
    placed = flow(sheet, toks, left, left + 0.6 * em, right, geo.name_right)
    lh = em * style.line_gap
    base = y + 0.25 * em + fonts.cap(fonts.body)
    for i, line in enumerate(placed):
        parts = draw_placed(sheet, line, base + i * lh)
        if i == 0:
            for c, (amount, dv) in enumerate(cells(product, row)):
                for text, edge in (
                    (amount, geo.cell_rights[2 * c]),
                    (dv, geo.cell_rights[2 * c + 1]),
                ):
                    if text:
                        x = edge - sheet.width(text, fonts.body)
                        sheet.text(x, base, text, fonts.body, idx)
                parts += [amount, dv]
        sheet.line(parts)
    return base + (len(placed) - 1) * lh + 0.45 * em


def _groups(product: Product, indices: Sequence[int]) -> list[list[tuple[int, Row]]]:
    """Rows to draw together: a colon-listed blend travels with its members."""
    out: list[list[tuple[int, Row]]] = []
    for i in indices:
        row = product.rows[i]
        if row.inline and out:
            out[-1].append((i, row))
        else:
            out.append([(i, row)])
    return out


def _rule(sheet: Sheet, left: float, right: float, y: float, thickness: float) -> float:
    t = max(1.0, thickness)
    sheet.rect((left, y, right, y + t))
    return y + t


def draw_rows(
    sheet: Sheet,
    product: Product,
    indices: Sequence[int],
    geo: Geometry,
    style: Style,
    fonts: Fonts,
    y: float,
) -> float:
    """The column header and the rows of one table; returns the y below the last row."""
    em = fonts.px
    base = y + 0.25 * em + fonts.cap(fonts.small_bold)
    if product.columns:
        parts: list[str] = []
        for c, title in enumerate(product.columns):
            for text, right in (
                (title, geo.cell_rights[2 * c]),
                ("% DV", geo.cell_rights[2 * c + 1]),
            ):
                sheet.text(
                    right - sheet.width(text, fonts.small_bold), base, text, fonts.small_bold
                )
                parts.append(text)
        sheet.line(parts)
    else:
        left_text, right_text = style.header
        sheet.text(geo.left, base, left_text, fonts.small_bold)
        sheet.text(
            geo.right - sheet.width(right_text, fonts.small_bold),
            base,
            right_text,
            fonts.small_bold,
        )
        sheet.line([left_text, right_text])
    y = _rule(sheet, geo.left, geo.right, base + 0.35 * em, 0.1 * em)
    groups = _groups(product, indices)
    for g, group in enumerate(groups):
        y = draw_row(sheet, product, group, geo, style, fonts, y)
        nxt = groups[g + 1][0][1] if g + 1 < len(groups) else None
        if style.row_rules and nxt is not None and nxt.indent == 0:
            y = _rule(sheet, geo.left, geo.right, y, 0.05 * em)
    return y


def draw_heading(
    sheet: Sheet, product: Product, style: Style, fonts: Fonts, left: float, right: float, y: float
) -> float:
    """'Supplement Facts', the serving lines and the thick bar under them."""
    em = fonts.px
    width = right - left
    title = "Supplement Facts"
    size = fonts.px * 2.0
    probe = font(style.family.bold, round(size))
    size *= style.title_fill * width / sheet.width(title, probe)
    size = min(max(size, 1.3 * em), 2.8 * em)
    title_font = font(style.family.bold, round(size))
    base = y + fonts.cap(title_font) + 0.1 * em
    sheet.text(left, base, title, title_font)
    sheet.line([title])
    # Below the title's descenders ("pp"), so the serving line never touches them.
    y = base + title_font.getbbox("p", anchor="ls")[3]
    colon = ":" if style.serving_colon else ""
    lh = em * style.line_gap * 0.9
    for head, value in (
        ("Serving Size", product.serving_size),
        ("Servings Per Container", product.servings_per_container),
    ):
        toks = words(f"{head}{colon} {value}", fonts.body, None)
        y = draw_paragraph(sheet, toks, left, right, y + 0.1 * em, lh, fonts.cap(fonts.body))
    return _rule(sheet, left, right, y + 0.1 * em, 0.45 * em)


def draw_paragraph(
    sheet: Sheet, toks: Sequence[Tok], left: float, right: float, y: float, lh: float, cap: float
) -> float:
    """Word-wrapped text; returns the y below its last line."""
    base = y + cap
    for line in flow(sheet, toks, left, left, right):
        sheet.line(draw_placed(sheet, line, base))
        base += lh
    return base - lh + 0.4 * lh


def draw_footnotes(
    sheet: Sheet, product: Product, fonts: Fonts, left: float, right: float, y: float
) -> float:
    lh = fonts.px * 0.82 * 1.25
    for note in product.footnotes:
        y = draw_paragraph(
            sheet,
            words(note, fonts.small, None),
            left,
            right,
            y + 0.15 * lh,
            lh,
            fonts.cap(fonts.small),
        )
    return y


def table_panel(
    sheet: Sheet, product: Product, style: Style, fonts: Fonts, left: float, width: float, y: float
) -> float:
    """The FDA-style table; returns the y of the panel's bottom edge."""
    pad = 0.45 * fonts.px
    inner_l, inner_r = left + pad, left + width - pad
    y = draw_heading(sheet, product, style, fonts, inner_l, inner_r, y + pad)
    geo = _geometry(sheet, product, fonts, inner_l, inner_r)
    y = draw_rows(sheet, product, range(len(product.rows)), geo, style, fonts, y)
    y = _rule(sheet, inner_l, inner_r, y, 0.45 * fonts.px)
    return draw_footnotes(sheet, product, fonts, inner_l, inner_r, y) + pad


def _split(product: Product) -> int:
    """Where to break the rows into two halves without separating a blend from its members."""
    half = (len(product.rows) + 1) // 2
    for k in [half + d for d in (0, 1, -1, 2, -2, 3, -3)]:
        if 0 < k < len(product.rows) and product.rows[k].indent == 0:
            return k
    return half


def side_by_side_panel(
    sheet: Sheet, product: Product, style: Style, fonts: Fonts, left: float, width: float, y: float
) -> float:
    pad = 0.45 * fonts.px
    inner_l, inner_r = left + pad, left + width - pad
    y = draw_heading(sheet, product, style, fonts, inner_l, inner_r, y + pad)
    gap = 1.2 * fonts.px
    half_w = (inner_r - inner_l - gap) / 2
    k = _split(product)
    bottoms = []
    for start, indices in (
        (inner_l, range(k)),
        (inner_l + half_w + gap, range(k, len(product.rows))),
    ):
        geo = _geometry(sheet, product, fonts, start, start + half_w)
        bottoms.append(draw_rows(sheet, product, indices, geo, style, fonts, y))
    bottom = max(bottoms)
    mid = inner_l + half_w + gap / 2
    sheet.rect((mid - 0.04 * fonts.px, y, mid + 0.04 * fonts.px, bottom))
    y = _rule(sheet, inner_l, inner_r, bottom, 0.45 * fonts.px)
    return draw_footnotes(sheet, product, fonts, inner_l, inner_r, y) + pad


def _linear_toks(product: Product, style: Style, fonts: Fonts) -> list[Tok]:
    colon = ":" if style.serving_colon else ""
    toks: list[Tok] = [("Supplement", fonts.bold, None), ("Facts", fonts.bold, None)]
    toks += words(f"Serving Size{colon} {product.serving_size},", fonts.body, None)
    toks += words(
        f"Servings Per Container{colon} {product.servings_per_container}.", fonts.body, None
    )
    toks += words("Amount Per Serving:", fonts.bold, None)
    for i, row in enumerate(product.rows):
        amount, dv = cells(product, row)[0]
        text = f"{row.label} {amount}"
        text += f" ({dv} DV)" if dv.endswith("%") else dv
        text += "." if i == len(product.rows) - 1 else ","
        toks += words(text, fonts.body, i)
    for note in product.footnotes:
        toks += words(note, fonts.body, None)
    return toks


def linear_panel(
    sheet: Sheet, product: Product, style: Style, fonts: Fonts, left: float, width: float, y: float
) -> float:
    pad = 0.45 * fonts.px
    lh = fonts.px * style.line_gap
    toks = _linear_toks(product, style, fonts)
    return (
        draw_paragraph(
            sheet, toks, left + pad, left + width - pad, y + pad, lh, fonts.cap(fonts.body)
        )
        + pad
    )


def draw_badge(
    sheet: Sheet,
    mark_big: str,
    mark_small: Sequence[str],
    style: Style,
    x: float,
    y: float,
    d: float,
) -> None:
    """A round certification seal: a coloured disc, a paper ring and white lettering."""
    color = {"USP": (30, 30, 30), "NSF": (0, 85, 160), "CL": (170, 30, 45)}.get(
        mark_big, (40, 40, 40)
    )
    sheet.ellipse((x, y, x + d, y + d), fill=color)
    ring = 0.06 * d
    sheet.ellipse(
        (x + ring, y + ring, x + d - ring, y + d - ring),
        fill=color,
        outline=style.paper,
        width=max(1, round(0.03 * d)),
    )
    big = font(style.family.bold, max(8, round(0.3 * d)))
    small = font(style.family.bold, max(6, round(0.1 * d)))
    cx = x + d / 2
    base = y + 0.52 * d
    sheet.text(cx - sheet.width(mark_big, big) / 2, base, mark_big, big, ink=style.paper)
    for i, line in enumerate(mark_small):
        b = base + (i + 1) * 0.14 * d + 0.02 * d
        sheet.text(cx - sheet.width(line, small) / 2, b, line, small, ink=style.paper)


def below_panel(
    sheet: Sheet, product: Product, style: Style, fonts: Fonts, left: float, width: float, y: float
) -> float:
    """Other ingredients, look-alike claims and seals under the panel."""
    em = fonts.px
    lh = em * style.line_gap
    toks = words(product.other_label, fonts.bold, None)
    items = ", ".join(product.other_ingredients) + "."
    toks += words(items, fonts.body, None)
    y = draw_paragraph(sheet, toks, left, left + width, y + 0.6 * em, lh, fonts.cap(fonts.body))
    for claim in product.lookalikes:
        y = draw_paragraph(
            sheet,
            words(claim + ".", fonts.body, None),
            left,
            left + width,
            y + 0.2 * em,
            lh,
            fonts.cap(fonts.body),
        )
    d = style.badge_em * em
    x = left
    if product.marks:
        y += 0.6 * em
        for mark in product.marks:
            draw_badge(sheet, mark.big, mark.small, style, x, y, d)
            x += d + 0.8 * em
        y += d
    return y


@dataclass
class Rendered:
    image: Image.Image
    row_boxes: list[Box]  # one per product row, label pixels
    lines: list[str]
    x_height: float
    font_px: int
    panel_box: Box
    # The printed text as a line detector would box it: runs on one baseline, a word space
    # apart, joined; a column gap starts a new segment. Label pixels.
    segments: list[tuple[str, Box]]


def _panel_width(product: Product, style: Style, fonts: Fonts) -> float:
    width = style.width_em * fonts.px
    if style.layout == "side_by_side":
        return max(2 * width, 2 * needed_width(product, style, fonts) + 2.2 * fonts.px)
    if style.layout == "linear":
        return width
    return max(width, needed_width(product, style, fonts) + fonts.px)


# A row's box reaches this many ems past its ink on every side.
ROW_PAD_EM = 0.12

_PANELS = {"table": table_panel, "side_by_side": side_by_side_panel, "linear": linear_panel}


def render(product: Product, style: Style, scale: float = 1.0) -> Rendered:
    """Lays the label out at `scale` times the style's size and draws it."""
    fonts = _fonts(style, scale)
    em = fonts.px
    sheet = Sheet(style.ink, style.tracking_em * em)
    margin = style.margin_em * em
    stripe_w = 2.5 * em if style.stripe else 0.0
    left = margin + stripe_w
    width = _panel_width(product, style, fonts)
    bottom = _PANELS[style.layout](sheet, product, style, fonts, left, width, margin)
    border = max(1, round(0.08 * em))
    panel: Box = (left, margin, left + width, bottom)
    if style.border:
        sheet.rect(
            (left - border, margin - border, left + width + border, bottom + border), outline=border
        )
    end = below_panel(sheet, product, style, fonts, left, width, bottom + border)
    # Size the canvas to what was drawn, in case a long word ran past the panel.
    extent = sheet.extent or (0.0, 0.0, left + width, end)
    size = (round(max(left + width, extent[2]) + margin), round(max(end, extent[3]) + margin))
    image = Image.new("RGB", size, style.paper)
    draw = ImageDraw.Draw(image)
    if style.stripe:
        draw.rectangle((0, 0, stripe_w * 0.8, size[1]), fill=style.stripe)
    for op in sheet.ops:
        op(draw)
    boxes = [pad(sheet.boxes[i], ROW_PAD_EM * em) for i in range(len(product.rows))]
    x_box = fonts.body.getbbox("x", anchor="ls")
    return Rendered(
        image, boxes, sheet.lines, float(x_box[3] - x_box[1]), em, panel, segments(sheet.runs)
    )


def segments(runs: Sequence[tuple[str, Box, float, float]]) -> list[tuple[str, Box]]:
    """Runs of text joined into line segments: same baseline (within a fifth of the font
    size) and a gap under 0.7 of it, about two word spaces."""
    merged: list[tuple[str, Box, float, float]] = []
    for text, box, base, size in sorted(runs, key=lambda r: (round(r[2]), r[1][0])):
        if merged:
            last_text, last_box, last_base, last_size = merged[-1]
            gap = box[0] - last_box[2]
            if abs(base - last_base) < 0.2 * last_size and 0 <= gap < 0.7 * last_size:
                merged[-1] = (f"{last_text} {text}", _union(last_box, box), last_base, last_size)
                continue
        merged.append((text, box, base, size))
    return [(text, box) for text, box, _, _ in merged]


def pad(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)
