"""Canonical msgpack encoding and limit-enforcing decoding.

Canonical means: maps are written with keys sorted (by their UTF-8 bytes),
strings as ``str``, bytes as ``bin`` (``use_bin_type=True``), integers as the
smallest msgpack integer (unsigned forms for non-negative values) within the
signed 64-bit range, every length in its smallest form, finite floats always
as float64 (only GeoJSON coordinates use them; times are integer ms). The
same value therefore always encodes to the same bytes, which signatures need
(docs/protocol.md §2).

Decoding is strict: :func:`unpack` re-encodes what it read and refuses input
whose bytes differ, so duplicate or unsorted keys, over-long forms and float32
never get past it (docs/protocol.md §2.2).
"""

from __future__ import annotations

import math
from typing import Any, Final

import msgpack

from .constants import MAX_BIN, MAX_CONTAINER, MAX_DEPTH, MAX_FRAME, MAX_STR
from .errors import DecodeError, LimitExceeded

__all__ = ["INT_MAX", "INT_MIN", "canonical", "default_budget", "pack", "unpack"]


# Exact types that need no further look. Why a set of exact types: decoding and
# signing walk every value of every entry (an audit verifies 10^5 entries), and a
# set lookup is several times cheaper than isinstance against a union. Subclasses
# (an IntEnum, say) fall through to the isinstance checks below.
_LEAVES: frozenset[type] = frozenset({type(None), bool, str, bytes})
# Why int64 only: Go and Rust decoders read integers into int64/i64; a uint64 above
# 2**63 - 1 would decode here and fail there, so two verifiers would disagree.
INT_MIN: Final = -(1 << 63)
INT_MAX: Final = (1 << 63) - 1


def canonical(value: Any, depth: int = 0) -> Any:
    """Return ``value`` with every map's keys sorted; reject non-wire types.

    Raises:
        DecodeError: a non-finite float, a non-str map key or an unsupported type.
        LimitExceeded: nesting deeper than MAX_DEPTH.
    """
    if type(value) in _LEAVES:
        return value
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"nesting deeper than {MAX_DEPTH}")
    if value is None or isinstance(value, bool | str | bytes):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise DecodeError("integers must fit in a signed 64-bit integer")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DecodeError("floats must be finite")
        return value
    if value and depth >= MAX_DEPTH and isinstance(value, list | tuple | dict):
        raise LimitExceeded(f"nesting deeper than {MAX_DEPTH}")  # its items would be deeper
    if isinstance(value, list | tuple):
        return [v if type(v) in _LEAVES else canonical(v, depth + 1) for v in value]
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, str):
                raise DecodeError("map keys must be strings")
        return {
            k: v if type(v := value[k]) in _LEAVES else canonical(v, depth + 1)
            for k in sorted(value, key=_key_bytes)
        }
    raise DecodeError(f"type {type(value).__name__} is not allowed on the wire")


def _key_bytes(k: str) -> bytes:
    return k.encode("utf-8", "surrogatepass")


def pack(value: Any) -> bytes:
    """Encode ``value`` canonically."""
    try:
        out: bytes = msgpack.packb(canonical(value), use_bin_type=True, use_single_float=False)
    except (OverflowError, ValueError, UnicodeEncodeError) as exc:
        raise DecodeError(f"cannot encode: {exc}") from exc
    return out


def default_budget(size: int) -> int:
    """Containers (arrays + maps) a decoder builds at most for ``size`` bytes.

    docs/protocol.md §2.3. Why a budget: a 1 MiB frame of a million one-byte empty
    arrays is valid msgpack within every per-container limit, and building it cost the
    hub's single event loop up to a second before any check ran. Legitimate objects are
    sparse in containers (a GeoJSON coordinate pair is ≥ 19 bytes per array), so one
    container per 16 bytes plus a small base never refuses real data.
    """
    return 64 + size // 16


