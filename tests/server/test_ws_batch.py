"""Queued frames written in one transport write arrive as the same websocket messages."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hotline.server.ws_batch import batched, send_all

# either side of each websocket length form (7-bit, 16-bit, 64-bit) and the write chunk
SIZES = [0, 1, 125, 126, 65535, 65536, 300_000, 1 << 20, 5]


async def _serve(compress: bool, seen: list[bool]) -> AsyncIterator[str]:
    frames = [os.urandom(n) for n in SIZES]

    async def handler(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=compress, max_msg_size=4 << 20)
        await ws.prepare(request)
        seen.append(batched(ws))
        await send_all(ws, frames[:3])
        await send_all(ws, frames[3:])
        await send_all(ws, [])
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/ws"))
    finally:
        await server.close()


@pytest.mark.parametrize("compress", [False, True])
async def test_every_frame_arrives_whole_and_in_order(compress: bool) -> None:
    seen: list[bool] = []
    gen = _serve(compress, seen)
    url = await gen.__anext__()
    got: list[bytes] = []
    try:
        async with (
            aiohttp.ClientSession() as s,
            s.ws_connect(url, max_msg_size=4 << 20, compress=15 if compress else 0) as ws,
        ):
            async for msg in ws:
                assert msg.type == aiohttp.WSMsgType.BINARY
                got.append(msg.data)
    finally:
        await gen.aclose()
    assert [len(g) for g in got] == SIZES
    # the fast path with the aiohttp installed, uncompressed (how the hub runs); aiohttp's
    # own path when compression was negotiated
    assert seen == [not compress]
