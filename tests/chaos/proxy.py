"""A small userspace TCP proxy on loopback that can stall, cut, delay and duplicate."""

from __future__ import annotations

import asyncio
import contextlib
import random

from hotline.server.redis_process import free_port


class TcpProxy:
    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self.delay_s = 0.0
        self.stalled = False
        self.duplicate = False
        self.conns: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.server: asyncio.Server | None = None
        self._stalled_conns: set[int] = set()
        self._healed = asyncio.Event()  # set by heal(): held bytes move again

    async def start(self) -> TcpProxy:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        return self

    async def stop(self) -> None:
        self.cut()
        if self.server:
            self.server.close()
            with contextlib.suppress(Exception):
                await self.server.wait_closed()

    def stall(self) -> None:
        """Existing connections stop moving bytes, without FIN or RST (a blackhole)."""
        self._stalled_conns = {id(c) for c in self.conns}
        self._healed.clear()

    def heal(self) -> None:
        self._stalled_conns = set()
        self._healed.set()
        self.delay_s = 0.0
        self.duplicate = False

    def cut(self) -> None:
        """Close every connection abruptly."""
        for a, b in list(self.conns):
            for w in (a, b):
                with contextlib.suppress(Exception):
                    w.transport.abort()
        self.conns.clear()
        self._stalled_conns = set()
        self._healed.set()  # a pipe held by a stall ends now (its connection is gone)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            ur, uw = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        pair = (writer, uw)
        self.conns.add(pair)
        await asyncio.gather(
            self._pipe(reader, uw, pair), self._pipe(ur, writer, pair), return_exceptions=True
        )
        self.conns.discard(pair)
        for w in (writer, uw):
            with contextlib.suppress(Exception):
                w.close()

    async def _pipe(
        self,
        r: asyncio.StreamReader,
        w: asyncio.StreamWriter,
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
    ) -> None:
        while True:
            data = await r.read(65536)
            if not data:
                w.close()
                return
            if id(pair) in self._stalled_conns:
                await self._healed.wait()  # holding bytes: the peer sees silence
                if pair not in self.conns:
                    return  # cut while stalled: the bytes die with the connection
            if self.delay_s:  # the fault itself: latency, not synchronisation
                await asyncio.sleep(self.delay_s * (0.5 + random.random()))
            w.write(data)
            if self.duplicate:
                w.write(data)
            await w.drain()
