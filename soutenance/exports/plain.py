"""Typed text made safe for Markdown that reads well in an email: no code fences, nothing a
student or a mentor typed is ever taken as Markdown, and every line break is kept."""

from __future__ import annotations

import re

from soutenance.i18n import catalog

_SPECIALS = re.compile(r"([\\`*_\[\]<>#|!~])")
_LINE_START = re.compile(r"^([-+>=]|\d+[.)])")


def escape_inline(text: str) -> str:
    """One line of typed text, shown as it is typed (Markdown characters escaped)."""
    line = _SPECIALS.sub(r"\\\1", text.strip())
    return _LINE_START.sub(r"\\\1", line)


def _template_headings() -> set[str]:
    """The headings of the notes template, in every language (a note may be in either)."""
    headings = set()
    for language in ("fr", "en"):
        template = catalog(language).get("q.notes_template", "")
        headings |= {line.strip() for line in template.splitlines() if line.strip()}
    return headings


def without_empty_headings(text: str) -> str:
    """The notes less the template's headings that nothing was written under."""
    headings = _template_headings()
    kept: list[str] = []
    section: list[str] = []

    def close() -> None:
        if section and (
            section[0].strip() not in headings or any(line.strip() for line in section[1:])
        ):
            kept.extend(section)
        section.clear()

    for line in text.splitlines():
        if line.strip() in headings:
            close()
        section.append(line)
    close()
    return "\n".join(kept).strip()


def paragraphs(text: str) -> str:
    """Typed text as Markdown paragraphs: blank lines part paragraphs, other line breaks kept."""
    blocks, lines = [], []
    for raw in text.strip().splitlines():
        if raw.strip():
            lines.append(escape_inline(raw))
        elif lines:
            blocks.append(lines)
            lines = []
    if lines:
        blocks.append(lines)
    return "\n\n".join("\\\n".join(block) for block in blocks)


def notes_text(text: str) -> str:
    """A student's notes, ready for the export: empty template headings dropped, as paragraphs."""
    return paragraphs(without_empty_headings(text))
