"""Kinds for the signed objects (docs/protocol.md §2-§7, §11.5): bytes in, fields out."""

from __future__ import annotations

from typing import Final

from ..catalogue import decode_body
from ..codec import pack, unpack
from ..constants import DOMAIN_ENVELOPE, MAX_FRAME
from ..envelope import Envelope
from ..errors import DecodeError
from ..keys import SUITES, EncryptionPrivateKey, SigningKey, VerifyKey
from ..receipts import Receipt
from ..roster import Roster, verify_transition
from ..sealing import open_sealed
from .forms import Json, Kind, b, decode_bytes, typed, untyped

__all__ = ["KINDS"]


def _codec_decode(inp: Json) -> Json:
    return {"value": typed(unpack(b(inp, "bytes"), max_size=inp.get("max_size", MAX_FRAME)))}


def _codec_encode(inp: Json) -> Json:
    return {"bytes": pack(untyped(inp["value"])).hex()}


def _envelope_decode_verify(inp: Json) -> Json:
    env = Envelope.decode(b(inp, "envelope"))
    if "verify_key" in inp:
        env.verify(VerifyKey(b(inp, "verify_key")))
    return {
        "message_id": env.id.hex(),
        "device": env.device,
        "family": env.family,
        "header_digest": env.header_digest().hex(),
    }


def _envelope_sign(inp: Json) -> Json:
    env = Envelope.decode(b(inp, "envelope")).signed(SigningKey(b(inp, "sign_seed")))
    signed = DOMAIN_ENVELOPE + pack(env.signed_payload())
    return {"envelope": env.encode().hex(), "signed_bytes": signed.hex()}


def _sealed_open(inp: Json) -> Json:
    suite = inp["suite"]
    if suite not in SUITES:
        raise DecodeError(f"unknown suite {suite!r}")
    key = EncryptionPrivateKey(suite, b(inp, "private_key"))
    body = open_sealed(b(inp, "sealed"), b(inp, "header_digest"), inp["device"], key)
    return {"body": body.hex(), "public_key": key.public.raw.hex()}


def _body_decode(inp: Json) -> Json:
    body = decode_body(inp["family"], b(inp, "body"))
    return {"value": typed(unpack(pack(body)))}  # the validated body, keys in wire order


def _receipt_decode_verify(inp: Json) -> Json:
    rc = Receipt.decode(b(inp, "receipt"))
    if "verify_key" in inp:
        rc.verify(VerifyKey(b(inp, "verify_key")))
    return {"message_id": rc.message_id.hex(), "device": rc.device, "kind": rc.kind}


def _roster_decode(inp: Json) -> Json:
    r = Roster.decode(b(inp, "roster"))
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


KINDS: Final[dict[str, Kind]] = {
    "codec.decode": _codec_decode,
    "codec.encode": _codec_encode,
    "envelope.decode_verify": _envelope_decode_verify,
    "envelope.sign": _envelope_sign,
    "sealed.open": _sealed_open,
    "body.decode": _body_decode,
    "receipt.decode_verify": _receipt_decode_verify,
    "roster.decode": _roster_decode,
    "roster.verify_chain": _roster_verify_chain,
}
