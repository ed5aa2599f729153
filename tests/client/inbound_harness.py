"""An Inbound for HR/officer-1 with the socket side injected (a seam): sends and proofs recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.client.compose import compose
from hotline.client.events import Event
from hotline.client.home import Home
from hotline.client.inbound import Inbound
from hotline.client.rosters import RosterBook
from hotline.client.store import Store
from hotline.protocol import Envelope, SigningKey
from hotline.protocol.acceptance import Rules
from hotline.protocol.connection import ClientConnection
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms


class Harness:
    """An Inbound for HR/officer-1 whose sends and proofs are recorded."""

    def __init__(
        self,
        home: Path,
        on_send: Callable[[], None] | None = None,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.home = Home(home)
        self.me = self.home.device("HR/officer-1")
        self.store = Store(self.me.directory / "store.sqlite")
        self.rosters = RosterBook(self.home.rosters())
        self.hub = SigningKey((home / "hub" / "hub.sign").read_bytes())
        self.acks: list[list[str]] = []
        self.events: list[Event] = []
        self.owed: list[tuple[str, int]] = []
        self._on_send = on_send
        self.inbound = Inbound(
            device=self.me,
            store=self.store,
            rosters=self.rosters,
            rules=Rules(),
            send=self._send,
            emit=self.events.append,
            owe_proof=lambda key, index, _leaf: self.owed.append((key, index)),
            clock=clock,
        )

    async def _send(self, op: Callable[[ClientConnection], None]) -> None:
        if self._on_send is not None:
            self._on_send()
        conn = _Recorder()
        op(conn)  # type: ignore[arg-type]
        self.acks.extend(conn.acks)

    def envelope(self, sender: str = "RS/officer-1", i: int = 1, **kw: Any) -> Envelope:
        t = now_ms()
        env, _ = compose(
            self.home.device(sender),
            self.rosters.current,
            recipients=kw.pop("recipients", ("HR",)),
            family=kw.pop("family", "hotline_message"),
            body=kw.pop("body", {"text": f"message {i}", "lang": "en"}),
            seq=i,
            now_ms=t,
        )
        return env

    def entry(self, env: Envelope, **extra: Any) -> bytes:
        ev = LogEvent("accepted", now_ms(), "HUB/hub-1", env.encode(), {"rv": 1, **extra})
        return ev.signed(self.hub).encode()


class _Recorder:
    def __init__(self) -> None:
        self.acks: list[list[str]] = []

    def ack(self, ids: list[str], urgent: bool = False) -> None:
        self.acks.append(list(ids))
