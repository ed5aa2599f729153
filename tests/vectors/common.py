"""Helpers for building conformance cases (docs/protocol.md §11)."""

from __future__ import annotations

from typing import Any

from hotline.protocol import pack, unpack
from hotline.protocol.conformance import typed

__all__ = ["case", "compact", "err", "hexed", "ok", "repack", "wire_typed"]


def case(cid: str, kind: str, note: str, inp: dict[str, Any], expect: dict[str, Any]) -> dict:
    """One case; ``note`` says in a line what it checks and, if negative, the one fault."""
    return {"id": cid, "kind": kind, "note": note, "input": inp, "expect": expect}


def ok(**outputs: Any) -> dict[str, Any]:
    return {"ok": True, **outputs}


def err(code: str) -> dict[str, Any]:
    return {"ok": False, "code": code}


def hexed(data: bytes) -> str:
    return data.hex()


def repack(data: bytes, edit: Any) -> bytes:
    """Decode canonical bytes, let ``edit`` change the value in place, re-encode."""
    value = unpack(data)
    edit(value)
    return pack(value)


def wire_typed(value: Any) -> list[Any]:
    """The typed JSON form of ``value`` as a decoder reports it: keys in wire order."""
    return typed(unpack(pack(value)))


def compact(data: bytes, min_run: int = 1024) -> Any:
    """The JSON form of ``data`` (§11.2), with its longest run of one byte as [hex, count]."""
    best, i = (0, 0), 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        if j - i > best[1] - best[0]:
            best = (i, j)
        i = j
    lo, hi = best
    if hi - lo < min_run:
        return data.hex()
    return [data[:lo].hex(), [data[lo : lo + 1].hex(), hi - lo], data[hi:].hex()]
