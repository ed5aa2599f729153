"""The hub's health report: which problem wins, and how long a task crash is shown."""

from __future__ import annotations

from hotline.runtime.supervise import TaskState
from hotline.server.health import Health


def test_a_task_crash_shows_while_down_and_for_the_hold_after() -> None:
    now = [100.0]
    h = Health(hold_s=60.0, clock=lambda: now[0])
    router = TaskState("router", "router", crashes=1, running=False)
    assert h.problem([router]) is not None  # down, waiting to restart (crash not yet seen)
    h.task_crashed("router")
    router.running = True
    body = h.problem([router])
    assert body is not None and body["code"] == "task_crashed"
    assert body["tasks"] == {"router": {"crashes": 1, "down": False}}
    now[0] += 59.0
    assert h.problem([router]) is not None
    now[0] += 2.0
    assert h.problem([router]) is None  # restarted and quiet for the hold: healthy again


def test_the_most_serious_problem_is_reported_first() -> None:
    h = Health(clock=lambda: 0.0)
    h.task_crashed("gauges")
    h.integrity_alarm("log entry 7 does not match")
    h.integrity_alarm("a later one is not kept")
    body = h.problem([])
    assert body is not None and body["code"] == "integrity_alarm"
    assert "entry 7" in body["message"]
    h.missing_accepted = ["ab" * 16]
    assert (h.problem([]) or {})["code"] == "missing_accepted"
    h.fatal = "journal"
    assert (h.problem([]) or {})["code"] == "task_failed"


def test_all_well() -> None:
    assert Health().problem([TaskState("router", "router", running=True)]) is None
