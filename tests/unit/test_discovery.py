"""Where banks are found, in which order they shadow each other, and the catalog's index cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from soutenance import paths
from soutenance.banks import batch
from soutenance.banks import catalog as catalog_module
from soutenance.banks.catalog import INDEX_VERSION, build_catalog
from soutenance.banks.discovery import RootKind, bank_files, bank_roots
from soutenance.banks.index import read_index

HEADER = (
    "project:\n  id: {pid}\n  title: {title}\n  path: Community Manager\n  language: fr\n"
    "  evaluator_role: La cliente\nquestions:\n  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n"
)


def write_bank(folder: Path, name: str, *, pid: str = "p", title: str = "T") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_text(HEADER.format(pid=pid, title=title), encoding="utf-8")
    return target


def index_file() -> Path:
    return paths.cache_dir() / "bank-index.json"


def indexed_files() -> set[str]:
    data = json.loads(index_file().read_text(encoding="utf-8"))
    return {entry["file"] for entry in data["files"]}


# --------------------------------------------------------------------------- roots and precedence


def test_roots_in_precedence_order(
    tmp_path: Path, soutenance_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option_a, option_b, env_c, env_d = (tmp_path / name for name in ("a", "b", "c", "d"))
    monkeypatch.setenv(
        "SOUTENANCE_BANKS", os.pathsep.join([str(env_c), "", str(env_d), str(option_a)])
    )
    roots = bank_roots([option_a, option_b, option_a])
    assert [r.path for r in roots] == [
        option_a,
        option_b,
        env_c,
        env_d,
        (soutenance_home / "banks").resolve(),
        paths.bundled_banks_dir().resolve(),
    ], "--banks first, then $SOUTENANCE_BANKS, the user folder, the bundled banks; each folder once"
    assert [r.kind for r in roots] == [RootKind.USER] * 5 + [RootKind.BUNDLED]


def test_first_root_wins_and_shadows_the_others_in_order(
    tmp_path: Path, soutenance_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option = write_bank(tmp_path / "option", "x.yaml", pid="brief-creatif", title="option")
    env = write_bank(tmp_path / "env", "x.yaml", pid="brief-creatif", title="env")
    user = write_bank(soutenance_home / "banks", "x.yaml", pid="brief-creatif", title="user")
    bundled = paths.bundled_banks_dir().resolve() / "community-manager" / "brief-creatif.yaml"
    monkeypatch.setenv("SOUTENANCE_BANKS", str(env.parent))
    catalog = build_catalog([option.parent])
    [entry] = catalog.find("community-manager/brief-creatif")
    assert (entry.file, entry.summary.title, entry.root.kind) == (option, "option", RootKind.USER)
    assert entry.shadows == [str(env), str(user), str(bundled)]
    assert [str(n) for n in catalog.notes] == [
        f"{option}:2:7: note: shadows the user project `community-manager/brief-creatif` in {env}",
        f"{option}:2:7: note: shadows the user project `community-manager/brief-creatif` in {user}",
        f"{option}:2:7: note: shadows the bundled project `community-manager/brief-creatif` in {bundled}",
    ]
    monkeypatch.delenv("SOUTENANCE_BANKS")
    [entry] = build_catalog().find("community-manager/brief-creatif")
    assert (entry.file, entry.shadows) == (user, [str(bundled)])


def test_a_broken_copy_does_not_hide_the_bundled_project(soutenance_home: Path) -> None:
    broken = soutenance_home / "banks" / "brief.yaml"
    broken.parent.mkdir()
    broken.write_text(
        HEADER.format(pid="brief-creatif", title="T") + "    difficulty: 9\n", encoding="utf-8"
    )
    catalog = build_catalog()
    [entry] = catalog.find("community-manager/brief-creatif")
    assert entry.root.kind is RootKind.BUNDLED and entry.shadows == []
    assert [p.file for p in catalog.problems] == [str(broken)]


# --------------------------------------------------------------------------- which files are banks


def test_hidden_files_and_folders_are_skipped_and_yml_is_accepted(tmp_path: Path) -> None:
    root = tmp_path / ".config" / "banks"  # a hidden folder above the root is fine (~/.local/share)
    wanted = [
        write_bank(root / "community-manager", "a.yaml", pid="a"),
        write_bank(root / "community-manager", "b.yml", pid="b"),
        write_bank(root / "deep" / "deeper", "c.yaml", pid="c"),
    ]
    write_bank(root, ".draft.yaml", pid="hidden-file")
    write_bank(root / ".git", "x.yaml", pid="hidden-folder")
    write_bank(root / "deep" / ".old", "y.yml", pid="hidden-subfolder")
    (root / "bank.schema.json").write_text("{}", encoding="utf-8")
    (root / "notes.txt").write_text("project:", encoding="utf-8")
    (root / "folder.yaml").mkdir()
    assert bank_files(root) == sorted(wanted)
    assert bank_files(wanted[1]) == [wanted[1]], "a file given directly is read whatever its name"
    assert bank_files(tmp_path / "missing") == []
    catalog = build_catalog([root])
    mine = sorted(e.summary.project_id for e in catalog.projects if e.root.path == root.resolve())
    assert mine == ["a", "b", "c"]


def test_missing_roots_are_harmless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUTENANCE_BANKS", str(tmp_path / "nowhere"))
    catalog = build_catalog([tmp_path / "missing"])
    assert catalog.problems == [] and catalog.notes == []
    assert {e.root.kind for e in catalog.projects} == {RootKind.BUNDLED}


# --------------------------------------------------------------------------- the index cache


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every file the catalog actually re-reads (instead of taking it from the index)."""
    reads: list[Path] = []
    original = batch.summarize_file

    def spy(path: Path, stat: os.stat_result, **options: bool) -> catalog_module.FileSummary:
        reads.append(path)
        return original(path, stat, **options)

    monkeypatch.setattr(batch, "summarize_file", spy)
    return reads


