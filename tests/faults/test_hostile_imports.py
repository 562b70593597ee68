"""Issue 11, item 3: a property-based import fuzz over field paths × hostile values.

Real export files (a version 2 export of a sample session, and the version 1 fixtures) get one
value replaced, anywhere in the file, by a hostile one (NaN, ±Infinity, 1e309, 10**30, -1, strings
over the caps, lone surrogates, control characters, wrong types, deep nesting, `true` for a
number, `"version": 1.0`…). Whatever the file, the import either succeeds or says why in one line
naming the JSON path (or, for a file-wide problem, what it is), and leaves the database exactly as
it was (its `iterdump()`). What it accepted never crashes `history` and `export` later, nor the
interface's roster, student page and review (a Pilot test over a batch of accepted imports).
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutenance.cli import cli
from soutenance.exports.importing import import_session
from soutenance.exports.reading import InvalidExport
from soutenance.exports.session_json import session_to_json_text
from soutenance.paths import database_path
from soutenance.store import open_store
from soutenance.ui.app import make_app
from soutenance.ui.screens.review import ReviewScreen
from soutenance.ui.screens.roster import RosterScreen
from soutenance.ui.screens.student import StudentScreen
from tests.samples import sample_session

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
RAW = "\x00raw:"
"""A value written into the file as this text, not as JSON would write it (1e309)."""

BASES: dict[str, dict[str, Any]] = {
    "v2": json.loads(session_to_json_text(sample_session("Alice", reviewed=True, objectives=2))),
    "v1-mock": json.loads((FIXTURES / "v1-mock.json").read_text(encoding="utf-8")),
    "v1-unfinished": json.loads((FIXTURES / "v1-unfinished.json").read_text(encoding="utf-8")),
}


def nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


HOSTILE: list[Any] = [
    float("nan"), float("inf"), float("-inf"), RAW + "1e309", RAW + "-1e309", 10**30, -(10**30),
    2**63, -1, 0, 1.0, 1.5, True, False, None, "", "x" * 200_001, "y" * 5_000, "kp\udfff",
    "\ud800", "\x1b]0;pwned\x07", "\x1b[2J", "a\x00b", "line\nbreak\ttab", "[bold]x[/bold]",
    "../../etc/passwd", "٩(◕‿◕)۶ \u202e", [], {}, [1, "two"], {"k": "v"}, nested(70), nested(20),
    "not-a-date", "2026-02-30T10:00:00+00:00", "9999-12-31T23:59:59+00:00", 1e308,
]  # fmt: skip

EDGE_VALID: list[Any] = [
    0, 1, None, "", "y" * 5_000, "line\nbreak\ttab", "[bold]x[/bold] [link=https://x.invalid]y[/link]",
    "٩(◕‿◕)۶ \u202e", [], 9_999_999.0, "9999-12-31T23:59:59+00:00",
]  # fmt: skip
"""Values a careful import may well accept: what the screens must then show without crashing."""


def paths(data: Any, where: tuple = ()) -> list[tuple]:
    """Every place in the document, containers included."""
    found = [where]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*where, index))
    return found


PATHS = {name: paths(data)[1:] for name, data in BASES.items()}


def fresh_ids(data: Any) -> Any:
    """The same document with new ids: each accepted example is a session of its own."""
    if isinstance(data, dict):
        return {
            key: uuid.uuid4().hex if key == "id" and isinstance(value, str) else fresh_ids(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [fresh_ids(value) for value in data]
    return data


def hostile_file(base: str, where: tuple, value: Any) -> bytes:
    data = fresh_ids(BASES[base])
    target = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    text = json.dumps(data, allow_nan=True)  # NaN and Infinity as the tokens a file would hold
    for raw in (v for v in HOSTILE if isinstance(v, str) and v.startswith(RAW)):
        text = text.replace(json.dumps(raw), raw.removeprefix(RAW))
    return text.encode("ascii")  # lone surrogates stay \\udfff escapes, as in a hostile file


def dump(store) -> list[str]:
    return list(store.db.conn.iterdump())


FILE_WIDE = {"not_json", "too_large", "truncated", "wrong_format", "unknown_version"}


def check_refusal(error: InvalidExport, where: tuple, base: str) -> None:
    message = str(error)
    assert "\n" not in message and "\r" not in message and message.strip() == message
    assert "\x1b" not in message and "\x00" not in message
    if error.reason in FILE_WIDE:
        return
    named = message.split(":", 1)[0]
    if "missing" not in message:  # "The export is missing session.x." names it at the end
        assert named.split(".")[0].split("[")[0] in BASES[base], message  # a JSON path
    # A version 1 file is upgraded before it is checked: its paths are the version 2 ones.
    if base == "v2" and error.reason not in ("foreign_id", "foreign_session", "duplicate_id"):
        assert message.startswith(_prefix(where)) or "missing" in message, (where, message)


def _prefix(where: tuple) -> str:
    """The JSON path of the changed value's first two steps (the model reports the field)."""
    text = ""
    for step in where[:2]:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def no_later_crash(session_id: str) -> None:
    runner = CliRunner()
    for args in (["history", "--limit", "1000"], ["export", session_id, "--format", "md"],
                 ["export", session_id, "--format", "json"]):  # fmt: skip
        result = runner.invoke(cli, args, catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        assert result.exit_code == 0, (args, result.output)


@settings(
    max_examples=400, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(data=st.data(), base=st.sampled_from(sorted(BASES)), value=st.sampled_from(HOSTILE))
def test_an_import_succeeds_or_refuses_in_one_line_and_never_poisons(
    data, base: str, value: Any
) -> None:
    where = data.draw(st.sampled_from(PATHS[base]), label="where")
    raw = hostile_file(base, where, value)
    store = open_store(database_path())
    try:
        before = dump(store)
        try:
            result = import_session(store, raw)
        except InvalidExport as error:
            check_refusal(error, where, base)
            assert dump(store) == before
            return
    finally:
        store.close()
    no_later_crash(result.session_id)


def accepted_batch(per_base: int = 45) -> int:
    """Borderline values at places drawn (the same each run) in every base; how many imports
    were accepted."""
    accepted = 0
    draw = random.Random(11)
    store = open_store(database_path())
    try:
        for base, places in PATHS.items():
            for where, value in draw.sample([(w, v) for w in places for v in EDGE_VALID], per_base):
                try:
                    import_session(store, hostile_file(base, where, value))
                except InvalidExport:
                    continue
                accepted += 1
    finally:
        store.close()
    return accepted


@pytest.mark.usefixtures("soutenance_home")
async def test_the_roster_student_pages_and_reviews_open_every_accepted_import(
    tmp_path: Path,
) -> None:
    accepted = accepted_batch()
    assert accepted > 25
    store = open_store(database_path())
    names = [entry.student.name for entry in store.roster.summary(include_archived=True)]
    app = make_app(lang="en", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(RosterScreen())
        await pilot.pause()
        opened = 0
        for name in names:
            page = StudentScreen(name)
            app.push_screen(page)
            await pilot.pause()
            assert page.page is not None
            for summary in page.page.sessions:
                page.open_session(summary.id)
                await pilot.pause()
                assert isinstance(app.screen, ReviewScreen)
                opened += 1
                app.pop_screen()
                await pilot.pause()
            app.pop_screen()
            await pilot.pause()
    assert opened >= min(accepted, 1)
    store.close()
