"""Canonical msgpack cases (docs/protocol.md §2): one encoding per value, every rejection."""

from __future__ import annotations

import struct
from typing import Any

from hotline.protocol.codec import INT_MAX, INT_MIN
from hotline.protocol.conformance import typed
from hotline.protocol.constants import MAX_BIN, MAX_CONTAINER, MAX_DEPTH, MAX_STR

from .common import case, err, ok

__all__ = ["codec_cases"]

_VALUES: list[tuple[str, Any, str]] = [
    ("int/0", 0, "00"),
    ("int/127", 127, "7f"),
    ("int/128-uint8", 128, "cc80"),
    ("int/255", 255, "ccff"),
    ("int/256-uint16", 256, "cd0100"),
    ("int/65536-uint32", 65536, "ce00010000"),
    ("int/2^32-uint64", 2**32, "cf0000000100000000"),
    ("int/int64-max", INT_MAX, "cf7fffffffffffffff"),
    ("int/-1", -1, "ff"),
    ("int/-32", -32, "e0"),
    ("int/-33-int8", -33, "d0df"),
    ("int/-129-int16", -129, "d1ff7f"),
    ("int/-32769-int32", -32769, "d2ffff7fff"),
    ("int/-2^31-1-int64", -(2**31) - 1, "d3ffffffff7fffffff"),
    ("int/int64-min", INT_MIN, "d38000000000000000"),
    ("nil", None, "c0"),
    ("bool/false", False, "c2"),
    ("bool/true", True, "c3"),
    ("str/empty", "", "a0"),
    ("str/31-fixstr", "a" * 31, "bf" + "61" * 31),
    ("str/32-str8", "a" * 32, "d920" + "61" * 32),
    ("str/256-str16", "a" * 256, "da0100" + "61" * 256),
    ("str/utf8-length-in-bytes", "Здраво", "ac" + "Здраво".encode().hex()),
    ("bin/empty-bin8", b"", "c400"),
    ("bin/256-bin16", b"\x00" * 256, "c50100" + "00" * 256),
    ("array/16-array16", [0] * 16, "dc0010" + "00" * 16),
    ("map/keys-by-utf8-bytes", {"é": 1, "aa": 2, "a": 3, "B": 4}, "84a14204a16103a2616102a2c3a901"),
    ("float/1.0-stays-float64", 1.0, "cb3ff0000000000000"),
    ("float/-0.0-keeps-sign", -0.0, "cb8000000000000000"),
    ("float/subnormal", 5e-324, "cb0000000000000001"),
]

_REJECTED: list[tuple[str, str, str]] = [
    ("empty", "", "decode_error"),
    ("truncated", "92c0", "decode_error"),
    ("reserved-c1", "c1", "decode_error"),
    ("trailing-byte", "c0c0", "decode_error"),
    ("uint8-for-5", "cc05", "decode_error"),
    ("uint64-for-5", "cf0000000000000005", "decode_error"),
    ("int8-for-positive", "d005", "decode_error"),
    ("int8-for-fixint-negative", "d0fb", "decode_error"),
    ("int16-for-int8", "d1ff9c", "decode_error"),
    ("uint64-above-int64", "cf8000000000000000", "decode_error"),
    ("str8-for-fixstr", "d90161", "decode_error"),
    ("str16-for-str8", "da0020" + "61" * 32, "decode_error"),
    ("bin16-for-bin8", "c50003616161", "decode_error"),
    ("array16-for-fixarray", "dc000100", "decode_error"),
    ("map16-for-fixmap", "de0001a16100", "decode_error"),
    ("float32", "ca3f800000", "decode_error"),
    ("nan", "cb7ff8000000000000", "decode_error"),
    ("infinity", "cb7ff0000000000000", "decode_error"),
    ("ext-fixext1", "d40100", "decode_error"),
    ("ext-timestamp", "d6ff00000000", "decode_error"),
    ("int-map-key", "810101", "decode_error"),
    ("bin-map-key", "81c4016101", "decode_error"),
    ("duplicate-key", "82a16101a16102", "decode_error"),
    ("unsorted-keys", "82a16201a16102", "decode_error"),
    ("invalid-utf8", "a2fffe", "decode_error"),
    ("overlong-utf8", "a2c080", "decode_error"),
    ("surrogate-utf8", "a3eda080", "decode_error"),
    ("nesting-17", "91" * (MAX_DEPTH + 1) + "01", "limit_exceeded"),
    ("array-4g-declared", "ddffffffff", "limit_exceeded"),
]


