"""The register as this device sees it: notices from its own store (inbox and sent)."""

from __future__ import annotations

from hotline.protocol.register import (
    Holding,
    Notice,
    RegisterAlert,
    RegisterPolicy,
    build_register,
)

from .store import Store

__all__ = ["notices_from_store", "register_for"]

FAMILIES = ("annual_information", "arms_transfer")


def notices_from_store(store: Store, own_party: str) -> list[Notice]:
    out = [
        Notice(m.id, m.sender, m.family, m.created_ms, m.body, m.supersedes)
        for m in store.inbox(100_000)
        if m.family in FAMILIES and m.verified
    ]
    for s in store.sent(100_000):
        if s["family"] in FAMILIES and s["state"] == "accepted":
            out.append(Notice(s["id"], own_party, s["family"], s["created_ms"], s["body"]))
    return out


def register_for(
    store: Store, own_party: str, policy: RegisterPolicy | None = None
) -> tuple[dict[tuple[str, str], Holding], list[RegisterAlert], RegisterPolicy]:
    policy = policy or RegisterPolicy.load()
    holdings, alerts = build_register(notices_from_store(store, own_party), policy)
    return holdings, alerts, policy
