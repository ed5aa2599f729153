"""The log's REST surface: checkpoints, inclusion and consistency proofs, audit export."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from hotline.protocol import ProtocolError, RecipientError, WrongRole, pack, parse_id_text
from hotline.protocol.audit import MAGIC, Checkpoint, bundle_record
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import consistency_proof, inclusion_proof

from .api import authenticate, routes
from .checkpointer import load_leaves
from .hub import HUB, Hub

__all__ = ["routes"]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def msgpack_response(obj: object) -> web.Response:
    return web.Response(body=pack(obj), content_type="application/msgpack")


async def covered_checkpoint(hub: Hub, want: int, timeout: float = 10.0) -> Checkpoint | None:
    """Ask the signer for a checkpoint covering ``want`` entries and wait for it."""
    deadline = time.monotonic() + timeout
    asked = False
    while True:
        raw = await hub.streams.latest_checkpoint()
        cp = Checkpoint.decode(raw) if raw else None
        if cp and cp.size >= want:
            return cp
        if hub.checkpointer.integrity_error:
            raise ProtocolError(f"log integrity alarm: {hub.checkpointer.integrity_error}")
        if time.monotonic() > deadline:
            return cp
        if not asked:
            await hub.streams.request_checkpoint()
            asked = True
        await asyncio.sleep(0.05)  # the signer runs in another task or another hub


@routes.get("/v1/log/checkpoint")
async def get_checkpoint(request: web.Request) -> web.Response:
    raw = await request.app[HUB].streams.latest_checkpoint()
    if raw is None:
        raise web.HTTPNotFound(text="no checkpoint yet")
    return web.Response(
        body=Checkpoint.decode(raw).encode(light=True), content_type="application/msgpack"
    )


@routes.post("/v1/log/checkpoint")
async def post_checkpoint(request: web.Request) -> web.Response:
    """On demand: a checkpoint covering everything logged so far."""
    hub = request.app[HUB]
    authenticate(request)
    cp = await covered_checkpoint(hub, await hub.streams.log_length())
    if cp is None:
        raise web.HTTPServiceUnavailable(text="no checkpoint could be signed")
    return web.Response(body=cp.encode(light=True), content_type="application/msgpack")


@routes.get("/v1/log/proof/{id}")
async def get_inclusion(request: web.Request) -> web.Response:
    """An inclusion proof that an accepted message is in the log."""
    hub = request.app[HUB]
    authenticate(request)
    mid = parse_id_text(request.match_info["id"]).hex()
    index = await hub.streams.leaf_index(mid)
    if index is None:
        await covered_checkpoint(hub, await hub.streams.log_length())
        index = await hub.streams.leaf_index(mid)
    if index is None:
        raise RecipientError("no such message in the log", field="id")
    cp = await covered_checkpoint(hub, index + 1)
    leaves, _ = await load_leaves(hub.streams)
    if cp is None or len(leaves) <= index:
        raise web.HTTPServiceUnavailable(text="not yet covered by a checkpoint")
    leaves = leaves[: cp.size]
    return msgpack_response(
        {
            "index": index,
            "size": cp.size,
            "leaf": leaves[index],
            "proof": inclusion_proof(index, leaves),
            "checkpoint": cp.encode(light=True),
        }
    )


@routes.get("/v1/log/consistency")
async def get_consistency(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    try:
        m, n = int(request.query["from"]), int(request.query["to"])
    except (KeyError, ValueError) as exc:
        raise web.HTTPBadRequest(text="from and to (tree sizes) are required") from exc
    leaves, _ = await load_leaves(hub.streams)
    if not 0 < m <= n <= len(leaves):
        raise web.HTTPNotFound(text="no checkpoint of that size")
    return msgpack_response(consistency_proof(m, leaves[:n]))


@routes.get("/v1/audit/export")
async def export(request: web.Request) -> web.StreamResponse:
    """The self-contained bundle for auditors (role auditor only); the export is logged."""
    hub = request.app[HUB]
    dev = authenticate(request)
    if dev.role != "auditor":
        raise WrongRole(f"{dev.id} is a {dev.role}: exports are for auditors")
    to_ms = int(request.query.get("to_ms", "0") or 0)
    from_ms = int(request.query.get("from_ms", "0") or 0)
    await covered_checkpoint(hub, await hub.streams.log_length())
    resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    await resp.prepare(request)
    await resp.write(
        MAGIC
        + bundle_record(
            "header",
            {
                "network": hub.roster.current.network,
                "hub": hub.settings.device,
                "exported_ms": now_ms(),
                "auditor": dev.id,
                "from_ms": from_ms,
                "to_ms": to_ms,
            },
        )
    )
    for r in hub.roster.chain:
        await resp.write(bundle_record("roster", r.encode()))
    count = 0
    start = "-"
    while True:
        page = [e for e in await hub.streams.log_range(start, "+", count=1000) if e.id != start]
        if not page:
            break
        chunk = []
        for e in page:
            if to_ms and int(e.id.split("-")[0]) > to_ms:
                page = []
                break
            chunk.append(bundle_record("entry", [e.id, e.event]))
            count += 1
        await resp.write(b"".join(chunk))
        if not page:
            break
        start = page[-1].id
    for raw in await hub.streams.checkpoints():
        # Every checkpoint goes out, so a truncated log shows. Only an explicit --to cut
        # leaves out the ones past it (the header records the cut).
        if not to_ms or Checkpoint.decode(raw).size <= count:
            await resp.write(bundle_record("checkpoint", raw))
    await resp.write_eof()
    await hub.streams.append_event(
        "export",
        LogEvent(
            "export",
            now_ms(),
            hub.settings.device,
            b"",
            {"auditor": dev.id, "entries": count, "from_ms": from_ms, "to_ms": to_ms},
        ).encode(),
    )
    return resp
