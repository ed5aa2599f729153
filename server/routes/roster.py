"""The roster: any version by number, and publishing the next one."""

from __future__ import annotations

from aiohttp import web

from hotline.protocol import Roster
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms

from ..appkeys import ROSTER, STREAMS, VIEW

__all__ = ["get_roster", "post_roster"]

RECEIVING = ("officer", "feed", "auditor", "observer")


async def get_roster(request: web.Request) -> web.Response:
    state = request.app[ROSTER]
    v = request.query.get("version")
    roster = state.version(int(v)) if v and v.isdigit() else state.current
    if roster is None:
        raise web.HTTPNotFound(text="no such roster version")
    return web.Response(body=roster.encode(), content_type="application/msgpack")


async def post_roster(request: web.Request) -> web.Response:
    """Publish the next roster version; its quorum signatures are its authority."""
    state, streams = request.app[ROSTER], request.app[STREAMS]
    roster = Roster.decode(await request.read())
    if state.extend(roster, now_ms()):
        await streams.rosters.put(roster.version, roster.encode())
        event = LogEvent(
            "roster",
            now_ms(),
            request.app[VIEW].device,
            roster.encode(),
            {"version": roster.version},
        )
        await streams.log.append_event("roster", event.encode())
        for d in roster.devices:
            if d.role in RECEIVING:
                await streams.inbox.ensure_group(d.party, d.id)
    return web.json_response({"version": state.current.version})
