"""Named background tasks that never die silently.

Theory of operation: ``spawn(name, factory)`` runs ``await factory()`` in its own task.
If the coroutine raises (anything but a cancellation), the supervisor

1. logs the crash with its traceback,
2. calls ``on_crash(state, exc)`` — the owner surfaces it (the hub: ``/healthz`` 503 and
   ``hotline_task_crashes_total{task}``; a client: state "disconnected" and an alarm),
3. then either restarts the task after a jittered backoff (``on_restart(state)``), or, for
   a task marked ``critical``, calls ``on_fatal(state, exc)`` and sets ``failed``: the
   owner stops the process loudly.

A factory that returns has finished and is not restarted. A task that ran for
``stable_s`` before crashing restarts from the shortest delay again. ``stop()`` cancels
everything and waits, bounded: a task stuck in a blocking call is reported, not waited
on for ever.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .backoff import Backoff

__all__ = ["Supervised", "Supervisor", "TaskState"]

log = logging.getLogger("hotline.runtime.supervise")

Factory = Callable[[], Awaitable[None]]
CrashHook = Callable[["TaskState", BaseException], None]
StateHook = Callable[["TaskState"], None]


@dataclass
class TaskState:
    """What the supervisor knows about one task (read by health reports)."""

    name: str
    kind: str  # what it is ("router", "pump"): the label for metrics and health
    critical: bool = False
    restart: bool = True
    crashes: int = 0
    running: bool = False  # False while it waits to be restarted
    finished: bool = False
    stopping: bool = False  # asked to stop: never restarted again, whatever happens
    last_error: str = ""  # for the local log and console only; never sent to a peer


class Supervised:
    """A handle on one supervised task."""

    def __init__(self, state: TaskState, task: asyncio.Task[None]) -> None:
        self.state = state
        self.task = task

    @property
    def name(self) -> str:
        return self.state.name

    def done(self) -> bool:
        return self.task.done()

    def cancel(self) -> None:
        self.task.cancel()

    async def stop(self, timeout: float = 5.0) -> bool:
        """Cancel and wait at most ``timeout`` s; False if it did not stop in time."""
        self.state.stopping = True
        self.task.cancel()
        done, _ = await asyncio.wait({self.task}, timeout=timeout)
        if not done:
            log.warning("task %s did not stop within %.1f s", self.name, timeout)
        return bool(done)


def _default_backoff() -> Backoff:
    return Backoff(0.5, 30.0)


class Supervisor:
    """Runs named tasks; see the module docstring for what happens on a crash."""

    def __init__(
        self,
        *,
        on_crash: CrashHook | None = None,
        on_restart: StateHook | None = None,
        on_fatal: CrashHook | None = None,
        backoff: Callable[[], Backoff] = _default_backoff,
        stable_s: float = 30.0,
        logger: logging.Logger = log,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_crash = on_crash
        self._on_restart = on_restart
        self._on_fatal = on_fatal
        self._backoff = backoff
        self._stable_s = stable_s
        self._log = logger
        self._clock = clock
        self._tasks: dict[str, Supervised] = {}
        self._injected: dict[str, BaseException] = {}
        self.failed = asyncio.Event()  # a critical task failed: the owner must stop
        self.fatal: tuple[TaskState, BaseException] | None = None

    def spawn(
        self,
        name: str,
        factory: Factory,
        *,
        kind: str | None = None,
        critical: bool = False,
        restart: bool = True,
    ) -> Supervised:
        """Start ``factory()`` as task ``name`` (unique among the running ones)."""
        if name in self._tasks:
            raise ValueError(f"a task named {name!r} is already running")
        state = TaskState(name, kind or name.partition(":")[0], critical, restart)
        task = asyncio.create_task(self._guard(state, factory), name=name)
        handle = Supervised(state, task)
        self._tasks[name] = handle
        task.add_done_callback(lambda _t, n=name, h=handle: self._forget(n, h))
        return handle

    def _forget(self, name: str, handle: Supervised) -> None:
        if self._tasks.get(name) is handle:
            del self._tasks[name]

    def get(self, name: str) -> Supervised | None:
        return self._tasks.get(name)

    def states(self) -> list[TaskState]:
        return [h.state for h in self._tasks.values()]

    def inject(self, name: str, exc: BaseException) -> None:
        """Make the running task ``name`` fail with ``exc`` where it waits now.

        A seam for fault-injection tests (like a chaos tool's): the crash takes the same
        path as a real one — logged, surfaced, restarted or fatal.
        """
        handle = self._tasks.get(name)
        if handle is None or not handle.state.running:
            raise RuntimeError(f"task {name!r} is not running")
        self._injected[name] = exc
        handle.task.cancel()

    async def stop(self, timeout: float = 5.0, kinds: set[str] | None = None) -> list[str]:
        """Cancel every task (or those of ``kinds``); the names of those that did not
        stop in time."""
        chosen = {n: h for n, h in self._tasks.items() if kinds is None or h.state.kind in kinds}
        tasks = {h.task: name for name, h in chosen.items()}
        for h in chosen.values():
            h.state.stopping = True
        for t in tasks:
            t.cancel()
        if not tasks:
            return []
        _done, stuck = await asyncio.wait(tasks, timeout=timeout)
        names = sorted(tasks[t] for t in stuck)
        for n in names:
            self._log.warning("task %s did not stop within %.1f s", n, timeout)
        return names

    async def __aenter__(self) -> Supervisor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _guard(self, st: TaskState, factory: Factory) -> None:
        backoff = self._backoff()
        while True:
            started = self._clock()
            failure = await self._run_once(st, factory)
            if failure is None or (st.stopping and not st.critical):
                # a task that swallowed its cancel and then failed: not restarted
                st.finished = True
                return
            st.crashes += 1
            st.last_error = f"{type(failure).__name__}: {failure}"
            self._log.error("task %s crashed (crash %d)", st.name, st.crashes, exc_info=failure)
            self._call(self._on_crash, st, failure)
            if st.critical:
                st.finished = True
                self._log.critical("critical task %s failed: the process must stop", st.name)
                self.fatal = (st, failure)
                self.failed.set()
                self._call(self._on_fatal, st, failure)
                return
            if not st.restart:
                st.finished = True
                return
            if self._clock() - started >= self._stable_s:
                backoff.reset()
            await backoff.wait()
            if st.stopping:
                st.finished = True
                return
            self._log.warning("restarting task %s after crash %d", st.name, st.crashes)
            self._call(self._on_restart, st)

    async def _run_once(self, st: TaskState, factory: Factory) -> BaseException | None:
        """Run the coroutine once: None if it returned, else what it raised."""
        st.running = True
        try:
            await factory()
        except asyncio.CancelledError:
            injected = self._injected.pop(st.name, None)
            if injected is None:
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # the cancel only carried the injected failure
            return injected
        except Exception as exc:
            return exc
        finally:
            st.running = False
        return None

    def _call(self, hook: Callable[..., None] | None, *args: object) -> None:
        if hook is None:
            return
        try:
            hook(*args)
        except Exception:  # a broken hook must not take the supervision down with it
            self._log.exception("supervisor hook %r failed", hook)
