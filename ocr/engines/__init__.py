"""OCR engines behind one protocol; `get_engine(name)` returns a warm, shared instance."""

from __future__ import annotations

import functools
from typing import Literal

from ocr.engines.base import Engine, EngineError

EngineName = Literal["rapidocr", "tesseract"]
ENGINES: tuple[EngineName, ...] = ("rapidocr", "tesseract")


@functools.cache
def get_engine(name: EngineName) -> Engine:
    """One instance per process: loading the ONNX models takes about a second."""
    if name == "rapidocr":
        from ocr.engines.rapid import RapidEngine

        return RapidEngine()
    if name == "tesseract":
        from ocr.engines.tesseract import TesseractEngine

        return TesseractEngine()
    raise EngineError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "EngineError", "EngineName", "get_engine"]
