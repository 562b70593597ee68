"""docs/screenshots/make_screenshots.py still runs, and gives the same SVGs twice (clock and draw fixed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.conftest import REPO

SCRIPT = REPO / "docs" / "screenshots" / "make_screenshots.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_readme_screenshots_can_be_regenerated(tmp_path: Path) -> None:
    script = load_script()
    first = await script.make_screenshots(tmp_path / "a")
    assert [path.name for path in first] == ["question.svg", "summary.svg"]
    question, summary = (path.read_text(encoding="utf-8") for path in first)
    assert question.startswith("<svg") and "Answering" in question
    assert "Session&#160;summary" in summary and "Camille" in summary
    again = await script.make_screenshots(tmp_path / "b")
    assert [path.read_text(encoding="utf-8") for path in again] == [question, summary]


def test_the_readme_shows_them() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("question.svg", "summary.svg"):
        assert f"docs/screenshots/{name}" in readme
        assert (SCRIPT.parent / name).is_file()