class _Budget:
    """Counts containers as msgpack finishes them and stops the decoder past the limit."""

    __slots__ = ("left",)

    def __init__(self, limit: int) -> None:
        self.left = limit

    def list_hook(self, value: list[Any]) -> list[Any]:
        self.left -= 1
        if self.left < 0:
            raise _OverBudget
        return value

    def pairs_hook(self, pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
        self.left -= 1
        if self.left < 0:
            raise _OverBudget
        out = dict(pairs)
        if len(out) != len(pairs):
            # Why: a map with a repeated key has two readings; the canonical form has one.
            raise _DuplicateKey
        return out


class _OverBudget(Exception):
    pass


class _DuplicateKey(Exception):
    pass


def unpack(
    data: bytes,
    *,
    max_size: int = MAX_FRAME,
    max_containers: int | None = None,
    canonical: bool = True,
) -> Any:
    """Decode one msgpack object from ``data`` with explicit limits.

    Args:
        max_size: the most bytes accepted, checked before anything is decoded.
        max_containers: the most arrays + maps built (default :func:`default_budget`);
            decoders of fixed shapes (an envelope has two) pass their exact need, so an
            object bomb stops after a handful of objects, not a million.
        canonical: refuse input that is not the canonical encoding of what it decodes
            to (docs/protocol.md §2.2). Only a caller that compares the bytes itself
            may turn this off.

    Raises:
        LimitExceeded: data larger than ``max_size``, more containers than allowed, or
            any inner limit.
        DecodeError: not exactly one well-formed, canonical msgpack object of wire types
            (a map with a repeated key included).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DecodeError("expected bytes")
    if len(data) > max_size:
        raise LimitExceeded(f"{len(data)} bytes exceeds the limit of {max_size}")
    limit = default_budget(len(data)) if max_containers is None else max_containers
    value = _decode(data, max_size, _Budget(limit))
    _check_types(value, 0)
    # Why re-encode: one comparison rejects every non-canonical form at once (duplicate
    # or unsorted keys, over-long integers and lengths, float32), so no two byte strings
    # decode to the same value and no two decoders can read one input differently.
    if canonical and pack(value) != data:
        raise DecodeError("not canonically encoded")
    return value


def _decode(data: bytes | bytearray | memoryview, max_size: int, budget: _Budget) -> Any:
    unpacker = msgpack.Unpacker(
        raw=False,
        use_list=True,
        strict_map_key=True,
        max_buffer_size=max(max_size, 1),
        max_str_len=MAX_STR,
        max_bin_len=MAX_BIN,
        max_array_len=MAX_CONTAINER,
        max_map_len=MAX_CONTAINER,
        max_ext_len=0,
        list_hook=budget.list_hook,
        object_pairs_hook=budget.pairs_hook,
    )
    try:
        unpacker.feed(data)
        value = unpacker.unpack()
    except _OverBudget as exc:
        raise LimitExceeded("too many arrays and maps for the size of the object") from exc
    except _DuplicateKey as exc:
        raise DecodeError("a map repeats a key") from exc
    except msgpack.OutOfData as exc:
        raise DecodeError("truncated msgpack data") from exc
    except (msgpack.StackError, RecursionError) as exc:
        raise LimitExceeded(f"nesting deeper than {MAX_DEPTH}") from exc
    except ValueError as exc:  # includes ExtraData, FormatError, oversize lengths
        if "max_ext_len" in str(exc):  # an ext type, however short: not a size problem
            raise DecodeError("ext types are not allowed on the wire") from exc
        if "exceeds" in str(exc):
            raise LimitExceeded(str(exc)) from exc
        raise DecodeError(f"malformed msgpack: {exc}") from exc
    except (TypeError, msgpack.UnpackException) as exc:
        raise DecodeError(f"malformed msgpack: {exc}") from exc
    if unpacker.tell() != len(data):
        raise DecodeError("trailing bytes after the object")
    return value


def _check_types(value: Any, depth: int) -> None:
    # Why: msgpack can carry NaN, ext types, timestamps, bytes map keys and uint64
    # values above int64; none is legal on our wire, and nesting is bounded separately
    # from msgpack's own stack. msgpack hands back exact builtin types, so exact-type
    # tests are the whole check.
    t = type(value)
    if t in _LEAVES:
        return
    if t is int:
        if not INT_MIN <= value <= INT_MAX:
            raise DecodeError("integers must fit in a signed 64-bit integer")
        return
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"nesting deeper than {MAX_DEPTH}")
    if t is float:
        if not math.isfinite(value):
            raise DecodeError("floats must be finite")
        return
    if t is list or t is dict:
        if value and depth >= MAX_DEPTH:
            raise LimitExceeded(f"nesting deeper than {MAX_DEPTH}")  # its items would be deeper
        if t is dict and any(type(k) is not str for k in value):
            raise DecodeError("map keys must be strings")
        for v in value if t is list else value.values():
            if type(v) not in _LEAVES:
                _check_types(v, depth + 1)
        return
    raise DecodeError(f"type {type(value).__name__} is not allowed on the wire")
