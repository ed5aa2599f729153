"""Kinds for the log (docs/protocol.md §9, §11.5): entries, hub signatures, the tree.

The Merkle kinds run the hub's stored tree (:class:`~..merkle.MerkleTree`, asked about
a prefix of ``size`` entries); the suite's expected values come from the RFC 9162
definitions and the RFC 6962 reference tree, so a passing case shows the two agree.
"""

from __future__ import annotations

from typing import Final

from ..acceptance import check_hub_event
from ..checkpoint import Checkpoint
from ..codec import pack
from ..constants import DOMAIN_EVENT
from ..errors import ForkDetected, NotInLog
from ..events import LogEvent
from ..keys import SigningKey
from ..merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from ..roster import Roster
from .forms import Json, Kind, b, decode_bytes, hexes, typed, untyped

__all__ = ["KINDS"]


def _checkpoint_verify(inp: Json) -> Json:
    cp = Checkpoint.decode(b(inp, "checkpoint"))
    cp.verify(Roster.decode(b(inp, "roster")))
    return {"size": cp.size, "root": cp.root.hex(), "window_digest": cp.window_digest.hex()}


def _tree(inp: Json) -> tuple[MerkleTree, int]:
    entries = [decode_bytes(e) for e in inp["entries"]]
    tree = MerkleTree([leaf_hash(e) for e in entries])
    return tree, inp.get("size", tree.size)


def _merkle_root(inp: Json) -> Json:
    tree, size = _tree(inp)
    return {"root": tree.root(size).hex(), "leaves": [h.hex() for h in tree.levels[0][:size]]}


def _merkle_inclusion_prove(inp: Json) -> Json:
    tree, size = _tree(inp)
    return {"proof": [h.hex() for h in tree.inclusion_proof(inp["index"], size)]}


def _merkle_consistency_prove(inp: Json) -> Json:
    tree, size = _tree(inp)
    return {"proof": [h.hex() for h in tree.consistency_proof(inp["from"], size)]}


def _merkle_inclusion_verify(inp: Json) -> Json:
    leaf = leaf_hash(b(inp, "entry"))
    if not verify_inclusion(leaf, inp["index"], inp["size"], hexes(inp["proof"]), b(inp, "root")):
        raise NotInLog("the entry is not at that index of that tree")
    return {"leaf": leaf.hex()}


def _merkle_consistency_verify(inp: Json) -> Json:
    m, n, proof = inp["from"], inp["to"], hexes(inp["proof"])
    if not verify_consistency(m, n, b(inp, "root_from"), b(inp, "root_to"), proof):
        raise ForkDetected("the two tree heads are not consistent")
    return {}


def _log_entry_decode(inp: Json) -> Json:
    raw = b(inp, "entry")
    ev = LogEvent.decode(raw)
    return {
        "type": ev.type,
        "at_ms": ev.at_ms,
        "hub": ev.hub,
        "payload": ev.payload.hex(),
        "extra": typed(ev.extra),
        "leaf": leaf_hash(raw).hex(),
    }


def _event_verify(inp: Json) -> Json:
    raw = b(inp, "entry")
    ev = LogEvent.decode(raw)
    check_hub_event(ev, roster=Roster.decode(b(inp, "roster")))
    return {"type": ev.type, "leaf": leaf_hash(raw).hex()}


def _event_sign(inp: Json) -> Json:
    ev = LogEvent(inp["type"], inp["at_ms"], inp["hub"], b(inp, "payload"), untyped(inp["extra"]))
    signed = ev.signed(SigningKey(b(inp, "sign_seed")))
    entry = signed.encode()
    return {
        "entry": entry.hex(),
        "signed_bytes": (DOMAIN_EVENT + pack(signed.signed_payload())).hex(),
        "leaf": leaf_hash(entry).hex(),
    }


KINDS: Final[dict[str, Kind]] = {
    "checkpoint.verify": _checkpoint_verify,
    "merkle.root": _merkle_root,
    "merkle.inclusion.prove": _merkle_inclusion_prove,
    "merkle.inclusion.verify": _merkle_inclusion_verify,
    "merkle.consistency.prove": _merkle_consistency_prove,
    "merkle.consistency.verify": _merkle_consistency_verify,
    "log_entry.decode": _log_entry_decode,
    "event.verify": _event_verify,
    "event.sign": _event_sign,
}
