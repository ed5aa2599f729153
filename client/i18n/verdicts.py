"""A policy verdict in the officer's language.

``Verdict.summary()`` (protocol/) is English and stays the machine-stable form (JSON
output carries it). Here the same facts are said again from the verdict's fields: its
reasons, notes, warnings and headline from their phrases (a code and parameters each,
``phrases.py``). A verdict built without phrases (by older code) is English only: the
reason shapes below are recognised and re-said, anything else is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hotline.protocol.policy import Verdict
from hotline.protocol.policy_phrases import Phrase

from .core import _
from .formats import fmt_date, fmt_datetime, fmt_number
from .labels import field_name
from .phrases import phrase_text

__all__ = ["reason_text", "said", "verdict_text"]


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
    """An English phrase without a code, re-said where its shape is known (the fallback)."""
    for pattern, say in _REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return say(m)
    return reason


def said(texts: tuple[str, ...], phrases: tuple[Phrase, ...]) -> list[str]:
    """The phrases translated when they say the texts one for one; else the fallback."""
    if phrases and len(phrases) == len(texts):
        return [phrase_text(p) for p in phrases]
    return [reason_text(t) for t in texts]


def verdict_text(v: Verdict, reply_done: bool = False) -> str:
    """One line, the same facts as ``Verdict.summary()`` in the officer's language."""
    notes = said(v.notes, v.note_phrases)
    warnings = [f"⚠ {w}" for w in said(v.warnings, v.warning_phrases)]
    if not v.notifiable:
        head = _("not notifiable under {policy}").format(policy=v.policy)
        return "; ".join([head, *notes, *warnings])
    headline = phrase_text(v.headline_phrase) if v.headline_phrase else v.headline
    if headline:
        head = _("under {policy}: {headline}").format(policy=v.policy, headline=headline)
    else:
        head = _("notifiable under {policy}").format(policy=v.policy)
    if v.reasons:
        head += f" ({'; '.join(said(v.reasons, v.reason_phrases))})"
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
    return "; ".join(parts + notes + warnings)
