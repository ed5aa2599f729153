"""``hotline demo``: a complete local network playing a short scenario from real events.

Embedded Redis and the hub run as a child process; the seven parties are
HubClients in this process. Without a terminal (or with --no-console) the flow
is printed as it happens; otherwise the duty officer's console opens first and the
scenario arrives in it live. One Ctrl-C stops everything (exit 130); a temporary
home, which holds every party's private keys, is removed on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import shutil
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


class Narrator:
    """The printed flow; silent while the console has the screen (it shows the flow)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __call__(self, text: str) -> None:
        if not self.quiet:
            print(f"{dt.datetime.now():%H:%M:%S}  {text}", flush=True)


async def _scenario(clients: dict[str, HubClient], pace: float, say: Narrator) -> None:
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
        say(f"{dev:<14} → {to:<5} {family:<22} {res.status} at log {res.position}")
        await asyncio.sleep(pace)  # a pause for the people watching, not synchronisation
        if family == "hotline_message":
            rs = clients["RS/officer-1"]
            await rs.mark_read(res.id)
            await rs.acknowledge(res.id)
            say("RS/officer-1   acknowledges the FLASH message (signed receipt)")
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
            say(f"RS/officer-1   → BA    clarification_response {ans.status}")
        await asyncio.sleep(pace)
    from .demo_verification import verification_scenario  # issue 18: calendars, inspections

    await verification_scenario(clients, say, pace)


async def _watch(name: str, c: HubClient, say: Narrator) -> None:
    async for ev in c.events():
        if isinstance(ev, MessageReceived) and name == "HR/officer-1":
            m = ev.message
            mark = "✓ verified" if m.verified else "✗ NOT VERIFIED"
            say(f"   HR console   ← {m.sender:<3} {m.precedence:<9} {m.family:<22} {mark}")
        elif (
            isinstance(ev, ReceiptUpdated)
            and name == "HR/officer-1"
            and not ev.device.startswith("HR/")
        ):
            say(f"   HR console   receipt: {ev.device} {ev.kind}")
        elif isinstance(ev, ConnectionChanged) and ev.state == "refused":
            say(f"   {name} refused: {ev.detail}")


async def _start_hub(root: Path, say: Narrator) -> subprocess.Popen[bytes]:
    # Its own session: the terminal's Ctrl-C reaches only us, and we stop it in order.
    hub = subprocess.Popen(
        [sys.executable, "-m", "hotline.server", "--home", str(root)],
        env={**os.environ, "HOTLINE_HUB_METRICS_PORT": "0"},  # the demo needs no metrics
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert hub.stdout is not None
    line = await asyncio.to_thread(hub.stdout.readline)
    say(f"hub: {line.decode().strip() or 'exited'}")
    return hub


async def _play(a: argparse.Namespace, root: Path, clients: dict[str, HubClient]) -> int:
    console = not a.no_console and not a.exit and sys.stdin.isatty() and sys.stdout.isatty()
    say = Narrator(quiet=console)
    hub = await _start_hub(root, say)
    try:
        if hub.poll() is not None:
            print(
                "error: the hub did not start: run `hotline serve --home DIR` to see why",
                file=sys.stderr,
            )
            return 1
        home = Home(root)
        for n in [f"{p}/officer-1" for p in DEFAULT_PARTIES] + ["RS/feed-1"]:
            clients[n] = await HubClient(home, n).start()
        watchers = [asyncio.create_task(_watch(n, c, say)) for n, c in clients.items()]
        for n, c in clients.items():
            if not await c.wait_connected(20):
                print(f"error: {n} could not connect to the hub: see {root}", file=sys.stderr)
                return 1
        say(f"seven parties connected to the hub (post-quantum suite); home {root}")
        if console:  # the console first; the scenario arrives while it is open
            from .console.app import run_console

            play = asyncio.create_task(_scenario(clients, 2.0, say))
            own = f"{a.as_}/officer-1" if "/" not in a.as_ else a.as_
            code = await run_console(home, own, client=clients[own])
            play.cancel()
            return code
        await _scenario(clients, 0.4, say)
        say("scenario complete")
        if not a.exit:
            say("network running; Ctrl-C stops everything")
            await asyncio.Event().wait()
        for w in watchers:
            w.cancel()
        return 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.pid, signal.SIGTERM)
        await asyncio.to_thread(hub.wait, 15)


async def _run(a: argparse.Namespace, root: Path) -> int:
    """Play the demo; one Ctrl-C (or SIGTERM) stops everything, in order, exit 130."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)  # a second Ctrl-C changes nothing
    clients: dict[str, HubClient] = {}
    work = asyncio.create_task(_play(a, root, clients))
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if work.done():
            return work.result()
        work.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await work
        print("\nstopped.", file=sys.stderr)
        return 130
    finally:
        stopper.cancel()
        for c in clients.values():
            await c.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def run_demo(a: argparse.Namespace) -> int:
    """The demo in ``--dir`` or in a private temporary folder removed afterwards."""
    tmp = None if a.dir else Path(tempfile.mkdtemp(prefix="hotline-demo-"))  # mode 0700
    root = Path(a.dir) if a.dir else tmp / "net"  # type: ignore[operator]
    t0 = time.monotonic()
    try:
        if not (root / "hotline.toml").exists():
            port = _free_port()
            init_network(root, DEFAULT_PARTIES, suite="pq", port=port)
            os.chmod(root, 0o700)
            Narrator(False)(f"created a seven-party network in {root} (hub port {port})")
        code = asyncio.run(_run(a, root))
    except KeyboardInterrupt:  # before the loop's handler was in place
        code = 130
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)  # every party's private keys are in it
    Narrator(False)(f"demo finished in {time.monotonic() - t0:.1f} s")
    return code
