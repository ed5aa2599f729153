"""The team report: one inspection report carrying the signature of every party on the team.

docs/protocol.md §5.3. A mixed team (inspectors from HR, BA and ME, say) reports
once, and each of its parties signs that one report, so no party can later say
the findings are not its own and the sender cannot change them alone.

Signed bytes: ``DOMAIN_TEAM_REPORT ‖ pack(content)``, where ``content`` is the
``inspection_report`` body after validation *without* its ``signatures`` field.
Each signature is ``{"device": "HR/officer-1", "signature": <128 hex>}``, sorted
by device. A report is *complete* when every party on the team has exactly one
valid signature by an officer device listed, unrevoked and current in the
roster at the report's time, and no other party signed. The envelope that
carries the report is still signed by the sending device, as every envelope is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalogue import inspection_report as schema
from .catalogue.teams import team_parties
from .constants import DOMAIN_TEAM_REPORT
from .errors import ProtocolError, SignatureError
from .keys import SigningKey
from .roster import Roster
from .signing import sign, signed_bytes, verify

__all__ = [
    "judge_report",
    "report_content",
    "report_payload",
    "sign_report",
    "signers",
    "verify_report",
]


def report_content(body: Mapping[str, Any]) -> dict[str, Any]:
    """The part every signature covers: the validated body minus ``signatures``."""
    return schema.validate_content({k: v for k, v in body.items() if k != "signatures"})


def report_payload(body: Mapping[str, Any]) -> bytes:
    """The exact bytes each team signature covers."""
    return signed_bytes(DOMAIN_TEAM_REPORT, report_content(body))


def sign_report(body: Mapping[str, Any], device_id: str, key: SigningKey) -> dict[str, Any]:
    """``body`` with ``device_id``'s signature added (or replaced); the others kept."""
    content = report_content(body)
    sig = sign(key, DOMAIN_TEAM_REPORT, content).hex()
    kept = [s for s in body.get("signatures") or [] if s.get("device") != device_id]
    return schema.validate(
        content | {"signatures": [*kept, {"device": device_id, "signature": sig}]}
    )


def signers(body: Mapping[str, Any]) -> list[str]:
    """The devices that signed, in wire order (no check made)."""
    return [str(s.get("device")) for s in body.get("signatures") or []]


def verify_report(body: Mapping[str, Any], roster: Roster, at_ms: int) -> tuple[str, ...]:
    """Check every signature against ``roster`` at ``at_ms``; return the signing parties.

    Raises:
        SchemaError: the body is not a valid report.
        KeyError_ / RevokedKey / ExpiredKey / WrongRole: a signer is not an officer
            device in force in the roster.
        SignatureError: a signature does not verify, a party signed twice, a party
            not on the team signed, or a party on the team did not sign.
    """
    clean = schema.validate(dict(body))
    content = {k: v for k, v in clean.items() if k != "signatures"}
    team = team_parties(clean["team"])
    seen: dict[str, str] = {}
    for s in clean["signatures"]:
        dev = roster.device(s["device"], at_ms, roles=("officer",))
        if dev.party not in team:
            raise SignatureError(
                f"signatures: {dev.party} is not on the team ({', '.join(team)})",
                field="signatures",
            )
        if dev.party in seen:
            raise SignatureError(
                f"signatures: {dev.party} signed twice ({seen[dev.party]}, {dev.id})",
                field="signatures",
            )
        try:
            verify(dev.verify_key, bytes.fromhex(s["signature"]), DOMAIN_TEAM_REPORT, content)
        except SignatureError:
            raise SignatureError(
                f"signatures: {dev.id}'s signature does not verify", field="signatures"
            ) from None
        seen[dev.party] = dev.id
    missing = [p for p in team if p not in seen]
    if missing:
        raise SignatureError(
            f"signatures: {', '.join(missing)} has not signed: every party on the team signs",
            field="signatures",
        )
    return tuple(sorted(seen))


def judge_report(body: Mapping[str, Any], roster: Roster, at_ms: int) -> ProtocolError | None:
    """``verify_report`` returning the refusal instead of raising (ledgers, auditors)."""
    try:
        verify_report(body, roster, at_ms)
    except ProtocolError as exc:
        return exc
    return None
