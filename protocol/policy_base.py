"""What every policy module shares: presets, the notification, the verdict, time in days.

The rules are agreed by the parties and change by agreement, so they live in
versioned JSON files (``policies/*.json``) where every rule cites its paragraph.
Everything here is pure: the only times it knows are the ones it is handed.

Time: deadlines in days (notice periods, calendars, annual exchanges) are
*calendar-day* rules in UTC — "42 days or more before the start" is met by a
notice on the due date at any hour of it. Deadlines in hours (replies) run from
the moment the request was accepted. Either way the instant that makes a thing
late is ``due_ms``: the first millisecond that is late.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from .errors import SchemaError
from .policy_phrases import Phrase, texts

__all__ = [
    "DAY_MS",
    "HOUR_MS",
    "PRESETS",
    "Notification",
    "Policy",
    "Record",
    "Verdict",
    "date_ms",
    "day_after_ms",
    "iso_day",
    "load_preset",
    "shift_days",
    "utc_date",
]

PRESETS: Final = ("vienna-2011", "regional-2026")
DAY_MS: Final = 86_400_000
HOUR_MS: Final = 3_600_000


def utc_date(ms: int) -> dt.date:
    """The UTC calendar day holding the instant ``ms``."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date()


def date_ms(day: dt.date) -> int:
    """Midnight UTC at the start of ``day``."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def day_after_ms(day: dt.date) -> int:
    """The first instant after ``day`` (UTC): what is sent before it is on time that day."""
    return date_ms(day) + DAY_MS


def iso_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def shift_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


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

    def rule(self, section: str, name: str) -> dict[str, Any]:
        """One cited rule inside a section (``{}`` when the preset has none)."""
        r = self.section(section).get(name) or {}
        return r if isinstance(r, dict) else {}


def load_preset(name: str) -> Policy:
    """Load a shipped preset by id (reads package data, no other I/O)."""
    if name not in PRESETS:
        raise SchemaError(f"policy: unknown preset {name!r}; choose {', '.join(PRESETS)}")
    text = resources.files(__package__).joinpath("policies", f"{name}.json").read_text("utf-8")
    return Policy.from_json(text)


@dataclass(frozen=True, slots=True)
class Record:
    """One accepted message as the ledgers see it (what a client received or sent).

    ``at_ms`` is the time lateness is judged at: the hub's accept time where the
    holder knows it (an auditor does), else the best stand-in the holder has.
    """

    id: str
    sender: str
    family: str
    at_ms: int
    body: Mapping[str, Any]
    recipients: tuple[str, ...] = ()
    in_reply_to: str | None = None
    supersedes: str | None = None


@dataclass(frozen=True, slots=True)
class Notification:
    """What the policy looks at: family, cleaned body, and when it was sent.

    ``created_ms`` is the time lateness is judged at (the accept time where known).
    ``sender``/``recipients``/``id``/``in_reply_to`` matter to the verification
    families (quotas, replies); the rest of the catalogue ignores them.
    """

    family: str
    body: dict[str, Any]
    created_ms: int
    exercise: bool = False
    sender: str = ""
    recipients: tuple[str, ...] = ()
    id: str = ""
    in_reply_to: str | None = None


def _utc(ms: int) -> str:
    return f"{dt.datetime.fromtimestamp(ms / 1000, dt.UTC):%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The policy's answer for one notification under one preset.

    ``due_ms`` is the first instant that is late (the end of the due *day* for
    day rules); ``notes`` are facts a reader needs (quota used, calendar, reply
    time); ``warnings`` say the notice is incomplete under this preset — never a
    reason to notify.

    ``reason_phrases``, ``note_phrases``, ``warning_phrases`` and ``headline_phrase``
    say the same as ``reasons``, ``notes``, ``warnings`` and ``headline``, as codes
    with parameters (``policy_phrases``), one for one, so that a client can say them
    in its officer's language; a verdict built without them (empty) is English only.
    Neither ``summary()`` nor ``to_json()`` carries them: both stay as they were.
    """

    policy: str
    notifiable: bool
    reasons: tuple[str, ...] = ()
    observation_required: bool = False
    due_ms: int | None = None
    late: bool | None = None
    reply_deadline_ms: int | None = None
    overdue: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    headline: str = ""  # what the message is, for families that are not notices
    reason_phrases: tuple[Phrase, ...] = ()
    note_phrases: tuple[Phrase, ...] = ()
    warning_phrases: tuple[Phrase, ...] = ()
    headline_phrase: Phrase | None = None

    @classmethod
    def said(
        cls,
        policy: str,
        notifiable: bool,
        reasons: Sequence[Phrase] = (),
        *,
        notes: Sequence[Phrase] = (),
        warnings: Sequence[Phrase] = (),
        headline: Phrase | None = None,
        **facts: Any,
    ) -> Verdict:
        """A verdict whose words are phrases: the English fields are rendered from them.

        ``facts`` are the other fields (``due_ms``, ``late``, ``details`` …).
        """
        return cls(
            policy,
            notifiable,
            texts(reasons),
            notes=texts(notes),
            warnings=texts(warnings),
            headline=headline.text if headline is not None else "",
            reason_phrases=tuple(reasons),
            note_phrases=tuple(notes),
            warning_phrases=tuple(warnings),
            headline_phrase=headline,
            **facts,
        )

    @property
    def due_date(self) -> str | None:
        """The last day that is on time (ISO date), for day rules."""
        if self.due_ms is None:
            return None
        return utc_date(self.due_ms - 1).isoformat()

    def summary(self) -> str:
        """One line for a person: 'notifiable under regional-2026 (…); due by …'."""
        if not self.notifiable:
            head = f"not notifiable under {self.policy}"
            return "; ".join([head, *self.notes, *(f"⚠ {w}" for w in self.warnings)])
        parts = [f"under {self.policy}: {self.headline}" if self.headline else ""]
        parts[0] = parts[0] or f"notifiable under {self.policy}"
        if self.reasons:
            parts[0] += f" ({'; '.join(self.reasons)})"
        if self.observation_required:
            parts.append("observation must be invited")
        if self.due_ms is not None:
            when = f"due by {self.due_date}"
            on_time = f"{when} (on time until the end of that day, UTC)"
            parts.append(f"{when} — LATE" if self.late else on_time)
        if self.reply_deadline_ms is not None:
            late = " — OVERDUE" if self.overdue else " — answered LATE" if self.late else ""
            parts.append(f"reply due by {_utc(self.reply_deadline_ms)}{late}")
        parts += self.notes
        parts += [f"⚠ {w}" for w in self.warnings]
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The verdict for machines (``hotline check``, ``send``, the audit report)."""
        return {
            "policy": self.policy,
            "notifiable": self.notifiable,
            "reasons": list(self.reasons),
            "observation_required": self.observation_required,
            "due": self.due_date,
            "due_ms": self.due_ms,
            "late": self.late,
            "reply_deadline_ms": self.reply_deadline_ms,
            "overdue": self.overdue,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            "details": self.details,
            "headline": self.headline,
            "summary": self.summary(),
        }
