"""French and English texts of the interface; bank content is never translated.

Catalogs are JSON files per domain under catalogs/<lang>/, merged at first use. A missing key
falls back to the other language, then to the key itself, so a gap never crashes the app.
"""

from __future__ import annotations

import json
import locale
import os
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, partial
from importlib import resources

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_language: ContextVar[str | None] = ContextVar("soutenance_language", default=None)
_chosen_at_start = DEFAULT_LANGUAGE
"""The interface language chosen when the app or command started, for threads (Textual's thread
workers) that do not carry the context where it was set."""


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("soutenance.i18n") / "catalogs" / language
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def detect_language(explicit: str | None = None, configured: str | None = None) -> str:
    """--lang, then $SOUTENANCE_LANG, then the config, then the system locale; French by default.

    The variable comes before the file: it is set for one shell or one command."""
    for candidate in (explicit, os.environ.get("SOUTENANCE_LANG"), configured):
        if candidate in LANGUAGES:
            return candidate
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    system = (locale.getlocale()[0] or "")[:2]
    return system if system in LANGUAGES else DEFAULT_LANGUAGE


def language_known(explicit: str | None = None, configured: str | None = None) -> bool:
    """Whether the command line, the config, the environment or the locale names French or
    English; when none does (a `C.UTF-8` or German machine), the app asks once."""
    if any(c in LANGUAGES for c in (explicit, configured, os.environ.get("SOUTENANCE_LANG"))):
        return True
    if any(os.environ.get(v, "")[:2] in LANGUAGES for v in ("LC_ALL", "LC_MESSAGES", "LANG")):
        return True
    return (locale.getlocale()[0] or "")[:2] in LANGUAGES


def set_language(language: str) -> None:
    """The interface language, once the command line, the config and the environment are read."""
    global _chosen_at_start
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _language.set(chosen)
    _chosen_at_start = chosen


def current_language() -> str:
    return _language.get() or _chosen_at_start


def translate(language: str, key: str, /, **values: object) -> str:
    """The text of `key` in `language`, with {placeholders} filled in. A missing key falls back
    to the other language, then to the key itself, so a gap never crashes anything."""
    text = catalog(language).get(key)
    if text is None:
        other = "en" if language == "fr" else "fr"
        text = catalog(other).get(key, key)
    return text.format(**values) if values else text


def translator(language: str) -> Callable[..., str]:
    """`t` for one language: exports and feedback are written in their reader's language."""
    return partial(translate, language)


def t(key: str, /, **values: object) -> str:
    """The text of `key` in the interface language."""
    return translate(current_language(), key, **values)


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    """A date, or an instant with its local time, in the interface language (or `language`)."""
    from soutenance.i18n.formats import when

    return when(value, language or current_language())
