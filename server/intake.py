"""The accept pipeline shared by the websocket and the REST feed API.

Order matters: decode with limits → the signing device is in the roster,
current and allowed → it is the authenticated device → the signature
verifies → the family is allowed → recipients are in the roster → replay /
clock skew → persist durably → only then "accepted".
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hotline.protocol import (
    ClockSkew,
    Envelope,
    FamilyNotAllowed,
    ProtocolError,
    Receipt,
    RecipientError,
    RosterDevice,
    SchemaError,
    SenderMismatch,
    id_text,
)
from hotline.protocol.catalogue import needs_reference
from hotline.protocol.events import LogEvent

from .journal import AcceptJournal
from .metrics import Metrics
from .roster_store import RosterState
from .settings_view import HubView
from .streams import MessageMeta, Streams, lane_for

__all__ = ["Accepted", "Intake"]

SENDING_ROLES = ("officer", "feed")


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


class Intake:
    """Validate, persist and answer; never promise before Redis has it."""

    def __init__(
        self,
        streams: Streams,
        roster: RosterState,
        view: HubView,
        metrics: Metrics,
        journal: AcceptJournal | None = None,
    ) -> None:
        self.streams = streams
        self.roster = roster
        self.view = view
        self.metrics = metrics
        self.journal = journal

    def check_envelope(self, data: bytes, auth: RosterDevice | None, now_ms: int) -> Envelope:
        """Every check that needs no storage. Raises the first ProtocolError found."""
        env = Envelope.decode(data)
        roster = self.roster.current
        dev = roster.device(env.device, now_ms, roles=SENDING_ROLES)
        if auth is not None and auth.id != env.device:
            raise SenderMismatch(f"authenticated as {auth.id}, envelope is from {env.device}")
        env.verify(dev.verify_key)
        if not dev.may_send(env.family):
            raise FamilyNotAllowed(f"{dev.id} may not send {env.family}")
        known = {p.code for p in roster.parties if p.kind in ("party", "observer")}
        for r in env.recipients:
            if r not in known:
                raise RecipientError(
                    f"recipient {r} is not in roster version {roster.version}", field="recipients"
                )
        if needs_reference(env.family) and env.in_reply_to is None:
            raise SchemaError(
                f"{env.family} must refer to a message (in_reply_to)", field="in_reply_to"
            )
        return env

    async def submit(self, data: bytes, auth: RosterDevice | None, now_ms: int) -> Accepted:
        """Accept one envelope (idempotent by id). Raises ProtocolError subclasses."""
        (res,) = await self.submit_many([data], auth, now_ms)
        if isinstance(res, ProtocolError):
            raise res
        return res

    async def submit_many(
        self, datas: Sequence[bytes], auth: RosterDevice | None, now_ms: int
    ) -> list[Accepted | ProtocolError]:
        """Accept a burst of envelopes from one device: one answer each, in order.

        Each is checked on its own (a bad one does not spoil the others); the good ones
        go to Redis in one round trip, so they share one fsync. The log holds them in
        the order given, which keeps per-sender order.
        """
        out: list[Accepted | ProtocolError | None] = [None] * len(datas)
        todo: list[
            tuple[int, Envelope, tuple[str, str, str, Sequence[str], bytes, Sequence[str], str]]
        ] = []
        roster = self.roster.current
        for i, data in enumerate(datas):
            try:
                env = self.check_envelope(data, auth, now_ms)
                mid = env.id.hex()
                skew = env.created_ms - now_ms
                if skew > self.view.max_future_skew_ms or -skew > self.view.max_age_ms:
                    meta = await self._meta(mid)
                    if meta is not None:  # a retry of something accepted long ago: same answer
                        out[i] = Accepted(env.id, meta.position, True, meta.lane == "urgent")
                        continue
                    raise ClockSkew(
                        f"created_at is {skew / 1000:+.0f} s from the hub's clock; allowed "
                        f"+{self.view.max_future_skew_ms // 1000} s / "
                        f"-{self.view.max_age_ms // 1000} s: fix the device clock"
                    )
                route_to = sorted(
                    {d.party for d in roster.seal_targets(env.sender, env.recipients)}
                    | set(env.recipients)
                    | {env.sender}
                )
                event = LogEvent("accepted", now_ms, self.view.device, data, {}).encode()
                digest = hashlib.sha256(data).hexdigest()
                lane = lane_for(env.precedence)
                todo.append(
                    (i, env, (mid, digest, env.sender, env.recipients, event, route_to, lane))
                )
            except ProtocolError as exc:
                out[i] = exc
        if todo:
            try:
                results = await self.streams.log.accept_many([item for _i, _e, item in todo])
            except ProtocolError as exc:  # Redis away: none of the burst is promised
                results = [exc] * len(todo)
            for (i, env, item), res in zip(todo, results, strict=True):
                if isinstance(res, ProtocolError):
                    out[i] = res
                    continue
                self.metrics.inc(
                    "hotline_accepted_total" if not res.duplicate else "hotline_duplicates_total"
                )
                if self.journal is not None and not res.duplicate:
                    self.journal.record(env.id.hex(), res.position)
                urgent = item[-1] == "urgent"  # the lane, last of the accept arguments
                out[i] = Accepted(env.id, res.position, res.duplicate, urgent)
        done = [r for r in out if r is not None]
        assert len(done) == len(datas)  # every envelope has its answer
        return done

    async def _meta(self, mid: str) -> MessageMeta | None:
        return await self.streams.log.message_meta(mid)  # Unavailable: nothing promised

    async def receipt(self, data: bytes, auth: RosterDevice, now_ms: int) -> str | None:
        """Record a signed receipt and route it to the sender's party (and the signer's)."""
        rcpt = Receipt.decode(data)
        if rcpt.device != auth.id:
            raise SenderMismatch(f"authenticated as {auth.id}, receipt is from {rcpt.device}")
        dev = self.roster.current.device(rcpt.device, now_ms)
        rcpt.verify(dev.verify_key)
        mid = rcpt.message_id.hex()
        meta = await self.streams.log.message_meta(mid)
        if meta is None:
            raise RecipientError("no such message", field="message_id")
        sender = meta.sender
        if rcpt.party not in meta.recipients:
            raise RecipientError(f"{rcpt.party} is not a recipient of this message")
        event = LogEvent("receipt", now_ms, self.view.device, data, {"sender": sender}).encode()
        pos = await self.streams.log.record_receipt(
            mid, rcpt.device, rcpt.rank, event, sorted({sender, rcpt.party}), meta.lane
        )
        if pos:
            self.metrics.inc("hotline_receipts_total", kind=rcpt.kind)
        return pos

    async def status(self, mid: bytes, asker: RosterDevice) -> dict[str, Any]:
        """Per-recipient delivered / read / acknowledged for the sender's party (and auditors)."""
        meta = await self.streams.log.message_meta(mid.hex())
        if meta is None:
            raise RecipientError("no such message", field="id")
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

    async def log_rejection(
        self, err: ProtocolError, device: str, now_ms: int, ref: bytes | None = None
    ) -> None:
        """Audit a rejection from an authenticated device (pre-auth noise is not logged)."""
        self.metrics.inc("hotline_rejections_total", code=err.code)
        extra = {"code": err.code, "device": device, "ref": ref.hex() if ref else ""}
        # The rejection stands whether or not it could be logged.
        with contextlib.suppress(ProtocolError):
            await self.streams.log.append_event(
                "rejected", LogEvent("rejected", now_ms, self.view.device, b"", extra).encode()
            )
