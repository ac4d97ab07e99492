"""Configuration from the environment (prefix LABELSCAN_), read once."""

from __future__ import annotations

import functools
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr.image import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABELSCAN_", extra="ignore")

    # The OCR engine for photos; both are installed, RapidOCR measured better (bench/).
    ocr_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    # Upload limits, checked before any pixel is decoded.
    max_image_bytes: int = DEFAULT_MAX_BYTES
    max_image_pixels: int = DEFAULT_MAX_PIXELS


@functools.cache
def get_settings() -> Settings:
    return Settings()
