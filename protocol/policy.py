"""Policy as data: thresholds, notice periods and deadlines, and ``evaluate``.

The rules are agreed by the parties and change by agreement, so they live in
versioned JSON files (``policies/*.json``) that cite their source. This
module parses them and evaluates a notification against one; it is pure and
deterministic: the only time it knows is the ``now_ms`` it is handed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from .errors import SchemaError
from .geo import border_distance

__all__ = ["PRESETS", "Notification", "Policy", "Verdict", "evaluate", "load_preset"]

PRESETS: Final = ("vienna-2011", "regional-2026")
_DAY_MS: Final = 86_400_000
_HOUR_MS: Final = 3_600_000
_LANDING: Final = ("amphibious", "airborne")


@dataclass(frozen=True, slots=True)
class Policy:
    """One versioned preset (see the JSON files for the fields)."""

    id: str
    version: int
    title: str
    source: str
    example: bool
    data: dict[str, Any]

    @classmethod
    def from_json(cls, text: str) -> Policy:
        """Parse a policy document; raises SchemaError on a malformed one."""
        try:
            d = json.loads(text)
            return cls(
                str(d["id"]),
                int(d["version"]),
                str(d["title"]),
                str(d["source"]),
                bool(d.get("example", False)),
                d,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SchemaError(f"policy: malformed document ({exc})", field="policy") from exc

    def section(self, name: str) -> dict[str, Any]:
        sec = self.data.get(name) or {}
        return sec if isinstance(sec, dict) else {}


def load_preset(name: str) -> Policy:
    """Load a shipped preset by id (reads package data, no other I/O)."""
    if name not in PRESETS:
        raise SchemaError(f"policy: unknown preset {name!r}; choose {', '.join(PRESETS)}")
    text = resources.files(__package__).joinpath("policies", f"{name}.json").read_text("utf-8")
    return Policy.from_json(text)


@dataclass(frozen=True, slots=True)
class Notification:
    """What the policy looks at: family, cleaned body, and when it was sent."""

    family: str
    body: dict[str, Any]
    created_ms: int
    exercise: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """The policy's answer for one notification under one preset."""

    policy: str
    notifiable: bool
    reasons: tuple[str, ...] = ()
    observation_required: bool = False
    due_ms: int | None = None
    late: bool | None = None
    reply_deadline_ms: int | None = None
    overdue: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def due_date(self) -> str | None:
        if self.due_ms is None:
            return None
        return dt.datetime.fromtimestamp(self.due_ms / 1000, dt.UTC).date().isoformat()

    def summary(self) -> str:
        """One line for a person: 'notifiable under regional-2026 (troops …); due by …'."""
        if not self.notifiable:
            return f"not notifiable under {self.policy}"
        parts = [f"notifiable under {self.policy}"]
        if self.reasons:
            parts[0] += f" ({'; '.join(self.reasons)})"
        if self.observation_required:
            parts.append("observation must be invited")
        if self.due_ms is not None:
            parts.append(f"due by {self.due_date}" + (" — LATE" if self.late else ""))
        if self.reply_deadline_ms is not None:
            when = dt.datetime.fromtimestamp(self.reply_deadline_ms / 1000, dt.UTC)
            parts.append(
                f"reply due by {when:%Y-%m-%d %H:%M} UTC" + (" — OVERDUE" if self.overdue else "")
            )
        return "; ".join(parts)


