"""The app's first frame pays for nothing the home screen does not show: the settings are
validated (pydantic), the store opened and the unfinished session looked for once it is drawn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soutenance import paths
from soutenance.banks.catalog import build_catalog
from soutenance.config_file import FirstLook
from soutenance.store import open_store
from soutenance.ui.app import make_app
from tests.samples import sample_session

LATER = ("pydantic", "soutenance.config", "soutenance.store", "sqlite3", "soutenance.banks.loader")

# Starts the app as `soutenance` does (headless), and lists what is imported when the home
# screen is mounted (what comes before its first frame) and once the app is up.
START_AND_LIST_MODULES = """
import json, sys
from soutenance.ui.app import make_app
from soutenance.ui.screens.home import HomeScreen

LATER = {later!r}
seen = {{}}
mounted = HomeScreen.on_mount

def on_mount(self):
    mounted(self)
    seen["home mounted"] = sorted(m for m in LATER if m in sys.modules)

    def up():
        seen["app up"] = sorted(m for m in LATER if m in sys.modules)
        seen["theme"] = self.app.theme
        seen["unfinished"] = len(self.unfinished)
        seen["notices"] = [n.message for n in self.app._notifications]
        self.app.exit()

    self.app.call_after_refresh(lambda: self.app.call_after_refresh(up))

HomeScreen.on_mount = on_mount
make_app(ask_language=True).run(headless=True, size=(80, 24))
print(json.dumps(seen))
"""


def start_and_list(home: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", START_AND_LIST_MODULES.format(later=LATER)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SOUTENANCE_HOME": str(home)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def write_config(values: dict) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values), encoding="utf-8")


def test_a_returning_student_sees_the_home_screen_before_settings_and_store_are_read(
    soutenance_home: Path,
) -> None:
    write_config(
        {"language": "en", "theme": "nord", "student": "Camille", "amber_fraction": "beaucoup"}
    )
    store = open_store(paths.database_path())
    store.save_session(sample_session("Camille", ended=False))
    store.close()
    build_catalog(())  # the bank index, warm as after any first start

    seen = start_and_list(soutenance_home)

    assert seen["home mounted"] == []
    assert {"pydantic", "soutenance.config", "soutenance.store"} <= set(seen["app up"])
    assert "soutenance.banks.loader" not in seen["app up"]  # the bank index is enough
    assert seen["theme"] == "nord"
    assert seen["unfinished"] == 1
    notices = " ".join(seen["notices"])
    assert "amber_fraction" in notices  # the settings were validated, their problem said
    assert "unfinished" in notices.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"language": "en", "theme": "nord", "last_project": "a/b"}', ("en", "nord", "a/b")),
        ('{"extra": {"last_project": "a/b"}}', (None, None, "a/b")),
        ('{"language": ["en"], "theme": 3, "last_project": null}', (None, None, None)),
        ("[1, 2]", (None, None, None)),
        ("{not json", (None, None, None)),
    ],
)
def test_the_first_look_keeps_only_text_values(tmp_path: Path, text: str, expected) -> None:
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    look = FirstLook.read(path)
    assert (look.language, look.theme, look.last_project) == expected


async def test_an_unknown_theme_in_the_settings_leaves_the_default_theme() -> None:
    write_config({"theme": "no-such-theme", "language": "fr"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert app.services.config.theme == "no-such-theme"  # kept as written, never crashed
