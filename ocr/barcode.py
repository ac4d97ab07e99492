"""Read the product barcode off a photo, so that a panel can be matched to a catalogue product.

Supplements carry a UPC-A (US/Canada) or an EAN-13 (elsewhere) on the bottle, sometimes an EAN-8
or a UPC-E on small packs, and increasingly a QR code holding a GS1 Digital Link URL with the same
GTIN. All are read with zxing-cpp; `upc_of` turns whatever was read into one canonical digit
string.

Canonical form (one product must always give the same key, whichever symbol or zxing version
read it): a UPC-A and an EAN-13 that starts with 0 are the same number and the same bars, so an
EAN-13 starting with 0 is reported as the 12-digit UPC-A, and any other EAN-13 keeps its 13
digits. A UPC-E is expanded to its 12-digit UPC-A; an EAN-8 stays 8 digits; a GTIN-14 from a QR
code is shortened the same way when its leading digits are zero padding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import zxingcpp

from ocr.types import Image

# Retail product codes plus QR (GS1 Digital Link); nothing else can name a product on a label.
# Spelled as text: zxing-cpp 3 deprecates combining formats with `|`.
_FORMATS: Final = zxingcpp.barcode_formats_from_str("EAN-13,EAN-8,UPC-A,UPC-E,QRCode")

# zxing-cpp's enum member names -> the names people use.
_FORMAT_NAMES: Final = {
    "EAN13": "EAN-13",
    "EAN8": "EAN-8",
    "UPCA": "UPC-A",
    "UPCE": "UPC-E",
    "QRCode": "QR Code",
}
_LINEAR: Final = frozenset({"EAN-13", "EAN-8", "UPC-A", "UPC-E"})

# A GTIN inside a GS1 Digital Link URL (".../01/<gtin>") or a GS1 element string ("(01)<gtin>").
_GS1_GTIN: Final = re.compile(r"(?:/01/|\(01\))(\d{8,14})(?!\d)")


@dataclass(frozen=True, slots=True)
class Barcode:
    """One symbol found in an image."""

    text: str  # decoded content as zxing-cpp reports it (digits for EAN/UPC, any text for QR)
    format: str  # "EAN-13", "EAN-8", "UPC-A", "UPC-E" or "QR Code"
    position: tuple[int, int, int, int]  # bounding box (x, y, w, h) in the given image's pixels


def read_barcodes(image: Image) -> list[Barcode]:
    """Every product barcode and QR code zxing-cpp can find, in any orientation. Symbols whose
    check digit fails are dropped by the decoder itself."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    found = zxingcpp.read_barcodes(np.ascontiguousarray(grey), formats=_FORMATS)
    return [
        Barcode(
            text=result.text,
            format=_FORMAT_NAMES.get(result.format.name, result.format.name),
            position=_bounding_box(result.position),
        )
        for result in found
        if result.valid
    ]


def upc_of(barcodes: Iterable[Barcode]) -> str | None:
    """The product's GTIN in canonical form (see the module docstring), or None when no barcode
    carries a valid one. Linear product codes win over QR codes; among equals, the first read."""
    ordered = sorted(barcodes, key=lambda b: b.format not in _LINEAR)
    for barcode in ordered:
        gtin = gtin_of(barcode)
        if gtin is not None:
            return gtin
    return None


def gtin_of(barcode: Barcode) -> str | None:
    """The canonical GTIN carried by one barcode, or None (not a product code, or a check digit
    that does not add up)."""
    if barcode.format in _LINEAR:
        digits = barcode.text.strip()
    else:
        match = _GS1_GTIN.search(barcode.text)
        digits = match.group(1) if match else ""
    if not digits.isdigit():
        return None
    if barcode.format == "UPC-E" and len(digits) == 8:
        digits = expand_upce(digits) or ""
    return canonical_gtin(digits)


def canonical_gtin(digits: str) -> str | None:
    """Validate the GS1 check digit and drop zero padding: GTIN-14/13 with leading zeros become
    the 12-digit UPC-A (or the 8-digit EAN-8 when six zeros pad it to 14). None if invalid."""
    if len(digits) not in (8, 12, 13, 14) or not digits.isdigit() or not check_digit_ok(digits):
        return None
    if len(digits) == 14 and digits.startswith("000000"):
        return digits[6:]
    if len(digits) == 14 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 13 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def check_digit_ok(digits: str) -> bool:
    """GS1 mod-10 check: from the right, the digits before the check digit weigh 3, 1, 3, ...;
    the check digit brings the weighted sum to a multiple of 10. The same for every GTIN length,
    which is why zero padding never changes it."""
    if len(digits) < 2 or not digits.isdigit():
        return False
    body = [int(c) for c in reversed(digits[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == int(digits[-1])


def expand_upce(upce: str) -> str | None:
    """The UPC-A that an 8-digit UPC-E (number system 0 or 1, six digits, check digit) stands
    for, per the GS1 zero-suppression rules; None for anything else."""
    if len(upce) != 8 or not upce.isdigit() or upce[0] not in "01":
        return None
    system, m, check = upce[0], upce[1:7], upce[7]
    last = m[5]
    if last in "012":
        body = m[0:2] + last + "0000" + m[2:5]
    elif last == "3":
        body = m[0:3] + "00000" + m[3:5]
    elif last == "4":
        body = m[0:4] + "00000" + m[4]
    else:
        body = m[0:5] + "0000" + last
    return system + body + check


def _bounding_box(position: zxingcpp.Position) -> tuple[int, int, int, int]:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs = [int(p.x) for p in corners]
    ys = [int(p.y) for p in corners]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
