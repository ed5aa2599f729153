"""The search rules shared by the console and `hotline inbox`."""

from __future__ import annotations

import pytest

from hotline.client.search import AmbiguousId, UnknownId, fold, parse, resolve_id, search, short_id
from hotline.client.store import InboxRow


def row(
    mid: str, sender: str, text: str, rank: int = -1, to: tuple[str, ...] = ("HR",)
) -> InboxRow:
    return InboxRow(mid, sender, f"{sender}/officer-1", "hotline_message", "FLASH", False,
                    1_790_000_000_000, 0, {"text": text}, list(to), None, None, True, None, 1,
                    rank)  # fmt: skip


ROWS = [
    row("a", "RS", "Dron iznad Niša"),
    row("b", "MK", "Летот кај Ниш е завршен", rank=1),
    row("c", "HR", "Neidentificirani zrakoplov kod Đakova", rank=2, to=("RS", "BA")),
    row("d", "AL", "Sulm kibernetik në Shqipëri"),
]


@pytest.mark.parametrize("query", ["Nis", "Niš", "ниш", "НИШ", "nIš"])
def test_case_diacritics_and_script_do_not_matter(query: str) -> None:
    assert [m.id for m in search(ROWS, parse(query))] == ["a", "b"]


def test_serbian_and_macedonian_letters_fold_alike() -> None:
    assert fold("Ђаково") == fold("Đakovo") == "djakovo"
    assert fold("Љубљана Њујорк Џеп") == "ljubljana njujork dzep"
    assert fold("Ќичево Ѓорче Ѕвезда") == "kjicevo gjorce dzvezda"
    assert [m.id for m in search(ROWS, parse("Ђаков"))] == ["c"]
    assert [m.id for m in search(ROWS, parse("shqiperi"))] == ["d"]


def test_from_and_to_are_separate() -> None:
    assert [m.id for m in search(ROWS, parse("from:RS"))] == ["a"]
    assert [m.id for m in search(ROWS, parse("to:RS"))] == ["c"]
    assert [m.id for m in search(ROWS, parse("from:rs from:mk"))] == ["a", "b"]
    assert [m.id for m in search(ROWS, parse("from:RS nis"))] == ["a"]


def test_state_filters() -> None:
    assert [m.id for m in search(ROWS, parse("is:unread"))] == ["a", "d"]
    assert [m.id for m in search(ROWS, parse("is:unacked"))] == ["a", "b", "d"]
    late = {"b"}
    assert [m.id for m in search(ROWS, parse("is:overdue"), overdue=lambda m: m.id in late)] == [
        "b"
    ]
    assert search(ROWS, parse("is:nonsense")) == []  # unknown state: nothing, not everything


def test_ids_are_shown_and_found_by_their_random_tail() -> None:
    ids = ["019ad4c1-7a10-7c3e-9f00-aa11bb22cc33", "019ad4c1-7a10-7d4f-8e00-dd44ee55ff66"]
    assert short_id(ids[0]) == "aa11bb22cc33" and short_id(ids[1]) == "dd44ee55ff66"
    with pytest.raises(UnknownId):
        resolve_id("cc33", ids)  # too short to trust: 6 characters at least
    assert resolve_id("bb22cc33", ids) == ids[0]
    assert resolve_id("…dd44ee55ff66", ids) == ids[1]
    assert resolve_id(ids[1], ids) == ids[1]
    with pytest.raises(AmbiguousId):
        resolve_id("019ad4c17a10", ids)  # the shared timestamp head
    with pytest.raises(UnknownId):
        resolve_id("ffffff", ids)
