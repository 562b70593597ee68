"""Every date, time, number, percentage, plural and duration in the reader's language (Babel,
imported on first use: a command that shows no date does not pay for it).

Dates and times are shown in the machine's own time zone: a session at 23:30 UTC is on the next
day in Paris, and both the day and the hour say so. One duration rule for every screen and export:
whole seconds elapsed (8.99 s is 0:08), and countdowns show what is left of the same whole
seconds, so "0:00" appears exactly at the end.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache

DATE = "medium"
DATE_TIME = {"fr": "d MMM y, HH:mm", "en": "MMM d, y, h:mm a"}


def duration(seconds: float) -> str:
    """90.9 -> "1:30"; negative values get a minus sign (the one rounding rule: whole seconds)."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def countdown(seconds: float) -> str:
    """Seconds left, as the complement of `duration`: 59.1 s left shows "1:00", 0 shows "0:00"."""
    return duration(max(0, math.ceil(round(seconds, 6))))


def local(moment: datetime) -> datetime:
    """An instant in this machine's time zone (a naive time is taken as UTC, as the store keeps)."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def day(value: date | datetime | None, lang: str) -> str:
    """2 nov. 2026 / Nov 2, 2026; an instant is dated in the local time zone."""
    if value is None:
        return "—"
    from babel.dates import format_date

    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, DATE, locale=lang)


def moment(value: datetime | None, lang: str) -> str:
    """3 nov. 2026, 00:30 / Nov 3, 2026, 12:30 AM, in the local time zone."""
    from babel.dates import format_datetime

    if value is None:
        return "—"
    return format_datetime(local(value), DATE_TIME[lang], locale=lang)


def when(value: date | datetime | None, lang: str) -> str:
    """`moment` for an instant, `day` for a date."""
    return moment(value, lang) if isinstance(value, datetime) else day(value, lang)


@lru_cache(maxsize=64)
def _number_format(lang: str, kind: str, pattern: str | None) -> tuple:
    """(the locale, the parsed pattern): what Babel's ``format_*`` parse again at every call,
    parsed once per language and pattern (a table of hundreds of figures pays it once)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(lang)
    if pattern is None:
        pattern = (
            locale.percent_formats[None] if kind == "percent" else locale.decimal_formats[None]
        )
    return locale, parse_pattern(pattern)


def _formatted(value: float, lang: str, kind: str, pattern: str | None = None) -> str:
    locale, parsed = _number_format(lang, kind, pattern)
    return parsed.apply(value, locale)


def percent(share: float | None, lang: str) -> str:
    """0.425 -> "42 %" in French, "42%" in English; "—" when unknown."""
    return "—" if share is None else _formatted(share, lang, "percent")


def decimal(value: float | None, lang: str, digits: int = 1) -> str:
    """3.25 -> "3,2" / "3.2"; "—" when unknown."""
    if value is None:
        return "—"
    return _formatted(value, lang, "decimal", "#,##0." + "0" * digits)


def number(value: int, lang: str) -> str:
    """12345 -> "12 345" / "12,345"."""
    return _formatted(value, lang, "decimal")


def plural(count: int, lang: str) -> str:
    """ "one" or "other", by the language's rule (French counts 0 and 1 as one)."""
    from babel import Locale

    return Locale.parse(lang).plural_form(count)
