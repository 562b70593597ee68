"""The figures as short sentences in the interface's language, for the screens and the exports."""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_decimal

from soutenance.i18n import current_language, t
from soutenance.voice.answer import AnswerVoice
from soutenance.voice.delivery import DeliveryFigures
from soutenance.voice.speech import SpeechFigures


def number(value: float, digits: int = 1) -> str:
    """1.25 -> "1,2" in French, "1.2" in English."""
    pattern = "0." + "#" * digits if digits else "0"
    return format_decimal(round(value, digits), format=pattern, locale=current_language())


def plural_key(key: str, count: int) -> str:
    return f"{key}.{Locale.parse(current_language()).plural_form(count)}"


def delivery_lines(figures: DeliveryFigures) -> list[str]:
    if not figures.spoke:
        return [t("voice.delivery.silent")]
    assert figures.thinking_time is not None
    return [
        t("voice.delivery.thinking", seconds=number(figures.thinking_time)),
        t("voice.delivery.speaking", seconds=number(figures.speaking_time)),
        t("voice.delivery.longest_pause", seconds=number(figures.longest_pause)),
        t(
            plural_key("voice.delivery.long_pauses", figures.long_pauses),
            count=figures.long_pauses,
            threshold=number(figures.pause_threshold),
        ),
    ]


def speech_lines(figures: SpeechFigures) -> list[str]:
    lines = []
    if figures.words_per_minute is not None:
        lines.append(t("voice.speech.wpm", wpm=number(figures.words_per_minute, 0)))
    if figures.fillers:
        listed = ", ".join(
            f"{word} ×{count}"
            for word, count in sorted(figures.fillers.items(), key=lambda i: -i[1])
        )
        lines.append(t("voice.speech.fillers", count=figures.filler_count, words=listed))
    else:
        lines.append(t("voice.speech.no_fillers"))
    if figures.repeated:
        lines.append(
            t(
                "voice.speech.repeated",
                words=", ".join(f"{w} {w}" for w in sorted(figures.repeated)),
            )
        )
    return lines


def figure_lines(voice: AnswerVoice) -> list[str]:
    """Everything measured about one answer, one sentence a line (no markup: plain text)."""
    lines = delivery_lines(voice.delivery) if voice.delivery else []
    return lines + (speech_lines(voice.speech) if voice.speech else [])
