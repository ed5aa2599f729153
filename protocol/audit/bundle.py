"""The audit bundle: a self-contained file of everything an auditor needs (docs/audit.md).

A bundle is ``MAGIC`` followed by records ``u32 length (big-endian) ‖ pack([kind,
value])``. Kinds: ``header`` (a map), ``roster`` (roster bytes, in chain order),
``entry`` (``[log stream id, event bytes]``, in log order), ``checkpoint`` (checkpoint
bytes with their window leaves) and ``cosignature`` (the bytes of a
:class:`~..witness.Cosignature`). Every record is read with the decoder's limits.

Two ways a file fails to be a bundle are told apart, because they call for different
actions: *garbage* (no magic, or a record that is not ``[kind, value]``: the wrong file,
or one edited by hand) and *truncated* (well-formed records, then the file stops inside
one: an interrupted download or copy — fetch it again). A truncated bundle still yields
the records before the cut, so the auditor can verify what arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from ..codec import pack, unpack
from ..constants import MAX_FRAME
from ..errors import DecodeError, LimitExceeded, ProtocolError

__all__ = [
    "MAGIC",
    "MAX_RECORDS",
    "RECORD_KINDS",
    "Bundle",
    "NotABundle",
    "TruncatedBundle",
    "bundle_record",
    "read_bundle",
    "read_bundle_prefix",
    "write_bundle",
]

MAGIC: Final = b"CBMAUDIT1\n"
MAX_RECORDS: Final = 50_000_000
RECORD_KINDS: Final = ("header", "roster", "entry", "checkpoint", "cosignature")


class NotABundle(DecodeError):
    """Garbage: no magic, or a record that is not ``[kind, value]`` of a known kind."""

    code = "not_a_bundle"


class TruncatedBundle(DecodeError):
    """The file ends inside a record: everything before it was well-formed."""

    code = "truncated_bundle"


@dataclass
class Bundle:
    """The records of one bundle, by kind, in file order."""

    header: dict[str, Any] = field(default_factory=dict)
    rosters: list[bytes] = field(default_factory=list)
    entries: list[tuple[str, bytes]] = field(default_factory=list)
    checkpoints: list[bytes] = field(default_factory=list)
    cosignatures: list[bytes] = field(default_factory=list)


def bundle_record(kind: str, value: Any) -> bytes:
    """One record: its length prefix and ``pack([kind, value])``."""
    body = pack([kind, value])
    return len(body).to_bytes(4, "big") + body


def write_bundle(
    header: dict[str, Any],
    rosters: Iterable[bytes] = (),
    entries: Iterable[tuple[str, bytes]] = (),
    checkpoints: Iterable[bytes] = (),
    cosignatures: Iterable[bytes] = (),
) -> bytes:
    """A whole bundle in the order the hub's export writes it."""
    out = [MAGIC, bundle_record("header", header)]
    out += [bundle_record("roster", r) for r in rosters]
    out += [bundle_record("entry", [sid, e]) for sid, e in entries]
    out += [bundle_record("checkpoint", c) for c in checkpoints]
    out += [bundle_record("cosignature", c) for c in cosignatures]
    return b"".join(out)


def _records(data: bytes | memoryview) -> Iterator[tuple[str, Any]]:
    view = memoryview(data)
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise NotABundle("no CBMAUDIT1 magic at the start")
    off, count = len(MAGIC), 0
    while off < len(view):
        count += 1
        if count > MAX_RECORDS:
            raise LimitExceeded(f"more than {MAX_RECORDS} records")
        if off + 4 > len(view):
            raise TruncatedBundle(f"the file ends inside the length of record {count}")
        n = int.from_bytes(view[off : off + 4], "big")
        if n > MAX_FRAME:
            raise NotABundle(f"record {count} claims {n} bytes, more than {MAX_FRAME}")
        if off + 4 + n > len(view):
            raise TruncatedBundle(
                f"the file ends inside record {count} ({len(view) - off - 4} of {n} bytes)"
            )
        try:
            obj = unpack(bytes(view[off + 4 : off + 4 + n]))
        except ProtocolError as exc:
            raise NotABundle(f"record {count} does not decode: {exc.message}") from exc
        if not (isinstance(obj, list) and len(obj) == 2 and isinstance(obj[0], str)):
            raise NotABundle(f"record {count} is not [kind, value]")
        yield obj[0], obj[1]
        off += 4 + n


def _add(b: Bundle, kind: str, value: Any, n: int) -> None:
    if kind == "header" and isinstance(value, dict):
        b.header = value
    elif kind == "roster" and isinstance(value, bytes):
        b.rosters.append(value)
    elif (
        kind == "entry"
        and isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], bytes)
    ):
        b.entries.append((value[0], value[1]))
    elif kind == "checkpoint" and isinstance(value, bytes):
        b.checkpoints.append(value)
    elif kind == "cosignature" and isinstance(value, bytes):
        b.cosignatures.append(value)
    else:
        raise NotABundle(f"record {n}: unknown or malformed {kind!r} record")


def read_bundle_prefix(data: bytes | memoryview) -> tuple[Bundle, TruncatedBundle | None]:
    """Parse a bundle; a truncated one yields the records before the cut and the error.

    Raises:
        NotABundle / LimitExceeded: garbage — nothing in it can be trusted to be a record.
    """
    b = Bundle()
    try:
        for n, (kind, value) in enumerate(_records(data), 1):
            _add(b, kind, value, n)
    except TruncatedBundle as exc:
        return b, exc
    return b, None


def read_bundle(data: bytes | memoryview) -> Bundle:
    """Parse a whole bundle; raises only ProtocolError subclasses (truncation included)."""
    b, cut = read_bundle_prefix(data)
    if cut is not None:
        raise cut
    return b
