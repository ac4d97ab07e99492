"""Even out a panel's contrast before reading a hard photo a second time.

Glare adds light: a stroke printed at 20 on paper at 240, under glare that reaches 80 % of the
way to white, is photographed at 208 on 252. The stroke is still there, at a fifth of its
contrast, and PP-OCR's detector, which finds text by its edges, no longer finds it; a shadow or
the fall-off of light around a bottle does the same more gently. Global contrast stretching and
CLAHE (tiles of fixed size, a clip on the histogram) did not bring such rows back.

Here every pixel's difference from the local paper level is divided by the local size of that
difference, so that text under glare and text in full light come out with the same contrast:
1. the paper level: a grey dilation (a local maximum, which takes the dark strokes out) blurred
   wide;
2. the local contrast: the root mean square of the difference over a wider neighbourhood;
3. the difference over the contrast, mapped back to dark print on light paper.
Pure function of pixels; no engine, no I/O.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from ocr.image import grey_values
from ocr.types import Image

# Sizes are in pixels of the image as it is read: the pipeline scales a panel so that its text
# is about 32 px high (ocr.pipeline.TARGET_TEXT_HEIGHT), so its strokes are a few pixels wide.
# The dilation must be wider than a stroke, so that paper is all it sees.
PAPER_DILATE_PX: Final = 15
# The paper level is smoothed over this share of the image's long side, at least MIN_SIGMA_PX:
# wider than a line of text, narrower than a glare spot.
PAPER_SIGMA_SHARE: Final = 0.01
MIN_SIGMA_PX: Final = 8.0
# The local contrast is measured over this many times the paper's smoothing.
CONTRAST_SPREAD: Final = 3.0
# Added to the local contrast (grey levels) so that blank paper, whose contrast is only noise,
# is not stretched into speckle.
CONTRAST_FLOOR: Final = 4.0
# Output levels: paper at PAPER_LEVEL, a stroke one local contrast darker at PAPER_LEVEL - GAIN.
PAPER_LEVEL: Final = 235.0
GAIN: Final = 90.0


def evened(image: Image) -> Image:
    """The image with its local contrast made even, as RGB (the engines take RGB)."""
    values = grey_values(image)
    sigma = max(MIN_SIGMA_PX, PAPER_SIGMA_SHARE * max(values.shape[:2]))
    kernel = np.ones((PAPER_DILATE_PX, PAPER_DILATE_PX), np.uint8)
    paper = cv2.GaussianBlur(cv2.dilate(values, kernel), (0, 0), sigma)
    difference = values - paper
    contrast = np.sqrt(cv2.GaussianBlur(difference * difference, (0, 0), CONTRAST_SPREAD * sigma))
    out = PAPER_LEVEL + GAIN * difference / (contrast + np.float32(CONTRAST_FLOOR))
    flat = np.clip(out, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(flat, cv2.COLOR_GRAY2RGB), np.uint8)
