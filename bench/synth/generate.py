"""Builds the synthetic OCR benchmark: Supplement Facts panels rendered, then photographed.

    python -m bench.synth.generate --out DIR --count 200 --seed 7 [--clean-only] [--jobs N]

Writes DIR/images/NNNN.jpg (.png with --clean-only), DIR/truth/NNNN.json and DIR/manifest.json.
Every image draws its randomness from (seed, index) alone, so a set is rebuilt byte for byte
from its seed, whatever the number of worker processes (given the same fonts and libraries).

Truth per image:
- rows: every row that declares an amount, plus blend members (`blend` names the blend, amount
  and unit null when undisclosed), in printed order. `name` is printed without "(as ...)" or
  "(from ...)" (Latin names in parentheses stay); `forms_text` are the pieces of that
  parenthesis as printed ("citrate" stays "citrate" in "magnesium oxide, citrate and
  glycinate"); `unit` is normalised (µg -> mcg);
  `amount` and `dv_percent` are those of the first amount column when two are printed.
  `extra` holds what else the row prints: "is_blend", "dv_note: †", "alt: 25 mcg" (amount in
  parentheses), "qualifier: DFE", "from: 1000 mg magnesium glycinate",
  "column: Per 2 Capsules: 200 mg 48%" (the other amount column).
  `bbox` is [x, y, w, h] around the row's text in the final image, after every geometric step.
- lines: the printed text in reading order, one entry per printed line (seal badges and the
  label's colour stripe are not text lines).
- degradations: every photo parameter, plus what legibility was judged from; legible is "full",
  "partial" (some rows hard to read) or "poor" (some rows unreadable: glare, blur, tiny text).
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np

from bench.synth import content, degrade, render

GENERATOR = "labelscan-synth"
VERSION = "1.0.0"
# Keeps the largest rendered label (and so memory and time per image) bounded.
_MAX_LABEL_PX = 5000


@dataclass(frozen=True)
class Job:
    out: Path
    seed: int
    index: int
    clean_only: bool


def _rngs(seed: int, index: int) -> list[np.random.Generator]:
    """Independent streams for content, layout, camera and sensor: changing one leaves the
    others' draws alone."""
    seeds = np.random.SeedSequence([seed, index]).spawn(4)
    return [np.random.default_rng(s) for s in seeds]


def _clean_box(box: render.Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0 = max(0, math.floor(box[0])), max(0, math.floor(box[1]))
    x1, y1 = min(size[0], math.ceil(box[2])), min(size[1], math.ceil(box[3]))
    return x0, y0, x1 - x0, y1 - y0


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _photo_render(
    product: content.Product, style: render.Style, params: degrade.PhotoParams
) -> tuple[render.Rendered, float]:
    """Renders at the size the camera will see it (slightly larger), so no text is upscaled."""
    probe = render.render(product, style, 1.0)
    w, h = probe.image.size
    scale = degrade.label_scale(params, w, h) / degrade.TARGET_SCALE
    scale = min(max(scale, 0.25), 3.0, _MAX_LABEL_PX / max(w, h))
    if abs(scale - 1.0) < 0.02:
        return probe, 1.0
    return render.render(product, style, scale), scale


@dataclass(frozen=True)
class Scene:
    """What photo `index` of a seed shows, before the sensor: the product, how it was drawn,
    the camera settings, the label as rendered for them and its scale."""

    product: content.Product
    style: render.Style
    params: degrade.PhotoParams
    rendered: render.Rendered
    scale: float

    def camera(self) -> degrade.Camera:
        w, h = self.rendered.image.size
        return degrade.camera(self.params, float(w), float(h))


def _scene(rngs: list[np.random.Generator]) -> Scene:
    content_rng, style_rng, camera_rng = rngs[:3]
    product = content.sample_product(content_rng)
    style = render.sample_style(style_rng, product)
    params = degrade.sample_params(camera_rng)
    rendered, scale = _photo_render(product, style, params)
    return Scene(product, style, params, rendered, scale)


def photo_scene(seed: int, index: int) -> Scene:
    """The scene of photo `index` of `seed`, drawn again (the same draws as `make_one`):
    diagnostics use it to see where every piece of text landed in the photo."""
    return _scene(_rngs(seed, index))


def make_one(job: Job) -> dict[str, object]:
    """Generates image and truth number `job.index`; returns its manifest entry."""
    rngs = _rngs(job.seed, job.index)
    name = f"{job.index:04d}"
    if job.clean_only:
        product = content.sample_product(rngs[0])
        style = render.sample_style(rngs[1], product)
        rendered, scale = render.render(product, style, 1.0), 1.0
        image = f"images/{name}.png"
        rendered.image.save(job.out / image, format="PNG")
        boxes = [_clean_box(b, rendered.image.size) for b in rendered.row_boxes]
        degradations: dict[str, object] = {"level": "clean", "severity": 0.0}
        legible = "full"
    else:
        scene = _scene(rngs)
        product, style, rendered, scale = scene.product, scene.style, scene.rendered, scene.scale
        photo = degrade.photograph(
            rendered.image, rendered.row_boxes, rendered.x_height, scene.params, rngs[3]
        )
        image = f"images/{name}.jpg"
        (job.out / image).write_bytes(photo.jpeg)
        boxes, degradations, legible = photo.boxes, photo.degradations, photo.legible
    rows = [
        content.truth_row(product, row) | {"bbox": list(box)}
        for row, box in zip(product.rows, boxes, strict=True)
    ]
    truth = {
        "image": image,
        "panel_kind": "supplement_facts",
        "serving_size": product.serving_size,
        "servings_per_container": product.servings_per_container,
        "columns": list(product.columns),
        "rows": rows,
        "lines": rendered.lines,
        "other_ingredients": list(product.other_ingredients),
        "marks": [m.id for m in product.marks],
        "lookalikes": list(product.lookalikes),
        "degradations": degradations,
        "legible": legible,
    }
    _write_json(job.out / f"truth/{name}.json", truth)
    return {
        "image": image,
        "truth": f"truth/{name}.json",
        "template": product.template,
        "layout": style.layout,
        "style": style.record(),
        "render_scale": round(scale, 4),
        "font_px": rendered.font_px,
        "legible": legible,
        "degradations": degradations,
    }


def _init_worker() -> None:
    # One OpenCV thread per process: the pool already uses every core.
    cv2.setNumThreads(1)


def generate(
    out: Path, count: int, seed: int, clean_only: bool = False, jobs: int = 1
) -> dict[str, object]:
    """Writes the whole set and its manifest; returns the manifest."""
    if count < 1 or seed < 0:
        raise ValueError("count must be positive and seed non-negative")
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    work = [Job(out, seed, i, clean_only) for i in range(1, count + 1)]
    if jobs <= 1:
        _init_worker()
        entries = [make_one(j) for j in work]
    else:
        ctx = get_context("spawn")  # fork after OpenCV threads start can deadlock
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker) as pool:
            entries = list(pool.map(make_one, work))
    manifest: dict[str, object] = {
        "generator": GENERATOR,
        "version": VERSION,
        "seed": seed,
        "count": count,
        "clean_only": clean_only,
        "fonts": [f.name for f in render.available_families()],
        "images": entries,
    }
    _write_json(out / "manifest.json", manifest)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clean-only", action="store_true", help="rendered panels, no photo")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.count, args.seed, args.clean_only, args.jobs)
    images = manifest["images"]
    assert isinstance(images, list)
    counts: dict[str, int] = {}
    for entry in images:
        counts[entry["legible"]] = counts.get(entry["legible"], 0) + 1
    print(f"wrote {len(images)} images to {args.out} (legible: {counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
