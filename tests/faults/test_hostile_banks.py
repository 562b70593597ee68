"""Hostile bank folders, as real files and real processes: FIFOs, device links, link loops,
unreadable folders and files, a quadratic duration, raw control characters, forged lint lines and
terminal escapes. Each gives one clear line and never a hang, a crash or gigabytes read."""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from soutenance.ui.app import make_app
from soutenance.ui.screens.problems import ProblemsScreen
from tests.faults.hostile import permissions_can_be_denied, run, soutenance

pytestmark = pytest.mark.slow

LINE = re.compile(
    r"^(?P<file>[^\n]+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<severity>error|warning|note): (?P<message>[^\n]+)$"
)
GOOD = (
    "project:\n  id: {pid}\n  title: T\n  path: Chemin {pid}\n  language: fr\n"
    "  evaluator_role: La cliente\nquestions:\n"
    "  - id: q\n    text: Pourquoi ce canal ?\n    key_points: [Un objectif, Une mesure]\n"
)


def good(folder: Path, pid: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    path.write_text(GOOD.format(pid=pid), encoding="utf-8")
    return path


def lint_lines(done: object) -> list[str]:
    out = done.stdout.splitlines()  # type: ignore[attr-defined]
    assert all(LINE.match(line) for line in out), out
    return out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def fifo_unblocker() -> Iterator[list[Path]]:
    """FIFOs registered here get a writer now and then, so that a reader that blocks on one
    (the bug these tests guard against) is released and the test fails instead of hanging."""
    fifos: list[Path] = []
    stop = threading.Event()

    def release() -> None:
        while not stop.wait(0.05):
            for fifo in fifos:
                with contextlib.suppress(OSError):  # no reader waiting: nothing to release
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    yield fifos
    stop.set()
    thread.join()


# --------------------------------------------------------------------------- FIFOs and devices


def test_a_fifo_named_like_a_bank_is_refused_by_lint_list_and_the_app_start(
    tmp_path: Path, home: Path
) -> None:
    banks = tmp_path / "banks"
    kept = good(banks, "kept")
    fifo = banks / "x.yaml"
    os.mkfifo(fifo)
    refused = f"{fifo}:1:1: error: cannot read file: it is a named pipe (FIFO), not a regular file"
    lint = soutenance("bank", "lint", banks, home=home)
    assert lint.returncode == 1
    assert lint_lines(lint) == [refused]
    assert lint.stderr == "2 files checked: 1 error, 0 warnings\n"
    listing = soutenance("--banks", banks, "bank", "list", "--format", "json", home=home)
    assert listing.returncode == 0, listing.stderr
    data = json.loads(listing.stdout)
    assert data["problems"] == [{"file": str(fifo), "errors": [refused]}]
    assert str(kept) in {row["file"] for row in data["projects"]}
    start = run(["-c", f"from soutenance.ui.app import make_app; app = make_app(banks=[{str(banks)!r}]); "
                 "print([p.file for p in app.services.catalog.problems])"], home)  # fmt: skip
    assert start.returncode == 0, start.stderr
    assert start.stdout.strip() == repr([str(fifo)])


def test_links_to_endless_devices_are_refused_without_reading_them(
    tmp_path: Path, home: Path
) -> None:
    banks = tmp_path / "banks"
    good(banks, "kept")
    for name, device in (("zero.yaml", "/dev/zero"), ("random.yaml", "/dev/urandom")):
        (banks / name).symlink_to(device)
    lint = soutenance("bank", "lint", banks, home=home)  # a 2 GB memory cap stops a runaway read
    assert lint.returncode == 1, lint.stderr
    assert lint_lines(lint) == [
        f"{banks / name}:1:1: error: cannot read file: it is a device, not a regular file"
        for name in ("random.yaml", "zero.yaml")
    ]


# --------------------------------------------------------------------------- symbolic link loops


def test_symbolic_link_loops_anywhere_are_problems_not_a_stop(tmp_path: Path, home: Path) -> None:
    banks = tmp_path / "banks"
    good(banks / "sub", "kept")
    (banks / "self.yaml").symlink_to("self.yaml")
    (banks / "ping.yaml").symlink_to("pong.yaml")
    (banks / "pong.yaml").symlink_to("ping.yaml")
    (banks / "sub" / "back").symlink_to("..")
    (banks / "tangle").symlink_to("tangle")
    looping_root = tmp_path / "looping-root"
    looping_root.symlink_to(looping_root.name)
    lint = soutenance("bank", "lint", banks, looping_root, home=home)
    assert lint.returncode == 1
    assert lint_lines(lint) == [
        f"{banks / 'ping.yaml'}:1:1: error: cannot read file: symbolic link loop",
        f"{banks / 'pong.yaml'}:1:1: error: cannot read file: symbolic link loop",
        f"{banks / 'self.yaml'}:1:1: error: cannot read file: symbolic link loop",
        f"{banks / 'sub' / 'back'}:1:1: error: symbolic link loop: this folder leads back to {banks}",
        f"{banks / 'tangle'}:1:1: error: cannot read: symbolic link loop",
        f"{looping_root}:1:1: error: cannot read folder: symbolic link loop",
    ]
    start = run(["-c", "from soutenance.ui.app import make_app; "
                 f"app = make_app(banks=[{str(banks)!r}, {str(looping_root)!r}]); "
                 "print(len(app.services.catalog.problems), len(app.services.catalog.projects))"], home)  # fmt: skip
    assert start.returncode == 0, start.stderr
    problems, projects = map(int, start.stdout.split())
    assert problems == 6 and projects > 1


def test_a_linked_folder_is_read_once(tmp_path: Path, home: Path) -> None:
    team = good(tmp_path / "team", "shared")
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "team").symlink_to(team.parent)
    (banks / "again").symlink_to(team.parent)
    lint = soutenance("bank", "lint", banks, home=home)
    assert (lint.returncode, lint.stdout, lint.stderr) == (
        0,
        "",
        "1 file checked: 0 errors, 0 warnings\n",
    )


