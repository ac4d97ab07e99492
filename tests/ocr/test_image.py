"""Decoding uploads: every accepted format round-trips, EXIF orientation is honoured, anything
that is not an image, is broken or is a decompression bomb is refused with the right typed
error, and odd pixel modes come back as 8-bit RGB."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
import pillow_heif
import pytest
from PIL import Image as PILImage
from PIL import ImageFile

from ocr.errors import CorruptImage, ImageError, ImageTooLarge, UnsupportedImageType
from ocr.image import DecodedImage, decode, downscale, rotate, sniff
from ocr.types import Image

ORIENTATION_TAG = 0x0112
W, H = 60, 40  # stored size of the marker picture
BLOCK = 12  # side of the black marker block in the stored top-left corner


def _marker() -> PILImage.Image:
    """White picture with a black block in the stored top-left corner, so turns are visible."""
    pixels = np.full((H, W, 3), 255, dtype=np.uint8)
    pixels[:BLOCK, :BLOCK] = 0
    return PILImage.fromarray(pixels)


def _noise(width: int = 256, height: int = 256, seed: int = 1) -> PILImage.Image:
    """Incompressible content, so that cutting the file in half cuts the pixel data."""
    rng = np.random.default_rng(seed)
    return PILImage.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def _encode(img: PILImage.Image, fmt: str, **options: Any) -> bytes:
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    img.save(out, format=fmt, **options)
    return out.getvalue()


def _exif(orientation: int) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[ORIENTATION_TAG] = orientation
    return exif


def _block_corner(rgb: Image) -> str:
    """Which corner of the decoded picture holds the black block."""
    h, w = rgb.shape[:2]
    corners = {
        "top-left": rgb[: BLOCK // 2, : BLOCK // 2],
        "top-right": rgb[: BLOCK // 2, w - BLOCK // 2 :],
        "bottom-left": rgb[h - BLOCK // 2 :, : BLOCK // 2],
        "bottom-right": rgb[h - BLOCK // 2 :, w - BLOCK // 2 :],
    }
    dark = [name for name, patch in corners.items() if patch.mean() < 60]
    assert len(dark) == 1, dark
    return dark[0]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height 8-bit grey pixels, followed by a token IDAT:
    the few hundred bytes a decompression bomb needs to announce itself."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "options", "name", "tolerance"),
    [
        ("JPEG", {"quality": 95}, "jpeg", 12.0),
        ("PNG", {}, "png", 0.0),
        ("WEBP", {"lossless": True}, "webp", 0.0),
        ("HEIF", {"quality": 95}, "heic", 12.0),
    ],
)
def test_round_trip(fmt: str, options: dict[str, Any], name: str, tolerance: float) -> None:
    original = _marker()
    decoded = decode(_encode(original, fmt, **options))
    assert isinstance(decoded, DecodedImage)
    assert decoded.format == name
    assert decoded.original_size == (W, H)
    assert decoded.exif_rotated is False
    assert decoded.rgb.shape == (H, W, 3)
    assert decoded.rgb.dtype == np.uint8
    diff = np.abs(decoded.rgb.astype(int) - np.asarray(original).astype(int))
    assert diff.mean() <= tolerance
    assert _block_corner(decoded.rgb) == "top-left"


def test_decoded_pixels_are_writable_and_contiguous() -> None:
    rgb = decode(_encode(_marker(), "PNG")).rgb
    assert rgb.flags.c_contiguous
    assert rgb.flags.writeable


# --- sniffing ----------------------------------------------------------------------------------


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 16


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (_ftyp(b"heic", b"mif1", b"heic"), "heic"),
        (_ftyp(b"heix", b"mif1"), "heic"),
        (_ftyp(b"mif1", b"heic", b"miaf"), "heic"),
        (_ftyp(b"mif1", b"miaf"), "heic"),  # generic HEIF: libheif decides the codec
        (_ftyp(b"avif", b"mif1", b"miaf"), None),
        (_ftyp(b"mif1", b"avif"), None),
        (_ftyp(b"isom", b"mp41"), None),  # an MP4 video
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_sniff_uses_magic_bytes_only(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


def test_a_real_heic_file_is_sniffed_as_heic() -> None:
    assert sniff(_encode(_marker(), "HEIF")) == "heic"


# --- orientation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "shape", "corner"),
    [
        (6, (W, H, 3), "top-right"),  # "rotate 90 CW to display": the picture stands up
        (3, (H, W, 3), "bottom-right"),  # upside down
        (8, (W, H, 3), "bottom-left"),  # "rotate 90 CCW to display"
    ],
)
@pytest.mark.parametrize("fmt", ["JPEG", "HEIF"])
def test_exif_orientation_is_applied(
    fmt: str, orientation: int, shape: tuple[int, int, int], corner: str
) -> None:
    data = _encode(_marker(), fmt, quality=95, exif=_exif(orientation).tobytes())
    decoded = decode(data)
    assert decoded.exif_rotated is True
    assert decoded.original_size == (W, H)
    assert decoded.rgb.shape == shape
    assert _block_corner(decoded.rgb) == corner


def test_normal_orientation_tag_changes_nothing() -> None:
    decoded = decode(_encode(_marker(), "JPEG", quality=95, exif=_exif(1).tobytes()))
    assert decoded.exif_rotated is False
    assert _block_corner(decoded.rgb) == "top-left"


def test_a_turned_picture_without_orientation_decodes_as_stored() -> None:
    turned = _marker().transpose(PILImage.Transpose.ROTATE_90)  # stored sideways, no EXIF
    decoded = decode(_encode(turned, "JPEG", quality=95))
    assert decoded.exif_rotated is False
    assert decoded.original_size == (H, W)
    assert decoded.rgb.shape == (W, H, 3)
    assert _block_corner(decoded.rgb) == "bottom-left"


# --- refused uploads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"#!/bin/sh\necho 'not a photo'\n",
        b"<!DOCTYPE html>\n<html><body><img src=x onerror=alert(1)></body></html>\n",
        b"   <svg xmlns='http://www.w3.org/2000/svg'></svg>",
    ],
    ids=["empty", "random", "pdf", "shell-script", "html", "svg"],
)
def test_non_images_are_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedImageType) as caught:
        decode(data)
    assert caught.value.code == "unsupported_media_type"
    assert caught.value.detail


@pytest.mark.parametrize("fmt", ["GIF", "AVIF", "BMP", "TIFF"])
def test_other_image_formats_are_unsupported(fmt: str) -> None:
    with pytest.raises(UnsupportedImageType):
        decode(_encode(_marker(), fmt))


def test_the_refusal_names_what_was_sent() -> None:
    with pytest.raises(UnsupportedImageType, match="PDF"):
        decode(b"%PDF-1.4\n")
    with pytest.raises(UnsupportedImageType, match="empty"):
        decode(b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_truncated_files_are_corrupt(fmt: str) -> None:
    data = _encode(_noise(), fmt)
    with pytest.raises(CorruptImage) as caught:
        decode(data[: len(data) // 2])
    assert caught.value.code == "corrupt_image"
    assert "0x" not in caught.value.detail  # no object addresses leak to clients


def test_garbage_after_a_valid_signature_is_corrupt() -> None:
    with pytest.raises(CorruptImage):
        decode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


@pytest.fixture
def no_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to decode pixels: a bomb must be refused from its header."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.usefixtures("no_pixel_decoding")
def test_the_no_decoding_guard_does_notice_decoding() -> None:
    """Keeps the bomb tests honest: under the same guard a normal image cannot be decoded."""
    with pytest.raises(AssertionError, match="pixels were decoded"):
        decode(_encode(_marker(), "PNG"))


@pytest.mark.usefixtures("no_pixel_decoding")
def test_a_header_declaring_50000_squared_pixels_is_too_large() -> None:
    data = _png_header_only(50_000, 50_000)
    assert len(data) < 1_000
    with pytest.raises(ImageTooLarge) as caught:
        decode(data)
    assert caught.value.code == "image_too_large"


@pytest.mark.usefixtures("no_pixel_decoding")
def test_a_small_file_of_20000_squared_pixels_is_too_large() -> None:
    data = _encode(PILImage.new("1", (20_000, 20_000)), "PNG", optimize=True)
    assert len(data) < 1_000_000  # a compressible bomb: tiny file, 400 MP
    with pytest.raises(ImageTooLarge):
        decode(data)


@pytest.mark.usefixtures("no_pixel_decoding")
def test_our_own_pixel_limit_applies_below_pillows() -> None:
    data = _png_header_only(8_000, 6_000)  # 48 MP: under Pillow's guard, over our default
    with pytest.raises(ImageTooLarge, match="48,000,000"):
        decode(data)
    with pytest.raises(ImageTooLarge):
        decode(_encode(_marker(), "JPEG"), max_pixels=W * H - 1)


def test_exactly_at_the_pixel_limit_is_accepted() -> None:
    assert decode(_encode(_marker(), "PNG"), max_pixels=W * H).rgb.shape == (H, W, 3)


def test_too_many_bytes_is_too_large() -> None:
    data = _encode(_marker(), "PNG")
    with pytest.raises(ImageTooLarge) as caught:
        decode(data, max_bytes=len(data) - 1)
    assert caught.value.code == "image_too_large"
    assert decode(data, max_bytes=len(data)).format == "png"


def test_pillow_global_limit_is_left_alone() -> None:
    before = PILImage.MAX_IMAGE_PIXELS
    with pytest.raises(ImageTooLarge):
        decode(_png_header_only(50_000, 50_000))
    assert before == PILImage.MAX_IMAGE_PIXELS


# --- pixel modes -------------------------------------------------------------------------------


def test_palette_png_with_transparency_comes_back_rgb_on_white() -> None:
    palette_img = PILImage.new("P", (4, 2), 0)
    palette_img.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette_img.putpixel((1, 0), 1)
    palette_img.info["transparency"] = 0  # red entry is transparent
    rgb = decode(_encode(palette_img, "PNG", transparency=0)).rgb
    assert rgb.shape == (2, 4, 3)
    assert tuple(rgb[0, 0]) == (255, 255, 255)  # transparent -> paper white
    assert tuple(rgb[0, 1]) == (0, 0, 255)


def test_rgba_png_is_composited_on_white() -> None:
    pixels = np.zeros((2, 3, 4), dtype=np.uint8)
    pixels[0, 0] = (0, 0, 0, 0)  # fully transparent black
    pixels[0, 1] = (0, 0, 0, 255)  # opaque black
    pixels[0, 2] = (0, 0, 0, 128)  # half-transparent black
    pixels[1, :] = (10, 200, 30, 255)
    rgb = decode(_encode(PILImage.fromarray(pixels, "RGBA"), "PNG")).rgb
    assert rgb.shape == (2, 3, 3)
    assert tuple(rgb[0, 0]) == (255, 255, 255)
    assert tuple(rgb[0, 1]) == (0, 0, 0)
    assert all(abs(int(c) - 127) <= 1 for c in rgb[0, 2])
    assert tuple(rgb[1, 0]) == (10, 200, 30)


def test_grey_with_alpha_is_composited_on_white() -> None:
    la = PILImage.new("LA", (2, 1), (0, 0))
    la.putpixel((1, 0), (0, 255))
    rgb = decode(_encode(la, "PNG")).rgb
    assert tuple(rgb[0, 0]) == (255, 255, 255)
    assert tuple(rgb[0, 1]) == (0, 0, 0)


def test_sixteen_bit_grey_png_is_rescaled_not_clipped() -> None:
    values = np.array([[0, 32896, 65535]], dtype=np.uint16)
    img = PILImage.fromarray(values)
    assert img.mode == "I;16"
    rgb = decode(_encode(img, "PNG")).rgb
    assert rgb.shape == (1, 3, 3)
    assert [int(v) for v in rgb[0, :, 0]] == [0, 128, 255]
    assert (rgb[..., 0] == rgb[..., 2]).all()


@pytest.mark.parametrize("mode", ["L", "1", "CMYK"])
def test_grey_bilevel_and_cmyk_come_back_rgb(mode: str) -> None:
    img = _marker().convert(mode)
    fmt = "PNG" if mode == "1" else "JPEG"
    decoded = decode(_encode(img, fmt))
    assert decoded.rgb.shape == (H, W, 3)
    assert _block_corner(decoded.rgb) == "top-left"
    assert decoded.rgb[H - 1, W - 1].min() > 200  # white stays white (CMYK not inverted)


# --- errors ------------------------------------------------------------------------------------


def test_error_codes_are_stable_and_typed() -> None:
    assert UnsupportedImageType("x").code == "unsupported_media_type"
    assert ImageTooLarge("x").code == "image_too_large"
    assert CorruptImage("x").code == "corrupt_image"
    for cls in (UnsupportedImageType, ImageTooLarge, CorruptImage):
        err = cls("why")
        assert isinstance(err, ImageError)
        assert err.detail == "why"
        assert str(err) == "why"
        assert cls.__name__ in repr(err)


# --- rotate / downscale ------------------------------------------------------------------------


def test_rotate_is_counter_clockwise() -> None:
    rgb = np.asarray(_marker())
    turned = rotate(rgb, 1)
    assert turned.shape == (W, H, 3)
    assert _block_corner(turned) == "bottom-left"  # top-left goes down the left side
    assert _block_corner(rotate(rgb, -1)) == "top-right"
    assert np.array_equal(rotate(rgb, -1), rotate(rgb, 3))
    assert np.array_equal(rotate(rgb, 4), rgb)
    assert rotate(rgb, 1).flags.c_contiguous


def test_downscale_never_upscales() -> None:
    rgb = np.zeros((300, 400, 3), dtype=np.uint8)
    same, scale = downscale(rgb, 400)
    assert same is rgb
    assert scale == 1.0
    assert downscale(rgb, 5000)[0] is rgb


def test_downscale_fits_the_longest_side_and_reports_the_scale() -> None:
    rgb = np.zeros((3000, 4000, 3), dtype=np.uint8)
    small, scale = downscale(rgb, 1000)
    assert small.shape == (750, 1000, 3)
    assert scale == pytest.approx(0.25)
    tall, tall_scale = downscale(np.zeros((1000, 10, 3), dtype=np.uint8), 100)
    assert tall.shape == (100, 1, 3)
    assert tall_scale == pytest.approx(0.1)


def test_downscale_averages_fine_detail() -> None:
    checker = np.indices((64, 64)).sum(axis=0) % 2 * 255
    small, _ = downscale(checker.astype(np.uint8), 16)
    assert small.shape == (16, 16)
    assert np.abs(small.astype(int) - 128).max() <= 1  # INTER_AREA: grey, not aliased stripes


def test_downscale_rejects_a_nonsensical_size() -> None:
    with pytest.raises(ValueError, match="max_side"):
        downscale(np.zeros((4, 4, 3), dtype=np.uint8), 0)
