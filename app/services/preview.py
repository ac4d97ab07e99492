"""A reviewer's picture of a scan: the photo with every row's box and reading drawn on it."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from catalog.models import Ingredient, ScanResult
from ocr.image import decode

_MAX_SIDE = 1600  # enough to read the labels; keeps the PNG small
_COLOURS = ((220, 38, 38), (37, 99, 235), (22, 163, 74), (217, 119, 6), (147, 51, 234))


def _reading(ing: Ingredient) -> str:
    amount = "" if ing.amount is None else f" {ing.amount:g} {ing.unit or ''}".rstrip()
    forms = f" [{', '.join(ing.forms)}]" if ing.forms else ""
    dv = "" if ing.dv_percent is None else f" {ing.dv_percent:g}%"
    return f"{ing.name}{amount}{dv}{forms}"


def render(
    photo: bytes, result: ScanResult, index: int, *, max_bytes: int, max_pixels: int
) -> bytes:
    """PNG bytes. Boxes are in the pixels of the upright photo (EXIF orientation applied), the
    frame the OCR pipeline reports them in, so the photo is decoded the same way, within the
    limits it was accepted under."""
    rgb = decode(photo, max_bytes=max_bytes, max_pixels=max_pixels).rgb
    image = Image.fromarray(rgb)
    scale = min(1.0, _MAX_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
        )
    draw = ImageDraw.Draw(image, "RGBA")
    font_px = max(12, round(max(image.size) / 70))
    font = ImageFont.load_default(size=font_px)
    width = max(2, font_px // 6)
    for n, ing in enumerate(result.ingredients):
        if ing.bbox is None or (ing.image or 0) != index:
            continue
        colour = _COLOURS[n % len(_COLOURS)]
        x, y, w, h = (round(v * scale) for v in ing.bbox)
        draw.rectangle((x, y, x + w, y + h), outline=colour, width=width)
        text = f"{n}: {_reading(ing)}"
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        ty = y - (bottom - top) - 4 if y - (bottom - top) - 4 >= 0 else y + h + 2
        draw.rectangle(
            (x, ty, x + (right - left) + 6, ty + (bottom - top) + 4), fill=(*colour, 180)
        )
        draw.text((x + 3, ty + 1 - (top - y)), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
