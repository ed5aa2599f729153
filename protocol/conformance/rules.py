"""Kinds for the acceptance rule and deliveries (docs/protocol.md §6.4, §8.3, §11.5).

The rule's inputs are explicit, as in :mod:`..acceptance`: the roster in force, the
hub's accept time and what was accepted before — a list of *seen records*
``{id, digest, sender, family, recipients, at_ms}`` (the rule reads ``digest`` for
R0/R10, ``sender`` for R12 and ``recipients`` for R16).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..acceptance import Rules, SeenMessage, check_envelope, check_receipt
from ..checkpoint import Checkpoint
from ..delivery import LoggedMessage, LoggedReceipt, read_delivery
from ..envelope import Envelope
from ..errors import KeyError_, NotInLog
from ..inclusion import ProofQueue
from ..receipts import Receipt
from ..roster import Roster
from .forms import Json, Kind, b, decode_bytes, hexes

__all__ = ["KINDS", "SeenRecords"]


class SeenRecords:
    """The seen set of a case: what was accepted before, by message id."""

    def __init__(self, records: list[Mapping[str, Any]]) -> None:
        self._by_id: dict[bytes, SeenMessage] = {}
        for r in records:
            self._by_id.setdefault(
                bytes.fromhex(r["id"]),
                SeenMessage(
                    bytes.fromhex(r["digest"]),
                    r["sender"],
                    r.get("family", ""),
                    tuple(r["recipients"]),
                    r.get("at_ms", 0),
                ),
            )

    def lookup(self, mid: bytes) -> SeenMessage | None:
        return self._by_id.get(mid)


def _rules(inp: Json) -> Rules:
    return Rules(**inp.get("rules", {}))


def _check_envelope(inp: Json) -> Json:
    data = b(inp, "envelope")
    d = check_envelope(
        Envelope.decode(data),
        roster=Roster.decode(b(inp, "roster")),
        at_ms=inp["at_ms"],
        seen=SeenRecords(inp.get("seen", [])),
        rules=_rules(inp),
        authenticated=inp.get("authenticated"),
        reference_known=inp.get("reference_known", True),
        data=data,
    )
    return {"duplicate": d.duplicate}


def _check_receipt(inp: Json) -> Json:
    rc = Receipt.decode(b(inp, "receipt"))
    check_receipt(
        rc,
        roster=Roster.decode(b(inp, "roster")),
        at_ms=inp["at_ms"],
        seen=SeenRecords(inp.get("seen", [])),
        rules=_rules(inp),
        authenticated=inp.get("authenticated"),
    )
    return {"message_id": rc.message_id.hex()}


def _delivery_read(inp: Json) -> Json:
    rosters = {r.version: r for r in (Roster.decode(d) for d in hexes(inp["rosters"]))}
    newest = rosters[max(rosters)]
    me = newest.get(inp["device"])
    if me is None:
        raise KeyError_(f"{inp['device']} is not in the newest roster the case holds")
    got = read_delivery(
        b(inp, "entry"),
        inp["index"],
        me=me,
        rosters=rosters,
        seen=SeenRecords(inp.get("seen", [])),
        rules=_rules(inp),
    )
    rv = got.event.roster_version
    out: Json = {
        "type": got.event.type,
        "leaf": got.leaf.hex(),
        "roster_version": rv if rv in rosters else newest.version,
    }
    if isinstance(got, LoggedMessage):
        out.update(message_id=got.envelope.id.hex(), duplicate=got.duplicate)
    elif isinstance(got, LoggedReceipt):
        out["message_id"] = got.receipt.message_id.hex()
    if "checkpoint" in inp:  # proven against a checkpoint the device holds (§8.3)
        cp = Checkpoint.decode(b(inp, "checkpoint"))
        cp.verify(newest)
        q: ProofQueue[str] = ProofQueue()
        q.add("delivery", got.index, got.leaf, 0)
        res = q.resolve(cp.size, cp.root, [(got.index, hexes(inp.get("proof", [])))])
        if not res.proven:
            raise NotInLog(f"entry {got.index} is not in the checkpoint of {cp.size} entries")
        out["proven"] = True
    return out


def _inclusion_queue(inp: Json) -> Json:
    q: ProofQueue[str] = ProofQueue()
    for p in inp["pending"]:
        q.add(p["key"], p["index"], decode_bytes(p["leaf"]), p["since_ms"])
    wanted = q.wanted(inp["size"])
    proofs = [(int(i), hexes(path)) for i, path in inp.get("proofs", [])]
    res = q.resolve(inp["size"], b(inp, "root"), proofs)
    return {
        "wanted": wanted,
        "proven": res.proven,
        "failed": [k for k, _ in res.failed],
        "overdue": [k for k, _ in q.overdue(inp["now_ms"], inp["overdue_after_ms"])],
    }


KINDS: Final[dict[str, Kind]] = {
    "acceptance.check_envelope": _check_envelope,
    "acceptance.check_receipt": _check_receipt,
    "delivery.read": _delivery_read,
    "inclusion.queue": _inclusion_queue,
}
