"""The wheel: built with `python -m build`, carries banks, schema, catalogs and stylesheets, and works
installed into a fresh virtual environment, from any directory.

Offline by design: the wheel is built with this environment's hatchling (`--no-isolation`), and the
fresh venv gets its dependencies (Textual, pydantic…) from this environment's site-packages through
a .pth file, the wheel itself being installed with `--no-index --no-deps`. What is checked is what
the wheel brings; pip resolving the dependencies from PyPI is checked by .ci/run, which may use the
network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def run(
    *argv: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> str:
    result = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{argv} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, REPO)
    built = sorted(out.glob("soutenance-*.whl"))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def relative_files(folder: Path, pattern: str) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.glob(pattern) if path.is_file()}


def test_the_wheel_carries_every_bundled_bank_and_the_schema(names: set[str]) -> None:
    banks = relative_files(REPO / "question_banks", "**/*.yaml")
    assert len(banks) >= 10
    assert {f"soutenance/question_banks/{bank}" for bank in banks} <= names
    assert "soutenance/question_banks/bank.schema.json" in names


def test_the_wheel_carries_the_catalogs_and_the_stylesheets(names: set[str]) -> None:
    package = REPO / "soutenance"
    catalogs = relative_files(package / "i18n" / "catalogs", "*/*.json")
    assert {"fr/app.json", "en/app.json"} <= catalogs
    assert {f"soutenance/i18n/catalogs/{name}" for name in catalogs} <= names
    styles = relative_files(package / "ui" / "styles", "*.tcss")
    assert styles
    assert {f"soutenance/ui/styles/{name}" for name in styles} <= names


def test_the_wheel_carries_code_only_from_the_package(names: set[str]) -> None:
    assert "soutenance/__main__.py" in names
    assert "soutenance/cli/serve.py" in names
    assert not [name for name in names if name.startswith(("tests/", "question_banks/", "docs/"))]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_declares_its_command_and_python_versions(wheel: Path, names: set[str]) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(info).decode("utf-8"))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode("utf-8")
    assert "soutenance = soutenance.cli:main" in entry_points
    assert metadata["Requires-Python"] == ">=3.11"
    classifiers = metadata.get_all("Classifier") or []
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    assert "textual" in requires and "textual-serve" in requires


def test_installed_in_a_fresh_venv_it_finds_the_bundled_banks_from_anywhere(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    # Dependencies come from this environment, after the venv's own site-packages: the venv's
    # soutenance (the wheel's) wins, and .pth files of this environment (an editable install of
    # the checkout) are not processed, since these folders are added as plain paths.
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_test_dependencies.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")

    run(
        python,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--no-deps",
        "--ignore-installed",
        "--quiet",
        wheel,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "SOUTENANCE_BANKS", "VIRTUAL_ENV")
    }
    env["SOUTENANCE_HOME"] = str(tmp_path / "home")
    location = run(
        python, "-c", "import soutenance; print(soutenance.__file__)", cwd=elsewhere, env=env
    )
    assert Path(location.strip()).is_relative_to(env_dir), location

    command = bin_dir / ("soutenance.exe" if os.name == "nt" else "soutenance")
    listed = json.loads(run(command, "bank", "list", "--format", "json", cwd=elsewhere, env=env))
    projects = listed["projects"]
    bundled = relative_files(REPO / "question_banks", "**/*.yaml")
    assert len(projects) == len(bundled)
    assert {p["project"] for p in projects} == {Path(name).stem for name in bundled}
    assert {p["path_id"] for p in projects} >= {"community-manager", "digital-marketer"}
    for project in projects:
        assert project["source"] == "bundled"
        assert Path(project["file"]).is_relative_to(env_dir), project["file"]
    plain = run(command, "bank", "list", cwd=elsewhere, env=env)
    assert "Digital Marketer" in plain
    assert run(command, "--version", cwd=elsewhere, env=env).startswith("soutenance")
    # The bank schema travels too: `bank schema` prints it from the installed package.
    assert json.loads(run(command, "bank", "schema", cwd=elsewhere, env=env))
