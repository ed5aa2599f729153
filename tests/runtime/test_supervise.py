"""The supervisor: crashes are logged, surfaced and restarted, or stop the owner loudly."""

from __future__ import annotations

import asyncio
import logging

import pytest

from hotline.runtime.backoff import Backoff
from hotline.runtime.supervise import Supervisor, TaskState
from tests.conftest import TIMEOUT_FACTOR

T = 5 * TIMEOUT_FACTOR


def fast() -> Backoff:
    return Backoff(0.001, 0.002)


class Hooks:
    def __init__(self) -> None:
        self.crashes: list[tuple[str, str]] = []
        self.restarts: list[str] = []
        self.fatal: list[str] = []
        self.changed = asyncio.Event()

    def on_crash(self, st: TaskState, exc: BaseException) -> None:
        self.crashes.append((st.kind, type(exc).__name__))
        self.changed.set()

    def on_restart(self, st: TaskState) -> None:
        self.restarts.append(st.name)
        self.changed.set()

    def on_fatal(self, st: TaskState, exc: BaseException) -> None:
        self.fatal.append(st.name)

    def supervisor(self, **kw: object) -> Supervisor:
        return Supervisor(
            on_crash=self.on_crash,
            on_restart=self.on_restart,
            on_fatal=self.on_fatal,
            backoff=fast,
            **kw,  # type: ignore[arg-type]
        )


async def test_a_crash_is_logged_surfaced_and_restarted(caplog: pytest.LogCaptureFixture) -> None:
    hooks = Hooks()
    runs: list[int] = []
    second = asyncio.Event()

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise KeyError("boom")
        second.set()
        await asyncio.Event().wait()

    caplog.set_level(logging.ERROR, "hotline.runtime.supervise")
    async with hooks.supervisor() as sup:
        h = sup.spawn("router", flaky)
        await asyncio.wait_for(second.wait(), T)
        assert hooks.crashes == [("router", "KeyError")]
        assert hooks.restarts == ["router"]
        assert h.state.crashes == 1 and h.state.running and not h.state.finished
        assert "KeyError: 'boom'" in h.state.last_error
    crash = [r for r in caplog.records if "task router crashed" in r.getMessage()]
    assert crash and crash[0].exc_info is not None  # the traceback is in the log
    assert h.done()


async def test_a_critical_task_stops_the_owner_and_is_not_restarted() -> None:
    hooks = Hooks()
    runs = 0

    async def critical() -> None:
        nonlocal runs
        runs += 1
        raise RuntimeError("the journal is gone")

    sup = hooks.supervisor()
    h = sup.spawn("journal", critical, critical=True)
    await asyncio.wait_for(sup.failed.wait(), T)
    await asyncio.wait({h.task}, timeout=T)
    assert runs == 1 and hooks.fatal == ["journal"] and hooks.restarts == []
    assert sup.fatal is not None and sup.fatal[0].name == "journal"
    assert h.state.finished and sup.get("journal") is None


async def test_restart_false_reports_the_crash_and_ends() -> None:
    hooks = Hooks()

    async def once() -> None:
        raise ValueError("x")

    sup = hooks.supervisor()
    h = sup.spawn("writer:1", once, restart=False)
    await asyncio.wait({h.task}, timeout=T)
    assert hooks.crashes == [("writer", "ValueError")] and hooks.restarts == []


async def test_a_task_that_returns_is_finished_not_restarted() -> None:
    hooks = Hooks()

    async def done() -> None:
        return None

    sup = hooks.supervisor()
    h = sup.spawn("once", done)
    await asyncio.wait({h.task}, timeout=T)
    assert h.state.finished and h.state.crashes == 0 and hooks.restarts == []


async def test_injected_failure_takes_the_crash_path_and_the_task_runs_again() -> None:
    hooks = Hooks()
    started: list[int] = []
    ready = asyncio.Event()

    clean: list[bool] = []

    async def forever() -> None:
        started.append(1)
        if len(started) == 2:  # the injected cancel was taken back (uncancel)
            task = asyncio.current_task()
            clean.append(task is not None and task.cancelling() == 0)
        ready.set()
        await asyncio.Event().wait()

    async with hooks.supervisor() as sup:
        h = sup.spawn("notifier", forever)
        await asyncio.wait_for(ready.wait(), T)
        ready.clear()
        sup.inject("notifier", ConnectionAbortedError("injected"))
        await asyncio.wait_for(ready.wait(), T)
        assert hooks.crashes == [("notifier", "ConnectionAbortedError")]
        assert len(started) == 2 and h.state.running and clean == [True]
    with pytest.raises(RuntimeError, match="not running"):
        sup.inject("notifier", ValueError())


async def test_stop_cancels_every_task_and_reports_stuck_ones() -> None:
    sup = Supervisor(backoff=fast)
    release = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await release.wait()  # ignores the cancel for a while (a stuck XREAD)

    async def polite() -> None:
        await asyncio.Event().wait()

    a, b = sup.spawn("stubborn", stubborn), sup.spawn("polite", polite)
    await asyncio.sleep(0)
    assert await sup.stop(timeout=0.05) == ["stubborn"]
    assert b.done() and not a.done()
    release.set()
    assert await a.stop(T)


async def test_a_failing_hook_does_not_break_supervision(caplog: pytest.LogCaptureFixture) -> None:
    again = asyncio.Event()
    runs = 0

    def bad_hook(_st: TaskState, _exc: BaseException) -> None:
        raise RuntimeError("hook bug")

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise ValueError("x")
        again.set()
        await asyncio.Event().wait()

    async with Supervisor(on_crash=bad_hook, backoff=fast) as sup:
        sup.spawn("t", flaky)
        await asyncio.wait_for(again.wait(), T)
    assert any("hook" in r.getMessage() for r in caplog.records)


async def test_a_task_that_ran_long_restarts_from_the_shortest_delay() -> None:
    clock = [0.0]
    delays: list[float] = []

    class Recording(Backoff):
        def next_delay(self) -> float:
            d = super().next_delay()
            delays.append(d)
            return d

    runs = 0
    third = asyncio.Event()

    async def crashes_after_a_while() -> None:
        nonlocal runs
        runs += 1
        if runs == 2:
            clock[0] += 100.0  # this run was long and healthy
        if runs == 3:
            third.set()
            await asyncio.Event().wait()
        raise ValueError("x")

    sup = Supervisor(
        backoff=lambda: Recording(0.001, 1.0, rng=lambda: 0.5),
        stable_s=30.0,
        clock=lambda: clock[0],
    )
    async with sup:
        sup.spawn("t", crashes_after_a_while)
        await asyncio.wait_for(third.wait(), T)
    assert delays == [0.001, 0.001]  # not 0.002: the backoff was reset


async def test_names_are_unique_while_running() -> None:
    async with Supervisor() as sup:
        sup.spawn("x", asyncio.Event().wait)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="already running"):
            sup.spawn("x", asyncio.Event().wait)  # type: ignore[arg-type]


async def test_a_task_that_swallows_its_stop_is_not_restarted() -> None:
    """redis-py can turn a cancel into a ConnectionError: a stopped task must stay stopped."""
    runs = 0

    async def swallows() -> None:
        nonlocal runs
        runs += 1
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ConnectionError("the cancel, converted") from None

    sup = Supervisor(backoff=fast)
    h = sup.spawn("t", swallows)
    await asyncio.sleep(0)
    assert await h.stop(T)
    assert runs == 1 and h.state.crashes == 0 and h.state.finished
