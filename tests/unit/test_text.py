"""Folding, ids, file names and escapes: the one place each is done."""

from __future__ import annotations

import pytest

from soutenance.text import fold, safe_filename, slugify, visible


def test_fold_ignores_case_accents_and_spaces() -> None:
    assert fold("  Léa  DUBOIS ") == fold("lea dubois") == "lea dubois"
    assert fold("Cœur") != fold("Coeur")  # folding compares; it does not transliterate


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Gérez l'équipe créative", "gerez-l-equipe-creative"),
        ("Cœur", "coeur"),
        ("Ørsted", "orsted"),
        ("!!!", "x"),
    ],
)
def test_slugify_transliterates(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    "hostile", ["../../etc/passwd", "a/b\\c", "x\r\ny", "\x1b[2J", "..", "", "é" * 200]
)
def test_safe_filename_has_no_separator_dots_or_controls(hostile: str) -> None:
    name = safe_filename(hostile, max_length=40)
    assert name and len(name) <= 40
    assert "/" not in name and "\\" not in name and ".." not in name
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in name)


def test_visible_escapes_terminal_sequences_and_line_breaks() -> None:
    assert visible("a\x1b]0;pwned\x07b") == "a\\x1b]0;pwned\\x07b"
    assert visible("/etc/passwd:1:1: error\ninjected") == "/etc/passwd:1:1: error\\ninjected"
    assert visible("kp\udfff") == "kp\\udfff"
    assert visible("line\n\tnext", keep_lines=True) == "line\n\tnext"
    assert visible("Léa « ok »") == "Léa « ok »"
