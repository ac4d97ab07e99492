"""Fuzzing of the label-text parser and the product-CSV reader (atheris; see fuzz/run.py).

Two kinds of test per target: the saved corpus (seeds written by hand plus inputs the fuzzer
found that reach new code) replayed as ordinary inputs, and a bounded coverage-guided run in a
subprocess that fails on any crash."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hardening.fuzz.targets import check_label_text, check_product_csv

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
TARGETS: dict[str, Callable[[bytes], None]] = {
    "label": check_label_text,
    "csv": check_product_csv,
}
# Per target in CI: whichever comes first. The parser runs a few dozen inputs a second under
# instrumentation on a busy machine, the CSV reader thousands.
FUZZ_SECONDS = 30
FUZZ_RUNS = 200_000
MAX_LEN = 4096


def _corpus_files() -> list[tuple[str, Path]]:
    return [(t, p) for t in TARGETS for p in sorted((CORPUS / t).iterdir()) if p.is_file()]


def test_each_target_has_a_corpus() -> None:
    for target in TARGETS:
        assert len(list((CORPUS / target).iterdir())) >= 10, target


@pytest.mark.parametrize(
    "target,path", _corpus_files(), ids=[f"{t}/{p.name}" for t, p in _corpus_files()]
)
def test_the_saved_corpus_replays_cleanly(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("target", list(TARGETS))
def test_a_bounded_fuzzing_run_finds_no_crash(target: str, tmp_path: Path) -> None:
    found = tmp_path / "found"
    found.mkdir()
    command = [
        sys.executable, "-m", "tests.hardening.fuzz.run", target, str(found),
        str(CORPUS / target), f"-runs={FUZZ_RUNS}", f"-max_total_time={FUZZ_SECONDS}",
        f"-max_len={MAX_LEN}", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1",
    ]  # fmt: skip
    run = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120
    )
    log = run.stderr[-6000:]
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-"))]
    assert run.returncode == 0 and not crashes, f"{target}: {crashes}\n{log}"
    done = re.search(r"Done (\d+) runs in (\d+) second", run.stderr)
    assert done, log
    executions = int(done.group(1))
    # The run really exercised the target (not a harness that returned at once).
    assert executions >= 100, log
    print(f"{target}: {executions} executions in {done.group(2)} s, {len(list(found.iterdir()))}"
          " new inputs")  # fmt: skip
