"""What every frame shares: the base class, field readers, delivery ids (docs/protocol.md §8.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

from ..codec import pack
from ..errors import SchemaError

__all__ = ["ACK_MAX", "PROVE_MAX", "Frame", "Sender", "excerpt", "is_delivery_id", "maybe", "need"]

Sender = Literal["hub", "client"]

#: the most delivery ids one ack frame carries, and the most proofs one prove asks for
ACK_MAX: Final = 1000
PROVE_MAX: Final = 256
_DELIVERY_ID: Final = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")


def is_delivery_id(v: object) -> bool:
    """A delivery id is a Redis stream id ``ms-seq`` (docs/protocol.md §8.3)."""
    return isinstance(v, str) and _DELIVERY_ID.fullmatch(v) is not None


def need(ftype: str, f: dict[str, Any], name: str, typ: type, size: int | None = None) -> Any:
    v: Any = f.get(name)
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise SchemaError(f"{ftype}.{name}: missing or not a {typ.__name__}", field=name)
    if isinstance(v, int) and v < 0:
        raise SchemaError(f"{ftype}.{name}: must not be negative", field=name)
    if size is not None and isinstance(v, bytes) and len(v) != size:
        raise SchemaError(f"{ftype}.{name}: must be {size} bytes", field=name)
    return v


def maybe(ftype: str, f: dict[str, Any], name: str, typ: type, default: Any) -> Any:
    return default if f.get(name) is None else need(ftype, f, name, typ)


def excerpt(v: object) -> str:
    """A short, printable rendering of a peer's bad value (never echo it whole)."""
    text = repr(v)
    return text[:24] + ("…" if len(text) > 24 else "")


@dataclass(frozen=True, slots=True)
class Frame:
    """Base of every frame: its wire type and who may send it."""

    TYPE: ClassVar[str] = ""
    SENDERS: ClassVar[tuple[Sender, ...]] = ()

    def fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def encode(self) -> bytes:
        return pack([self.TYPE, self.fields()])

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Frame:
        raise NotImplementedError
