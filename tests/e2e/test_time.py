"""Time from the log: lateness and reply deadlines count from the hub's accept time.

Issue 15: a notice backdated by six days (created_ms in the past, still inside the
acceptance window, so accepted) dropped off the audit report's late list while an
identical honest one was listed. The sender's clock is whatever the sender says; the
log's accept time is what the parties witness.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hotline.client.attention import i_owe, reply_deadline
from hotline.client.home import Home
from hotline.protocol import id_text, parse_id_text
from hotline.runtime.clock import now_ms
from hotline.server.redis_process import RedisProcess
from tests.factories import SAMPLE_BODIES
from tests.harness import RawDevice

from .scene import open_scene

DAY = 86_400_000
REGIONAL = "regional-2026"


def _late_notice(days_ahead: int) -> dict[str, object]:
    """A notifiable exercise starting ``days_ahead`` days from now (regional-2026 wants
    21 days' advance notice)."""
    start = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days_ahead)
    return {
        **SAMPLE_BODIES["military_activity"],
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=5)).isoformat(),
    }


async def test_a_backdated_notice_is_late_by_the_log_and_deadlines_run_from_acceptance(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    # RS sends from a hand-driven console below; BA, HR and ME witness
    async with open_scene(net, redis_server.url, online=("BA", "HR", "ME")) as s:
        hr = s.clients["HR"]
        question_to = await s.send("HR", "RS")  # RS will ask about this one
        roster = hr.roster
        body = _late_notice(19)
        honest = s.insider.envelope("RS/officer-1", roster, ("HR",), "military_activity", body)
        backdated = s.insider.envelope(
            "RS/officer-1", roster, ("HR",), "military_activity", body, now_ms=now_ms() - 6 * DAY
        )
        ask = s.insider.envelope(
            "RS/officer-1", roster, ("HR",), "clarification_request",
            in_reply_to=parse_id_text(question_to), now_ms=now_ms() - 6 * DAY,
        )  # fmt: skip
        async with RawDevice(s.hub.url, s.home, "RS/officer-1") as rs:  # RS's own console
            for env in (honest, backdated, ask):
                answer = await rs.submit(env.encode())
                assert answer.type == "accepted", answer.fields  # 6 days back is allowed
        mids = [id_text(e.id) for e in (honest, backdated, ask)]
        for mid in mids:
            await s.shown("HR", mid)
        await s.quiet(*mids)

        # the deadline HR's console counts down runs from the accept time, not from
        # the six-day-old sender's clock (by which it would be long overdue)
        row = hr.store.get(id_text(ask.id))
        assert row is not None and row.accepted_ms is not None
        assert row.accepted_ms - row.created_ms >= 6 * DAY - 60_000
        policies = Home(s.home).policies
        owed = i_owe(row, set(), policies)
        assert owed.deadline_ms == reply_deadline(row.family, row.body, row.accepted_ms, policies)
        assert not owed.overdue(now_ms())
        by_sender = reply_deadline(row.family, row.body, row.created_ms, policies)
        assert by_sender is not None and by_sender < now_ms()  # the contrast

        out = tmp_path / "time.bundle"
        rep = s.verify(await s.export(out))
        assert rep.findings == (), rep.findings  # inside the skew bound: no clock finding
        code, text = await s.cli(
            "audit", "report", str(out), "--home", str(s.home), "--as", "AUDIT", "--json"
        )
        assert code == 0
        report = json.loads(text)
        # regional-2026 wants 21 days' notice: both are 2 days late by the log; by the
        # sender's clock the backdated one would be 4 days early
        late = {n["id"] for n in report["RS"]["late_notifications"] if n["policy"] == REGIONAL}
        assert late == {id_text(honest.id), id_text(backdated.id)}, report["RS"]
        assert report["HR"]["clarifications_unanswered"] == []  # due 24 h after acceptance
