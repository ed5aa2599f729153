"""``hotline demo``: a complete local network playing a short scenario from real events.

Embedded Redis and the hub run as a child process; the seven parties are
HubClients in this process. Without a terminal (or with --no-console) the flow
is printed as it happens; otherwise the duty officer's console opens after it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .events import ConnectionChanged, MessageReceived, ReceiptUpdated
from .home import Home
from .hub_client import HubClient
from .init import DEFAULT_PARTIES, init_network

__all__ = ["SCENARIO", "run_demo"]

JARINJE = {"type": "LineString", "coordinates": [[20.79, 43.12], [20.76, 43.10], [20.74, 43.07]]}
PRISTINA_AREA = {
    "type": "Polygon",
    "coordinates": [[[21.0, 42.5], [21.3, 42.5], [21.3, 42.8], [21.0, 42.8], [21.0, 42.5]]],
}


def _day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=offset)).date().isoformat()


def _iso(offset_min: int) -> str:
    t = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=offset_min)
    return t.replace(microsecond=0).isoformat().replace("+00:00", "Z")


#: (sender device, to, family, body, extra): drawn from the domain's real cases
SCENARIO: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "XK/officer-1",
        "all",
        "military_activity",
        {
            "name": "Defender Europe 25 (field training)",
            "start": _day(45),
            "end": _day(60),
            "area": PRISTINA_AREA,
            "troops": 25_000,
            "battle_tanks": 40,
            "acv": 160,
            "artillery": 24,
            "aircraft_sorties": 60,
            "live_fire": True,
            "drones": 12,
            "observers_invited": True,
            "lang": "en",
        },
        {"precedence": "PRIORITY"},
    ),
    (
        "RS/feed-1",
        "all",
        "drone_flight",
        {
            "start": _iso(-20),
            "end": _iso(40),
            "area": JARINJE,
            "armed": False,
            "uav_type": "reconnaissance UAV",
            "flight_id": "RS-UAV-2211",
            "border_distance_km": 3,
            "purpose": "border surveillance near Jarinje",
        },
        {"precedence": "IMMEDIATE"},
    ),
    (
        "AL/officer-1",
        "all",
        "cyber_incident",
        {
            "severity": "critical",
            "sector": "government",
            "summary": "Destructive attack on e-government services (as in July 2022); "
            "indicators shared with national CERTs",
            "tlp": "AMBER",
            "assistance_requested": True,
        },
        {"precedence": "IMMEDIATE"},
    ),
    (
        "BA/officer-1",
        "RS",
        "clarification_request",
        {
            "question": "Please explain the UAV flight near Jarinje: route, duration, purpose.",
            "lang": "en",
            "unusual_activity": True,
        },
        {"reply_to_step": 1},
    ),
    (
        "HR/officer-1",
        "RS",
        "hotline_message",
        {
            "text": "Neidentificirani zrakoplov u zračnom prostoru kod Vukovara. Molimo potvrdu.",
            "lang": "hr",
        },
        {"precedence": "FLASH"},
    ),
    ("ME/officer-1", "all", "link_test", {"note": "hourly link test"}, {}),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _say(text: str) -> None:
    print(f"{dt.datetime.now():%H:%M:%S}  {text}", flush=True)


async def _scenario(home: Home, clients: dict[str, HubClient], pace: float) -> None:
    ids: list[str] = []
    for dev, to, family, body, extra in SCENARIO:
        c = clients[dev]
        reply = extra.get("reply_to_step")
        res = await c.send(
            to,
            family,
            body,
            precedence=extra.get("precedence"),
            in_reply_to=ids[reply] if reply is not None else None,
            timeout=15,
        )
        ids.append(res.id)
        _say(f"{dev:<14} → {to:<5} {family:<22} {res.status} at log {res.position}")
        await asyncio.sleep(pace)
        if family == "hotline_message":
            rs = clients["RS/officer-1"]
            await rs.mark_read(res.id)
            await rs.acknowledge(res.id)
            _say("RS/officer-1   acknowledges the FLASH message (signed receipt)")
        if family == "clarification_request":
            rs = clients["RS/officer-1"]
            ans = await rs.send(
                "BA",
                "clarification_response",
                {
                    "answer": "Scheduled border surveillance, unarmed, 60 minutes, stayed 3 km "
                    "inside our territory.",
                    "lang": "en",
                },
                in_reply_to=res.id,
            )
            _say(f"RS/officer-1   → BA    clarification_response {ans.status}")
        await asyncio.sleep(pace)
    from .demo_verification import verification_scenario  # issue 18: calendars, inspections

    await verification_scenario(clients, _say, pace)


async def _watch(name: str, c: HubClient) -> None:
    async for ev in c.events():
        if isinstance(ev, MessageReceived) and name == "HR/officer-1":
            m = ev.message
            mark = "✓ verified" if m.verified else "✗ NOT VERIFIED"
            _say(f"   HR console   ← {m.sender:<3} {m.precedence:<9} {m.family:<22} {mark}")
        elif (
            isinstance(ev, ReceiptUpdated)
            and name == "HR/officer-1"
            and not ev.device.startswith("HR/")
        ):
            _say(f"   HR console   receipt: {ev.device} {ev.kind}")
        elif isinstance(ev, ConnectionChanged) and ev.state == "refused":
            _say(f"   {name} refused: {ev.detail}")


async def _run(a: argparse.Namespace, root: Path, port: int) -> int:
    hub = subprocess.Popen(
        [sys.executable, "-m", "hotline.server", "--home", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    clients: dict[str, HubClient] = {}
    try:
        assert hub.stdout is not None
        line = await asyncio.to_thread(hub.stdout.readline)
        _say(f"hub: {line.decode().strip() or 'exited'}")
        if hub.poll() is not None:
            print("error: the hub did not start", file=sys.stderr)
            return 1
        home = Home(root)
        names = [f"{p}/officer-1" for p in DEFAULT_PARTIES] + ["RS/feed-1"]
        for n in names:
            clients[n] = await HubClient(home, n).start()
        watchers = [asyncio.create_task(_watch(n, c)) for n, c in clients.items()]
        for n, c in clients.items():
            if not await c.wait_connected(20):
                print(f"error: {n} could not connect to the hub", file=sys.stderr)
                return 1
        _say(f"seven parties connected to the hub (post-quantum suite); home {root}")
        await _scenario(home, clients, 0.4)
        _say("scenario complete")
        if not a.no_console and sys.stdin.isatty() and sys.stdout.isatty() and not a.exit:
            for c in clients.values():
                await c.close()
            clients.clear()
            from .console.app import run_console

            await run_console(home, a.as_)
        elif not a.exit:
            _say("network running; Ctrl-C stops everything")
            await asyncio.Event().wait()
        for w in watchers:
            w.cancel()
        return 0
    finally:
        for c in clients.values():
            await c.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGTERM)
        await asyncio.to_thread(hub.wait, 15)


def run_demo(a: argparse.Namespace) -> int:
    root = Path(a.dir) if a.dir else Path(tempfile.mkdtemp(prefix="hotline-demo-"))
    if not (root / "hotline.toml").exists():
        port = _free_port()
        init_network(root, DEFAULT_PARTIES, suite="pq", port=port)
        _say(f"created a seven-party network in {root} (hub port {port})")
    else:
        port = 0
    t0 = time.monotonic()
    try:
        code = asyncio.run(_run(a, root, port))
    except KeyboardInterrupt:
        code = 0
        print("\nstopped.", file=sys.stderr)
    _say(f"demo finished in {time.monotonic() - t0:.1f} s")
    return code
