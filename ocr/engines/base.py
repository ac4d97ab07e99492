"""The engine protocol: an image in, text boxes with confidences out."""

from __future__ import annotations

from typing import Protocol

from ocr.types import Image, TextBox


class EngineError(RuntimeError):
    """The engine could not run (missing binary or language data, a timeout, a crash)."""

    def __init__(self, detail: str, *, code: str = "ocr_failed") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Engine(Protocol):
    name: str

    def detect(self, image: Image) -> list[TextBox]:
        """Text regions only (no reading), cheap enough for a whole downscaled photo."""
        ...

    def recognize(self, image: Image, *, detect_image: Image | None = None) -> list[TextBox]:
        """Text regions and their text. `detect_image`, of the same size, is where an engine with
        a separate detector looks for the regions (a copy prepared for it); the text is read
        from `image`. Engines that find text by reading it ignore it."""
        ...
