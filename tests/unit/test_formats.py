"""Dates, numbers and durations in the reader's language and this machine's time zone (Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from soutenance.i18n import formats

LATE = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
EXPECTED = {
    "UTC": ("2 nov. 2026, 23:30", "Nov 2, 2026, 11:30 PM", "2 nov. 2026"),
    "Europe/Paris": ("3 nov. 2026, 00:30", "Nov 3, 2026, 12:30 AM", "3 nov. 2026"),
    "America/Los_Angeles": ("2 nov. 2026, 15:30", "Nov 2, 2026, 3:30 PM", "2 nov. 2026"),
}


def test_the_day_and_the_hour_are_both_local(time_zone: str) -> None:
    """23:30 UTC is already tomorrow in Paris: the day moves with the hour, never one without the other."""
    french, english, day = EXPECTED[time_zone]
    assert formats.moment(LATE, "fr") == french
    assert formats.moment(LATE, "en") == english
    assert formats.day(LATE, "fr") == day
    assert formats.day(date(2026, 11, 2), "fr") == "2 nov. 2026"  # a date has no time zone


def test_a_naive_stored_time_is_taken_as_utc(time_zone: str) -> None:
    assert formats.moment(LATE.replace(tzinfo=None), "fr") == EXPECTED[time_zone][0]


def test_numbers_and_percentages_follow_the_language() -> None:
    assert formats.percent(0.425, "fr") == "42\u00a0%"
    assert formats.percent(0.425, "en") == "42%"
    assert (formats.decimal(3.25, "fr"), formats.decimal(3.25, "en")) == ("3,2", "3.2")
    assert formats.number(12345, "en") == "12,345"
    assert formats.percent(None, "fr") == formats.decimal(None, "en") == "—"
    assert [formats.plural(n, "fr") for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [formats.plural(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_one_duration_rule_for_every_screen_and_export() -> None:
    assert [formats.duration(s) for s in (8.99, 59.6, 60, 3599.9)] == [
        "0:08",
        "0:59",
        "1:00",
        "59:59",
    ]
    assert formats.duration(-12.4) == "-0:12"


def test_numbers_formatted_from_parsed_patterns_read_as_babel_formats_them() -> None:
    """The patterns are parsed once per language: the text is Babel's own, whatever the value."""
    from babel.numbers import format_decimal, format_percent

    values = [0, 0.005, 0.125, 0.5, 1.05, -2.25, 3.25, 999.95, 12345.678, -0.0004, 1e7 / 3]
    for lang in ("fr", "en"):
        for value in values:
            assert formats.percent(value, lang) == format_percent(value, locale=lang)
            assert formats.decimal(value, lang) == format_decimal(value, "#,##0.0", locale=lang)
            assert formats.decimal(value, lang, 2) == format_decimal(value, "#,##0.00", locale=lang)
        assert formats.number(-1234567, lang) == format_decimal(-1234567, locale=lang)
