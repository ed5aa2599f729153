"""The log's REST surface: checkpoints, inclusion and consistency proofs, audit export."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from aiohttp import web

from hotline.protocol import SchemaError, Unavailable, WrongRole, pack, parse_id_text
from hotline.protocol.audit import MAGIC, Checkpoint, bundle_record
from hotline.protocol.errors import IntegrityAlarm, NotFound
from hotline.runtime.clock import now_ms

from ..appkeys import (
    CHECKPOINTER,
    LOG_TREE,
    PROOF_LIMITS,
    ROSTER,
    SIGNER,
    STREAMS,
    VIEW,
    WITNESSES,
)
from ..log_tree import LogTree
from ..streams import Streams
from .auth import authenticate

__all__ = [
    "export",
    "get_checkpoint",
    "get_consistency",
    "get_inclusion",
    "post_checkpoint",
    "strict_int",
]


def msgpack_response(obj: object) -> web.Response:
    return web.Response(body=pack(obj), content_type="application/msgpack")


async def covered_checkpoint(
    app: web.Application, want: int, timeout: float = 10.0, *, alarmed_ok: bool = False
) -> Checkpoint | None:
    """Ask the signer for a checkpoint covering ``want`` entries and wait for it.

    ``alarmed_ok``: under an integrity alarm nothing new is signed; return the newest
    checkpoint there is instead of refusing (the audit export is the evidence).
    """
    streams, signer = app[STREAMS], app[CHECKPOINTER]
    deadline = time.monotonic() + timeout
    asked = False
    while True:
        raw = await streams.checkpoints.latest()
        cp = Checkpoint.decode(raw) if raw else None
        if cp and cp.size >= want:
            return cp
        if signer.integrity_error:
            if alarmed_ok:
                return cp
            raise IntegrityAlarm(f"log integrity alarm: {signer.integrity_error}")
        if time.monotonic() > deadline:
            return cp
        if not asked:
            await streams.checkpoints.request()
            asked = True
        await asyncio.sleep(0.05)  # the signer runs in another task or another hub


async def get_checkpoint(request: web.Request) -> web.Response:
    """The latest checkpoint (light) with the parties' cosignatures on it (§9.5)."""
    cp = request.app[WITNESSES].latest()
    cosigs = await request.app[WITNESSES].cosignatures(cp.size)
    return msgpack_response({"checkpoint": cp.encode(light=True), "cosignatures": cosigs})


async def post_checkpoint(request: web.Request) -> web.Response:
    """On demand: a checkpoint covering everything logged so far."""
    streams = request.app[STREAMS]
    await authenticate(request)
    cp = await covered_checkpoint(request.app, await streams.log.length())
    if cp is None:
        raise Unavailable("no checkpoint could be signed now: retry")
    return web.Response(body=cp.encode(light=True), content_type="application/msgpack")


async def get_inclusion(request: web.Request) -> web.Response:
    """An inclusion proof that an accepted message is in the log, from the stored tree."""
    app, streams = request.app, request.app[STREAMS]
    dev = await authenticate(request)
    app[PROOF_LIMITS].take(dev.id, now_ms())  # the budget its websocket proofs spend too
    mid = parse_id_text(request.match_info["id"]).hex()
    index = await streams.checkpoints.leaf_index(mid)
    if index is None:
        await covered_checkpoint(app, await streams.log.length())
        index = await streams.checkpoints.leaf_index(mid)
    if index is None:
        raise NotFound("no such message in the log: check the id", field="id")
    cp = await covered_checkpoint(app, index + 1)
    tree = app[LOG_TREE]
    await _caught_up(tree, cp)
    if cp is None or cp.size not in tree.by_size:
        raise Unavailable("not yet covered by a checkpoint: retry")
    return msgpack_response(
        {
            "index": index,
            "size": cp.size,
            "leaf": tree.tree.leaf(index),
            "proof": tree.inclusion(index, cp.size),
            "checkpoint": cp.encode(light=True),
        }
    )


async def _caught_up(tree: LogTree, cp: Checkpoint | None, timeout: float = 5.0) -> None:
    """Wait (bounded) for this hub's tree to hold a checkpoint another task just signed."""
    deadline = time.monotonic() + timeout
    while cp is not None and cp.size not in tree.by_size and time.monotonic() < deadline:
        await asyncio.sleep(0.02)  # the checkpoint feed reads it from Redis


async def get_consistency(request: web.Request) -> web.Response:
    """A consistency proof between two checkpoint sizes, from the stored tree."""
    dev = await authenticate(request)
    request.app[PROOF_LIMITS].take(dev.id, now_ms())
    m = strict_int(request.query, "from")
    n = strict_int(request.query, "to")
    return msgpack_response(request.app[LOG_TREE].consistency(m, n))


def strict_int(query: Mapping[str, str], name: str) -> int:
    """A query integer: ASCII digits only, at most 15 of them."""
    v = query.get(name, "")
    if not (0 < len(v) <= 15 and v.isascii() and v.isdigit()):
        raise SchemaError(f"{name}: a non-negative integer of at most 15 digits", field=name)
    return int(v)


async def export(request: web.Request) -> web.StreamResponse:
    """The self-contained bundle for auditors (role auditor only); the export is logged."""
    app, streams = request.app, request.app[STREAMS]
    dev = await authenticate(request)
    if dev.role != "auditor":
        raise WrongRole(f"{dev.id} is a {dev.role}: exports are for auditors")
    to_ms = strict_int(request.query, "to_ms") if "to_ms" in request.query else 0
    from_ms = strict_int(request.query, "from_ms") if "from_ms" in request.query else 0
    # An integrity alarm is exactly when an auditor needs the log: export what there is
    # (the foreign entry and everything after it show as findings), never refuse.
    final = await covered_checkpoint(app, await streams.log.length(), alarmed_ok=True)
    if final is not None:
        await _witnessed(app, final)
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
        size = Checkpoint.decode(raw).size
        if not to_ms or size <= count:
            await resp.write(bundle_record("checkpoint", raw))
            for cosig in await app[WITNESSES].cosignatures(size):
                await resp.write(bundle_record("cosignature", cosig))
    await resp.write_eof()
    event = app[SIGNER].event(
        "export", now_ms(), auditor=dev.id, entries=count, from_ms=from_ms, to_ms=to_ms
    )
    await streams.log.append_event("export", event)
    return resp


async def _witnessed(app: web.Application, cp: Checkpoint, timeout: float = 3.0) -> None:
    """Give the parties' witnesses a moment to cosign the checkpoint just signed.

    An auditor's verify requires a quorum on the bundle's final checkpoint; devices
    online cosign within milliseconds of its push. Offline parties: the export goes out
    anyway, and the verify reports what is missing.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cp.size in app[LOG_TREE].by_size and await app[WITNESSES].witnessed(cp):
            return
        await asyncio.sleep(0.05)


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
