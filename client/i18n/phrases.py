"""The policy's phrases in the officer's language, from their codes and parameters.

``hotline.protocol.policy_phrases`` gives every reason, note, warning and headline a
stable code and its parameters beside the English sentence. Here each code has its
message id (the English template without format specs), and each parameter is
formatted for the locale by its name: counts and distances as numbers, dates as
dates, field and value codes by their labels, nested phrases translated in turn.
A code this table does not know yet is shown in English, as the engine said it
(a test keeps the table complete).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from babel.numbers import format_decimal, format_percent

from hotline.protocol.policy_phrases import JOINS, Phrase

from .core import N_, _, active
from .formats import fmt_date, fmt_number
from .labels import category_name, field_name, value_name

__all__ = ["MESSAGES", "phrase_text"]

#: code → message id; placeholders are the parameters of the English template
MESSAGES: Final[Mapping[str, str]] = {
    "always_exchanged": N_("always exchanged"),
    "activity.cancel": N_("cancellation of a notified activity"),
    "activity.rule": N_("{cite}: {hits}"),
    "activity.figure": N_("{field} {value} ≥ {limit}"),
    "activity.live_fire_drones": N_("live-fire exercise with drones"),
    "activity.formation_unstated": N_(
        "{cite}: state the formation — the equipment figures count only for a divisional "
        "structure or at least two brigades/regiments (counted here, to be safe)"
    ),
    "activity.formation_short": N_(
        "{cite}: {hits}, but organised as {formation}: the equipment figures need a "
        "divisional structure or two brigades"
    ),
    "activity.border_zone": N_("{cite}: in the border zone: {km} km from the {boundary} boundary"),
    "activity.border_zone_uncited": N_("in the border zone: {km} km from the {boundary} boundary"),
    "activity.air_participation": N_(
        "{cite}: {sorties} sorties (≥ {limit}, helicopters excluded): describe the air "
        "participation (air_participation)"
    ),
    "calendar.none": N_(
        "not in an annual calendar: no {year} calendar from {party} on record ({cite})"
    ),
    "calendar.not_listed": N_("not in {party}'s {year} annual calendar ({cite})"),
    "calendar.listed": N_("in {party}'s {year} annual calendar as “{name}” ({cite})"),
    "calendar.required": N_(
        "{cite}: an activity above {figures} must have been in the annual calendar"
    ),
    "calendar.figure": N_("{value} {field}"),
    "drone.armed": N_("{cite}: armed UAV"),
    "drone.distance_unknown": N_("{cite}: distance to the border unknown: notify to be safe"),
    "drone.near_boundary": N_("{cite}: within {km} km of the {boundary} boundary (zone {zone} km)"),
    "drone.near_border": N_("{cite}: within {km} km of the border (zone {zone} km)"),
    "clarification.reply": N_("{cite}: reply within {hours} h"),
    "hotline.acknowledge": N_("{cite}: acknowledge within {minutes} min"),
    "exchange.calendar_due": N_("{cite}: the {year} calendar is due by {date}"),
    "exchange.information_due": N_("{cite}: the {year} annual information is due by {date}"),
    "request.reply": N_("{cite}: {party} replies within {hours} h"),
    "request.inspection": N_("inspection of {requested} requested by {requester}"),
    "request.evaluation": N_("evaluation visit of {requested} requested by {requester}"),
    "request.not_on_record": N_("the request is not on record here"),
    "response.due": N_("{cite}: the answer is due within {hours} h of the request"),
    "response.unknown.inspection": N_("answer to an inspection request"),
    "response.unknown.evaluation": N_("answer to an evaluation visit request"),
    "response.inspection": N_("{decision}: answer to {requester}'s inspection request"),
    "response.evaluation": N_("{decision}: answer to {requester}'s evaluation visit request"),
    "response.on_time": N_("answered {took} h after the request: on time"),
    "response.late": N_("answered {took} h after the request: {late} h LATE"),
    "response.refusal_uncovered": N_("the quota does not cover this refusal: {position}"),
    "report.headline": N_("report on the inspection of {inspected} by {team}"),
    "report.signed": N_("signed by {devices}"),
    "schedule.not_a_notion": N_(
        "“scheduled” is not a notion of {policy}: counted against the quota"
    ),
    "schedule.no_month": N_("{cite}: {party} has no month in the Commission schedule"),
    "schedule.wrong_month": N_("{cite}: {party} hosts its scheduled inspection in month {month}"),
    "schedule.ok": N_(
        "{cite}: Commission schedule — {party} hosts its {year} mixed-team inspection in "
        "month {month}"
    ),
    "schedule.team_too_small": N_(
        "{cite}: a scheduled team mixes at least {need} parties ({team})"
    ),
    "schedule.taken": N_(
        "{cite}: {party}'s scheduled inspection for {year} is already requested ({id})"
    ),
    "quota.not_counted": N_("not counted against {party}'s quota (Commission schedule)"),
    "quota.unknown": N_(
        "quota unknown: {party} has reported no units for {year} (annual_information.units)"
    ),
    "quota.exhausted": N_(
        "quota exhausted: {party} may decline ({used} of {limit} used in {year}, {cite})"
    ),
    "quota.same_exhausted": N_(
        "quota from {requester} exhausted: {party} may decline ({used} of {limit} from "
        "{requester} in {year}, {cite})"
    ),
    "quota.within": N_("within quota: {used} of {limit} used in {year} ({cite})"),
    "register.ceiling": N_(
        "{party} {category}: projected {projected} exceeds the ceiling of {limit}"
    ),
    "register.growth": N_(
        "{party} {category}: projected {projected} is more than {share} above the {year} "
        "baseline of {baseline}"
    ),
}

#: the separator of a list parameter whose code joins with something other than ", "
SEPARATORS: Final[Mapping[str, str]] = {" or ": N_(" or ")}


def _tenths(x: Any) -> str:
    return format_decimal(float(x), "#,##0.0", locale=active().locale)


def _percent(x: Any) -> str:
    return format_percent(float(x), locale=active().locale)


#: parameter name → how it is written for a person (everything else: as it is)
_FORMATS: Final[Mapping[str, Callable[[Any], str]]] = {
    "value": fmt_number,
    "limit": fmt_number,
    "sorties": fmt_number,
    "used": fmt_number,
    "need": fmt_number,
    "hours": fmt_number,
    "minutes": fmt_number,
    "km": fmt_number,
    "projected": fmt_number,
    "baseline": fmt_number,
    "share": _percent,
    "category": category_name,
    "zone": fmt_number,
    "took": _tenths,
    "late": _tenths,
    "date": fmt_date,
    "field": field_name,
    "formation": value_name,
    "decision": value_name,
}


def _param(code: str, name: str, value: Any) -> str:
    if isinstance(value, Phrase):
        return phrase_text(value)
    if isinstance(value, tuple):
        sep = JOINS.get(code, ", ")
        return _(SEPARATORS.get(sep, sep)).join(_param(code, name, v) for v in value)
    fmt = _FORMATS.get(name)
    return fmt(value) if fmt is not None and value is not None else str(value)


def phrase_text(p: Phrase) -> str:
    """``p`` in the officer's language (English as the engine said it if the code is new)."""
    msgid = MESSAGES.get(p.code)
    if msgid is None:
        return p.text
    return _(msgid).format(**{k: _param(p.code, k, v) for k, v in p.params.items()})
