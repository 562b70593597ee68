"""The bank browser and the question form, driven with Pilot through the app factory."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea, Tree
from textual.widgets._footer import FooterKey

from soutenance import paths
from soutenance.banks.lint import lint_file
from soutenance.ui.app import make_app
from soutenance.ui.screens.bank_browser import BankBrowserScreen, ProjectPicker
from soutenance.ui.screens.question_form import ConfirmModal, QuestionFormScreen

AUTHORING = Path(__file__).resolve().parent.parent / "fixtures" / "authoring"
SIZE = (110, 45)


def bank_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    shutil.copy(AUTHORING / "commented.yaml", folder / "commented.yaml")
    shutil.copy(AUTHORING / "compact.yaml", folder / "compact.yaml")
    return folder


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def question(path: Path, question_id: str):
    bank = lint_file(path).bank
    assert bank is not None
    return bank.question(question_id)


async def replace_text(pilot, selector: str, text: str) -> None:
    area = pilot.app.screen.query_one(selector, TextArea)
    area.focus()
    area.select_all()
    await pilot.press("delete")
    area.insert(text)
    await pilot.pause()


# --- The form -----------------------------------------------------------------------------------


async def test_form_checks_fields_as_the_mentor_types_and_refuses_to_save_errors(
    tmp_path: Path,
) -> None:
    folder = bank_folder(tmp_path)
    path = folder / "commented.yaml"
    before = path.read_bytes()
    app = make_app(
        banks=[folder], lang="en", first_screen=QuestionFormScreen(path, "delais-reponse")
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, QuestionFormScreen)
        # The form's checks run in workers: a loaded machine shows their result a little later.
        await until(pilot, lambda: shown(form, "#form-id").startswith("Id: delais-reponse"))
        assert shown(form, "#error-text") == ""
        await replace_text(pilot, "#form-text", "   ")
        await until(pilot, lambda: shown(form, "#error-text") == "must not be empty")
        assert form.query_one("#form-text").has_class("-invalid")
        limit = form.query_one("#form-time_limit", Input)
        limit.focus()
        limit.value = ""
        await pilot.press(*"demain")
        await until(
            pilot,
            lambda: shown(form, "#error-time_limit").startswith(
                "write seconds (90) or a time like 1:30"
            ),
        )
        await replace_text(pilot, "#form-key_points", "Délais par canal\n" + "x" * 2001)
        await until(
            pilot, lambda: shown(form, "#error-key_points") == "line 2: at most 2000 characters"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "Fix the fields marked in red before saving." in notices(app)
        assert path.read_bytes() == before
        # fixing them clears the errors
        await replace_text(pilot, "#form-text", "Quels délais tenez-vous le soir ?")
        await replace_text(pilot, "#form-key_points", "Délais par canal")
        limit.value = "2m"
        await pilot.pause()
        assert [shown(form, f"#error-{f}") for f in ("text", "key_points", "time_limit")] == [
            "",
            "",
            "",
        ]


async def test_form_saves_an_edit_keeping_the_id_and_the_rest_of_the_file(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    path = folder / "commented.yaml"
    before = path.read_text(encoding="utf-8")
    app = make_app(
        banks=[folder], lang="fr", first_screen=QuestionFormScreen(path, "delais-reponse")
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        await replace_text(pilot, "#form-text", "Quels délais de réponse tenez-vous le soir ?")
        form.query_one("#form-difficulty", Select).value = 2
        await pilot.pause()
        await replace_text(pilot, "#form-key_points", "")
        assert (
            shown(form, "#form-warnings")
            == "Pas encore de points clés : dites ce que couvre une bonne réponse."
        )
        await replace_text(
            pilot, "#form-key_points", "Délais par canal\nOrganisation des astreintes"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuestionFormScreen)
        assert any("`delais-reponse` enregistrée" in n for n in notices(app))
    after = path.read_text(encoding="utf-8")
    saved = question(path, "delais-reponse")
    assert (saved.text, saved.difficulty) == ("Quels délais de réponse tenez-vous le soir ?", 2)
    assert saved.follow_ups[0].key_points == [
        "Coût comparé au risque d'image"
    ]  # kept though shown one per line
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert new_lines[:32] == old_lines[:32] and new_lines[39:] == old_lines[39:]
    assert "    # posée par le jury de juin" in after


async def test_form_adds_a_question_after_confirming_a_near_duplicate(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    path = folder / "commented.yaml"
    app = make_app(banks=[folder], lang="en", first_screen=QuestionFormScreen(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        await replace_text(
            pilot,
            "#form-text",
            "La vidéo a 200 000 vues : que faites-vous pendant la première heure ?",
        )
        assert "Nearly the same as `premiere-heure`" in shown(form, "#form-warnings")
        assert "from the text" in shown(form, "#form-id")
        await replace_text(pilot, "#form-key_points", "Cellule de crise\nPremier message")
        form.query_one("#form-tags", Input).value = "crise, urgence"
        await pilot.press("ctrl+s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "premiere-heure" in shown(modal, "#confirm-message")
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (QuestionFormScreen, ConfirmModal))
    added = question(path, "video-200-000-vues")
    assert added is not None
    assert added.key_points == ["Cellule de crise", "Premier message"]
    assert added.tags == ["crise", "urgence"]


async def test_form_keeps_the_edit_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    path = folder / "commented.yaml"
    app = make_app(
        banks=[folder], lang="en", first_screen=QuestionFormScreen(path, "premiere-heure")
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        await replace_text(pilot, "#form-text", "La vidéo a un million de vues. Que faites-vous ?")
        theirs = path.read_text(encoding="utf-8").replace(
            "- Cellule de crise", "- Cellule de crise réunie"
        )
        path.write_text(theirs, encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert any("changed on disk since you opened it" in n for n in notices(app))
        assert path.read_text(encoding="utf-8") == theirs  # their change is not overwritten
        assert (
            form.query_one("#form-text", TextArea).text
            == "La vidéo a un million de vues. Que faites-vous ?"
        )
        await pilot.press("ctrl+s")  # again: the edit is applied on top of their version
        await pilot.pause()
        assert app.screen is not form
    saved = question(path, "premiere-heure")
    assert saved.text == "La vidéo a un million de vues. Que faites-vous ?"
    assert saved.key_points == ["Cellule de crise réunie", "Message d'attente"]


async def test_form_on_a_bundled_bank_offers_to_copy_it_first() -> None:
    bundled = paths.bundled_banks_dir() / "community-manager" / "gestion-crise.yaml"
    before = bundled.read_bytes()
    app = make_app(lang="en", first_screen=QuestionFormScreen(bundled, "frontiere-moderation"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await replace_text(
            pilot, "#form-key_points", "Critères objectifs de suppression\nCas limites"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "is a bundled bank" in shown(modal, "#confirm-message")
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert not isinstance(app.screen, QuestionFormScreen)
    copy = paths.user_banks_dir() / "community-manager" / "gestion-crise.yaml"
    assert question(copy, "frontiere-moderation").key_points == [
        "Critères objectifs de suppression",
        "Cas limites",
    ]
    assert bundled.read_bytes() == before


async def test_cancel_asks_before_dropping_changes(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    app = make_app(
        banks=[folder],
        lang="en",
        first_screen=QuestionFormScreen(folder / "compact.yaml", "premier"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.screen
        await pilot.press("escape")  # nothing changed: leaves at once
        await pilot.pause()
        assert app.screen is not form
        app.push_screen(QuestionFormScreen(folder / "compact.yaml", "premier"))
        await pilot.pause()
        await replace_text(pilot, "#form-text", "Autre texte ?")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionFormScreen)


# --- The browser --------------------------------------------------------------------------------


def tree_labels(screen) -> list[str]:
    tree = screen.query_one("#bank-tree", Tree)
    found = []

    def walk(node, depth: int) -> None:
        for child in node.children:
            found.append("  " * depth + str(child.label))
            walk(child, depth + 1)

    walk(tree.root, 0)
    return found


async def open_browser(app, pilot, project: str | None = None) -> BankBrowserScreen:
    app.push_screen(BankBrowserScreen(project))
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, BankBrowserScreen)
    return app.screen


async def test_browser_tree_search_and_footer(tmp_path: Path) -> None:
    app = make_app(banks=[bank_folder(tmp_path)], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_browser(app, pilot, "community-manager/crise-test")
        labels = tree_labels(browser)
        assert labels[0] == "Community Manager"
        assert any(
            label.strip().startswith("Modérez une communauté et gérez une crise")
            for label in labels
        )
        assert any("bundled" in label for label in labels)
        assert "    Votre charte de modération liste ce qui est interdit." in " ".join(labels)
        assert "Modérez une communauté" in shown(browser, "#bank-info")
        footer = {key.description for key in browser.query(FooterKey)}
        assert {"Add question", "Edit", "Delete", "Search", "Back"} <= footer
        # The rarer actions stay bound, listed in the keys panel rather than the 80-column footer.
        bound = {binding.description for _, binding, *_ in browser.active_bindings.values()}
        assert {"Duplicate", "Move", "New project"} <= bound
        await pilot.press("slash")
        await pilot.press(*"streisand")  # a key point, accents and case ignored
        await pilot.pause()
        questions = [label.strip() for label in tree_labels(browser) if label.startswith("    ")]
        assert questions == [  # the bundled project has the same question, on one line
            "Pourquoi ne pas simplement supprimer les commentaires négatifs",
            "Pourquoi ne pas simplement supprimer les commentaires négatifs pour calmer le jeu ?",
        ]
        search = browser.query_one("#bank-search", Input)
        search.value = "zzzz introuvable"
        await pilot.pause()
        assert tree_labels(browser) == ["No question matches “zzzz introuvable”."]
        search.value = "charte"  # a tag
        await pilot.pause()
        assert any("frontière" in label for label in tree_labels(browser))


async def test_browser_edit_duplicate_and_delete(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    path = folder / "compact.yaml"
    app = make_app(banks=[folder], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_browser(app, pilot, "community-manager/compact")
        tree = browser.query_one("#bank-tree", Tree)
        project_node = tree.cursor_node
        assert project_node is not None and project_node.data.question_id is None
        tree.move_cursor(project_node.children[0])
        await pilot.pause()
        assert "Quel est le premier livrable attendu ?" in shown(browser, "#bank-info")
        await pilot.press("d")
        await pilot.pause()
        await pilot.pause()
        ids = [q.id for q in lint_file(path).bank.questions]
        assert ids == ["premier", "premier-livrable-attendu", "second"]
        assert tree.cursor_node.data.question_id == "premier-livrable-attendu"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert [q.id for q in lint_file(path).bank.questions] == ["premier", "second"]
        tree.move_cursor(
            tree.cursor_node.children[1] if tree.cursor_node.children else tree.cursor_node
        )
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, QuestionFormScreen)
        assert app.screen.question_id == "second"


async def test_browser_moves_a_question_to_another_project(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path)
    app = make_app(banks=[folder], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_browser(app, pilot, "community-manager/compact")
        tree = browser.query_one("#bank-tree", Tree)
        tree.move_cursor(tree.cursor_node.children[1])
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ProjectPicker)
        picker.dismiss("community-manager/crise-test")
        await pilot.pause()
        await pilot.pause()
        assert any("moved" in n for n in notices(app))
    assert [q.id for q in lint_file(folder / "compact.yaml").bank.questions] == ["premier"]
    assert question(folder / "commented.yaml", "second") is not None


async def test_browser_creates_a_new_project(tmp_path: Path) -> None:
    app = make_app(banks=[bank_folder(tmp_path)], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_browser(app, pilot, "community-manager/compact")
        await pilot.press("n")
        await pilot.pause()
        modal = app.screen
        modal.query_one("#np-title", Input).value = "Organisez une veille"
        assert modal.query_one("#np-path", Input).value == "Community Manager"
        await pilot.click("#np-create")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is browser
    created = paths.user_banks_dir() / "community-manager" / "organisez-une-veille.yaml"
    result = lint_file(created)
    assert result.ok and result.bank.project.title == "Organisez une veille"


# --- Hints, generic wordings and follow-up key points in the form and the browser ---------------


def facts_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    shutil.copy(AUTHORING / "facts.yaml", folder / "facts.yaml")
    return folder


@contextlib.asynccontextmanager
async def form_on(path: Path, question_id: str, lang: str = "en"):
    """The app showing the form of one question of `path`: (app, pilot, form)."""
    app = make_app(
        banks=[path.parent], lang=lang, first_screen=QuestionFormScreen(path, question_id)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield app, pilot, app.screen


async def test_form_edits_follow_up_key_points_and_keeps_hints(tmp_path: Path) -> None:
    path = facts_folder(tmp_path) / "facts.yaml"
    async with form_on(path, "choix-canal") as (app, pilot, form):
        area = form.query_one("#form-follow_ups", TextArea)
        assert area.text == (
            "Et si le budget était divisé par deux ?\n"
            "  - Ce qui est coupé en premier, chiffré\n"
            "  - Le canal conservé et pourquoi\n"
            "Le gérant préfère Facebook : que lui répondez-vous ?"
        )
        hints = shown(form, "#form-hints")
        assert "“Une source d'audience nommée”: Médiamétrie, DataReportal, source" in hints
        assert "{budget} Budget total de la campagne (en euros)" in shown(form, "#form-facts")
        assert form.query_one("#form-text_generic", Input).value.startswith(
            "Avec le budget dont vous disposez"
        )
        await replace_text(
            pilot,
            "#form-follow_ups",
            "Et si le budget était divisé par deux ?\n"
            "  - Le canal conservé et pourquoi\n"
            "Le gérant préfère Facebook : que lui répondez-vous ?\n"
            "  - Un chiffre d'audience de la cible\n",
        )
        assert shown(form, "#error-follow_ups") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuestionFormScreen)
    first, second = question(path, "choix-canal").follow_ups
    assert [(str(k), k.hints) for k in first.key_points] == [
        ("Le canal conservé et pourquoi", ("garder", "priorité"))
    ]
    assert second.key_points == ["Un chiffre d'audience de la cible"]
    assert question(path, "choix-canal").key_points[1].hints == (
        "Médiamétrie",
        "DataReportal",
        "source",
    )


async def test_form_checks_follow_up_lines_facts_and_the_generic_wording(tmp_path: Path) -> None:
    path = facts_folder(tmp_path) / "facts.yaml"
    before = path.read_bytes()
    async with form_on(path, "mesure-succes") as (app, pilot, form):
        await replace_text(pilot, "#form-follow_ups", "- Un seuil\nEt ensuite ?\n  - " + "x" * 2001)
        assert shown(form, "#error-follow_ups") == (
            "line 3: at most 2000 characters\nline 1: a key point (“- …”) needs a follow-up on a line above it"
        )
        await replace_text(pilot, "#form-follow_ups", "Et ensuite ?\n  - Un seuil")
        assert shown(form, "#error-follow_ups") == ""
        await replace_text(pilot, "#form-text", "Pour {cible}, quel indicateur d'abord ?")
        assert shown(form, "#error-text_generic").startswith("The text uses facts of the project")
        assert form.query_one("#form-text_generic").has_class("-invalid")
        await replace_text(pilot, "#form-text", "Avec {marge}, quel indicateur d'abord ?")
        assert (
            shown(form, "#error-text")
            == "`{marge}` is not a fact of the project (facts: {budget}, {cible})"
        )
        generic = form.query_one("#form-text_generic", Input)
        generic.value = "Avec {cible} ?"
        await pilot.pause()
        assert shown(form, "#error-text_generic").startswith("No {fact} in this wording")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and path.read_bytes() == before
        await replace_text(pilot, "#form-text", "Pour {cible}, quel indicateur d'abord ?")
        generic.value = "Pour votre cible, quel indicateur d'abord ?"
        await pilot.pause()
        assert shown(form, "#error-text") == shown(form, "#error-text_generic") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
    saved = question(path, "mesure-succes")
    assert (
        saved.render({"cible": "les 18-25 ans"}) == "Pour les 18-25 ans, quel indicateur d'abord ?"
    )
    assert saved.render({}) == "Pour votre cible, quel indicateur d'abord ?"
    assert [(f.text, f.key_points) for f in saved.follow_ups] == [("Et ensuite ?", ["Un seuil"])]


async def test_form_says_when_an_edited_key_point_loses_its_hints(tmp_path: Path) -> None:
    path = facts_folder(tmp_path) / "facts.yaml"
    async with form_on(path, "choix-canal", lang="fr") as (app, pilot, form):
        await replace_text(
            pilot,
            "#form-key_points",
            "Un coût par mille ou par clic comparé entre les deux réseaux\nUne source nommée\nLe renoncement assumé",
        )
        warnings = shown(form, "#form-warnings")
        assert (
            "« Une source d'audience nommée » avait des indices (Médiamétrie, DataReportal, source)"
            in warnings
        )
        assert "Médiamétrie" not in shown(form, "#form-hints")
        assert "« Le renoncement assumé » : renoncer, au détriment de" in shown(form, "#form-hints")


async def test_browser_shows_hints_follow_up_key_points_and_the_generic_wording(
    tmp_path: Path,
) -> None:
    app = make_app(banks=[facts_folder(tmp_path)], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        browser = await open_browser(app, pilot, "community-manager/campagne-test")
        tree = browser.query_one("#bank-tree", Tree)
        tree.move_cursor(tree.cursor_node.children[0])
        await pilot.pause()
        info = shown(browser, "#bank-info")
        assert "Without the student's figures: Avec le budget dont vous disposez" in info
        assert "• Une source d'audience nommée  hints: Médiamétrie, DataReportal, source" in info
        assert (
            "↳ Et si le budget était divisé par deux ?\n      • Ce qui est coupé en premier, chiffré\n"
            in info
        )
        assert "      • Le canal conservé et pourquoi  hints: garder, priorité" in info
        browser.query_one("#bank-search", Input).value = "coupé premier"  # a follow-up's key point
        await pilot.pause()
        assert [label.strip() for label in tree_labels(browser) if label.startswith("    ")] == [
            "Avec {budget}, pourquoi avoir choisi Instagram plutôt que TikTok ?"
        ]


# --- Banks changed outside the app ---------------------------------------------------------------


async def until(pilot, condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def home_titles(app) -> list[str]:
    from soutenance.ui.screens.home import HomeScreen

    home = next(screen for screen in app.screen_stack if isinstance(screen, HomeScreen))
    found = home.query("#projects")  # none while the home screen recomposes (banks reloaded)
    if not found:
        return []
    tree = found.first(Tree)
    return [str(leaf.label) for branch in tree.root.children for leaf in branch.children]


async def test_a_bank_created_edited_or_broken_on_disk_shows_in_the_running_app(
    tmp_path: Path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from soutenance.cli import cli
    from soutenance.ui.app import SoutenanceApp

    monkeypatch.setattr(SoutenanceApp, "BANK_CHECK_SECONDS", 0.05)
    folder = tmp_path / "team"
    folder.mkdir()
    created = folder / "veille.yaml"

    def run(*args: str) -> None:
        result = CliRunner().invoke(cli, [*args, "--banks", str(folder)], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    app = make_app(banks=[folder], lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not any(title.startswith("Organisez une veille") for title in home_titles(app))
        run("bank", "new", "community-manager/veille", "--title", "Organisez une veille", "--language", "fr",
            "--dir", str(folder))  # fmt: skip
        await until(
            pilot,
            lambda: any(
                t.startswith("Organisez une veille  0 questions") for t in home_titles(app)
            ),
        )
        browser = await open_browser(app, pilot, "community-manager/veille")
        run(
            "bank",
            "add",
            str(created),
            "--text",
            "Quels outils de veille utilisez-vous ?",
            "--key-point",
            "Un outil nommé",
        )
        await until(
            pilot, lambda: any("Quels outils de veille" in label for label in tree_labels(browser))
        )
        assert any(t.startswith("Organisez une veille  1 questions") for t in home_titles(app))
        created.write_text(
            created.read_text(encoding="utf-8") + "  - id: [oops\n", encoding="utf-8"
        )
        await until(pilot, lambda: any("veille.yaml no longer loads" in n for n in notices(app)))
        await pilot.press("escape")
        await pilot.pause()
        banner = str(app.screen.query_one("#problems-banner").render())
        assert "1 bank file(s) not loaded" in banner
        assert not any(title.startswith("Organisez une veille") for title in home_titles(app))
