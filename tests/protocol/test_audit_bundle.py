"""The bundle file: records in and out; garbage told apart from a truncated file."""

from __future__ import annotations

import pytest

from hotline.protocol.audit import (
    MAGIC,
    NotABundle,
    TruncatedBundle,
    bundle_record,
    read_bundle,
    read_bundle_prefix,
    verify_bundle,
)
from hotline.protocol.events import LogEvent
from tests.factories import T0
from tests.protocol.audit_factory import HUB, bundle, make_log


def small() -> bytes:
    log = make_log()
    for _ in range(3):
        log.send()
    return bundle(log)


def test_round_trip_with_cosignatures() -> None:
    b = read_bundle(small())
    assert len(b.rosters) == 1 and len(b.entries) == 4 and len(b.checkpoints) == 1
    assert len(b.cosignatures) == 2 and b.header["hub"] == HUB


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK\x03\x04zip",
        MAGIC + bundle_record("nonsense", 1),
        MAGIC + bundle_record("entry", ["1-0", "not bytes"]),
        MAGIC + b"\x00\x00\x00\x02\xc1\xc1",
        MAGIC + (1 << 30).to_bytes(4, "big"),
    ],
    ids=["empty", "other file", "unknown kind", "mistyped entry", "bad msgpack", "huge"],
)
def test_garbage(data: bytes) -> None:
    with pytest.raises(NotABundle):
        read_bundle_prefix(data)
    rep = verify_bundle(data)
    assert rep.kinds() == [("unreadable", None)]


def test_every_cut_is_truncated_or_a_shorter_bundle() -> None:
    data = small()
    for cut in range(len(MAGIC), len(data)):
        try:
            b, err = read_bundle_prefix(data[:cut])
        except NotABundle as exc:  # pragma: no cover - would be a bug
            raise AssertionError(f"cut at {cut} called garbage: {exc}") from exc
        if err is not None:
            assert isinstance(err, TruncatedBundle)
            with pytest.raises(TruncatedBundle):
                read_bundle(data[:cut])
        assert len(b.entries) <= 4


def test_a_truncated_bundle_is_verified_up_to_the_cut() -> None:
    log = make_log()
    log.send()
    log.add(LogEvent("rejected", T0 + 5000, HUB, b"", {"code": "x"}), sign=False)  # 2
    data = bundle(log)
    start = data.index(b"\xaacheckpoint") - 5  # the first checkpoint record's length
    rep = verify_bundle(data[: start + 2])  # the file ends inside that length
    kinds = rep.kinds()
    assert kinds[0] == ("truncated", None) and "cut off" in rep.findings[0].detail
    assert ("unsigned", 2) in kinds  # what came before the cut was still checked
