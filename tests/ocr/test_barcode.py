"""Barcodes: symbols rendered here with zxing-cpp's own writer, pasted turned and scaled onto a
noisy background (as a bottle's barcode sits in a phone photo), read back, and reduced to one
canonical GTIN with the check digit enforced."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from ocr.barcode import (
    Barcode,
    canonical_gtin,
    check_digit_ok,
    expand_upce,
    gtin_of,
    read_barcodes,
    upc_of,
)
from ocr.types import Image

CANVAS_W, CANVAS_H = 900, 700


def _symbol(text: str, fmt: zxingcpp.BarcodeFormat, scale: int = 3) -> Image:
    """Black-on-white symbol with its quiet zone, as zxing-cpp 3.x writes it."""
    bitmap = zxingcpp.create_barcode(text, fmt).to_image(scale=scale)
    return np.ascontiguousarray(np.asarray(bitmap, dtype=np.uint8))


def _photo_with(
    symbol: Image, *, angle: float, zoom: float, center: tuple[int, int], seed: int = 3
) -> Image:
    """The symbol scaled by `zoom`, turned by `angle` degrees and pasted at `center` of a busy,
    noisy RGB canvas (blotches and dark strokes, like label art), then softened, noised and
    tinted like a phone capture under indoor light."""
    rng = np.random.default_rng(seed)
    canvas = cv2.GaussianBlur(rng.normal(150, 40, (CANVAS_H, CANVAS_W)), (0, 0), 3)
    for _ in range(40):
        start = (int(rng.integers(0, CANVAS_W)), int(rng.integers(0, CANVAS_H)))
        end = (int(rng.integers(0, CANVAS_W)), int(rng.integers(0, CANVAS_H)))
        cv2.line(canvas, start, end, float(rng.integers(0, 90)), int(rng.integers(1, 5)))
    sticker = cv2.resize(symbol, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR)
    h, w = sticker.shape
    side = int(np.hypot(h, w)) + 4
    top, left = (side - h) // 2, (side - w) // 2
    square = np.zeros((side, side), np.uint8)
    square[top : top + h, left : left + w] = sticker
    footprint = np.zeros((side, side), np.uint8)
    footprint[top : top + h, left : left + w] = 1
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    turned = cv2.warpAffine(square, turn, (side, side))
    inside = cv2.warpAffine(footprint, turn, (side, side), flags=cv2.INTER_NEAREST) > 0
    x0, y0 = center[0] - side // 2, center[1] - side // 2
    patch = canvas[y0 : y0 + side, x0 : x0 + side]
    patch[inside] = turned[inside]
    soft = cv2.GaussianBlur(canvas, (0, 0), 0.8) + rng.normal(0, 6, canvas.shape)
    grey = soft.clip(0, 255).astype(np.uint8)
    tint = np.array([1.0, 0.95, 0.85])
    return np.asarray((grey[..., None] * tint).clip(0, 255), dtype=np.uint8)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("4006381333931", zxingcpp.BarcodeFormat.EAN13, "4006381333931"),
        ("036000291452", zxingcpp.BarcodeFormat.UPCA, "036000291452"),
        ("0036000291452", zxingcpp.BarcodeFormat.EAN13, "036000291452"),  # same bars as UPC-A
        ("96385074", zxingcpp.BarcodeFormat.EAN8, "96385074"),
        ("01234565", zxingcpp.BarcodeFormat.UPCE, "012345000065"),
    ],
)
@pytest.mark.parametrize(("angle", "zoom"), [(0.0, 1.0), (17.0, 1.4), (-90.0, 0.8), (180.0, 1.0)])
def test_product_codes_are_read_back_from_a_noisy_photo(
    text: str, fmt: zxingcpp.BarcodeFormat, expected: str, angle: float, zoom: float
) -> None:
    photo = _photo_with(_symbol(text, fmt), angle=angle, zoom=zoom, center=(420, 330))
    found = read_barcodes(photo)
    assert found, "no barcode found"
    assert upc_of(found) == expected
    x, y, w, h = found[0].position
    assert 120 < x + w / 2 < 720 and 30 < y + h / 2 < 630  # near where it was pasted


def test_format_names_are_human() -> None:
    photo = _photo_with(
        _symbol("96385074", zxingcpp.BarcodeFormat.EAN8), angle=5, zoom=1.2, center=(450, 350)
    )
    assert [b.format for b in read_barcodes(photo)] == ["EAN-8"]


def test_upc_a_and_its_ean_13_form_give_the_same_key() -> None:
    upca = read_barcodes(_symbol("036000291452", zxingcpp.BarcodeFormat.UPCA))
    ean = read_barcodes(_symbol("0036000291452", zxingcpp.BarcodeFormat.EAN13))
    assert upc_of(upca) == upc_of(ean) == "036000291452"


def test_a_gs1_digital_link_qr_code_yields_its_gtin() -> None:
    link = "https://id.gs1.org/01/00036000291452/10/LOT42"
    photo = _photo_with(
        _symbol(link, zxingcpp.BarcodeFormat.QRCode, scale=5), angle=30, zoom=1.0, center=(450, 350)
    )
    found = read_barcodes(photo)
    assert [(b.text, b.format) for b in found] == [(link, "QR Code")]
    assert upc_of(found) == "036000291452"


def test_a_qr_code_without_a_gtin_is_not_a_product_code() -> None:
    found = read_barcodes(_symbol("https://example.com/magnesium", zxingcpp.BarcodeFormat.QRCode))
    assert [b.format for b in found] == ["QR Code"]
    assert upc_of(found) is None


def test_two_symbols_in_one_photo_are_both_read() -> None:
    photo = _photo_with(
        _symbol("4006381333931", zxingcpp.BarcodeFormat.EAN13), angle=0, zoom=1.0, center=(250, 200)
    )
    qr = _symbol("https://example.com/x", zxingcpp.BarcodeFormat.QRCode, scale=6)
    h, w = qr.shape
    photo[420 : 420 + h, 600 : 600 + w] = qr[..., None]
    assert sorted(b.format for b in read_barcodes(photo)) == ["EAN-13", "QR Code"]


def test_a_photo_without_barcodes_gives_nothing() -> None:
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    assert read_barcodes(photo) == []
    assert upc_of([]) is None


def test_grey_input_is_accepted() -> None:
    found = read_barcodes(_symbol("4006381333931", zxingcpp.BarcodeFormat.EAN13))
    assert upc_of(found) == "4006381333931"


# --- check digits and canonical form ------------------------------------------------------------


def _code(text: str, fmt: str = "EAN-13") -> Barcode:
    return Barcode(text=text, format=fmt, position=(0, 0, 10, 10))


@pytest.mark.parametrize(
    "digits",
    ["4006381333931", "036000291452", "96385074", "0036000291452", "00036000291452"],
)
def test_valid_check_digits(digits: str) -> None:
    assert check_digit_ok(digits)


@pytest.mark.parametrize("digits", ["4006381333932", "036000291453", "96385075", "", "7", "12a4"])
def test_invalid_check_digits(digits: str) -> None:
    assert not check_digit_ok(digits)


def test_upc_of_rejects_a_wrong_check_digit() -> None:
    assert upc_of([_code("4006381333932")]) is None
    assert upc_of([_code("036000291453", "UPC-A")]) is None
    assert upc_of([_code("4006381333932"), _code("4006381333931")]) == "4006381333931"


@pytest.mark.parametrize(
    ("digits", "canonical"),
    [
        ("4006381333931", "4006381333931"),  # EAN-13 not starting with 0 keeps 13 digits
        ("0036000291452", "036000291452"),  # EAN-13 starting with 0 is the UPC-A
        ("036000291452", "036000291452"),
        ("00036000291452", "036000291452"),  # GTIN-14 padding
        ("04006381333931", "4006381333931"),
        ("00000096385074", "96385074"),  # GTIN-8 padded to 14
        ("96385074", "96385074"),
        ("10036000291459", "10036000291459"),  # a case-pack GTIN-14 stays as it is
        ("0036000291453", None),
        ("12345", None),
    ],
)
def test_canonical_gtin(digits: str, canonical: str | None) -> None:
    assert canonical_gtin(digits) == canonical


@pytest.mark.parametrize("last", range(10))
def test_upc_e_expansion_agrees_with_zxing(last: int) -> None:
    """Every zero-suppression rule (the sixth digit picks it), checked against zxing-cpp's own
    expansion of a symbol it wrote."""
    body = f"12345{last}"
    without_check = expand_upce(f"0{body}0")
    assert without_check is not None
    check = next(c for c in "0123456789" if check_digit_ok(without_check[:-1] + c))
    upce = f"0{body}{check}"
    found = read_barcodes(_symbol(upce, zxingcpp.BarcodeFormat.UPCE))
    assert [b.format for b in found] == ["UPC-E"]
    assert canonical_gtin(found[0].text[-12:]) == expand_upce(upce)
    assert upc_of(found) == expand_upce(upce)


def test_upc_e_is_expanded_whatever_zxing_reports() -> None:
    assert expand_upce("01234565") == "012345000065"
    assert expand_upce("04252614") == "042100005264"  # sixth digit 1: "42" + "1" + 0000 + "526"
    assert expand_upce("21234565") is None  # number system must be 0 or 1
    assert expand_upce("0123456") is None
    assert gtin_of(_code("01234565", "UPC-E")) == "012345000065"  # zxing-cpp 2.x text
    assert gtin_of(_code("0012345000065", "UPC-E")) == "012345000065"  # zxing-cpp 3.x text


def test_linear_codes_win_over_qr_codes() -> None:
    qr = _code("https://id.gs1.org/01/04006381333931", "QR Code")
    ean = _code("036000291452", "UPC-A")
    assert upc_of([qr, ean]) == "036000291452"
    assert upc_of([qr]) == "4006381333931"


def test_gs1_element_strings_in_qr_codes() -> None:
    assert gtin_of(_code("(01)00036000291452(17)271231", "QR Code")) == "036000291452"
    assert gtin_of(_code("https://shop.example/01/4006381333931?x=1", "QR Code")) == (
        "4006381333931"
    )
    assert gtin_of(_code("https://shop.example/01/400638133393100", "QR Code")) is None
