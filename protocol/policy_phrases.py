"""What a verdict says, as data: every phrase a stable code, its parameters and its English.

Why: officers read verdicts in eight languages, while ``Verdict.summary()`` and
``Verdict.to_json()`` stay English and machine-stable. The policy modules build
each reason, note, warning and headline as a :class:`Phrase`; its English text is
rendered from :data:`ENGLISH` — exactly the sentence the verdict has always said —
and a client translates the same phrase from its code and parameters instead of
re-reading the English (``client/i18n/verdicts.py``; a test keeps the client's
table in step with this one).

Parameters are plain data: ``str``, ``int``, ``float``, ``None``, a nested
:class:`Phrase`, or a tuple of them (a list: joined with ", ", or with the
separator :data:`JOINS` names for that code). Templates are ``str.format``
templates; besides the usual format specs (``{value:,}``) the conversion ``!w``
writes a code with spaces for underscores and ``!r`` a tuple as a Python list
(both keep sentences as they were written before phrases had codes).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["ENGLISH", "JOINS", "Phrase", "english", "say", "texts"]

#: code → English template
ENGLISH: Final[Mapping[str, str]] = {
    # any family exchanged by agreement whenever it happens
    "always_exchanged": "always exchanged",
    # military activities (policy_activity.py)
    "activity.cancel": "cancellation of a notified activity",
    "activity.rule": "{cite}: {hits}",
    "activity.figure": "{field} {value:,} ≥ {limit:,}",
    "activity.live_fire_drones": "live-fire exercise with drones",
    "activity.formation_unstated": (
        "{cite}: state the formation — the equipment figures count only for a divisional "
        "structure or at least two brigades/regiments (counted here, to be safe)"
    ),
    "activity.formation_short": (
        "{cite}: {hits}, but organised as {formation}: the equipment figures need a "
        "divisional structure or two brigades"
    ),
    "activity.border_zone": "{cite}: in the border zone: {km:g} km from the {boundary} boundary",
    "activity.border_zone_uncited": "in the border zone: {km:g} km from the {boundary} boundary",
    "activity.air_participation": (
        "{cite}: {sorties:,} sorties (≥ {limit:,}, helicopters excluded): describe the air "
        "participation (air_participation)"
    ),
    # annual calendars (calendar.py)
    "calendar.none": (
        "not in an annual calendar: no {year} calendar from {party} on record ({cite})"
    ),
    "calendar.not_listed": "not in {party}'s {year} annual calendar ({cite})",
    "calendar.listed": "in {party}'s {year} annual calendar as {name!r} ({cite})",
    "calendar.required": (
        "{cite}: an activity above {figures} must have been in the annual calendar"
    ),
    "calendar.figure": "{value:,} {field!w}",
    # drone flights, clarifications, hotline messages, scheduled exchanges (policy.py)
    "drone.armed": "{cite}: armed UAV",
    "drone.distance_unknown": "{cite}: distance to the border unknown: notify to be safe",
    "drone.near_boundary": "{cite}: within {km:g} km of the {boundary} boundary (zone {zone} km)",
    "drone.near_border": "{cite}: within {km:g} km of the border (zone {zone} km)",
    "clarification.reply": "{cite}: reply within {hours} h",
    "hotline.acknowledge": "{cite}: acknowledge within {minutes} min",
    "exchange.calendar_due": "{cite}: the {year} calendar is due by {date}",
    "exchange.information_due": "{cite}: the {year} annual information is due by {date}",
    # inspections and evaluation visits (verification_verdicts.py)
    "request.reply": "{cite}: {party} replies within {hours} h",
    "request.inspection": "inspection of {requested} requested by {requester}",
    "request.evaluation": "evaluation visit of {requested} requested by {requester}",
    "request.not_on_record": "the request is not on record here",
    "response.due": "{cite}: the answer is due within {hours} h of the request",
    # the article is as it always was ("a inspection"): summary() stays byte-for-byte
    "response.unknown.inspection": "answer to a inspection request",
    "response.unknown.evaluation": "answer to a evaluation visit request",
    "response.inspection": "{decision}: answer to {requester}'s inspection request",
    "response.evaluation": "{decision}: answer to {requester}'s evaluation visit request",
    "response.on_time": "answered {took:.1f} h after the request: on time",
    "response.late": "answered {took:.1f} h after the request: {late:.1f} h LATE",
    "response.refusal_uncovered": "the quota does not cover this refusal: {position}",
    "report.headline": "report on the inspection of {inspected} by {team}",
    "report.signed": "signed by {devices}",
    "schedule.not_a_notion": "'scheduled' is not a notion of {policy}: counted against the quota",
    "schedule.no_month": "{cite}: {party} has no month in the Commission schedule",
    "schedule.wrong_month": "{cite}: {party} hosts its scheduled inspection in month {month}",
    "schedule.ok": (
        "{cite}: Commission schedule — {party} hosts its {year} mixed-team inspection in "
        "month {month}"
    ),
    "schedule.team_too_small": "{cite}: a scheduled team mixes at least {need} parties ({team!r})",
    "schedule.taken": (
        "{cite}: {party}'s scheduled inspection for {year} is already requested ({id})"
    ),
    # where a request stands in the quota (verification.py)
    "quota.not_counted": "not counted against {party}'s quota (Commission schedule)",
    "quota.unknown": (
        "quota unknown: {party} has reported no units for {year} (annual_information.units)"
    ),
    "quota.exhausted": (
        "quota exhausted: {party} may decline ({used} of {limit} used in {year}, {cite})"
    ),
    "quota.same_exhausted": (
        "quota from {requester} exhausted: {party} may decline ({used} of {limit} from "
        "{requester} in {year}, {cite})"
    ),
    "quota.within": "within quota: {used} of {limit} used in {year} ({cite})",
    # the regional arms register (register.py)
    "register.ceiling": (
        "{party} {category!w}: projected {projected} exceeds the ceiling of {limit}"
    ),
    "register.growth": (
        "{party} {category!w}: projected {projected} is more than {share:.0%} above the "
        "{year} baseline of {baseline}"
    ),
}

#: a list parameter joined by something other than ", " (code → separator)
JOINS: Final[Mapping[str, str]] = {"calendar.required": " or "}


@dataclass(frozen=True, slots=True)
class Phrase:
    """One thing a verdict says: a code of :data:`ENGLISH` and the facts it says it with."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English sentence (what ``Verdict.summary()`` and ``to_json()`` carry)."""
        return english(self)


class _English(string.Formatter):
    def __init__(self, join: str) -> None:
        self.join = join

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "w":
            return str(value).replace("_", " ")
        if conversion == "r" and isinstance(value, tuple):
            return repr(list(value))
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Phrase):
            return english(value)
        if isinstance(value, tuple):
            return self.join.join(self.format_field(v, format_spec) for v in value)
        return str(super().format_field(value, format_spec))


def english(p: Phrase) -> str:
    """Render ``p`` in English from its template.

    Raises:
        KeyError: ``p.code`` is not a code of :data:`ENGLISH` (a bug in the caller).
    """
    return _English(JOINS.get(p.code, ", ")).vformat(ENGLISH[p.code], (), dict(p.params))


def say(code: str, **params: Any) -> Phrase:
    """A phrase of ``code`` with ``params``; lists are passed as tuples."""
    if code not in ENGLISH:
        raise KeyError(f"policy phrase {code!r} has no English template")
    return Phrase(code, {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})


def texts(phrases: Iterable[Phrase]) -> tuple[str, ...]:
    """The English sentences of ``phrases``, in order."""
    return tuple(p.text for p in phrases)
