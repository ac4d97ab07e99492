"""Undo defocus before reading: estimate how blurred the image to be read is, and when it is
blurred past what the detector copes with, sharpen it by Wiener deconvolution.

PP-OCR's detector finds text by its edges. On a photo out of focus by a Gaussian of about a
fifth of the x-height its probability map is empty between the panel's rules, though the rows
are readable by eye; contrast stretching, CLAHE, unsharp masks of a few pixels and lower
detector thresholds did not bring them back. Deconvolving with a Gaussian somewhat narrower
than the blur does: the edges come back and both the detector and the recogniser read the rows.
The photo is still judged blurred (`quality`) on its own pixels, so the app still asks for a
better one; this only recovers what can be read from it.

The blur is estimated from the image itself by the re-blur gradient ratio (Zhuo and Sim,
"Defocus map estimation from a single image", Pattern Recognition 44(9), 2011): at an edge
blurred by a Gaussian of sigma s, blurring again by s0 lowers the gradient by
R = sqrt(s^2 + s0^2) / s, so s = s0 / sqrt(R^2 - 1). The median over the strongest edges is the
image's blur. Pure functions of pixels; no engine, no I/O.
"""

from __future__ import annotations

import math
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from ocr.image import grey_values
from ocr.types import Image

F32 = npt.NDArray[np.float32]

# Re-blur width (px). Wider than the blur it measures only costs precision at small blurs,
# which are left alone anyway; a narrow one saturates (R -> 1) on heavy blur.
REBLUR_SIGMA: Final = 3.0
# Light smoothing before the gradients, so that sensor and JPEG noise is not taken for edges.
NOISE_SIGMA: Final = 1.5
# The strongest edges: gradient maxima in this top share of all pixels.
EDGE_PERCENTILE: Final = 99.7
# Fewer edge pixels than this and there is nothing to measure (a blank or tiny image).
MIN_EDGE_PIXELS: Final = 50
# The share of the measured blur that is deconvolved. The ratio method reads text strokes (thin
# lines, not steps) as less blurred than they are: on the synthetic photos, whose blur is known,
# it measures a median 0.81 of it (10th percentile 0.56). Deconvolving with too wide a kernel
# rings, and the rings are read as confident wrong digits (a real photo blurred by 4 px gave 9
# rows, none right, at 1.2 times the measure; 11 of 15 right at 0.9), so the kernel stays narrower
# than the blur.
DECONVOLVE_SHARE: Final = 0.9
# Deconvolve only with a kernel of at least this sigma (px, at the scale the image is read):
# below it the detector reads the text as it is, and deconvolution only amplifies noise.
DEBLUR_FROM_SIGMA: Final = 2.0
# Wiener regularisation (noise-to-signal power): larger is smoother, smaller sharper and noisier.
WIENER_K: Final = 0.04
# Never deconvolve with a wider kernel than this (px): past it there is nothing left to recover.
MAX_SIGMA: Final = 8.0

# The detector gets its own, harder deconvolution of the image the recogniser reads. Its
# probability map needs steep edges more than clean strokes, and the rings a wide kernel makes
# cost it little, while the recogniser reads them as digits: so the blur left in the read image
# is measured again and deconvolved by more than the measure, and the recogniser still reads
# its line crops from the read image. On the synthetic photos blurred by a fifth of the x-height
# or more (59 of 400), rows right went from 84 to 105 of 190.
DETECT_SHARE: Final = 1.2
# Measured blur (px) left in the read image from which the detector's copy is deconvolved.
DETECT_FROM_SIGMA: Final = 1.0
# Sharper than WIENER_K: the detector tolerates the noise it lets through.
DETECT_WIENER_K: Final = 0.02


