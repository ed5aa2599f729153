"""``military_activity`` under a preset: the notification paragraphs, read as written.

Each preset lists cited rules (``military_activity.notification``): a rule applies
to the ``kinds`` it names (all kinds when it names none) and trips when a count
in ``figures`` is met, or a count in ``figures_in_formation`` is met *and* the
forces are organised in one of ``formations`` (Vienna §40.1.1 and §40.3: the
equipment figures count for a divisional structure or at least two
brigades/regiments). A body that does not state its formation is counted, to be
safe, with a warning. Air sorties (§40.1.2) never trigger a notification under
the Vienna preset: from 200 they make the air participation part of one that is
due anyway — a warning when the notice does not describe it.

The notice period is a calendar-day rule (§41): due on the day ``days`` before
the start, on time until the end of that day (UTC).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .calendar import calendar_notes
from .policy_base import Notification, Policy, Record, Verdict, day_after_ms, iso_day, shift_days
from .policy_geo import border_of
from .policy_phrases import Phrase, say, texts

__all__ = ["evaluate_activity", "tripped"]


def _applies(rule: Mapping[str, Any], kind: str) -> bool:
    kinds = rule.get("kinds")
    return not kinds or kind in kinds


def _met(body: Mapping[str, Any], figures: Mapping[str, Any]) -> list[Phrase]:
    out = []
    for name, limit in figures.items():
        value = body.get(name, 0)
        if isinstance(limit, int) and isinstance(value, int) and value >= limit:
            out.append(say("activity.figure", field=name, value=value, limit=limit))
    return out


def tripped(
    body: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]
) -> tuple[list[Phrase], list[Phrase], list[Phrase]]:
    """(reasons, notes, warnings) from cited threshold rules, e.g. '§40.1.1: troops …'.

    Each is a :class:`Phrase` (its ``text`` the English sentence).
    """
    reasons: list[Phrase] = []
    notes: list[Phrase] = []
    warnings: list[Phrase] = []
    kind = str(body.get("kind", "exercise"))
    for rule in rules:
        if not isinstance(rule, Mapping) or not _applies(rule, kind):
            continue
        cite = rule.get("cite", "?")
        hits = _met(body, rule.get("figures") or {})
        if rule.get("live_fire_drones") and body.get("live_fire") and body.get("drones", 0) > 0:
            hits.append(say("activity.live_fire_drones"))
        equipment = _met(body, rule.get("figures_in_formation") or {})
        formations = rule.get("formations") or []
        formation = body.get("formation")
        if equipment and formations and formation not in formations:
            if formation is None:
                hits += equipment
                warnings.append(say("activity.formation_unstated", cite=cite))
            else:
                notes.append(
                    say("activity.formation_short", cite=cite, hits=equipment, formation=formation)
                )
        else:
            hits += equipment
        if hits:
            reasons.append(say("activity.rule", cite=cite, hits=hits))
    return reasons, notes, warnings


def _air(body: Mapping[str, Any], policy: Policy, notifiable: bool) -> list[Phrase]:
    """§40.1.2: the air participation belongs in the notice from 200 sorties."""
    rule = policy.rule("military_activity", "air_participation")
    sorties = rule.get("sorties")
    if not notifiable or not isinstance(sorties, int):
        return []
    if body.get("aircraft_sorties", 0) >= sorties and not body.get("air_participation"):
        cite = rule.get("cite", "?")
        return [
            say(
                "activity.air_participation",
                cite=cite,
                sorties=body["aircraft_sorties"],
                limit=sorties,
            )
        ]
    return []


def evaluate_activity(
    n: Notification, policy: Policy, history: Sequence[Record] | None = None
) -> Verdict:
    """The verdict on a military activity: triggers, notice period, observation, calendar."""
    sec = policy.section("military_activity")
    body = n.body
    if body.get("action") == "cancel":
        return Verdict.said(policy.id, True, (say("activity.cancel"),))
    reasons, notes, warnings = tripped(body, sec.get("notification") or [])
    obs, _n, _w = tripped(body, sec.get("observation") or [])
    dist, boundary = border_of(body)
    zone = policy.section("drone_flight").get("border_zone_km")
    if zone is not None and dist is not None and dist <= zone and reasons:
        cite = policy.rule("military_activity", "border_zone").get("cite")
        code = "activity.border_zone" if cite else "activity.border_zone_uncited"
        reasons.append(say(code, cite=cite, km=dist, boundary=boundary))
    notifiable = bool(reasons)
    warnings += _air(body, policy, notifiable)
    due_ms = late = None
    if notifiable:
        days = int(policy.rule("military_activity", "advance_notice").get("days", 0))
        due_ms = day_after_ms(shift_days(iso_day(body["start"]), -days))
        late = n.created_ms >= due_ms
        more_notes, more_warnings = calendar_notes(n, policy, history)
        notes += more_notes
        warnings += more_warnings
    details = {"border_distance_km": dist, "boundary": boundary, "observation": list(texts(obs))}
    return Verdict.said(
        policy.id,
        notifiable,
        reasons,
        observation_required=bool(obs),
        due_ms=due_ms,
        late=late,
        details=details,
        notes=notes,
        warnings=warnings,
    )
