"""Lint warnings, shadowing between roots, the bundled banks and the generated schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soutenance import paths
from soutenance.banks import batch
from soutenance.banks.catalog import build_catalog, catalog_of_roots
from soutenance.banks.discovery import BankRoot, RootKind
from soutenance.banks.lint import lint_file, summarize
from soutenance.banks.schema import schema_text
from soutenance.banks.similarity import near_duplicates

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
    assert [str(d) for d in catalog.diagnostics()] == []
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


# --------------------------------------------------------------------------- warnings a jury cares about

KP = "    key_points: [a, b]\n"


def warnings_of(path: Path) -> list[str]:
    return [str(d) for d in lint_file(path, display=path.name).diagnostics]


def test_key_points_between_two_and_six(tmp_path: Path) -> None:
    seven = ", ".join("abcdefg")
    questions = (
        "  - id: one\n    text: Pourquoi ce canal ?\n    key_points: [a]\n"
        "  - id: two\n    text: Quel budget pour la campagne ?\n" + KP
        + f"  - id: six\n    text: Quel calendrier de validation ?\n    key_points: [{seven[:-3]}]\n"
        + f"  - id: seven\n    text: Combien de jalons avec l'agence ?\n    key_points: [{seven}]\n"
    )  # fmt: skip
    assert warnings_of(bank(tmp_path, "b.yaml", questions)) == [
        "b.yaml:10:17: warning: question `one` has only 1 key point: give it 2 to 6 checkable criteria",
        "b.yaml:19:17: warning: question `seven` has 7 key points: keep 2 to 6, one checkable "
        "criterion each",
    ]


def test_follow_ups_without_key_points(tmp_path: Path) -> None:
    questions = (
        "  - id: q\n    text: Pourquoi ce canal ?\n" + KP + "    follow_ups:\n"
        "      - Et si le budget baisse ?\n"
        "      - text: Qui valide ?\n        key_points: [Le circuit, Les délais]\n"
        "      - text: Et après ?\n"
    )  # fmt: skip
    assert warnings_of(bank(tmp_path, "b.yaml", questions)) == [
        "b.yaml:12:9: warning: follow-up 1 of question `q` has no key points",
        "b.yaml:15:9: warning: follow-up 3 of question `q` has no key points",
    ]


def test_a_hard_question_gets_at_least_the_time_of_a_usual_one(tmp_path: Path) -> None:
    questions = (
        "  - id: usual\n    text: Quel budget pour la campagne ?\n" + KP
        + "    difficulty: 2\n    time_limit: 2m\n"
        "  - id: hard\n    text: Comment justifiez-vous ce canal ?\n" + KP
        + "    difficulty: 3\n    time_limit: 90\n"
        "  - id: hard-default\n    text: Que faites-vous si la cible change ?\n" + KP
        + "    difficulty: 3\n"
        "  - id: hard-ok\n    text: Quel risque voyez-vous ?\n" + KP
        + "    difficulty: 3\n    time_limit: 1:00  # une réponse réflexe : le jury coupe à une minute\n"
        "  - id: easy\n    text: Quel est votre public ?\n" + KP + "    difficulty: 1\n    time_limit: 30\n"
    )  # fmt: skip
    found = warnings_of(bank(tmp_path, "b.yaml", questions))
    assert found == [
        "b.yaml:17:17: warning: question `hard` (difficulty 3) has less time (90 s) than `usual` "
        "(difficulty 2, 120 s, line 8): give it at least as much, or say why in a comment on its "
        "`time_limit` line",
        "b.yaml:18:5: warning: question `hard-default` (difficulty 3) has less time (90 s) than `usual` "
        "(difficulty 2, 120 s, line 8): give it at least as much, or say why in a comment on its "
        "`time_limit` line",
    ]


def test_a_hash_inside_a_quoted_time_limit_is_no_comment(tmp_path: Path) -> None:
    questions = (
        "  - id: usual\n    text: Quel budget pour la campagne ?\n" + KP + "    time_limit: 120\n"
        "  - id: hard\n    text: Quel risque voyez-vous ?\n" + KP
        + "    difficulty: 3\n    time_limit: '60'\n"
    )  # fmt: skip
    assert [
        w.split(": warning: ")[1][:15] for w in warnings_of(bank(tmp_path, "b.yaml", questions))
    ] == ["question `hard`"]


def lint_folder(folder: Path) -> list[str]:
    catalog = catalog_of_roots([BankRoot(folder, RootKind.USER)], across_projects=True)
    return [str(d) for d in catalog.diagnostics()]


def test_projects_of_a_path_are_checked_against_each_other(tmp_path: Path) -> None:
    shared = "    text: Quels livrables attendez-vous de l'agence et pour quand ?\n" + KP
    first = bank(tmp_path / "cm", "a.yaml", "  - id: livrables\n" + shared + "  - id: budget\n"
                 "    text: Quel budget ?\n" + KP, pid="a")  # fmt: skip
    second = bank(tmp_path / "cm", "b.yaml", "  - id: budget\n    text: Combien coûte la campagne ?\n" + KP
                  + "  - id: attentes\n    text: Quels livrables attendez-vous de l'agence, et pour quand donc ?\n"
                  + KP, pid="b")  # fmt: skip
    other_path = bank(tmp_path / "dm", "c.yaml", "  - id: livrables\n" + shared, pid="c")
    other_path.write_text(
        other_path.read_text(encoding="utf-8").replace("Community Manager", "Digital")
    )
    assert lint_folder(tmp_path) == [
        f"{second}:8:9: warning: question id `budget` is also used by project `a` of this path "
        f"(also at {first}:11:9)",
        f"{second}:12:11: warning: question `attentes` is nearly the same as `livrables` of project `a` "
        f"(also at {first}:9:11)",
    ]


def test_a_shadowed_copy_is_not_a_duplicate_of_its_original(tmp_path: Path) -> None:
    questions = "  - id: q\n    text: Quels livrables attendez-vous de l'agence ?\n" + KP
    bank(tmp_path / "user", "p.yaml", questions, pid="p")
    bank(tmp_path / "bundled", "p.yaml", questions, pid="p")
    roots = [
        BankRoot(tmp_path / "user", RootKind.USER),
        BankRoot(tmp_path / "bundled", RootKind.BUNDLED),
    ]
    catalog = catalog_of_roots(roots, across_projects=True)
    assert [d.severity for d in catalog.diagnostics()] == ["note"]


def test_many_files_linted_in_parallel_say_what_one_process_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(24):
        questions = "".join(
            f"  - id: q{index}\n    text: Question {index} du projet {number} sur le canal {index % 3} ?\n"
            + ("    key_points: [a]\n" if index % 4 else KP)
            for index in range(12)
        )
        bank(tmp_path / f"folder{number % 3}", f"p{number}.yaml", questions, pid=f"p{number}")
    read_here: list[Path] = []
    original = batch.summarize_file

    def spy(path: Path, *args: object, **options: bool) -> object:
        read_here.append(path)  # in a forked worker, this list is the worker's copy
        return original(path, *args, **options)

    monkeypatch.setattr(batch, "summarize_file", spy)
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 10**12)
    alone = lint_folder(tmp_path)
    assert len(read_here) == 24
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 0)
    read_here.clear()
    assert lint_folder(tmp_path) == alone
    assert read_here == [], "the files were read by other processes"
    assert any("is also used by project" in line for line in alone)
    assert any("has only 1 key point" in line for line in alone)
