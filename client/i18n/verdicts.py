"""A policy verdict in the officer's language.

``Verdict.summary()`` (protocol/) is English and stays the machine-stable form (JSON
output carries it). Here the same facts are said again from the verdict's fields; its
reasons are English phrases built by the policy engine, so the known shapes are
recognised and re-said, and anything else is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hotline.protocol.policy import Verdict

from .core import _
from .formats import fmt_date, fmt_datetime, fmt_number
from .labels import field_name

__all__ = ["reason_text", "verdict_text"]


def _num(text: str) -> str:
    return fmt_number(float(text.replace(",", "")) if "." in text else int(text.replace(",", "")))


_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"(\w+) ([\d,]+) ≥ ([\d,]+)"),
        lambda m: f"{field_name(m[1])} {_num(m[2])} ≥ {_num(m[3])}",
    ),
    (
        re.compile(r"reply within (\d+) h"),
        lambda m: _("reply within {hours} h").format(hours=m[1]),
    ),
    (
        re.compile(r"acknowledge within (\d+) min"),
        lambda m: _("acknowledge within {minutes} min").format(minutes=m[1]),
    ),
    (
        re.compile(r"within ([\d.]+) km of the (\S+) boundary \(zone (\d+) km\)"),
        lambda m: _("within {km} km of the {boundary} boundary (zone {zone} km)").format(
            km=_num(m[1]), boundary=m[2], zone=m[3]
        ),
    ),
    (
        re.compile(r"within ([\d.]+) km of the border \(zone (\d+) km\)"),
        lambda m: _("within {km} km of the border (zone {zone} km)").format(
            km=_num(m[1]), zone=m[2]
        ),
    ),
    (
        re.compile(r"in the border zone: ([\d.]+) km from the (\S+) boundary"),
        lambda m: _("in the border zone: {km} km from the {boundary} boundary").format(
            km=_num(m[1]), boundary=m[2]
        ),
    ),
    (re.compile(r"always exchanged"), lambda m: _("always exchanged")),
    (re.compile(r"armed UAV"), lambda m: _("armed UAV")),
    (re.compile(r"live-fire exercise with drones"), lambda m: _("live-fire exercise with drones")),
    (
        re.compile(r"cancellation of a notified activity"),
        lambda m: _("cancellation of a notified activity"),
    ),
    (
        re.compile(r"distance to the border unknown: notify to be safe"),
        lambda m: _("distance to the border unknown: notify to be safe"),
    ),
]


def reason_text(reason: str) -> str:
    for pattern, say in _REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return say(m)
    return reason


def verdict_text(v: Verdict, reply_done: bool = False) -> str:
    """One line, the same facts as ``Verdict.summary()`` in the officer's language.

    Headlines, notes and warnings are the engine's English phrases, shown as written
    (like reasons it does not know).
    """
    if not v.notifiable:
        head = _("not notifiable under {policy}").format(policy=v.policy)
        return "; ".join([head, *v.notes, *(f"⚠ {w}" for w in v.warnings)])
    if v.headline:
        head = _("under {policy}: {headline}").format(policy=v.policy, headline=v.headline)
    else:
        head = _("notifiable under {policy}").format(policy=v.policy)
    if v.reasons:
        head += f" ({'; '.join(reason_text(r) for r in v.reasons)})"
    parts = [head]
    if v.observation_required:
        parts.append(_("observation must be invited"))
    if v.due_ms is not None:
        due = _("due by {date}").format(date=fmt_date(v.due_ms - 1))
        on_time = _("on time until the end of that day, UTC")
        parts.append(due + (" — " + _("LATE") if v.late else f" ({on_time})"))
    if v.reply_deadline_ms is not None and not reply_done:
        when = _("reply due by {time} UTC").format(time=fmt_datetime(v.reply_deadline_ms))
        late = " — " + _("OVERDUE") if v.overdue else " — " + _("answered LATE") if v.late else ""
        parts.append(when + late)
    parts += v.notes
    parts += [f"⚠ {w}" for w in v.warnings]
    return "; ".join(parts)
