"""`labelscan batch`: files, progress display and exit codes around `run_batch`.

Exit codes: 0 every product scored; 1 the file was read but some products have an error in
their row; 2 the file as a whole could not be used (missing, binary, unknown layout, a cap hit);
130 interrupted, 141 standard output closed early. Output goes to a temporary file beside OUT
that replaces OUT only when the run finishes, so a failed run never leaves a half-written OUT.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from app.batch.reader import CsvFormatError
from app.batch.run import Format, Progress, run_batch

EXIT_OK, EXIT_PRODUCT_ERRORS, EXIT_FILE_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a closed pipe
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PLAIN_INTERVAL_S = 5.0


def output_format(requested: str | None, out: str | None) -> Format:
    """--format wins; else JSON lines for a .jsonl/.ndjson/.json OUT, else CSV."""
    if requested == "jsonl" or (requested is None and out and out.endswith(_JSONL_SUFFIXES)):
        return "jsonl"
    return "csv"


def _describe(p: Progress) -> str:
    rate = p.rows / p.elapsed_s if p.elapsed_s > 0 else 0.0
    text = (
        f"{p.rows:,} rows, {p.products:,} products ({p.errors:,} with errors), {rate:,.0f} rows/s"
    )
    if p.total_bytes:
        done = p.bytes_read / p.total_bytes
        text += f", {done:.0%} of {p.total_bytes / 1e6:,.1f} MB"
        if 0 < done < 1:
            text += f", ETA {p.elapsed_s * (1 - done) / done:,.0f} s"
    return text


def plain_reporter(
    stream: TextIO, interval_s: float = PLAIN_INTERVAL_S
) -> Callable[[Progress], None]:
    """A line on `stream` at most every `interval_s`: for logs and pipes."""
    last = [time.monotonic()]

    def report(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= interval_s:
            last[0] = now
            print(f"labelscan batch: {_describe(p)}", file=stream, flush=True)

    return report


@contextlib.contextmanager
def progress_bar(stream: TextIO | None = None) -> Iterator[Callable[[Progress], None]]:
    """A rich progress bar on the terminal (stderr unless `stream`): rows, products, errors,
    rate, and an ETA from the bytes read against the file's size."""
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(file=stream, force_terminal=True) if stream else Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def report(p: Progress) -> None:
            rate = p.rows / p.elapsed_s if p.elapsed_s > 0 else 0.0
            bar.update(
                task,
                total=p.total_bytes,
                completed=p.bytes_read,
                description=f"{p.rows:,} rows  {p.products:,} products  "
                f"{p.errors:,} errors  {rate:,.0f} rows/s",
            )

        yield report


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """OUT through a temporary file renamed into place on success; stdout when no path."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        # mkstemp makes the file private; OUT gets the permissions any new file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _open_input(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    return Path(name).open("rb")


def run(args: argparse.Namespace) -> int:
    fmt = output_format(args.format, args.output)
    try:
        src = _open_input(args.input)
    except OSError as exc:
        print(f"labelscan batch: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return EXIT_FILE_ERROR
    live = sys.stderr.isatty() and not args.quiet
    bar = progress_bar() if live else contextlib.nullcontext(plain_reporter(sys.stderr))
    try:
        with src, _output(args.output) as out, bar as report:
            done = run_batch(src, out, fmt, progress=None if args.quiet else report)
    except CsvFormatError as exc:
        print(f"labelscan batch: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_FILE_ERROR
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly, as other filters do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        print(f"labelscan batch: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_FILE_ERROR
    except KeyboardInterrupt:
        print("labelscan batch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not args.quiet and not live:
        print(f"labelscan batch: done: {_describe(done)}", file=sys.stderr)
    return EXIT_PRODUCT_ERRORS if done.errors else EXIT_OK


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "batch",
        help="score a product CSV (wide or DSLD long layout), one output row per product",
        description="Exit codes: 0 all scored, 1 some products have errors, 2 the file could "
        "not be used, 130 interrupted.",
    )
    b.add_argument("input", help="the product CSV, or - for standard input")
    b.add_argument("-o", "--output", default=None, help="output file (default: standard output)")
    b.add_argument(
        "--format",
        choices=["csv", "jsonl"],
        default=None,
        help="output format (default: from the -o suffix, .jsonl/.ndjson/.json; else csv)",
    )
    b.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    b.set_defaults(func=run)