# --------------------------------------------------------------------------- unreadable folders and files


@pytest.fixture
def deniable(tmp_path: Path) -> None:
    if not permissions_can_be_denied(tmp_path):
        pytest.skip("this machine cannot run a child without the right to ignore file permissions")


@pytest.mark.usefixtures("deniable")
def test_an_unreadable_folder_is_an_error_not_a_silent_skip(tmp_path: Path, home: Path) -> None:
    banks = tmp_path / "banks"
    good(banks, "kept")
    locked = banks / "locked"
    good(locked, "hidden-from-us")
    only_locked = tmp_path / "only"
    good(only_locked / "locked", "alone")
    try:
        locked.chmod(0)
        (only_locked / "locked").chmod(0)
        lint = soutenance("bank", "lint", banks, home=home, unprivileged=True)
        assert lint.returncode == 1
        assert lint_lines(lint) == [f"{locked}:1:1: error: cannot read folder: Permission denied"]
        assert lint.stderr == "1 file checked: 1 error, 0 warnings\n"
        alone = soutenance("bank", "lint", only_locked, home=home, unprivileged=True)
        assert (alone.returncode, alone.stderr) == (1, "0 files checked: 1 error, 0 warnings\n")
        listing = soutenance("--banks", banks, "bank", "list", home=home, unprivileged=True)
        assert listing.returncode == 0
        assert f"{locked}: not loaded (1 error; run `soutenance bank lint`)" in listing.stderr
    finally:
        locked.chmod(0o755)
        (only_locked / "locked").chmod(0o755)


@pytest.mark.usefixtures("deniable")
def test_an_unreadable_file_argument_is_a_lint_error_not_a_usage_error(
    tmp_path: Path, home: Path
) -> None:
    unreadable = good(tmp_path, "secret")
    behind = good(tmp_path / "closed", "behind")
    try:
        unreadable.chmod(0)
        behind.parent.chmod(0)
        lint = soutenance("bank", "lint", unreadable, behind, home=home, unprivileged=True)
        assert lint.returncode == 1, lint.stderr
        assert lint_lines(lint) == [
            f"{behind}:1:1: error: cannot read file: Permission denied",
            f"{unreadable}:1:1: error: cannot read file: Permission denied",
        ]
    finally:
        unreadable.chmod(0o644)
        behind.parent.chmod(0o755)


