"""Questions mentors already have, read from CSV, Anki text exports and Markdown lists.

Each reader turns a source into drafts with the line they came from; `plan_import` then says
which drafts would be added to a bank and which are skipped as duplicates (exact or near) of an
existing question or of an earlier imported one. Nothing here writes a file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from soutenance.banks.editing import FollowUpDraft, QuestionDraft, check_draft, new_question_id
from soutenance.banks.model import Bank, parse_duration
from soutenance.banks.similarity import NEAR_DUPLICATE, similarity, words

FORMATS = ("csv", "anki", "md")


class ImportFailed(Exception):
    """The source cannot be read at all (no question column, unknown format…)."""


@dataclass(slots=True)
class Imported:
    draft: QuestionDraft
    where: str  # SOURCE:LINE


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(slots=True)
class Parsed:
    format: str
    questions: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- Shared helpers -----------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+•·–—]|\d+[.)])\s+")
_DIFFICULTY_WORDS = {
    "facile": 1, "easy": 1, "simple": 1,
    "moyen": 2, "moyenne": 2, "medium": 2, "normal": 2, "normale": 2, "usual": 2, "habituelle": 2,
    "difficile": 3, "hard": 3, "difficult": 3, "dur": 3, "dure": 3,
}  # fmt: skip


def fold(text: str) -> str:
    """Lowercase, without accents, punctuation as single spaces: how headers and texts are compared."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def split_items(cell: str) -> list[str]:
    """Key points or follow-ups of one cell: one per line, else separated by `|`, else by `;`."""
    cell = cell.strip()
    if not cell:
        return []
    if "\n" in cell:
        parts = cell.splitlines()
    elif "|" in cell:
        parts = cell.split("|")
    else:
        parts = cell.split(";")
    return [item for part in parts if (item := _BULLET.sub("", part).strip())]


def split_tags(cell: str) -> list[str]:
    return [tag for part in re.split(r"[,;|\n]", cell) if (tag := part.strip())]


def parse_difficulty(value: str) -> int | None:
    """1, 2 or 3 from a digit or a word (facile/easy, moyen/medium, difficile/hard); None when empty."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and 1 <= int(value) <= 3:
        return int(value)
    if (known := _DIFFICULTY_WORDS.get(fold(value))) is not None:
        return known
    raise ValueError(f"difficulty {value!r}: write 1, 2 or 3 (or facile, moyen, difficile)")


def _duration(value: str) -> int | None:
    value = value.strip()
    return parse_duration(value) if value else None


# --- CSV ----------------------------------------------------------------------------------------

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
    key = fold(header.replace("_", " "))
    return _HEADER_ALIASES.get(key) or _HEADER_ALIASES.get(key.rstrip("s"))


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def parse_csv(text: str, name: str = "<csv>") -> Parsed:
    """A CSV with a header row; the delimiter (`,` `;` or tab) is guessed from the header."""
    text = text.removeprefix("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: _count_outside_quotes(header_line, d))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    parsed = Parsed("csv")
    columns: dict[int, str] | None = None
    line = 1
    try:
        for row in rows:
            start, line = line, rows.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = {i: col for i, cell in enumerate(row) if (col := _column_name(cell))}
                if "text" not in columns.values():
                    raise ImportFailed(
                        f"{name}:{start}: no question column in the header ({', '.join(row)}); "
                        "name one `question` (see docs/authoring.md for the columns)"
                    )
                for index, cell in enumerate(row):
                    if index not in columns and cell.strip():
                        parsed.problems.append(Problem(f"{name}:{start}", f"column {cell.strip()!r} ignored"))
                continue
            values = {col: row[i] if i < len(row) else "" for i, col in columns.items()}
            _add_row(parsed, values, f"{name}:{start}")
    except csv.Error as exc:
        raise ImportFailed(f"{name}:{line}: not a readable CSV file ({exc})") from None
    if columns is None:
        raise ImportFailed(f"{name}: empty file: a CSV import needs a header row and one row per question")
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


# --- HTML to text (Anki fields) -----------------------------------------------------------------

_BLOCKS = {"div", "p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "table"}
_HTML_HINT = re.compile(r"<\s*/?\s*(br|div|p|li|ul|ol|b|i|u|span|em|strong|img|font|sup|sub)\b|&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.S)
_SOUND = re.compile(r"\[sound:[^\]]*\]")


class _TextOfHtml(HTMLParser):
    """Lines of text and list items of an HTML fragment; scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.items: list[str] = []
        self._item: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self._break()
        elif tag == "li":
            self._close_item()
            self._item = []
            self._break()
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "li":
            self._close_item()
            self._break()
        elif tag in _BLOCKS:
            if tag in ("ul", "ol"):
                self._close_item()
            self._break()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.lines[-1] += data
        if self._item is not None:
            self._item.append(data)

    def _break(self) -> None:
        if self._item is not None:
            self._item.append("\n")
        if self.lines[-1].strip():
            self.lines.append("")

    def _close_item(self) -> None:
        if self._item is not None:
            if item := _clean_line(" ".join("".join(self._item).split("\n"))):
                self.items.append(item)
            self._item = None


