"""Default caps on an uploaded photo. Kept apart from ocr.image so that reading the settings
(every batch worker does) does not load OpenCV and numpy."""

from __future__ import annotations

from typing import Final

# Phones save 12-24 MP by default (3-8 MB as JPEG, half that as HEIC). A full 48 MP "max" shot
# (8064x6048 = 48.8 MP) is over the pixel limit: callers that want it must pass a higher one.
DEFAULT_MAX_BYTES: Final = 25_000_000
DEFAULT_MAX_PIXELS: Final = 40_000_000  # 120 MB once decoded to RGB
