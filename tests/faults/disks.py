"""Real faulty places for the store and the exports: a full disk, a read-only file.

A full disk is a tiny tmpfs mounted for the test (root and mount(8) needed, as on CI; skipped
elsewhere, saying why), filled to the last byte. A read-only file is mode 0444 for a normal
user; root ignores modes, so there it gets the immutable attribute (chattr +i), which even root
cannot write through.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def tiny_disk(folder: Path, kilobytes: int = 512) -> Iterator[Path]:
    """`folder` as the mount point of a file system of `kilobytes`, unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is simulated with a tmpfs, which only root can mount")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` to its last byte with one file, returned."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 16, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(descriptor, b"\0" * size)
    finally:
        os.close(descriptor)
    assert shutil.disk_usage(folder).free < 4096
    return filler


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` made read-only for whoever runs the test, and writable again afterwards."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield path
        finally:
            path.chmod(0o644)
        return
    locked = subprocess.run(
        ["chattr", "+i", str(path)], capture_output=True, text=True, check=False
    )
    if locked.returncode != 0:
        pytest.skip(
            f"root needs chattr +i for a read-only file, refused here: {locked.stderr.strip()}"
        )
    try:
        with pytest.raises(OSError):
            path.open("ab").close()  # really read-only, even for root
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def soutenance(*args: object, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    """The real command, in its own process, on the test's data dir ($SOUTENANCE_HOME)."""
    env = {**os.environ, "SOUTENANCE_LANG": "en", **options.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "soutenance", *map(str, args)], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=timeout, check=False, **options,
    )  # fmt: skip
