"""Wire constants: version, domain-separation strings and decoder limits.

Every byte string that separates one signature or KDF context from another
lives here, so no two contexts can ever collide (docs/protocol.md §3).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DOMAIN_AUTH",
    "DOMAIN_CHECKPOINT",
    "DOMAIN_COSIGN",
    "DOMAIN_ENVELOPE",
    "DOMAIN_EVENT",
    "DOMAIN_HEADER",
    "DOMAIN_RECEIPT",
    "DOMAIN_ROSTER",
    "DOMAIN_TEAM_REPORT",
    "DOMAIN_WRAP",
    "MAX_BIN",
    "MAX_BODY",
    "MAX_CONTAINER",
    "MAX_DEPTH",
    "MAX_ENVELOPE",
    "MAX_FRAME",
    "MAX_RECIPIENTS",
    "MAX_STR",
    "MAX_WRAPS",
    "PRECEDENCES",
    "SESSION_SUPERSEDED",
    "URGENT_PRECEDENCES",
    "WIRE_VERSION",
]

WIRE_VERSION: Final = 1

# docs/protocol.md §3: domain separation. Each string ends in a NUL so that no
# prefix of one is another.
DOMAIN_ENVELOPE: Final = b"cbm-hotline/v1/envelope\x00"
DOMAIN_HEADER: Final = b"cbm-hotline/v1/header\x00"
DOMAIN_WRAP: Final = b"cbm-hotline/v1/wrap\x00"
DOMAIN_RECEIPT: Final = b"cbm-hotline/v1/receipt\x00"
DOMAIN_ROSTER: Final = b"cbm-hotline/v1/roster\x00"
DOMAIN_AUTH: Final = b"cbm-hotline/v1/auth\x00"
DOMAIN_CHECKPOINT: Final = b"cbm-hotline/v1/checkpoint\x00"
# A hub's signature over one log event (docs/protocol.md §9.1): the log says who wrote each
# entry, so an entry written straight into Redis is told apart from the hub's own.
DOMAIN_EVENT: Final = b"cbm-hotline/v1/event\x00"
# A party's cosignature over a hub checkpoint (docs/protocol.md §9.5, after C2SP
# tlog-cosignature): the witness has checked it is consistent with what it saw before.
DOMAIN_COSIGN: Final = b"cbm-hotline/v1/cosignature\x00"
# An inspection report co-signed by every party on a mixed team (docs/protocol.md §5.3).
DOMAIN_TEAM_REPORT: Final = b"cbm-hotline/v1/team-report\x00"

# docs/protocol.md §2.3: decoder limits. The websocket max_msg_size equals MAX_FRAME.
MAX_FRAME: Final = 1 << 20  # 1 MiB: a whole frame / envelope / roster
MAX_BODY: Final = 256 * 1024  # plaintext body after decryption
MAX_STR: Final = 64 * 1024  # any single string
MAX_BIN: Final = 512 * 1024  # any single byte string
# An envelope travels inside a log entry, which a delivery carries as one byte string:
# so the envelope is a little smaller than MAX_BIN (the entry's own fields and the hub's
# signature fit in the margin). The hub refuses a larger one at submit.
MAX_ENVELOPE: Final = MAX_BIN - 1024
MAX_CONTAINER: Final = 4096  # entries in any array or map
MAX_DEPTH: Final = 16  # nesting of arrays and maps
MAX_RECIPIENTS: Final = 64  # parties on one envelope
MAX_WRAPS: Final = 512  # recipient devices on one sealed body

# Military precedence, lowest first (docs/protocol.md §4.1).
PRECEDENCES: Final = ("ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH")
# Precedences that travel in the hub's urgent lane: routed to a second inbox that every
# delivery pump reads first and every client handles first, so they never queue behind
# a routine backlog (docs/protocol.md §4.1).
URGENT_PRECEDENCES: Final = frozenset({"IMMEDIATE", "FLASH"})

# The hub's alert to a device's session when a newer session of the same device takes
# its deliveries (one reader per device, docs/reliability.md): the code a client knows.
SESSION_SUPERSEDED: Final = "session_superseded"
