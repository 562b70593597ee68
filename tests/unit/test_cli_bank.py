"""`soutenance bank lint|list|schema`, `--banks`, `--version` and `--help`, through the real click group."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from soutenance import __version__, paths
from soutenance.banks.model import slugify
from soutenance.cli import cli
from tests.conftest import REPO

LINE = re.compile(
    r"^(?P<file>.+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<severity>error|warning|note): (?P<message>\S.*)$"
)

HEADER = (
    "project:\n  id: {pid}\n  title: {title}\n  path: {path}\n  language: fr\n"
    "  evaluator_role: La cliente\nquestions:\n"
)
ONE_QUESTION = "  - id: q\n    text: Pourquoi ce canal ?\n    key_points: [a, b, c]\n"


def write_bank(
    folder: Path,
    name: str,
    questions: str = ONE_QUESTION,
    *,
    pid: str = "p",
    title: str = "T",
    path: str = "Community Manager",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_text(HEADER.format(pid=pid, title=title, path=path) + questions, encoding="utf-8")
    return target


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run the click group in-process; an exception escaping the command fails the test."""
    return CliRunner().invoke(
        cli, [str(a) for a in args], env=env, catch_exceptions=False, prog_name="soutenance"
    )


def lines(result: Result) -> list[str]:
    return result.stdout.splitlines()


def listing(*args: str | Path, env: dict[str, str] | None = None) -> dict:
    result = invoke(*args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- lint: exit codes and lines


def test_lint_of_a_clean_bank_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    write_bank(tmp_path / "banks", "p.yaml")
    result = invoke("bank", "lint", tmp_path / "banks")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "1 file checked: 0 errors, 0 warnings\n"


def test_lint_prints_every_error_as_file_line_col_and_exits_1(tmp_path: Path) -> None:
    questions = ONE_QUESTION + "    time_limt: 90\n    difficulty: 7\n    time_limit: soon\n"
    bank = write_bank(tmp_path, "p.yaml", questions)
    result = invoke("bank", "lint", bank)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{bank}:11:5: error: unknown key `time_limt`; did you mean `time_limit`?",
        f"{bank}:12:17: error: `difficulty`: should be less than or equal to 3",
        f"{bank}:13:17: error: `time_limit`: 'soon' is not a duration: write seconds (90) or 1:30, 90s, 2m",
    ]
    assert result.stderr == "1 file checked: 3 errors, 0 warnings\n"


def test_warnings_are_printed_but_exit_0(tmp_path: Path) -> None:
    questions = (
        "  - id: a\n    text: Quels livrables attendez-vous de l'agence et pour quand ?\n    key_points: [x, y]\n"
        "  - id: b\n    text: Comment mesurez-vous le succès ?\n"
        "  - id: c\n    text: Quels livrables attendez-vous de l'agence, et pour quand donc ?\n    key_points: [x, y]\n"
    )
    bank = write_bank(tmp_path, "p.yaml", questions)
    result = invoke("bank", "lint", bank)
    assert result.exit_code == 0
    out = lines(result)
    assert out[0] == f"{bank}:11:5: warning: question `b` has no key points"
    assert out[1].startswith(
        f"{bank}:14:11: warning: question `c` is nearly the same as `a` (line 9): "
    )
    assert len(out) == 2
    assert result.stderr == "1 file checked: 0 errors, 2 warnings\n"


