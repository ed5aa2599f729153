"""The officer's language: gettext catalogues for words, Babel for dates and numbers."""

from .core import (
    DEFAULT,
    LANGUAGES,
    LOCALE_DIR,
    N_,
    Translator,
    _,
    active,
    choose_language,
    language_from_env,
    ngettext,
    use,
)
from .formats import fmt_date, fmt_datetime, fmt_number, fmt_span, fmt_time
from .labels import (
    category_name,
    family_name,
    field_name,
    precedence_mark,
    precedence_name,
    receipt_state,
    value_name,
)
from .phrases import phrase_text
from .verdicts import reason_text, verdict_text

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "_",
    "active",
    "category_name",
    "choose_language",
    "family_name",
    "field_name",
    "fmt_date",
    "fmt_datetime",
    "fmt_number",
    "fmt_span",
    "fmt_time",
    "language_from_env",
    "ngettext",
    "phrase_text",
    "precedence_mark",
    "precedence_name",
    "reason_text",
    "receipt_state",
    "use",
    "value_name",
    "verdict_text",
]
