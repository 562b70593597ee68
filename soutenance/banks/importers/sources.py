"""Reading a source: its bytes decoded, its format told from its name or first lines, then parsed."""

from __future__ import annotations

import re
from pathlib import Path

from soutenance.banks.importers.anki import parse_anki
from soutenance.banks.importers.common import ImportFailed, Parsed, Problem
from soutenance.banks.importers.csv_format import parse_csv
from soutenance.banks.importers.markdown_list import parse_markdown

_READERS = {"csv": parse_csv, "anki": parse_anki, "md": parse_markdown}
FORMATS = tuple(_READERS)  # ("csv", "anki", "md")


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
    return data.decode("cp1252", errors="replace"), [
        Problem(name, "not UTF-8: read as Windows-1252")
    ]


def parse_source(text: str, name: str, format: str | None = None) -> Parsed:
    format = format or detect_format(name, text)
    if format not in _READERS:
        raise ImportFailed(f"unknown format {format!r}: csv, anki or md")
    return _READERS[format](text, name)


def read_source(path: Path, format: str | None = None) -> Parsed:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return parse_bytes(data, str(path), format)


def parse_bytes(data: bytes, name: str, format: str | None = None) -> Parsed:
    """A source's bytes decoded, then read; a note on the decoding comes first among the problems."""
    text, notes = decode_source(data, name)
    parsed = parse_source(text, name, format)
    parsed.problems[:0] = notes
    return parsed
