"""Mutation fuzz of a real bundled bank: whatever the bytes, every diagnostic is one
`FILE:LINE:COL: severity: message` line pointing inside the file, and reading never hangs.

The mutated files are linted by a separate process (`bank_reader.py`) that must answer each
one within a generous deadline: a hang fails the example instead of stopping the test run.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from soutenance import paths
from tests.faults.hostile import REPO, _limit_child

pytestmark = pytest.mark.slow

DEADLINE = 60.0
LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<severity>error|warning|note): \S"
)
BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
BASE = sorted(paths.bundled_banks_dir().rglob("*.yaml"))[0].read_bytes()

TOKENS = [
    b"\t", b"'", b'"', b"\x07", b"\x1b[2J", b"\x1b]0;title\x07", b"\x00", b"\xff\xfe", b"\xe9", b": ", b"- ",
    b"&a ", b"*a ", b"!!python/object/apply:os.system ['true'] ", b"!tag ", b"{", b"[", b"]", b"}", b"#",
    b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"---\n", b"...\n", b"? ", b"|\n", b">-\n", b"%YAML 1.1\n", b"\\",
    b"\xef\xbb\xbf", b"\n\t", b"\n  ", b"\x7f", b"\xc2\x9b", b"\xed\xa0\x80", b"\\e[2J", b"\"\\e]0;x\\a\"",
]  # fmt: skip


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    data = BASE
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "bytes", "truncate", "delete", "duplicate", "tabify",
                                     "nest", "huge", "duration", "key"]))  # fmt: skip
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        rows = lines_of(data)
        row = draw(st.integers(0, len(rows) - 1))
        if kind == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif kind == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "delete":
            data = b"\n".join(rows[:row] + rows[row + 1 :])
        elif kind == "duplicate":
            data = b"\n".join(rows[: row + 1] + rows[row:])
        elif kind == "tabify":
            rows[row] = rows[row].replace(b"  ", b"\t", draw(st.integers(1, 3)))
            data = b"\n".join(rows)
        elif kind == "nest":
            depth = draw(st.integers(30, 3000))
            data = data[:at] + b"[" * depth + b"]" * draw(st.integers(0, depth)) + data[at:]
        elif kind == "huge":
            data = data[:at] + b"x" * draw(st.integers(10_000, 2_000_000)) + data[at:]
        elif kind == "duration":
            data = data.replace(b"time_limit: ", b'time_limit: "1' + b" " * 100_000 + b'x" #', 1)
        else:  # a key lint will name: in the project, or in a question
            key = draw(
                st.sampled_from(
                    [b'"a\\nb:1:1: error: forged"', b"k\xc2\x9bx", b'"\\e[2J\\r"', b"id"]
                )
            )
            anchors = [
                i for i, r in enumerate(rows) if r == b"project:" or r.startswith(b"  - id: ")
            ]
            if anchors:
                at_row = draw(st.sampled_from(anchors))
                indent = b"  " if rows[at_row] == b"project:" else b"    "
                rows.insert(at_row + 1, indent + key + b": 1")
                data = b"\n".join(rows)
    return data


@pytest.fixture(scope="module")
def reader() -> Iterator[subprocess.Popen[str]]:
    env = os.environ | {
        "PYTHONPATH": str(REPO),
        "SOUTENANCE_HOME": tempfile.mkdtemp(prefix="fuzz-home-"),
    }
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("bank_reader.py"))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=REPO,
        preexec_fn=lambda: _limit_child(False),
    )  # fmt: skip
    yield process
    process.kill()
    process.wait()


def lint_in_child(reader: subprocess.Popen[str], path: Path) -> object:
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write(f"{path}\n")
    reader.stdin.flush()
    with selectors.DefaultSelector() as selector:
        selector.register(reader.stdout, selectors.EVENT_READ)
        if not selector.select(DEADLINE):
            reader.kill()
            pytest.fail(f"no answer within {DEADLINE:.0f} s: reading {path} hangs")
    return json.loads(reader.stdout.readline())


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutations())
def test_every_mutated_bank_gets_one_line_diagnostics_inside_the_file(
    reader: subprocess.Popen[str], data: bytes
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / "mutated.yaml"
    path.write_bytes(data)
    try:
        reply = lint_in_child(reader, path)
    finally:
        path.unlink()
        folder.rmdir()
    assert isinstance(reply, list), reply["crash"]  # type: ignore[index]
    text = data.decode("utf-8", errors="replace")
    last_line = len(BREAKS.findall(text)) + 1
    for line in reply:
        assert "\n" not in line and "\r" not in line and "\x1b" not in line, line
        match = LINE.match(line)
        assert match is not None, line
        assert match["file"] == str(path), line
        assert int(match["line"]) <= last_line, (line, last_line)
        assert int(match["col"]) <= len(text) + 1, line
