"""`labelscan batch` end to end: the real DSLD export, formats, exit codes, progress lines."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.batch.console import progress_bar
from app.batch.run import Progress
from app.cli import main
from bench.shared_data import REPO, shared_data


def _dsld_rows_csv() -> Path:
    try:
        return shared_data() / "dsld" / "dsld_rows.csv"
    except FileNotFoundError as exc:
        pytest.skip(f"shared DSLD export not available: {exc}")


def test_real_dsld_export_scores_every_product(tmp_path: Path) -> None:
    source = _dsld_rows_csv()
    out = tmp_path / "scored.csv"
    assert main(["batch", str(source), "-o", str(out), "-q"]) == 0
    with source.open(encoding="utf-8", newline="") as f:
        ids = [k for k, _ in itertools.groupby(r["dsld_id"] for r in csv.DictReader(f))]
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["product_id"] for r in rows] == ids
    assert all(r["score"] and r["grade"] and not r["error"] for r in rows)
    magnesium = [r for r in rows if r["magnesium_forms"]]
    assert magnesium and all(r["elemental_mg_per_serving"] for r in magnesium)
    assert any("magnesium_oxide" in r["magnesium_forms"] for r in magnesium)


def test_format_follows_the_output_suffix(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("product_id,label_text\nw1,Magnesium (as magnesium citrate) 150 mg 36%\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(out), "-q"]) == 0
    [line] = out.read_text().splitlines()
    assert json.loads(line)["magnesium_forms"] == ["magnesium_citrate"]


def test_product_errors_exit_1_and_file_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("product_id,label_text\nw1,Magnesium 100 mg\n,Magnesium 100 mg\n")
    out = tmp_path / "out.csv"
    assert main(["batch", str(mixed), "-o", str(out), "-q"]) == 1
    assert len(out.read_text().splitlines()) == 3  # header + one row per product
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    bad_out = tmp_path / "never.csv"
    assert main(["batch", str(binary), "-o", str(bad_out)]) == 2
    assert "not_text" in capsys.readouterr().err
    assert not bad_out.exists()  # a failed run leaves no output behind
    assert main(["batch", str(tmp_path / "missing.csv")]) == 2


def test_not_on_a_terminal_progress_is_plain_lines_on_stderr(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("product_id,label_text\nw1,Magnesium (as magnesium oxide) 400 mg 95%\n")
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "batch", str(source)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("w1,")  # results on stdout as CSV
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("labelscan batch: done: 1 rows, 1 products (0 with errors)")
    assert "\x1b[" not in proc.stderr  # no terminal control codes in a log


def test_terminal_progress_bar_shows_rows_products_and_percent() -> None:
    screen = io.StringIO()
    with progress_bar(screen) as report:
        report(Progress(12_000, 3_000, 2, 500_000, 1_000_000, 2.0))
    shown = screen.getvalue()
    assert "12,000 rows" in shown and "3,000 products" in shown and "2 errors" in shown
    assert "6,000 rows/s" in shown and "50%" in shown
