"""Splicing the text: one question's lines inserted, replaced or removed, every other byte kept."""

from __future__ import annotations

from collections.abc import Sequence

from soutenance.banks.editing.errors import NotEditable
from soutenance.banks.editing.layout import _blank, _body, _comment, _Layout


def _splice(layout: _Layout, start: int, stop: int, new_lines: Sequence[str]) -> str:
    """The text with lines [start, stop) replaced by `new_lines` (given without line endings)."""
    lines = list(layout.lines)
    if (
        new_lines
        and 0 < start == len(lines)
        and not lines[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029"))
    ):
        lines[-1] += layout.style.newline  # the file ended without a line break
    replacement = "".join(line + layout.style.newline for line in new_lines)
    return "".join(lines[:start]) + replacement + "".join(lines[stop:])


def _insert_item(layout: _Layout, item_lines: list[str], after: int | None) -> str:
    """Insert a rendered item after item number `after`, or at the end of the questions."""
    style, lines = layout.style, layout.lines
    gap = [""] if style.blank_between else []
    if layout.key_line is None:  # no `questions:` key at all: add it at the end
        prefix = [""] if lines and not _blank(lines[-1]) else []
        return _splice(layout, len(lines), len(lines), [*prefix, "questions:", *item_lines])
    if not layout.items:  # `questions:`, `questions: []` or `questions: ~`
        key_line = _body(lines[layout.key_line])
        value = layout.value
        if value is not None and value.start_mark.line == layout.key_line == value.end_mark.line:
            before, after_value = (
                key_line[: value.start_mark.column],
                key_line[value.end_mark.column :],
            )
            key_line = before.rstrip() + (" " + after_value.strip() if after_value.strip() else "")
        elif value is not None and value.end_mark.line != layout.key_line:
            raise NotEditable(
                "`questions` spreads over several lines without any question; write `questions:`"
            )
        return _splice(layout, layout.key_line, layout.key_line + 1, [key_line, *item_lines])
    if after is not None:
        span = layout.items[after]
        return _splice(layout, span.end + 1, span.end + 1, [*gap, *item_lines])
    # At the end: after any comment that follows the last question (they stay above the new one).
    position = layout.region_end
    at_file_end = position == len(lines)
    while position > layout.items[-1].end + 1 and (
        _blank(lines[position - 1])
        or (
            not at_file_end
            and _comment(lines[position - 1])
            and not lines[position - 1][:1].isspace()
        )
    ):
        position -= 1
    return _splice(layout, position, position, [*gap, *item_lines])


def _delete_item(layout: _Layout, index: int) -> str:
    """The text without question `index`, and without one of the blank lines that separated it."""
    span, lines = layout.items[index], layout.lines
    start, stop = span.start, span.end + 1
    after = stop
    while after < layout.region_end and _blank(lines[after]):
        after += 1
    if after < layout.region_end:  # something follows within the questions: drop the gap after
        stop = after
    else:  # the last thing in the questions: drop the gap before
        while start > (layout.key_line or 0) + 1 and _blank(lines[start - 1]):
            start -= 1
    return _splice(layout, start, stop, [])
