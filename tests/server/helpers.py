"""Helpers shared by the server's test modules: REST calls, problem checks, failing starts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.server.appkeys import SUPERVISOR
from hotline.server.redis_process import free_port
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import (
    client,
    signed_headers,
)
from tests.waits import texts_until

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def tls_context(home: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))


async def call(
    base: str,
    home: Path,
    method: str,
    path: str,
    *,
    query: str = "",
    device: str | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, Any, dict[str, str]]:
    """(status, content type, parsed JSON body or the text, the headers sent)."""
    sent = dict(headers or {})
    if device:
        sent.update(signed_headers(home, device, method, path, query, body or b""))
    url = base + path + (f"?{query}" if query else "")
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method,
            aiohttp.client.URL(url, encoded=True),
            data=body,
            headers=sent,
            ssl=tls_context(home),
        ) as r,
    ):
        raw = await r.read()
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        return r.status, r.content_type, parsed, sent


def assert_problem(status: int, ctype: str, body: Any, want_status: int, want_code: str) -> None:
    assert status == want_status, (status, body)
    assert ctype == "application/problem+json", (ctype, body)
    assert set(body) >= PROBLEM_FIELDS, body
    assert body["status"] == want_status and body["code"] == want_code, body
    assert body["type"].endswith("/" + want_code)
    assert len(body["detail"]) <= 200 and body["detail"].isascii(), body
    for internal in ("Error(", "Exception", "Traceback", "ValueError", "KeyError"):
        assert internal not in json.dumps(body), body


#: the slow attacker's pace between two bytes: the attack itself, not a synchronisation
#: (the assertions wait on the connection being closed)
DRIP_S = 0.2


async def raw(hub: Any, home: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", hub.port, ssl=tls_context(home))


async def closed_within(reader: asyncio.StreamReader, limit: float) -> tuple[float, bytes]:
    """Seconds until the hub closed the connection, and what it sent before."""
    t0 = time.monotonic()
    data = b""
    async with asyncio.timeout(limit):
        while chunk := await reader.read(65536):
            data += chunk
    return time.monotonic() - t0, data


START_T = 60 * TIMEOUT_FACTOR


def serve_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HOTLINE_HUB_METRICS_PORT": str(free_port()), **extra}


def serve(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A hub start that is expected to fail at once."""
    return subprocess.run(
        [sys.executable, "-m", "hotline.server", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=START_T,
        env=serve_env(**env),
    )


def one_line(r: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    errors = [x for x in r.stderr.splitlines() if x.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    for text in expected:
        assert text in errors[0], errors[0]
    return errors[0]


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def get_text(hub_http: str, home: Path, path: str) -> tuple[int, str]:
    ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
    async with aiohttp.ClientSession() as s, s.get(hub_http + path, ssl=ctx) as r:
        return r.status, await r.text()


def rs_to_hr(home: Path, n: int, text: str, precedence: str | None = None) -> list[Any]:
    """n signed hotline messages RS/officer-1 → HR, numbered from 1."""
    h = Home(home)
    t = time.time_ns() // 1_000_000
    return [
        compose(
            h.device("RS/officer-1"),
            h.roster(t),
            recipients=("HR",),
            family="hotline_message",
            body={"text": f"{text} {i}", "lang": "en"},
            seq=i + 1,
            now_ms=t,
            precedence=precedence,
        )[0]
        for i in range(n)
    ]


async def send_routine_to_hr(c: Any, text: str) -> None:
    res = await c.send("HR", "hotline_message", {"text": text, "lang": "en"}, precedence="ROUTINE")
    assert res.status == "accepted"


@contextlib.asynccontextmanager
async def rs_and_hr(home: Path, url: str, first: str) -> AsyncIterator[tuple[Any, Any, Any]]:
    """RS's and HR's clients on the hub at ``url``, and HR's event queue, once a routine
    message ``first`` from RS has reached HR (both connected, delivery running)."""
    wait = 15 * TIMEOUT_FACTOR
    async with client(home, "RS", url) as rs, client(home, "HR", url) as hr:
        q = hr.subscribe()
        assert await rs.wait_connected(wait) and await hr.wait_connected(wait)
        await send_routine_to_hr(rs, first)
        assert await texts_until(q, first, wait) == [first]
        yield rs, hr, q


def sessions_of(hub: Any, device_id: str) -> list[Any]:
    """The hub's registered sessions of one device, oldest first."""
    return [c for c in hub.registry.all() if c.device_id == device_id]


def live_readers(sessions: list[Any]) -> list[Any]:
    """Those of ``sessions`` whose delivery pump is running (one reader per device)."""
    return [s for s in sessions if s._pump_loop is not None and not s._pump_loop.done()]


def pump_tasks(hub: Any, device_id: str) -> list[str]:
    """The names of the hub supervisor's running deliver loops of ``device_id``."""
    return [
        st.name
        for st in hub.app[SUPERVISOR].states()
        if st.kind == "pump" and st.name.startswith(f"pump:{device_id}#")
    ]


def hold_appends(hub: Any, gate: asyncio.Event) -> None:
    """From now on every accept of ``hub`` waits for ``gate`` (Redis slow to answer),
    holding the reads lent to it; ``gate.set()`` lets them all through."""
    real = hub.streams.log.accept_and_read

    async def held(*args: Any, **kw: Any) -> Any:
        await gate.wait()
        return await real(*args, **kw)

    hub.streams.log.accept_and_read = held
