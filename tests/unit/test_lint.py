"""Lint warnings, shadowing between roots, the bundled banks and the generated schema."""

from __future__ import annotations

import json
from pathlib import Path

from soutenance import paths
from soutenance.banks.catalog import build_catalog, catalog_of_roots
from soutenance.banks.discovery import BankRoot, RootKind
from soutenance.banks.lint import lint_file, summarize
from soutenance.banks.schema import schema_text
from soutenance.banks.similarity import near_duplicates
from tests.unit.pending_content import is_pending

HEADER = (
    "project:\n  id: {pid}\n  title: T\n  path: Community Manager\n  language: fr\n"
    "  evaluator_role: La cliente\nquestions:\n"
)


def bank(folder: Path, name: str, questions: str, pid: str = "p") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER.format(pid=pid) + questions, encoding="utf-8")
    return path


def test_question_without_key_points_warns(tmp_path: Path) -> None:
    path = bank(tmp_path, "b.yaml", "  - id: q\n    text: Pourquoi ce canal ?\n")
    messages = [str(d) for d in lint_file(path, display="b.yaml").diagnostics]
    assert messages == ["b.yaml:8:5: warning: question `q` has no key points"]


def test_near_duplicate_texts_warn_on_the_later_one(tmp_path: Path) -> None:
    questions = (
        "  - id: a\n    text: Quels livrables attendez-vous de l'agence et pour quand ?\n    key_points: [x, y]\n"
        "  - id: b\n    text: Comment mesurez-vous le succès ?\n    key_points: [x, y]\n"
        "  - id: c\n    text: Quels livrables attendez-vous de l'agence, et pour quand donc ?\n    key_points: [x, y]\n"
    )
    messages = [
        str(d) for d in lint_file(bank(tmp_path, "b.yaml", questions), display="b.yaml").diagnostics
    ]
    assert len(messages) == 1
    assert messages[0].startswith(
        "b.yaml:15:11: warning: question `c` is nearly the same as `a` (line 9)"
    )


def test_near_duplicates_ignores_different_questions() -> None:
    texts = ["Pourquoi ce canal ?", "Pourquoi ce budget ?", "Quel calendrier de validation ?"]
    assert near_duplicates(texts) == []


def test_user_copy_shadows_bundled_and_lint_says_so(tmp_path: Path) -> None:
    user = bank(
        tmp_path / "user",
        "mine.yaml",
        "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n",
        pid="p",
    )
    bundled = bank(
        tmp_path / "bundled",
        "theirs.yaml",
        "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n",
        pid="p",
    )
    roots = [
        BankRoot(tmp_path / "user", RootKind.USER),
        BankRoot(tmp_path / "bundled", RootKind.BUNDLED),
    ]
    catalog = catalog_of_roots(roots, use_cache=False)
    assert [e.file for e in catalog.projects] == [user]
    assert catalog.projects[0].shadows == [str(bundled)]
    notes = [str(d) for d in catalog.notes]
    assert notes == [
        f"{user}:2:7: note: shadows the bundled project `community-manager/p` in {bundled}"
    ]


def test_same_project_twice_in_one_root_is_an_error(tmp_path: Path) -> None:
    bank(tmp_path, "a.yaml", "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n")
    second = bank(tmp_path, "b.yaml", "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n")
    catalog = catalog_of_roots([BankRoot(tmp_path, RootKind.USER)], use_cache=False)
    errors = [str(d) for d in catalog.diagnostics() if d.is_error]
    assert errors == [
        f"{second}:2:7: error: project `p` of path `Community Manager` is already defined in {tmp_path / 'a.yaml'}"
    ]


def test_every_bundled_bank_is_clean() -> None:
    root = BankRoot(paths.bundled_banks_dir(), RootKind.BUNDLED)
    catalog = catalog_of_roots([root], use_cache=False, across_projects=True)
    assert [str(d) for d in catalog.diagnostics() if not is_pending(d)] == []
    by_path = catalog.by_path()
    assert set(by_path) == {
        "Community Manager",
        "Responsable marketing et communication",
        "Digital Marketer",
    }
    languages = {
        "Community Manager": "fr",
        "Responsable marketing et communication": "fr",
        "Digital Marketer": "en",
    }
    for path_name, entries in by_path.items():
        assert len(entries) >= 4, path_name
        for entry in entries:
            assert entry.summary.language == languages[path_name]
            assert entry.summary.question_count >= 12, entry.ref


def test_bundled_questions_are_challenges_with_key_points_and_follow_ups() -> None:
    catalog = catalog_of_roots(
        [BankRoot(paths.bundled_banks_dir(), RootKind.BUNDLED)], use_cache=False
    )
    for entry in catalog.projects:
        for question in catalog.load(entry).questions:
            assert len(question.key_points) >= 3, (entry.ref, question.id)
            assert question.follow_ups, (entry.ref, question.id)
    brief = catalog.load(catalog.find("community-manager/brief-creatif")[0])
    probed = " ".join(q.text + " ".join(q.key_points) for q in brief.questions).lower()
    for theme in ("livrable", "valid", "jalon", "délai"):
        assert theme in probed


def test_bundled_banks_carry_the_schema_modeline() -> None:
    for path in sorted(paths.bundled_banks_dir().rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../bank.schema.json", path


def test_shipped_schema_is_the_generated_one() -> None:
    shipped = (paths.bundled_banks_dir() / "bank.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text()
    schema = json.loads(shipped)
    assert set(schema["properties"]) == {"project", "questions"}


def test_catalog_cache_rereads_a_changed_file(tmp_path: Path) -> None:
    folder = tmp_path / "banks"
    path = bank(folder, "b.yaml", "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n")
    first = build_catalog([folder])
    assert first.find("community-manager/p")[0].summary.question_count == 1
    path.write_text(
        path.read_text(encoding="utf-8") + "  - id: r\n    text: Combien ?\n    key_points: [a]\n",
        encoding="utf-8",
    )
    second = build_catalog([folder])
    assert second.find("community-manager/p")[0].summary.question_count == 2
    path.write_text("nope: [", encoding="utf-8")
    third = build_catalog([folder])
    assert [p.file for p in third.problems] == [str(path)]


def test_summarize_counts() -> None:
    assert summarize([]) == (0, 0)


def test_schema_accepts_plain_text_follow_ups() -> None:
    follow_up = json.loads(schema_text())["$defs"]["FollowUp"]
    assert {"type": "string", "minLength": 1, "maxLength": 2000} in follow_up["anyOf"]


def test_a_file_reached_from_two_roots_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "banks" / "cm"
    bank(folder, "b.yaml", "  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n")
    roots = [BankRoot(folder, RootKind.USER), BankRoot(tmp_path / "banks", RootKind.USER)]
    catalog = catalog_of_roots(roots, use_cache=False)
    assert len(catalog.files) == 1
    assert catalog.notes == [] and catalog.projects[0].shadows == []
