"""Canonical msgpack (docs/protocol.md §2): every rule of the spec, shown on the codec."""

from __future__ import annotations

import contextlib
import struct

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol.codec import INT_MAX, INT_MIN, pack, unpack
from hotline.protocol.constants import MAX_BIN, MAX_CONTAINER, MAX_DEPTH, MAX_STR
from hotline.protocol.errors import DecodeError, LimitExceeded, ProtocolError

int64 = st.integers(INT_MIN, INT_MAX)
wire_values = st.recursive(
    st.none()
    | st.booleans()
    | int64
    | st.text(max_size=300)
    | st.binary(max_size=300)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=20)
        | st.dictionaries(st.text(max_size=10), children, max_size=20)
    ),
    max_leaves=40,
)


@given(wire_values)
def test_pack_unpack_roundtrip_is_canonical(value: object) -> None:
    data = pack(value)
    assert pack(unpack(data)) == data


def test_map_keys_are_sorted_regardless_of_insertion_order() -> None:
    assert pack({"b": 1, "a": 2}) == pack({"a": 2, "b": 1})


# -- §2.1: the one encoding of each value ------------------------------------------------
CANONICAL = [
    (0, "00"),
    (127, "7f"),
    (128, "cc80"),  # non-negative: always an unsigned form, never int8/int16
    (255, "ccff"),
    (256, "cd0100"),
    (65535, "cdffff"),
    (65536, "ce00010000"),
    (2**32 - 1, "ceffffffff"),
    (2**32, "cf0000000100000000"),
    (INT_MAX, "cf7fffffffffffffff"),
    (-1, "ff"),
    (-32, "e0"),
    (-33, "d0df"),
    (-128, "d080"),
    (-129, "d1ff7f"),
    (-32768, "d18000"),
    (-32769, "d2ffff7fff"),
    (-(2**31), "d280000000"),
    (-(2**31) - 1, "d3ffffffff7fffffff"),
    (INT_MIN, "d38000000000000000"),
    (None, "c0"),
    (False, "c2"),
    (True, "c3"),
    ("", "a0"),
    ("a" * 31, "bf" + "61" * 31),
    ("a" * 32, "d920" + "61" * 32),  # str8 from 32 bytes (use_bin_type)
    ("a" * 255, "d9ff" + "61" * 255),
    ("a" * 256, "da0100" + "61" * 256),
    ("é", "a2c3a9"),  # the length counts UTF-8 bytes, not characters
    (b"", "c400"),  # bytes are always bin, never str
    (b"\x00" * 255, "c4ff" + "00" * 255),
    (b"\x00" * 256, "c50100" + "00" * 256),
    ([], "90"),
    ([0] * 15, "9f" + "00" * 15),
    ([0] * 16, "dc0010" + "00" * 16),
    ({}, "80"),
    (1.0, "cb3ff0000000000000"),  # an integral float stays a float, and float64
    (0.0, "cb0000000000000000"),
    (-0.0, "cb8000000000000000"),  # -0.0 keeps its sign bit
    (1.5, "cb3ff8000000000000"),
    (5e-324, "cb0000000000000001"),  # subnormals are ordinary finite floats
]


@pytest.mark.parametrize(("value", "hexed"), CANONICAL, ids=lambda x: repr(x)[:24])
def test_each_value_has_exactly_one_encoding(value: object, hexed: str) -> None:
    assert pack(value).hex() == hexed
    assert unpack(bytes.fromhex(hexed)) == value


def test_keys_sort_by_utf8_bytes_not_by_locale_or_length() -> None:
    data = pack({"é": 1, "aa": 2, "a": 3, "B": 4, "中": 5, "z": 6})
    pairs = msgpack.unpackb(data, object_pairs_hook=list)
    assert [k for k, _ in pairs] == ["B", "a", "aa", "z", "é", "中"]


