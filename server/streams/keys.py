"""Every Redis key the hub uses. Hash tags keep multi-key writes in one Cluster slot.

- ``hl:{log}:events``    the append-only log: every accepted envelope, receipt,
                          rejection, roster change, hub start/stop (source of truth)
- ``hl:{log}:n``          the log's next leaf index (D4); each entry carries its own ``n``
- ``hl:{log}:ids``        message id → "log id|digest|sender|recipients|lane" (idempotency)
- ``hl:{log}:st:<mid>``   device → highest receipt rank (per-recipient status)
- ``hl:{log}:cursor``     last log id routed into inboxes
- ``hl:{log}:router``     the routing lease (one router at a time keeps inbox order)
- ``hl:{log}:roster``     roster version → roster bytes
- ``hl:{log}:checkpoints`` signed checkpoints; ``:index`` message id → leaf index;
                          ``:ckpt-lease`` the signing lease; ``:ckpt-force`` "sign now"
- ``hl:{inbox:P}``        party P's inbox (routine lane); one consumer group per device
- ``hl:{inbox:P}:urgent`` party P's urgent lane (IMMEDIATE / FLASH and their receipts)
- ``hl:{inbox:P}:dlq``    dead letters for P (poison entries, foreign references)
- ``hl:{notify}``         "something was routed to these parties" wake-ups for hubs
"""

from __future__ import annotations

from typing import Final

from hotline.protocol import URGENT_PRECEDENCES

__all__ = [
    "CHECKPOINTS",
    "CKPT_FORCE",
    "CKPT_LEASE",
    "COUNTER",
    "CURSOR",
    "IDS",
    "INDEX",
    "LANES",
    "LOG",
    "NOTIFY",
    "ROSTER",
    "ROUTER_LEASE",
    "dlq_key",
    "inbox_key",
    "lane_for",
    "status_key",
]

LOG: Final = "hl:{log}:events"
COUNTER: Final = "hl:{log}:n"
IDS: Final = "hl:{log}:ids"
CURSOR: Final = "hl:{log}:cursor"
ROUTER_LEASE: Final = "hl:{log}:router"
ROSTER: Final = "hl:{log}:roster"
CHECKPOINTS: Final = "hl:{log}:checkpoints"
INDEX: Final = "hl:{log}:index"
CKPT_LEASE: Final = "hl:{log}:ckpt-lease"
CKPT_FORCE: Final = "hl:{log}:ckpt-force"
NOTIFY: Final = "hl:{notify}"

#: delivery lanes, in the order every pump reads them
LANES: Final = ("urgent", "routine")


def lane_for(precedence: str) -> str:
    return "urgent" if precedence in URGENT_PRECEDENCES else "routine"


def inbox_key(party: str, lane: str = "routine") -> str:
    # same hash tag for both lanes: one XREADGROUP reads both, also on a Cluster
    return f"hl:{{inbox:{party}}}" + ("" if lane == "routine" else ":urgent")


def dlq_key(party: str) -> str:
    return f"hl:{{inbox:{party}}}:dlq"


def status_key(mid_hex: str) -> str:
    return f"hl:{{log}}:st:{mid_hex}"
