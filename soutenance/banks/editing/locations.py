"""Where banks live: the bundled folder (never modified in place) and the user's copies."""

from __future__ import annotations

from pathlib import Path

from soutenance import paths
from soutenance.banks.model import Bank


def is_bundled(path: Path) -> bool:
    """True for a file under the bundled banks folder (which is never modified in place)."""
    try:
        path.resolve().relative_to(paths.bundled_banks_dir().resolve())
    except ValueError:
        return False
    return True


def user_copy_path(bank: Bank) -> Path:
    """Where the user's copy of a project lives: <user banks>/<path-id>/<project-id>.yaml."""
    return paths.user_banks_dir() / bank.project.path_id / f"{bank.project.id}.yaml"
