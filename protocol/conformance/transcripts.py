"""Kinds that drive one end of a connection through a script (docs/protocol.md §8, §11.5).

A case gives the end's starting inputs and ``steps``, each at a time ``at_ms``: a
websocket message from the peer (``recv``), a timer firing (``tick``) or a call by
this end's application (``call`` with ``args``). The result is the transcript: every
frame the end wrote (``frames``, hex; an ``error`` frame without its free-text
``message``), their ``types``, the ``events`` it handed to its application, its final
``state`` and ``close_code``. A connection that failed is a refusal: ``ok`` false and
``code`` the failure's code, with the transcript beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ..codec import pack, unpack
from ..connection import (
    Authenticated,
    ClientConnection,
    ClientLimits,
    Connected,
    HubConnection,
    HubLimits,
    HubProtocolError,
    PeerError,
)
from ..errors import error_for_code
from ..frames import Frame
from ..keys import SigningKey
from ..roster import Roster
from .forms import Json, Kind, b, decode_bytes, hexes

__all__ = ["KINDS", "normalised"]

Call = Callable[[Any, Json, int], None]


def normalised(frame: bytes) -> bytes:
    """A written frame as the suite compares it: an error frame loses its ``message``."""
    t, fields = unpack(frame, max_containers=1 << 12)
    if t != "error":
        return frame
    return pack([t, {k: v for k, v in fields.items() if k != "message"}])


def _event_name(ev: object) -> str:
    if isinstance(ev, Authenticated):
        return f"authenticated {ev.device.id}"
    if isinstance(ev, Connected):
        return f"connected {ev.hub}"
    if isinstance(ev, PeerError | HubProtocolError):
        return f"{'peer_error' if isinstance(ev, PeerError) else 'hub_error'} {ev.error.code}"
    assert isinstance(ev, Frame)
    return ev.TYPE


_HUB_CALLS: Final[dict[str, Call]] = {
    "welcome": lambda h, a, _: h.welcome(
        hexes(a.get("rosters", [])),
        decode_bytes(a["checkpoint"]) if a.get("checkpoint") is not None else None,
    ),
    "accepted": lambda h, a, _: h.accepted(
        b(a, "id"), a["position"], a["duplicate"], a.get("urgent", False)
    ),
    "refuse": lambda h, a, _: h.refuse(
        error_for_code(a["code"], a.get("message", ""), a.get("field")),
        b(a, "ref") if "ref" in a else None,
    ),
    "deliver": lambda h, a, _: h.deliver(
        a["delivery"], b(a, "entry"), a["index"], a.get("urgent", False)
    ),
    "roster_changed": lambda h, a, now: h.roster_changed(Roster.decode(b(a, "roster")), now),
    "push_checkpoint": lambda h, a, _: h.push_checkpoint(b(a, "checkpoint")),
    "alert": lambda h, a, _: h.alert(a["code"], a["message"], a["at_ms"]),
    "bye": lambda h, a, _: h.bye(),
}

_CLIENT_CALLS: Final[dict[str, Call]] = {
    "submit": lambda c, a, _: c.submit(b(a, "id"), b(a, "envelope")),
    "ack": lambda c, a, _: c.ack(a["deliveries"], a.get("urgent", False)),
    "receipt": lambda c, a, _: c.receipt(b(a, "receipt")),
    "status": lambda c, a, _: c.status(b(a, "id")),
    "cosign": lambda c, a, _: c.cosign(b(a, "cosignature")),
    "prove": lambda c, a, _: c.prove(a["size"], a["indexes"]),
    "consistency": lambda c, a, _: c.consistency(a["from"], a["to"]),
    "fork_proof": lambda c, a, _: c.fork_proof(b(a, "first"), b(a, "second")),
    "bye": lambda c, a, _: c.bye(),
}


def _run(end: HubConnection | ClientConnection, steps: list[Json], calls: dict[str, Call]) -> Json:
    frames: list[bytes] = []
    events: list[str] = []

    def drain() -> None:
        frames.extend(normalised(f) for f in end.data_to_send())
        events.extend(_event_name(e) for e in end.events_received())

    drain()
    for s in steps:
        if end.closed:  # the I/O layer stops reading once the end has closed
            break
        now = s["at_ms"]
        if "recv" in s:
            end.receive_data(b(s, "recv"), now)
        elif "tick" in s:
            end.check_time(now)
        else:
            calls[s["call"]](end, s.get("args", {}), now)
        drain()
    out: Json = {
        "frames": [f.hex() for f in frames],
        "types": [unpack(f, max_containers=1 << 12)[0] for f in frames],
        "events": events,
        "state": end.state,
        "close_code": end.close_code,
    }
    if end.failure is not None:
        return {"ok": False, "code": end.failure.code, **out}
    return out


def _hub(inp: Json) -> Json:
    hub = HubConnection(
        hub=inp["hub"],
        conn_id=b(inp, "conn"),
        nonce=b(inp, "nonce"),
        now_ms=inp["at_ms"],
        roster=Roster.decode(b(inp, "roster")),
        limits=HubLimits(**inp.get("limits", {})),
    )
    return _run(hub, inp["steps"], _HUB_CALLS)


def _client(inp: Json) -> Json:
    cli = ClientConnection(
        device=inp["device"],
        key=SigningKey(b(inp, "sign_seed")),
        now_ms=inp["at_ms"],
        roster_version=inp.get("roster_version", 0),
        checkpoint_size=inp.get("checkpoint_size", 0),
        hubs=inp.get("hubs"),
        limits=ClientLimits(**inp.get("limits", {})),
    )
    return _run(cli, inp["steps"], _CLIENT_CALLS)


KINDS: Final[dict[str, Kind]] = {"connection.hub": _hub, "connection.client": _client}
