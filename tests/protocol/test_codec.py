from __future__ import annotations

import contextlib

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol.codec import pack, unpack
from hotline.protocol.constants import MAX_CONTAINER, MAX_DEPTH
from hotline.protocol.errors import DecodeError, LimitExceeded, ProtocolError

wire_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.text(max_size=50)
    | st.binary(max_size=50)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


@given(wire_values)
def test_pack_unpack_roundtrip_is_canonical(value: object) -> None:
    data = pack(value)
    assert pack(unpack(data)) == data


def test_map_keys_are_sorted_regardless_of_insertion_order() -> None:
    assert pack({"b": 1, "a": 2}) == pack({"a": 2, "b": 1})


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", DecodeError),
        (b"\x91", DecodeError),  # truncated array
        (b"\xc1", DecodeError),  # never-used byte
        (b"\xc0\xc0", DecodeError),  # trailing bytes
        (b"\x91" * (MAX_DEPTH + 5) + b"\xc0", LimitExceeded),
        (b"\xdd\xff\xff\xff\xff", LimitExceeded),  # array of 4G elements
        (b"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00", DecodeError),  # NaN
        (b"\xd4\x01\x01", ProtocolError),  # ext type
        (b"\x81\x01\x01", DecodeError),  # int map key
        (b"\xa2\xff\xfe", DecodeError),  # invalid UTF-8
    ],
)
def test_bad_inputs_raise_typed_errors(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        unpack(data)


def test_oversized_total_is_limit_exceeded() -> None:
    with pytest.raises(LimitExceeded):
        unpack(pack("x" * 100), max_size=50)


def test_array_length_limit() -> None:
    with pytest.raises(LimitExceeded):
        unpack(msgpack.packb(list(range(MAX_CONTAINER + 1))))


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
