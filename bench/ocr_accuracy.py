"""OCR accuracy and speed, per engine, in one run.

For every photo with a truth file it runs (a) our pipeline (panel crop, scaling, orientation,
row rebuilding, the label grammar) and (b) a naive baseline (the engine on the whole photo, rows
taken as text lines bucketed by height, then a line regex), and scores rows: a row counts when
name, amount and unit all match a truth row. Each engine runs in its own process so that its
peak memory is its own.

Sets: `real` = bench/truth/real/*.json, photos read from ../shared/data; `synthetic` = photos
made by bench/synth with a fixed seed (generated into bench/out/ on first use); `outside` = the
photos in ../shared/data/photos-ellasemancik whose truth that repository's author wrote (nine
fields of a US Nutrition Facts panel each). This project wrote no truth for them and its row
reading was not tuned on them (label_05 serves the cut-off check's tests), so that figure is
measured on truth no one of this project wrote. It lists those nine fields only: a row read
that names none of them (Vitamin D, Added Sugars) counts neither right nor wrong there.

Next to each headline figure stands a "readable rows only" figure: the generator lists, by index
in the truth's row order, the rows it made physically unreadable (x-height under 4.5 px, blur
over 0.4 of the x-height, or glare over 0.85: `degradations.unreadable_rows`). That figure
leaves those rows out of the expected ones, and a prediction that matches one of them (name,
amount and unit) counts neither right nor wrong; a wrong value under such a row's name still
counts wrong. It tells how far the pipeline is from reading everything that is there. Real
photos have no such list, so there both figures are the same.

On synthetic photos, whose truth lists each row's forms as printed, it also reports how many
of the mineral rows read (name, amount and unit right) got exactly the truth's form ids: a
row read without its form loses its elemental amount and can hide an oxide-led product.

    python bench/ocr_accuracy.py                        # both engines, both sets
    python bench/ocr_accuracy.py --engines rapidocr --synthetic 50 --limit 10
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.rowmatch import ZERO, Counts, Row, count, count_forms, same_amount, same_name
from bench.shared_data import REPO, shared_data

TRUTH_REAL = REPO / "bench" / "truth" / "real"
OUT = REPO / "bench" / "out"

_NAIVE_ROW = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z ,.'()/-]*?)\s+(?P<op><)?\s*(?P<num>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>mg|mcg|µg|g|kcal|kj|iu|cal)\b",
    re.I,
)
_NAIVE_UNITS = {"µg": "mcg", "cal": "kcal", "kj": "kJ", "iu": "IU"}


@dataclass
class Item:
    set_name: str
    image: Path
    truth: list[Row]
    legible: str = "full"
    # Indices into `truth` of rows the generator made unreadable (synthetic photos only).
    unreadable: frozenset[int] = frozenset()
    # The truth lists some of the panel's rows only: rows read under other names are not scored.
    fields_only: bool = False


@dataclass(frozen=True)
class PhotoResult:
    """One photo's outcome, kept so that the report can break figures down by legibility."""

    set_name: str
    image: str
    legible: str
    counts: Counts
    readable: Counts  # the rows that are physically readable only (see the module docstring)
    forms: tuple[int, int]  # (right, scored): see rowmatch.count_forms
    retake: bool
    reasons: tuple[str, ...]
    seconds: float
    cpu_seconds: float  # the process's CPU time (all threads): steadier on a busy machine


@dataclass
class EngineReport:
    engine: str
    photos: list[PhotoResult] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    readable: dict[str, Counts] = field(default_factory=dict)
    baseline: dict[str, Counts] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu_seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    failures: list[str] = field(default_factory=list)


def _truth_rows(data: dict[str, object]) -> list[Row]:
    rows = data.get("rows", [])
    assert isinstance(rows, list)
    return [
        Row(str(r["name"]), r.get("amount"), r.get("unit"), _truth_forms(r))
        for r in rows
        if isinstance(r, dict)
    ]