def test_index_lives_in_the_data_dir_and_spares_unchanged_files(
    tmp_path: Path, soutenance_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml")
    reads = count_reads(monkeypatch)
    build_catalog([bank.parent])
    assert bank in reads
    assert index_file() == soutenance_home / "cache" / "bank-index.json"
    assert str(bank) in indexed_files()
    reads.clear()
    again = build_catalog([bank.parent])
    assert reads == []
    assert again.find("community-manager/p")[0].file == bank


def test_changed_file_of_the_same_size_is_reread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml", title="AAAA")
    assert build_catalog([bank.parent]).find("community-manager/p")[0].summary.title == "AAAA"
    before = bank.stat()
    bank.write_text(bank.read_text(encoding="utf-8").replace("AAAA", "BBBB"), encoding="utf-8")
    os.utime(bank, ns=(before.st_atime_ns, before.st_mtime_ns + 2_000_000_000))  # coarse clocks too
    assert bank.stat().st_size == before.st_size
    reads = count_reads(monkeypatch)
    assert build_catalog([bank.parent]).find("community-manager/p")[0].summary.title == "BBBB"
    assert reads == [bank]


def test_changed_size_with_the_same_mtime_is_reread(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml", title="AAAA")
    build_catalog([bank.parent])
    before = bank.stat()
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("AAAA", "Longer title"), encoding="utf-8"
    )
    os.utime(bank, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (
        build_catalog([bank.parent]).find("community-manager/p")[0].summary.title == "Longer title"
    )


def test_file_that_becomes_invalid_is_a_problem_and_valid_again_loads(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml")
    good = bank.read_text(encoding="utf-8")
    build_catalog([bank.parent])
    bank.write_text(good + "    difficulty: 9\n", encoding="utf-8")
    broken = build_catalog([bank.parent])
    assert broken.find("community-manager/p") == []
    assert [p.file for p in broken.problems] == [str(bank)]
    bank.write_text(good, encoding="utf-8")
    os.utime(bank, ns=(bank.stat().st_atime_ns, bank.stat().st_mtime_ns + 2_000_000_000))
    assert build_catalog([bank.parent]).find("community-manager/p")[0].file == bank


def test_deleted_file_disappears(tmp_path: Path) -> None:
    kept = write_bank(tmp_path / "banks", "kept.yaml", pid="kept")
    gone = write_bank(tmp_path / "banks", "gone.yaml", pid="gone")
    first = build_catalog([kept.parent])
    assert first.find("community-manager/gone") and str(gone) in indexed_files()
    gone.unlink()
    second = build_catalog([kept.parent])
    assert second.find("community-manager/gone") == []
    assert str(gone) not in {s.file for s in second.files}
    assert second.find("community-manager/kept")[0].file == kept
    assert str(gone) not in indexed_files()


CORRUPT = {
    "garbage": b"\x00\xff not json at all",
    "truncated": b'{"version": 2, "files": [{"file": ',
    "empty": b"",
    "old version": b'{"version": 1, "files": []}',
    "files not a list": b'{"version": 2, "files": 7}',
    "entry not a mapping": b'{"version": 2, "files": [["a"]]}',
    "entry missing fields": b'{"version": 2, "files": [{"file": "x"}]}',
    "bad severity": b'{"version": 2, "files": [{"file": "x", "size": 1, "mtime_ns": 1, '
    b'"diagnostics": [{"file": "x", "line": 1, "col": 1, "severity": "fatal", "message": "m"}]}]}',
    "a list": b"[]",
    "null": b"null",
    "a number": b"3",
    "a string": b'"index"',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


def well_formed_index(bank: Path, **wrong: object) -> bytes:
    """A current-version index entry for `bank`, with some fields of the wrong type."""
    stat = bank.stat()
    entry = {
        "file": str(bank), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "diagnostics": [],
        "path_name": "Community Manager", "path_id": "community-manager", "project_id": "p", "title": "T",
        "language": "fr", "question_count": 1, "evaluator_role": "La cliente", "minutes": [15, 10, 5],
        "id_line": 2, "id_col": 7,
    } | wrong  # fmt: skip
    return json.dumps({"version": INDEX_VERSION, "files": [entry]}).encode()


WRONG_TYPES = {
    "title a number": {"title": 5},
    "path name null": {"path_name": None},
    "count a string": {"question_count": "1"},
    "count a boolean": {"question_count": True},
    "minutes a number": {"minutes": 15},
    "minutes of text": {"minutes": ["15", "10", "5"]},
    "diagnostics a mapping": {"diagnostics": {"line": 1}},
    "diagnostic line text": {
        "diagnostics": [{"file": "x", "line": "1", "col": 1, "severity": "error", "message": "m"}]
    },
    "diagnostic line zero": {
        "diagnostics": [{"file": "x", "line": 0, "col": 1, "severity": "error", "message": "m"}]
    },
    "unknown field": {"extra": 1},
}


@pytest.mark.parametrize("wrong", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_well_formed_index_of_wrong_types_is_rebuilt(tmp_path: Path, wrong: dict) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml")
    index_file().parent.mkdir(parents=True, exist_ok=True)
    index_file().write_bytes(well_formed_index(bank, **wrong))
    catalog = build_catalog([bank.parent])
    [entry] = catalog.find("community-manager/p")
    assert (entry.summary.title, entry.summary.question_count, entry.summary.minutes) == (
        "T",
        1,
        (15, 10, 5),
    )
    rebuilt = read_index(index_file())[str(bank)]
    assert (rebuilt.title, rebuilt.question_count, rebuilt.minutes) == ("T", 1, (15, 10, 5))


def test_a_right_index_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml")
    build_catalog([bank.parent])
    reads = count_reads(monkeypatch)
    index_file().write_bytes(well_formed_index(bank, title="From the index"))
    assert (
        build_catalog([bank.parent]).find("community-manager/p")[0].summary.title
        == "From the index"
    )
    assert bank not in reads


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_index_is_ignored_and_rewritten(tmp_path: Path, content: bytes) -> None:
    bank = write_bank(tmp_path / "banks", "b.yaml")
    expected = build_catalog([bank.parent], use_cache=False)
    index_file().parent.mkdir(parents=True, exist_ok=True)
    index_file().write_bytes(content)
    catalog = build_catalog([bank.parent])
    assert [e.ref for e in catalog.projects] == [e.ref for e in expected.projects]
    assert [str(d) for d in catalog.diagnostics()] == [str(d) for d in expected.diagnostics()]
    assert str(bank) in indexed_files(), "the next start has a good index again"


def test_unwritable_data_dir_only_costs_speed(tmp_path: Path, soutenance_home: Path) -> None:
    (soutenance_home / "cache").write_text(
        "a file where the cache folder should be", encoding="utf-8"
    )
    bank = write_bank(tmp_path / "banks", "b.yaml")
    for _ in range(2):
        assert build_catalog([bank.parent]).find("community-manager/p")[0].file == bank
