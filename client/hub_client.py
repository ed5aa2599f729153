"""HubClient: the one place a device talks to the hub.

It composes the parts, each in its own module: the link (one websocket at a time,
reconnects), the frame worker (urgent first, bursts), the inbound deliveries (judged by
the acceptance rule, stored once, acked), the outbox (durable before sent; refusals are
refusals), and the log watch (checkpoints, cosignatures, inclusion proofs). Its
background tasks run under a supervisor: a crash is logged, surfaces as the state
``disconnected`` and a security alert, and the task restarts. Users get typed events and
never see a socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from hotline.protocol import ProtocolError, Roster, error_for_code, parse_id_text
from hotline.protocol.acceptance import Rules
from hotline.protocol.connection import ClientConnection, Connected
from hotline.protocol.constants import SESSION_SUPERSEDED
from hotline.protocol.frames import (
    Accepted,
    Alert,
    CheckpointPush,
    ConsistencyProof,
    Deliver,
    Error,
    Frame,
    Proofs,
    RosterPush,
    StatusResult,
)
from hotline.runtime.clock import now_ms
from hotline.runtime.supervise import Supervisor, TaskState

from .alerts import keep_alert
from .events import ConnectionChanged, Event, SecurityAlert, SendResult
from .frame_worker import FrameWorker
from .home import Device, Home
from .inbound import Inbound
from .link import HubLink, NotConnected
from .log_watch import LogWatch
from .outbox import Outbox
from .rest import Rest
from .rosters import RosterBook
from .store import Store

__all__ = ["HubClient"]

log = logging.getLogger("hotline.client")
#: how often owed inclusion proofs are looked at for being overdue
WATCH_INTERVAL_S = 30.0


class HubClient:
    """A device's connection to the hub. Use ``async with HubClient(home, "RS") as c:``."""

    def __init__(
        self,
        home: Home,
        device: str | Device,
        *,
        hub_url: str | None = None,
        ca_cert: Path | None = None,
        heartbeat: float = 10.0,
        auto_receipts: bool = True,
        clock_offset_ms: int = 0,
    ) -> None:
        self.home = home
        self.device = device if isinstance(device, Device) else home.device(device)
        self.hub_url = hub_url or home.hub_url
        self.ca_cert = ca_cert or home.ca_cert
        # an auditor reads; it never signs receipts on a party's behalf (rule R13)
        self.auto_receipts = auto_receipts and self.device.role != "auditor"
        self.clock_offset_ms = clock_offset_ms  # only for tests of a skewed sender
        self.store = Store(self.device.directory / "store.sqlite")
        self.rosters = RosterBook(home.rosters())
        self.rosters.extend_quietly(self.store.rosters(), now_ms())
        self.state = "offline"
        self._subscribers: list[asyncio.Queue[Event]] = []
        self._closing = asyncio.Event()
        self._status: dict[bytes, asyncio.Future[dict[str, Any]]] = {}
        self._supervisor = Supervisor(on_crash=self._crashed)
        self.link = HubLink(
            url=self.hub_url,
            ca_cert=self.ca_cert,
            heartbeat=heartbeat,
            make_connection=self._connection,
            handler=self,
            on_state=self._set_state,
            clock=self._now,
        )
        self._compose_parts()
        self._worker: FrameWorker | None = None
        self._worker_task: asyncio.Task[None] | None = None

    def _compose_parts(self) -> None:
        """The outbox, the log watch and the inbound path share the device's plumbing."""
        parts: dict[str, Any] = {
            "device": self.device,
            "store": self.store,
            "rosters": self.rosters,
            "send": self.link.send,
            "emit": self._emit,
            "clock": self._now,
        }
        self.outbox = Outbox(**parts)
        self.watch = LogWatch(**parts, on_proven=self._proven)
        self.inbound = Inbound(**parts, rules=Rules(), owe_proof=self.watch.owe)

    # -- lifecycle ------------------------------------------------------------------
    def _now(self) -> int:
        return now_ms() + self.clock_offset_ms

    @property
    def roster(self) -> Roster:
        return self.rosters.current

    @property
    def connected(self) -> asyncio.Event:
        return self.link.connected

    @property
    def hub_id(self) -> str:
        return self.link.hub_id

    @property
    def clock_skew_ms(self) -> int:
        return self.link.clock_skew_ms

    @property
    def last_error(self) -> Any:
        return self.link.last_error

    def _connection(self, at: int) -> ClientConnection:
        return ClientConnection(
            device=self.device.id,
            key=self.device.sign,
            now_ms=at,
            roster_version=self.roster.version,
            checkpoint_size=self.watch.held_size,
            hubs=self.rosters.hubs,
        )

    async def start(self) -> HubClient:
        if self._supervisor.get("link") is None:
            self._supervisor.spawn("link", lambda: self.link.run(self._closing))
            self._supervisor.spawn("watch", self._watch_loop)
        return self

    async def settle(self, timeout: float = 5.0) -> bool:
        """Let what this device owes finish before it leaves; False if time ran out.

        A message is "delivered" only once the log proves it (its receipt waits for the
        inclusion proof, a checkpoint away); a command that showed messages and exits at
        once would otherwise leave the senders seeing "pending".
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.connected.is_set() and loop.time() < deadline:
            owed = any(k.startswith("msg:") for k in self.watch.queue.pending_keys())
            if not owed and not self.store.receipt_outbox():
                return True
            await asyncio.sleep(0.05)  # proofs and receipts arrive on the link's own task
        return not self.connected.is_set()

    async def close(self) -> None:
        if self.connected.is_set():
            await self.settle()
        self._closing.set()
        await self.link.close()
        await self._supervisor.stop(timeout=5)
        self.outbox.cancel_retries()
        self._set_state("closed")
        self.store.close()

    async def __aenter__(self) -> HubClient:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def wait_connected(self, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self.connected.wait()
            return True
        except TimeoutError:
            return False

    def _crashed(self, st: TaskState, exc: BaseException) -> None:
        # a bug, not the network: the officer must see that this console is not receiving
        self._set_state("disconnected", f"internal error in {st.name}")
        self._emit(
            SecurityAlert.of(st.name, "client_stopped", task=st.name, error=type(exc).__name__)
        )

    async def _watch_loop(self) -> None:
        while not self._closing.is_set():
            self.watch.overdue()
            try:
                async with asyncio.timeout(WATCH_INTERVAL_S):
                    await self._closing.wait()
            except TimeoutError:
                continue

    # -- events ------------------------------------------------------------------------
    async def events(self) -> AsyncIterator[Event]:
        """Every event from now on, in order."""
        q = self.subscribe()
        try:
            while True:
                yield await q.get()
        finally:
            self._subscribers.remove(q)

    def subscribe(self) -> asyncio.Queue[Event]:
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.append(q)
        return q

    def _emit(self, ev: Event) -> None:
        if isinstance(ev, SecurityAlert):
            # kept the moment it is raised, whoever runs this client: a console opened
            # later lists it (issue 17), and the refusal evidence stays beside it
            keep_alert(self.store, ev, self._now())
        for q in self._subscribers:
            q.put_nowait(ev)

    def _set_state(self, state: str, detail: str = "") -> None:
        if state != self.state:
            self.state = state
            self._emit(ConnectionChanged(state, detail))

    # -- the session (HubLink's handler) --------------------------------------------------
    async def on_open(self, info: Connected, first: list[Frame]) -> None:
        self._set_state("connected", info.hub)
        self._worker = FrameWorker(
            self._deliveries, lambda answers: self.outbox.on_accepted(answers), self._on_frame
        )
        self._worker_task = asyncio.create_task(self._worker.run(), name="frames")
        for frame in first:
            self._worker.put(frame)
        self.outbox.progress.set()
        await self.outbox.flush()

    def on_frame(self, frame: Frame) -> None:
        if self._worker is not None:
            self._worker.put(frame)

    async def on_close(self) -> None:
        worker, task = self._worker, self._worker_task
        self._worker = self._worker_task = None
        if worker is None or task is None:
            return
        worker.finish()  # what was already read: answers, deliveries
        done, _ = await asyncio.wait({task}, timeout=5)
        if not done:
            task.cancel()
        elif (exc := task.exception()) is not None:
            raise exc  # a bug in a handler: the supervisor reports it

    async def _deliveries(
        self, items: list[Deliver], preempt: Callable[[], bool] | None = None
    ) -> list[Deliver]:
        """Judge and store a burst, then ask at once for the proofs the held checkpoint
        can give (an entry older than it would otherwise wait for the next one)."""
        rest = await self.inbound.handle(items, preempt)
        await self.watch.ask()
        return rest

    async def _on_frame(self, frame: Frame) -> None:
        if isinstance(frame, Accepted):
            self.outbox.on_accepted([frame])
        elif isinstance(frame, Deliver):
            await self._deliveries([frame])
        elif isinstance(frame, StatusResult):
            fut = self._status.pop(frame.id, None)
            if fut is not None and not fut.done():
                fut.set_result(frame.recipients)
        elif isinstance(frame, RosterPush):
            self._on_roster(frame.roster)
        elif isinstance(frame, CheckpointPush):
            await self.watch.on_checkpoint(frame)
        elif isinstance(frame, ConsistencyProof):
            await self.watch.on_consistency(frame)
        elif isinstance(frame, Proofs):
            await self.watch.on_proofs(frame)
        elif isinstance(frame, Alert) and frame.code == SESSION_SUPERSEDED:
            # said in the officer's language (the hub's text is English), not as an alarm
            self._emit(SecurityAlert.of(frame.code, "session_elsewhere"))
        elif isinstance(frame, Alert):
            self._emit(
                SecurityAlert.of(frame.code, "hub_alarm", code=frame.code, message=frame.message)
            )
        elif isinstance(frame, Error):
            self._on_error(frame)

    def _on_error(self, err: Error) -> None:
        if err.ref is not None and (fut := self._status.pop(err.ref, None)) is not None:
            if not fut.done():
                fut.set_exception(err.error())
            return
        if not self.outbox.on_error(err):
            log.warning("hub error: %s %s", err.code, err.message)

    def _on_roster(self, data: bytes) -> None:
        try:
            added = self.rosters.offer(Roster.decode(data), now_ms())
        except ProtocolError as exc:  # alarmed on, never adopted
            self._emit(SecurityAlert.of("roster", "roster_refused", reason=exc.message))
            return
        if added:
            self.store.save_roster(self.roster.version, data)

    async def _proven(self, mids: list[str]) -> None:
        """Messages now proven in the witnessed log: only now are they "delivered"."""
        if not self.auto_receipts:
            return
        for mid in mids:
            msg = self.store.get(mid)
            if msg is not None and self.store.set_my_rank(mid, 0):
                urgent = msg.precedence in ("IMMEDIATE", "FLASH")
                await self.outbox.receipt(mid, "delivered", urgent)

    # -- the public API ------------------------------------------------------------------
    async def send(
        self, to: str | list[str], family: str, body: dict[str, Any], **kw: Any
    ) -> SendResult:
        """Compose, queue durably, submit; see :meth:`Outbox.send`."""
        return await self.outbox.send(to, family, body, **kw)

    async def flush(self, timeout: float) -> int:
        """Wait until the outbox is empty (or ``timeout``); returns what is left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.store.outbox_count() and loop.time() < deadline:
            self.outbox.progress.clear()
            if self.connected.is_set():
                await self.outbox.flush()
            try:
                async with asyncio.timeout(max(0.01, min(1.0, deadline - loop.time()))):
                    await self.outbox.progress.wait()
            except TimeoutError:
                continue
        return self.store.outbox_count()

    async def mark_read(self, mid: str) -> None:
        """An officer opened the message: a signed "read" receipt."""
        if self.auto_receipts and self.store.set_my_rank(mid, 1):
            await self.outbox.receipt(mid, "read")

    async def acknowledge(self, mid: str) -> bool:
        """The officer's signed acknowledgement; False if already acknowledged (no resend)."""
        if not self.store.set_my_rank(mid, 2):
            return False
        msg = self.store.get(mid)
        urgent = msg is not None and msg.precedence in ("IMMEDIATE", "FLASH")
        await self.outbox.receipt(mid, "acknowledged", urgent)
        return True

    async def request_clarification(
        self, mid: str, question: str, lang: str = "en", *, timeout: float = 10.0
    ) -> SendResult:
        """Ask the sender of ``mid`` to explain (reply deadline per policy)."""
        msg = self.store.get(mid)
        if msg is None:
            raise error_for_code(
                "unknown_recipient", f"no message {mid} in the inbox: check the id with `inbox`"
            )
        return await self.send(
            [msg.sender],
            "clarification_request",
            {"question": question, "lang": lang},
            in_reply_to=mid,
            timeout=timeout,
        )

    async def status(self, mid: str, timeout: float = 10.0) -> dict[str, Any]:
        """Per-recipient delivered / read / acknowledged, from the hub."""
        key = parse_id_text(mid)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._status[key] = fut
        try:
            await self.link.send(lambda c: c.status(key))
        except NotConnected:
            self._status.pop(key, None)
            raise
        async with asyncio.timeout(timeout):
            return await fut

    def rest(self) -> Rest:
        return Rest(self.hub_url, self.device, self.hub_id or "HUB/hub-1", self.ca_cert)
