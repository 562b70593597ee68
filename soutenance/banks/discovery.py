"""Where banks live: bundled banks, then user folders that shadow them by path and project id.

Walking a bank folder never stops and never skips in silence: a folder that cannot be read, a
symbolic link that loops back to a folder above it, or a folder too big to walk are reported as
diagnostics on that folder. Linked folders are followed (a team folder linked into the user's
banks is read); each real folder is read once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from soutenance import paths
from soutenance.banks.diagnostics import Diagnostic, Severity, reason

BANK_SUFFIXES = (".yaml", ".yml")
MAX_FOLDERS = 10_000
"""Folders walked under one root before giving up (a link to / must not walk the whole disk)."""


class RootKind(StrEnum):
    BUNDLED = "bundled"
    USER = "user"


@dataclass(frozen=True, slots=True)
class BankRoot:
    path: Path
    kind: RootKind


def real(path: str | Path) -> str:
    """The path with every link resolved; never raises, even on a symbolic link loop."""
    return os.path.realpath(path)


def bank_roots(extra: Sequence[Path] = ()) -> list[BankRoot]:
    """Bank folders, highest precedence first: --banks, $SOUTENANCE_BANKS, the user folder, bundled."""
    roots: list[BankRoot] = []
    seen: set[Path] = set()
    candidates = [*extra, *paths.env_bank_dirs(), paths.user_banks_dir()]
    for folder in candidates:
        resolved = Path(real(Path(folder).expanduser()))
        if resolved not in seen:
            seen.add(resolved)
            roots.append(BankRoot(resolved, RootKind.USER))
    bundled = Path(real(paths.bundled_banks_dir()))
    if bundled not in seen:
        roots.append(BankRoot(bundled, RootKind.BUNDLED))
    return roots


def _problem(path: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, Severity.ERROR, message)


def scan(folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """YAML files under a folder, sorted, skipping hidden files and folders, and the problems met.

    A file given directly is returned whatever its name; a folder that does not exist holds no
    bank and is no problem (the user folder is often absent).
    """
    try:
        os.scandir(folder).close()
    except FileNotFoundError:
        return [], []
    except NotADirectoryError:
        return [folder], []
    except OSError as exc:
        if str(folder).endswith(BANK_SUFFIXES):
            return [folder], []  # read as a file, it gets its own "cannot read file" diagnostic
        return [], [_problem(str(folder), f"cannot read folder: {reason(exc)}")]
    found: list[str] = []
    problems: list[Diagnostic] = []
    visited = {real(folder)}
    stack = [(str(folder), (real(folder),))]
    while stack:
        top, chain = stack.pop()
        if len(visited) > MAX_FOLDERS:
            problems.append(
                _problem(str(folder), f"more than {MAX_FOLDERS} folders: the rest is not read")
            )
            break
        try:
            with os.scandir(top) as entries:
                listed = [(entry.name, entry.path, _kind(entry)) for entry in entries]
        except OSError as exc:
            problems.append(_problem(top, f"cannot read folder: {reason(exc)}"))
            continue
        for name, path, kind in listed:
            if name.startswith("."):
                continue
            if isinstance(kind, OSError):
                if name.endswith(BANK_SUFFIXES):
                    found.append(
                        path
                    )  # read as a file, it gets its own "cannot read file" diagnostic
                else:
                    problems.append(_problem(path, f"cannot read: {reason(kind)}"))
            elif kind:
                target = real(path)
                if target in chain:
                    problems.append(
                        _problem(path, f"symbolic link loop: this folder leads back to {target}")
                    )
                elif target not in visited:
                    visited.add(target)
                    stack.append((path, (*chain, target)))
            elif name.endswith(BANK_SUFFIXES):
                found.append(path)
    return [Path(name) for name in sorted(found)], problems


def _kind(entry: os.DirEntry[str]) -> bool | OSError:
    """Whether the entry is a folder (links followed), or why that cannot be known."""
    try:
        return entry.is_dir()
    except OSError as exc:
        return exc


def bank_files(folder: Path) -> list[Path]:
    """YAML files under a folder, sorted, skipping hidden files and folders."""
    return scan(folder)[0]


def files_of_roots(
    roots: Iterable[BankRoot],
) -> tuple[list[tuple[BankRoot, Path]], list[Diagnostic]]:
    """Each file once, under the first (highest precedence) root that reaches it, and the problems."""
    seen: set[str] = set()
    found = []
    problems: list[Diagnostic] = []
    for root in roots:
        files, met = scan(root.path)
        problems += met
        for path in files:
            resolved = real(path)
            if resolved not in seen:
                seen.add(resolved)
                found.append((root, path))
    return found, problems
