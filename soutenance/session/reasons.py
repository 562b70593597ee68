"""Plain-language words, in the interface language, for what the draw and the statistics found:
why a question was drawn, the calibration verdict, where a student stands against the date.

Shared by the CLI and the screens; the texts live in the ``progress`` i18n catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from soutenance.banks.model import format_duration
from soutenance.i18n import current_language, format_date, t
from soutenance.session.model import Reason as ReasonModel
from soutenance.session.scheduling import CONFIDENCE_SCALE, CoveragePlan, Reason
from soutenance.session.stats import Calibration, QuestionStats


def percent(share: float | None) -> str:
    """0.425 -> "42" (no sign: the catalogs place it, "42 %" in French, "42%" in English)."""
    return "—" if share is None else str(round(100 * share))


def percent_label(share: float | None) -> str:
    """0.425 -> "42 %" in French, "42%" in English; "—" when unknown."""
    if share is None:
        return "—"
    return f"{percent(share)} %" if current_language() == "fr" else f"{percent(share)}%"


def decimal(value: float | None, digits: int = 1) -> str:
    """3.25 -> "3,2" in French, "3.2" in English; "—" when unknown."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if current_language() == "fr" else text


def _plural(count: int) -> str:
    """"one" or "other": French counts 0 as singular, English does not."""
    return "one" if count == 1 or (count == 0 and current_language() == "fr") else "other"


def _say(key: str, fallback: str, **values: object) -> str:
    """``t(key)``; a missing key or placeholder gives ``fallback`` rather than an error."""
    text = t(key)
    if text == key:
        return fallback
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback


def reason_text(reason: Reason) -> str:
    """Why a question was drawn: ("key_points", {"covered": 1, "total": 4}) -> "1 point clé
    sur 4 la dernière fois". An unknown code is shown as it is."""
    code, params = reason
    values = dict(params)
    key = f"reason.{code}"
    if "retrievability" in values:
        values["percent"] = percent(values["retrievability"])
    if code == "key_points":
        key += "." + _plural(int(values.get("covered", 0)))
    return _say(key, code, **values)


def reason_label(reason: ReasonModel) -> str:
    """A stored reason in the reader's language (a reason from version 1 kept its old text)."""
    if reason.code == "legacy":
        return str(reason.params.get("text") or "")
    return reason_text(Reason(reason.code, dict(reason.params)))


def calibration_text(calibration: Calibration) -> str:
    """One sentence on confidence against coverage; the over- and under-confident ones say it
    plainly, the others stay neutral. Confidence is shown on its 1-5 scale."""
    low, high = CONFIDENCE_SCALE
    mean = calibration.mean_confidence
    return _say(
        f"calibration.{calibration.verdict}",
        calibration.verdict,
        pairs=calibration.pairs,
        confidence=decimal(None if mean is None else low + mean * (high - low)),
        coverage=percent(calibration.mean_coverage),
        over=percent(calibration.share_over),
        under=percent(calibration.share_under),
    )


def days_text(defense: date | datetime, today: date | datetime) -> str:
    """ "dans 12 jours", "demain", "aujourd'hui" or "passée"."""
    defense_day = defense.date() if isinstance(defense, datetime) else defense
    today_day = today.date() if isinstance(today, datetime) else today
    days = (defense_day - today_day).days
    if days < 0:
        return t("days.passed")
    if days <= 1:
        return t("days.today" if days == 0 else "days.tomorrow")
    return t("days.left", days=days)


def defense_text(defense: date | datetime | None, today: date | datetime) -> str:
    """ "Soutenance le 16 nov. 2026 (dans 14 jours)", or that the date is unknown or past."""
    if defense is None:
        return t("defense.unknown")
    day = defense.date() if isinstance(defense, datetime) else defense
    shown = format_date(day)
    today_day = today.date() if isinstance(today, datetime) else today
    if day < today_day:
        return t("defense.passed", date=shown)
    return t("defense.on", date=shown, days=days_text(day, today_day))


def plan_lines(result: CoveragePlan, defense: date | datetime | None, today: date | datetime) -> list[str]:
    """The plan in a few sentences: the date, what is seen, sessions needed, on track or not."""
    lines = [defense_text(defense, today) if defense is not None else t("plan.no_date")]
    if result.defense_passed:
        lines.append(t("plan.passed"))
    if not result.total:
        lines.append(t("plan.empty_bank"))
        return lines
    lines.append(t("plan.seen", seen=result.seen, total=result.total, percent=percent(result.seen / result.total)))
    lines.append(t("plan.left", unseen=result.unseen, weak=len(result.weak_ids), due=len(result.due_ids)))
    if not result.unseen_ids:
        lines.append(t("plan.all_seen"))
    else:
        lines.append(t("plan.sessions", sessions=result.sessions_needed, per_session=result.per_session))
        if result.sessions_per_day is not None:
            per_day = decimal(result.sessions_per_day)
            lines.append(t("plan.per_day", per_day=per_day, days=result.days_left))
            lines.append(t("plan.on_track" if result.on_track else "plan.behind"))
    if result.unknown_ids:
        lines.append(t("plan.unknown", count=len(result.unknown_ids)))
    return lines


def question_row(item: QuestionStats, known: set[str] | None) -> list[str]:
    """One question across students, as the table cells shown by `stats` and the stats screen."""
    name = item.question_id
    if known is not None and name not in known:
        name += f" ({t('stats.gone_mark')})"
    missed = "; ".join(f"{m.text} ({m.missed}/{m.asked})" for m in item.most_missed)
    return [
        name,
        str(item.times_asked),
        str(item.students),
        format_duration(item.median_time) if item.median_time is not None else "—",
        percent_label(item.overtime_rate),
        percent_label(item.median_coverage),
        missed or "—",
    ]


def question_rows(stats: Iterable[QuestionStats], known: set[str] | None) -> list[list[str]]:
    return [question_row(item, known) for item in stats]
