"""Coverage-guided fuzzing (atheris, libFuzzer) of one target of `targets.py`.

    python -m tests.hardening.fuzz.run label|csv CORPUS_DIR [libFuzzer options]
    e.g. python -m tests.hardening.fuzz.run label /tmp/label-corpus \\
             tests/hardening/corpus/label -runs=20000 -max_total_time=30

The first corpus folder receives the inputs that reach new code; later ones are only read.
An exception from the target (anything but the documented refusals, which the target absorbs)
is a crash: libFuzzer writes the input to `-artifact_prefix` and exits non-zero.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import atheris  # type: ignore[import-untyped]  # ships no type information

TARGETS = ("label", "csv")


def _target(name: str) -> Callable[[bytes], None]:
    # Only the code under test is instrumented for coverage: the parser or the CSV reader and
    # what they call in the project, not pydantic or the standard library.
    with atheris.instrument_imports(include=["catalog", "app.batch"]):
        from tests.hardening.fuzz import targets
    return {"label": targets.check_label_text, "csv": targets.check_product_csv}[name]


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: {argv[0]} {'|'.join(TARGETS)} CORPUS_DIR [libFuzzer options]")
    target = _target(argv[1])
    atheris.Setup([argv[0], *argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