def test_strict_lint_fails_on_warnings(tmp_path: Path) -> None:
    warned = write_bank(
        tmp_path / "warned", "p.yaml", "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n"
    )
    clean = write_bank(tmp_path / "clean", "p.yaml")
    assert invoke("bank", "lint", warned).exit_code == 0
    strict = invoke("bank", "lint", "--strict", warned)
    assert strict.exit_code == 1
    assert lines(strict) == [
        f"{warned}:10:17: warning: question `q` has only 1 key point: give it 2 to 6 checkable criteria"
    ]
    assert invoke("bank", "lint", "--strict", clean).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["bank", "lint", "no-such-folder"],
        ["bank", "lint", "--no-such-option"],
        ["bank", "list", "--format", "xml"],
        ["bank", "no-such-command"],
        ["--lang", "de", "bank", "list"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "Error:" in result.stderr
    assert "Traceback" not in result.output


def test_lint_with_no_target_checks_every_root(tmp_path: Path, soutenance_home: Path) -> None:
    clean = invoke("bank", "lint")
    assert clean.exit_code == 0, clean.output
    assert lines(clean) == []
    bundled = len(list(paths.bundled_banks_dir().rglob("*.yaml")))
    pending = len(lines(clean))
    assert (
        clean.stderr
        == f"{bundled} files checked: 0 errors, {pending} warning{'s' * (pending != 1)}\n"
    )
    broken = write_bank(
        soutenance_home / "banks", "broken.yaml", "  - id: Q\n    text: Pourquoi ?\n"
    )
    result = invoke("bank", "lint")
    assert result.exit_code == 1
    assert lines(result) == [
        f"{broken}:8:9: error: `id`: String should match pattern '^[a-z0-9][a-z0-9_-]*$'"
    ]


# --------------------------------------------------------------------------- hostile files

GOOD = (
    HEADER.format(pid="{pid}", title="T", path="Parcours {pid}") + ONE_QUESTION
)  # one path each: no cross checks


def good(pid: str) -> str:
    return GOOD.replace("{pid}", pid)


def alias_bomb() -> str:
    rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghi":
        rows.append(f"{level}: &{level} [" + ", ".join([f"*{chr(ord(level) - 1)}"] * 9) + "]")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, str], Path]]:
    """A folder mixing good files and every hostile input, with the one line each must produce."""
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder.parent / "pwned"
    files: dict[str, bytes] = {
        "good.yaml": good("good").encode(),
        "bom-good.yaml": b"\xef\xbb\xbf" + good("bom-good").encode(),
        "crlf-good.yaml": good("crlf-good").replace("\n", "\r\n").encode(),
        "invalid-utf8.yaml": good("utf8").encode().replace(b"Pourquoi", b"Pourqu\xe9i"),
        "bom.yaml": b"\xef\xbb\xbf" + good("bom").replace("project:", "projet:").encode(),
        "crlf.yaml": (good("crlf") + "    difficulty: 9\n").replace("\n", "\r\n").encode(),
        "tabs.yaml": good("tabs").replace("    text: Pourquoi", "\ttext: Pourquoi").encode(),
        "empty.yaml": b"",
        "binary.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
        "python.yaml": (
            good("python") + f"  - !!python/object/apply:os.system ['touch {marker}']\n"
        ).encode(),
        "alias-bomb.yaml": alias_bomb().encode(),
        "nesting.yaml": ("project: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with (folder / "huge.yaml").open("w", encoding="utf-8") as handle:
        handle.write(good("huge"))
        row = "  - {id: x, text: " + "y" * 100 + "}\n"
        handle.write(row * (50 * 1_048_576 // len(row) + 1))
    expected = {
        "alias-bomb.yaml": "1:4: error: anchors and aliases (&name, *name) are not allowed in a bank; "
        "this value is reused by an alias",
        "binary.yaml": "3:1: error: this is a binary file, not a YAML bank (it contains NUL bytes)",
        "bom.yaml": "1:1: error: unknown key `projet`; did you mean `project`?",
        "crlf.yaml": "11:17: error: `difficulty`: should be less than or equal to 3",
        "empty.yaml": "1:1: error: empty file: a bank needs a `project` and its `questions`",
        "huge.yaml": "1:1: error: file is 50.0 MB; a bank is at most 5 MB",
        "invalid-utf8.yaml": "9:17: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8",
        "nesting.yaml": "1:",  # where libyaml stops depends on its version: checked below
        "python.yaml": "11:5: error: tag `!!python/object/apply:os.system` is not allowed in a bank",
        "tabs.yaml": "9:1: error: invalid YAML: a tab cannot indent YAML; use spaces",
    }
    yield folder, expected, marker


def check_hostile_output(stdout: str, folder: Path, expected: dict[str, str]) -> None:
    out = stdout.splitlines()
    assert all(LINE.match(line) for line in out), out
    by_file: dict[str, list[str]] = {}
    for line in out:
        match = LINE.match(line)
        assert match is not None
        by_file.setdefault(Path(match["file"]).name, []).append(line)
    missing_project = f"{folder / 'bom.yaml'}:1:1: error: missing required key `project`"
    assert by_file.pop("bom.yaml") == [
        missing_project,
        f"{folder / 'bom.yaml'}:{expected['bom.yaml']}",
    ]
    assert set(by_file) == set(expected) - {"bom.yaml"}, (
        "good files print nothing, each hostile file one line"
    )
    for name, problems in by_file.items():
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"{folder / name}:{expected[name]}"), problems[0]
    nesting = by_file["nesting.yaml"][0]
    assert ": error: " in nesting and "nesting" in nesting
    positions = [(m["file"], int(m["line"]), int(m["col"])) for m in map(LINE.match, out) if m]
    assert positions == sorted(positions), "sorted by file, line and column"


def test_lint_of_a_hostile_folder_prints_one_line_per_problem(
    hostile: tuple[Path, dict[str, str], Path],
) -> None:
    folder, expected, marker = hostile
    result = invoke("bank", "lint", folder)
    assert result.exit_code == 1
    check_hostile_output(result.stdout, folder, expected)
    assert result.stderr == "13 files checked: 11 errors, 0 warnings\n"
    assert not marker.exists()


@pytest.mark.slow
def test_real_process_lint_never_shows_a_traceback(
    hostile: tuple[Path, dict[str, str], Path],
) -> None:
    folder, expected, marker = hostile
    done = subprocess.run(
        [sys.executable, "-m", "soutenance", "bank", "lint", str(folder)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "unexpected error" not in done.stderr
    check_hostile_output(done.stdout, folder, expected)
    assert done.stderr == "13 files checked: 11 errors, 0 warnings\n"
    assert not marker.exists()


@pytest.mark.slow
def test_real_process_usage_error_exits_2_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "soutenance", "bank", "lint", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "no such file or folder" in done.stderr


# --------------------------------------------------------------------------- where banks come from


def projects(data: dict) -> dict[str, dict]:
    return {f"{row['path_id']}/{row['project']}": row for row in data["projects"]}


@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_banks_option_before_or_after_the_subcommand(tmp_path: Path, where: str) -> None:
    first = write_bank(tmp_path / "first", "a.yaml", pid="from-first")
    second = write_bank(tmp_path / "second", "b.yaml", pid="from-second")
    args = {
        "before": ["--banks", first.parent, "bank", "list", "--format", "json"],
        "after": ["bank", "list", "--format", "json", "--banks", first.parent],
        "both": [
            "--banks",
            first.parent,
            "bank",
            "list",
            "--banks",
            second.parent,
            "--format",
            "json",
        ],
    }[where]
    found = projects(listing(*args))
    assert found["community-manager/from-first"]["file"] == str(first)
    assert found["community-manager/from-first"]["source"] == "user"
    assert ("community-manager/from-second" in found) == (where == "both")
    assert "community-manager/brief-creatif" in found, "bundled banks are still listed"


@pytest.mark.parametrize("where", ["before", "after"])
def test_banks_option_feeds_lint_without_targets(tmp_path: Path, where: str) -> None:
    broken = write_bank(tmp_path / "mine", "x.yaml", ONE_QUESTION + "    difficulty: 4\n")
    args = (
        ["--banks", broken.parent, "bank", "lint"]
        if where == "before"
        else ["bank", "lint", "--banks", broken.parent]
    )
    result = invoke(*args)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{broken}:11:17: error: `difficulty`: should be less than or equal to 3"
    ]


def test_soutenance_banks_env_holds_several_folders(tmp_path: Path) -> None:
    first = write_bank(tmp_path / "one", "a.yaml", pid="shared", title="From one")
    second = write_bank(tmp_path / "two", "b.yaml", pid="shared", title="From two")
    only = write_bank(tmp_path / "two", "c.yaml", pid="only-two")
    env = {"SOUTENANCE_BANKS": os.pathsep.join([str(first.parent), "", str(second.parent)])}
    found = projects(listing("bank", "list", "--format", "json", env=env))
    shared = found["community-manager/shared"]
    assert (shared["file"], shared["title"], shared["shadows"]) == (
        str(first),
        "From one",
        [str(second)],
    )
    assert found["community-manager/only-two"]["file"] == str(only)


def test_banks_option_comes_before_the_environment(tmp_path: Path) -> None:
    from_option = write_bank(tmp_path / "option", "a.yaml", pid="shared")
    from_env = write_bank(tmp_path / "env", "a.yaml", pid="shared")
    env = {"SOUTENANCE_BANKS": str(from_env.parent)}
    found = projects(
        listing("--banks", from_option.parent, "bank", "list", "--format", "json", env=env)
    )
    assert found["community-manager/shared"]["file"] == str(from_option)
    assert found["community-manager/shared"]["shadows"] == [str(from_env)]


def test_user_folder_under_soutenance_home_is_read(soutenance_home: Path) -> None:
    mine = write_bank(
        soutenance_home / "banks" / "mes-projets", "perso.yaml", pid="perso", path="Mon parcours"
    )
    found = projects(listing("bank", "list", "--format", "json"))
    row = found["mon-parcours/perso"]
    assert (row["file"], row["source"], row["path"], row["questions"]) == (
        str(mine),
        "user",
        "Mon parcours",
        1,
    )


def test_user_copy_shadows_a_bundled_project_and_lint_notes_it(soutenance_home: Path) -> None:
    bundled = paths.bundled_banks_dir() / "community-manager" / "brief-creatif.yaml"
    mine = write_bank(
        soutenance_home / "banks", "brief.yaml", pid="brief-creatif", title="Ma version"
    )
    row = projects(listing("bank", "list", "--format", "json"))["community-manager/brief-creatif"]
    assert (row["file"], row["title"], row["source"]) == (str(mine), "Ma version", "user")
    assert row["shadows"] == [str(bundled.resolve())]
    result = invoke("bank", "lint")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        f"{mine}:2:7: note: shadows the bundled project `community-manager/brief-creatif` in {bundled.resolve()}"
    ]


def test_lint_targets_shadow_each_other_in_the_order_given(tmp_path: Path) -> None:
    first = write_bank(tmp_path / "a", "p.yaml")
    second = write_bank(tmp_path / "b", "p.yaml")
    result = invoke("bank", "lint", first.parent, second.parent)
    assert result.exit_code == 0
    assert lines(result) == [
        f"{first}:2:7: note: shadows the user project `community-manager/p` in {second}"
    ]


# --------------------------------------------------------------------------- bank list


def bundled_truth() -> dict[str, dict]:
    """What the bundled files hold, read independently of soutenance with plain PyYAML."""
    truth = {}
    for file in sorted(paths.bundled_banks_dir().rglob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        project = data["project"]
        ref = f"{slugify(project['path'])}/{project['id']}"
        truth[ref] = {
            "path": project["path"],
            "title": project["title"],
            "language": project["language"],
            "questions": len(data["questions"]),
            "file": str(file.resolve()),
        }
    return truth


def test_list_json_reports_paths_projects_counts_and_files() -> None:
    data = listing("bank", "list", "--format", "json")
    assert data["problems"] == []
    found = projects(data)
    truth = bundled_truth()
    assert set(found) == set(truth)
    for ref, row in found.items():
        assert set(row) == {
            "path",
            "path_id",
            "project",
            "title",
            "language",
            "questions",
            "file",
            "source",
            "shadows",
        }
        expected = truth[ref]
        assert {k: row[k] for k in expected} == expected, ref
        assert (row["source"], row["shadows"]) == ("bundled", [])
    names = [row["path"] for row in data["projects"]]
    assert names == sorted(names, key=str.casefold), "grouped by path"
    assert set(names) == {
        "Community Manager",
        "Responsable marketing et communication",
        "Digital Marketer",
    }


def test_list_json_reports_problem_files(tmp_path: Path) -> None:
    broken = tmp_path / "banks" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text("project:\n  id: x\n  titel: oops\n", encoding="utf-8")
    data = listing("--banks", broken.parent, "bank", "list", "--format", "json")
    assert [p["file"] for p in data["problems"]] == [str(broken)]
    assert (
        f"{broken}:3:3: error: unknown key `titel`; did you mean `title`?"
        in data["problems"][0]["errors"]
    )


def test_list_text_shows_paths_projects_counts_and_files(tmp_path: Path) -> None:
    mine = write_bank(
        tmp_path / "b", "mine.yaml", pid="mine", path="Mon parcours", title="Mon projet"
    )
    result = invoke("--banks", mine.parent, "bank", "list")
    assert result.exit_code == 0
    out = result.stdout
    for truth in bundled_truth().values():
        assert truth["path"] in out and truth["file"] in out
    assert re.search(r"^  mon-parcours/mine +1 question  \[fr\]  Mon projet$", out, flags=re.M)
    assert str(mine) in out


# --------------------------------------------------------------------------- schema, version, help


def test_schema_is_the_shipped_file(tmp_path: Path) -> None:
    shipped = (REPO / "question_banks" / "bank.schema.json").read_text(encoding="utf-8")
    result = invoke("bank", "schema")
    assert result.exit_code == 0
    assert result.stdout == shipped
    target = tmp_path / "bank.schema.json"
    assert invoke("bank", "schema", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == shipped


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = invoke(flag)
    assert result.exit_code == 0
    assert result.stdout == f"soutenance, version {__version__}\n"


def command_paths(group: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand, found by walking the click tree (future commands included)."""
    found = [prefix]
    if isinstance(group, click.Group):
        context = click.Context(group, info_name=prefix[-1] if prefix else "soutenance")
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None
            found += command_paths(command, (*prefix, name))
    return found


def test_the_walk_finds_the_bank_commands() -> None:
    assert {("bank", "lint"), ("bank", "list"), ("bank", "schema")} <= set(command_paths(cli))


@pytest.mark.parametrize("command", command_paths(cli), ids=lambda p: " ".join(p) or "soutenance")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(command: tuple[str, ...], flag: str) -> None:
    result = invoke(*command, flag)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: {' '.join(('soutenance', *command))} ")
    assert "Options:" in result.stdout
    assert result.stderr == ""


# --------------------------------------------------------------------------- the documented example


def test_the_full_example_of_the_docs_is_a_clean_bank(tmp_path: Path) -> None:
    docs = (REPO / "docs" / "banks.md").read_text(encoding="utf-8")
    section = docs.split("## A full example", 1)[1]
    example = re.search(r"```yaml\n(.+?)```", section, flags=re.S)
    assert example is not None
    bank = tmp_path / "banks" / "community-manager" / "reporting-mensuel.yaml"
    bank.parent.mkdir(parents=True)
    bank.write_text(example[1], encoding="utf-8")
    result = invoke("bank", "lint", bank)
    assert (result.exit_code, result.stdout) == (0, ""), result.output
    row = projects(listing("--banks", tmp_path / "banks", "bank", "list", "--format", "json"))
    assert row["community-manager/reporting-mensuel"]["questions"] == 3
