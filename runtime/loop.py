"""Which event loop the hub runs on: asyncio's, or uvloop when asked and installed.

Measured (docs/performance.md, the A/B table): in the hub-only bench uvloop did not
lower the hub's CPU per message (−2 % alone, +14 % beside hiredis, within the noise of
the shared box), so it is not the default. ``HOTLINE_EVENT_LOOP=uvloop`` with the
``fast`` extra installed runs it, to measure it again on other hardware; without uvloop
installed the setting falls back to asyncio's loop.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["ENV", "loop_factory", "loop_name", "run"]

ENV = "HOTLINE_EVENT_LOOP"
T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory when asked for and installed; None for asyncio's default."""
    if os.environ.get(ENV, "").strip().lower() != "uvloop":
        return None
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def loop_name() -> str:
    return "asyncio" if loop_factory() is None else "uvloop"


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the loop :func:`loop_factory` chooses."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