def test_map_of_16_entries_uses_map16() -> None:
    data = pack({f"k{i:02}": 0 for i in range(16)})
    assert data[:3] == b"\xde\x00\x10"


@given(int64)
def test_integers_take_the_smallest_form_signed_only_when_negative(n: int) -> None:
    data = pack(n)
    first = data[0]
    if n >= 0:
        assert first <= 0x7F or first in (0xCC, 0xCD, 0xCE, 0xCF)
        width = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}.get(first, 0)
    else:
        assert first >= 0xE0 or first in (0xD0, 0xD1, 0xD2, 0xD3)
        width = {0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}.get(first, 0)
    if width > 1:  # one size smaller would not have held it
        half = width * 4
        assert not (-(1 << (half - 1)) <= n < (1 << half))


@given(st.dictionaries(st.text(max_size=8), st.integers(0, 9), min_size=2, max_size=8))
def test_decoder_refuses_any_other_key_order(d: dict[str, int]) -> None:
    keys = sorted(d, key=lambda k: k.encode(), reverse=True)
    body = b"".join(msgpack.packb(k) + msgpack.packb(d[k]) for k in keys)
    data = bytes([0x80 | len(d)]) + body
    with pytest.raises(DecodeError):
        unpack(data)


@given(st.integers(0, 2**16 - 1))
def test_decoder_refuses_every_wider_integer_form(n: int) -> None:
    for tag, fmt in ((0xCD, ">H"), (0xCE, ">I"), (0xCF, ">Q"), (0xD1, ">h"), (0xD2, ">i")):
        try:
            wide = bytes([tag]) + struct.pack(fmt, n)
        except struct.error:
            continue  # does not fit that form at all
        if wide != pack(n):
            with pytest.raises(DecodeError):
                unpack(wide)


@given(st.text(min_size=0, max_size=40))
def test_decoder_refuses_longer_length_forms_for_strings(s: str) -> None:
    raw = s.encode()
    for wide in (b"\xd9" + struct.pack(">B", len(raw)), b"\xda" + struct.pack(">H", len(raw))):
        if wide + raw != pack(s):
            with pytest.raises(DecodeError):
                unpack(wide + raw)


# -- §2.2: what a decoder must reject ------------------------------------------------------
REJECTED = [
    ("empty input", "", DecodeError),
    ("truncated array", "91", DecodeError),
    ("reserved byte c1", "c1", DecodeError),
    ("trailing bytes", "c0c0", DecodeError),
    ("uint8 for 5", "cc05", DecodeError),
    ("int8 for positive 5", "d005", DecodeError),
    ("int8 for -5 (fixint holds it)", "d0fb", DecodeError),
    ("int16 for -100", "d1ff9c", DecodeError),
    ("uint64 above int64", "cf8000000000000000", DecodeError),
    ("str8 for a 1-byte string", "d90161", DecodeError),
    ("bin16 for 3 bytes", "c50003616161", DecodeError),
    ("array16 of one", "dc000100", DecodeError),
    ("map16 of one", "de0001a16100", DecodeError),
    ("float32", "ca3f800000", DecodeError),
    ("NaN", "cb7ff8000000000000", DecodeError),
    ("+Inf", "cb7ff0000000000000", DecodeError),
    ("-Inf", "cbfff0000000000000", DecodeError),
    ("fixext1", "d40100", DecodeError),
    ("timestamp32", "d6ff00000000", DecodeError),
    ("empty ext8", "c70001", DecodeError),
    ("int map key", "810101", DecodeError),
    ("bin map key", "81c4016101", DecodeError),
    ("duplicate keys", "82a16101a16102", DecodeError),
    ("unsorted keys", "82a16201a16102", DecodeError),
    ("invalid UTF-8", "a2fffe", DecodeError),
    ("overlong UTF-8", "a2c080", DecodeError),
    ("UTF-8 surrogate", "a3eda080", DecodeError),
    ("nesting 17", "91" * (MAX_DEPTH + 1) + "01", LimitExceeded),
    ("array of 4G elements", "ddffffffff", LimitExceeded),
]