def _truth_forms(row: dict[str, object]) -> tuple[str, ...] | None:
    """A mineral row's form ids, from the forms its truth lists as printed (synthetic truth
    only), looked up in the catalog: the figure then measures reading, not the catalog."""
    from catalog.lexicon import lexicon

    texts = row.get("forms_text")
    lex = lexicon()
    mineral = lex.nutrient_id(str(row["name"]))
    if not isinstance(texts, list) or not texts or mineral is None or not lex.is_mineral(mineral):
        return None
    ids = {lex.match_form(mineral, str(t)).form_id for t in texts}
    return tuple(sorted(i for i in ids if i))


def _unreadable(data: dict[str, object]) -> frozenset[int]:
    """The generator's unreadable rows: indices into the truth's `rows`, which it writes in the
    order of the rendered rows (bench/synth/generate.py zips them with the row boxes)."""
    degradations = data.get("degradations")
    if not isinstance(degradations, dict):
        return frozenset()
    return frozenset(int(i) for i in degradations.get("unreadable_rows", []))


def count_readable(predicted: list[Row], truth: list[Row], unreadable: frozenset[int]) -> Counts:
    """Row counts over the readable truth rows only. A prediction that matches an unreadable row
    (name, amount and unit, each such row once) is left out, unless leaving it out would lose a
    match with a readable row of the same name and value."""
    readable = [t for i, t in enumerate(truth) if i not in unreadable]
    base = count(predicted, readable)
    kept = list(predicted)
    for hidden in (t for i, t in enumerate(truth) if i in unreadable):
        for k, p in enumerate(kept):
            if (
                p.unit == hidden.unit
                and same_amount(p.amount, hidden.amount)
                and same_name(p.name, hidden.name)
                and count(kept[:k] + kept[k + 1 :], readable).matched == base.matched
            ):
                del kept[k]
                break
    return count(kept, readable)


def ceiling(items: list[Item]) -> Counts:
    """The headline counts of a reader that reads every readable row right and nothing else:
    the best headline F1 any reader can reach on these photos (the unreadable rows stay
    expected in the headline figure)."""
    total = ZERO
    for item in items:
        perfect = [t for i, t in enumerate(item.truth) if i not in item.unreadable]
        total += count(perfect, item.truth)
    return total


