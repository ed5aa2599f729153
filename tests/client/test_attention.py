"""Deadlines and the attention counts, from rows (pure)."""

from __future__ import annotations

from typing import Any

from hotline.client.attention import attention, i_owe, message_time, owed_to_me
from hotline.client.store import InboxRow

P = ["regional-2026", "vienna-2011"]
T = 1_790_000_000_000
MIN = 60_000


def rx(mid: str, family: str, rank: int = -1, prec: str = "FLASH", t: int = T) -> InboxRow:
    return InboxRow(mid, "RS", "RS/officer-1", family, prec, False, t, t, {"text": "x"}, ["HR"],
                    None, None, True, None, 1, rank)  # fmt: skip


def sent(mid: str, family: str, **kw: Any) -> dict[str, Any]:
    return {"id": mid, "family": family, "body": {"question": "?", "lang": "en"},
            "recipients": ["RS", "BA"], "created_ms": T, "state": "accepted"} | kw  # fmt: skip


def test_deadlines_run_from_one_time_and_stop_when_met() -> None:
    m = rx("a", "hotline_message")
    st = i_owe(m, set(), P)
    assert st.deadline_ms == T + 10 * MIN  # the strictest preset (regional: 10 min)
    assert not st.overdue(T + 9 * MIN) and st.overdue(T + 11 * MIN)
    assert not i_owe(rx("a", "hotline_message", rank=2), set(), P).overdue(T + 11 * MIN)
    # the hub's accept time, once deliveries carry it, moves every mark with it
    assert message_time({"created_ms": T, "accepted_ms": T + 5 * MIN}) == T + 5 * MIN


def test_clarifications_are_owed_until_answered() -> None:
    m = rx("q", "clarification_request", rank=2)  # acknowledged is not answered
    assert i_owe(m, set(), P).overdue(T + 25 * 60 * MIN)
    assert not i_owe(m, {"q"}, P).overdue(T + 25 * 60 * MIN)
    s = sent("s", "clarification_request")
    assert owed_to_me(s, {}, set(), P).overdue(T + 25 * 60 * MIN)
    assert not owed_to_me(s, {}, {"s"}, P).overdue(T + 25 * 60 * MIN)
    refused = sent("s", "clarification_request", status="refused")
    assert not owed_to_me(refused, {}, set(), P).overdue(T + 25 * 60 * MIN)


def test_counts() -> None:
    inbox = [
        rx("f", "hotline_message"),
        rx("i", "cyber_incident", prec="IMMEDIATE"),
        rx("k", "cyber_incident", prec="IMMEDIATE", rank=2),
    ]
    out = [sent("h", "hotline_message", body={"text": "x", "lang": "en"})]
    ranks = {"h": {"RS": 2, "BA": 1}}
    a = attention(inbox, out, ranks, {"security": 2}, P, T + 11 * MIN)
    assert (a.unacked_flash, a.unacked_immediate) == (1, 1)
    assert (a.overdue_mine, a.overdue_theirs) == (1, 1)
    assert a.security_alerts == 2 and a.register_alerts == 0 and not a.calm
    assert a.overdue_ids == {"f", "h"}
    ranks = {"h": {"RS": 2, "BA": 2}}
    assert attention(inbox, out, ranks, {}, P, T + 11 * MIN).overdue_theirs == 0