def _gradient(values: F32) -> F32:
    gx = cv2.Sobel(values, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(values, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.magnitude(gx, gy), np.float32)


def estimate_blur_sigma(image: Image) -> float | None:
    """The image's blur as the sigma (px) of a Gaussian, or None when it has too few edges to
    tell."""
    if image.shape[0] < 8 or image.shape[1] < 8:
        return None
    values = np.asarray(cv2.GaussianBlur(grey_values(image), (0, 0), NOISE_SIGMA), np.float32)
    sharp = _gradient(values)
    reblurred = _gradient(np.asarray(cv2.GaussianBlur(values, (0, 0), REBLUR_SIGMA), np.float32))
    # The threshold from every third pixel each way: the same quantile at a ninth of the cost.
    threshold = float(np.percentile(sharp[::3, ::3], EDGE_PERCENTILE))
    if threshold <= 0:
        return None
    peaks = (sharp >= threshold) & (sharp >= cv2.dilate(sharp, np.ones((3, 3), np.uint8)))
    ratio = sharp[peaks] / np.maximum(reblurred[peaks], np.float32(1e-3))
    ratio = ratio[ratio > 1.0001]
    if ratio.size < MIN_EDGE_PIXELS:
        return None
    sigma = float(np.median(REBLUR_SIGMA / np.sqrt(ratio * ratio - 1.0)))
    # The pre-smoothing added its own width; take it back out.
    return math.sqrt(max(sigma * sigma - NOISE_SIGMA * NOISE_SIGMA, 0.0))


def deconvolve(image: Image, sigma: float, k: float = WIENER_K) -> Image:
    """Wiener deconvolution by a Gaussian of `sigma` px. The luminance is deconvolved and the
    change added to every channel (one transform, colours kept). The image is mirrored at its
    edges first, so the transform's wrap-around puts no ringing along them."""
    grey = grey_values(image)
    pad = math.ceil(3 * sigma)
    h, w = grey.shape
    rows, cols = cv2.getOptimalDFTSize(h + 2 * pad), cv2.getOptimalDFTSize(w + 2 * pad)
    padded = cv2.copyMakeBorder(
        grey, pad, rows - h - pad, pad, cols - w - pad, cv2.BORDER_REFLECT_101
    )
    fy = np.fft.fftfreq(rows).astype(np.float32)[:, None]
    fx = np.fft.fftfreq(cols).astype(np.float32)[None, :]
    transfer = np.exp(np.float32(-2.0 * math.pi**2 * sigma**2) * (fx * fx + fy * fy))
    # Scaled so that the mean level passes unchanged (the plain Wiener gain is 1/(1+k) at 0).
    gain = transfer * np.float32(1 + k) / (transfer * transfer + np.float32(k))
    spectrum = np.asarray(cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT), np.float32)
    spectrum *= gain[..., None]
    restored = cv2.idft(spectrum, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    change = restored[pad : pad + h, pad : pad + w] - grey
    if image.ndim == 3:
        change = change[..., None]
    return np.asarray(np.clip(image.astype(np.float32) + change, 0, 255), np.uint8)


def _sharpened(image: Image) -> tuple[Image, float | None, float | None]:
    """The image to read, the sigma it was deconvolved by (None: read as it is), and the blur
    measured on `image` (None: too few edges to tell)."""
    measured = estimate_blur_sigma(image)
    if measured is None:
        return image, None, None
    sigma = min(measured * DECONVOLVE_SHARE, MAX_SIGMA)
    if sigma < DEBLUR_FROM_SIGMA:
        return image, None, measured
    return deconvolve(image, sigma), sigma, measured


def sharpened(image: Image) -> tuple[Image, float | None]:
    """The image to read, and the sigma it was deconvolved by (None: read as it is)."""
    read, sigma, _ = _sharpened(image)
    return read, sigma


def sharpened_for_engine(image: Image) -> tuple[Image, Image]:
    """The image the recogniser reads (`sharpened`) and the one the detector searches for
    lines: the same object unless blur is left in the first (DETECT_FROM_SIGMA)."""
    read, sigma, measured = _sharpened(image)
    # Read as it is, the image's own measure holds; deconvolved, what is left is measured anew.
    left = measured if sigma is None else estimate_blur_sigma(read)
    if left is None or left < DETECT_FROM_SIGMA:
        return read, read
    return read, deconvolve(read, min(left * DETECT_SHARE, MAX_SIGMA), DETECT_WIENER_K)
