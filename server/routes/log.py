"""The log's REST surface: checkpoints, inclusion and consistency proofs, audit export."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from hotline.protocol import ProtocolError, RecipientError, WrongRole, pack, parse_id_text
from hotline.protocol.audit import MAGIC, Checkpoint, bundle_record
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import consistency_proof, inclusion_proof
from hotline.runtime.clock import now_ms

from ..appkeys import CHECKPOINTER, ROSTER, STREAMS, VIEW
from ..streams import Streams
from .auth import authenticate

__all__ = ["export", "get_checkpoint", "get_consistency", "get_inclusion", "post_checkpoint"]


def msgpack_response(obj: object) -> web.Response:
    return web.Response(body=pack(obj), content_type="application/msgpack")


async def covered_checkpoint(
    app: web.Application, want: int, timeout: float = 10.0
) -> Checkpoint | None:
    """Ask the signer for a checkpoint covering ``want`` entries and wait for it."""
    streams, signer = app[STREAMS], app[CHECKPOINTER]
    deadline = time.monotonic() + timeout
    asked = False
    while True:
        raw = await streams.checkpoints.latest()
        cp = Checkpoint.decode(raw) if raw else None
        if cp and cp.size >= want:
            return cp
        if signer.integrity_error:
            raise ProtocolError(f"log integrity alarm: {signer.integrity_error}")
        if time.monotonic() > deadline:
            return cp
        if not asked:
            await streams.checkpoints.request()
            asked = True
        await asyncio.sleep(0.05)  # the signer runs in another task or another hub


async def get_checkpoint(request: web.Request) -> web.Response:
    raw = await request.app[STREAMS].checkpoints.latest()
    if raw is None:
        raise web.HTTPNotFound(text="no checkpoint yet")
    return web.Response(
        body=Checkpoint.decode(raw).encode(light=True), content_type="application/msgpack"
    )


async def post_checkpoint(request: web.Request) -> web.Response:
    """On demand: a checkpoint covering everything logged so far."""
    streams = request.app[STREAMS]
    authenticate(request)
    cp = await covered_checkpoint(request.app, await streams.log.length())
    if cp is None:
        raise web.HTTPServiceUnavailable(text="no checkpoint could be signed")
    return web.Response(body=cp.encode(light=True), content_type="application/msgpack")


async def get_inclusion(request: web.Request) -> web.Response:
    """An inclusion proof that an accepted message is in the log."""
    app, streams = request.app, request.app[STREAMS]
    authenticate(request)
    mid = parse_id_text(request.match_info["id"]).hex()
    index = await streams.checkpoints.leaf_index(mid)
    if index is None:
        await covered_checkpoint(app, await streams.log.length())
        index = await streams.checkpoints.leaf_index(mid)
    if index is None:
        raise RecipientError("no such message in the log", field="id")
    cp = await covered_checkpoint(app, index + 1)
    leaves, _ = await streams.checkpoints.leaves()
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


async def get_consistency(request: web.Request) -> web.Response:
    try:
        m, n = int(request.query["from"]), int(request.query["to"])
    except (KeyError, ValueError) as exc:
        raise web.HTTPBadRequest(text="from and to (tree sizes) are required") from exc
    leaves, _ = await request.app[STREAMS].checkpoints.leaves()
    if not 0 < m <= n <= len(leaves):
        raise web.HTTPNotFound(text="no checkpoint of that size")
    return msgpack_response(consistency_proof(m, leaves[:n]))


async def export(request: web.Request) -> web.StreamResponse:
    """The self-contained bundle for auditors (role auditor only); the export is logged."""
    app, streams = request.app, request.app[STREAMS]
    dev = authenticate(request)
    if dev.role != "auditor":
        raise WrongRole(f"{dev.id} is a {dev.role}: exports are for auditors")
    to_ms = int(request.query.get("to_ms", "0") or 0)
    from_ms = int(request.query.get("from_ms", "0") or 0)
    await covered_checkpoint(app, await streams.log.length())
    resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    await resp.prepare(request)
    header = {
        "network": app[ROSTER].current.network,
        "hub": app[VIEW].device,
        "exported_ms": now_ms(),
        "auditor": dev.id,
        "from_ms": from_ms,
        "to_ms": to_ms,
    }
    await resp.write(MAGIC + bundle_record("header", header))
    for r in app[ROSTER].chain:
        await resp.write(bundle_record("roster", r.encode()))
    count = await _write_entries(resp, streams, to_ms)
    for raw in await streams.checkpoints.all():
        # Every checkpoint goes out, so a truncated log shows. Only an explicit --to cut
        # leaves out the ones past it (the header records the cut).
        if not to_ms or Checkpoint.decode(raw).size <= count:
            await resp.write(bundle_record("checkpoint", raw))
    await resp.write_eof()
    extra = {"auditor": dev.id, "entries": count, "from_ms": from_ms, "to_ms": to_ms}
    event = LogEvent("export", now_ms(), app[VIEW].device, b"", extra)
    await streams.log.append_event("export", event.encode())
    return resp


async def _write_entries(resp: web.StreamResponse, streams: Streams, to_ms: int) -> int:
    """Every log entry up to ``to_ms`` (0: all), a page at a time; returns how many."""
    count = 0
    start = "-"
    while True:
        page = [e for e in await streams.log.range(start, "+", count=1000) if e.id != start]
        chunk = []
        for e in page:
            if to_ms and int(e.id.split("-")[0]) > to_ms:
                await resp.write(b"".join(chunk))
                return count
            chunk.append(bundle_record("entry", [e.id, e.event]))
            count += 1
        if not page:
            return count
        await resp.write(b"".join(chunk))
        start = page[-1].id
