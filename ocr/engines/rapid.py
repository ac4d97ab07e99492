"""RapidOCR: PP-OCR detection and recognition models (ONNX, shipped inside the wheel), run by
onnxruntime on the CPU. It returns one box per text line segment."""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from ocr.engines.base import EngineError
from ocr.types import Image, Quad, TextBox

# RapidOCR prints an emoji for a decorative "+" or a CJK glyph now and then; labels here are
# Latin script, so anything else is noise.
_LATIN_MAX = 0x24F
_KEEP = set("µμ®™†‡°±×÷§•·–—’‘“”½¼¾")


def _latin_only(text: str) -> str:
    return "".join(c for c in text if ord(c) <= _LATIN_MAX or c in _KEEP).strip()


def _quad(points: Any) -> Quad:
    p = [(float(x), float(y)) for x, y in np.asarray(points).reshape(4, 2)]
    return (p[0], p[1], p[2], p[3])


class RapidEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 2) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - installed by the project's setup
            raise EngineError(f"rapidocr is not installed: {exc}", code="engine_missing") from exc
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        params = {
            "Global.log_level": "error",
            # Orientation is decided for the whole page by the pipeline; the per-line
            # classifier costs ~20% of the time and only flips single lines.
            "Global.use_cls": False,
            "Global.max_side_len": 2400,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._ocr = RapidOCR(params=params)
        # The ONNX sessions are not documented as thread-safe; the service's pool gives each
        # call its own thread, so calls are serialised here.
        self._lock = threading.Lock()

    def _run(self, image: Image, *, rec: bool) -> list[TextBox]:
        try:
            with self._lock:
                out: Any = self._ocr(image, use_det=True, use_cls=False, use_rec=rec)
        except Exception as exc:  # onnxruntime raises many types
            raise EngineError(f"RapidOCR failed: {exc}") from exc
        if out.boxes is None:
            return []
        texts = out.txts if rec and out.txts is not None else [""] * len(out.boxes)
        scores = out.scores if rec and out.scores is not None else [1.0] * len(out.boxes)
        boxes = []
        for points, text, score in zip(out.boxes, texts, scores, strict=False):
            clean = _latin_only(text) if rec else ""
            if rec and not clean:
                continue
            boxes.append(TextBox(clean, _quad(points), float(score)))
        return boxes

    def detect(self, image: Image) -> list[TextBox]:
        return self._run(image, rec=False)

    def recognize(self, image: Image) -> list[TextBox]:
        return self._run(image, rec=True)
