"""``hotline serve | send | listen | status | acknowledge | feed | demo``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from hotline.protocol import PolicyError, ProtocolError, validate_body
from hotline.protocol.policy import Verdict
from hotline.runtime.clock import now_ms

from .cli_common import EXIT, CliError, emit, run_async
from .compose import verdicts
from .events import MessageReceived, SendResult
from .home import Home
from .hub_client import HubClient

__all__ = [
    "cmd_acknowledge",
    "cmd_demo",
    "cmd_feed",
    "cmd_listen",
    "cmd_send",
    "cmd_serve",
    "cmd_status",
    "message_json",
    "verdict_json",
]

CONNECT_WAIT = 5.0


def cmd_serve(a: argparse.Namespace) -> int:
    # The hub runs as its own process: the client package never imports the server.
    argv = [sys.executable, "-m", "hotline.server", "--home", str(a.home)]
    for flag, v in (("--host", a.host), ("--port", a.port), ("--redis", a.redis)):
        if v is not None:
            argv += [flag, str(v)]
    os.execv(sys.executable, argv)


def verdict_json(v: Verdict) -> dict[str, Any]:
    return {
        "policy": v.policy,
        "notifiable": v.notifiable,
        "reasons": list(v.reasons),
        "observation_required": v.observation_required,
        "due": v.due_date,
        "late": v.late,
        "reply_deadline_ms": v.reply_deadline_ms,
        "summary": v.summary(),
    }


def message_json(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "family": m.family,
        "sender": m.sender,
        "device": m.device,
        "precedence": m.precedence,
        "exercise": m.exercise,
        "verified": m.verified,
        "created_ms": m.created_ms,
        "in_reply_to": m.in_reply_to,
        "supersedes": m.supersedes,
        "body": m.body,
        "error": m.error,
    }


def _load_body(a: argparse.Namespace) -> dict[str, Any]:
    try:
        text = a.json if a.json is not None else Path(a.file).read_text("utf-8")
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column "
            f"{exc.colno}): fix --json/--file",
            EXIT["usage"],
        ) from exc
    except OSError as exc:
        raise CliError(f"cannot read {a.file}: {exc.strerror}", EXIT["usage"]) from exc
    if not isinstance(body, dict):
        raise CliError("the body must be a JSON object", EXIT["usage"])
    return body


def _check_policy(family: str, body: dict[str, Any], supersedes: str | None) -> None:
    if body.get("action") in ("amend", "cancel") and not supersedes:
        raise PolicyError(
            f"an {body['action']} must name the notification it changes: pass --supersedes ID"
        )
    _ = family


async def _connect(home: Home, a: argparse.Namespace) -> tuple[HubClient, bool]:
    c = HubClient(home, a.as_, hub_url=a.hub)
    await c.start()
    ok = await c.wait_connected(CONNECT_WAIT)
    if c.state == "refused":
        await c.close()
        raise CliError(
            c.last_error.message if c.last_error else "the hub refused this device",
            EXIT["rejected"],
        )
    if ok:
        await c.flush(10)  # every connecting command first empties the outbox
    return c, ok


def cmd_send(a: argparse.Namespace) -> int:
    home = Home(a.home)
    body = _load_body(a)
    clean = validate_body(a.family, body)
    _check_policy(a.family, clean, a.supersedes)
    vs = verdicts(a.family, clean, now_ms(), home.policies, now_ms())
    for v in vs:
        print(f"policy: {v.summary()}", file=sys.stderr)

    async def go() -> int:
        c, ok = await _connect(home, a)
        try:
            res: SendResult = await c.send(
                a.to,
                a.family,
                body,
                precedence=a.precedence,
                exercise=a.exercise,
                in_reply_to=a.reply_to,
                supersedes=a.supersedes,
                timeout=a.timeout if ok else 0.05,
            )
        finally:
            await c.close()
        out = res.to_json() | {"verdicts": [verdict_json(v) for v in vs]}
        emit(out)
        if res.status == "queued":
            print(
                f"queued: the hub at {a.hub or home.hub_url} did not answer; the message is "
                "in the outbox and leaves with the next hotline command for this device",
                file=sys.stderr,
            )
            return EXIT["queued"]
        if res.status == "rejected":
            print(f"error: the hub refused it: {res.message}", file=sys.stderr)
            return EXIT["rejected"]
        return EXIT["ok"]

    return run_async(go())


def cmd_listen(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        c = HubClient(home, a.as_, hub_url=a.hub)
        q = c.subscribe()
        await c.start()
        deadline = time.monotonic() + a.timeout if a.timeout else None
        n = 0
        try:
            if await c.wait_connected(CONNECT_WAIT):
                await c.flush(10)
            elif deadline is None:
                print("waiting for the hub…", file=sys.stderr)
            while a.count is None or n < a.count:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                try:
                    ev = await asyncio.wait_for(q.get(), remaining)
                except TimeoutError:
                    break
                if isinstance(ev, MessageReceived):
                    emit(message_json(ev.message))
                    n += 1
        finally:
            await c.close()
        return EXIT["ok"]

    return run_async(go())


def cmd_status(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        c, ok = await _connect(home, a)
        try:
            if not ok:
                raise CliError(
                    f"the hub at {a.hub or home.hub_url} is unreachable: start it "
                    "(hotline serve) or pass --hub",
                    EXIT["queued"],
                )
            st = await c.status(a.id)
        finally:
            await c.close()
        emit({"id": a.id, "recipients": st})
        return EXIT["ok"]

    return run_async(go())


def cmd_acknowledge(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        c, ok = await _connect(home, a)
        try:
            if c.store.get(a.id) is None:
                raise CliError(
                    f"no message {a.id} in {c.device.id}'s inbox: run `hotline listen` first",
                    EXIT["usage"],
                )
            await c.acknowledge(a.id)
            # Done when our own signed receipt has come back through the log.
            deadline = time.monotonic() + 10
            while c.store.receipt_outbox() and time.monotonic() < deadline and ok:
                await asyncio.sleep(0.02)
            left = bool(c.store.receipt_outbox())
        finally:
            await c.close()
        emit({"id": a.id, "acknowledged": True, "queued": left})
        return EXIT["queued"] if left else EXIT["ok"]

    return run_async(go())


def _feed_lines(src: str) -> list[str]:
    if src == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(src).read_text("utf-8").splitlines()
    except OSError as exc:
        raise CliError(f"cannot read {src}: {exc.strerror}", EXIT["usage"]) from exc


async def _feed_one(c: HubClient, n: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
        if not isinstance(item, dict) or "type" not in item or "body" not in item:
            raise ValueError("each line is an object with type and body")
        res = await c.send(
            item.get("to", "all"),
            item["type"],
            item["body"],
            precedence=item.get("precedence"),
            exercise=bool(item.get("exercise", False)),
            in_reply_to=item.get("reply_to"),
            supersedes=item.get("supersedes"),
            timeout=30,
        )
        return {"line": n} | res.to_json()
    except ProtocolError as exc:
        return {"line": n, "status": "error", "code": exc.code, "message": exc.message}
    except ValueError as exc:
        return {"line": n, "status": "error", "code": "bad_json", "message": str(exc)}


def cmd_feed(a: argparse.Namespace) -> int:
    home = Home(a.home)
    lines = _feed_lines(a.file)
    if a.tracks:
        return run_async(_tracks(home, a, lines))

    async def go() -> int:
        c, _ok = await _connect(home, a)
        sem = asyncio.Semaphore(max(1, a.concurrency))
        worst = EXIT["ok"]

        async def one(n: int, line: str) -> dict[str, Any]:
            async with sem:
                return await _feed_one(c, n, line)

        try:
            jobs = [asyncio.create_task(one(n, ln)) for n, ln in enumerate(lines, 1) if ln.strip()]
            for job in jobs:  # results in input order
                r = await job
                emit(r)
                if r["status"] == "error" or r["status"] == "rejected":
                    print(f"line {r['line']}: {r.get('code')}: {r.get('message')}", file=sys.stderr)
                    worst = max(worst, EXIT["rejected"])
                elif r["status"] == "queued":
                    worst = max(worst, EXIT["queued"])
        finally:
            await c.close()
        return worst

    return run_async(go())


async def _tracks(home: Home, a: argparse.Namespace, lines: list[str]) -> int:
    from hotline.protocol import load_preset

    from .tracks import TrackFeed, TrackPoint

    zone = load_preset("regional-2026").section("drone_flight").get("border_zone_km") or 15
    feed = TrackFeed(float(zone))
    c, _ok = await _connect(home, a)
    first: dict[str, str] = {}
    worst = EXIT["ok"]
    try:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                actions = feed.push(TrackPoint.parse(json.loads(line)))
            except (ValueError, ProtocolError) as exc:
                msg = exc.message if isinstance(exc, ProtocolError) else str(exc)
                print(f"line {n}: {msg}", file=sys.stderr)
                emit({"line": n, "status": "error", "message": msg})
                worst = max(worst, EXIT["rejected"])
                continue
            for act in actions:
                res = await c.send(
                    "all",
                    "drone_flight",
                    act.body,
                    precedence="IMMEDIATE",
                    supersedes=first.get(act.flight_id) if act.kind != "notify" else None,
                    timeout=30,
                )
                if act.kind == "notify":
                    first[act.flight_id] = res.id
                elif act.kind == "close":
                    first.pop(act.flight_id, None)
                emit({"line": n, "flight_id": act.flight_id, "action": act.kind} | res.to_json())
                if res.status not in ("accepted", "duplicate"):
                    worst = max(
                        worst, EXIT["queued"] if res.status == "queued" else EXIT["rejected"]
                    )
    finally:
        await c.close()
    return worst


def cmd_console(a: argparse.Namespace) -> int:

    home = Home(a.home)
    home.device(a.as_)  # a clear error before the screen opens
    return run_async(_console(home, a.as_, a.hub))


async def _console(home: Home, as_: str, hub: str | None) -> int:
    from .console.app import run_console

    await run_console(home, as_, hub)
    return EXIT["ok"]


def cmd_demo(a: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(a)
