"""The accept pipeline shared by the websocket and the REST feed API.

Decode with limits → the acceptance rule (protocol/acceptance.py, the same function
every client and the auditor apply) with the current roster, the hub's clock and what
Redis has seen → a hub-signed log event → persist durably → only then "accepted".
A refusal from an authenticated device is audited (a bounded number per device per
minute); one from a stranger — bytes whose signature never verified — is only counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hotline.protocol import (
    Envelope,
    ProtocolError,
    Receipt,
    RosterDevice,
    SchemaError,
    SenderMismatch,
    id_text,
)
from hotline.protocol.acceptance import Rules, SeenMessage, check_envelope, check_receipt
from hotline.protocol.errors import KeyError_, SignatureError, UnknownReference
from hotline.runtime import trace

from .event_log import HubSigner
from .journal import AcceptJournal
from .loan import Loan
from .metrics import Metrics
from .rejections import RejectionAudit
from .roster_store import RosterState
from .router import alert_foreign
from .settings_view import HubView
from .streams import AcceptResult, LogEntry, LogRecord, MessageMeta, Streams, lane_for
from .streams.log import ROUTED_AT_APPEND

__all__ = ["Accepted", "Intake"]

#: refusals raised before the signature was checked (R1-R6): the bytes prove nobody
_BEFORE_SIGNATURE = (KeyError_, SenderMismatch, SignatureError)


@dataclass(frozen=True, slots=True)
class Accepted:
    id: bytes
    position: str
    duplicate: bool
    urgent: bool = False  # IMMEDIATE / FLASH: the answer goes in the urgent lane too

    def to_json(self) -> dict[str, Any]:
        return {
            "id": id_text(self.id),
            "status": "duplicate" if self.duplicate else "accepted",
            "position": self.position,
        }


class _Prefetched:
    """A :class:`~hotline.protocol.acceptance.Seen` over metadata read from Redis."""

    def __init__(self, metas: dict[str, MessageMeta]) -> None:
        self._metas = metas

    def lookup(self, mid: bytes) -> SeenMessage | None:
        m = self._metas.get(mid.hex())
        if m is None:
            return None
        return SeenMessage(bytes.fromhex(m.digest), m.sender, "", tuple(m.recipients), 0)


@dataclass(slots=True)
class _Burst:
    """One device's submits as the pipeline works through them: the (submit id, bytes)
    given, the envelopes that decoded, and one answer per item as it is found."""

    items: Sequence[tuple[bytes | None, bytes]]
    auth: RosterDevice | None
    now_ms: int
    envs: dict[int, Envelope]
    out: list[Any]


def _references(env: Envelope) -> list[str]:
    """The other messages an envelope names (R12 looks them up)."""
    return [m.hex() for m in (env.supersedes, env.in_reply_to) if m is not None]


class Intake:
    """Validate, persist and answer; never promise before Redis has it."""

    def __init__(
        self,
        streams: Streams,
        roster: RosterState,
        view: HubView,
        metrics: Metrics,
        signer: HubSigner,
        journal: AcceptJournal | None = None,
        on_routed: Callable[[set[str]], None] | None = None,
        lend: Callable[[set[str]], list[Loan]] | None = None,
    ) -> None:
        """``on_routed``: wake this hub's pumps of these parties. Given, an urgent accept
        or receipt routes itself when the log is routed up to it (one Redis call and one
        fsync instead of two, and no wait for the router), and wakes them.

        ``lend`` (with ``on_routed``): the parked pumps of these parties lend their next
        urgent read to the urgent append (server/loan.py), which runs it in its own
        transaction: one fsync for the append, its routing and the devices' reads."""
        self.streams = streams
        self.roster = roster
        self.view = view
        self.metrics = metrics
        self.signer = signer
        self.journal = journal
        self.rules = Rules(view.max_future_skew_ms, view.max_age_ms)
        self.rejections = RejectionAudit(streams, signer, metrics)
        self.on_routed = on_routed
        self.routed_by = view.instance if on_routed is not None else None
        self.lend = lend if on_routed is not None else None

    async def submit(self, data: bytes, auth: RosterDevice | None, now_ms: int) -> Accepted:
        """Accept one envelope (idempotent by id). Raises ProtocolError subclasses."""
        (res,) = await self.submit_many([(None, data)], auth, now_ms)
        if isinstance(res, ProtocolError):
            raise res
        return res

    async def submit_many(
        self,
        items: Sequence[tuple[bytes | None, bytes]],
        auth: RosterDevice | None,
        now_ms: int,
    ) -> list[Accepted | ProtocolError]:
        """Accept a burst of (submit id, envelope bytes) from one device, one answer each.

        Each is judged on its own (a bad one does not spoil the others); the good ones
        go to Redis in one round trip, so they share one fsync. The log holds them in
        the order given, which keeps per-sender order.
        """
        b = _Burst(items, auth, now_ms, {}, [None] * len(items))
        for i, (sid, data) in enumerate(items):
            try:
                b.envs[i] = self._decode(sid, data)
            except ProtocolError as exc:
                b.out[i] = exc
        # Only the references are read first: whether an envelope's own id is known is
        # answered by the accept script itself (a retry: its original answer; other
        # content: ReplayError), which saves a round trip on every new message.
        metas = await self.streams.log.message_metas(
            sorted({r for e in b.envs.values() for r in _references(e)})
        )
        todo = self._judge(b, b.envs, metas)
        await self._judge_refused_again(b, metas)
        await self._persist(b, todo)
        await self._audit_refusals(b)
        done = [r for r in b.out if r is not None]
        assert len(done) == len(items)  # every envelope has its answer
        return done

    def _judge(
        self, b: _Burst, envs: dict[int, Envelope], metas: dict[str, MessageMeta]
    ) -> list[tuple[int, Envelope, tuple[Any, ...]]]:
        """The acceptance rule for each of ``envs``; answers duplicates and refusals."""
        seen, roster = _Prefetched(metas), self.roster.current
        todo: list[tuple[int, Envelope, tuple[Any, ...]]] = []
        for i, env in envs.items():
            data = b.items[i][1]
            try:
                d = check_envelope(
                    env, roster=roster, at_ms=b.now_ms, seen=seen, rules=self.rules,
                    authenticated=b.auth.id if b.auth else None, data=data,
                )  # fmt: skip
            except ProtocolError as exc:
                b.out[i] = exc
                continue
            if d.duplicate:  # a retry: the original answer
                m = metas[env.id.hex()]
                b.out[i] = Accepted(env.id, m.position, True, m.lane == "urgent")
                continue
            event = self.signer.event("accepted", b.now_ms, data, note=env, rv=roster.version)
            todo.append((i, env, self._accept_args(env, data, event)))
        return todo

    async def _judge_refused_again(self, b: _Burst, metas: dict[str, MessageMeta]) -> None:
        """A refused envelope whose id the log knows is judged again knowing it.

        Why: the rule answers a retry of accepted bytes "duplicate" before any other
        check (R0: a revoked key or an old timestamp does not turn a retry into a
        refusal), and names reuse of an id with other content (R10) before R11-R12.
        Refusals are rare; this costs their one read, not every message's.
        """
        refused = {i: e for i, e in b.envs.items() if isinstance(b.out[i], ProtocolError)}
        if not refused:
            return
        own = await self.streams.log.message_metas(sorted({e.id.hex() for e in refused.values()}))
        again = {i: e for i, e in refused.items() if e.id.hex() in own}
        if again:
            todo = self._judge(b, again, metas | own)
            assert not todo  # a known id is a duplicate or refused, never accepted anew

    def _decode(self, sid: bytes | None, data: bytes) -> Envelope:
        env = Envelope.decode(data)
        if sid is not None and sid != env.id:
            raise SchemaError("submit.id is not the envelope's id", field="id")
        return env

    def _accept_args(self, env: Envelope, data: bytes, event: bytes) -> tuple[Any, ...]:
        route_to = sorted(
            {d.party for d in self.roster.current.seal_targets(env.sender, env.recipients)}
            | set(env.recipients)
            | {env.sender}
        )
        digest = hashlib.sha256(data).hexdigest()
        lane = lane_for(env.precedence)
        return (env.id.hex(), digest, env.sender, env.recipients, event, route_to, lane)

    async def _persist(self, b: _Burst, todo: list[tuple[int, Envelope, tuple[Any, ...]]]) -> None:
        if not todo:
            return
        loans = self._borrow([(a[5], a[6]) for _i, _e, a in todo])
        try:
            results: list[Any]
            results, reads = await self.streams.log.accept_and_read(
                [a for _i, _e, a in todo],
                routed_by=self.routed_by,
                reads=[(x.party, x.device, x.count) for x in loans],
            )
            for loan, reply in zip(loans, reads, strict=True):
                loan.give(reply)
        except ProtocolError as exc:  # Redis away: none of the burst is promised
            results = [exc] * len(todo)
        finally:  # every loan comes back, whatever happened (a cancellation included)
            for loan in loans:
                loan.fail()  # a no-op for those given their reply
        woke: set[str] = set()
        for (i, env, args), res in zip(todo, results, strict=True):
            if isinstance(res, ProtocolError):
                b.out[i] = res
                continue
            self.metrics.inc(
                "hotline_accepted_total" if not res.duplicate else "hotline_duplicates_total"
            )
            if res.duplicate:  # the event signed for it is never logged: do not keep it
                self.signer.recall(args[4])
            if self.journal is not None and not res.duplicate:
                self.journal.record(env.id.hex(), res.position)
            trace.point("hub_accepted", env.id)
            mid, _d, _s, _r, event, route_to, lane = args
            woke |= self._routed(res, "accepted", event, mid, route_to, lane, b.items[i][1])
            b.out[i] = Accepted(env.id, res.position, res.duplicate, lane == "urgent")
        if woke and self.on_routed is not None:
            self.on_routed(woke)  # this hub's pumps: at once (others' by the notify stream)

    def _borrow(self, appends: Sequence[tuple[Sequence[str], str]]) -> list[Loan]:
        """The parked pumps' urgent reads for the parties that appends (route_to, lane)
        route to in their own script."""
        if self.lend is None or self.routed_by is None or not self.streams.log.reads_at_append:
            return []  # nothing would read for them: a pump woken reads for itself
        parties = {p for route_to, lane in appends if lane in ROUTED_AT_APPEND for p in route_to}
        return self.lend(parties) if parties else []

    def _routed(
        self,
        res: AcceptResult,
        etype: str,
        event: bytes,
        mid: str,
        route_to: Sequence[str],
        lane: str,
        payload: bytes,
    ) -> set[str]:
        """The parties an append routed itself; its entry left in the pumps' cache."""
        if res.routed is None or self.on_routed is None:
            return set()
        entry = LogEntry(res.position, etype, event, mid, tuple(route_to), lane, res.index)
        self.streams.cache.put(LogRecord(entry, payload))  # what the router would have left
        trace.point("hub_routed", mid)
        self.metrics.inc("hotline_routed_total")
        codes = dict(zip(route_to, res.routed, strict=True))
        alert_foreign(self.metrics, {p: 1 for p, c in codes.items() if c == 2})
        return {p for p, c in codes.items() if c}

    async def _audit_refusals(self, b: _Burst) -> None:
        for i, res in enumerate(b.out):
            if not isinstance(res, ProtocolError) or res.transient:
                continue
            env = b.envs.get(i)
            ref = env.id if env is not None else b.items[i][0]
            if b.auth is not None:
                await self.rejections.record(res, b.auth.id, b.now_ms, ref)
            elif env is not None and not isinstance(res, _BEFORE_SIGNATURE):
                # the envelope's own signature verified: a real device, audited
                await self.rejections.record(res, env.device, b.now_ms, ref)
            else:
                self.metrics.inc("hotline_unauthenticated_rejections_total", code=res.code)

    async def receipt(self, data: bytes, auth: RosterDevice, now_ms: int) -> str | None:
        """Judge and record a signed receipt; route it to the sender's party (and the signer's).

        Raises:
            ProtocolError: refused (its ``ref`` for the device is the message id).
        """
        rc = Receipt.decode(data)
        meta = await self.streams.log.message_meta(rc.message_id.hex())
        seen = _Prefetched({rc.message_id.hex(): meta} if meta else {})
        try:
            check_receipt(
                rc, roster=self.roster.current, at_ms=now_ms, seen=seen, rules=self.rules,
                authenticated=auth.id,
            )  # fmt: skip
        except ProtocolError as exc:
            await self.rejections.record(exc, auth.id, now_ms, rc.message_id)
            raise
        assert meta is not None  # check_receipt refused an unknown message
        event = self.signer.event(
            "receipt", now_ms, data, sender=meta.sender, rv=self.roster.current.version
        )
        mid, route_to = rc.message_id.hex(), sorted({meta.sender, rc.party})
        # a FLASH's receipt routes itself: its parties' parked pumps lend their reads
        loans = self._borrow([(route_to, meta.lane)])
        try:
            res, reads = await self.streams.log.receipt_and_read(
                mid, rc.device, rc.rank, event, route_to, meta.lane, routed_by=self.routed_by,
                reads=[(x.party, x.device, x.count) for x in loans],
            )  # fmt: skip
            for loan, reply in zip(loans, reads, strict=True):
                loan.give(reply)
        finally:  # every loan comes back (see _persist)
            for loan in loans:
                loan.fail()
        if res is None:
            return None
        self.metrics.inc("hotline_receipts_total", kind=rc.kind)
        woke = self._routed(res, "receipt", event, mid, route_to, meta.lane, data)
        if woke and self.on_routed is not None:
            self.on_routed(woke)
        return res.position

    async def status(self, mid: bytes, asker: RosterDevice) -> dict[str, Any]:
        """Per-recipient delivered / read / acknowledged for the sender's party (and auditors)."""
        meta = await self.streams.log.message_meta(mid.hex())
        if meta is None:
            raise UnknownReference("no such message: check the id", field="id")
        pos, sender, recipients = meta.position, meta.sender, meta.recipients
        if asker.party != sender and asker.role != "auditor" and asker.party not in recipients:
            raise SenderMismatch("only the sender, a recipient or an auditor may ask")
        ranks = await self.streams.log.status(mid.hex())
        kinds = ("delivered", "read", "acknowledged")
        per_party: dict[str, Any] = {}
        for party in recipients:
            devs = {d: kinds[r] for d, r in ranks.items() if d.partition("/")[0] == party}
            best = max((ranks[d] for d in devs), default=-1)
            per_party[party] = {"state": kinds[best] if best >= 0 else "pending", "devices": devs}
        return {"id": id_text(mid), "sender": sender, "position": pos, "recipients": per_party}
