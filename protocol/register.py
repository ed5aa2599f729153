"""The regional arms register, built by every party's client from what it receives.

The hub cannot read bodies, so the register is computed at the edges, the same way
by everyone: holdings per (party, category) = the party's last ``annual_information``
baseline + ``arms_transfer`` notices since (delivered ones count now, contracted ones
count in the *projection*). A notice that makes the projection cross a ceiling, or
grow a category by more than the agreed share over the baseline, raises an alert —
once, at the notice that crosses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .errors import SchemaError
from .policy_phrases import Phrase

__all__ = ["Holding", "Notice", "RegisterAlert", "RegisterPolicy", "build_register"]


@dataclass(frozen=True, slots=True)
class RegisterPolicy:
    id: str
    example: bool
    source: str
    growth_share: float
    ceilings: dict[str, dict[str, int]]

    @classmethod
    def load(cls, name: str = "register-florence-example") -> RegisterPolicy:
        try:
            text = (
                resources.files(__package__).joinpath("policies", f"{name}.json").read_text("utf-8")
            )
            d = json.loads(text)
            return cls(
                d["id"],
                bool(d.get("example")),
                d["source"],
                float(d["growth_share"]),
                {p: {c: int(v) for c, v in cs.items()} for p, cs in d["ceilings"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SchemaError(f"register policy {name!r}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Notice:
    """What the register needs of one received or sent message."""

    id: str
    party: str
    family: str
    created_ms: int
    body: dict[str, Any]
    supersedes: str | None = None


@dataclass
class Holding:
    party: str
    category: str
    baseline: int = 0
    baseline_year: int | None = None
    delivered: int = 0
    contracted: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def current(self) -> int:
        return self.baseline + self.delivered

    @property
    def projected(self) -> int:
        return self.baseline + self.delivered + self.contracted

    def to_json(self, ceiling: int | None) -> dict[str, Any]:
        return {
            "party": self.party,
            "category": self.category,
            "baseline": self.baseline,
            "baseline_year": self.baseline_year,
            "delivered": self.delivered,
            "contracted": self.contracted,
            "current": self.current,
            "projected": self.projected,
            "ceiling": ceiling,
            "sources": self.sources,
        }


@dataclass(frozen=True, slots=True)
class RegisterAlert:
    party: str
    category: str
    kind: str  # ceiling | growth
    notice_id: str
    projected: int
    limit: float
    #: what it says, as a code and its facts: each client renders it in its officer's language
    phrase: Phrase

    @property
    def message(self) -> str:
        """The English sentence (logs, JSON, the store's fallback text)."""
        return self.phrase.text


def build_register(
    notices: Iterable[Notice], policy: RegisterPolicy
) -> tuple[dict[tuple[str, str], Holding], list[RegisterAlert]]:
    """Replay notices in (time, id) order; the same notices give the same register."""
    holdings: dict[tuple[str, str], Holding] = {}
    alerts: list[RegisterAlert] = []
    contracts: dict[str, tuple[str, str, int]] = {}  # notice id → (party, category, signed qty)
    for n in sorted(notices, key=lambda x: (x.created_ms, x.id)):
        if n.family == "annual_information":
            for (party, _cat), h in list(holdings.items()):
                if party == n.party:  # a new baseline already contains what came before
                    h.baseline, h.delivered, h.contracted, h.sources = 0, 0, 0, []
            for cat, count in n.body.get("holdings", {}).items():
                h = holdings.setdefault((n.party, cat), Holding(n.party, cat))
                h.baseline, h.baseline_year = int(count), int(n.body.get("year", 0))
                h.sources = [n.id]
            continue
        if n.family != "arms_transfer":
            continue
        cat = str(n.body["category"])
        sign = -1 if n.body.get("direction") == "transfer" else 1
        qty = sign * int(n.body["quantity"])
        h = holdings.setdefault((n.party, cat), Holding(n.party, cat))
        before = h.projected
        if n.supersedes in contracts:  # a delivery that completes an earlier contract
            _p, _c, old = contracts.pop(n.supersedes)
            h.contracted -= old
        if n.body.get("status") == "delivered":
            h.delivered += qty
        else:
            h.contracted += qty
            contracts[n.id] = (n.party, cat, qty)
        h.sources.append(n.id)
        alerts += _check(h, before, n, policy)
    return holdings, alerts


def _check(h: Holding, before: int, n: Notice, policy: RegisterPolicy) -> list[RegisterAlert]:
    out = []
    ceiling = policy.ceilings.get(h.party, {}).get(h.category)
    after = h.projected
    if ceiling is not None and before <= ceiling < after:
        out.append(
            RegisterAlert(
                h.party,
                h.category,
                "ceiling",
                n.id,
                after,
                ceiling,
                Phrase(
                    "register.ceiling",
                    {
                        "party": h.party,
                        "category": h.category,
                        "projected": after,
                        "limit": ceiling,
                    },
                ),
            )
        )
    if h.baseline_year is not None:
        limit = h.baseline * (1 + policy.growth_share)
        if before <= limit < after:
            out.append(
                RegisterAlert(
                    h.party,
                    h.category,
                    "growth",
                    n.id,
                    after,
                    policy.growth_share,
                    Phrase(
                        "register.growth",
                        {
                            "party": h.party,
                            "category": h.category,
                            "projected": after,
                            "share": policy.growth_share,
                            "year": h.baseline_year,
                            "baseline": h.baseline,
                        },
                    ),
                )
            )
    return out
