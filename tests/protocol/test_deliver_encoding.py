"""The deliver frame's spliced encoding is byte for byte the generic canonical one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol.codec import INT_MAX, unpack
from hotline.protocol.frames import Deliver, Frame, decode_frame

# sizes on each side of msgpack's length-form boundaries, and anything else
SIZES = st.sampled_from([0, 1, 31, 32, 255, 256, 65535, 65536, 70_000]) | st.integers(0, 4096)
INDEXES = st.sampled_from([0, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, INT_MAX])
# 31 and 32 characters: either side of msgpack's fixstr limit
EDGE_IDS = st.sampled_from(["1-0", "1" * 15 + "-" + "2" * 15, "1" * 16 + "-" + "2" * 15])
IDS = EDGE_IDS | st.from_regex(r"[0-9]{1,20}-[0-9]{1,20}", fullmatch=True)


@given(IDS, SIZES, INDEXES | st.integers(0, INT_MAX), st.booleans(), st.data())
def test_spliced_deliver_is_the_canonical_encoding(
    delivery: str, size: int, index: int, urgent: bool, data: st.DataObject
) -> None:
    entry = data.draw(st.binary(min_size=size, max_size=size))
    f = Deliver(delivery, entry, index, urgent)
    out = f.encode()
    assert out == Frame.encode(f)
    assert unpack(out) == ["deliver", f.fields()]  # canonical: unpack re-encodes and compares
    assert decode_frame(out) == f


def test_unusual_values_take_the_generic_path() -> None:
    for f in (Deliver("é-1", b"x", 1), Deliver("1-1", b"x", -1), Deliver("1-1", b"x", 2**63)):
        try:
            want: bytes | type[Exception] = Frame.encode(f)
        except Exception as exc:  # the generic path's own refusal
            want = type(exc)
        try:
            got: bytes | type[Exception] = f.encode()
        except Exception as exc:
            got = type(exc)
        assert got == want
