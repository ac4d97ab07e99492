"""Real photos out of focus: row accuracy with and without deconvolution, in one run.

Clear real photos (truth `legible: full`, the first --limit of them) are blurred by a Gaussian
of each --sigmas value (px of the photo as stored, after EXIF orientation), saved as JPEG and
read by the pipeline three times: as it is (`sharpen=False`), deconvolved first
(`sharpen_detection=False`) and deconvolved with the detector searching a copy deconvolved
harder (the default; ocr/deblur.py). Rows count as in bench/ocr_accuracy.py (name, amount
and unit). Precision is printed beside recall: deconvolution that rings makes confident wrong
digits, and a wrong row is worse for the user than a missing one.

    python bench/blur_robustness.py                       # 25 photos, sigma 0, 2, 3, 4
    python bench/blur_robustness.py --limit 60 --sigmas 0,1.5,2.5,3.5,5
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ocr_accuracy import format_counts, real_items
from bench.rowmatch import ZERO, Row, count

if TYPE_CHECKING:
    from ocr.pipeline import Preparation


def _blurred_jpeg(photo: Path, sigma: float) -> bytes:
    from PIL import Image, ImageFilter, ImageOps

    with Image.open(photo) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    if sigma > 0:
        image = image.filter(ImageFilter.GaussianBlur(sigma))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _variants() -> dict[str, Preparation]:
    from ocr.pipeline import Preparation

    return {
        "as it is": Preparation(sharpen=False),
        "deconvolved": Preparation(sharpen_detection=False),
        "+ detector copy": Preparation(),
    }


def _rows(data: bytes, prep: Preparation) -> list[Row]:
    from app.scan import result_of_page
    from ocr.pipeline import read_photo

    result = result_of_page(read_photo(data, prep=prep))
    return [Row(i.name, i.amount, i.unit) for i in result.ingredients]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=25, help="clear real photos to blur")
    ap.add_argument("--sigmas", default="0,2,3,4", help="Gaussian sigmas in px, comma-separated")
    args = ap.parse_args()
    sigmas = [float(s) for s in args.sigmas.split(",")]
    photos = [item for item in real_items() if item.legible == "full"][: args.limit]
    print(f"{len(photos)} clear real photos, sigmas {sigmas}")
    for sigma in sigmas:
        variants = _variants()
        totals = dict.fromkeys(variants, ZERO)
        for item in photos:
            data = _blurred_jpeg(item.image, sigma)
            for name, prep in variants.items():
                totals[name] = totals[name] + count(_rows(data, prep), item.truth)
        for name, total in totals.items():
            print(f"  sigma {sigma:4.1f}  {name:<16} {format_counts(total)}", flush=True)


if __name__ == "__main__":
    main()
