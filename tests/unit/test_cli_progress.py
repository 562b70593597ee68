"""`soutenance stats` and `soutenance plan` through the real click group, on a seeded store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.cli.progress import spark
from soutenance.session.model import Answer, Marks, Session
from soutenance.store import open_store

BANK = """project:
  id: crise
  title: Gestion de crise
  path: Community Manager
  language: fr
  evaluator_role: La DRH
questions:
  - {id: q1, text: Premier message ?, key_points: [Excuses, Faits, Suite, Canal]}
  - {id: q2, text: Qui parle ?, key_points: [Porte-parole, Validation]}
  - {id: q3, text: Et après ?, key_points: [Bilan]}
  - {id: q4, text: Quel canal ?, key_points: [Réseaux, Presse]}
"""
NOW = datetime.now(UTC)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args], catch_exceptions=False, prog_name="soutenance"
    )


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "crise.yaml").write_text(BANK, encoding="utf-8")
    return folder


def seed(student: str = "Camille", confidence: int = 5, clarity: int | None = None) -> None:
    """Three sessions on community-manager/crise: q1 weak and over time (marked `clarity` for
    its clarity), q2 fine, and a question since removed from the bank."""
    store = open_store(paths.database_path())
    for day in range(3):
        at = NOW - timedelta(days=6 - 2 * day)
        session = Session(
            student=student,
            path_id="community-manager",
            project_id="crise",
            project_title="Gestion de crise",
            language="fr",
            evaluator_role="DRH",
            started_at=at,
        )
        session.answers = [
            Answer(question_id="q1", question_text="?", key_points=["Excuses", "Faits", "Suite", "Canal"], time_limit=60, position=0, elapsed=80,
                   confidence=confidence, covered=[1], answered_at=at, marks=Marks(clarity=clarity)),
            Answer(question_id="q2", question_text="?", key_points=["Porte-parole", "Validation"], time_limit=90, position=1, elapsed=30,
                   confidence=confidence, covered=[0], answered_at=at),
        ]  # fmt: skip
        if day == 0:
            session.answers.append(
                Answer(
                    question_id="retiree",
                    question_text="?",
                    key_points=["a"],
                    time_limit=60,
                    position=2,
                    elapsed=20,
                    confidence=3,
                    covered=[0],
                )
            )
        store.save_session(session)
    store.close()


def set_defense(student: str, days: int) -> None:
    store = open_store(paths.database_path())
    known = store.roster.get_student(student)
    known.defense_date = (NOW + timedelta(days=days)).date()
    store.roster.update_student(known)
    store.close()


def test_spark_draws_a_fixed_scale() -> None:
    assert spark([0.0, 0.5, 1.0]) == "▁▅█"
    assert spark([3, 3], 1, 5) == "▅▅"
    assert spark([]) == ""


def test_stats_overview_lists_students(banks: Path) -> None:
    empty = invoke("--lang", "en", "stats", "--banks", banks)
    assert empty.exit_code == 0 and "No session recorded." in empty.stdout
    seed()
    seed("Noé", confidence=1)
    set_defense("Camille", 10)
    result = invoke("--lang", "en", "stats", "--banks", banks)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Students and sessions"
    camille = next(line for line in lines if line.startswith("Camille"))
    assert camille.split()[1:3] == ["3", "7"]
    data = json.loads(invoke("stats", "--format", "json", "--banks", banks).stdout)
    assert [d["student"] for d in data] == ["Camille", "Noé"]
    assert data[0]["defense_date"] == (NOW + timedelta(days=10)).date().isoformat()
    assert data[0]["projects"] == ["community-manager/crise"]


def test_stats_of_a_student_on_a_project(banks: Path) -> None:
    seed()
    result = invoke(
        "--lang", "fr", "stats", "--student", "Camille", "--project", "crise", "--banks", banks
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Camille — Gestion de crise\n")
    assert "3 séance(s) · 7 réponse(s)" in out
    assert "Vous vous surestimez régulièrement" in out
    assert "Couverture des points clés : " in out and "dernière séance 38\u00a0%" in out
    assert "Banque : 2 question(s) tirée(s) sur 4 (50\u00a0%)" in out
    assert "Jamais tirées (2) : q3, q4" in out
    assert (
        "1 question(s) de l'historique ne sont plus dans la banque (supprimées ou renommées) : retiree"
        in out
    )

    data = json.loads(
        invoke(
            "stats",
            "--student",
            "Camille",
            "--project",
            "crise",
            "--format",
            "json",
            "--banks",
            banks,
        ).stdout
    )
    assert data["student"] == "Camille" and data["project"] == "community-manager/crise"
    assert len(data["sessions"]) == 3 and data["answers"] == 7
    assert data["calibration"]["verdict"] == "overconfident"
    assert data["bank"] == {
        "in_banks": True, "total": 4, "drawn": 2, "never_drawn": ["q3", "q4"],
        "no_longer_in_bank": ["retiree"],
    }  # fmt: skip

    markdown = invoke(
        "--lang", "en", "stats", "--student", "Camille", "--format", "md", "--banks", banks
    ).stdout
    assert markdown.startswith("## Camille — Gestion de crise\n")
    assert "| Date | Questions | Coverage | Over time | Confidence |" in markdown
    assert "- Key point coverage: " in markdown


def test_stats_of_a_project_across_students(banks: Path) -> None:
    seed(clarity=2)
    seed("Noé", confidence=1, clarity=4)
    result = invoke(
        "--lang", "en", "stats", "--project", "community-manager/crise", "--banks", banks
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Bank: 2 of 4 question(s) drawn (50%), all students together." in lines
    header = next(i for i, line in enumerate(lines) if line.startswith("Question"))
    assert lines[header].split()[-7:] == [
        "Justification",
        "Clarity",
        "Posture",
        "Most",
        "missed",
        "key",
        "points",
    ]
    q1 = lines[header + 1]
    assert q1.startswith("Premier message ?")  # the question's text, not its id; hardest first
    cells = q1.removeprefix("Premier message ?").split()
    assert cells[:8] == ["6", "2", "1:20", "100%", "25%", "—", "3.0", "—"]  # clarity: (2 + 4) / 2
    assert q1.endswith("Canal (6/6); Excuses (6/6); Suite (6/6)")  # each key point whole
    assert lines[header + 2].startswith("Qui parle ?")
    assert lines[header + 3].startswith("retiree (no longer in the bank)")  # after the bank's
    assert any(line.startswith("Noé") and line.endswith("underrates") for line in lines)
    data = json.loads(
        invoke("stats", "--project", "crise", "--format", "json", "--banks", banks).stdout
    )
    first = data["questions"][0]
    assert (first["id"], first["times_asked"], first["students"], first["median_coverage"]) == (
        "q1",
        6,
        2,
        0.25,
    )
    assert first["text"] == "Premier message ?" and first["mean_marks"] == {"clarity": 3.0}
    assert first["most_missed"][0] == {"text": "Canal", "missed": 6, "asked": 6}
    assert data["questions"][-1] == data["questions"][-1] | {"id": "retiree", "in_bank": False}
    assert [s["calibration"] for s in data["students"]] == ["overconfident", "underconfident"]


def test_stats_of_a_project_sorted_and_of_one_student(banks: Path) -> None:
    seed()
    store = open_store(paths.database_path())  # Lou answered q2 four times: the most asked
    session = Session(student="Lou", path_id="community-manager", project_id="crise", project_title="Gestion de crise",
                      language="fr", evaluator_role="DRH", started_at=NOW)  # fmt: skip
    session.answers = [
        Answer(question_id="q2", question_text="?", key_points=["Porte-parole", "Validation"], time_limit=90,
               position=n, elapsed=20, covered=[0, 1], answered_at=NOW)
        for n in range(4)
    ]  # fmt: skip
    store.save_session(session)
    store.close()

    def first_ids(*options: str) -> list[str]:
        result = invoke(
            "stats", "--project", "crise", "--format", "json", *options, "--banks", banks
        )
        assert result.exit_code == 0, result.output
        return [q["id"] for q in json.loads(result.stdout)["questions"]]

    assert first_ids() == ["q1", "q2", "retiree"]  # hardest first
    assert first_ids("--sort", "times") == ["q2", "q1", "retiree"]  # 7 answers to q2, 3 to q1
    assert first_ids("--sort", "coverage") == ["q1", "q2", "retiree"]

    mine = invoke(
        "--lang", "en", "stats", "--student", "Lou", "--project", "crise", "--banks", banks
    )
    assert mine.exit_code == 0, mine.output
    heading = mine.stdout.index("Questions answered by Lou")
    table = mine.stdout[heading:].splitlines()
    row = table[next(i for i, line in enumerate(table) if "Median time" in line) + 1]
    assert row.startswith("Qui parle ?") and row.removeprefix("Qui parle ?").split()[:2] == [
        "4",
        "1",
    ]
    assert not any(line.startswith("Premier message ?") for line in table)  # Lou never had q1
    data = json.loads(
        invoke(
            "stats", "--student", "Lou", "--project", "crise", "--format", "json", "--banks", banks
        ).stdout
    )
    assert [(q["id"], q["times_asked"]) for q in data["questions"]] == [("q2", 4)]


def test_stats_of_a_project_nobody_answered_yet(banks: Path) -> None:
    # The roster exists (so does the database) but no answer built the project's figures yet:
    # `stats` reads the store read-only and must build them without writing the file.
    assert invoke("student", "add", "Léa", "--project", "community-manager/crise").exit_code == 0
    before = paths.database_path().read_bytes()
    result = invoke(
        "--lang", "en", "stats", "--project", "community-manager/crise", "--banks", banks
    )
    assert result.exit_code == 0, result.output
    assert "No answer recorded on this project." in result.stdout
    assert paths.database_path().read_bytes() == before


def test_stats_bad_input(banks: Path) -> None:
    seed()
    unknown = invoke("stats", "--student", "Personne", "--banks", banks)
    assert unknown.exit_code == 1 and "Personne" in unknown.output
    missing = invoke("stats", "--project", "nulle-part", "--banks", banks)
    assert missing.exit_code == 2 and "known projects" in missing.output
    # A project the banks lost is still reported from the store, saying so.
    gone = invoke(
        "--lang",
        "en",
        "stats",
        "--student",
        "Camille",
        "--project",
        "community-manager/ancien",
        "--banks",
        banks,
    )
    assert gone.exit_code == 0
    assert (
        "no longer in the banks" in gone.output and "no answer on this project yet" in gone.stdout
    )


def test_plan_with_the_roster_date(banks: Path) -> None:
    seed()
    set_defense("Camille", 10)
    result = invoke(
        "--lang",
        "fr",
        "plan",
        "--project",
        "crise",
        "--student",
        "Camille",
        "--per-session",
        "1",
        "--banks",
        banks,
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "(dans 10 jours)" in out
    assert "2 question(s) vue(s) sur 4 (50\u00a0%)" in out
    assert "Reste à voir : 2 · faibles : 1" in out
    assert "2 séance(s) de 1 questions pour tout voir au moins une fois" in out
    assert "Une séance par jour suffit" in out
    assert "1 question(s) de l'historique ne sont plus dans la banque : ignorées." in out
    assert "Jamais vues (2)\n" in out and "- q3 — Et après ?" in out
    data = json.loads(
        invoke(
            "plan",
            "--project",
            "crise",
            "--student",
            "Camille",
            "--format",
            "json",
            "--banks",
            banks,
        ).stdout
    )
    assert data["days_left"] == 10 and data["unseen"] == ["q3", "q4"] and data["weak"] == ["q1"]
    assert data["no_longer_in_bank"] == ["retiree"] and data["on_track"] is True


def test_plan_bad_input(banks: Path) -> None:
    past = invoke(
        "--lang",
        "en",
        "plan",
        "--project",
        "crise",
        "--student",
        "Lou",
        "--defense-date",
        "2020-01-01",
        "--banks",
        banks,
    )
    assert past.exit_code == 0, past.output
    assert "The defense date (Jan 1, 2020) has passed." in past.stdout
    assert "Lou has no answer on this project yet" in past.stdout
    assert "0 of 4 question(s) seen (0%)" in past.stdout
    data = json.loads(
        invoke(
            "plan",
            "--project",
            "crise",
            "--student",
            "Lou",
            "--defense-date",
            "2020-01-01",
            "--format",
            "json",
            "--banks",
            banks,
        ).stdout
    )
    assert (
        data["defense_passed"] is True
        and data["sessions_per_day"] is None
        and data["on_track"] is False
    )
    bad_date = invoke(
        "plan",
        "--project",
        "crise",
        "--student",
        "Lou",
        "--defense-date",
        "demain",
        "--banks",
        banks,
    )
    assert bad_date.exit_code == 2 and "demain" in bad_date.output
    no_student = invoke("plan", "--project", "crise", "--banks", banks)
    assert no_student.exit_code == 2 and "--student" in no_student.output


def test_rehearse_accepts_focus_and_defense_date() -> None:
    result = invoke("rehearse", "--help")
    assert "--focus [mix|weak|new|due|all]" in result.stdout
    assert "--defense-date" in result.stdout
    bad = invoke("rehearse", "--project", "x", "--focus", "strong")
    assert bad.exit_code == 2
