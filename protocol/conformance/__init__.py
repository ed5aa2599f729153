"""The reference runner of the conformance suite (docs/protocol.md §11).

A *case* is JSON: ``{"id", "kind", "input": {...}, "expect": {...}}``. :func:`run_case`
maps one case to its result, ``{"ok": true, <outputs>}`` or ``{"ok": false, "code":
<error code>}``, exactly as another ministry's runner in Go or Rust must; the harness
then checks that every key of ``expect`` has the same value in the result
(:func:`matches`). Pure: JSON-shaped values in, JSON-shaped values out. Reading files
or stdin is the caller's job (``python -m tests.vectors.run``).

The kinds live by subject: :mod:`.objects` (codec, envelope, sealing, bodies, receipts,
rosters), :mod:`.log` (entries, hub signatures, the Merkle tree, checkpoints),
:mod:`.witness` (cosignatures, quorum, forks), :mod:`.rules` (the acceptance rule,
deliveries, inclusion proofs), :mod:`.requests` (auth, REST, frames) and
:mod:`.transcripts` (the two connection ends driven through a script).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import ProtocolError
from . import log, objects, requests, rules, transcripts, witness
from .forms import Json, Kind, decode_bytes, typed, untyped

__all__ = ["KINDS", "decode_bytes", "matches", "run_case", "typed", "untyped"]

KINDS: Final[dict[str, Kind]] = {
    **objects.KINDS,
    **log.KINDS,
    **witness.KINDS,
    **rules.KINDS,
    **requests.KINDS,
    **transcripts.KINDS,
}


def run_case(case: Mapping[str, Any]) -> Json:
    """The result of one case: ``{"id", "ok": True, …}`` or ``{"id", "ok": False, "code"}``.

    A kind may answer a refusal with its evidence beside it (a transcript, say): it then
    returns ``ok`` false and ``code`` itself, with its other outputs.
    """
    kind = case["kind"]
    handler = KINDS.get(kind)
    out: Json = {"id": case.get("id")}
    if handler is None:
        return {**out, "ok": False, "code": "unsupported"}
    try:
        result = handler(dict(case["input"]))
    except ProtocolError as exc:
        return {**out, "ok": False, "code": exc.code}
    return {**out, "ok": True, **result}


def matches(expect: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """§11.3: every key of ``expect`` has the same value in ``result``."""
    return all(k in result and result[k] == v for k, v in expect.items())
