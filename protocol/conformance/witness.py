"""Kinds for witnessing (docs/protocol.md §9.5, §9.6, §11.5): cosignatures, quorum, forks."""

from __future__ import annotations

from typing import Any, Final

from ..checkpoint import Checkpoint
from ..errors import ProtocolError
from ..roster import Roster
from ..witness import (
    Cosignature,
    Forked,
    NeedConsistency,
    Stale,
    Witness,
    Witnessed,
    WitnessStep,
    count_witnesses,
    fork_between,
)
from .forms import Json, Kind, b, decode_bytes, hexes

__all__ = ["KINDS"]


def _cosignature_verify(inp: Json) -> Json:
    cosig = Cosignature.decode(b(inp, "cosignature"))
    party = cosig.verify(Checkpoint.decode(b(inp, "checkpoint")), Roster.decode(b(inp, "roster")))
    return {"party": party}


def _cosignature_quorum(inp: Json) -> Json:
    cp, roster = Checkpoint.decode(b(inp, "checkpoint")), Roster.decode(b(inp, "roster"))
    cp.verify(roster)  # what is counted is a checkpoint the hub signed
    cosigs, undecodable = [], 0
    for raw in inp["cosignatures"]:
        try:
            cosigs.append(Cosignature.decode(decode_bytes(raw)))
        except ProtocolError:  # counted as invalid, like one that does not verify
            undecodable += 1
    w = count_witnesses(cp, cosigs, roster)
    return {
        "parties": sorted(w.parties),
        "quorum": w.quorum,
        "witnessed": w.witnessed,
        "invalid": undecodable + len(w.invalid),
    }


def _checkpoint_fork(inp: Json) -> Json:
    roster = Roster.decode(b(inp, "roster"))
    first, second = Checkpoint.decode(b(inp, "first")), Checkpoint.decode(b(inp, "second"))
    first.verify(roster)  # fork evidence is two checkpoints the hub really signed
    second.verify(roster)
    fork = fork_between(first, second)
    if fork is not None:
        raise fork
    return {}


def _step_name(step: WitnessStep) -> str:
    if isinstance(step, NeedConsistency):
        return f"need_consistency {step.first} {step.second}"
    if isinstance(step, Witnessed):
        return f"witnessed {step.checkpoint.size}"
    if isinstance(step, Forked):
        return "forked"
    assert isinstance(step, Stale)
    return "stale"


def _witness_offer(inp: Json) -> Json:
    held = Checkpoint.decode(b(inp, "held")) if inp.get("held") is not None else None
    w = Witness(held)
    steps: list[str] = []
    for s in inp["steps"]:
        if "offer" in s:
            step = w.offer(Checkpoint.decode(decode_bytes(s["offer"])))
        else:
            c = s["consistency"]
            step = w.consistency(c["from"], c["to"], hexes(c["proof"]))
        steps.append(_step_name(step))
    out: dict[str, Any] = {"steps": steps, "held": w.held.size if w.held else None}
    if "forked" in steps:  # the device publishes a fork proof: a refusal, with its code
        return {"ok": False, "code": "fork", **out}
    return out


KINDS: Final[dict[str, Kind]] = {
    "cosignature.verify": _cosignature_verify,
    "cosignature.quorum": _cosignature_quorum,
    "checkpoint.fork": _checkpoint_fork,
    "witness.offer": _witness_offer,
}
