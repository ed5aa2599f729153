"""The JSON forms of the conformance suite (docs/protocol.md §11.2).

Byte strings are lower-case hex, or a list of parts, each a hex string or ``[hex,
count]`` (so a 600 KiB input stays small in the file); decoded msgpack values are
typed: ``["nil"]``, ``["bool", b]``, ``["int", "<decimal>"]``, ``["float", "<16 hex
digits of the IEEE 754 binary64, big-endian>"]``, ``["str", s]``, ``["bin", hex]``,
``["array", [v…]]``, ``["map", [[key, v]…]]`` (keys in wire order).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import DecodeError

__all__ = ["Json", "Kind", "b", "decode_bytes", "hexes", "typed", "untyped"]

Json = dict[str, Any]
Kind = Callable[[Json], Json]


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


def b(inp: Mapping[str, Any], name: str) -> bytes:
    """The byte string input ``name``."""
    return decode_bytes(inp[name])


def hexes(values: Any) -> list[bytes]:
    """A list of byte strings (hashes, rosters …) in their JSON form."""
    return [decode_bytes(v) for v in values]


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
