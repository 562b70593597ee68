"""Reading one bank file into a validated Bank, or precise diagnostics saying why not."""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from soutenance.banks.diagnostics import Diagnostic, Severity, position_of_offset, reason
from soutenance.banks.model import Bank, DefenseFormat, FollowUp, Project, Question
from soutenance.banks.yaml_strict import StrictYamlError, compose, construct, locate
from soutenance.files import FileTooLarge, NotARegularFile, read_regular

MAX_BANK_BYTES = 5 * 1024 * 1024


@dataclass(slots=True)
class BankFile:
    """A bank file as read: its bank when valid, and every problem found."""

    path: Path
    display: str
    bank: Bank | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    node: yaml.Node | None = None
    source: str = ""
    """The text the bank was read from (lint looks at its comments)."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return self.bank is not None and not self.errors


class _Fail(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def decode(data: bytes) -> str:
    """Bank bytes to text: UTF-8 (a BOM is allowed), never binary, never UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Fail("the file is UTF-16; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _Fail(
            "this is a binary file, not a YAML bank (it contains NUL bytes)",
            *position_of_offset(data, nul),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, _ = position_of_offset(data, exc.start)
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise _Fail(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line, col
        ) from None


def read_bank(path: Path, *, display: str | None = None) -> BankFile:
    """Read and validate a bank file. Never raises for bad content: problems become diagnostics.

    Only a regular file of at most MAX_BANK_BYTES is read: a FIFO, a device or a symbolic link
    to one is refused at once, never waited on or read without end.
    """
    name = display or str(path)
    try:
        text = decode(read_file(path))
        return parse_bank(text, path, display=name)
    except _Fail as fail:
        return BankFile(
            path, name, None, [Diagnostic(name, fail.line, fail.col, Severity.ERROR, fail.message)]
        )


def read_file(path: Path) -> bytes:
    """The bytes of a bank file; raises _Fail with the reason it cannot be read."""
    try:
        return read_regular(path, MAX_BANK_BYTES)
    except NotARegularFile:
        raise _Fail(f"cannot read file: it is {_kind_of(path)}, not a regular file") from None
    except FileTooLarge:
        limit = f"a bank is at most {MAX_BANK_BYTES // 1_048_576} MB"
        try:
            size = f"{os.stat(path).st_size / 1_048_576:.1f} MB"
        except OSError:
            size = f"over {MAX_BANK_BYTES // 1_048_576} MB"
        raise _Fail(f"file is {size}; {limit}") from None
    except OSError as exc:
        raise _Fail(f"cannot read file: {reason(exc)}") from None


def _kind_of(path: Path) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "something else"
    kinds = {
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
    }
    kinds |= {stat.S_ISDIR: "a folder", stat.S_ISSOCK: "a socket"}
    return next((name for test, name in kinds.items() if test(mode)), "something else")


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _inside(text: str, line: int, col: int) -> tuple[int, int]:
    """A position inside the file: the C parser puts an empty value at the end of a text
    without a final line break one line past the last."""
    lines = _YAML_BREAK.split(text)
    if line <= len(lines):
        return line, col
    return len(lines), len(lines[-1]) + 1


def parse_bank(text: str, path: Path, *, display: str | None = None) -> BankFile:
    name = display or str(path)

    def error(message: str, line: int = 1, col: int = 1) -> BankFile:
        line, col = _inside(text, line, col)
        return BankFile(path, name, None, [Diagnostic(name, line, col, Severity.ERROR, message)])

    try:
        node = compose(text)
        if node is None:
            return error("empty file: a bank needs a `project` and its `questions`")
        data = construct(node, text)
    except StrictYamlError as exc:
        return error(exc.message, exc.line, exc.col)
    if not isinstance(data, dict):
        return error(
            "a bank is a mapping with `project` and `questions` at the top level", *locate(node, ())
        )
    duplicates = _duplicate_ids(name, node, data)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as exc:
        found = [
            _diagnostic(name, node, err)
            for err in exc.errors()
            if "duplicate question id" not in err["msg"]
        ]
        found = [replace(d, line=(at := _inside(text, d.line, d.col))[0], col=at[1]) for d in found]
        return BankFile(
            path, name, None, sorted(found + duplicates, key=lambda d: (d.line, d.col)), node, text
        )
    if undeclared := bank.undeclared_facts():
        declared = ", ".join(bank.project.facts) or "none"
        found = [
            Diagnostic(name, *locate(node, ("questions", index, "text")), Severity.ERROR,
                       f"`{{{fact}}}` is not a fact of the project (declared in `project.facts`: {declared})")
            for index, fact in undeclared
        ]  # fmt: skip
        return BankFile(path, name, None, found, node, text)
    return BankFile(path, name, bank, [], node, text)


def _duplicate_ids(name: str, node: yaml.Node, data: dict) -> list[Diagnostic]:
    questions = data.get("questions")
    if not isinstance(questions, list):
        return []
    first_use: dict[str, int] = {}
    found = []
    for index, question in enumerate(questions):
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(qid, str):
            continue
        first = first_use.setdefault(qid, index)
        if first != index:  # positions are looked up only for the rare duplicate
            line, col = locate(node, ("questions", index, "id"))
            first_line = locate(node, ("questions", first, "id"))[0]
            message = f"duplicate question id `{qid}` (first used on line {first_line}): ids are unique within a project"
            found.append(Diagnostic(name, line, col, Severity.ERROR, message))
    return found


_MODEL_AT_DEPTH: dict[tuple[str, ...], type[BaseModel]] = {
    (): Bank,
    ("project",): Project,
    ("project", "format"): DefenseFormat,
    ("questions", "#"): Question,
    ("questions", "#", "follow_ups", "#"): FollowUp,
}


_EXPECTED = {
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "int_parsing": "expected a whole number",
    "literal_error": None,
}


def _shape(loc: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("#" if isinstance(step, int) else str(step) for step in loc)


def _diagnostic(name: str, node: yaml.Node, err: dict) -> Diagnostic:
    loc = tuple(err["loc"])
    kind = err["type"]
    field_name = next((str(s) for s in reversed(loc) if isinstance(s, str)), "")
    if kind == "extra_forbidden":
        model = _MODEL_AT_DEPTH.get(_shape(loc[:-1]))
        known = list(model.model_fields) if model else []
        message = f"unknown key `{loc[-1]}`"
        if close := difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6):
            message += f"; did you mean `{close[0]}`?"
        elif known:
            message += f" (known keys: {', '.join(known)})"
        line, col = locate(node, loc, key=True)
    elif kind == "missing":
        message = f"missing required key `{loc[-1]}`"
        line, col = locate(node, loc[:-1])
    else:
        reason = _EXPECTED.get(kind) or err["msg"].removeprefix("Value error, ").replace(
            "Input should", "should"
        )
        message = f"`{field_name or 'bank'}`: {reason}"
        line, col = locate(node, loc)
    return Diagnostic(name, line, col, Severity.ERROR, message)
