"""``hotline feed``: JSON lines from a national system, one result line for each."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from hotline.protocol import ProtocolError

from .cli_common import EXIT, CliError, emit, run_async
from .cli_messages import connected
from .home import Home
from .hub_client import HubClient
from .i18n import _

__all__ = ["FEED_FORMAT", "cmd_feed"]

FEEDERS = ("feed", "officer")

#: shown by ``hotline feed --help`` and in the README
FEED_FORMAT = """\
input: one JSON object per line (blank lines are skipped), for example
  {"type": "drone_flight", "to": "all", "precedence": "IMMEDIATE",
   "body": {"start": "2026-11-22T08:00:00Z", "end": "2026-11-22T09:00:00Z",
            "armed": false, "uav_type": "Orbiter 3",
            "area": {"type": "Point", "coordinates": [20.7, 43.1]}}}
  type        catalogue family (required; a feed may send only its roster families)
  body        the notification's fields (required; docs/protocol.md section 5)
  to          "all" (default) or "HR,BA"
  precedence  ROUTINE | PRIORITY | IMMEDIATE | FLASH (default: the family's)
  exercise    true marks a drill          reply_to / supersedes   a message id

output: one JSON object per input line, in input order, on stdout:
  {"line": 1, "id": "…", "status": "accepted", "position": "…"}
  {"line": 2, "status": "error", "code": "schema_error", "message": "…"}
  status is accepted | duplicate | queued | rejected | error; bad lines are also
  reported on stderr as "line N: code: message" and the feed keeps going.
exit: 0 all accepted, 3 some queued (hub unreachable), 4 some refused or bad.

--tracks input: one track point per line:
  {"flight_id": "RS-UAV-1", "time": "2026-11-22T08:00:00Z", "lon": 20.7,
   "lat": 43.1, "alt_m": 900, "uav_type": "Orbiter 3", "armed": false}
"""


def _feed_lines(src: str) -> list[str]:
    if src == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(src).read_text("utf-8").splitlines()
    except OSError as exc:
        raise CliError(
            _("cannot read {path}: {reason}: check the path").format(path=src, reason=exc.strerror),
            EXIT["usage"],
        ) from exc


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
        worst = EXIT["ok"]
        async with connected(home, a, FEEDERS) as conn:
            sem = asyncio.Semaphore(max(1, a.concurrency))

            async def one(n: int, line: str) -> dict[str, Any]:
                async with sem:
                    return await _feed_one(conn.client, n, line)

            jobs = [asyncio.create_task(one(n, ln)) for n, ln in enumerate(lines, 1) if ln.strip()]
            for job in jobs:  # results in input order
                r = await job
                emit(r)
                if r["status"] in ("error", "rejected", "refused"):
                    print(f"line {r['line']}: {r.get('code')}: {r.get('message')}", file=sys.stderr)
                    worst = max(worst, EXIT["refused"])
                elif r["status"] == "queued":
                    worst = max(worst, EXIT["queued"])
        return conn.exit_code(worst)

    return run_async(go())


async def _tracks(home: Home, a: argparse.Namespace, lines: list[str]) -> int:
    from hotline.protocol import load_preset

    from .tracks import TrackFeed, TrackPoint

    zone = load_preset("regional-2026").section("drone_flight").get("border_zone_km") or 15
    feed = TrackFeed(float(zone))
    first: dict[str, str] = {}
    worst = EXIT["ok"]
    async with connected(home, a, FEEDERS) as conn:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                actions = feed.push(TrackPoint.parse(json.loads(line)))
            except (ValueError, ProtocolError) as exc:
                msg = exc.message if isinstance(exc, ProtocolError) else str(exc)
                print(f"line {n}: {msg}", file=sys.stderr)
                emit({"line": n, "status": "error", "message": msg})
                worst = max(worst, EXIT["refused"])
                continue
            for act in actions:
                res = await conn.client.send(
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
                    queued = res.status == "queued"
                    worst = max(worst, EXIT["queued"] if queued else EXIT["refused"])
    return conn.exit_code(worst)
