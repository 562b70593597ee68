"""Editing banks safely: ids, validation, conflicts, atomic writes, bundled banks, clear refusals."""

from __future__ import annotations

import difflib
import errno
import shutil
import tempfile
from pathlib import Path

import pytest

from soutenance import files as atomic
from soutenance import paths
from soutenance.banks.catalog import build_catalog
from soutenance.banks.editing import (
    BankChanged,
    BankDocument,
    BankWriteError,
    BundledBank,
    CopyExists,
    FollowUpDraft,
    InvalidEdit,
    NotABank,
    NotEditable,
    QuestionDraft,
    QuestionNotFound,
    check_draft,
    copy_to_user,
    create_bank,
    follow_ups_from_lines,
    new_question_id,
    split_lines,
)
from soutenance.banks.lint import lint_file

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"
HEADER = "project:\n  id: p\n  title: T\n  path: Community Manager\n  language: fr\n  evaluator_role: La cliente\n"


def bank(tmp_path: Path, questions: str, name: str = "bank.yaml", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_bytes((header + questions).encode("utf-8"))
    return path


def commented(tmp_path: Path) -> Path:
    path = tmp_path / "commented.yaml"
    shutil.copy(AUTHORING / "commented.yaml", path)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- Ids ----------------------------------------------------------------------------------------


def test_new_ids_come_from_significant_words_and_are_unique() -> None:
    text = "Votre charte de modération liste ce qui est interdit. Où passe la frontière ?"
    assert new_question_id(text) == "charte-moderation-liste-interdit"
    assert (
        new_question_id(text, {"charte-moderation-liste-interdit"})
        == "charte-moderation-liste-interdit-2"
    )
    taken = {"charte-moderation-liste-interdit", "charte-moderation-liste-interdit-2"}
    assert new_question_id(text, taken) == "charte-moderation-liste-interdit-3"
    assert new_question_id("What is your KPI for the launch?") == "kpi-launch"
    assert new_question_id("?!") == "question"


def test_added_question_gets_a_unique_id_in_its_project(tmp_path: Path) -> None:
    path = bank(
        tmp_path,
        "questions:\n  - id: budget-trimestre\n    text: Un budget ?\n    key_points: [a]\n",
    )
    doc = BankDocument.open(path)
    assert (
        doc.add_question(QuestionDraft(text="Quel budget pour le trimestre ?", key_points=["x"]))
        == "budget-trimestre-2"
    )


# --- Validation ---------------------------------------------------------------------------------


def test_an_edit_that_lint_would_reject_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = bank(tmp_path, "questions:\n  - id: q\n    text: Pourquoi ?\n    key_points: [a]\n")
    before = path.read_bytes()
    doc = BankDocument.open(path)
    with pytest.raises(InvalidEdit, match="difficulty"):
        doc.add_question(QuestionDraft(text="Et ensuite ?", difficulty=7))
    with pytest.raises(InvalidEdit, match="id"):
        doc.add_question(QuestionDraft(text="Et ensuite ?", id="Pas Un Id"))
    with pytest.raises(InvalidEdit, match="already used"):
        doc.add_question(QuestionDraft(text="Et ensuite ?", id="q"))
    with pytest.raises(InvalidEdit, match="time_limit"):
        doc.update_question("q", QuestionDraft(text="Pourquoi ?", time_limit="demain"))
    assert not doc.dirty
    assert not doc.save().written
    assert path.read_bytes() == before


def test_a_bank_with_errors_is_never_written(tmp_path: Path) -> None:
    path = bank(tmp_path, "questions:\n  - id: q\n    text: Pourquoi ?\n    difficulty: 9\n")
    doc = BankDocument.open(path)
    assert doc.bank is None and doc.diagnostics
    with pytest.raises(InvalidEdit) as refused:
        doc.add_question(QuestionDraft(text="Une autre question ?"))
    assert any("difficulty" in str(d) for d in refused.value.diagnostics)
    with pytest.raises(NotABank, match="fix them first"):
        doc.question("q")


def test_check_draft_reports_field_errors_and_warnings(tmp_path: Path) -> None:
    doc = BankDocument.open(commented(tmp_path))
    check = doc.check(
        QuestionDraft(text="  ", difficulty="5", time_limit="bientôt", key_points=["x" * 2001])
    )
    fields = {(p.field, p.index) for p in check.errors}
    assert {("text", None), ("difficulty", None), ("time_limit", None), ("key_points", 0)} <= fields
    messages = {p.field: p.message for p in check.errors}
    assert messages["difficulty"] == "1 (easy), 2 (usual) or 3 (hard)"
    assert "is not a duration" in messages["time_limit"]

    close = doc.check(
        QuestionDraft(text="La vidéo a 200 000 vues : que faites-vous dans la première heure ?")
    )
    assert close.ok
    assert [s.question_id for s in close.similar] == ["premiere-heure"]
    assert {w.field for w in close.warnings} == {"key_points", "text"}
    # Editing a question is not a near-duplicate of itself
    itself = doc.check(
        QuestionDraft.from_question(doc.question("premiere-heure")), editing="premiere-heure"
    )
    assert itself.ok and not itself.similar and itself.question_id == "premiere-heure"


def test_check_draft_without_a_bank_still_applies_the_rules() -> None:
    check = check_draft(QuestionDraft(text="Pourquoi ?", tags=["x" * 41]), None)
    assert [(p.field, p.index) for p in check.errors] == [("tags", 0)]


def test_save_reports_near_duplicates_of_the_saved_question(tmp_path: Path) -> None:
    path = commented(tmp_path)
    doc = BankDocument.open(path)
    new_id = doc.add_question(
        QuestionDraft(text="La vidéo a 200 000 vues. Que faites-vous pendant la première heure ?")
    )
    result = doc.save()
    assert result.written
    assert [s.question_id for s in result.similar[new_id]] == ["premiere-heure"]
    assert any("nearly the same" in d.message for d in result.warnings)


def test_follow_up_lines_keep_the_key_points_of_unchanged_follow_ups(tmp_path: Path) -> None:
    doc = BankDocument.open(commented(tmp_path))
    question = doc.question("delais-reponse")
    drafts = follow_ups_from_lines(
        ["Qui paie ces astreintes ?", "", "Et le dimanche ?"], question.follow_ups
    )
    assert drafts == [
        FollowUpDraft("Qui paie ces astreintes ?", ["Coût comparé au risque d'image"]),
        FollowUpDraft("Et le dimanche ?", []),
    ]


# --- Atomic writes and conflicts ----------------------------------------------------------------


def test_a_crash_during_the_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    doc = BankDocument.open(path)
    doc.add_question(
        QuestionDraft(text="Une question qui ne sera jamais écrite ?", key_points=["a"])
    )

    def crash(*_args: object) -> None:
        raise OSError(errno.EIO, "simulated crash")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(BankWriteError, match="simulated crash"):
        doc.save()
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
    assert doc.dirty  # the edit is still there, to save again
    monkeypatch.undo()
    assert doc.save().written
    assert b"jamais" in path.read_bytes()


def test_a_crash_while_writing_the_bytes_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    doc = BankDocument.open(path)
    doc.delete_question("delais-reponse")

    def failing_fsync(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(BankWriteError, match="No space left"):
        doc.save()
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a")
    path.chmod(0o640)
    atomic.atomic_write(path, b"b")
    assert path.read_bytes() == b"b"
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_file_changed_on_disk_is_never_overwritten(tmp_path: Path) -> None:
    path = commented(tmp_path)
    doc = BankDocument.open(path)
    doc.add_question(QuestionDraft(text="Ma question à moi ?", key_points=["a"]))
    theirs = path.read_text(encoding="utf-8").replace(
        "Dernière relecture : mars", "Dernière relecture : avril"
    )
    path.write_text(theirs, encoding="utf-8")
    with pytest.raises(BankChanged, match="changed on disk"):
        doc.save()
    assert path.read_text(encoding="utf-8") == theirs
    assert "Ma question à moi ?" in doc.text  # the edit is kept
    fresh = doc.reload()
    fresh.add_question(QuestionDraft(text="Ma question à moi ?", key_points=["a"]))
    fresh.save()
    saved = path.read_text(encoding="utf-8")
    assert "avril" in saved and "Ma question à moi ?" in saved


def test_a_deleted_file_is_reported_as_changed(tmp_path: Path) -> None:
    path = commented(tmp_path)
    doc = BankDocument.open(path)
    doc.delete_question("premiere-heure")
    path.unlink()
    with pytest.raises(BankChanged, match="deleted or moved"):
        doc.save()


# --- Clear messages -----------------------------------------------------------------------------


def test_read_only_folder_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    doc = BankDocument.open(path)
    doc.delete_question("premiere-heure")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # root ignores chmod: simulate the refusal
    with pytest.raises(BankWriteError, match="is read-only"):
        doc.save()
    assert path.read_bytes() == before


def test_new_bank_under_a_file_or_in_a_missing_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(BankWriteError, match="is a file"):
        create_bank(
            "cm/veille", title="Veille", language="fr", path_name="CM", folder=blocker / "banks"
        )
    created = create_bank(
        "cm/veille", title="Veille", language="fr", path_name="CM", folder=tmp_path / "a" / "b"
    )
    assert created == tmp_path / "a" / "b" / "veille.yaml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "not a bank: this is a binary file"),
        (b"- just\n- a list\n", "not a bank"),
        (b"key: [unclosed\n", "invalid YAML"),
        (b"title: hello\n", "neither `project` nor `questions`"),
        ("\u00e9t\u00e9".encode("latin-1"), "not a bank: invalid UTF-8"),
    ],
)
def test_a_file_that_is_not_a_bank_is_refused_clearly(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    with pytest.raises(NotABank, match=message):
        BankDocument.open(path)


def test_missing_file_and_folder_are_clear(tmp_path: Path) -> None:
    with pytest.raises(NotABank, match="no such bank file"):
        BankDocument.open(tmp_path / "nope.yaml")
    with pytest.raises(NotABank, match="is a folder"):
        BankDocument.open(tmp_path)


def test_unknown_question_lists_the_known_ones(tmp_path: Path) -> None:
    doc = BankDocument.open(commented(tmp_path))
    with pytest.raises(QuestionNotFound, match="premiere-heure"):
        doc.question("inconnue")


def test_flow_style_question_list_is_not_edited(tmp_path: Path) -> None:
    path = bank(tmp_path, "questions: [{id: q, text: Pourquoi ?, key_points: [a]}]\n")
    with pytest.raises(NotEditable, match="flow list"):
        BankDocument.open(path)


# --- Bundled banks ------------------------------------------------------------------------------


def test_bundled_banks_are_never_modified_in_place() -> None:
    path = paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml"
    before = path.read_bytes()
    doc = BankDocument.open(path)
    assert doc.bundled
    doc.add_question(QuestionDraft(text="Une question ajoutée au bundle ?", key_points=["a"]))
    with pytest.raises(BundledBank, match="Copy the project to your bank"):
        doc.save()
    assert path.read_bytes() == before


def test_copy_to_user_shadows_the_bundled_project(tmp_path: Path) -> None:
    bundled = paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml"
    copied = copy_to_user(bundled)
    assert copied == paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    original, copy = bundled.read_bytes().splitlines(True), copied.read_bytes().splitlines(True)
    assert copy[1:] == original[1:]
    assert copy[0].startswith(b"# yaml-language-server: $schema=") and copy[0].rstrip().endswith(
        b"bank.schema.json"
    )
    assert not lint_file(copied).errors
    entry = build_catalog(use_cache=False).find("community-manager/gestion-crise")[0]
    assert entry.file == copied and str(bundled.resolve()) in entry.shadows
    with pytest.raises(CopyExists) as exists:
        copy_to_user(bundled)
    assert exists.value.path == copied
    doc = BankDocument.open(copied)
    doc.add_question(QuestionDraft(text="Une question à nous ?", key_points=["a"]))
    assert doc.save().written


# --- Layouts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "empty", ["questions: []\n", "questions:\n", "questions: ~  # none yet\n", ""]
)
def test_first_question_of_an_empty_bank(tmp_path: Path, empty: str) -> None:
    path = bank(tmp_path, empty)
    doc = BankDocument.open(path)
    doc.add_question(QuestionDraft(text="Pourquoi ce projet ?", key_points=["Contexte"]))
    doc.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert (
        '  - id: projet\n    text: "Pourquoi ce projet ?"\n    key_points:\n      - Contexte\n'
        in text
    )
    assert lint_file(path).ok


