"""Text helpers used everywhere: folding for comparison, ids and file names, and safe display.

Bank texts, notes and names are data typed by people (or by an attacker): `visible` makes any
control character printable before it reaches a terminal, and `safe_filename` is the one way a
stored field becomes part of a file name.
"""

from __future__ import annotations

import re
import unicodedata

_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")  # U+034F joins, it does not combine
_BEYOND_THEM = re.compile("[^\x00-\u02ff]")


def fold(text: str) -> str:
    """Case-, accent- and space-insensitive form for comparing: "  Léa  DUBOIS" -> "lea dubois"."""
    plain = _COMMON_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    if not plain.isascii():  # rarer combining marks: look only at the few distinct characters left
        marks = {ord(c): None for c in set(_BEYOND_THEM.findall(plain)) if unicodedata.combining(c)}
        plain = plain.translate(marks)
    return " ".join(plain.split())


def _ascii(text: str) -> str:
    """The closest ASCII spelling: "Cœur" -> "Coeur". (Its table is read on first use, not at start.)"""
    from text_unidecode import unidecode

    return unidecode(text)


def slugify(text: str, max_length: int = 60) -> str:
    """A lowercase ASCII id from free text: "Gérez l'équipe" -> "gerez-l-equipe", "Cœur" -> "coeur"."""
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")
    return slug[:max_length].rstrip("-") or "x"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_KEEPING_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every control character (ESC, CR, NUL, lone surrogates…) shown as an escape.

    One line unless `keep_lines`, which keeps newlines and tabs (a note shown as a paragraph).
    """
    pattern = _CONTROL_KEEPING_LINES if keep_lines else _CONTROL
    return pattern.sub(_escape, text)


def safe_filename(text: str, max_length: int = 60, fallback: str = "x") -> str:
    """A file-name part from a stored field: ASCII letters, digits, '-' and '_' only.

    No separator, no "..", no control character, never empty, at most `max_length` characters.
    """
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", _ascii(text)).strip("-_")
    return cleaned[:max_length].rstrip("-_") or fallback
