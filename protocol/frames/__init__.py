"""Frames: the typed messages of the websocket session (docs/protocol.md §8).

Every websocket message carries one frame, the canonical msgpack array
``[type, {fields}]``. Each frame type is one frozen class here with its fields typed;
:func:`decode_frame` turns bytes into one of them or raises a typed error naming the
field, and ``frame.encode()`` gives the bytes. Extra fields a peer sends are ignored
(a newer peer may add some); missing or mistyped required fields are ``schema_error``,
bytes that are not a frame at all are ``decode_error``.
"""

from __future__ import annotations

from typing import Final

from ..codec import unpack
from ..constants import MAX_FRAME
from ..errors import DecodeError
from .base import ACK_MAX, PROVE_MAX, Frame, excerpt, is_delivery_id
from .handshake import Auth, Bye, Challenge, Error, Welcome
from .log import (
    Alert,
    CheckpointPush,
    Consistency,
    ConsistencyProof,
    Cosign,
    ForkProof,
    Proofs,
    Prove,
    RosterPush,
)
from .messages import Accepted, Ack, Deliver, ReceiptSubmit, Status, StatusResult, Submit

__all__ = [
    "ACK_MAX",
    "FRAME_TYPES",
    "PROVE_MAX",
    "Accepted",
    "Ack",
    "Alert",
    "Auth",
    "Bye",
    "Challenge",
    "CheckpointPush",
    "Consistency",
    "ConsistencyProof",
    "Cosign",
    "Deliver",
    "Error",
    "ForkProof",
    "Frame",
    "Proofs",
    "Prove",
    "ReceiptSubmit",
    "RosterPush",
    "Status",
    "StatusResult",
    "Submit",
    "Welcome",
    "decode_frame",
    "is_delivery_id",
]


_CLASSES: Final[tuple[type[Frame], ...]] = (
    Challenge,
    Auth,
    Welcome,
    Submit,
    Accepted,
    Deliver,
    Ack,
    ReceiptSubmit,
    Status,
    StatusResult,
    RosterPush,
    CheckpointPush,
    Cosign,
    Prove,
    Proofs,
    Consistency,
    ConsistencyProof,
    ForkProof,
    Alert,
    Error,
    Bye,
)
#: frame type → class (docs/protocol.md §8.1)
FRAME_TYPES: Final[dict[str, type[Frame]]] = {c.TYPE: c for c in _CLASSES}


def decode_frame(data: bytes, *, max_size: int = MAX_FRAME, max_containers: int = 8) -> Frame:
    """Parse one frame. ``max_containers`` bounds the arrays and maps built (§2.3).

    Raises:
        LimitExceeded: over ``max_size`` (checked before decoding) or the container budget.
        DecodeError: not a frame (not ``[type, {fields}]``, unknown type).
        SchemaError: a required field is missing or mistyped (``field`` names it).
    """
    obj = unpack(data, max_size=max_size, max_containers=max_containers)
    if not (
        isinstance(obj, list)
        and len(obj) == 2
        and isinstance(obj[0], str)
        and isinstance(obj[1], dict)
    ):
        raise DecodeError("a frame is [type, {fields}]")
    cls = FRAME_TYPES.get(obj[0])
    if cls is None:
        raise DecodeError(f"unknown frame type {excerpt(obj[0])}")
    return cls.from_fields(obj[1])
