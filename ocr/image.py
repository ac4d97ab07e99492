"""Turn uploaded bytes into upright RGB pixels, refusing anything unsafe before it is decoded.

Uploads come from phones and from the open internet, so the type is sniffed from the content
(never from a filename or a declared content type), the pixel count is checked from the header
before any pixel is decoded (Pillow's `Image.open` is lazy), and every decoder failure becomes
one of the typed errors of `ocr.errors` that the HTTP layer maps to a status.
"""

from __future__ import annotations

import functools
import io
import struct
import threading
import warnings
import zlib
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import ExifTags, ImageOps, UnidentifiedImageError
from PIL import Image as PILImage

from ocr.errors import CorruptImage, ImageTooLarge, UnsupportedImageType
from ocr.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS
from ocr.types import Image

# Our format name -> the Pillow plugin allowed to open it (no other plugin is ever tried).
_PIL_FORMATS: Final = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}

# ISO-BMFF brands of HEVC-coded HEIF ("heic" family) and of generic HEIF image files.
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm"})
_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1"})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})

# Well-known non-image (or unsupported image) signatures, only to word the refusal helpfully.
_KNOWN_OTHER: Final = (
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"<", "markup (HTML/XML/SVG)"),
)

# What Pillow and its plugins raise on truncated or malformed data.
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,
    struct.error,
    zlib.error,
)

# `warnings.catch_warnings` swaps process-wide state; serialise our (header-only, cheap) opens so
# that two concurrent decodes cannot leave the "error" filter installed for everyone.
_OPEN_LOCK: Final = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class DecodedImage:
    """An upload as upright RGB pixels, plus what the decoder learned on the way."""

    rgb: Image  # H x W x 3 uint8, EXIF orientation applied
    format: str  # "jpeg" | "png" | "webp" | "heic" (HEIF files of any HEVC brand)
    original_size: tuple[int, int]  # (width, height) as stored, before EXIF orientation
    # (for HEIC, libheif turns the pixels while decoding; this is the size before that turn)
    exif_rotated: bool  # True when an EXIF orientation other than "normal" was applied


def decode(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> DecodedImage:
    """Decode a JPEG, PNG, WebP or HEIC/HEIF upload into upright RGB.

    Raises UnsupportedImageType, ImageTooLarge or CorruptImage (see `ocr.errors`); never a raw
    decoder exception. Transparent pixels are composited on white, which is what a label's paper
    looks like; 16-bit, palette, grey and CMYK images all come back as 8-bit RGB.
    """
    fmt, img = _open_checked(data, max_bytes, max_pixels)
    with img:
        _load(img, fmt)
        original_size = _stored_size(img)
        upright, rotated = _apply_exif_orientation(img)
        rgb = np.array(_to_rgb(upright), dtype=np.uint8)
    return DecodedImage(rgb=rgb, format=fmt, original_size=original_size, exif_rotated=rotated)


def check(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> str:
    """What `decode` refuses from the type and the header alone, without decoding a pixel;
    returns the format. For checking every photo of a request before any of them takes seconds
    of OCR. Raises UnsupportedImageType, ImageTooLarge or CorruptImage."""
    fmt, img = _open_checked(data, max_bytes, max_pixels)
    img.close()
    return fmt


def _open_checked(data: bytes, max_bytes: int, max_pixels: int) -> tuple[str, PILImage.Image]:
    if len(data) > max_bytes:
        raise ImageTooLarge(f"the upload is {len(data):,} bytes; the limit is {max_bytes:,}")
    fmt = sniff(data)
    if fmt is None:
        raise UnsupportedImageType(_describe_unsupported(data))
    if fmt == "heic":
        _register_heif_opener()
    img = _open(data, fmt)
    try:
        _check_pixels(img.size, max_pixels)
    except (ImageTooLarge, CorruptImage):
        img.close()
        raise
    return fmt, img


def sniff(data: bytes) -> str | None:
    """The format our decoder will use for these bytes ("jpeg", "png", "webp", "heic"), from
    their magic bytes alone; None when it is none of those."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if _is_heif(data):
        return "heic"
    return None


def rotate(image: Image, quarter_turns: int) -> Image:
    """The image turned by `quarter_turns` x 90 degrees COUNTER-clockwise as displayed (numpy's
    rot90 convention; negative turns go clockwise). Contiguous, so OpenCV accepts it."""
    return np.ascontiguousarray(np.rot90(image, k=quarter_turns % 4))


def grey_values(image: Image) -> npt.NDArray[np.float32]:
    """The image's luminance as float32 (a grey image as it is), for pixel arithmetic."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    return np.asarray(grey, np.float32)


def downscale(image: Image, max_side: int) -> tuple[Image, float]:
    """Shrink so the longest side is at most `max_side` (INTER_AREA, which averages instead of
    aliasing fine print); never upscales. Returns the image and the factor applied, so that a
    point in the result maps back to the input as `p / scale` (1.0 when nothing was done; each
    side is rounded to whole pixels, so the per-axis factor can differ by under a pixel)."""
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, got {max_side}")
    height, width = image.shape[:2]
    longest = max(height, width)
    if longest <= max_side:
        return image, 1.0
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.uint8), scale


def _is_heif(data: bytes) -> bool:
    """An ISO-BMFF file whose `ftyp` box names an HEVC HEIF brand, or a generic HEIF brand without
    an AVIF one (AVIF shares the container but is not accepted)."""
    if data[4:8] != b"ftyp" or len(data) < 12:
        return False
    box_end = min(int.from_bytes(data[0:4], "big"), len(data))
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, box_end - 3, 4)}
    if brands & _HEIC_BRANDS:
        return True
    return bool(brands & _HEIF_BRANDS) and not brands & _AVIF_BRANDS


