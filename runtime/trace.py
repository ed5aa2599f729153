"""Trace points: `point(hop, mid, who)` appends one line when tracing is on, else nothing.

Tracing is on when the environment has `HOTLINE_TRACE=<directory>` at process start;
each process then appends to `<directory>/<pid>.trace` lines of

    <hop> <message id hex> <CLOCK_MONOTONIC ns> <CLOCK_REALTIME ns> <who or ->

Monotonic time is one clock for every process on a Linux host, so hops in different
processes on the same machine subtract exactly; realtime is kept for hops across hosts.
Off (the default), `point` is a module-level no-op: one global lookup and a call.
Lines are written unbuffered-by-line from one process's event loop thread, so a crash
loses at most the line being written; the cost when on is ~2 µs a point.

The hub and the client call it at their hops (docs/performance.md, "FLASH per hop");
``bench/trace`` sets the variable, runs the scenario and merges the files. Code that
would do work only to name a hop (find a message id) checks :func:`enabled` first.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

__all__ = ["ENV", "HOPS", "enabled", "point"]

ENV = "HOTLINE_TRACE"

#: the hops of one message, in order (docs/performance.md, "FLASH per hop")
HOPS = (
    "bench_send",  # bench worker: before it asks its client to send (mid logged after)
    "client_submit",  # client: the submit frame handed to the socket
    "hub_receive",  # hub: the submit taken off the connection's request queue
    "hub_accepted",  # hub: Redis answered the accept (fsynced)
    "hub_routed",  # hub: the router's pipeline wrote the inbox references
    "hub_pump_read",  # hub: a device's pump read the reference (who = device)
    "hub_frame_written",  # hub: the deliver frame written to the socket (who = device)
    "client_received",  # client: the delivery decoded and judged (who = device)
    "client_stored",  # client: the store committed it (who = device)
    "bench_seen",  # bench worker: its client's MessageReceived event (who = device)
)

_out: IO[str] | None = None


def _open() -> IO[str] | None:
    where = os.environ.get(ENV)
    if not where:
        return None
    d = Path(where)
    d.mkdir(parents=True, exist_ok=True)
    return open(d / f"{os.getpid()}.trace", "a", buffering=1, encoding="ascii")


def enabled() -> bool:
    return _out is not None


def _write(hop: str, mid: bytes | str, who: str = "-", at_ns: int | None = None) -> None:
    """`at_ns`: a monotonic time taken earlier (when the id was not yet known)."""
    assert _out is not None
    m = mid.hex() if isinstance(mid, bytes) else mid
    mono = time.monotonic_ns()
    real = time.time_ns() - (mono - at_ns if at_ns is not None else 0)
    _out.write(f"{hop} {m} {at_ns or mono} {real} {who or '-'}\n")


def _off(hop: str, mid: bytes | str, who: str = "-", at_ns: int | None = None) -> None:
    return None


_out = _open()
#: call at each hop; a no-op unless HOTLINE_TRACE was set when the process started
point = _write if _out is not None else _off
