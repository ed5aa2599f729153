"""The check pass: every entry verified on its own, given the walk's context.

For each entry: the hub's signature on the event (R17, :func:`check_hub_event`), then
what it carries — an ``accepted`` envelope or a ``receipt`` goes through the acceptance
rule of protocol/acceptance.py exactly as the hub applies it at submit, with the roster
in force at that position, the log's accept time (the entry's ``at_ms``, never the
sender's clock), what was accepted before it, and ``reference_known=True`` (an auditor
holds the whole log). A ``fork_proof`` entry is a party's published evidence of a fork.

:func:`check_chunk` is pure and depends only on its arguments, so chunks may be checked
in any process; docs/audit.md lists what each finding means.
"""

from __future__ import annotations

from functools import lru_cache

from ..acceptance import (
    SeenMessage,
    check_envelope,
    check_hub_event,
    check_receipt,
    envelope_digest,
)
from ..checkpoint import Checkpoint
from ..codec import unpack
from ..envelope import Envelope
from ..errors import ProtocolError
from ..events import LogEvent
from ..ids import id_text
from ..receipts import Receipt
from ..roster import Roster
from ..witness import fork_between
from .findings import WARNING, Finding, finding
from .fork_proofs import on_its_face
from .walk import CheckContext, Chunk, First

__all__ = ["check_chunk"]

#: refusal codes that have a finding kind of their own; the rest are rule violations
_KIND_OF_CODE = {"bad_signature": "bad_signature", "clock_skew": "clock"}


@lru_cache(maxsize=16)
def _roster(data: bytes) -> Roster:
    # Rosters were verified (and so decode) before the check pass; a worker process
    # decodes each once, not once per chunk.
    return Roster.decode(data)


class _SeenBefore:
    """The walk's acceptances strictly before ``position`` (a :class:`~..acceptance.Seen`).

    ``hide``: the entry's own id, so that the rest of the rule is applied to a repeated
    id as well (the repetition itself is reported as ``replay``).
    """

    __slots__ = ("_first", "_hide", "_pos")

    def __init__(self, first: dict[bytes, First], position: int, hide: bytes | None) -> None:
        self._first, self._pos, self._hide = first, position, hide

    def lookup(self, mid: bytes) -> SeenMessage | None:
        hit = self._first.get(mid)
        if hit is None or hit[0] >= self._pos or mid == self._hide:
            return None
        return hit[1]


def _refusal(exc: ProtocolError, what: str, pos: int, sid: str) -> Finding:
    kind = _KIND_OF_CODE.get(exc.code, "rule_violation")
    return finding(kind, f"{what}: {exc.code}: {exc.message}", pos, sid)


def _hub_event(
    ev: LogEvent, roster: Roster, ctx: CheckContext, pos: int, sid: str
) -> list[Finding]:
    try:
        check_hub_event(ev, roster=roster)
    except ProtocolError as exc:
        legacy = ev.signature is None and ctx.options.unsigned_events_are_warnings
        detail = f"{ev.type} event: {exc.code}: {exc.message}"
        return [finding("unsigned", detail, pos, sid, WARNING if legacy else None)]
    return []


def _accepted(ev: LogEvent, roster: Roster, ctx: CheckContext, pos: int, sid: str) -> list[Finding]:
    try:
        env = Envelope.decode(ev.payload)
    except ProtocolError as exc:
        return [finding("edited", f"the envelope does not decode: {exc.message}", pos, sid)]
    out = []
    prior = ctx.first.get(env.id)
    if prior is not None and prior[0] < pos:
        same = prior[1].digest == envelope_digest(ev.payload)
        how = "the same bytes" if same else "other bytes under a used id"
        out.append(
            finding(
                "replay",
                f"{id_text(env.id)} was accepted before at entry {prior[0]} ({how})",
                pos,
                sid,
            )
        )
    seen = _SeenBefore(ctx.first, pos, env.id)
    try:
        check_envelope(
            env,
            roster=roster,
            at_ms=ev.at_ms,
            seen=seen,
            rules=ctx.options.rules,
            reference_known=True,
            data=ev.payload,
        )
    except ProtocolError as exc:
        out.append(_refusal(exc, f"envelope {id_text(env.id)} from {env.device}", pos, sid))
    return out


def _receipt(ev: LogEvent, roster: Roster, ctx: CheckContext, pos: int, sid: str) -> list[Finding]:
    try:
        rc = Receipt.decode(ev.payload)
    except ProtocolError as exc:
        return [finding("edited", f"the receipt does not decode: {exc.message}", pos, sid)]
    seen = _SeenBefore(ctx.first, pos, None)
    try:
        check_receipt(rc, roster=roster, at_ms=ev.at_ms, seen=seen, rules=ctx.options.rules)
    except ProtocolError as exc:
        return [_refusal(exc, f"{rc.kind} receipt from {rc.device}", pos, sid)]
    return []


def _fork_proof(ev: LogEvent, roster: Roster, pos: int, sid: str) -> list[Finding]:
    # The payload is the two checkpoints of the `fork_proof {first, second}` frame.
    # Evidence that checks out is an error; a claim that does not is a warning.
    try:
        first, second = unpack(ev.payload)
        a, b = Checkpoint.decode(first), Checkpoint.decode(second)
        a.verify(roster)
        b.verify(roster)
        fork = fork_between(a, b)
    except (ProtocolError, TypeError, ValueError) as exc:
        why = exc.message if isinstance(exc, ProtocolError) else "not two checkpoints"
        return [
            finding(
                "fork", f"a fork proof whose evidence does not verify: {why}", pos, sid, WARNING
            )
        ]
    if fork is None:
        if not on_its_face(a, b):
            return []  # judged against the log (fork_proofs.py)
        return [finding("fork", "a fork proof of two checkpoints that agree", pos, sid, WARNING)]
    return [finding("fork", f"a party published a fork proof: {fork.message}", pos, sid)]


def _check_entry(pos: int, sid: str, data: bytes, ctx: CheckContext) -> list[Finding]:
    try:
        ev = LogEvent.decode(data)
    except ProtocolError as exc:
        return [finding("edited", f"the entry does not decode: {exc.message}", pos, sid)]
    roster = _roster(ctx.rosters[ctx.timeline.at(pos)])
    out = _hub_event(ev, roster, ctx, pos, sid)
    if ev.type == "accepted":
        out += _accepted(ev, roster, ctx, pos, sid)
    elif ev.type == "receipt":
        out += _receipt(ev, roster, ctx, pos, sid)
    elif ev.type == "fork_proof":
        out += _fork_proof(ev, roster, pos, sid)
    return out


def check_chunk(job: tuple[Chunk, CheckContext]) -> tuple[Finding, ...]:
    """Every finding of one chunk's entries (one argument, for ``map``)."""
    chunk, ctx = job
    out: list[Finding] = []
    for k, (sid, data) in enumerate(chunk.entries):
        out += _check_entry(chunk.lo + k, sid, data, ctx)
    return tuple(out)
