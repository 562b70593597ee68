"""French and English texts of the interface; bank content is never translated.

Catalogs are JSON files per domain under catalogs/<lang>/, merged at first use. A missing key
falls back to the other language, then to the key itself, so a gap never crashes the app.
"""

from __future__ import annotations

import json
import locale
import os
from datetime import date, datetime
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_current = DEFAULT_LANGUAGE

_MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("soutenance.i18n") / "catalogs" / language
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def detect_language(explicit: str | None = None, configured: str | None = None) -> str:
    """--lang, then the config, then $SOUTENANCE_LANG, then the system locale; French by default."""
    for candidate in (explicit, configured, os.environ.get("SOUTENANCE_LANG")):
        if candidate in LANGUAGES:
            return candidate
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value[:2] in LANGUAGES:
            return value[:2]
    system = (locale.getlocale()[0] or "")[:2]
    return system if system in LANGUAGES else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current


def t(key: str, /, **values: object) -> str:
    """The text of `key` in the current language, with {placeholders} filled in."""
    text = catalog(_current).get(key)
    if text is None:
        other = "en" if _current == "fr" else "fr"
        text = catalog(other).get(key, key)
    return text.format(**values) if values else text


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    if value is None:
        return "—"
    language = language or _current
    month = _MONTHS[language][value.month - 1]
    text = f"{value.day} {month} {value.year}" if language == "fr" else f"{month} {value.day}, {value.year}"
    if isinstance(value, datetime):
        local = value.astimezone() if value.tzinfo else value
        text += f" {local:%H:%M}" if language == "fr" else f", {local:%H:%M}"
    return text