@pytest.mark.parametrize(("why", "hexed", "error"), REJECTED, ids=[r[0] for r in REJECTED])
def test_decoder_rejects(why: str, hexed: str, error: type[ProtocolError]) -> None:
    with pytest.raises(error) as info:
        unpack(bytes.fromhex(hexed))
    assert type(info.value) is error, why  # ext and key faults are decode, not limit, errors


def test_ext_types_are_decode_errors_not_limits() -> None:
    with pytest.raises(DecodeError) as info:
        unpack(b"\xc7\x05\x01" + b"\x00" * 5)
    assert info.value.code == "decode_error"


def test_encoder_refuses_what_the_decoder_would() -> None:
    for bad in (INT_MAX + 1, INT_MIN - 1, float("nan"), float("inf"), {b"k": 1}, {1: 1}, "\ud800"):
        with pytest.raises(DecodeError):
            pack(bad)


def test_canonical_check_can_be_left_to_a_caller_that_compares_itself() -> None:
    assert unpack(b"\xcc\x05", canonical=False) == 5
    with pytest.raises(DecodeError):
        unpack(b"\xcc\x05")


# -- §2.3: limits are exact ------------------------------------------------------------------
def test_oversized_total_is_limit_exceeded() -> None:
    with pytest.raises(LimitExceeded):
        unpack(pack("x" * 100), max_size=50)


def test_array_length_limit() -> None:
    assert len(unpack(pack(list(range(MAX_CONTAINER))))) == MAX_CONTAINER
    with pytest.raises(LimitExceeded):
        unpack(msgpack.packb(list(range(MAX_CONTAINER + 1))))


def test_map_length_limit() -> None:
    big = {f"{i:05}": 0 for i in range(MAX_CONTAINER + 1)}
    with pytest.raises(LimitExceeded):
        unpack(msgpack.packb(big))


def test_string_and_byte_string_limits_are_inclusive() -> None:
    assert len(unpack(pack("x" * MAX_STR))) == MAX_STR
    with pytest.raises(LimitExceeded):
        unpack(pack("x" * (MAX_STR + 1)))
    assert len(unpack(pack(b"x" * MAX_BIN))) == MAX_BIN
    with pytest.raises(LimitExceeded):
        unpack(pack(b"x" * (MAX_BIN + 1)), max_size=MAX_BIN + 16)


@given(st.binary(max_size=200))
def test_random_bytes_raise_only_protocol_errors(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        unpack(data)


def test_nesting_limit_is_exact() -> None:
    """A leaf may sit at depth MAX_DEPTH, not one deeper, on both paths."""

    def nest(n: int) -> object:
        v: object = 1
        for _ in range(n):
            v = [v]
        return v

    assert unpack(pack(nest(MAX_DEPTH))) == nest(MAX_DEPTH)
    with pytest.raises(LimitExceeded):
        pack(nest(MAX_DEPTH + 1))
    deep = b"\x91" * (MAX_DEPTH + 1) + b"\x01"
    with pytest.raises(LimitExceeded):
        unpack(deep)
    empty_at_limit: object = []
    for _ in range(MAX_DEPTH):
        empty_at_limit = [empty_at_limit]
    assert (
        unpack(b"\x91" * MAX_DEPTH + b"\x90") == empty_at_limit
    )  # an empty list holds no deeper item


def test_an_object_bomb_is_refused_by_the_container_budget() -> None:
    """§2.3: 4096 empty arrays in 4 KiB are within every per-container limit."""
    bomb = b"\xdc\x10\x00" + b"\x90" * MAX_CONTAINER
    with pytest.raises(LimitExceeded):
        unpack(bomb)
    assert unpack(bomb, max_containers=MAX_CONTAINER + 1) == [[]] * MAX_CONTAINER
