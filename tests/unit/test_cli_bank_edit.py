"""`soutenance bank new|add|edit|rm|copy|import` through the real click group."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.banks.lint import lint_file
from soutenance.banks.schema import schema_text
from soutenance.cli import bank_edit, cli

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"
BUNDLED_CRISIS = "community-manager/gestion-crise"


def invoke(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args], input=stdin, catch_exceptions=False, prog_name="soutenance"
    )


def commented(tmp_path: Path) -> Path:
    path = tmp_path / "commented.yaml"
    shutil.copy(AUTHORING / "commented.yaml", path)
    return path


def ids(path: Path) -> list[str]:
    result = lint_file(path)
    assert result.bank is not None, [str(d) for d in result.diagnostics]
    return [q.id for q in result.bank.questions]


def test_new_creates_a_bank_in_the_user_folder_with_the_known_path_name() -> None:
    result = invoke(
        "bank",
        "new",
        "community-manager/veille",
        "--title",
        "Organisez une veille",
        "--language",
        "fr",
    )
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
    assert (
        bank is not None
        and bank.project.evaluator_role == "The CMO"
        and bank.project.path == "Growth"
    )
    again = invoke(
        "bank",
        "new",
        "growth/launch",
        "--title",
        "L",
        "--language",
        "en",
        "--dir",
        tmp_path / "mine",
    )
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
            {
                "text": "Qui prévenez-vous en premier ?",
                "key_points": ["Direction"],
                "id": "qui-prevenir",
            },
            {
                "text": "Et les salariés ?",
                "follow_ups": [{"text": "Par quel canal ?", "key_points": ["Intranet"]}],
            },
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
    result = invoke(
        "bank",
        "add",
        path,
        "--text",
        "La vidéo a 200 000 vues : que faites-vous pendant la première heure ?",
    )
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
    assert result.stdout.strip() == str(
        paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    )
    assert (
        invoke(
            "bank",
            "copy",
            str(paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml"),
        ).exit_code
        == 1
    )


def test_edit_changes_given_values_and_keeps_the_id(tmp_path: Path) -> None:
    path = commented(tmp_path)
    result = invoke(
        "bank",
        "edit",
        path,
        "delais-reponse",
        "--text",
        "Quels délais tenez-vous le soir ?",
        "--difficulty",
        "2",
    )
    assert result.exit_code == 0, result.output
    bank = lint_file(path).bank
    assert bank is not None
    question = bank.question("delais-reponse")
    assert question is not None
    assert (question.text, question.difficulty) == ("Quels délais tenez-vous le soir ?", 2)
    assert question.key_points == ["Délais par canal", "Organisation des astreintes"]
    unknown = invoke("bank", "edit", path, "nope", "--text", "x")
    assert unknown.exit_code == 1 and "no question `nope`" in unknown.stderr


def test_rm_asks_when_the_question_has_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = commented(tmp_path)
    monkeypatch.setattr(bank_edit, "store_history_checker", lambda: {"premiere-heure"}.__contains__)
    plain = invoke("bank", "rm", path, "supprimer-negatifs")
    assert plain.exit_code == 0 and "supprimer-negatifs" not in ids(path)
    refused = invoke(
        "bank", "rm", path, "premiere-heure"
    )  # not a terminal: no prompt, a clear refusal
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
    ok = invoke(
        "bank",
        "import",
        "-",
        "--into",
        path,
        "--format",
        "md",
        stdin="- Pourquoi ce réseau social ?\n  - Cible\n",
    )
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


# --- Schema modelines: relative to the bank file, never into the installed package --------------


def modeline_target(bank_file: Path) -> Path | None:
    """Where the file's modeline leads, or None when it has none; fails on anything but a relative path."""
    first = bank_file.read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("# yaml-language-server: $schema="):
        return None
    reference = first.split("=", 1)[1]
    assert not reference.startswith(("/", "file:")) and "site-packages" not in reference, reference
    return (bank_file.parent / reference).resolve()


