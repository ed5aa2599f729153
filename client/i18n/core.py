"""Catalogues and the officer's language: gettext for words, Babel for dates and numbers.

The catalogues live in ``client/locale/<dir>/LC_MESSAGES/hotline.po`` and are compiled
to ``.mo`` files that are committed beside them (so ``pip install -e .`` from a clean
clone works with no build step); ``scripts/i18n.sh`` extracts, updates and compiles them
with Babel, and a test fails when a ``.mo`` is stale or a message id is missing.

One language is active per process (a console or a CLI command serves one officer);
:func:`use` switches it, :func:`_` and :func:`ngettext` translate with it.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

from babel import Locale

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "_",
    "active",
    "choose_language",
    "language_from_env",
    "ngettext",
    "use",
]

DOMAIN = "hotline"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DEFAULT = "en"
#: BCP 47 tag → the catalogue's folder (gettext) and the Babel locale (CLDR formats)
LANGUAGES: Mapping[str, tuple[str, str]] = {
    "en": ("en", "en_GB"),  # en_GB: day-month order and 24-hour times, as in the region
    "sq": ("sq", "sq"),
    "sr-Latn": ("sr_Latn", "sr_Latn"),
    "sr-Cyrl": ("sr_Cyrl", "sr_Cyrl"),
    "hr": ("hr", "hr"),
    "bs": ("bs", "bs"),
    "mk": ("mk", "mk"),
    "cnr": ("cnr", "sr_Latn_ME"),  # CLDR has no Montenegrin data of its own yet
}


def N_(message: str) -> str:
    """Mark a string for extraction; translated later, where it is shown."""
    return message


class Translator:
    """One language: its catalogue and its Babel locale."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}: choose {', '.join(LANGUAGES)}")
        folder, babel_name = LANGUAGES[lang]
        self.lang = lang
        self.locale = Locale.parse(babel_name)
        self.catalogue: gettext.NullTranslations = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[folder], fallback=True
        )

    def gettext(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)


_active = Translator(DEFAULT)


def use(lang: str) -> Translator:
    """Make ``lang`` the language of this process; returns its translator."""
    global _active
    if lang != _active.lang:
        _active = Translator(lang)
    return _active


def active() -> Translator:
    return _active


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def language_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` → one of :data:`LANGUAGES`, if it names one.

    ``sr_RS.UTF-8`` is Cyrillic (Serbian's default script), ``sr_RS@latin`` Latin;
    ``sr_ME`` / ``cnr_ME`` Montenegrin.
    """
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return _from_posix(value)
    return None


def _from_posix(value: str) -> str | None:
    base, _sep, modifier = value.partition("@")
    tag = base.partition(".")[0].replace("-", "_")
    lang, _s, rest = tag.partition("_")
    lang = lang.lower()
    if lang in ("c", "posix", ""):
        return None
    if lang == "cnr" or (lang == "sr" and rest.upper() == "ME"):
        return "cnr"
    if lang == "sr":
        latin = modifier.lower() == "latin" or rest.lower().startswith("latn")
        return "sr-Latn" if latin else "sr-Cyrl"
    return lang if lang in LANGUAGES else None


def choose_language(
    flag: str | None, config: Mapping[str, object], device: str, env: Mapping[str, str] | None
) -> str:
    """``--lang``, then the home's config for this officer, then ``LANG``, then English.

    Config (``hotline.toml``)::

        [console]
        lang = "hr"                       # every officer of this home
        [console.devices."RS/officer-1"]
        lang = "sr-Cyrl"                  # this one officer
    """
    console = config.get("console", {})
    console = console if isinstance(console, Mapping) else {}
    devices = console.get("devices", {})
    per = devices.get(device, {}) if isinstance(devices, Mapping) else {}
    for cand in (flag, per.get("lang") if isinstance(per, Mapping) else None, console.get("lang")):
        if cand:
            if str(cand) not in LANGUAGES:
                raise ValueError(f"unknown language {cand!r}: choose {', '.join(LANGUAGES)}")
            return str(cand)
    return language_from_env(env) or DEFAULT