def _limits() -> list[dict]:
    ok_depth = "91" * MAX_DEPTH + "01"
    n = MAX_CONTAINER
    return [
        case(
            "codec/limit/nesting-16-ok",
            "codec.decode",
            "a leaf at depth 16 is allowed",
            {"bytes": ok_depth},
            ok(),
        ),
        case(
            "codec/limit/array-4096-ok",
            "codec.decode",
            "4096 elements are allowed",
            {"bytes": ["dc" + n.to_bytes(2, "big").hex(), ["00", n]]},
            ok(),
        ),
        case(
            "codec/limit/array-4097",
            "codec.decode",
            "one element over the limit",
            {"bytes": ["dc" + (n + 1).to_bytes(2, "big").hex(), ["00", n + 1]]},
            err("limit_exceeded"),
        ),
        case(
            "codec/limit/map-4097",
            "codec.decode",
            "one entry over the limit",
            {
                "bytes": ["de" + (n + 1).to_bytes(2, "big").hex()]
                + [f"a5{f'{i:05d}'.encode().hex()}00" for i in range(n + 1)]
            },
            err("limit_exceeded"),
        ),
        case(
            "codec/limit/str-65536-ok",
            "codec.decode",
            "a string of exactly 64 KiB",
            {"bytes": ["db" + MAX_STR.to_bytes(4, "big").hex(), ["61", MAX_STR]]},
            ok(),
        ),
        case(
            "codec/limit/str-65537",
            "codec.decode",
            "a string one byte over 64 KiB",
            {"bytes": ["db" + (MAX_STR + 1).to_bytes(4, "big").hex(), ["61", MAX_STR + 1]]},
            err("limit_exceeded"),
        ),
        case(
            "codec/limit/bin-524288-ok",
            "codec.decode",
            "a byte string of exactly 512 KiB",
            {"bytes": ["c6" + MAX_BIN.to_bytes(4, "big").hex(), ["00", MAX_BIN]]},
            ok(),
        ),
        case(
            "codec/limit/bin-524289",
            "codec.decode",
            "a byte string one byte over 512 KiB",
            {"bytes": ["c6" + (MAX_BIN + 1).to_bytes(4, "big").hex(), ["00", MAX_BIN + 1]]},
            err("limit_exceeded"),
        ),
        case(
            "codec/limit/input-over-max-size",
            "codec.decode",
            "the input is longer than the limit the caller gives",
            {"bytes": "a3616263", "max_size": 3},
            err("limit_exceeded"),
        ),
    ]


def codec_cases() -> list[dict]:
    out = []
    for name, value, hexed in _VALUES:
        out.append(
            case(
                f"codec/encode/{name}",
                "codec.encode",
                "the one canonical encoding",
                {"value": typed(value)},
                ok(bytes=hexed),
            )
        )
        if isinstance(value, dict):  # decoded maps list their keys in wire order
            value = dict(sorted(value.items(), key=lambda kv: kv[0].encode()))
        out.append(
            case(
                f"codec/decode/{name}",
                "codec.decode",
                "decodes to the typed value",
                {"bytes": hexed},
                ok(value=typed(value)),
            )
        )
    for name, hexed, code in _REJECTED:
        out.append(
            case(
                f"codec/reject/{name}",
                "codec.decode",
                f"not canonical: {name}",
                {"bytes": hexed},
                err(code),
            )
        )
    nan = struct.pack(">d", float("nan")).hex()
    out.append(
        case(
            "codec/encode/nan",
            "codec.encode",
            "NaN cannot be encoded",
            {"value": ["float", nan]},
            err("decode_error"),
        )
    )
    out.append(
        case(
            "codec/encode/uint64-above-int64",
            "codec.encode",
            "2^63 cannot be encoded",
            {"value": ["int", str(2**63)]},
            err("decode_error"),
        )
    )
    return out + _limits()
