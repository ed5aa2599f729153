"""Kinds for what a device signs and sends (docs/protocol.md §8, §11.5): auth, REST, frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ..auth import auth_payload, canonical_query, rest_payload, rest_payload_v1
from ..codec import unpack
from ..errors import AuthError, ProtocolError
from ..frames import decode_frame
from ..keys import VerifyKey
from .forms import Json, Kind, b, typed

__all__ = ["KINDS"]


def _auth_payload(inp: Json) -> bytes:
    return auth_payload(inp["hub"], b(inp, "conn"), b(inp, "nonce"), inp["device"], inp["at_ms"])


def _rest_v1_payload(inp: Json) -> bytes:
    return rest_payload_v1(inp["hub"], inp["method"], inp["path"], inp["device"], inp["at_ms"])


def _rest_v2_payload(inp: Json) -> bytes:
    return rest_payload(
        inp["hub"],
        inp["method"],
        inp["path"],
        canonical_query(inp["query"]),
        b(inp, "body"),
        inp["device"],
        inp["at_ms"],
        b(inp, "nonce"),
    )


def _signed_request(payload: Callable[[Json], bytes]) -> Kind:
    def run(inp: Json) -> Json:
        data = payload(inp)
        if "signature" in inp:
            try:
                VerifyKey(b(inp, "verify_key")).verify(b(inp, "signature"), data)
            except ProtocolError as exc:  # the hub answers auth_failed (§8.1, §8.4)
                raise AuthError("signature does not verify") from exc
        return {"payload": data.hex()}

    return run


def _rest_canonical_query(inp: Json) -> Json:
    return {"canonical": canonical_query(inp["query"])}


def _frame_decode(inp: Json) -> Json:
    data = b(inp, "frame")
    frame = decode_frame(data, max_containers=inp.get("max_containers", 8))
    return {"type": frame.TYPE, "fields": typed(unpack(data)[1])}


KINDS: Final[dict[str, Kind]] = {
    "auth.sign_verify": _signed_request(_auth_payload),
    "rest.v1.sign_verify": _signed_request(_rest_v1_payload),
    "rest.v2.sign_verify": _signed_request(_rest_v2_payload),
    "rest.canonical_query": _rest_canonical_query,
    "frame.decode": _frame_decode,
}
