"""The device store's send path: sequence number and outbox in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.client.store import Composed, Store
from tests.client.helpers import built


def test_queue_new_numbers_and_queues_together(tmp_path: Path) -> None:
    st = Store(tmp_path / "s.db")
    assert st.queue_new(built).mid == "id-1"
    assert st.queue_new(built).mid == "id-2"
    assert st.outbox() == [("id-1", b"envelope-1"), ("id-2", b"envelope-2")]
    st.close()
    st = Store(tmp_path / "s.db")  # durable across a reopen: numbering goes on
    assert st.queue_new(built).mid == "id-3"
    st.close()


def test_a_failed_build_leaves_no_row_and_no_used_number(tmp_path: Path) -> None:
    st = Store(tmp_path / "s.db")

    def bad(seq: int) -> Composed:
        raise ValueError(f"schema error at seq {seq}")

    with pytest.raises(ValueError, match="seq 1"):
        st.queue_new(bad)
    assert st.outbox_count() == 0
    assert st.queue_new(built).mid == "id-1"  # the number was not burnt
    st.close()


def test_queue_many_commits_together_and_isolates_a_failed_build(tmp_path: Path) -> None:
    st = Store(tmp_path / "s.db")

    def bad(seq: int) -> Composed:
        raise ValueError(f"schema error at seq {seq}")

    res = st.queue_many([built, bad, built])
    assert [r.mid if isinstance(r, Composed) else repr(r) for r in res] == [
        "id-1",
        "ValueError('schema error at seq 2')",
        "id-2",  # the failed build's number went to the next one
    ]
    st.close()
    st = Store(tmp_path / "s.db")  # committed, durably, with the numbering
    assert [m for m, _e in st.outbox()] == ["id-1", "id-2"]
    assert st.queue_new(built).mid == "id-3"
    st.close()
