"""A job runner for tests: it keeps the tasks it is given instead of running them, so a test
can run them one at a time (or not at all) and look between them."""

from __future__ import annotations

from app.batch.jobs import Task


class RecordingRunner:
    kind = "recording"

    def __init__(self) -> None:
        self.tasks: list[Task] = []

    def submit(self, task: Task) -> None:
        self.tasks.append(task)

    def close(self) -> None:
        pass
