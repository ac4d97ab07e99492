"""A batch worker scores text: it must not load the imaging stack (OpenCV, numpy, the OCR
models), which is about 26 MB of every worker's memory for nothing."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("cv2", "numpy", "rapidocr", "onnxruntime")


def test_the_worker_modules_do_not_load_the_imaging_stack() -> None:
    code = (
        "import sys, app.settings, app.batch.jobs, app.batch.queue, app.repositories.batches; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