def _clean_line(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def html_lines(fragment: str, *, is_html: bool | None = None) -> tuple[list[str], list[str]]:
    """(lines, list items) of an Anki field; HTML is stripped to text unless `is_html` is False."""
    fragment = _SOUND.sub("", _CLOZE.sub(r"\1", fragment))
    if is_html is None:
        is_html = bool(_HTML_HINT.search(fragment))
    if not is_html:
        return [line for raw in fragment.splitlines() if (line := _clean_line(raw))], []
    parser = _TextOfHtml()
    parser.feed(fragment.replace("\r\n", "\n").replace("\n", "<br>"))
    parser.close()
    parser._close_item()
    return [line for raw in parser.lines if (line := _clean_line(raw))], parser.items


# --- Anki ---------------------------------------------------------------------------------------

_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
_ANKI_TEXT = ("front", "recto", "question", "texte", "text")
_ANKI_KEYS = ("back", "verso", "answer", "reponse", "key points", "points cles")
_ANKI_FOLLOW = ("follow ups", "follow up", "relances", "relance")


def parse_anki(text: str, name: str = "<anki>") -> Parsed:
    """Anki's plain-text notes: `#key:value` header lines, then one note per (quoted, multi-line) row.

    The first field is the question; the second gives the key points (its list items, else its
    lines); a `#tags column:N` gives tags; named `#columns:` may also give follow-ups.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    headers: dict[str, str] = {}
    body_start = 0
    for index, line in enumerate(lines):
        match = re.match(r"#([^:]+):(.*)$", line.rstrip("\r\n"))
        if not match:
            break
        headers[match[1].strip().casefold()] = match[2].strip()
        body_start = index + 1
    body = "".join(lines[body_start:])
    separator = _anki_separator(headers.get("separator"), body)
    html = {"true": True, "false": False}.get(headers.get("html", "").casefold())
    special: dict[int, str] = {}
    for key in ("tags", "notetype", "deck", "guid"):
        if (column := headers.get(f"{key} column", "")).isdigit():
            special[int(column) - 1] = key
    names = [fold(n) for n in headers["columns"].split(separator)] if "columns" in headers else []
    global_tags = headers.get("tags", "").split()
    parsed = Parsed("anki")
    rows = csv.reader(io.StringIO(body, newline=""), delimiter=separator, quotechar='"')
    line = body_start + 1
    try:
        for row in rows:
            start, line = line, body_start + rows.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            _add_note(parsed, row, special, names, global_tags, html, f"{name}:{start}")
    except csv.Error as exc:
        raise ImportFailed(f"{name}:{line}: not a readable Anki text file ({exc})") from None
    return parsed


def _anki_separator(declared: str | None, body: str) -> str:
    if declared:
        return _SEPARATORS.get(declared.casefold(), declared[:1])
    first = next((line for line in body.splitlines() if line.strip()), "")
    return max(("\t", ";", ","), key=lambda d: _count_outside_quotes(first, d)) if first else "\t"


def _add_note(
    parsed: Parsed,
    row: list[str],
    special: dict[int, str],
    names: list[str],
    global_tags: list[str],
    html: bool | None,
    where: str,
) -> None:
    fields = [(i, cell) for i, cell in enumerate(row) if i not in special]
    named = dict(zip(range(len(row)), names, strict=False))
    text_cell = keys_cell = follow_cell = ""
    if names:
        for index, cell in fields:
            column = named.get(index, "")
            if column in _ANKI_TEXT and not text_cell:
                text_cell = cell
            elif column in _ANKI_KEYS and not keys_cell:
                keys_cell = cell
            elif column in _ANKI_FOLLOW:
                follow_cell = cell
    if not text_cell:
        text_cell = fields[0][1] if fields else ""
        keys_cell = keys_cell or (fields[1][1] if len(fields) > 1 else "")
    question_lines, _ = html_lines(text_cell, is_html=html)
    if not question_lines:
        parsed.problems.append(Problem(where, "empty first field: note skipped"))
        return
    key_lines, key_items = html_lines(keys_cell, is_html=html)
    key_points = key_items or [p for line in key_lines for p in (split_items(line) if len(key_lines) == 1 else [line])]
    follow_lines, follow_items = html_lines(follow_cell, is_html=html)
    tags = list(global_tags)
    for index, kind in special.items():
        if kind == "tags" and index < len(row):
            tags += row[index].split()
    parsed.questions.append(
        Imported(
            QuestionDraft(
                text="\n".join(question_lines),
                key_points=[_BULLET.sub("", k).strip() for k in key_points if _BULLET.sub("", k).strip()],
                follow_ups=[FollowUpDraft(f) for f in (follow_items or follow_lines)],
                tags=tags,
            ),
            where,
        )
    )


# --- Markdown -----------------------------------------------------------------------------------

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d+[.)])[ \t]+(?P<text>.*)$")
_LABEL = re.compile(r"^\s*(?:\*\*|__)?(?P<label>[^:*_]{2,30}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(?P<rest>.*)$")
_LABELS = {
    "relance": "follow_ups", "relances": "follow_ups", "follow up": "follow_ups", "follow ups": "follow_ups",
    "followup": "follow_ups", "followups": "follow_ups",
    "points cles": "key_points", "point cle": "key_points", "key points": "key_points", "key point": "key_points",
    "tags": "tags", "tag": "tags", "etiquettes": "tags",
    "difficulte": "difficulty", "difficulty": "difficulty", "niveau": "difficulty",
    "temps": "time_limit", "duree": "time_limit", "time": "time_limit", "time limit": "time_limit",
}  # fmt: skip


def _inline(text: str) -> str:
    """Markdown emphasis and checkboxes removed; the words stay."""
    text = re.sub(r"^\[[ xX]\]\s+", "", text.strip())
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.strip()


def _labelled(text: str) -> tuple[str | None, str]:
    match = _LABEL.match(text)
    if match and (kind := _LABELS.get(fold(match["label"]))):
        return kind, _inline(match["rest"])
    return None, _inline(text)


@dataclass(slots=True)
class _MdQuestion:
    draft: QuestionDraft
    where: str
    problems: list[str] = field(default_factory=list)
    group: str | None = None  # a "Relances :" item whose sub-items are follow-ups
    last: str = "text"  # what a continuation line extends


def parse_markdown(text: str, name: str = "<markdown>") -> Parsed:
    """One top-level `-`, `*` or `1.` item per question; nested items are key points, or follow-ups
    when they start with "Relance:" / "Follow-up:" (also "Tags:", "Difficulté:", "Temps:")."""
    parsed = Parsed("md")
    questions: list[_MdQuestion] = []
    top: int | None = None
    level2: int | None = None
    fenced = False
    previous_blank = True
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.expandtabs(4)
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if not line.strip():
            previous_blank = True
            continue
        match = _ITEM.match(line)
        if match is None:
            current = questions[-1] if questions else None
            indented = line[:1].isspace()
            if current is not None and (indented or not previous_blank) and not line.lstrip().startswith("#"):
                _continue(current, line.strip())
            previous_blank = False
            continue
        previous_blank = False
        indent = len(match["indent"])
        if top is None or indent <= top:
            top, level2 = indent, None
            questions.append(_MdQuestion(QuestionDraft(text=_inline(match["text"])), f"{name}:{number}"))
            continue
        if not questions:
            continue
        current = questions[-1]
        if level2 is None or indent <= level2:
            level2 = indent
            _nested(current, match["text"])
        else:
            _sub_nested(current, match["text"])
    for question in questions:
        if not question.draft.text:
            parsed.problems.append(Problem(question.where, "empty item: skipped"))
            continue
        parsed.problems += [Problem(question.where, p) for p in question.problems]
        parsed.questions.append(Imported(question.draft, question.where))
    return parsed


def _continue(question: _MdQuestion, text: str) -> None:
    draft = question.draft
    if question.last == "key_points" and draft.key_points:
        draft.key_points[-1] += " " + _inline(text)
    elif question.last == "follow_ups" and draft.follow_ups:
        draft.follow_ups[-1].text += " " + _inline(text)
    else:
        draft.text = f"{draft.text} {_inline(text)}".strip()


def _nested(question: _MdQuestion, text: str) -> None:
    kind, rest = _labelled(text)
    draft = question.draft
    question.group = kind if kind in ("follow_ups", "key_points") and not rest else None
    if question.group:
        return
    if kind == "follow_ups":
        draft.follow_ups.append(FollowUpDraft(rest))
        question.last = "follow_ups"
    elif kind == "tags":
        draft.tags += split_tags(rest)
    elif kind in ("difficulty", "time_limit"):
        try:
            if kind == "difficulty":
                draft.difficulty = parse_difficulty(rest)
            else:
                draft.time_limit = _duration(rest)
        except ValueError as exc:
            question.problems.append(f"{exc}: ignored")
    else:
        draft.key_points.append(rest if kind == "key_points" else _inline(text))
        question.last = "key_points"


def _sub_nested(question: _MdQuestion, text: str) -> None:
    draft, content = question.draft, _inline(text)
    if question.group == "follow_ups":
        draft.follow_ups.append(FollowUpDraft(content))
        question.last = "follow_ups"
    elif question.group == "key_points":
        draft.key_points.append(content)
        question.last = "key_points"
    elif question.last == "follow_ups" and draft.follow_ups:
        draft.follow_ups[-1].key_points.append(content)
    else:
        draft.key_points.append(content)
        question.last = "key_points"


# --- Reading a source ---------------------------------------------------------------------------


def detect_format(name: str, text: str) -> str:
    """csv, anki or md from the file name, else from the first lines."""
    suffix = Path(name).suffix.casefold()
    if suffix == ".csv":
        return "csv"
    if suffix in (".md", ".markdown"):
        return "md"
    head = text.removeprefix("\ufeff").lstrip()
    if re.match(r"#(separator|html|columns|tags|notetype|deck|guid)\b", head, re.I):
        return "anki"
    if suffix in (".txt", ".tsv") and "\t" in head.split("\n", 1)[0]:
        return "anki"
    if re.search(r"^\s*([-*+]|\d+[.)])\s+\S", head, re.M):
        return "md"
    raise ImportFailed(f"{name}: cannot tell the format; give --format csv, anki or md")


def decode_source(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """UTF-8 text (BOM allowed); a Windows-1252 file (old Excel exports) is read with a note."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ImportFailed(f"{name}: binary or UTF-16 file; save it as UTF-8 text")
    return data.decode("cp1252", errors="replace"), [Problem(name, "not UTF-8: read as Windows-1252")]


def parse_source(text: str, name: str, format: str | None = None) -> Parsed:
    format = format or detect_format(name, text)
    readers = {"csv": parse_csv, "anki": parse_anki, "md": parse_markdown}
    if format not in readers:
        raise ImportFailed(f"unknown format {format!r}: csv, anki or md")
    return readers[format](text, name)


def read_source(path: Path, format: str | None = None) -> Parsed:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read it ({exc.strerror or exc})") from None
    text, notes = decode_source(data, str(path))
    parsed = parse_source(text, str(path), format)
    parsed.problems[:0] = notes
    return parsed


# --- Planning an import -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Skipped:
    item: Imported
    reason: str  # "duplicate" or "near-duplicate"
    of_id: str  # the existing question's id, or the id planned for an earlier imported one
    of_text: str
    earlier_import: bool
    score: float = 1.0


@dataclass(slots=True)
class ImportPlan:
    added: list[Imported] = field(default_factory=list)  # each draft carries the id it will get
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def plan_import(parsed: Parsed, bank: Bank | None, *, threshold: float = NEAR_DUPLICATE) -> ImportPlan:
    """Which drafts are added (with their ids) and which are skipped as duplicates or invalid."""
    plan = ImportPlan(problems=list(parsed.problems))
    known: list[tuple[str, str, frozenset[str], str, bool]] = [
        (q.id, q.text, words(q.text), fold(q.text), False) for q in (bank.questions if bank else [])
    ]
    taken = {entry[0] for entry in known}
    for item in parsed.questions:
        draft = item.draft.cleaned()
        if draft.id is not None and draft.id in taken:
            plan.problems.append(Problem(item.where, f"id `{draft.id}` already used: a new id is given"))
            draft.id = None
        check = check_draft(draft, None)
        if check.errors:
            reasons = "; ".join(f"{p.field}: {p.message}" for p in check.errors)
            plan.problems.append(Problem(item.where, f"{reasons}: skipped"))
            continue
        mine, exact = words(draft.text), fold(draft.text)
        duplicate = _first_duplicate(known, mine, exact, threshold)
        if duplicate is not None:
            entry, score = duplicate
            reason = "duplicate" if score >= 1.0 else "near-duplicate"
            plan.skipped.append(Skipped(Imported(draft, item.where), reason, entry[0], entry[1], entry[4], score))
            continue
        draft.id = draft.id or new_question_id(draft.text, taken)
        taken.add(draft.id)
        known.append((draft.id, draft.text, mine, exact, True))
        plan.added.append(Imported(draft, item.where))
    return plan


def _first_duplicate(
    known: Sequence[tuple[str, str, frozenset[str], str, bool]], mine: frozenset[str], exact: str, threshold: float
) -> tuple[tuple[str, str, frozenset[str], str, bool], float] | None:
    best = None
    for entry in known:
        if entry[3] == exact:
            return entry, 1.0
        score = similarity(mine, entry[2])
        if score >= threshold and (best is None or score > best[1]):
            best = (entry, min(score, 0.999))
    return best


def drafts_of(plan: ImportPlan) -> Iterable[QuestionDraft]:
    return (item.draft for item in plan.added)
