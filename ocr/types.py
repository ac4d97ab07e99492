"""Plain data passed between the OCR steps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]  # H x W x 3 (RGB) or H x W (grey)
Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class TextBox:
    """One piece of text an engine read: a line segment (RapidOCR; Tesseract's words joined), with
    its four corners in the pixels of the image the engine was given."""

    text: str
    quad: Quad
    confidence: float  # 0..1

    @property
    def left(self) -> float:
        return min(p[0] for p in self.quad)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.quad)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.quad)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.quad)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def line_height(self) -> float:
        """The height of the text itself: the mean length of the box's left and right sides
        (corners run clockwise from the top left). On a line tilted by a few degrees `height`
        also counts the slant of its length, several text heights for a long line."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.quad
        return (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class QualityReport:
    """Whether a photo is good enough to trust, with the reasons of CONTRACT.md's `quality`:
    blurry, glare, too_small, no_panel_found, cut_off."""

    reasons: list[str] = field(default_factory=list)
    blur_score: float | None = None  # variance of the Laplacian on the panel; low is blurry
    glare_fraction: float | None = None  # share of blown-out pixels on the panel
    text_height_px: float | None = None  # median text line height on the original image

    @property
    def retake(self) -> bool:
        return bool(self.reasons)
