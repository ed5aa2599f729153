"""The search rules, one module for the console's filter and ``hotline inbox --search``.

Matching is case-, diacritic- and script-insensitive, so ``Nis``, ``Niš`` and ``Ниш``
find the same messages: text is folded to lower-case Latin without diacritics, with
Serbian and Macedonian Cyrillic transliterated first (``ђ``/``đ`` → ``d``, ``љ`` → ``lj``,
``ќ`` → ``kj`` …). A query is words plus ``key:value`` terms:

- ``from:RS`` the sender, ``to:HR`` a recipient (each may repeat: any of them);
- ``family:drone``, ``prec:flash``, ``date:2026-11-22`` (UTC, of :func:`message_time`);
- ``is:unread``, ``is:unacked``, ``is:overdue`` state filters.

Message ids are UUIDv7: their first 12 hex digits are a timestamp, alike for messages
sent close together, so ids are shown by :func:`short_id` (the random tail) and
:func:`resolve_id` accepts any unique prefix or tail of an id.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hotline.protocol import ProtocolError

from .attention import message_time
from .store import InboxRow

__all__ = [
    "STATES",
    "AmbiguousId",
    "Query",
    "UnknownId",
    "fold",
    "matches",
    "parse",
    "resolve_id",
    "search",
    "short_id",
]

STATES = ("unread", "unacked", "overdue")
KEYS = ("from", "to", "family", "prec", "date", "is")

# Serbian (Vuk) and Macedonian Cyrillic → Latin; letters whose Latin form has a diacritic
# (ш → š) lose it in the next step anyway, so they map straight to the bare letter.
_PAIRS = (
    "аa бb вv гg дd ђdj еe жz зz иi јj кk лl љlj мm нn њnj оo пp рr сs тt ћc уu фf хh цc чc "
    "џdz шs ѓgj ѕdz ќkj"
)
_CYR = {pair[0]: pair[1:] for pair in _PAIRS.split(" ")}
_SPECIAL = {"đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "ı": "i"}


def fold(text: str) -> str:
    """Lower-case Latin without diacritics: the form both sides are compared in."""
    out = []
    for ch in text.casefold():
        ch = _CYR.get(ch, _SPECIAL.get(ch, ch))
        out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    """A parsed search: every part must match (the values of one key: any of them)."""

    words: tuple[str, ...] = ()
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self.terms.get("is", ()))

    def __bool__(self) -> bool:
        return bool(self.words or self.terms)


def parse(text: str) -> Query:
    """``from:RS niš is:unread`` → a Query; unknown ``key:`` terms are searched as words."""
    words: list[str] = []
    terms: dict[str, list[str]] = {}
    for token in text.split():
        key, sep, value = token.partition(":")
        key = key.lower()
        if sep and value and key in KEYS:
            value = value.lower() if key == "is" else fold(value)
            terms.setdefault(key, []).append(value)
        else:
            words.append(fold(token))
    return Query(tuple(words), {k: tuple(v) for k, v in terms.items()})


def _strings(v: Any) -> Iterable[str]:
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)


def _haystack(m: InboxRow, extra: str) -> str:
    return fold(" ".join([m.sender, m.family.replace("_", " "), extra, *_strings(m.body)]))


def _state_ok(state: str, m: InboxRow, overdue: Callable[[InboxRow], bool]) -> bool:
    if state == "unread":
        return m.my_rank < 1
    if state == "unacked":
        return m.my_rank < 2
    if state == "overdue":
        return overdue(m)
    return False  # a state we do not know matches nothing, rather than everything


def _term_ok(key: str, values: tuple[str, ...], m: InboxRow) -> bool:
    if key == "from":
        return fold(m.sender) in values
    if key == "to":
        return any(fold(r) in values for r in m.recipients)
    if key == "family":
        return any(v in fold(m.family) for v in values)
    if key == "prec":
        return any(fold(m.precedence).startswith(v) for v in values)
    if key == "date":
        day = dt.datetime.fromtimestamp(message_time(m) / 1000, dt.UTC).date().isoformat()
        return any(v in day for v in values)
    return True


def matches(
    q: Query,
    m: InboxRow,
    *,
    overdue: Callable[[InboxRow], bool] = lambda _m: False,
    extra: Callable[[InboxRow], str] = lambda _m: "",
) -> bool:
    """Whether ``m`` satisfies every part of ``q``; ``extra`` adds searchable text
    (the console adds the family's name in the officer's language)."""
    for key, values in q.terms.items():
        if key == "is":
            if not all(_state_ok(s, m, overdue) for s in values):
                return False
        elif not _term_ok(key, values, m):
            return False
    if q.words:
        hay = _haystack(m, extra(m))
        return all(w in hay for w in q.words)
    return True


def search(
    rows: Iterable[InboxRow],
    q: Query,
    *,
    overdue: Callable[[InboxRow], bool] = lambda _m: False,
    extra: Callable[[InboxRow], str] = lambda _m: "",
) -> list[InboxRow]:
    return [m for m in rows if matches(q, m, overdue=overdue, extra=extra)]


def short_id(mid: str) -> str:
    """The random tail of a UUIDv7 (its head is a timestamp, alike for close messages)."""
    return mid.replace("-", "")[-12:]


class UnknownId(ProtocolError):
    code = "unknown_id"


class AmbiguousId(ProtocolError):
    code = "ambiguous_id"


def resolve_id(text: str, known: Iterable[str]) -> str:
    """The one known id that ``text`` is, starts or ends (hyphens ignored)."""
    want = text.strip().lower().replace("-", "").lstrip("…").rstrip("…")
    if not want:
        raise UnknownId("an empty id")
    hits = sorted(
        {
            k
            for k in known
            if (flat := k.replace("-", "")) == want
            or (len(want) >= 6 and (flat.startswith(want) or flat.endswith(want)))
        }
    )
    if not hits:
        raise UnknownId(f"no message {text}")
    if len(hits) > 1:
        raise AmbiguousId(f"{text} matches {len(hits)} messages ({', '.join(hits[:3])} …)")
    return hits[0]
