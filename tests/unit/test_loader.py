"""The strict loader: values survive YAML 1.1 traps, and every hostile input gets a precise error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from soutenance.banks.loader import read_bank
from soutenance.banks.model import parse_duration

GOOD = (
    "project:\n  id: p\n  title: T\n  path: Community Manager\n  language: fr\n"
    "  evaluator_role: La cliente\n"
    "questions:\n  - id: q\n    text: Pourquoi ?\n    key_points: [a, b, c]\n"
)


def write(tmp_path: Path, content: str | bytes, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def only_error(tmp_path: Path, content: str | bytes) -> str:
    result = read_bank(write(tmp_path, content), display="bank.yaml")
    assert result.bank is None
    assert len(result.errors) == 1, [str(d) for d in result.diagnostics]
    return str(result.errors[0])


def test_good_bank_keeps_yaml_11_words_as_text(fixtures: Path) -> None:
    result = read_bank(fixtures / "good.yaml")
    assert result.ok, [str(d) for d in result.diagnostics]
    bank = result.bank
    assert bank is not None
    oui_non = bank.question("oui-non")
    assert oui_non is not None
    assert oui_non.text == "no"
    assert oui_non.key_points == ["yes", "on", "off"]
    assert oui_non.follow_ups[0].text == "y"


def test_unquoted_sexagesimal_and_units_are_seconds(fixtures: Path) -> None:
    bank = read_bank(fixtures / "good.yaml").bank
    assert bank is not None
    assert [q.time_limit for q in bank.questions] == [90, 120, 90]


def test_follow_ups_accept_text_or_mapping(fixtures: Path) -> None:
    bank = read_bank(fixtures / "good.yaml").bank
    assert bank is not None
    follow_ups = bank.questions[0].follow_ups
    assert follow_ups[0].text.startswith("Et si l'agence")
    assert follow_ups[1].key_points == ["Priorisation"]


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(90, 90), ("90", 90), ("1:30", 90), ("90s", 90), ("2m", 120), ("2 min", 120)],
)
def test_durations(raw: object, seconds: int) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize("raw", ["soon", "1:75", 0, -5, "99999", True])
def test_bad_durations(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(raw)


def test_duplicate_key_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    text = GOOD + "    text: Encore ?\n"
    assert only_error(tmp_path, text) == "bank.yaml:11:5: error: duplicate key `text`"


def test_duplicate_question_id(tmp_path: Path) -> None:
    text = GOOD + "  - id: q\n    text: Autre ?\n"
    assert only_error(tmp_path, text).startswith("bank.yaml:11:9: error: duplicate question id `q`")


def test_unknown_key_suggests_the_close_name(tmp_path: Path) -> None:
    text = GOOD + "    time_limt: 90\n"
    assert only_error(tmp_path, text) == (
        "bank.yaml:11:5: error: unknown key `time_limt`; did you mean `time_limit`?"
    )


def test_wrong_value_points_at_the_value(tmp_path: Path) -> None:
    text = GOOD + "    difficulty: 7\n"
    assert only_error(tmp_path, text).startswith("bank.yaml:11:17: error: `difficulty`:")


def test_missing_key_points_at_its_mapping(tmp_path: Path) -> None:
    text = GOOD.replace("  evaluator_role: La cliente\n", "")
    assert (
        only_error(tmp_path, text) == "bank.yaml:2:3: error: missing required key `evaluator_role`"
    )


def test_invalid_utf8(tmp_path: Path) -> None:
    data = GOOD.encode().replace(b"Pourquoi", b"Pourqu\xe9i")
    assert only_error(tmp_path, data) == (
        "bank.yaml:9:17: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8"
    )


def test_bom_is_accepted(tmp_path: Path) -> None:
    assert read_bank(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())).ok


def test_crlf_is_accepted_and_lines_still_count(tmp_path: Path) -> None:
    assert read_bank(write(tmp_path, GOOD.replace("\n", "\r\n"))).ok
    bad = (GOOD + "    difficulty: 9\n").replace("\n", "\r\n")
    assert only_error(tmp_path, bad).startswith("bank.yaml:11:17: error:")


def test_tab_indentation(tmp_path: Path) -> None:
    text = GOOD.replace("    text: Pourquoi ?", "\ttext: Pourquoi ?")
    assert (
        only_error(tmp_path, text)
        == "bank.yaml:9:1: error: invalid YAML: a tab cannot indent YAML; use spaces"
    )


@pytest.mark.parametrize("content", ["", "\n\n", "# juste un commentaire\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    assert only_error(tmp_path, content) == (
        "bank.yaml:1:1: error: empty file: a bank needs a `project` and its `questions`"
    )


def test_binary_file(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert only_error(tmp_path, data) == (
        "bank.yaml:3:1: error: this is a binary file, not a YAML bank (it contains NUL bytes)"
    )


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = GOOD + f"  - !!python/object/apply:os.system ['touch {marker}']\n"
    assert only_error(tmp_path, text) == (
        "bank.yaml:11:5: error: tag `!!python/object/apply:os.system` is not allowed in a bank"
    )
    assert not marker.exists()


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    message = only_error(tmp_path, "\n".join(lines) + "\n")
    assert message.startswith("bank.yaml:1:4: error: anchors and aliases")


def test_ten_thousand_levels_of_nesting(tmp_path: Path) -> None:
    text = "project: " + "[" * 10_000 + "]" * 10_000 + "\n"
    message = only_error(tmp_path, text)
    assert message.startswith("bank.yaml:1:")
    assert "nesting" in message


def test_deep_block_nesting_within_size(tmp_path: Path) -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(2_000))
    message = only_error(tmp_path, text)
    assert "nesting" in message


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(GOOD)
        line = "  - {id: x, text: " + "y" * 100 + "}\n"
        handle.write(line * (50 * 1_048_576 // len(line) + 1))
    result = read_bank(path, display="bank.yaml")
    assert [str(d) for d in result.diagnostics] == [
        "bank.yaml:1:1: error: file is 50.0 MB; a bank is at most 5 MB"
    ]


def test_two_documents(tmp_path: Path) -> None:
    assert only_error(tmp_path, GOOD + "---\n" + GOOD).startswith("bank.yaml:11:1: error:")


def test_top_level_list(tmp_path: Path) -> None:
    assert only_error(tmp_path, "- a\n- b\n").startswith(
        "bank.yaml:1:1: error: a bank is a mapping"
    )


def test_unreadable_path_is_a_diagnostic(tmp_path: Path) -> None:
    result = read_bank(tmp_path / "missing.yaml", display="missing.yaml")
    assert result.bank is None
    assert str(result.errors[0]).startswith("missing.yaml:1:1: error: cannot read file")


def test_empty_values_are_null_and_take_defaults(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    key_points: [a, b, c]\n", "    key_points:\n    follow_ups: ~\n    tags: null\n"
    )
    result = read_bank(write(tmp_path, text))
    assert result.ok, [str(d) for d in result.diagnostics]
    question = result.bank.questions[0]
    assert (question.key_points, question.follow_ups, question.tags) == ([], [], [])


def test_null_text_is_an_error_but_quoted_tilde_is_text(tmp_path: Path) -> None:
    assert only_error(tmp_path, GOOD.replace("text: Pourquoi ?", "text: ~")).startswith(
        "bank.yaml:9:11: error: `text`:"
    )
    quoted = read_bank(write(tmp_path, GOOD.replace("text: Pourquoi ?", "text: '~'")))
    assert quoted.ok and quoted.bank.questions[0].text == "~"


# --------------------------------------------------------------------------- where syntax errors start

LATER = '  - id: r\n    text: "Autre question"\n    key_points: [a, b]\n'


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_at_its_opening_quote(tmp_path: Path, quote: str) -> None:
    text = GOOD.replace("text: Pourquoi ?", f"text: {quote}Pourquoi ?") + LATER.replace('"', quote)
    assert only_error(tmp_path, text) == (
        f"bank.yaml:9:11: error: invalid YAML: the text opened by this {quote} runs on to line 12; "
        f"is its closing {quote} missing?"
    )


def test_a_quote_never_closed_is_reported_at_its_opening_quote(tmp_path: Path) -> None:
    text = GOOD.replace("title: T", 'title: "T')
    assert only_error(tmp_path, text) == (
        'bank.yaml:3:10: error: invalid YAML: this quoted text is never closed: no closing " before '
        "the end of the file"
    )


def test_a_text_quoted_over_several_lines_is_fine(tmp_path: Path) -> None:
    text = GOOD.replace("text: Pourquoi ?", 'text: "Pourquoi\n      ce canal ?"')
    result = read_bank(write(tmp_path, text))
    assert result.ok and result.bank.questions[0].text == "Pourquoi ce canal ?"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    text: Pourquoi ?", "\ttext: Pourquoi ?", "9:1"),
        ("    text: Pourquoi ?", "  \t  text: Pourquoi ?", "9:3"),
        ("  title: T", "\ttitle: T", "3:1"),
        ("  - id: q", "  -\tid: q", "8:4"),
        ("    key_points: [a, b, c]", "    key_points:\n\t- a", "11:1"),
    ],
)
def test_a_tab_in_the_indentation_is_named_at_the_tab(
    tmp_path: Path, old: str, new: str, where: str
) -> None:
    assert only_error(tmp_path, GOOD.replace(old, new)) == (
        f"bank.yaml:{where}: error: invalid YAML: a tab cannot indent YAML; use spaces"
    )


@pytest.mark.parametrize(
    ("raw", "where", "code"),
    [
        ("\x07", "9:15", "0007"),
        ("\x1b", "9:15", "001B"),
        ("\x9b", "9:15", "009B"),
        ("\x0c", "9:15", "000C"),
    ],
)
def test_a_control_character_is_reported_where_it_is(
    tmp_path: Path, raw: str, where: str, code: str
) -> None:
    text = GOOD.replace("text: Pourquoi", f"text: Pour{raw}quoi")
    assert only_error(tmp_path, text) == (
        f"bank.yaml:{where}: error: invalid YAML: control character U+{code} is not allowed in a bank; remove it"
    )


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    text = GOOD.replace("text: Pourquoi", "text: Pérdèuç\x07")
    assert only_error(tmp_path, text).startswith(
        "bank.yaml:9:18: error: invalid YAML: control character U+0007"
    )


def test_nesting_is_reported_where_it_gets_too_deep(tmp_path: Path) -> None:
    assert only_error(tmp_path, "project: " + "[" * 5000 + "]" * 5000 + "\n") == (
        "bank.yaml:1:50: error: invalid YAML: nesting deeper than 40 levels"
    )


def test_special_files_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "folder.yaml").mkdir()
    for name, kind in (
        ("pipe.yaml", "a named pipe (FIFO)"),
        ("zero.yaml", "a device"),
        ("folder.yaml", "a folder"),
    ):
        result = read_bank(tmp_path / name, display=name)
        assert [str(d) for d in result.diagnostics] == [
            f"{name}:1:1: error: cannot read file: it is {kind}, not a regular file"
        ]


@pytest.mark.parametrize(
    ("text", "where"),
    [("---\n#", (2, 2)), ("---\n", (2, 1)), ("project:\n  id: x\nquestions:", (2, 3))],
)
def test_a_text_without_a_final_line_break_is_located_inside_the_file(
    tmp_path: Path, text: str, where: tuple[int, int]
) -> None:
    # The C parser places an empty value one line past a last line without a break.
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    first = read_bank(path).diagnostics[0]
    assert (first.line, first.col) == where