def test_new_without_dir_points_at_the_schema_copy_of_the_user_folder() -> None:
    result = invoke(
        "bank", "new", "community-manager/veille", "--title", "Veille", "--language", "fr"
    )
    assert result.exit_code == 0, result.output
    created = Path(result.stdout.strip())
    assert created.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../bank.schema.json\n"
    )
    schema = paths.user_banks_dir() / "bank.schema.json"
    assert modeline_target(created) == schema.resolve()
    assert schema.read_text(encoding="utf-8") == schema_text()
    assert "note:" not in result.stderr


def test_new_with_dir_points_at_the_schema_above_it(tmp_path: Path) -> None:
    team = tmp_path / "team"
    (team / "community-manager").mkdir(parents=True)
    (team / ".git").mkdir()
    (team / "bank.schema.json").write_text('{"title": "the team\'s"}\n', encoding="utf-8")
    for folder, expected in (
        (team / "community-manager", "../bank.schema.json"),
        (team, "bank.schema.json"),
    ):
        result = invoke(
            "bank", "new", "growth/launch", "--title", "Launch", "--language", "en", "--dir", folder
        )
        assert result.exit_code == 0, result.output
        created = folder / "launch.yaml"
        assert (
            created.read_text(encoding="utf-8").splitlines()[0]
            == f"# yaml-language-server: $schema={expected}"
        )
        assert modeline_target(created) == (team / "bank.schema.json").resolve()
        assert lint_file(created).ok
    assert (team / "bank.schema.json").read_text(
        encoding="utf-8"
    ) == '{"title": "the team\'s"}\n'  # not replaced
    assert not (paths.user_banks_dir() / "bank.schema.json").exists()


def test_new_with_dir_and_no_reachable_schema_writes_no_modeline(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    repository = outside / "repo"
    (repository / ".git").mkdir(parents=True)
    (outside / "bank.schema.json").write_text(
        "{}\n", encoding="utf-8"
    )  # outside the repository: not used
    result = invoke(
        "bank",
        "new",
        "growth/launch",
        "--title",
        "Launch",
        "--language",
        "en",
        "--dir",
        repository / "growth",
    )
    assert result.exit_code == 0, result.output
    created = repository / "growth" / "launch.yaml"
    assert modeline_target(created) is None
    assert "yaml-language-server" not in created.read_text(encoding="utf-8")
    assert f"note: no bank.schema.json in {repository / 'growth'} or above it" in result.stderr
    assert lint_file(created).ok


def test_copy_points_at_a_refreshed_schema_copy_in_the_user_folder() -> None:
    stale = paths.user_banks_dir() / "bank.schema.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}\n", encoding="utf-8")  # left by an older version
    result = invoke("bank", "copy", BUNDLED_CRISIS)
    assert result.exit_code == 0, result.output
    copied = Path(result.stdout.strip())
    assert (
        copied.read_text(encoding="utf-8").splitlines()[0]
        == "# yaml-language-server: $schema=../bank.schema.json"
    )
    assert modeline_target(copied) == stale.resolve()
    assert stale.read_text(encoding="utf-8") == schema_text()


def test_edit_with_copy_writes_the_same_relative_modeline() -> None:
    result = invoke("bank", "edit", BUNDLED_CRISIS, "premiere-heure", "--difficulty", "3", "--copy")
    assert result.exit_code == 0, result.output
    copied = paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    assert modeline_target(copied) == (paths.user_banks_dir() / "bank.schema.json").resolve()


# --- Follow-ups and their key points ------------------------------------------------------------