def _describe_unsupported(data: bytes) -> str:
    if not data:
        return "the upload is empty"
    accepted = "expected a JPEG, PNG, WebP or HEIC photo"
    head = data.lstrip()[:8]
    for magic, what in _KNOWN_OTHER:
        if head.startswith(magic):
            return f"the upload looks like {what}; {accepted}"
    if data[4:8] == b"ftyp":
        return f"the upload is an unsupported ISO media file ({data[8:12]!r}); {accepted}"
    return f"the upload is not a recognised image (starts with {data[:8].hex(' ')}); {accepted}"


@functools.cache
def _register_heif_opener() -> None:
    """Teach Pillow HEIC/HEIF once, and only when such a file arrives (libheif is heavy)."""
    import pillow_heif  # imported here on purpose: only HEIC uploads pay for it

    pillow_heif.register_heif_opener()


def _open(data: bytes, fmt: str) -> PILImage.Image:
    """Parse the header only. Pillow's own bomb guard (a warning past MAX_IMAGE_PIXELS, an error
    past twice that) is turned into ImageTooLarge without touching Pillow's global limit."""
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            return PILImage.open(io.BytesIO(data), formats=[_PIL_FORMATS[fmt]])
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
            raise ImageTooLarge(
                f"the {fmt} header declares too many pixels ({_reason(exc)})"
            ) from exc
        except UnidentifiedImageError as exc:  # its message names a BytesIO address
            raise CorruptImage(f"the {fmt} header could not be parsed") from exc
        except _DECODE_ERRORS as exc:
            if _expands_too_far(exc):
                raise ImageTooLarge(f"the {fmt} data expands too far ({_reason(exc)})") from exc
            raise CorruptImage(f"unreadable {fmt} header: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """The decoder's own words, on one line (libheif ends its messages with a newline)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise CorruptImage(f"the header declares an empty image ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"the image is {width}x{height} = {width * height:,} pixels; the limit is "
            f"{max_pixels:,}"
        )


def _load(img: PILImage.Image, fmt: str) -> None:
    """Decode every pixel now, so that truncation surfaces here as CorruptImage and not later
    as an OSError from deep inside an OCR engine."""
    try:
        img.load()
    except PILImage.DecompressionBombError as exc:
        raise ImageTooLarge(f"the {fmt} data expands to too many pixels ({_reason(exc)})") from exc
    except _DECODE_ERRORS as exc:
        if _expands_too_far(exc):
            raise ImageTooLarge(f"the {fmt} data expands too far ({_reason(exc)})") from exc
        raise CorruptImage(f"undecodable {fmt} data: {_reason(exc)}") from exc


def _expands_too_far(exc: BaseException) -> bool:
    """A decoder's refusal to allocate, which is a bomb (413), not a damaged file (422): PNG
    text/ICC chunks that inflate past Pillow's safe size (met while the header is read when they
    come before the pixels), or libheif's own limit on the size its `ispe` box declares (which
    pillow-heif does not report as the image size, so our pixel check cannot see it)."""
    text = str(exc)
    return (isinstance(exc, ValueError) and "too large" in text) or (
        "Security limit exceeded" in text
    )


def _stored_size(img: PILImage.Image) -> tuple[int, int]:
    """(width, height) of the pixels as stored. libheif hands out HEIC pixels already turned by
    the container's own rotation, so undo the swap that a quarter turn (orientations 5-8) made."""
    width, height = int(img.size[0]), int(img.size[1])
    if _heif_orientation(img) in (5, 6, 7, 8):
        return height, width
    return width, height


def _apply_exif_orientation(img: PILImage.Image) -> tuple[PILImage.Image, bool]:
    """Phones store pixels as the sensor saw them and record the turn in EXIF; apply it so text
    is upright as the user framed it. A malformed EXIF block only costs us the rotation."""
    if _heif_orientation(img) in range(2, 9):
        return img, True  # already applied by libheif; its EXIF now says "normal"
    try:
        orientation = int(img.getexif().get(ExifTags.Base.Orientation, 1))
    except _DECODE_ERRORS:
        return img, False
    if orientation not in range(2, 9):
        return img, False
    return ImageOps.exif_transpose(img), True


def _heif_orientation(img: PILImage.Image) -> int:
    """The orientation pillow-heif found (and applied) when opening a HEIC; 1 for other formats."""
    value = img.info.get("original_orientation") if img.format == "HEIF" else None
    return value if isinstance(value, int) else 1


def _to_rgb(img: PILImage.Image) -> PILImage.Image:
    """8-bit RGB whatever the stored mode; transparency is composited on white (paper)."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        img = _sixteen_bit_to_grey(img)
    if img.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        paper = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(paper, rgba).convert("RGB")
    return img.convert("RGB")


def _sixteen_bit_to_grey(img: PILImage.Image) -> PILImage.Image:
    """Pillow's own I->L conversion clips at 255 (a 16-bit scan turns almost white); rescale the
    full 0..65535 range instead."""
    values = np.asarray(img, dtype=np.float64)
    grey = np.clip(np.rint(values / 257.0), 0, 255).astype(np.uint8)
    return PILImage.fromarray(grey)