def real_items() -> list[Item]:
    base = shared_data()
    items = []
    for path in sorted(TRUTH_REAL.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items.append(Item("real", base / data["image"], _truth_rows(data), data["legible"]))
    return items


OUTSIDE = "photos-ellasemancik"
# The fields of that repository's annotations, as a panel prints them.
_OUTSIDE_FIELDS = {
    "calories": ("Calories", "kcal"),
    "total_fat_g": ("Total Fat", "g"),
    "saturated_fat_g": ("Saturated Fat", "g"),
    "cholesterol_mg": ("Cholesterol", "mg"),
    "sodium_mg": ("Sodium", "mg"),
    "total_carbohydrate_g": ("Total Carbohydrate", "g"),
    "dietary_fiber_g": ("Dietary Fiber", "g"),
    "total_sugars_g": ("Total Sugars", "g"),
    "protein_g": ("Protein", "g"),
}


def outside_items() -> list[Item]:
    """label_02..06 with their author's annotations. label_01.json is left out: it repeats
    label_02's values (the data's README says so); label_01 is in the real set, with a truth
    file of this project's."""
    folder = shared_data() / OUTSIDE
    items = []
    for path in sorted((folder / "annotations").glob("label_*.json")):
        if path.stem == "label_01":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        truth = [
            Row(name, float(data[key]), unit)
            for key, (name, unit) in _OUTSIDE_FIELDS.items()
            if data.get(key) is not None
        ]
        image = folder / path.stem / str(data["image"])
        items.append(Item("outside", image, truth, "full", fields_only=True))
    return items


def scored_rows(predicted: list[Row], item: Item) -> list[Row]:
    """The predictions that the item's truth can judge: all of them, or for a truth that lists
    some fields only, those named like one of its rows."""
    if not item.fields_only:
        return predicted
    return [p for p in predicted if any(same_name(p.name, t.name) for t in item.truth)]


def synthetic_items(count_: int, seed: int) -> list[Item]:
    folder = OUT / f"synth-seed{seed}-n{count_}"
    if not (folder / "manifest.json").exists():
        subprocess.run(
            [sys.executable, "-m", "bench.synth.generate", "--out", str(folder),
             "--count", str(count_), "--seed", str(seed)],
            check=True, cwd=REPO,
        )  # fmt: skip
    items = []
    for path in sorted((folder / "truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items.append(
            Item(
                "synthetic",
                folder / data["image"],
                _truth_rows(data),
                data.get("legible", ""),
                _unreadable(data),
            )
        )
    return items


def _naive_rows(engine_name: str, image_bytes: bytes) -> list[Row]:
    """The baseline: whole photo, text lines bucketed by height, a regex per line."""
    from ocr.engines import get_engine
    from ocr.image import decode

    rgb = decode(image_bytes).rgb
    if engine_name == "tesseract":
        import pytesseract

        text = pytesseract.image_to_string(rgb, timeout=60)
        lines = text.splitlines()
    else:
        boxes = sorted(get_engine("rapidocr").recognize(rgb), key=lambda b: b.center_y)
        buckets: list[list[object]] = []
        for b in boxes:
            if buckets and abs(b.center_y - buckets[-1][0].center_y) < b.height / 2:  # type: ignore[attr-defined]
                buckets[-1].append(b)
            else:
                buckets.append([b])
        lines = [
            " ".join(b.text for b in sorted(bk, key=lambda b: b.left))  # type: ignore[attr-defined]
            for bk in buckets
        ]
    rows = []
    for line in lines:
        for m in _NAIVE_ROW.finditer(line):
            unit = m.group("unit").lower()
            rows.append(
                Row(
                    m.group("name").strip(),
                    float(m.group("num").replace(",", ".")),
                    _NAIVE_UNITS.get(unit, unit),
                )
            )
    return rows


def _scan(engine_name: str, image_bytes: bytes) -> tuple[list[Row], tuple[str, ...]]:
    """The pipeline's rows and its retake reasons (empty when it did not ask for a retake)."""
    from app.scan import scan_photos

    result = scan_photos([image_bytes], engine=engine_name)  # type: ignore[arg-type]
    rows = [Row(i.name, i.amount, i.unit, tuple(sorted(i.forms))) for i in result.ingredients]
    quality = result.quality
    reasons = tuple(quality.reasons) if quality is not None and quality.retake else ()
    return rows, reasons


def evaluate(engine_name: str, items: list[Item], baseline: bool) -> EngineReport:
    """Runs in a child process: one engine, every item."""
    from ocr.engines import get_engine

    report = EngineReport(engine_name)
    get_engine(engine_name)  # load models before timing
    if items:
        _scan(engine_name, items[0].image.read_bytes())  # warm-up, not timed
    for item in items:
        data = item.image.read_bytes()
        start, cpu_start = time.perf_counter(), time.process_time()
        reasons: tuple[str, ...] = ()
        try:
            predicted, reasons = _scan(engine_name, data)
        except Exception as exc:  # a failure is a miss, reported, not a crash of the bench
            report.failures.append(f"{item.image.name}: {exc}")
            predicted = []
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        predicted = scored_rows(predicted, item)
        counts = count(predicted, item.truth)
        readable = count_readable(predicted, item.truth, item.unreadable)
        report.photos.append(
            PhotoResult(
                item.set_name, item.image.name, item.legible, counts, readable,
                count_forms(predicted, item.truth), bool(reasons), reasons, seconds, cpu_seconds,
            )
        )  # fmt: skip
        report.seconds.setdefault(item.set_name, []).append(seconds)
        report.cpu_seconds.setdefault(item.set_name, []).append(cpu_seconds)
        report.counts[item.set_name] = report.counts.get(item.set_name, ZERO) + counts
        report.readable[item.set_name] = report.readable.get(item.set_name, ZERO) + readable
    # The pipeline's own peak: the baseline reads whole photos and runs after it.
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for item in items if baseline else []:
        naive = scored_rows(_naive_rows(engine_name, item.image.read_bytes()), item)
        report.baseline[item.set_name] = report.baseline.get(item.set_name, ZERO) + count(
            naive, item.truth
        )
    return report


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] if ordered else 0.0


def format_counts(c: Counts) -> str:
    return f"P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f} ({c.matched}/{c.expected})"


def _by_legibility(photos: list[PhotoResult], set_name: str) -> list[str]:
    """Row figures per legibility class, and how often each class was asked to be retaken:
    a photo whose rows cannot be read should come back with retake, not with guesses."""
    lines = []
    classes = sorted({p.legible for p in photos if p.set_name == set_name})
    for legible in classes:
        group = [p for p in photos if p.set_name == set_name and p.legible == legible]
        total = sum((p.counts for p in group), ZERO)
        readable = sum((p.readable for p in group), ZERO)
        retakes = sum(p.retake for p in group)
        lines.append(
            f"  {set_name:9s}   {legible or '?':8s} {format_counts(total)}; "
            f"retake asked {retakes}/{len(group)}"
        )
        if readable != total:
            lines.append(f"  {set_name:9s}   {'':8s} readable rows only {format_counts(readable)}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--synthetic", type=int, default=200, help="synthetic photos (0: none)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="at most this many photos per set")
    ap.add_argument("--dump", type=Path, help="write one JSON line per photo and engine here")
    args = ap.parse_args()
    items: list[Item] = []
    if not args.no_real:
        items += real_items()[: args.limit or None]
        items += outside_items()[: args.limit or None]
    if args.synthetic:
        items += synthetic_items(args.synthetic, args.seed)[: args.limit or None]
    sizes = {name: sum(i.set_name == name for i in items) for name in ("real", "outside")}
    print(f"photos: {sizes['real']} real, {sizes['outside']} real with outside truth, "
          f"{sum(i.set_name == 'synthetic' for i in items)} synthetic")  # fmt: skip
    ctx = multiprocessing.get_context("spawn")
    for engine in args.engines.split(","):
        with ctx.Pool(1) as pool:
            report = pool.apply(evaluate, (engine, items, not args.no_baseline))
        print(f"\n== {engine}")
        for set_name, c in report.counts.items():
            print(f"  {set_name:9s} pipeline {format_counts(c)}")
            readable = format_counts(report.readable[set_name])
            print(f"  {set_name:9s} pipeline, readable rows only {readable}")
            best = ceiling([i for i in items if i.set_name == set_name])
            if best.matched < best.expected:
                print(
                    f"  {set_name:9s} ceiling (readable rows only, all right) {format_counts(best)}"
                )
            print("\n".join(_by_legibility(report.photos, set_name)))
            forms = [p.forms for p in report.photos if p.set_name == set_name]
            right, scored = sum(f[0] for f in forms), sum(f[1] for f in forms)
            if scored:
                print(
                    f"  {set_name:9s} forms of the mineral rows read: {right}/{scored} "
                    f"= {right / scored:.3f} exactly right"
                )
            if set_name in report.baseline:
                print(f"  {set_name:9s} baseline {format_counts(report.baseline[set_name])}")
        if args.dump:
            with args.dump.open("a", encoding="utf-8") as f:
                for photo in report.photos:
                    record = asdict(photo) | {"engine": engine}
                    f.write(json.dumps(record) + "\n")
        for set_name, seconds in report.seconds.items():
            print(
                f"  {set_name:9s} seconds per photo: median {statistics.median(seconds):.2f}, "
                f"p90 {_p90(seconds):.2f} ({len(seconds)} photos)"
            )
            cpu = report.cpu_seconds[set_name]
            print(
                f"  {set_name:9s} CPU seconds per photo: median {statistics.median(cpu):.2f}, "
                f"p90 {_p90(cpu):.2f}"
            )
        print(f"  peak RSS {report.peak_rss_mb:.0f} MB (pipeline, before the baseline)")
        for failure in report.failures[:10]:
            print(f"  failed: {failure}")


if __name__ == "__main__":
    main()
