"""Blur estimation and Wiener deconvolution, on printed text blurred by a known Gaussian."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.deblur import (
    DEBLUR_FROM_SIGMA,
    deconvolve,
    estimate_blur_sigma,
    sharpened,
    sharpened_for_engine,
)
from ocr.types import Image


def _panel() -> Image:
    """Dark rows of text on light paper, about 30 px high, with a rule like a panel's."""
    page = np.full((360, 900, 3), (236, 230, 218), np.uint8)
    rows = ["Supplement Facts", "Magnesium (as glycinate) 200 mg 48%", "Zinc 11 mg 100%"]
    for i, text in enumerate(rows):
        cv2.putText(page, text, (30, 70 + 90 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (40, 40, 40), 2)
    cv2.rectangle(page, (20, 100), (880, 108), (30, 30, 30), -1)
    return page


def _blurred(image: Image, sigma: float, noise: float = 0.0, seed: int = 1) -> Image:
    out = np.asarray(cv2.GaussianBlur(image.astype(np.float32), (0, 0), sigma), np.float32)
    if noise:
        out += np.random.default_rng(seed).normal(0, noise, out.shape).astype(np.float32)
    return np.asarray(np.clip(out, 0, 255), np.uint8)


@pytest.mark.parametrize("sigma", [1.5, 2.5, 4.0, 6.0])
def test_the_blur_of_text_is_never_overestimated_nor_halved(sigma: float) -> None:
    """Thin strokes read as less blurred than they are (see DECONVOLVE_SHARE); a measure above
    the true blur would deconvolve with too wide a kernel, which rings."""
    estimate = estimate_blur_sigma(_blurred(_panel(), sigma, noise=4.0))
    assert estimate is not None
    assert 0.55 * sigma <= estimate <= sigma, estimate


def test_more_blur_reads_as_more_blur() -> None:
    estimates = [estimate_blur_sigma(_blurred(_panel(), s, noise=4.0)) for s in (1.5, 3, 5, 7)]
    assert all(e is not None for e in estimates)
    assert estimates == sorted(estimates), estimates  # type: ignore[type-var]


def test_a_sharp_photo_is_read_as_it_is() -> None:
    sharp = _blurred(_panel(), 0.6, noise=4.0)
    image, sigma = sharpened(sharp)
    assert sigma is None
    assert image is sharp


def test_a_sharp_photo_is_searched_and_read_as_it_is() -> None:
    sharp = _blurred(_panel(), 0.6, noise=4.0)
    read, detect = sharpened_for_engine(sharp)
    assert read is sharp and detect is sharp


def _steepest_edge(a: Image) -> float:
    grey = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float(np.percentile(np.abs(cv2.Sobel(grey, cv2.CV_32F, 1, 0)), 99.5))


@pytest.mark.parametrize("sigma", [3.0, 5.0])
def test_the_detector_searches_a_copy_sharpened_harder_than_the_one_read(sigma: float) -> None:
    blurred = _blurred(_panel(), sigma, noise=2.0)
    read, detect = sharpened_for_engine(blurred)
    assert np.array_equal(read, sharpened(blurred)[0])  # the recogniser's image is unchanged
    assert detect.shape == read.shape and detect.dtype == np.uint8
    assert _steepest_edge(detect) > 1.2 * _steepest_edge(read)


def test_a_blank_or_tiny_image_has_no_blur_to_tell() -> None:
    assert estimate_blur_sigma(np.full((200, 300, 3), 200, np.uint8)) is None
    assert estimate_blur_sigma(np.zeros((5, 5, 3), np.uint8)) is None


def test_deconvolution_brings_the_print_back() -> None:
    original = _panel()
    blurred = _blurred(original, 4.0, noise=2.0)
    image, sigma = sharpened(blurred)
    assert sigma is not None and sigma >= DEBLUR_FROM_SIGMA
    assert image.shape == blurred.shape and image.dtype == np.uint8

    def error(a: Image) -> float:
        return float(np.abs(a.astype(np.float32) - original.astype(np.float32)).mean())

    assert error(image) < error(blurred)

    # Edges come back: the strongest gradients are steeper than in the blurred photo.
    assert _steepest_edge(image) > 1.25 * _steepest_edge(blurred)


def test_deconvolution_keeps_colour_and_leaves_flat_paper_flat() -> None:
    paper = np.full((120, 160, 3), (250, 200, 120), np.uint8)
    out = deconvolve(paper, 3.0)
    assert np.abs(out.astype(int) - paper.astype(int)).max() <= 1  # no ringing from the edges
    grey = deconvolve(paper[..., 0], 3.0)
    assert grey.shape == (120, 160)
