"""What ``/healthz`` reports beyond Redis: lost accepts, integrity alarms, crashed tasks.

A crashed background task is reported (503, naming the task kind) while it waits to be
restarted and for ``hold_s`` after its last crash: a task that crashes and comes back
within a second must still show to a monitor that polls every 30 s. The counter
``hotline_task_crashes_total{task}`` keeps the history. Names of exception classes stay
in the hub's log; the endpoint is public.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hotline.runtime.supervise import TaskState

__all__ = ["Health"]


@dataclass
class _Crashes:
    count: int = 0
    last: float = float("-inf")


class Health:
    """The hub's own view of its health (Redis is checked by the endpoint itself)."""

    def __init__(self, hold_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.hold_s = hold_s
        self._clock = clock
        self.ready = False
        self.missing_accepted: list[str] = []
        self.integrity: str | None = None
        self.fatal: str | None = None
        self._crashes: dict[str, _Crashes] = {}

    def task_crashed(self, kind: str) -> None:
        c = self._crashes.setdefault(kind, _Crashes())
        c.count += 1
        c.last = self._clock()

    def integrity_alarm(self, message: str) -> None:
        if self.integrity is None:
            self.integrity = message

    def problem(self, tasks: Iterable[TaskState]) -> dict[str, Any] | None:
        """The most serious problem as a 503 body, or None when all is well."""
        if self.fatal:
            return _body("failed", "task_failed", f"critical task {self.fatal} failed")
        if self.missing_accepted:
            body = _body(
                "degraded",
                "missing_accepted",
                "accepted messages are missing from Redis (AOF truncated?)",
            )
            return {**body, "missing_accepted": self.missing_accepted}
        if self.integrity:
            return _body("degraded", "integrity_alarm", f"log integrity alarm: {self.integrity}")
        return self._task_problem(tasks)

    def _task_problem(self, tasks: Iterable[TaskState]) -> dict[str, Any] | None:
        down = {t.kind for t in tasks if t.crashes and not t.running and not t.finished}
        now = self._clock()
        recent = {k for k, c in self._crashes.items() if now - c.last < self.hold_s}
        kinds = sorted(down | recent)
        if not kinds:
            return None
        detail = {
            k: {"crashes": self._crashes[k].count if k in self._crashes else 0, "down": k in down}
            for k in kinds
        }
        msg = f"background task(s) crashed: {', '.join(kinds)}; see the hub's log"
        return {**_body("degraded", "task_crashed", msg), "tasks": detail}


def _body(status: str, code: str, message: str) -> dict[str, Any]:
    return {"status": status, "code": code, "message": message}
