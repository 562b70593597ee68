"""Where banks live: bundled banks, then user folders that shadow them by path and project id."""

from __future__ import annotations

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
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).parts
        if path.suffix in BANK_SUFFIXES and not any(p.startswith(".") for p in relative) and path.is_file():
            found.append(path)
    return sorted(found)


def files_of_roots(roots: Iterable[BankRoot]) -> list[tuple[BankRoot, Path]]:
    return [(root, path) for root in roots for path in bank_files(root.path)]