def _date_ms(iso: str) -> int:
    d = dt.date.fromisoformat(iso[:10])
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def _tripped(body: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    out = []
    for name, limit in limits.items():
        value = body.get(name, 0)
        if isinstance(limit, int) and isinstance(value, int) and value >= limit:
            out.append(f"{name} {value:,} ≥ {limit:,}")
    return out


def _military_activity(n: Notification, p: Policy) -> Verdict:
    sec = p.section("military_activity")
    body = n.body
    limits = dict(sec.get("notification", {}))
    obs = dict(sec.get("observation", {}))
    if body.get("kind") in _LANDING:
        # Landings and parachute assaults have their own, lower troop figure.
        limits["troops"] = sec.get("notification_landing_troops", limits.get("troops"))
        obs["troops"] = sec.get("observation_landing_troops", obs.get("troops"))
    reasons = _tripped(body, limits)
    if sec.get("live_fire_drones_always") and body.get("live_fire") and body.get("drones", 0) > 0:
        reasons.append("live-fire exercise with drones")
    if body.get("action") == "cancel":
        return Verdict(p.id, True, ("cancellation of a notified activity",))
    dist, boundary = _border(body)
    zone = p.section("drone_flight").get("border_zone_km")
    if zone is not None and dist is not None and dist <= zone and reasons:
        reasons.append(f"in the border zone: {dist:g} km from the {boundary} boundary")
    notifiable = bool(reasons)
    due_ms = late = None
    if notifiable:
        due_ms = _date_ms(body["start"]) - int(sec.get("advance_notice_days", 0)) * _DAY_MS
        late = n.created_ms > due_ms
    details = {"border_distance_km": dist, "boundary": boundary}
    obs_required = bool(_tripped(body, obs))
    return Verdict(p.id, notifiable, tuple(reasons), obs_required, due_ms, late, details=details)


def _border(body: dict[str, Any]) -> tuple[float | None, str | None]:
    """Computed from the area; the sender's own figure only when there is no area."""
    area = body.get("area")
    if isinstance(area, dict):
        try:
            d = border_distance(area)
            return d.km, d.boundary
        except SchemaError:
            pass
    stated = body.get("border_distance_km")
    return (float(stated), None) if isinstance(stated, int | float) else (None, None)


def _drone_flight(n: Notification, p: Policy) -> Verdict:
    sec = p.section("drone_flight")
    zone = sec.get("border_zone_km")
    reasons = []
    dist, boundary = _border(n.body)
    where = f" of the {boundary} boundary" if boundary else " of the border"
    if sec.get("armed_always") and n.body.get("armed"):
        reasons.append("armed UAV")
    if zone is not None:
        if dist is None:
            reasons.append("distance to the border unknown: notify to be safe")
        elif dist <= zone:
            reasons.append(f"within {dist:g} km{where} (zone {zone} km)")
    details = {"border_distance_km": dist, "boundary": boundary, "border_zone_km": zone}
    return Verdict(p.id, bool(reasons), tuple(reasons), details=details)


def _clarification(n: Notification, p: Policy, now_ms: int) -> Verdict:
    hours = int(p.section("clarification").get("reply_hours", 48))
    deadline = n.created_ms + hours * _HOUR_MS
    return Verdict(
        p.id,
        True,
        (f"reply within {hours} h",),
        reply_deadline_ms=deadline,
        overdue=now_ms > deadline,
    )


def _hotline(n: Notification, p: Policy, now_ms: int) -> Verdict:
    minutes = int(p.section("hotline_message").get("ack_minutes", 15))
    deadline = n.created_ms + minutes * 60_000
    return Verdict(
        p.id,
        True,
        (f"acknowledge within {minutes} min",),
        reply_deadline_ms=deadline,
        overdue=now_ms > deadline,
    )


def evaluate(notification: Notification, policy: Policy, now_ms: int) -> Verdict:
    """Say whether ``notification`` is notifiable under ``policy`` and by when.

    Args:
        notification: family, cleaned body (``catalogue.validate_body``) and send time.
        policy: a preset (``load_preset``) or any parsed policy document.
        now_ms: the caller's clock, for overdue deadlines.

    Returns:
        A :class:`Verdict`: notifiable and which thresholds tripped, whether
        observation must be invited, due date and lateness, reply deadline.
    """
    fam = notification.family
    if fam == "military_activity":
        return _military_activity(notification, policy)
    if fam == "drone_flight":
        return _drone_flight(notification, policy)
    if fam == "clarification_request":
        return _clarification(notification, policy, now_ms)
    if fam == "hotline_message":
        return _hotline(notification, policy, now_ms)
    # Everything else is exchanged by agreement whenever it happens.
    return Verdict(policy.id, True, ("always exchanged",))
