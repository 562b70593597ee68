"""The home screen lists bundled projects, and a broken bank is a problem, not a crash."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tree

from soutenance.ui.app import make_app
from soutenance.ui.screens.home import HomeScreen
from soutenance.ui.screens.problems import ProblemsScreen


async def test_home_lists_bundled_paths_and_projects() -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        tree = app.screen.query_one("#projects", Tree)
        paths = [str(node.label) for node in tree.root.children]
        assert paths == [
            "Community Manager",
            "Digital Marketer",
            "Responsable marketing et communication",
        ]
        titles = [str(leaf.label) for node in tree.root.children for leaf in node.children]
        assert any(
            title.startswith("Gérez une équipe créative et rédigez un brief") for title in titles
        )
        assert all("questions" in title for title in titles)


async def test_broken_bank_is_listed_as_a_problem_while_others_load(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "broken.yaml").write_text("project:\n  id: x\n  titel: oops\n", encoding="utf-8")
    (banks / "binary.yaml").write_bytes(b"\x00\x01\x02")
    app = make_app(banks=[banks], lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "2 bank file(s) not loaded" in str(app.screen.query_one("#problems-banner").render())
        tree = app.screen.query_one("#projects", Tree)
        assert len(tree.root.children) == 3
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(".problem"))
        assert "broken.yaml:3:3: error: unknown key `titel`; did you mean `title`?" in shown
        assert "binary.yaml:1:1: error: this is a binary file" in shown


async def test_selecting_a_project_shows_its_details() -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        info = str(app.screen.query_one("#project-info").render())
        assert "questions" in info and "Community Manager" in info
        first_title = info.splitlines()[0]
        await pilot.press("down")
        await pilot.pause()
        info = str(app.screen.query_one("#project-info").render())
        assert info.splitlines()[0] != first_title


async def test_home_opens_the_bank_browser_on_the_selected_project() -> None:
    from soutenance.ui.screens.bank_browser import BankBrowserScreen

    app = make_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, BankBrowserScreen)
