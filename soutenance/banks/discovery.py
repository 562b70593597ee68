"""Where banks live: bundled banks, then user folders that shadow them by path and project id."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from soutenance import paths

BANK_SUFFIXES = (".yaml", ".yml")


class RootKind(StrEnum):
    BUNDLED = "bundled"
    USER = "user"


@dataclass(frozen=True, slots=True)
class BankRoot:
    path: Path
    kind: RootKind


def bank_roots(extra: Sequence[Path] = ()) -> list[BankRoot]:
    """Bank folders, highest precedence first: --banks, $SOUTENANCE_BANKS, the user folder, bundled."""
    roots: list[BankRoot] = []
    seen: set[Path] = set()
    candidates = [*extra, *paths.env_bank_dirs(), paths.user_banks_dir()]
    for folder in candidates:
        resolved = Path(folder).expanduser().resolve()
        if resolved not in seen:
            seen.add(resolved)
            roots.append(BankRoot(resolved, RootKind.USER))
    bundled = paths.bundled_banks_dir().resolve()
    if bundled not in seen:
        roots.append(BankRoot(bundled, RootKind.BUNDLED))
    return roots


def bank_files(folder: Path) -> list[Path]:
    """YAML files under a folder, sorted, skipping hidden files and folders."""
    if folder.is_file():
        return [folder]
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            os.path.join(top, name) for name in files if name.endswith(BANK_SUFFIXES) and not name.startswith(".")
        )
    return [Path(name) for name in sorted(found)]


def files_of_roots(roots: Iterable[BankRoot]) -> list[tuple[BankRoot, Path]]:
    """Each file once, under the first (highest precedence) root that reaches it."""
    seen: set[Path] = set()
    found = []
    for root in roots:
        for path in bank_files(root.path):
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append((root, path))
    return found
