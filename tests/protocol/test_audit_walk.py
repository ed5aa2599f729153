"""The index pass: its merge does not depend on the split; contexts hold what is needed."""

from __future__ import annotations

import random

from hotline.protocol.audit import STRICT, read_bundle
from hotline.protocol.audit.rosters import RosterTimeline, verify_rosters
from hotline.protocol.audit.walk import check_context, index_chunk, merge_indexes, split
from tests.factories import T0
from tests.protocol.audit_factory import bundle, make_log


def test_roster_timeline() -> None:
    tl = RosterTimeline((0, 5, 9), (0, 1, 3))
    assert [tl.at(p) for p in (0, 4, 5, 8, 9, 100)] == [0, 0, 1, 1, 3, 3]


def test_merge_is_independent_of_the_split_and_order() -> None:
    log = make_log()
    a = log.send()
    log.receipt(a, "HR/officer-1")
    log.revise(T0 + 1500)
    for _ in range(5):
        log.send()
    b = read_bundle(bundle(log))
    chain, _ = verify_rosters(b.rosters)
    whole = merge_indexes([index_chunk(c) for c in split(b.entries, 100)], chain, b.rosters)
    parts = [index_chunk(c) for c in split(b.entries, 2)]
    random.Random(7).shuffle(parts)
    merged = merge_indexes(parts, chain, b.rosters)
    assert (merged.leaves, merged.timeline, merged.first) == (
        whole.leaves,
        whole.timeline,
        whole.first,
    )
    assert merged.timeline == RosterTimeline((0, 4), (0, 1))  # version 2 from entry 4 on
    chunks = split(b.entries, 2)
    ctx = check_context(merged, 1, chunks[1], b.rosters, STRICT)  # entries 2, 3
    assert set(ctx.first) == {a.id} and set(ctx.rosters) == {0}
    ctx = check_context(merged, 2, chunks[2], b.rosters, STRICT)  # entries 4, 5
    assert set(ctx.rosters) == {1}