def test_a_file_argument_through_a_link_loop_is_a_lint_error(tmp_path: Path, home: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    target = tmp_path / "loop" / "bank.yaml"
    lint = soutenance("bank", "lint", target, home=home)
    assert lint.returncode == 1, lint.stderr
    assert lint_lines(lint) == [f"{target}:1:1: error: cannot read file: symbolic link loop"]
    missing = soutenance("bank", "lint", tmp_path / "missing.yaml", home=home)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


# --------------------------------------------------------------------------- contents


def test_a_duration_padded_with_spaces_is_read_in_linear_time(tmp_path: Path, home: Path) -> None:
    bank = good(tmp_path, "slow")
    padding = " " * 200_000  # the quadratic pattern took about 56 s for 60,000: hours for this
    bank.write_text(
        bank.read_text(encoding="utf-8") + f'    time_limit: "1{padding}x"\n', encoding="utf-8"
    )
    lint = soutenance("bank", "lint", bank, home=home)  # `run` fails the test after 120 s
    assert lint.returncode == 1
    assert lint_lines(lint) == [
        f"{bank}:11:17: error: `time_limit`: '1{' ' * 39}…' is not a duration: write seconds (90) or "
        "1:30, 90s, 2m"
    ]


def test_a_raw_control_character_is_reported_where_it_is_on_one_line(
    tmp_path: Path, home: Path
) -> None:
    bank = good(tmp_path, "bell")
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("Pourquoi ce", "Pourquoi ç\x07e"), encoding="utf-8"
    )
    lint = soutenance("bank", "lint", bank, home=home)
    assert lint.returncode == 1
    assert lint_lines(lint) == [
        f"{bank}:9:21: error: invalid YAML: control character U+0007 is not allowed in a bank; remove it"
    ]


# --------------------------------------------------------------------------- output injection

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"
IN_YAML = "\\e]0;pwned\\a\\e[2J"  # the same, as double-quoted YAML escapes (raw ones are refused)


def test_a_quoted_key_cannot_forge_a_lint_line(tmp_path: Path, home: Path) -> None:
    bank = good(tmp_path, "forge")
    forged = '"x\\n/etc/passwd:1:1: error: injected\\n\\e[2J": 1\n'
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("questions:\n", f"{forged}questions:\n"),
        encoding="utf-8",
    )
    lint = soutenance("bank", "lint", bank, home=home)
    assert lint.returncode == 1
    [line] = lint_lines(lint)
    assert line.startswith(
        f"{bank}:7:1: error: unknown key `x\\n/etc/passwd:1:1: error: injected\\n\\x1b[2J`"
    )
    assert "\x1b" not in lint.stdout + lint.stderr


def test_terminal_escapes_in_titles_keys_and_file_names_are_shown_escaped(
    tmp_path: Path, home: Path
) -> None:
    banks = tmp_path / "banks"
    titled = good(banks, "titled")
    titled.write_text(
        titled.read_text(encoding="utf-8").replace("title: T", f'title: "T{IN_YAML}"'),
        encoding="utf-8",
    )
    named = banks / f"name{ESCAPES}.yaml"
    named.write_text(f'project:\n  id: n\n  "k{IN_YAML}": 1\n', encoding="utf-8")
    lint = soutenance("bank", "lint", banks, home=home)
    listing = soutenance("--banks", banks, "bank", "list", home=home)
    as_json = soutenance("--banks", banks, "bank", "list", "--format", "json", home=home)
    for done in (lint, listing, as_json):
        assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    escaped = "\\x1b]0;pwned\\x07\\x1b[2J"
    assert f"{banks}/name{escaped}.yaml:3:3: error: unknown key `k{escaped}`" in lint.stdout
    assert "T\\x1b]0;pwned\\x07\\x1b[2J" in listing.stdout
    data = json.loads(as_json.stdout)
    assert f"T{ESCAPES}" in {row["title"] for row in data["projects"]}, (
        "JSON keeps the data, escaped"
    )


# --------------------------------------------------------------------------- the running app


async def test_the_app_lists_hostile_files_as_problems(
    tmp_path: Path, fifo_unblocker: list[Path]
) -> None:
    banks = tmp_path / "banks"
    good(banks, "kept")
    os.mkfifo(banks / "pipe.yaml")
    fifo_unblocker.append(banks / "pipe.yaml")
    (banks / "zero.yaml").symlink_to("/dev/zero")
    (banks / "self.yaml").symlink_to("self.yaml")
    app = make_app(banks=[banks], lang="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "3 bank file(s) not loaded" in str(
            app.screen.query_one("#problems-banner", Static).render()
        )
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        shown = " ".join(str(widget.render()) for widget in app.screen.query(".problem"))
        for reason in ("named pipe (FIFO)", "a device", "symbolic link loop"):
            assert reason in shown
