"""`soutenance student merge|reassign` and the warnings of `student add|edit`, through the real
click group; and the new messages in French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.cli import sessions as session_commands
from soutenance.exports.session_json import session_to_json_text
from soutenance.store import open_store
from tests.samples import sample_session


def invoke(*args: str | Path, lang: str = "en", input: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--lang", lang, *map(str, args)], input=input, catch_exceptions=False
    )


def read(work):
    store = open_store(paths.database_path(), mode="read")
    try:
        return work(store)
    finally:
        store.close()


def dump() -> list[str]:
    return read(lambda store: list(store.db.conn.iterdump()))


def imported(tmp_path: Path, student: str, seed: int, objectives: int = 0) -> str:
    """A session of `student` imported by the mentor; its id."""
    session = sample_session(student, seed=seed, questions=2, objectives=objectives)
    path = tmp_path / f"{student}-{seed}.json"
    path.write_text(session_to_json_text(session), encoding="utf-8")
    assert invoke("import", path).exit_code == 0
    return session.id


def student_names() -> list[str]:
    return [s.name for s in read(lambda s: s.roster.list_students(include_archived=True))]


# --------------------------------------------------------------------------- merge


def test_merge_moves_sessions_and_objectives_and_removes_the_first(tmp_path: Path) -> None:
    imported(tmp_path, "Lea Dubois", 1, objectives=2)
    imported(tmp_path, "Lea Dubois", 2)
    kept = imported(tmp_path, "Léa Dubois", 3)
    result = invoke("student", "merge", "lea dubois", "Léa Dubois", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "merged 'Lea Dubois' into 'Léa Dubois': 2 session(s) moved with their objectives; "
        "'Léa Dubois' now has 3 session(s)\n"
    )
    assert student_names() == ["Léa Dubois"]
    sessions = read(lambda s: s.list_sessions("Léa Dubois"))
    assert len(sessions) == 3 and kept in {s.id for s in sessions}
    assert len(read(lambda s: s.roster.open_objectives("Léa Dubois"))) == 2


def test_merge_asks_first_and_a_no_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(tmp_path, "Lea Dubois", 1, objectives=1)
    imported(tmp_path, "Léa Dubois", 2)
    before = dump()
    monkeypatch.setattr(session_commands, "_can_ask", lambda: True)
    question = (
        "Merge 'Lea Dubois' (1 session(s), 1 open objective(s)) into 'Léa Dubois' (1 session(s))?"
        " 'Lea Dubois' leaves the roster"
    )
    refused = invoke("student", "merge", "Lea Dubois", "Léa Dubois", input="n\n")
    assert refused.exit_code == 1 and question in refused.stdout
    assert dump() == before
    accepted = invoke("student", "merge", "Lea Dubois", "Léa Dubois", input="y\n")
    assert accepted.exit_code == 0 and "1 session(s) moved" in accepted.stdout
    assert student_names() == ["Léa Dubois"]


def test_merge_without_a_terminal_needs_yes(tmp_path: Path) -> None:
    imported(tmp_path, "Lea Dubois", 1)
    invoke("student", "add", "Léa Dubois")
    before = dump()
    result = invoke("student", "merge", "Lea Dubois", "Léa Dubois")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("Add --yes to merge (no terminal to ask).")
    assert dump() == before


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("Nobody", "Sam"), "no student named 'Nobody' in the roster"),
        (("Sam", "Nobody"), "no student named 'Nobody' in the roster"),
        (("sam ", "SAM"), "'sam ' and 'SAM' are the same student; nothing was changed"),
    ],
)
def test_merge_refusals_are_one_line(names: tuple[str, str], message: str) -> None:
    invoke("student", "add", "Sam")
    before = dump()
    result = invoke("student", "merge", *names, "--yes")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert message in line
    assert dump() == before


# --------------------------------------------------------------------------- reassign


def test_reassign_files_one_session_under_another_student(tmp_path: Path) -> None:
    moved = imported(tmp_path, "zoe", 1)
    invoke("student", "add", "Zoé Martin")
    result = invoke("student", "reassign", moved[:8], "zoé martin")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"session {moved[:12]} filed under 'Zoé Martin' (it was under 'zoe')\n"
    assert result.stderr == (
        "note: 'zoe' has no session left; if the name was a misspelling: "
        "`soutenance student archive zoe`\n"
    )
    assert read(lambda s: s.load_session(moved).student) == "Zoé Martin"
    again = invoke("student", "reassign", moved, "Zoé Martin")
    assert again.exit_code == 0 and "already filed under 'Zoé Martin'" in again.stdout


def test_reassign_keeps_quiet_about_a_student_with_sessions_left(tmp_path: Path) -> None:
    moved = imported(tmp_path, "zoe", 1)
    imported(tmp_path, "zoe", 2)
    invoke("student", "add", "Zoé Martin")
    result = invoke("student", "reassign", moved, "Zoé Martin")
    assert result.exit_code == 0 and result.stderr == ""


def test_reassign_to_an_unknown_student_or_session_changes_nothing(tmp_path: Path) -> None:
    moved = imported(tmp_path, "zoe", 1)
    before = dump()
    unknown_name = invoke("student", "reassign", moved, "Zoe Martin")
    assert unknown_name.exit_code == 1
    assert "no student named 'Zoe Martin' in the roster" in unknown_name.stderr
    unknown_session = invoke("student", "reassign", "ffffffff", "zoe")
    assert unknown_session.exit_code == 1 and "no session 'ffffffff'" in unknown_session.stderr
    assert dump() == before


# --------------------------------------------------------------------------- add / edit


def test_an_exact_duplicate_is_refused_naming_the_student_there() -> None:
    invoke("student", "add", "Camille Roux")
    result = invoke("student", "add", "camille   ROUX")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: a student named 'Camille Roux' is already in the roster (names compare without"
        " case or extra spaces); nothing was changed"
    ]
    invoke("student", "archive", "Camille Roux")
    archived = invoke("student", "add", "CAMILLE ROUX")
    assert archived.exit_code == 1
    assert "'Camille Roux' is in the roster, archived" in archived.stderr
    assert "`soutenance student archive 'Camille Roux' --undo` brings them back" in archived.stderr
    invoke("student", "add", "Sam")
    renamed = invoke("student", "edit", "Sam", "--name", "camille roux")
    assert renamed.exit_code == 1 and "'Camille Roux' is in the roster, archived" in renamed.stderr
    assert sorted(student_names()) == ["Camille Roux", "Sam"]


def test_a_name_differing_by_accents_is_added_with_a_warning() -> None:
    invoke("student", "add", "Léa Dubois")
    result = invoke("student", "add", "Lea Dubois")
    assert result.exit_code == 0 and result.stdout == "added Lea Dubois\n"
    assert result.stderr == (
        "note: 'Lea Dubois' looks like 'Léa Dubois' already in the roster (only accents or case"
        " differ); if they are one person: `soutenance student merge 'Lea Dubois' 'Léa Dubois'`\n"
    )
    invoke("student", "archive", "Léa Dubois")
    invoke("student", "add", "Sam")
    renamed = invoke("student", "edit", "Sam", "--name", "LÉA DUBOÎS")
    assert renamed.exit_code == 0
    assert "'Léa Dubois' (archived)" in renamed.stderr and "'Lea Dubois'" in renamed.stderr
    assert sorted(student_names()) == sorted(["LÉA DUBOÎS", "Lea Dubois", "Léa Dubois"])


def test_unknown_paths_are_saved_with_the_known_ones_listed() -> None:
    result = invoke(
        "student", "add", "Sam", "--path", "marketing-digital", "--path", "digital-marketer"
    )
    assert result.exit_code == 0
    (line,) = result.stderr.splitlines()
    assert line.startswith("note: no path marketing-digital in the banks (known paths: ")
    known = re.search(r"known paths: ([^)]*)\)", line)[1].split(", ")
    assert {"community-manager", "digital-marketer"} <= set(known)
    assert "marketing-digital" not in known
    assert read(lambda s: s.roster.get_student("Sam").paths) == [
        "marketing-digital",
        "digital-marketer",
    ]
    edited = invoke("student", "edit", "Sam", "--path", "growth-hacker")
    assert edited.exit_code == 0 and "no path growth-hacker in the banks" in edited.stderr
    quiet = invoke("student", "edit", "Sam", "--language", "en")
    assert quiet.exit_code == 0 and quiet.stderr == ""  # said once, when the path was given


def test_a_past_defense_date_is_saved_with_a_warning() -> None:
    result = invoke("student", "add", "Sam", "--defense-date", "2020-03-01")
    assert result.exit_code == 0
    assert result.stderr == "note: the defense date Mar 1, 2020 is already past; saved anyway\n"
    assert str(read(lambda s: s.roster.get_student("Sam").defense_date)) == "2020-03-01"
    future = invoke("student", "edit", "Sam", "--defense-date", "2999-01-01")
    assert future.exit_code == 0 and future.stderr == ""
    past = invoke("student", "edit", "Sam", "--defense-date", "2021-01-01")
    assert past.exit_code == 0 and "already past" in past.stderr


# --------------------------------------------------------------------------- in French

# English words of the new messages that are not French words as well ("notes", "question").
ENGLISH = re.compile(
    r"\b(the|of|and|is|in|by|student|roster|session|sessions|merged|moved|already|saved|"
    r"anyway|imported|updated|kept|conflict|other|comment|added|new|past|defense|path|paths|"
    r"known|looks|like|only|case|differ|person|filed|under|was|left|misspelling|nothing|"
    r"changed|into|now|has|leaves|objective|objectives|review|answered|rehearsal|newer|here|"
    r"key|yes|ask|same|empty|done)\b",
    re.IGNORECASE,
)


def english_words(output: str) -> list[str]:
    """English words in our messages: command lines and options, names, bank text and places in
    an export (`session.answers[0].id`) aside."""
    text = re.sub(r"`[^`]*`|--[a-z-]+|\bsession(\.\w+|\[\d+\])+", "", output)
    text = re.sub(r"« [^»]* »|“[^”]*”|/\S+\.json", "", text)
    return ENGLISH.findall(text)


def test_the_new_messages_speak_french(tmp_path: Path) -> None:
    said = []

    def run(*args: str | Path, **options) -> Result:
        result = invoke(*args, lang="fr", **options)
        said.append(result.stdout + result.stderr.replace("Error: ", ""))
        return result

    run(
        "student",
        "add",
        "Léa Dubois",
        "--path",
        "marketing-digital",
        "--defense-date",
        "2020-03-01",
    )
    run("student", "add", "Lea Dubois")
    run("student", "add", "lea  DUBOIS")
    invoke("student", "archive", "Lea Dubois")  # not one of the new messages
    run("student", "add", "LEA DUBOIS")
    session = sample_session("Lea Dubois", questions=2, objectives=1)
    session.project_title = "Audit SEO"
    session.answers[0].question_text = session.answers[1].question_text = "Pourquoi ?"
    path = tmp_path / "lea.json"
    path.write_text(session_to_json_text(session), encoding="utf-8")
    run("import", path)
    run("import", path)
    run("import", path, "--as", "Personne")
    newcomer = sample_session("Zoé", seed=5)
    newcomer.project_title = "Audit SEO"
    for answer in newcomer.answers:
        answer.question_text = "Pourquoi ?"
    (tmp_path / "zoe.json").write_text(session_to_json_text(newcomer), encoding="utf-8")
    run("import", tmp_path / "zoe.json")
    run("student", "reassign", session.id, "Léa Dubois")
    run("import", path)  # the session is Léa's now
    run("student", "merge", "Lea Dubois", "Léa Dubois")
    run("student", "merge", "Lea Dubois", "Léa Dubois", "--yes")
    run("student", "merge", "Léa Dubois", "lÉa dubois", "--yes")
    output = "".join(said)
    for expected in (
        "ajouté·e : Léa Dubois",
        "attention : « Lea Dubois » ressemble à « Léa Dubois »",
        "« Lea Dubois » est déjà dans la liste",
        "« Lea Dubois » est dans la liste, archivé·e",
        "attention : aucun parcours marketing-digital dans les banques",
        "attention : la date de soutenance 1 mars 2020 est déjà passée",
        "importée : répétition de Lea Dubois, Audit SEO",
        "nouvel·le étudiant·e dans la liste : Zoé",
        "déjà importée, rien n'a changé",
        "aucun·e étudiant·e nommé·e « Personne » dans la liste",
        f"séance {session.id[:12]} rangée sous « Léa Dubois » (elle était sous « Lea Dubois »)",
        "Pour la ranger sous un·e étudiant·e de la liste : --as NOM.",
        "Ajoutez --yes pour fusionner",
        "« Lea Dubois » (archivé·e) fusionné·e dans « Léa Dubois » : 0 séance(s) déplacée(s)",
        "désignent la même personne",
    ):
        assert expected in output, expected
    # The reason an import is refused is in French too, said once with "nothing was imported".
    refused = [line for line in output.splitlines() if re.match(r"soutenance import\s*:", line)]
    assert refused and all("est ici celle de" in line for line in refused), refused
    assert english_words(output) == [], output
    assert output.count("Rien n'a été importé") == len(refused)


def test_a_french_report_of_updates_and_conflicts(tmp_path: Path) -> None:
    from soutenance.clock import FakeClock
    from soutenance.usecases.review import SessionEdits

    clock = FakeClock()
    student = open_store(tmp_path / "student.sqlite3", clock=clock)
    session = sample_session("Lea", questions=2)
    session.answers[0].question_text = "Pourquoi ce canal ?"
    student.save_session(session)
    first, second = (a.id for a in session.answers)

    def send(name: str) -> Result:
        path = tmp_path / name
        path.write_text(session_to_json_text(student.load_session(session.id)), encoding="utf-8")
        return invoke("import", path, lang="fr")

    send("1.json")
    mentor = open_store(paths.database_path(), clock=clock)
    clock.advance(60)
    SessionEdits(mentor, session.id, by="mentor", clock=clock).answer(
        first, "mentor_comment", "Bien"
    )
    SessionEdits(mentor, session.id, by="mentor", clock=clock).answer(second, "covered", [0])
    mentor.close()
    clock.advance(60)
    SessionEdits(student, session.id, by="student", clock=clock).answer(first, "notes", "Corrigé")
    SessionEdits(student, session.id, by="student", clock=clock).answer(second, "covered", [1])
    result = send("2.json")
    student.close()
    lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert (
        "  mis à jour : notes de la question 1 « Pourquoi ce canal ? », par l'étudiant·e"
        in (lines[0])
    )
    assert lines[1].startswith("  gardé, plus récent ici : commentaire de la question 1")
    assert lines[2].startswith("  conflit : points clés de la question 2 « ")
    assert "gardé points clés 2 par l'étudiant·e (2 nov. 2026, 18:02)" in lines[2]
    assert "l'autre version points clés 1 par le mentor (2 nov. 2026, 18:01)" in lines[2]
    assert english_words("\n".join(line.split("« ")[0] for line in lines)) == []
