"""Throughput and peak memory of `labelscan batch` on long-layout (DSLD) files, on one core.

Builds files of N rows from the real NIH label database rows (../shared/data/dsld) into
bench/out/ (git-ignored): the real rows are copied over and over, each copy with its own product
ids and its amounts perturbed (so every product is distinct and no product-level result can be
reused; the ingredient vocabulary repeats, as it does in the real database). Then runs the CLI
as a subprocess pinned to one CPU and reports rows/s (wall time of the whole process, start-up
included) and its peak resident memory (ru_maxrss of that process). The output is checked to
have exactly one row per product.

    python bench/batch_throughput.py                       # 100k and 1M rows
    python bench/batch_throughput.py --sizes 100000 --ten-million
    python bench/batch_throughput.py --queue               # also through Redis workers

Aim: at least 50,000 rows/s, peak RSS under 300 MB, the same peak at every size.
Rows/s is given twice: over the wall time, and over the CPU time the process used (user +
system), which is the one-core figure when the machine is shared and the process waits for a CPU.
`--queue` hands the same file to `bench.batch_queue.run_queue_benchmark(path, workers)` (the
job-queue benchmark through Redis workers; imported only when asked for).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.shared_data import REPO, shared_data

OUT = REPO / "bench" / "out"
DEFAULT_SIZES = (100_000, 1_000_000)


@dataclass(frozen=True)
class Built:
    path: Path
    rows: int
    products: int


def _real_rows() -> tuple[list[str], list[list[str]]]:
    with (shared_data() / "dsld" / "dsld_rows.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def _perturbed(amount: str, copy: int, row: int) -> str:
    """The amount scaled by a factor between 0.90 and 1.10 that differs from copy to copy."""
    if not amount.strip():
        return amount
    factor = 0.9 + ((copy * 7919 + row * 104729) % 2001) / 10_000
    return f"{float(amount) * factor:.3f}"


def build(rows: int) -> Built:
    """bench/out/dsld_long_<rows>.csv (reused when it exists, its product count in a sidecar)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"dsld_long_{rows}.csv"
    meta = path.with_suffix(".products")
    if path.exists() and meta.exists():
        return Built(path, rows, int(meta.read_text()))
    header, real = _real_rows()
    col = {name: i for i, name in enumerate(header)}
    written = products = copy = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        while written < rows:
            last_id = None
            for i, record in enumerate(real):
                if written == rows:
                    break
                record = list(record)
                if record[col["dsld_id"]] != last_id:
                    last_id = record[col["dsld_id"]]
                    products += 1
                record[col["dsld_id"]] = f"{last_id}-{copy}"
                record[col["amount"]] = _perturbed(record[col["amount"]], copy, i)
                out.writerow(record)
                written += 1
            copy += 1
    tmp.replace(path)
    meta.write_text(str(products))
    return Built(path, rows, products)


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    output_rows: int


def run_cli(built: Built, cpu: int) -> Measured:
    """`labelscan batch` as a child process pinned to `cpu`; its own peak RSS and CPU time,
    through bench/measured.py (started straight from here, its peak would be at least this
    process's size, which a queue run before it makes larger)."""
    out = built.path.with_suffix(".scored.csv")
    report = built.path.with_suffix(".usage.json")
    cmd = [sys.executable, "-m", "app.cli", "batch", str(built.path), "-o", str(out), "-q"]
    launcher = [sys.executable, str(REPO / "bench" / "measured.py"), str(report), "--cpu"]
    start = time.perf_counter()
    code = subprocess.run([*launcher, str(cpu), "--", *cmd], cwd=REPO, check=False).returncode
    seconds = time.perf_counter() - start
    if code not in (0, 1):
        raise SystemExit(f"labelscan batch exited with {code}")
    usage = json.loads(report.read_text())
    with out.open(encoding="utf-8", newline="") as f:
        output_rows = sum(1 for _ in csv.reader(f)) - 1
    return Measured(seconds, usage["cpu_s"], usage["maxrss_kib"] / 1024, output_rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="rows per file")
    ap.add_argument("--ten-million", action="store_true", help="also 10M rows (long: minutes)")
    ap.add_argument("--cpu", type=int, default=0, help="the CPU the CLI is pinned to")
    ap.add_argument("--queue", action="store_true", help="also run bench.batch_queue")
    ap.add_argument("--workers", type=int, default=2, help="queue workers (with --queue)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.ten_million:
        sizes.append(10_000_000)
    print(
        f"{'rows':>11} {'products':>10} {'wall s':>8} {'rows/s':>9} {'CPU s':>8} "
        f"{'rows/CPU s':>10} {'peak RSS MB':>12}"
    )
    for size in sizes:
        built = build(size)
        m = run_cli(built, args.cpu)
        ok = "" if m.output_rows == built.products else f"  MISMATCH: {m.output_rows} rows out"
        print(
            f"{size:>11,} {built.products:>10,} {m.seconds:>8.1f} {size / m.seconds:>9,.0f} "
            f"{m.cpu_seconds:>8.1f} {size / m.cpu_seconds:>10,.0f} {m.peak_rss_mb:>12.1f}{ok}",
            flush=True,
        )
        if args.queue:
            # The queue side needs Redis and PostgreSQL: imported only when asked for.
            from bench.batch_queue import run_queue_benchmark

            rss_log = built.path.with_suffix(".queue_rss.json")  # every RSS sample of the run
            figures = run_queue_benchmark(built.path, workers=args.workers, rss_log=rss_log)
            print(f"  queue: {figures}", flush=True)


if __name__ == "__main__":
    main()