def test_crlf_bom_and_missing_final_newline_are_kept(tmp_path: Path) -> None:
    text = "\ufeff" + (
        HEADER + "questions:\n  - id: q\n    text: Pourquoi ?\n    key_points: [a]"
    ).replace("\n", "\r\n")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.encode("utf-8"))
    doc = BankDocument.open(path)
    doc.add_question(QuestionDraft(text="Et ensuite ?", key_points=["b"]))
    doc.save()
    data = path.read_bytes()
    assert data.startswith(text.encode("utf-8"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"    key_points: [b]\r\n    difficulty: 2\r\n    time_limit: 90\r\n")


def test_delete_asks_for_confirmation_when_the_question_has_history(tmp_path: Path) -> None:
    path = commented(tmp_path)
    doc = BankDocument.open(path)
    answered = {"premiere-heure"}
    pending = doc.delete_question("premiere-heure", has_history=answered.__contains__)
    assert pending.needs_confirmation and not pending.deleted
    assert not doc.dirty
    assert doc.delete_question("delais-reponse", has_history=answered.__contains__).deleted
    done = doc.delete_question("premiere-heure", has_history=answered.__contains__, confirmed=True)
    assert done.deleted and done.needs_confirmation
    doc.save()
    bank_after = BankDocument.open(path).bank
    assert bank_after is not None
    assert [q.id for q in bank_after.questions] == ["frontiere-moderation", "supprimer-negatifs"]


def test_moving_a_question_whose_id_is_taken_gives_it_a_new_id(tmp_path: Path) -> None:
    from soutenance.banks.editing import move_question

    source = BankDocument.open(commented(tmp_path))
    target_path = bank(
        tmp_path,
        "questions:\n  - id: delais-reponse\n    text: Autre ?\n    key_points: [a]\n",
        "t.yaml",
    )
    target = BankDocument.open(target_path)
    result = move_question(source, "delais-reponse", target)
    assert result.question_id == "delais-reponse-engagez-tenir"
    assert BankDocument.open(tmp_path / "commented.yaml").bank.question("delais-reponse") is None


def test_every_bundled_question_can_be_edited_alone(tmp_path: Path) -> None:
    """For each bundled bank, re-reading each question through ruamel gives its exact lines, and
    editing its text changes only its own lines."""
    from soutenance.banks.editing.render import _load_item, _render

    for source in sorted(paths.bundled_banks_dir().rglob("*.yaml")):
        path = tmp_path / source.name
        shutil.copy(source, path)
        doc = BankDocument.open(path)
        layout = doc._layout
        for span in layout.items:
            original = [line.rstrip("\r\n") for line in layout.lines[span.start : span.end + 1]]
            assert _render(_load_item(layout, span), layout.style) == original, (
                f"{source}:{span.start + 1}"
            )
        bank_before = doc.bank
        assert bank_before is not None
        question = bank_before.questions[len(bank_before.questions) // 2]
        draft = QuestionDraft.from_question(question)
        draft.text = question.text + " Soyez précis."
        doc.update_question(question.id, draft)
        span = layout.items[bank_before.questions.index(question)]
        before, after = split_lines(source.read_text(encoding="utf-8")), split_lines(doc.text)
        tail = len(before) - span.end - 1
        assert after[: span.start] == before[: span.start], source
        assert after[len(after) - tail :] == before[len(before) - tail :], source
        # The edited text may wrap onto one more line; count touched lines, not shifted ones.
        edit = difflib.SequenceMatcher(
            a=before[span.start : span.end + 1], b=after[span.start : len(after) - tail]
        )
        touched = (
            max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in edit.get_opcodes() if op != "equal"
        )
        assert sum(touched) <= 2
        assert doc.bank.question(question.id).text.endswith("Soyez précis.")


def test_new_bank_from_the_template(tmp_path: Path) -> None:
    created = create_bank("community-manager/veille", title="Organisez une veille", language="fr")
    assert created == paths.user_banks_dir() / "community-manager" / "veille.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# Chaque question :" in text
    result = lint_file(created)
    assert result.ok
    assert result.bank.project.path == "Community manager"
    assert [d.message for d in result.diagnostics] == ["the project has no questions yet"]
    with pytest.raises(InvalidEdit, match="already exists"):
        create_bank("community-manager/veille", title="Encore", language="fr")
    with pytest.raises(InvalidEdit, match="gives the path id"):
        create_bank("cm/x", title="X", language="en", path_name="Digital Marketer")
    with pytest.raises(InvalidEdit, match="PATH_ID/PROJECT_ID"):
        create_bank("veille", title="X", language="en")
    english = create_bank(
        "digital-marketer/launch", title="Launch", language="en", folder=tmp_path / "mine"
    )
    assert "# Each question:" in english.read_text(encoding="utf-8")
    assert lint_file(english).ok
