"""The figures as short sentences, in the interface's language or a given one (exports)."""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_decimal

from soutenance.i18n import catalog, current_language, t
from soutenance.voice.answer import AnswerVoice
from soutenance.voice.figures import DeliveryFigures
from soutenance.voice.speech import SpeechFigures


def say(key: str, language: str | None = None, /, **values: object) -> str:
    """`t(key)` in `language` (a Markdown export's) rather than the interface's."""
    text = catalog(language).get(key) if language else None
    if text is None:
        return t(key, **values)
    return text.format(**values) if values else text


def number(value: float, digits: int = 1, language: str | None = None) -> str:
    """1.25 -> "1,2" in French, "1.2" in English."""
    pattern = "0." + "#" * digits if digits else "0"
    return format_decimal(
        round(value, digits), format=pattern, locale=language or current_language()
    )


def plural_key(key: str, count: int, language: str | None = None) -> str:
    return f"{key}.{Locale.parse(language or current_language()).plural_form(count)}"


def delivery_lines(figures: DeliveryFigures, language: str | None = None) -> list[str]:
    if not figures.spoke:
        return [say("voice.delivery.silent", language)]
    assert figures.thinking_time is not None

    def seconds(value: float) -> str:
        return number(value, 1, language)

    return [
        say("voice.delivery.thinking", language, seconds=seconds(figures.thinking_time)),
        say("voice.delivery.speaking", language, seconds=seconds(figures.speaking_time)),
        say("voice.delivery.longest_pause", language, seconds=seconds(figures.longest_pause)),
        say(
            plural_key("voice.delivery.long_pauses", figures.long_pauses, language),
            language,
            count=figures.long_pauses,
            threshold=seconds(figures.pause_threshold),
        ),
    ]


def speech_lines(figures: SpeechFigures, language: str | None = None) -> list[str]:
    lines = []
    if figures.words_per_minute is not None:
        wpm = number(figures.words_per_minute, 0, language)
        lines.append(say("voice.speech.wpm", language, wpm=wpm))
    if figures.fillers:
        listed = ", ".join(
            f"{word} ×{count}"
            for word, count in sorted(figures.fillers.items(), key=lambda i: -i[1])
        )
        lines.append(
            say("voice.speech.fillers", language, count=figures.filler_count, words=listed)
        )
    else:
        lines.append(say("voice.speech.no_fillers", language))
    if figures.repeated:
        words = ", ".join(f"{w} {w}" for w in sorted(figures.repeated))
        lines.append(say("voice.speech.repeated", language, words=words))
    return lines


def figure_lines(voice: AnswerVoice, language: str | None = None) -> list[str]:
    """Everything measured about one answer, one sentence a line (no markup: plain text)."""
    lines = delivery_lines(voice.delivery, language) if voice.delivery else []
    return lines + (speech_lines(voice.speech, language) if voice.speech else [])
