"""Anki's plain-text notes export, whose fields are HTML fragments (turned back into lines of text)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from soutenance.banks.editing import FollowUpDraft, QuestionDraft
from soutenance.banks.importers.common import (
    Imported,
    Parsed,
    Problem,
    _csv_rows,
    _guess_delimiter,
    comparable,
    split_items,
    strip_bullets,
)

_BLOCKS = {
    "div",
    "p",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "pre",
    "table",
}
_HTML_HINT = re.compile(
    r"<\s*/?\s*(br|div|p|li|ul|ol|b|i|u|span|em|strong|img|font|sup|sub)\b|&(#\d+|#x[0-9a-f]+|[a-z]+);",
    re.I,
)
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
    names = (
        [comparable(n) for n in headers["columns"].split(separator)] if "columns" in headers else []
    )
    global_tags = headers.get("tags", "").split()
    parsed = Parsed("anki")
    for start, row in _csv_rows(body, separator, name, "Anki text file", offset=body_start):
        _add_note(parsed, row, special, names, global_tags, html, f"{name}:{start}")
    return parsed


def _anki_separator(declared: str | None, body: str) -> str:
    if declared:
        return _SEPARATORS.get(declared.casefold(), declared[:1])
    return _guess_delimiter(body, ("\t", ";", ","))


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
    key_points = key_items or [
        p for line in key_lines for p in (split_items(line) if len(key_lines) == 1 else [line])
    ]
    follow_lines, follow_items = html_lines(follow_cell, is_html=html)
    tags = list(global_tags)
    for index, kind in special.items():
        if kind == "tags" and index < len(row):
            tags += row[index].split()
    parsed.questions.append(
        Imported(
            QuestionDraft(
                text="\n".join(question_lines),
                key_points=strip_bullets(key_points),
                follow_ups=[FollowUpDraft(f) for f in (follow_items or follow_lines)],
                tags=tags,
            ),
            where,
        )
    )
