"""The CBM catalogue: one module per notification family.

``validate_body(family, body)`` returns the cleaned body (defaults filled in)
or raises SchemaError naming the field. ``encode_body`` / ``decode_body``
give the canonical plaintext that is sealed inside an envelope. The envelope's
``FAMILIES`` tuple is this catalogue's keys, in this order: a family exists on
the wire exactly when it has a module here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..codec import pack, unpack
from ..constants import MAX_BODY
from ..errors import DecodeError, SchemaError
from . import (
    annual_calendar,
    annual_information,
    arms_transfer,
    clarification_request,
    clarification_response,
    cyber_incident,
    drone_flight,
    evaluation_visit_request,
    evaluation_visit_response,
    hotline_message,
    inspection_report,
    inspection_request,
    inspection_response,
    link_test,
    military_activity,
    observation_invitation,
    observation_response,
    receipt,
)

__all__ = [
    "FAMILY_MODULES",
    "OFFICER_FAMILIES",
    "decode_body",
    "default_precedence",
    "encode_body",
    "needs_reference",
    "receipt",
    "validate_body",
]

FAMILY_MODULES: dict[str, ModuleType] = {
    m.FAMILY: m
    for m in (
        military_activity,
        drone_flight,
        cyber_incident,
        arms_transfer,
        annual_information,
        hotline_message,
        clarification_request,
        clarification_response,
        observation_invitation,
        observation_response,
        link_test,
        # issue 18: the verification measures (appended: existing order unchanged)
        inspection_request,
        inspection_response,
        inspection_report,
        evaluation_visit_request,
        evaluation_visit_response,
        annual_calendar,
    )
}

#: families only officers send: a feed needs the family listed in the roster for it
OFFICER_FAMILIES: frozenset[str] = frozenset(
    name for name, m in FAMILY_MODULES.items() if getattr(m, "OFFICER_ONLY", False)
)


def _module(family: str) -> ModuleType:
    try:
        return FAMILY_MODULES[family]
    except KeyError:
        raise SchemaError(f"family: unknown {family!r}", field="family") from None


def validate_body(family: str, body: Any) -> dict[str, Any]:
    """Validate ``body`` against ``family``'s schema and return the cleaned copy."""
    if not isinstance(body, dict):
        raise SchemaError("body: must be an object", field="body")
    out: dict[str, Any] = _module(family).validate(body)
    return out


def default_precedence(family: str) -> str:
    """The precedence a family gets unless the sender chooses one."""
    return str(_module(family).DEFAULT_PRECEDENCE)


def needs_reference(family: str) -> bool:
    """Whether the envelope must carry ``in_reply_to`` (responses, requests)."""
    return bool(getattr(_module(family), "NEEDS_REFERENCE", False))


def encode_body(family: str, body: dict[str, Any]) -> bytes:
    """Validate and canonically encode a body for sealing."""
    return pack(validate_body(family, body))


def decode_body(family: str, data: bytes) -> dict[str, Any]:
    """Decode and validate an opened body."""
    obj = unpack(data, max_size=MAX_BODY)
    if not isinstance(obj, dict):
        raise DecodeError("body must be a map")
    return validate_body(family, obj)