def facts_bank(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    shutil.copy(AUTHORING / "facts.yaml", path)
    return path


def question_of(path: Path, question_id: str):
    bank = lint_file(path).bank
    assert bank is not None
    return bank.question(question_id)


def edited(path: Path, question_id: str, *options: str, stdin: str | None = None):
    """The question as saved by a `bank edit` with these options, which must succeed."""
    result = invoke("bank", "edit", path, question_id, *options, stdin=stdin)
    assert result.exit_code == 0, result.output
    return question_of(path, question_id)


def test_edit_follow_up_with_the_same_text_keeps_its_key_points_and_hints(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    options = (
        "--follow-up",
        "Et si le budget était divisé par deux ?",
        "--follow-up",
        "Et avec un influenceur ?",
    )
    kept, new = edited(path, "choix-canal", *options).follow_ups
    assert kept.key_points == [
        "Ce qui est coupé en premier, chiffré",
        "Le canal conservé et pourquoi",
    ]
    assert kept.key_points[1].hints == ("garder", "priorité")
    assert (new.text, new.key_points) == ("Et avec un influenceur ?", [])
    unchanged = invoke("bank", "edit", path, "choix-canal", *options)
    assert unchanged.exit_code == 0 and "nothing to change" in unchanged.stderr


def test_edit_changes_follow_up_key_points_only_when_asked(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    first, second = edited(
        path, "choix-canal",
        "--follow-up-key-point", "2=Un chiffre d'audience de la cible", "--follow-up-key-point", "2=Un coût comparé",
        "--follow-up-key-point", "1=Le canal conservé et pourquoi",
    ).follow_ups  # fmt: skip
    assert first.key_points == ["Le canal conservé et pourquoi"]
    assert first.key_points[0].hints == ("garder", "priorité")
    assert second.key_points == ["Un chiffre d'audience de la cible", "Un coût comparé"]
    assert edited(path, "choix-canal", "--follow-up-key-point", "2=").follow_ups[1].key_points == []
    wrong = invoke("bank", "edit", path, "choix-canal", "--follow-up-key-point", "3=x")
    assert wrong.exit_code == 2 and "the follow-up number (N from 1 to 2)" in wrong.stderr


def test_add_follow_up_appends_one_with_its_key_points(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    before = path.read_text(encoding="utf-8")
    result = invoke(
        "bank", "add-follow-up", path, "mesure-succes", "Et au bout d'un mois ?",
        "--key-point", "Un second seuil", "--key-point", "La décision prise", "--hint", "2=arrêter,continuer",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    follow_ups = question_of(path, "mesure-succes").follow_ups
    assert [f.text for f in follow_ups] == ["Et s'il est sous le seuil ?", "Et au bout d'un mois ?"]
    assert follow_ups[0].key_points == ["Une action corrective datée"]
    assert follow_ups[1].key_points == ["Un second seuil", "La décision prise"]
    assert follow_ups[1].key_points[1].hints == ("arrêter", "continuer")
    after = path.read_text(encoding="utf-8")
    assert after.split("  - id: mesure-succes")[0] == before.split("  - id: mesure-succes")[0]
    again = invoke("bank", "add-follow-up", path, "mesure-succes", "Et au bout d'un mois ?")
    assert again.exit_code == 1 and "already has this follow-up (number 2)" in again.stderr
    assert "--follow-up-key-point 2=" in again.stderr
    assert path.read_text(encoding="utf-8") == after


def test_add_follow_up_to_a_bundled_bank_needs_copy() -> None:
    bundled = lint_file(paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml").bank
    question_id = bundled.questions[0].id
    refused = invoke(
        "bank", "add-follow-up", BUNDLED_CRISIS, question_id, "Et la semaine suivante ?"
    )
    assert refused.exit_code == 1 and "--copy" in refused.stderr
    copied = invoke(
        "bank", "add-follow-up", BUNDLED_CRISIS, question_id, "Et la semaine suivante ?", "--copy"
    )
    assert copied.exit_code == 0, copied.output
    user_copy = paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    assert question_of(user_copy, question_id).follow_ups[-1].text == "Et la semaine suivante ?"


# --- Hints, generic wordings and facts ----------------------------------------------------------


def test_key_points_given_again_keep_their_hints_and_hint_sets_them(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    points = edited(
        path, "choix-canal",
        "--key-point", "Une source d'audience nommée", "--key-point", "Un coût par mille comparé",
        "--hint", "2=CPM, coût pour mille",
    ).key_points  # fmt: skip
    assert [(str(k), k.hints) for k in points] == [
        ("Une source d'audience nommée", ("Médiamétrie", "DataReportal", "source")),
        ("Un coût par mille comparé", ("CPM", "coût pour mille")),
    ]
    assert edited(path, "choix-canal", "--hint", "1=").key_points[0].hints == ()
    wrong = invoke("bank", "edit", path, "choix-canal", "--hint", "source")
    assert wrong.exit_code == 2 and "write N=…, the key point number" in wrong.stderr


def test_text_generic_is_required_with_a_fact_and_can_be_set(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    before = path.read_bytes()
    text = "Pour {cible}, quel indicateur regardez-vous d'abord ?"
    refused = invoke("bank", "edit", path, "mesure-succes", "--text", text)
    assert refused.exit_code == 1 and "needs a `text_generic` wording" in refused.stderr
    unknown = invoke(
        "bank",
        "edit",
        path,
        "mesure-succes",
        "--text",
        "Avec {marge} ?",
        "--text-generic",
        "Avec ?",
    )
    assert unknown.exit_code == 1 and "`{marge}` is not a fact of the project" in unknown.stderr
    assert path.read_bytes() == before
    question = edited(
        path,
        "mesure-succes",
        "--text",
        text,
        "--text-generic",
        "Pour votre cible, quel indicateur ?",
    )
    assert question.render({"cible": "les 18-25 ans de Lille"}).startswith(
        "Pour les 18-25 ans de Lille,"
    )
    assert question.render({}) == "Pour votre cible, quel indicateur ?"
    dropped = edited(path, "choix-canal", "--text", "Pourquoi Instagram ?", "--text-generic", "")
    assert dropped.text_generic is None


def test_edit_from_json_sets_hints_and_follow_up_key_points(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    payload = {
        "key_points": [
            "Un indicateur et son seuil",
            {"text": "Le lien avec l'objectif", "hints": ["objectif", "but"]},
        ],
        "follow_ups": [
            "Et s'il est sous le seuil ?",
            {"text": "Qui décide ?", "key_points": [{"text": "Le gérant", "hints": ["gérant"]}]},
        ],
    }
    question = edited(path, "mesure-succes", "--from-json", "-", stdin=json.dumps(payload))
    assert question.key_points[1].hints == ("objectif", "but")
    assert question.follow_ups[0].key_points == [
        "Une action corrective datée"
    ]  # given by its text: kept
    assert question.follow_ups[1].key_points[0].hints == ("gérant",)
    both = invoke(
        "bank", "edit", path, "mesure-succes", "--text", "x", "--from-json", "-", stdin="{}"
    )
    assert both.exit_code == 2 and "not both" in both.stderr


def test_fact_lists_declares_and_removes(tmp_path: Path) -> None:
    path = facts_bank(tmp_path)
    listed = invoke("bank", "fact", path)
    assert listed.stdout.splitlines() == [
        "budget: Budget total de la campagne (en euros)",
        "cible: Cible principale, en une phrase",
    ]
    assert invoke("bank", "fact", path, "duree", "Durée de la campagne, en semaines").exit_code == 0
    assert lint_file(path).bank.project.facts["duree"] == "Durée de la campagne, en semaines"
    in_use = invoke("bank", "fact", path, "budget", "--remove")
    assert in_use.exit_code == 1 and "is used by `choix-canal`" in in_use.stderr
    assert invoke("bank", "fact", path, "cible", "--remove").exit_code == 0
    assert list(lint_file(path).bank.project.facts) == ["budget", "duree"]
    bad = invoke("bank", "fact", path, "Budget Total", "x")
    assert bad.exit_code == 1 and "may only hold lowercase letters" in bad.stderr
    assert invoke("bank", "fact", path, "duree").exit_code == 2
