"""Plain-language words for what the draw and the statistics found: why a question was drawn,
the calibration verdict, where a student stands against the date.

Shared by the CLI, the screens and the exports; the texts live in the ``progress`` i18n catalogs.
Each function writes in `lang` (the interface language when not given): an export is written in
its reader's language, whatever the interface's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from soutenance.i18n import current_language, translate
from soutenance.i18n import formats as loc
from soutenance.session.model import MARK_SCALES
from soutenance.session.model import Reason as ReasonModel
from soutenance.session.scheduling import CONFIDENCE_SCALE, CoveragePlan, Reason
from soutenance.session.stats import Calibration, QuestionStats


def percent(share: float | None, lang: str | None = None) -> str:
    """0.425 -> "42 %" in French, "42%" in English (Babel); "—" when unknown."""
    return loc.percent(share, lang or current_language())


def percent_label(share: float | None, lang: str | None = None) -> str:
    """0.425 -> "42 %" in French, "42%" in English; "—" when unknown."""
    return loc.percent(share, lang or current_language())


def decimal(value: float | None, digits: int = 1, lang: str | None = None) -> str:
    """3.25 -> "3,2" in French, "3.2" in English; "—" when unknown."""
    return loc.decimal(value, lang or current_language(), digits)


def _say(lang: str | None, key: str, fallback: str, **values: object) -> str:
    """The text of `key`; a missing key or placeholder gives ``fallback`` rather than an error."""
    language = lang or current_language()
    text = translate(language, key)
    if text == key:
        return fallback
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback


def t(key: str, lang: str | None = None, **values: object) -> str:
    return translate(lang or current_language(), key, **values)


def reason_text(reason: Reason, lang: str | None = None) -> str:
    """Why a question was drawn: ("key_points", {"covered": 1, "total": 4}) -> "1 point clé
    sur 4 la dernière fois". An unknown code is shown as it is."""
    code, params = reason
    values = dict(params)
    key = f"reason.{code}"
    if "retrievability" in values:
        values["percent"] = percent(values["retrievability"], lang)
    if code == "key_points":
        key += "." + loc.plural(int(values.get("covered", 0)), lang or current_language())
    return _say(lang, key, code, **values)


def reason_label(reason: ReasonModel, lang: str | None = None) -> str:
    """A stored reason in the reader's language (a reason from version 1 kept its old text)."""
    if reason.code == "legacy":
        return str(reason.params.get("text") or "")
    return reason_text(Reason(reason.code, dict(reason.params)), lang)


def calibration_text(calibration: Calibration, lang: str | None = None) -> str:
    """One sentence on confidence against coverage; the over- and under-confident ones say it
    plainly, the others stay neutral. Confidence is shown on its 1-5 scale."""
    low, high = CONFIDENCE_SCALE
    mean = calibration.mean_confidence
    return _say(
        lang,
        f"calibration.{calibration.verdict}",
        calibration.verdict,
        pairs=calibration.pairs,
        confidence=decimal(None if mean is None else low + mean * (high - low), lang=lang),
        coverage=percent(calibration.mean_coverage, lang),
        over=percent(calibration.share_over, lang),
        under=percent(calibration.share_under, lang),
    )


def days_text(defense: date | datetime, today: date | datetime, lang: str | None = None) -> str:
    """ "dans 12 jours", "demain", "aujourd'hui" or "passée"."""
    defense_day = defense.date() if isinstance(defense, datetime) else defense
    today_day = today.date() if isinstance(today, datetime) else today
    days = (defense_day - today_day).days
    if days < 0:
        return t("days.passed", lang)
    if days <= 1:
        return t("days.today" if days == 0 else "days.tomorrow", lang)
    return t("days.left", lang, days=days)


def defense_text(
    defense: date | datetime | None, today: date | datetime, lang: str | None = None
) -> str:
    """ "Soutenance le 16 nov. 2026 (dans 14 jours)", or that the date is unknown or past."""
    if defense is None:
        return t("defense.unknown", lang)
    day = defense.date() if isinstance(defense, datetime) else defense
    shown = loc.day(day, lang or current_language())
    today_day = today.date() if isinstance(today, datetime) else today
    if day < today_day:
        return t("defense.passed", lang, date=shown)
    return t("defense.on", lang, date=shown, days=days_text(day, today_day, lang))


def plan_lines(
    result: CoveragePlan, defense: date | datetime | None, today: date | datetime
) -> list[str]:
    """The plan in a few sentences: the date, what is seen, sessions needed, on track or not."""
    lines = [defense_text(defense, today) if defense is not None else t("plan.no_date")]
    if result.defense_passed:
        lines.append(t("plan.passed"))
    if not result.total:
        lines.append(t("plan.empty_bank"))
        return lines
    lines.append(
        t(
            "plan.seen",
            seen=result.seen,
            total=result.total,
            percent=percent(result.seen / result.total),
        )
    )
    lines.append(
        t("plan.left", unseen=result.unseen, weak=len(result.weak_ids), due=len(result.due_ids))
    )
    if not result.unseen_ids:
        lines.append(t("plan.all_seen"))
    else:
        lines.append(
            t("plan.sessions", sessions=result.sessions_needed, per_session=result.per_session)
        )
        if result.sessions_per_day is not None:
            per_day = decimal(result.sessions_per_day)
            lines.append(t("plan.per_day", per_day=per_day, days=result.days_left))
            lines.append(t("plan.on_track" if result.on_track else "plan.behind"))
    if result.unknown_ids:
        lines.append(t("plan.unknown", count=len(result.unknown_ids)))
    return lines


QUESTION_COLUMNS = ("question", "times", "students", "median_time", "overtime", "median_coverage",
                    *(f"mark_{scale}" for scale in MARK_SCALES), "missed")  # fmt: skip
"""The columns of a question across students, in `stats` and on the stats screen."""


def question_headers() -> list[str]:
    return [t(f"stats.col.{column}") for column in QUESTION_COLUMNS]


def question_row(
    item: QuestionStats, known: set[str] | None, texts: Mapping[str, str] | None = None
) -> list[str]:
    """One question across students, as the table cells shown by `stats` and the stats screen:
    the question's whole text (its id when the bank no longer has it), the mean mark per scale
    and every most-missed key point whole."""
    name = item.question_id
    if texts is not None and name in texts:
        name = " ".join(texts[name].split())
    if known is not None and item.question_id not in known:
        name += f" ({t('stats.gone_mark')})"
    missed = "; ".join(f"{m.text} ({m.missed}/{m.asked})" for m in item.most_missed)
    marks = item.figures.mean_marks
    return [
        name,
        str(item.times_asked),
        str(item.students),
        loc.duration(item.median_time) if item.median_time is not None else "—",
        percent_label(item.overtime_rate),
        percent_label(item.median_coverage),
        *(decimal(marks.get(scale)) for scale in MARK_SCALES),
        missed or "—",
    ]


def question_rows(
    stats: Iterable[QuestionStats], known: set[str] | None, texts: Mapping[str, str] | None = None
) -> list[list[str]]:
    return [question_row(item, known, texts) for item in stats]
