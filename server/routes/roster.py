"""The roster: any version by number, and publishing the next one."""

from __future__ import annotations

import logging

from aiohttp import web

from hotline.protocol import Roster, verify_transition
from hotline.protocol.errors import NotFound
from hotline.runtime.clock import now_ms

from ..appkeys import METRICS, REGISTRY, ROSTER, SIGNER, STREAMS
from .log import strict_int

__all__ = ["get_roster", "post_roster"]

log = logging.getLogger("hotline.hub.roster")
RECEIVING = ("officer", "feed", "auditor", "observer")


async def get_roster(request: web.Request) -> web.Response:
    state = request.app[ROSTER]
    if "version" in request.query:
        roster = state.version(strict_int(request.query, "version"))
        if roster is None:
            raise NotFound("no such roster version: ask for one up to the current", field="version")
    else:
        roster = state.current
    return web.Response(body=roster.encode(), content_type="application/msgpack")


async def post_roster(request: web.Request) -> web.Response:
    """Publish the next roster version; its quorum signatures are its authority.

    The version is logged before the hub applies it, so every entry accepted under it
    comes after it in the log (the checkpointer and auditors judge entries with the roster
    the log holds at their position). Then the sessions of devices it revokes or expires
    end at once, and what was waiting for them is dead-lettered.
    """
    app = request.app
    state, streams = app[ROSTER], app[STREAMS]
    roster = Roster.decode(await request.read())
    if roster.version <= state.current.version:
        state.extend(roster, now_ms())  # the same version again: fine; another: refused
        return web.json_response({"version": state.current.version})
    verify_transition(state.current, roster, now_ms())
    await streams.rosters.put(roster.version, roster.encode())
    event = app[SIGNER].event("roster", now_ms(), roster.encode(), version=roster.version)
    await streams.log.append_event("roster", event)
    state.extend(roster, now_ms())
    for d in roster.devices:
        if d.role in RECEIVING:
            await streams.inbox.ensure_group(d.party, d.id)
    await _retire(app, roster)
    return web.json_response({"version": state.current.version})


async def _retire(app: web.Application, roster: Roster) -> None:
    now = now_ms()
    for sock in app[REGISTRY].all():
        sock.roster_changed(roster, now)
    for d in roster.devices:
        gone = d.revoked or (d.valid_until_ms and now > d.valid_until_ms)
        if gone and d.role in RECEIVING:
            n = await app[STREAMS].inbox.dead_letter_pending(d.party, d.id, f"{d.id} revoked")
            if n:
                app[METRICS].inc("hotline_dead_letters_total", n, party=d.party)
                log.warning("dead-lettered %d pending deliveries of revoked %s", n, d.id)
