"""`soutenance bank new|add|edit|rm|copy|import` through the real click group."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.banks.lint import lint_file
from soutenance.cli import bank_edit, cli

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"
BUNDLED_CRISIS = "community-manager/gestion-crise"


def invoke(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False, prog_name="soutenance")


def commented(tmp_path: Path) -> Path:
    path = tmp_path / "commented.yaml"
    shutil.copy(AUTHORING / "commented.yaml", path)
    return path


def ids(path: Path) -> list[str]:
    result = lint_file(path)
    assert result.bank is not None, [str(d) for d in result.diagnostics]
    return [q.id for q in result.bank.questions]


def test_new_creates_a_bank_in_the_user_folder_with_the_known_path_name() -> None:
    result = invoke("bank", "new", "community-manager/veille", "--title", "Organisez une veille", "--language", "fr")
    assert result.exit_code == 0, result.output
    created = paths.user_banks_dir() / "community-manager" / "veille.yaml"
    assert result.stdout.strip() == str(created)
    bank = lint_file(created).bank
    assert bank is not None
    assert bank.project.path == "Community Manager"  # taken from the bundled banks of that path
    assert bank.project.language == "fr"
    listed = invoke("bank", "list", "--format", "json")
    assert any(row["file"] == str(created) for row in json.loads(listed.stdout)["projects"])


def test_new_with_options_and_dir(tmp_path: Path) -> None:
    result = invoke(
        "bank", "new", "growth/launch", "--title", "Launch", "--language", "en", "--path-name", "Growth",
        "--evaluator-role", "The CMO", "--dir", tmp_path / "mine",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    bank = lint_file(tmp_path / "mine" / "launch.yaml").bank
    assert bank is not None and bank.project.evaluator_role == "The CMO" and bank.project.path == "Growth"
    again = invoke("bank", "new", "growth/launch", "--title", "L", "--language", "en", "--dir", tmp_path / "mine")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_add_with_options_prints_the_new_id(tmp_path: Path) -> None:
    path = commented(tmp_path)
    result = invoke(
        "bank", "add", path, "--text", "Quel budget prévoyez-vous pour la modération ?",
        "--key-point", "Coût horaire", "--key-point", "Outils", "--follow-up", "Et en interne ?",
        "--difficulty", "3", "--time-limit", "2m", "--tag", "budget",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "budget-prevoyez-moderation\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith((AUTHORING / "commented.yaml").read_text(encoding="utf-8"))
    assert '    text: "Quel budget prévoyez-vous pour la modération ?"\n' in text
    assert "    time_limit: 120\n    tags: [budget]\n" in text


def test_add_from_json_on_stdin(tmp_path: Path) -> None:
    path = commented(tmp_path)
    payload = json.dumps(
        [
            {"text": "Qui prévenez-vous en premier ?", "key_points": ["Direction"], "id": "qui-prevenir"},
            {"text": "Et les salariés ?", "follow_ups": [{"text": "Par quel canal ?", "key_points": ["Intranet"]}]},
        ]
    )
    result = invoke("bank", "add", path, "--from-json", "-", stdin=payload)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["qui-prevenir", "salaries"]
    assert ids(path)[-2:] == ["qui-prevenir", "salaries"]


def test_add_refuses_bad_json_and_bad_values(tmp_path: Path) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    bad = invoke("bank", "add", path, "--from-json", "-", stdin='{"text": "Q ?", "colour": "red"}')
    assert bad.exit_code == 2 and "unknown key `colour`" in bad.stderr
    invalid = invoke("bank", "add", path, "--text", "Q ?", "--time-limit", "demain")
    assert invalid.exit_code == 1 and "is not a duration" in invalid.stderr
    missing = invoke("bank", "add", path)
    assert missing.exit_code == 2 and "--text" in missing.stderr
    assert path.read_bytes() == before


def test_add_warns_about_a_near_duplicate(tmp_path: Path) -> None:
    path = commented(tmp_path)
    result = invoke("bank", "add", path, "--text", "La vidéo a 200 000 vues : que faites-vous pendant la première heure ?")
    assert result.exit_code == 0
    assert "is nearly the same as `premiere-heure`" in result.stderr


def test_bundled_bank_is_refused_then_copied_with_copy() -> None:
    bundled = paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml"
    before = bundled.read_bytes()
    refused = invoke("bank", "add", BUNDLED_CRISIS, "--text", "Une question de plus ?")
    assert refused.exit_code == 1
    assert "is a bundled bank" in refused.stderr and "--copy" in refused.stderr
    copied = invoke("bank", "add", BUNDLED_CRISIS, "--text", "Une question de plus ?", "--copy")
    assert copied.exit_code == 0, copied.output
    user_copy = paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    assert "copied the bundled project to" in copied.stderr
    assert ids(user_copy)[-1] == "question"
    assert bundled.read_bytes() == before
    # the reference now resolves to the user's copy, which shadows the bundled one
    again = invoke("bank", "add", BUNDLED_CRISIS, "--text", "Encore une autre question ?")
    assert again.exit_code == 0, again.output
    assert ids(user_copy)[-1] == "autre-question"


def test_copy_command() -> None:
    result = invoke("bank", "copy", BUNDLED_CRISIS)
    assert result.exit_code == 0
    assert result.stdout.strip() == str(paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml")
    assert invoke("bank", "copy", str(paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml")).exit_code == 1


def test_edit_changes_given_values_and_keeps_the_id(tmp_path: Path) -> None:
    path = commented(tmp_path)
    result = invoke("bank", "edit", path, "delais-reponse", "--text", "Quels délais tenez-vous le soir ?", "--difficulty", "2")
    assert result.exit_code == 0, result.output
    bank = lint_file(path).bank
    assert bank is not None
    question = bank.question("delais-reponse")
    assert question is not None
    assert (question.text, question.difficulty) == ("Quels délais tenez-vous le soir ?", 2)
    assert question.key_points == ["Délais par canal", "Organisation des astreintes"]
    unknown = invoke("bank", "edit", path, "nope", "--text", "x")
    assert unknown.exit_code == 1 and "no question `nope`" in unknown.stderr


def test_rm_asks_when_the_question_has_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = commented(tmp_path)
    monkeypatch.setattr(bank_edit, "store_history_checker", lambda: {"premiere-heure"}.__contains__)
    plain = invoke("bank", "rm", path, "supprimer-negatifs")
    assert plain.exit_code == 0 and "supprimer-negatifs" not in ids(path)
    refused = invoke("bank", "rm", path, "premiere-heure")  # not a terminal: no prompt, a clear refusal
    assert refused.exit_code == 1 and "has answers in the history: add --yes" in refused.stderr
    assert "premiere-heure" in ids(path)
    forced = invoke("bank", "rm", path, "premiere-heure", "--yes")
    assert forced.exit_code == 0 and "premiere-heure" not in ids(path)


def test_import_dry_run_writes_nothing_and_lists_duplicates(tmp_path: Path) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    source = tmp_path / "questions.csv"
    source.write_text(
        "question;points clés\n"
        "La vidéo a 200 000 vues. Que faites-vous dans la première heure ?;x\n"
        "Qui parle aux journalistes ?;Porte-parole | Éléments de langage\n"
        "Qui parle aux journalistes ?;bis\n",
        encoding="utf-8",
    )
    result = invoke("bank", "import", source, "--into", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    out = result.stdout
    assert f"would add 1 question to {path}" in out
    assert "+ parle-journalistes: Qui parle aux journalistes ?" in out
    assert "skipped 2 duplicates" in out
    assert "duplicate of the existing question `premiere-heure`" in out
    assert "duplicate of an earlier imported question `parle-journalistes`" in out


@pytest.mark.parametrize("fixture", ["questions-excel.csv", "anki-notes.txt", "questions.md"])
def test_import_writes_a_valid_bank(tmp_path: Path, fixture: str) -> None:
    path = commented(tmp_path)
    before = path.read_bytes()
    result = invoke("bank", "import", AUTHORING / fixture, "--into", path)
    assert result.exit_code == 0, result.output
    assert "imported" in result.stderr
    after = path.read_bytes()
    assert after.startswith(before)
    checked = lint_file(path)
    assert checked.ok and len(checked.bank.questions) > 4


def test_import_from_stdin_needs_a_format(tmp_path: Path) -> None:
    path = commented(tmp_path)
    refused = invoke("bank", "import", "-", "--into", path, stdin="- Pourquoi ?\n")
    assert refused.exit_code == 2 and "--format" in refused.stderr
    ok = invoke("bank", "import", "-", "--into", path, "--format", "md", stdin="- Pourquoi ce réseau social ?\n  - Cible\n")
    assert ok.exit_code == 0, ok.output
    assert ids(path)[-1] == "reseau-social"


def test_not_a_bank_and_missing_files_are_clear(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_text("- a\n- b\n", encoding="utf-8")
    result = invoke("bank", "add", junk, "--text", "Pourquoi ?")
    assert result.exit_code == 1 and "not a bank" in result.stderr
    missing = invoke("bank", "add", tmp_path / "nope.yaml", "--text", "Pourquoi ?")
    assert missing.exit_code == 1 and "no such bank file" in missing.stderr
    no_source = invoke("bank", "import", tmp_path / "nope.csv", "--into", junk)
    assert no_source.exit_code == 1 and "no such file" in no_source.stderr
