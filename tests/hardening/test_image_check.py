"""`ocr.image.check`: the header-only refusal the service runs on every photo before any OCR."""

from __future__ import annotations

import pytest

from ocr.errors import ImageError
from ocr.image import check, decode
from tests.hardening.hostile import HOSTILE, Hostile, heic, jpeg, png

# What only a full decode can see: pixel data cut short, and a HEIC whose `ispe` box declares
# a huge size (pillow-heif reports another size; libheif refuses it when decoding, before it
# allocates).
DECODE_ONLY = {"jpeg_truncated_half", "png_truncated_half", "heic_bomb_60000x60000"}


@pytest.mark.parametrize("data,fmt", [(jpeg(), "jpeg"), (png(), "png"), (heic(), "heic")])
def test_a_good_image_passes_with_its_format(data: bytes, fmt: str) -> None:
    assert check(data) == fmt


@pytest.mark.parametrize("case", HOSTILE, ids=[h.name for h in HOSTILE])
def test_check_refuses_what_the_header_shows_as_decode_would(case: Hostile) -> None:
    data = case.make()
    with pytest.raises(ImageError) as decoded:
        decode(data)
    if case.name in DECODE_ONLY:
        return
    with pytest.raises(ImageError) as checked:
        check(data)
    assert checked.value.code == decoded.value.code
