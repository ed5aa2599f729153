from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.protocol import EncryptionPrivateKey, open_sealed, seal, seed_length
from hotline.protocol.errors import DecryptionError, LimitExceeded
from hotline.protocol.keys import Suite
from tests.factories import det

KEYS = {
    s: [EncryptionPrivateKey(s, det(f"k/{s}/{i}", seed_length(s))) for i in range(20)]
    for s in ("pq", "classic")
}
HD = b"\x11" * 32
RAND = det("rand", 44)


def _seal(suite: Suite, n: int, body: bytes = b"body") -> bytes:
    return seal(body, HD, suite, [(f"P{i:02d}/d", KEYS[suite][i].public) for i in range(n)], RAND)


@settings(max_examples=15)
@given(st.sampled_from(["pq", "classic"]), st.integers(1, 20), st.binary(max_size=2000))
def test_seal_open_roundtrip_every_recipient(suite: Suite, n: int, body: bytes) -> None:
    sealed = _seal(suite, n, body)
    for i in range(n):
        assert open_sealed(sealed, HD, f"P{i:02d}/d", KEYS[suite][i]) == body


@pytest.mark.parametrize("suite", ["pq", "classic"])
def test_wrong_key_swapped_header_altered_truncated(suite: Suite) -> None:
    sealed = _seal(suite, 3)
    with pytest.raises(DecryptionError):  # wrong key for the device
        open_sealed(sealed, HD, "P00/d", KEYS[suite][5])
    with pytest.raises(DecryptionError):  # not a recipient
        open_sealed(sealed, HD, "P09/d", KEYS[suite][9])
    with pytest.raises(DecryptionError):  # header swapped
        open_sealed(sealed, b"\x22" * 32, "P00/d", KEYS[suite][0])
    with pytest.raises(DecryptionError):  # wrap moved to another device
        swapped = sealed.replace(b"P00/d", b"P0X/d").replace(b"P01/d", b"P00/d")
        open_sealed(swapped, HD, "P00/d", KEYS[suite][0])
    for cut in (1, 10, len(sealed) // 2):
        with pytest.raises(DecryptionError):
            open_sealed(sealed[:-cut], HD, "P00/d", KEYS[suite][0])
    for i in range(0, len(sealed), max(1, len(sealed) // 97)):
        bad = bytearray(sealed)
        bad[i] ^= 0x01
        try:
            out = open_sealed(bytes(bad), HD, "P00/d", KEYS[suite][0])
        except DecryptionError:
            continue
        # a flip inside another device's wrap leaves ours intact: still the original body
        assert out == b"body"


def test_limits() -> None:
    with pytest.raises(LimitExceeded):
        _seal("classic", 1, b"x" * (256 * 1024 + 1))
