"""How many rows can the recogniser read at all? A reader with a perfect text detector.

For every synthetic photo chosen, the generator draws the scene again and says where each
piece of text landed: its line segments (`render.segments`: runs on one baseline a word space
apart), mapped through the camera into the photo. RapidOCR's recogniser reads those places
alone (no detector), as the photo is and as the pipeline deconvolves it (`ocr.deblur`), and
the lines so read go through the pipeline's own layout and grammar. The pipeline reads the
same photo as it does in production. Rows are scored as in ocr_accuracy.py.

It separates the two ways a row is lost: a detector that does not find its text, and a
recogniser that cannot read it. Where the true boxes read no more than the pipeline does,
finding text is not what limits it. "Any" counts a truth row right when at least one of the
three readings got it: no reader that picks among them per row can do better.

    python bench/recognition_ceiling.py --seed 17                 # partial and poor photos
    python bench/recognition_ceiling.py --seed 17 --legible full,partial,poor --limit 50
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ocr_accuracy import Item, _scan, count_readable, synthetic_items
from bench.rowmatch import ZERO, Counts, Row, count
from ocr.types import Image

READINGS = ("pipeline", "true boxes", "true boxes, deconvolved")


@dataclass
class Tally:
    photos: int = 0
    rows: dict[str, Counts] = field(default_factory=dict)
    readable: dict[str, Counts] = field(default_factory=dict)
    any_right: int = 0
    any_readable_right: int = 0

    def add(self, reading: str, counts: Counts, readable: Counts) -> None:
        self.rows[reading] = self.rows.get(reading, ZERO) + counts
        self.readable[reading] = self.readable.get(reading, ZERO) + readable


def _true_box_readings(item: Item, seed: int) -> tuple[list[Row], list[Row]]:
    """The rows read at the photo's true line segments: as the photo is, and deconvolved."""
    from bench.synth.degrade import frame_quad
    from bench.synth.generate import photo_scene
    from bench.synth.render import ROW_PAD_EM, pad
    from catalog.label import read_lines
    from ocr.deblur import sharpened
    from ocr.engines import get_engine
    from ocr.engines.rapid import RapidEngine
    from ocr.image import decode
    from ocr.layout import to_lines

    scene = photo_scene(seed, int(item.image.stem))
    camera = scene.camera()
    by = ROW_PAD_EM * scene.rendered.font_px  # padded as the generator pads row boxes
    quads = [frame_quad(camera, pad(box, by)) for _, box in scene.rendered.segments]
    engine = get_engine("rapidocr")
    assert isinstance(engine, RapidEngine)  # the one engine that reads given places
    rgb = decode(item.image.read_bytes()).rgb

    def rows(image: Image) -> list[Row]:
        result = read_lines(to_lines(engine.read_quads(image, quads)))
        return [Row(i.name, i.amount, i.unit) for i in result.ingredients]

    return rows(rgb), rows(sharpened(rgb)[0])


def evaluate(items: list[Item], seed: int) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for n, item in enumerate(items, 1):
        scanned = _scan("rapidocr", item.image.read_bytes())[0]
        pipeline = [Row(r.name, r.amount, r.unit) for r in scanned]
        readings = dict(zip(READINGS, (pipeline, *_true_box_readings(item, seed)), strict=True))
        counted = {k: count(rows, item.truth) for k, rows in readings.items()}
        readable = {
            k: count_readable(rows, item.truth, item.unreadable) for k, rows in readings.items()
        }
        got = [
            any(count(rows, [truth_row]).matched for rows in readings.values())
            for truth_row in item.truth
        ]
        for key in (item.legible, "all"):
            tally = tallies.setdefault(key, Tally())
            tally.photos += 1
            for reading in READINGS:
                tally.add(reading, counted[reading], readable[reading])
            tally.any_right += sum(got)
            tally.any_readable_right += sum(
                g and i not in item.unreadable for i, g in enumerate(got)
            )
        print(
            f"  {n}/{len(items)} {item.image.name} {item.legible}: "
            + ", ".join(f"{k} {c.matched}" for k, c in counted.items())
            + f" of {len(item.truth)}",
            file=sys.stderr,
            flush=True,
        )
    return tallies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--count", type=int, default=200, help="the synthetic set's size")
    ap.add_argument("--legible", default="partial,poor", help="legibility classes to read")
    ap.add_argument("--limit", type=int, default=0, help="at most this many photos")
    args = ap.parse_args()
    classes = set(args.legible.split(","))
    items = [i for i in synthetic_items(args.count, args.seed) if i.legible in classes]
    items = items[: args.limit or None]
    print(f"seed {args.seed}: {len(items)} photos ({args.legible})")
    tallies = evaluate(items, args.seed)
    for key, tally in sorted(tallies.items()):
        expected = tally.rows["pipeline"].expected
        readable_expected = tally.readable["pipeline"].expected
        print(f"\n{key}: {tally.photos} photos, {expected} rows ({readable_expected} readable)")
        for reading in READINGS:
            c, r = tally.rows[reading], tally.readable[reading]
            print(
                f"  {reading:24s} right {c.matched:4d}, wrong {c.predicted - c.matched:3d}; "
                f"readable rows right {r.matched}/{r.expected}"
            )
        print(
            f"  {'any of them':24s} right {tally.any_right:4d}; "
            f"readable rows right {tally.any_readable_right}/{readable_expected}"
        )


if __name__ == "__main__":
    main()
