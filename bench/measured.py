"""Runs a command and reports its own peak memory and CPU time, free of the caller's size.

Linux keeps a process's peak RSS (ru_maxrss) across exec, and a child starts as a copy of its
parent: a command started straight from a benchmark that has grown (a queue run, a file just
built) reports at least the benchmark's own size. Started from this small launcher instead, the
command's figure is its own (the launcher is a bare interpreter, far smaller than any command
measured here).

    python bench/measured.py REPORT.json [--cpu N] [--pid-file PATH] -- COMMAND ...

Writes {"maxrss_kib", "cpu_s", "exit"} of COMMAND (and its own children) to REPORT.json when it
ends, exits with COMMAND's exit code, and passes SIGTERM and SIGINT on to it. `--pid-file`
writes COMMAND's pid there as soon as it runs, for a caller that samples its memory over time
(/proc/PID/status) or signals it directly (SIGKILL cannot be passed on). Only the standard
library is imported, to keep the launcher small.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    report, rest = argv[0], argv[1:]
    cpu = pid_file = None
    while rest[:1] in (["--cpu"], ["--pid-file"]):
        if rest[0] == "--cpu":
            cpu = int(rest[1])
        else:
            pid_file = Path(rest[1])
        rest = rest[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # inherited by the command
    child = subprocess.Popen(rest)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: child.send_signal(number))
    if pid_file is not None:
        # Written whole under another name, then renamed: a reader never sees half a number.
        partial = pid_file.with_name(pid_file.name + ".partial")
        partial.write_text(str(child.pid), encoding="utf-8")
        partial.replace(pid_file)
    while True:
        try:
            _, status, usage = os.wait4(child.pid, 0)
            break
        except InterruptedError:  # a signal passed on while waiting
            continue
    code = os.waitstatus_to_exitcode(status)
    figures = {"maxrss_kib": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}
    Path(report).write_text(json.dumps({**figures, "exit": code}), encoding="utf-8")
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
