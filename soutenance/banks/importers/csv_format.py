"""CSV with a header row (Excel exports included): one row per question, columns named in French or English."""

from __future__ import annotations

from soutenance.banks.editing import FollowUpDraft, QuestionDraft
from soutenance.banks.importers.common import (
    Imported,
    ImportFailed,
    Parsed,
    Problem,
    _csv_rows,
    _duration,
    _guess_delimiter,
    comparable,
    parse_difficulty,
    split_items,
    split_tags,
)

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("question", "questions", "text", "texte", "intitule", "enonce", "front", "recto"),
    "key_points": (
        "key points", "key point", "keypoints", "points cles", "point cle", "points", "attendus",
        "elements attendus", "reponse", "reponses", "answer", "back", "verso",
    ),
    "follow_ups": ("follow ups", "follow up", "followups", "relances", "relance", "questions de relance"),
    "tags": ("tags", "tag", "etiquettes", "etiquette", "themes", "theme"),
    "difficulty": ("difficulty", "difficulte", "niveau", "level"),
    "time_limit": ("time limit", "time", "duree", "temps", "temps s", "duration", "seconds", "secondes"),
    "id": ("id", "identifiant"),
}  # fmt: skip
_HEADER_ALIASES = {alias: name for name, aliases in CSV_COLUMNS.items() for alias in aliases}


def _column_name(header: str) -> str | None:
    key = comparable(header.replace("_", " "))
    return _HEADER_ALIASES.get(key) or _HEADER_ALIASES.get(key.rstrip("s"))


def parse_csv(text: str, name: str = "<csv>") -> Parsed:
    """A CSV with a header row; the delimiter (`,` `;` or tab) is guessed from the header."""
    text = text.removeprefix("\ufeff")
    delimiter = _guess_delimiter(text, (",", ";", "\t"))
    parsed = Parsed("csv")
    columns: dict[int, str] | None = None
    for start, row in _csv_rows(text, delimiter, name, "CSV file"):
        if columns is None:
            columns = {i: col for i, cell in enumerate(row) if (col := _column_name(cell))}
            if "text" not in columns.values():
                raise ImportFailed(
                    f"{name}:{start}: no question column in the header ({', '.join(row)}); "
                    "name one `question` (see docs/authoring.md for the columns)"
                )
            for index, cell in enumerate(row):
                if index not in columns and cell.strip():
                    parsed.problems.append(
                        Problem(f"{name}:{start}", f"column {cell.strip()!r} ignored")
                    )
            continue
        values = {col: row[i] if i < len(row) else "" for i, col in columns.items()}
        _add_row(parsed, values, f"{name}:{start}")
    if columns is None:
        raise ImportFailed(
            f"{name}: empty file: a CSV import needs a header row and one row per question"
        )
    return parsed


def _add_row(parsed: Parsed, values: dict[str, str], where: str) -> None:
    text = values.get("text", "").strip()
    if not text:
        parsed.problems.append(Problem(where, "no question text: row skipped"))
        return
    try:
        draft = QuestionDraft(
            text=text,
            key_points=split_items(values.get("key_points", "")),
            follow_ups=[FollowUpDraft(f) for f in split_items(values.get("follow_ups", ""))],
            difficulty=parse_difficulty(values.get("difficulty", "")),
            time_limit=_duration(values.get("time_limit", "")),
            tags=split_tags(values.get("tags", "")),
            id=values.get("id", "").strip() or None,
        )
    except ValueError as exc:
        parsed.problems.append(Problem(where, f"{exc}: row skipped"))
        return
    parsed.questions.append(Imported(draft, where))
