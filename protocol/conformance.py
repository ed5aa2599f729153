"""The reference runner of the conformance suite (docs/protocol.md §11).

A *case* is JSON: ``{"id", "kind", "input": {...}, "expect": {...}}``. :func:`run_case`
maps one case to its result, ``{"ok": true, <outputs>}`` or ``{"ok": false, "code":
<error code>}``, exactly as another ministry's runner in Go or Rust must; the harness
then checks that every key of ``expect`` has the same value in the result
(:func:`matches`). Pure: JSON-shaped values in, JSON-shaped values out. Reading files
or stdin is the caller's job (``python -m tests.vectors.run``).

JSON forms (§11.2): byte strings are lower-case hex, or a list of parts, each a hex
string or ``[hex, count]`` (so a 600 KiB input stays small in the file); decoded
msgpack values are typed: ``["nil"]``, ``["bool", b]``, ``["int", "<decimal>"]``,
``["float", "<16 hex digits of the IEEE 754 binary64, big-endian>"]``, ``["str", s]``,
``["bin", hex]``, ``["array", [v…]]``, ``["map", [[key, v]…]]`` (keys in wire order).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any, Final

from . import merkle
from .acceptance import check_hub_event
from .auth import auth_payload, canonical_query, rest_payload, rest_payload_v1
from .catalogue import decode_body
from .checkpoint import Checkpoint
from .codec import pack, unpack
from .constants import DOMAIN_ENVELOPE, MAX_FRAME
from .envelope import Envelope
from .errors import AuthError, DecodeError, ProtocolError
from .events import LogEvent
from .frames import decode_frame
from .keys import SUITES, EncryptionPrivateKey, SigningKey, VerifyKey
from .receipts import Receipt
from .roster import Roster, verify_transition
from .sealing import open_sealed
from .witness import Cosignature

__all__ = ["KINDS", "decode_bytes", "matches", "run_case", "typed", "untyped"]

Json = dict[str, Any]


# -- JSON forms ---------------------------------------------------------------------------
def decode_bytes(value: Any) -> bytes:
    """A byte string in its JSON form: hex, or a list of hex / [hex, count] parts."""
    if isinstance(value, str):
        return bytes.fromhex(value)
    out = bytearray()
    for part in value:
        if isinstance(part, str):
            out += bytes.fromhex(part)
        else:
            out += bytes.fromhex(part[0]) * int(part[1])
    return bytes(out)


def typed(value: Any) -> list[Any]:
    """A decoded wire value in the typed JSON form (the inverse of :func:`untyped`)."""
    if value is None:
        return ["nil"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, float):
        return ["float", struct.pack(">d", value).hex()]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, bytes):
        return ["bin", value.hex()]
    if isinstance(value, list):
        return ["array", [typed(v) for v in value]]
    return ["map", [[k, typed(v)] for k, v in value.items()]]


def untyped(t: list[Any]) -> Any:
    """The wire value a typed JSON form stands for."""
    tag = t[0]
    if tag == "nil":
        return None
    if tag in ("bool", "str"):
        return t[1]
    if tag == "int":
        return int(t[1])
    if tag == "float":
        return struct.unpack(">d", bytes.fromhex(t[1]))[0]
    if tag == "bin":
        return bytes.fromhex(t[1])
    if tag == "array":
        return [untyped(v) for v in t[1]]
    if tag == "map":
        return {k: untyped(v) for k, v in t[1]}
    raise DecodeError(f"unknown typed value {tag!r}")


def _b(inp: Mapping[str, Any], name: str) -> bytes:
    return decode_bytes(inp[name])


# -- kinds --------------------------------------------------------------------------------
def _codec_decode(inp: Json) -> Json:
    return {"value": typed(unpack(_b(inp, "bytes"), max_size=inp.get("max_size", MAX_FRAME)))}


def _codec_encode(inp: Json) -> Json:
    return {"bytes": pack(untyped(inp["value"])).hex()}


def _envelope_decode_verify(inp: Json) -> Json:
    env = Envelope.decode(_b(inp, "envelope"))
    if "verify_key" in inp:
        env.verify(VerifyKey(_b(inp, "verify_key")))
    return {
        "message_id": env.id.hex(),
        "device": env.device,
        "family": env.family,
        "header_digest": env.header_digest().hex(),
    }


def _envelope_sign(inp: Json) -> Json:
    env = Envelope.decode(_b(inp, "envelope")).signed(SigningKey(_b(inp, "sign_seed")))
    signed = DOMAIN_ENVELOPE + pack(env.signed_payload())
    return {"envelope": env.encode().hex(), "signed_bytes": signed.hex()}


def _sealed_open(inp: Json) -> Json:
    suite = inp["suite"]
    if suite not in SUITES:
        raise DecodeError(f"unknown suite {suite!r}")
    key = EncryptionPrivateKey(suite, _b(inp, "private_key"))
    body = open_sealed(_b(inp, "sealed"), _b(inp, "header_digest"), inp["device"], key)
    return {"body": body.hex(), "public_key": key.public.raw.hex()}


def _body_decode(inp: Json) -> Json:
    body = decode_body(inp["family"], _b(inp, "body"))
    return {"value": typed(unpack(pack(body)))}  # the validated body, keys in wire order


def _receipt_decode_verify(inp: Json) -> Json:
    rc = Receipt.decode(_b(inp, "receipt"))
    if "verify_key" in inp:
        rc.verify(VerifyKey(_b(inp, "verify_key")))
    return {"message_id": rc.message_id.hex(), "device": rc.device, "kind": rc.kind}


def _roster_decode(inp: Json) -> Json:
    r = Roster.decode(_b(inp, "roster"))
    return {"version": r.version, "hash": r.hash().hex()}


def _roster_verify_chain(inp: Json) -> Json:
    current: Roster | None = None
    for raw in inp["rosters"]:
        new = Roster.decode(decode_bytes(raw))
        verify_transition(current, new, inp["now_ms"])
        current = new
    if current is None:
        raise DecodeError("an empty chain")
    return {"version": current.version, "hash": current.hash().hex()}


def _checkpoint_verify(inp: Json) -> Json:
    cp = Checkpoint.decode(_b(inp, "checkpoint"))
    cp.verify(Roster.decode(_b(inp, "roster")))
    return {"size": cp.size, "root": cp.root.hex(), "window_digest": cp.window_digest.hex()}


def _leaves(inp: Json) -> list[bytes]:
    return [merkle.leaf_hash(decode_bytes(e)) for e in inp["entries"]]


def _merkle_root(inp: Json) -> Json:
    leaves = _leaves(inp)
    return {"root": merkle.root(leaves).hex(), "leaves": [h.hex() for h in leaves]}


def _merkle_inclusion_prove(inp: Json) -> Json:
    proof = merkle.inclusion_proof(inp["index"], _leaves(inp))
    return {"proof": [h.hex() for h in proof]}


def _merkle_consistency_prove(inp: Json) -> Json:
    proof = merkle.consistency_proof(inp["from"], _leaves(inp))
    return {"proof": [h.hex() for h in proof]}


def _merkle_inclusion_verify(inp: Json) -> Json:
    proof = [decode_bytes(h) for h in inp["proof"]]
    leaf = merkle.leaf_hash(_b(inp, "entry"))
    if not merkle.verify_inclusion(leaf, inp["index"], inp["size"], proof, _b(inp, "root")):
        raise ProtocolError("the entry is not at that index of that tree")  # §9.4: not_in_log
    return {"leaf": leaf.hex()}


def _merkle_consistency_verify(inp: Json) -> Json:
    proof = [decode_bytes(h) for h in inp["proof"]]
    m, n = inp["from"], inp["to"]
    if not merkle.verify_consistency(m, n, _b(inp, "root_from"), _b(inp, "root_to"), proof):
        raise ProtocolError("the two tree heads are not consistent")  # §9.4: fork
    return {}


def _auth_payload(inp: Json) -> bytes:
    return auth_payload(inp["hub"], _b(inp, "conn"), _b(inp, "nonce"), inp["device"], inp["at_ms"])


def _rest_v2_payload(inp: Json) -> bytes:
    query = canonical_query(inp["query"])
    body = _b(inp, "body")
    return rest_payload(
        inp["hub"],
        inp["method"],
        inp["path"],
        query,
        body,
        inp["device"],
        inp["at_ms"],
        _b(inp, "nonce"),
    )


def _rest_canonical_query(inp: Json) -> Json:
    return {"canonical": canonical_query(inp["query"])}


def _event_verify(inp: Json) -> Json:
    raw = _b(inp, "entry")
    ev = LogEvent.decode(raw)
    check_hub_event(ev, roster=Roster.decode(_b(inp, "roster")))
    return {"type": ev.type, "leaf": merkle.leaf_hash(raw).hex()}


def _cosignature_verify(inp: Json) -> Json:
    cosig = Cosignature.decode(_b(inp, "cosignature"))
    party = cosig.verify(Checkpoint.decode(_b(inp, "checkpoint")), Roster.decode(_b(inp, "roster")))
    return {"party": party}


def _rest_v1_payload(inp: Json) -> bytes:
    return rest_payload_v1(inp["hub"], inp["method"], inp["path"], inp["device"], inp["at_ms"])


def _signed_request(payload: Callable[[Json], bytes]) -> Callable[[Json], Json]:
    def run(inp: Json) -> Json:
        data = payload(inp)
        if "signature" in inp:
            try:
                VerifyKey(_b(inp, "verify_key")).verify(_b(inp, "signature"), data)
            except ProtocolError as exc:  # the hub answers auth_failed (§8.1, §8.4)
                raise AuthError("signature does not verify") from exc
        return {"payload": data.hex()}

    return run


def _frame_decode(inp: Json) -> Json:
    data = _b(inp, "frame")
    frame = decode_frame(data, max_containers=inp.get("max_containers", 8))
    return {"type": frame.TYPE, "fields": typed(unpack(data)[1])}


def _log_entry_decode(inp: Json) -> Json:
    raw = _b(inp, "entry")
    ev = LogEvent.decode(raw)
    return {
        "type": ev.type,
        "at_ms": ev.at_ms,
        "hub": ev.hub,
        "payload": ev.payload.hex(),
        "extra": typed(ev.extra),
        "leaf": merkle.leaf_hash(raw).hex(),
    }


KINDS: Final[dict[str, Callable[[Json], Json]]] = {
    "codec.decode": _codec_decode,
    "codec.encode": _codec_encode,
    "envelope.decode_verify": _envelope_decode_verify,
    "envelope.sign": _envelope_sign,
    "sealed.open": _sealed_open,
    "body.decode": _body_decode,
    "receipt.decode_verify": _receipt_decode_verify,
    "roster.decode": _roster_decode,
    "roster.verify_chain": _roster_verify_chain,
    "checkpoint.verify": _checkpoint_verify,
    "merkle.root": _merkle_root,
    "merkle.inclusion.prove": _merkle_inclusion_prove,
    "merkle.inclusion.verify": _merkle_inclusion_verify,
    "merkle.consistency.prove": _merkle_consistency_prove,
    "merkle.consistency.verify": _merkle_consistency_verify,
    "auth.sign_verify": _signed_request(_auth_payload),
    "rest.v1.sign_verify": _signed_request(_rest_v1_payload),
    "rest.v2.sign_verify": _signed_request(_rest_v2_payload),
    "rest.canonical_query": _rest_canonical_query,
    "event.verify": _event_verify,
    "cosignature.verify": _cosignature_verify,
    "frame.decode": _frame_decode,
    "log_entry.decode": _log_entry_decode,
}

#: the code a kind reports when its check says "no" rather than raising a typed error
_REFUSAL_CODES: Final = {
    "merkle.inclusion.verify": "not_in_log",
    "merkle.consistency.verify": "fork",
}


def run_case(case: Mapping[str, Any]) -> Json:
    """The result of one case: ``{"id", "ok": True, …}`` or ``{"id", "ok": False, "code"}``."""
    kind = case["kind"]
    handler = KINDS.get(kind)
    out: Json = {"id": case.get("id")}
    if handler is None:
        return {**out, "ok": False, "code": "unsupported"}
    try:
        result = handler(dict(case["input"]))
    except ProtocolError as exc:
        code = exc.code
        if type(exc) is ProtocolError and kind in _REFUSAL_CODES:
            code = _REFUSAL_CODES[kind]
        return {**out, "ok": False, "code": code}
    return {**out, "ok": True, **result}


def matches(expect: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """§11.3: every key of ``expect`` has the same value in ``result``."""
    return all(k in result and result[k] == v for k, v in expect.items())
