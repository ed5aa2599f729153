"""Build a signed, sealed envelope from a notification (the client's side of the wire)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from hotline.protocol import (
    Envelope,
    RecipientError,
    Roster,
    SchemaError,
    Verdict,
    default_precedence,
    encode_body,
    load_preset,
    new_message_id,
    seal,
    validate_body,
)
from hotline.protocol.constants import MAX_ENVELOPE, PRECEDENCES
from hotline.protocol.errors import LimitExceeded
from hotline.protocol.policy_check import check_notice

from .home import Device

__all__ = ["compose", "expand_recipients", "verdicts"]


def expand_recipients(spec: str | list[str], roster: Roster, sender: str) -> tuple[str, ...]:
    """``"all"`` → every other party in the roster; otherwise check each code."""
    parties = roster.party_codes("party")
    if isinstance(spec, str):
        if spec.strip().lower() == "all":
            return tuple(sorted(p for p in parties if p != sender))
        spec = [p.strip().upper() for p in spec.split(",") if p.strip()]
    known = set(parties) | set(roster.party_codes("observer"))
    out = sorted(set(spec) - {sender})
    for p in out:
        if p not in known:
            raise RecipientError(
                f"unknown party {p!r}: choose from {', '.join(parties)}", field="recipients"
            )
    if not out:
        raise RecipientError("no recipients: pass --to P1,P2 or --to all", field="recipients")
    return tuple(out)


def verdicts(
    family: str, body: dict[str, Any], created_ms: int, policies: list[str], now_ms: int
) -> list[Verdict]:
    """The verdict under every configured preset (body must already be validated).

    Through ``check_notice``, the one check behind ``hotline check`` and compose; without
    a sender or history, so it makes no quota or calendar claims.
    """
    presets = [load_preset(p) for p in policies]
    found = check_notice(
        family, body, sender="", recipients=(), policies=presets, at_ms=created_ms, now_ms=now_ms
    )
    return list(found.verdicts)


def compose(
    device: Device,
    roster: Roster,
    *,
    recipients: tuple[str, ...],
    family: str,
    body: dict[str, Any],
    seq: int,
    now_ms: int,
    precedence: str | None = None,
    exercise: bool = False,
    in_reply_to: bytes | None = None,
    supersedes: bytes | None = None,
) -> tuple[Envelope, dict[str, Any]]:
    """Validate, seal to every roster device of the recipients, and sign."""
    clean = validate_body(family, body)
    prec = (precedence or default_precedence(family)).upper()
    if prec not in PRECEDENCES:
        raise SchemaError(
            f"precedence: must be one of {', '.join(PRECEDENCES)}", field="precedence"
        )
    if device.enc is None:
        raise SchemaError(f"{device.id} has no encryption key and cannot send")
    suite = device.enc.suite
    env = Envelope(
        1,
        new_message_id(now_ms, os.urandom(10)),
        device.party,
        device.id,
        recipients,
        family,
        prec,
        exercise,
        now_ms,
        in_reply_to,
        supersedes,
        seq,
        roster.version,
        suite,
    )
    # Only keys in the current signed roster are ever encrypted to.
    targets = [
        (d.id, d.encryption_key)
        for d in roster.seal_targets(device.party, recipients)
        if d.encryption_key is not None and d.encryption_key.suite == suite
    ]
    if not any(t[0].partition("/")[0] in recipients for t in targets):
        raise RecipientError("no recipient device has a key of this suite in the roster")
    ct = seal(encode_body(family, clean), env.header_digest(), suite, targets, os.urandom(44))
    out = replace(env, ciphertext=ct).signed(device.sign)
    size = len(out.encode())
    if size > MAX_ENVELOPE:
        raise LimitExceeded(
            f"the sealed message is {size} bytes, over {MAX_ENVELOPE}: shorten the body or "
            "send to fewer parties at a time"
        )
    return out, clean
