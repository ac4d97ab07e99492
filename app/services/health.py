"""Readiness: the database answers and an OCR engine can be loaded, without loading one (a
probe must be cheap, and RapidOCR would try to download missing models)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sqlalchemy import Engine, text

from app.schemas.health import Check


def database(engine: Engine) -> Check:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable" to a probe
        return Check(ok=False, detail=f"{engine.dialect.name} unreachable: {type(exc).__name__}")
    return Check(ok=True, detail=f"{engine.dialect.name} reachable")


def tesseract() -> Check:
    if shutil.which("tesseract") is None:
        return Check(ok=False, detail="tesseract binary not found (Debian: tesseract-ocr)")
    try:
        import pytesseract

        languages = pytesseract.get_languages(config="")
        version = pytesseract.get_tesseract_version()
    except Exception as exc:  # pytesseract wraps subprocess failures in several types
        return Check(ok=False, detail=f"tesseract does not start: {type(exc).__name__}")
    if "eng" not in languages:
        return Check(ok=False, detail="tesseract has no English data (Debian: tesseract-ocr-eng)")
    return Check(ok=True, detail=f"tesseract {version} with eng")


def rapidocr() -> Check:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        return Check(ok=False, detail="rapidocr is not installed (pip: rapidocr)")
    models = Path(spec.origin).parent / "models"
    found = sorted(p.name for p in models.glob("*.onnx")) if models.is_dir() else []
    missing = [kind for kind in ("det", "rec") if not any(f"_{kind}" in n for n in found)]
    if missing:
        return Check(
            ok=False,
            detail=f"RapidOCR {' and '.join(missing)} model(s) missing under {models}",
        )
    return Check(ok=True, detail=f"models present ({', '.join(found)})")


ENGINE_CHECKS = {"rapidocr": rapidocr, "tesseract": tesseract}
